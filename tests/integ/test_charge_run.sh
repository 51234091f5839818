#!/usr/bin/env bash
# test_charge_run.sh -- fee schemes, versioned tariffs and charge runs
# (应收) against a real tilld: a 500-payer heating run whose total and
# count equal a computation made here (areas from the fixture, the tariff
# in effect on the season's first day, rounded half up by integer
# arithmetic in awk); the rerun posts nothing and says so; a run killed
# mid-way and run again ends with every payer charged once; opt-outs before
# and after the cut-off; a vacancy discount its requester cannot approve;
# adjustments that raise (a tariff added for a date the run passed) and
# lower (a vacancy approved after the run) by posting, never by rewrite;
# refusals that write nothing; a chunk worked in slices of writer time,
# a sale committed between them, tilld killed inside the chunk and the
# rerun charging exactly the rest; and `till audit verify` over it all.
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_ledger.sh"
source "$(dirname -- "$0")/lib_world.sh"

register_lanes
world_users sam kim carol audrey
world_login ADMIN-01:sam ADMIN-01:kim T-LANE-01:carol T-LANE-02:audrey
admin() { till_as ADMIN-01 "$@"; }
# is GOT WANT -- GOT must be WANT (the failure names the line)
is() { assert_eq "$2" "$1" "line ${BASH_LINENO[0]}"; }
journal_count() { sql "SELECT count(*) FROM journal"; }

step "schemes and tariffs"
expect_rc_contains 0 "added fee scheme" admin scheme add heating --name 供暖费 \
  --rule area_season --period season --optout-share 30
expect_rc 0 admin scheme add property --name 物业费 --rule area_month --period year
# a rule that does not fit its period, a bad code, a bad cut-off: refused, nothing written
expect_rc_contains 11 "cannot charge by" admin scheme add bad --name x --rule area_season --period year
expect_rc_contains 11 "scheme code" admin scheme add Bad --name x --rule area_month --period year
expect_rc_contains 11 "cut-off" admin scheme add bad --name x --rule area_season --period season \
  --optout-cutoff 10-32
is "$(sql "SELECT count(*) FROM schemes")" 2
expect_rc 0 admin tariff add --scheme heating --from 2025-09-01 --rate 20
expect_rc 0 admin tariff add --scheme heating --from 2026-09-01 --rate 21.50
expect_rc 0 admin tariff add --scheme heating --from 2027-09-01 --rate 23.00
expect_rc 0 admin tariff add --scheme property --from 2026-01-01 --rate 1.80
expect_rc_contains 16 "never edited" admin tariff add --scheme heating --from 2026-09-01 --rate 22
expect_rc_contains 2 "at most 4 decimals" admin tariff add --scheme heating --from 2028-09-01 \
  --rate 1.23456
expect_rc 0 till_user T-LANE-01 carol --json tariff list --scheme heating
is "$(json_field rate)" "20.0000"
# a cashier may not add one
expect_rc 13 till_user T-LANE-01 carol tariff add --scheme heating --from 2029-09-01 --rate 1

step "500 payers"
# the fixture: payer i (numbers 1..500 in import order) has area
# ((i x 7919) mod 15000 + 3000) / 100 m²; every 50th is unsold, every 37th
# (not 50th) vacant
awk 'BEGIN { printf "complex,unit,owner,area,occupancy\n"
  for (i = 1; i <= 500; i++) {
    area = (i * 7919) % 15000 + 3000
    occ = (i % 50 == 0) ? "unsold" : (i % 37 == 0) ? "vacant" : "occupied"
    printf "阳光小区,%d-%d-%d,户主%d,%d.%02d,%s\n", i % 9 + 1, i % 4 + 1, i, i, int(area / 100), area % 100, occ } }' \
  >"$T/payers.csv"
expect_rc_contains 0 "imported 500 payers, numbers 1 to 500" admin payer import "$T/payers.csv"
is "$(sql "SELECT count(*) FROM payers")" 500

