#!/usr/bin/env bash
# test_meter.sh -- metered schemes against a real tilld: meter readings
# recorded, listed and never going backwards (refused with the reading and
# day in the message, nothing written) unless a supervisor corrects the last
# one with a reason (the replaced reading kept); a monthly water run that
# charges each payer its readings' delta in the month x the unit price,
# rounded once half up (the amounts computed here by integer arithmetic in
# awk), skips and counts payers without two readings in the month, posts
# nothing the second time; an adjustment after a correction; roles; the
# Chinese refusal; `till audit verify`.
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_ledger.sh"
source "$(dirname -- "$0")/lib_world.sh"

register_lanes
world_users sam carol audrey
world_login ADMIN-01:sam T-LANE-01:carol T-LANE-02:audrey
admin() { till_as ADMIN-01 "$@"; }
cashier() { till_user T-LANE-01 carol "$@"; }
sup() { till_user ADMIN-01 sam "$@"; }
is() { assert_eq "$2" "$1" "line ${BASH_LINENO[0]}"; }
readings() { sql "SELECT count(*) FROM meter_readings"; }
# fen QUANTITY_CENTI RATE_E4 -- the charge: centi x rate_e4 = fen x 10^4,
# rounded half up once (as docs/billing.md's worked example)
fen() { awk -v q="$1" -v r="$2" 'BEGIN { print int((q * r + 5000) / 10000) }'; }
yuan() { printf '%d.%02d' $(($1 / 100)) $(($1 % 100)); }

step "a metered scheme and five payers"
expect_rc_contains 0 "added fee scheme" admin scheme add water --name 水费 --rule metered \
  --period month
expect_rc_contains 11 "cannot charge by" admin scheme add water2 --name x --rule metered \
  --period season
expect_rc 0 admin scheme add property --name 物业费 --rule area_month --period year
expect_rc 0 admin tariff add --scheme water --from 2026-01-01 --rate 4.1235
printf 'complex,unit,owner,area,occupancy\n' >"$T/payers.csv"
for i in 1 2 3 4 5; do
  occ=occupied
  [ "$i" = 5 ] && occ=unsold
  printf '阳光小区,1-1-%d,户主%d,80.00,%s\n' "$i" "$i" "$occ" >>"$T/payers.csv"
done
expect_rc 0 admin payer import "$T/payers.csv"

step "readings"
expect_rc_contains 0 "the first reading" cashier meter read 1 --scheme water --reading 1187.25 \
  --date 2026-11-01
expect_rc_contains 0 "used since: 47.25" cashier meter read 1 --scheme water --reading 1234.5 \
  --date 2026-11-30
expect_rc 0 cashier meter read 2 --scheme water --reading 100 --date 2026-11-01
expect_rc 0 cashier meter read 2 --scheme water --reading 105.5 --date 2026-11-15
expect_rc 0 sup meter read 2 --scheme water --reading 110 --date 2026-11-30
expect_rc 0 cashier meter read 3 --scheme water --reading 40 --date 2026-10-31
expect_rc 0 cashier --json meter read 3 --scheme water --reading 50 --date 2026-11-20
is "$(json_field reading)" "50.00"
is "$(json_field kind)" reading
expect_rc 0 cashier meter read 5 --scheme water --reading 7 --date 2026-11-01
expect_rc 0 cashier meter read 5 --scheme water --reading 9 --date 2026-11-30
is "$(readings)" 9

step "a meter never goes backwards; refusals write nothing"
expect_rc_contains 15 "reading 1200.00 is below the reading 1234.50 of 2026-11-30" \
  cashier meter read 1 --scheme water --reading 1200 --date 2026-12-01
expect_rc_contains 15 "the reading before is of 2026-11-30" \
  cashier meter read 1 --scheme water --reading 1300 --date 2026-11-15
expect_rc_contains 15 "the reading before is of 2026-11-30" \
  cashier meter read 1 --scheme water --reading 1300 --date 2026-11-30
expect_rc_contains 11 "not metered" cashier meter read 1 --scheme property --reading 1 \
  --date 2026-11-30
expect_rc_contains 11 "after today" cashier meter read 1 --scheme water --reading 1300 \
  --date 2999-01-01
expect_rc_contains 11 "YYYY-MM-DD" cashier meter read 1 --scheme water --reading 1300 \
  --date 2026-02-30
expect_rc_contains 14 "no payer 99" cashier meter read 99 --scheme water --reading 1
expect_rc_contains 14 "no fee scheme gas" cashier meter read 1 --scheme gas --reading 1
expect_rc_contains 2 "--reading" cashier meter read 1 --scheme water --reading -3
expect_rc_contains 2 "--reading" cashier meter read 1 --scheme water --reading 1.234
# a correction is a supervisor's (or an admin's), with a reason
expect_rc_contains 13 "supervisor or an admin" cashier meter read 2 --scheme water \
  --reading 111.1 --correct --reason "抄错"
expect_rc_contains 2 "--reason" sup meter read 2 --scheme water --reading 111.1 --correct
expect_rc_contains 2 "--correct" cashier meter read 2 --scheme water --reading 111.1 --reason x
expect_rc_contains 15 "no water reading to correct" sup meter read 4 --scheme water \
  --reading 1 --correct --reason x
