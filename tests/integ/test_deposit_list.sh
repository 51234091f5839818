#!/usr/bin/env bash
# test_deposit_list.sh -- `till deposit list`: the deposits of a business
# date and every deposit still in transit, whatever its date, through a
# real tilld and the real till. Three shifts' cash goes into three deposits:
# two on the first business date D (one confirmed at once), then D is
# closed and the third is made on D+1. The list of each date is checked
# against what sqlite3 reads from the database and against the test's own
# sums of the deposits it made: the date's deposits, the ones in transit of
# the other date, the totals. Then D's deposit still in transit is
# confirmed a day late; a bad date, a cashier and a list past 1,000
# deposits (written with SQL, tilld stopped) are refused with a clear
# error; the text fits the 42-cell receipt width in English and Chinese.
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_world.sh"

register_lanes
world_catalog PARK
world_users carol dan sam audrey
world_login T-LANE-01:carol T-LANE-02:dan ADMIN-01:sam ADMIN-01:audrey

# rep QUERY -- QUERY over the last --json output; R is the document
rep() { sqlite3 -batch -noheader :memory: "WITH d(R) AS (SELECT readfile('$T/last.out')) $1"; }
# listed KEY -- "id,id,...|total" of the list KEY of the last --json output
# ("deposits" with "deposited", "in_transit" with "in_transit_total")
listed() {
  local total=deposited
  [ "$1" = in_transit ] && total=in_transit_total
  rep "SELECT coalesce((SELECT group_concat(json_extract(value, '\$.id'), ',')
                        FROM json_each(R, '\$.$1')), '') || '|' ||
              json_extract(R, '\$.$total') FROM d"
}
# yuan FEN -- 12345 -> 123.45 (FEN >= 0)
yuan() { printf '%d.%02d' $(($1 / 100)) $(($1 % 100)); }
# by_sql DATE -- "date's ids|their sum" and "in transit of other dates|all
# in transit" read from the database, by the rule of docs/protocol.md
by_sql() {
  sql "SELECT coalesce((SELECT group_concat(id, ',') FROM (SELECT id FROM deposits
           WHERE business_date = '$1' ORDER BY id)), '') || '|' ||
         (SELECT coalesce(sum(amount), 0) FROM deposits WHERE business_date = '$1')"
  sql "SELECT coalesce((SELECT group_concat(id, ',') FROM (SELECT id FROM deposits
           WHERE state = 1 AND business_date <> '$1' ORDER BY business_date, id)), '') || '|' ||
         (SELECT coalesce(sum(amount), 0) FROM deposits WHERE state = 1)"
}
# check DATE WHO [--date DATE] -- WHO's `deposit list --json` agrees with by_sql
check() {
  local date=$1 who=$2
  shift 2
  expect_rc 0 till_user ADMIN-01 "$who" --json deposit list "$@"
  local want got
  want=$(by_sql "$date" | while IFS='|' read -r ids sum; do printf '%s|%s\n' "$ids" "$(yuan "$sum")"; done)
  got=$(printf '%s\n%s' "$(listed deposits)" "$(listed in_transit)")
  assert_eq "$want" "$got" "deposit list of $date by $who: ids|total (the date's; in transit)"
  assert_eq "$date" "$(json_field date)" "the date listed"
}
# shift_cash TERMINAL USER QTY -- a shift with no float, QTY parking
# tickets (5.00 each) sold for cash, closed with the cash counted in 10s
# (QTY even); sets SHIFT
shift_cash() {
  open_shift "$1" "$2"
  expect_rc 0 till_user "$1" "$2" sale "PARK:$3" --method cash
  expect_rc 0 till_user "$1" "$2" shift close --count "10x$(($3 / 2))"
  SHIFT=$(sql "SELECT max(id) FROM shifts")
}
# deposit SHIFT SLIP YUAN -- sam deposits SHIFT's cash; sets DEP
deposit() {
  expect_rc 0 till_user ADMIN-01 sam --json deposit create --shifts "$1" --slip "$2" --amount "$3"
  DEP=$(json_field id)
}

step "two deposits on business date D, one confirmed; D closed; a third on D+1"
shift_cash T-LANE-01 carol 4
deposit "$SHIFT" SLIP-1 20.00
dep1=$DEP
shift_cash T-LANE-02 dan 2
deposit "$SHIFT" SLIP-2 10.00
dep2=$DEP
expect_rc 0 till_user ADMIN-01 sam deposit confirm "$dep2"
D=$(sql "SELECT business_date FROM deposits WHERE id = $dep1")
expect_rc 0 till_user ADMIN-01 sam day close --date "$D"
shift_cash T-LANE-01 carol 6
deposit "$SHIFT" SLIP-3 30.00
dep3=$DEP
D1=$(sql "SELECT business_date FROM deposits WHERE id = $dep3")
assert_eq "$(date -d "$D 12:00 next day" +%F)" "$D1" "the third deposit's business date"

step "the current date's list: its deposit, and D's still in transit"
check "$D1" sam
# the test's own figures: D+1 made 30.00; 20.00 of D and 30.00 in transit
assert_eq "$dep3|30.00" "$(listed deposits)" "D+1's deposits"
assert_eq "$dep1|50.00" "$(listed in_transit)" "in transit of D, and the total in transit"
assert_eq "$D1|$D|in transit|$SHIFT" \
  "$(rep "SELECT json_extract(R, '\$.current_business_date') || '|' ||
                 json_extract(R, '\$.in_transit[0].business_date') || '|' ||
                 json_extract(R, '\$.in_transit[0].state') || '|' ||
                 json_extract(R, '\$.deposits[0].shifts[0]') FROM d")" "current date|date|state|shift"