# expect RATE_E4 SHARE_OF_PAYER... -- count and fen of the run, computed here:
# area_centi x rate_e4 (fen x 10^4) x share, rounded half up once
expect_run() {
  awk -v rate="$1" -v skip="${2:-}" 'BEGIN { for (i = 1; i <= 500; i++) {
    if (i % 50 == 0 || ("," skip ",") ~ ("," i ",")) continue
    area = (i * 7919) % 15000 + 3000
    n = area * rate * 100                        # fen x 10^6
    fen = int((n + 500000) / 1000000)
    c++; s += fen }
    printf "%d %d\n", c, s }'
}
read -r WANT_N WANT_FEN < <(expect_run 215000)
yuan() { printf '%d.%02d' $(($1 / 100)) $(($1 % 100)); }

step "the run"
# one payer a slice of writer time (charge_slice_ms 0, docs/billing.md): the
# chunks of 64 are worked in 490 slices, and the figures below still hold
restart_tilld --charge_slice_ms 0
# the season 2026-2027 starts 2026-11-15: the tariff from 2026-09-01 (21.50)
before=$(journal_count)
expect_rc 0 admin --json charge run --scheme heating --period 2026-2027 --chunk 64
is "$(json_field charged)" "$WANT_N"
is "$(json_field amount)" "$(yuan "$WANT_FEN")"
is "$(json_field unsold)" 10
is "$(json_field rate)" "21.5000"
is "$(json_field tariff_from)" "2026-09-01"
is "$(json_field period_start)" "2026-11-15"
is "$(sql "SELECT count(*), sum(amount) FROM charges WHERE scheme = 'heating' AND period = '2026-2027'")" \
  "$WANT_N|$WANT_FEN"
is $(($(journal_count) - before)) "$WANT_N"
# receivable and revenue agree with the charges
is "$(sql "SELECT -sum(amount) FROM entries WHERE account = 'revenue:heating'")" "$WANT_FEN"
is "$(sql "SELECT count(*) FROM charges WHERE year <> 2026 OR kind <> 'charge'")" 0

step "the rerun posts nothing"
before=$(journal_count)
expect_rc_contains 0 "nothing posted" admin charge run --scheme heating --period 2026-2027
assert_last_contains "charged before"
is "$(journal_count)" "$before"

step "bad runs write nothing"
expect_rc_contains 11 "YYYY-YYYY" admin charge run --scheme heating --period 2026
expect_rc_contains 11 "YYYY-YYYY" admin charge run --scheme heating --period 2026-2028
expect_rc_contains 14 "no fee scheme" admin charge run --scheme water --period 2026
expect_rc_contains 15 "no tariff of scheme heating is in effect on 2024-11-15" \
  admin charge run --scheme heating --period 2024-2025
expect_rc 13 till_user ADMIN-01 sam charge run --scheme heating --period 2026-2027
is "$(journal_count)" "$before"

step "an interrupted run, resumed"
# property 2026, by year: 1.80 x area x 12, one payer a chunk so it is slow
# enough to kill the client in the middle
"$TILL" --config "$T/term/ADMIN-01/till.conf" charge run --scheme property --period 2026 \
  --chunk 1 >"$T/run1.out" 2>&1 &
RUN_PID=$!
for ((i = 0; i < 200; i++)); do
  n=$(sql "SELECT count(*) FROM charges WHERE scheme = 'property'")
  [ "$n" -ge 20 ] && break
  sleep 0.05
done
kill -KILL "$RUN_PID" 2>/dev/null || true
wait "$RUN_PID" 2>/dev/null || true
# a chunk the client sent before it died may still commit: wait until the
# count holds still (bounded)
n=$(sql "SELECT count(*) FROM charges WHERE scheme = 'property'")
for ((i = 0; i < 50; i++)); do
  sleep 0.1
  m=$(sql "SELECT count(*) FROM charges WHERE scheme = 'property'")
  [ "$m" = "$n" ] && break
  n=$m