# the reading before payer 2's last is 105.50 of 2026-11-15
expect_rc_contains 15 "reading 105.00 is below the reading 105.50 of 2026-11-15" \
  sup meter read 2 --scheme water --reading 105 --correct --reason "抄错"
# an auditor reads, never records
expect_rc 13 till_user T-LANE-02 audrey meter read 1 --scheme water --reading 2000
# in Chinese, with the figures
expect_rc 15 env TILL_LANG=zh_CN "$TILL" --config "$T/term/T-LANE-01/till.conf" \
  --session "$(user_session T-LANE-01 carol)" meter read 1 --scheme water --reading 1200 \
  --date 2026-12-01
assert_last_contains "读数 1200.00 低于 2026-11-30 的读数 1234.50"
is "$(readings)" 9

step "a correction replaces the last reading, which stays"
expect_rc_contains 0 "replaced by 111.10 of 2026-11-30" sup meter read 2 --scheme water \
  --reading 111.1 --correct --reason "抄错 (111.1)"
assert_last_contains "used since: 5.60"
is "$(readings)" 10
is "$(sql "SELECT kind, reading_centi, replaces, reason, created_by FROM meter_readings ORDER BY id DESC LIMIT 1")" \
  "correction|11110|$(sql "SELECT id FROM meter_readings WHERE payer_id = 2 AND reading_centi = 11000")|抄错 (111.1)|sam"
expect_rc 0 till_user T-LANE-02 audrey meter list 2
assert_last_contains "111.10"
assert_last_contains "抄错 (111.1)"
expect_rc 0 till_user T-LANE-02 audrey --json meter list 2 --scheme water
is "$(grep -o '"replaced":true' "$T/last.out" | wc -l)" 1
is "$(grep -o '"id":' "$T/last.out" | wc -l)" 4
expect_rc_contains 0 "no meter readings" cashier meter list 4
# the table keeps every row: no update, no delete
sql "UPDATE meter_readings SET reading_centi = 0 WHERE id = 1" 2>/dev/null && fail "a reading was updated"
is "$(sql "SELECT reading_centi FROM meter_readings WHERE id = 1")" 118725

step "the run: delta in the month x the unit price, rounded once"
# payer 1: 1234.50 - 1187.25 = 47.25 units; payer 2: 111.10 (corrected)
# - 100.00 = 11.10; payer 3 has one reading in November, payer 4 none:
# skipped; payer 5 unsold
f1=$(fen 4725 41235)
f2=$(fen 1110 41235)
is "$f1" 19484   # 47.25 x 4.1235 = 194.835375 -> 194.84
is "$f2" 4577    # 11.10 x 4.1235 = 45.77085 -> 45.77
before=$(sql "SELECT count(*) FROM journal")
expect_rc 0 admin --json charge run --scheme water --period 2026-11
is "$(json_field charged)" 2
is "$(json_field no_readings)" 2
is "$(json_field unsold)" 1
is "$(json_field amount)" "$(yuan $((f1 + f2)))"
is "$(json_field rate)" "4.1235"
is "$(json_field period_start)" "2026-11-01"
is "$(sql "SELECT payer_id, amount FROM charges WHERE scheme = 'water' ORDER BY payer_id")" \
  "1|$f1
2|$f2"
is $(($(sql "SELECT count(*) FROM journal") - before)) 2
expect_rc_contains 0 "without two meter readings in the period, skipped" admin charge run \
  --scheme water --period 2026-11
assert_last_contains "nothing posted"
# half up at exactly half a fen: 10.00 units x 4.1235 = 41.235 -> 41.24
expect_rc 0 cashier meter read 4 --scheme water --reading 0 --date 2026-11-01
expect_rc 0 cashier meter read 4 --scheme water --reading 10 --date 2026-11-30
expect_rc 0 admin --json charge run --scheme water --period 2026-11
is "$(json_field charged)" 1
is "$(json_field amount)" "41.24"
is "$(fen 1000 41235)" 4124
# October: payer 3 has one reading there, everyone else none
expect_rc 0 admin --json charge run --scheme water --period 2026-10
is "$(json_field charged)" 0
is "$(json_field no_readings)" 4

step "a correction after the run: an adjustment, never a rewrite"
expect_rc 0 sup meter read 1 --scheme water --reading 1240 --correct --reason "复核"
f1b=$(fen 5275 41235)   # 52.75 x 4.1235 = 217.514625 -> 217.51
expect_rc 0 admin --json charge adjust --payer 1 --scheme water --period 2026-11 --reason "复核"
is "$(json_field delta)" "$(yuan $((f1b - f1)))"
is "$(sql "SELECT kind, amount FROM charges WHERE payer_id = 1 AND scheme = 'water' ORDER BY id")" \
  "charge|$f1
adjustment|$((f1b - f1))"

step "the ledger verifies"
expect_rc_contains 0 "ledger verified: " till_user T-LANE-02 audrey audit verify
check_log_clean