check "$D1" audrey --date "$D1"

step "D's list: both its deposits, and D+1's in transit"
check "$D" sam --date "$D"
assert_eq "$dep1,$dep2|30.00" "$(listed deposits)" "D's deposits"
assert_eq "$dep3|50.00" "$(listed in_transit)" "in transit of D+1, and the total in transit"
assert_eq "in transit|confirmed|sam" \
  "$(rep "SELECT json_extract(R, '\$.deposits[0].state') || '|' ||
                 json_extract(R, '\$.deposits[1].state') || '|' ||
                 json_extract(R, '\$.deposits[1].confirmed_by') FROM d")" "states and who confirmed"

step "a date with no deposit: nothing of its own, everything in transit"
check 2026-01-01 audrey --date 2026-01-01
assert_eq "|0.00" "$(listed deposits)" "no deposit on 2026-01-01"

step "the text: 42 cells wide, the figures and totals"
expect_rc 0 till_user ADMIN-01 sam deposit list
assert_last_contains "DEPOSITS $D1"
assert_last_contains "the current business date is $D1"
assert_last_contains "Slip      SLIP-3"
assert_last_contains "Date      $D"
last_matches "^deposited on $D1 +30\.00$" || fail "no line 'deposited on $D1 ... 30.00'"
last_matches "^in transit, every date +50\.00$" || fail "no line 'in transit, every date ... 50.00'"
assert_eq 42 "$(LC_ALL=C.UTF-8 wc -L <"$T/last.out")" "the widest line (cells)"
TILL_LANG=zh_CN expect_rc 0 till_user ADMIN-01 sam deposit list --date "$D"
for w in "缴存 $D" "当前营业日为 $D1" "在途" "已到账" "到账确认" "其他营业日的在途缴存" "SLIP-1"; do assert_last_contains "$w"; done
assert_eq 42 "$(LC_ALL=C.UTF-8 wc -L <"$T/last.out")" "the widest line in Chinese (cells)"

step "D's deposit confirmed on D+1, when the bank's slip comes back"
expect_rc 0 till_user ADMIN-01 sam deposit confirm "$dep1"
check "$D1" sam
assert_eq "|30.00" "$(listed in_transit)" "nothing of D in transit; D+1's 30.00 still is"
assert_eq 2 "$(sql "SELECT state FROM deposits WHERE id = $dep1")" "D's deposit confirmed"

step "refused: a bad date, a cashier"
before=$(ledger_state)
expect_rc_contains 11 "date 2026-02-30 is not a day of the calendar" \
  till_user ADMIN-01 sam deposit list --date 2026-02-30
expect_rc_contains 11 "date must be YYYY-MM-DD" till_user ADMIN-01 sam deposit list --date 3.12.2026
TILL_LANG=zh_CN expect_rc_contains 11 "2026-02-30" till_user ADMIN-01 sam deposit list --date 2026-02-30
assert_last_lacks "is not a day of the calendar"
expect_rc_contains 13 "deposit list: your roles do not allow this request" \
  till_user T-LANE-01 carol deposit list
assert_eq "$before" "$(ledger_state)" "the ledger after the refusals"

step "1,000 deposits in one list are listed; 1,001 are refused, not cut short"
stop_tilld || fail "tilld exited with $TILLD_RC on SIGTERM"
# D+1 gets 999 more deposits in transit: 1,000 of the date, 1,000 in
# transit of other dates than D
sql "INSERT INTO deposits(slip, amount, state, created_by, created_at, txn_id, business_date)
     WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 999)
     SELECT 'BULK-' || i, i, 1, 'sam', $(date +%s), (SELECT txn_id FROM deposits WHERE id = $dep3),
       '$D1' FROM n" || fail "could not write the deposits"
start_tilld || fail "tilld did not start on the database with 1,002 deposits"
check "$D1" sam
assert_eq "1000|$(yuan $((3000 + 999 * 1000 / 2)))" \
  "$(rep "SELECT json_array_length(R, '\$.deposits') || '|' || json_extract(R, '\$.deposited') FROM d")" \
  "D+1's 1,000 deposits and their sum"
check "$D" sam --date "$D"
assert_eq 1000 "$(rep "SELECT json_array_length(R, '\$.in_transit') FROM d")" "1,000 in transit"
stop_tilld || fail "tilld exited with $TILLD_RC on SIGTERM"
sql "INSERT INTO deposits(slip, amount, state, created_by, created_at, txn_id, business_date)
     VALUES ('BULK-1000', 1000, 1, 'sam', $(date +%s),
       (SELECT txn_id FROM deposits WHERE id = $dep3), '$D1')" || fail "could not write a deposit"
start_tilld || fail "tilld did not start on the database with 1,003 deposits"
expect_rc_contains 17 "business date $D1 has more than 1000 deposits; the list would be incomplete" \
  till_user ADMIN-01 sam deposit list
expect_rc_contains 17 "more than 1000 deposits of other dates than $D are in transit" \
  till_user ADMIN-01 sam deposit list --date "$D"
TILL_LANG=zh_CN expect_rc 17 till_user ADMIN-01 sam deposit list --date "$D"
assert_last_lacks "deposits of other dates"