done
[ "$n" -ge 20 ] && [ "$n" -lt 490 ] || fail "the killed run had charged $n payers (wanted between 20 and 489)"
read -r WANT_P WANT_PFEN < <(awk 'BEGIN { for (i = 1; i <= 500; i++) {
    if (i % 50 == 0) continue
    area = (i * 7919) % 15000 + 3000
    fen = int((area * 18000 * 12 + 5000) / 10000); c++; s += fen }   # fen x 10^4
    printf "%d %d\n", c, s }')
expect_rc 0 admin --json charge run --scheme property --period 2026
is "$(json_field already)" "$n"
is $(($(json_field charged) + n)) "$WANT_P"
is "$(sql "SELECT count(*), count(DISTINCT payer_id), sum(amount) FROM charges WHERE scheme = 'property'")" \
  "$WANT_P|$WANT_P|$WANT_PFEN"
is "$(sql "SELECT count(*) FROM journal WHERE kind = 'charge'")" $((WANT_N + WANT_P))

step "a chunk works in slices: a sale goes between them; killed inside, it resumes"
# one payer a slice (charge_slice_ms 0): one chunk of all 500 payers commits
# slice by slice, and a sale made while it runs is committed in the middle
# of it (a chunk that held the writer to its end would commit all of its
# charges before the sale); tilld killed inside the chunk keeps the slices
# committed, and the rerun charges exactly the rest
world_catalog PARK1H
open_shift T-LANE-01 carol
expect_rc 0 admin scheme add parking --name 停车费 --rule fixed_month --period year
expect_rc 0 admin tariff add --scheme parking --from 2026-01-01 --rate 10.5
parking() { sql "SELECT count(*) FROM charges WHERE scheme = 'parking'"; }
"$TILL" --config "$T/term/ADMIN-01/till.conf" charge run --scheme parking --period 2026 \
  --chunk 1000 >"$T/run2.out" 2>&1 &
RUN_PID=$!
for ((i = 0; i < 400; i++)); do
  [ "$(parking)" -ge 5 ] && break
  sleep 0.01
done
expect_rc 0 till_user T-LANE-01 carol sale PARK1H:1 --method cash
SALE_TXN=$(sql "SELECT max(id) FROM journal WHERE kind = 'sale'")
kill_tilld
kill -KILL "$RUN_PID" 2>/dev/null || true
wait "$RUN_PID" 2>/dev/null || true
start_tilld --charge_slice_ms 0 || fail "tilld did not start again"
n=$(parking)
after=$(sql "SELECT count(*) FROM journal WHERE kind = 'charge' AND id > $SALE_TXN")
[ "$after" -gt 0 ] || fail "no charge of the chunk was committed after the sale ($n charged)"
printf "# killed chunk: %s charged, %s after the sale\n" "$n" "$after" >&8
[ "$n" -ge 5 ] && [ "$n" -lt 490 ] || fail "the killed chunk had charged $n payers (wanted 5 to 489)"
# 10.50 a month x 12, for every payer not unsold: 126.00
expect_rc 0 admin --json charge run --scheme parking --period 2026 --chunk 1000
is "$(json_field already)" "$n"
is "$(json_field unsold)" 10
is $(($(json_field charged) + n)) 490
is "$(sql "SELECT count(*), count(DISTINCT payer_id), sum(amount) FROM charges WHERE scheme = 'parking'")" \
  "490|490|$((490 * 105000 * 12 / 100))"
restart_tilld

step "opt-outs (报停) by the cut-off"
# 2026-2027's cut-off (2026-10-15) has passed: refused with the date, nothing written
expect_rc_contains 15 "was 2026-10-15" till_user T-LANE-01 carol optout request 3 --scheme heating \
  --season 2026-2027
is "$(sql "SELECT count(*) FROM charge_reliefs")" 0
# 2027-2028's is 2027-10-15, ahead: granted at 30 %
expect_rc 0 till_user T-LANE-01 carol --json optout request 3 --scheme heating --season 2027-2028 \
  --reason "不用暖"
is "$(json_field state)" approved
is "$(json_field share_pct)" 30
is "$(json_field cutoff)" 2027-10-15
expect_rc_contains 16 "already has an opt-out" till_user T-LANE-01 carol optout request 3 \
  --scheme heating --season 2027-2028

step "vacancy discounts need another supervisor"
# payer 37 is vacant; payer 3 is not
expect_rc_contains 15 "not a vacant unit" till_user ADMIN-01 sam vacancy request 3 --scheme heating \
  --period 2027-2028
expect_rc 0 till_user ADMIN-01 sam --json vacancy request 37 --scheme heating --period 2027-2028
VID=$(json_field id)
is "$(json_field state)" pending
expect_rc_contains 13 "made by you" till_user ADMIN-01 sam vacancy approve "$VID"
is "$(sql "SELECT state FROM charge_reliefs WHERE id = $VID")" pending
expect_rc 13 till_user T-LANE-01 carol vacancy approve "$VID"
expect_rc 0 till_user ADMIN-01 kim --json vacancy approve "$VID"
is "$(json_field state)" approved
is "$(json_field decided_by)" kim

step "prepayment: paid in advance, consumed by the next run"
# payer 5 pays what it owes (heating 2026-2027, property 2026) and 100.00
# more; payer 6 what it owes and 5000.00 more (more than next season's charge)
expect_rc 0 admin admin series add RF --kind billing
open_of() { sql "SELECT sum(amount - paid - waived - credited) FROM charges WHERE payer_id = $1"; }
c5=$(open_of 5)
c6=$(open_of 6)
expect_rc 0 till_user T-LANE-01 carol pay 5 --amount "$(yuan $((c5 + 10000)))" --method wechat
expect_rc 0 till_user T-LANE-01 carol pay 6 --amount "$(yuan $((c6 + 500000)))" --method transfer
is "$(sql "SELECT -sum(amount) FROM entries WHERE account = 'prepaid:payer:5'")" 10000
is "$(sql "SELECT -sum(amount) FROM entries WHERE account = 'prepaid:payer:6'")" 500000

step "the next season: its own tariff, the opt-out and the vacancy at their shares"
# 2027-11-15: the tariff from 2027-09-01 (23.00); payer 3 at 30 %, 37 at 50 %
read -r WANT_N2 WANT_FEN2 < <(expect_run 230000 3,37)
f3=$(awk 'BEGIN { a = (3 * 7919) % 15000 + 3000; print int((a * 230000 * 30 + 500000) / 1000000) }')
f37=$(awk 'BEGIN { a = (37 * 7919) % 15000 + 3000; print int((a * 230000 * 50 + 500000) / 1000000) }')
expect_rc 0 admin --json charge run --scheme heating --period 2027-2028
is "$(json_field relieved)" 2
is "$(json_field amount)" "$(yuan $((WANT_FEN2 + f3 + f37)))"
is "$(sql "SELECT amount FROM charges WHERE payer_id = 3 AND period = '2027-2028'")" "$f3"
is "$(sql "SELECT amount FROM charges WHERE payer_id = 37 AND period = '2027-2028'")" "$f37"
# prepaid consumed: payer 5's 100.00 in part, payer 6's new charge whole
n5=$(awk 'BEGIN { a = (5 * 7919) % 15000 + 3000; print int((a * 230000 + 5000) / 10000) }')
n6=$(awk 'BEGIN { a = (6 * 7919) % 15000 + 3000; print int((a * 230000 + 5000) / 10000) }')
is "$(json_field prepaid_applied)" "$(yuan $((10000 + n6)))"
is "$(sql "SELECT amount, paid FROM charges WHERE payer_id = 5 AND period = '2027-2028'")" "$n5|10000"
is "$(sql "SELECT amount, paid FROM charges WHERE payer_id = 6 AND period = '2027-2028'")" "$n6|$n6"
is "$(sql "SELECT coalesce(-sum(amount), 0) FROM entries WHERE account = 'prepaid:payer:5'")" 0
is "$(sql "SELECT -sum(amount) FROM entries WHERE account = 'prepaid:payer:6'")" $((500000 - n6))
is "$(sql "SELECT count(*), sum(s.amount) FROM settlements s JOIN journal j ON j.id = s.txn_id
           WHERE s.source = 'prepaid' AND j.kind = 'prepaid_apply'")" "2|$((10000 + n6))"

step "adjustments: a raise"
# a tariff from 2026-11-01 (22.00) is now the one in effect on 2026-11-15
expect_rc 0 admin tariff add --scheme heating --from 2026-11-01 --rate 22
a1=$(awk 'BEGIN { a = (1 * 7919) % 15000 + 3000; print int((a * 215000 + 5000) / 10000),
                  int((a * 220000 + 5000) / 10000) }')
read -r old1 new1 <<<"$a1"
expect_rc 0 admin --json charge adjust --payer 1 --scheme heating --period 2026-2027 \
  --reason "调价 2026-11-01"
is "$(json_field delta)" "$(yuan $((new1 - old1)))"
is "$(sql "SELECT kind, amount FROM charges WHERE payer_id = 1 AND period = '2026-2027' ORDER BY id")" \
  "charge|$old1
adjustment|$((new1 - old1))"
# again: nothing to post
before=$(journal_count)
expect_rc_contains 0 "nothing posted" admin charge adjust --payer 1 --scheme heating \
  --period 2026-2027 --reason again
is "$(journal_count)" "$before"

step "adjustments: a lowering credits the open charge"
# payer 74 is vacant (74 = 2 x 37); its discount approved after the run
expect_rc 0 till_user ADMIN-01 sam --json vacancy request 74 --scheme heating --period 2026-2027
V2=$(json_field id)
is "$(json_field charged)" true
expect_rc 0 till_user ADMIN-01 kim vacancy approve "$V2"
read -r o74 n74 < <(awk 'BEGIN { a = (74 * 7919) % 15000 + 3000
  print int((a * 215000 + 5000) / 10000), int((a * 220000 * 50 + 500000) / 1000000) }')
expect_rc 0 admin --json charge adjust --payer 74 --scheme heating --period 2026-2027 \
  --reason "空置 approved"
is "$(json_field delta)" "-$(yuan $((o74 - n74)))"
is "$(json_field credited)" "$(yuan $((o74 - n74)))"
is "$(json_field to_prepaid)" "0.00"
is "$(sql "SELECT amount, credited FROM charges WHERE payer_id = 74 AND period = '2026-2027'")" \
  "$o74|$((o74 - n74))"
is "$(sql "SELECT s.source, s.amount FROM settlements s JOIN charges c ON c.id = s.charge_id WHERE c.payer_id = 74")" \
  "credit|$((o74 - n74))"
# the receivable of payer 74 is what is open
is "$(sql "SELECT sum(amount) FROM entries WHERE account = 'receivable:payer:74'")" \
  "$(sql "SELECT sum(amount - paid - waived - credited) FROM charges WHERE payer_id = 74")"
is "$(sql "SELECT count(*) FROM journal WHERE kind = 'charge_adjust'")" 2

step "lists"
expect_rc 0 till_user T-LANE-02 audrey scheme list
assert_last_contains "供暖费"
expect_rc 0 till_user T-LANE-02 audrey optout list --state approved

step "the ledger verifies"
expect_rc_contains 0 "ledger verified: " till_user T-LANE-02 audrey audit verify
# a run is signed by the next checkpoint, shift close or day close
expect_rc 0 till_user ADMIN-01 sam audit checkpoint
expect_rc 0 till_user T-LANE-02 audrey audit export
cp -- "$T/last.out" "$T/charges.tillx"
expect_rc_contains 0 "export verified" "$TILL" audit verify --file "$T/charges.tillx"
check_log_clean
