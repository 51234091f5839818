#!/usr/bin/env bash
# test_shift.sh -- cash-drawer shifts end to end against a real tilld:
# float, 50 mixed postings, blind close with a ¥10 shortage, an exact close,
# one open shift per terminal and per cashier, no posting outside a shift,
# supervisor sign-off, deposits (a wrong amount writes nothing), a shift kept
# open across kill -9, and the ledger balancing per account type.
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_world.sh"

register_lanes
world_users carol dan sam suzy
world_catalog PARK WASH
login_as T-LANE-01 carol carol-pw-1
login_as T-LANE-02 sam sam-pw-1

# json_field FIELD -- a top-level string or number from the last --json output
json_field() { sed -n "s/.*\"$1\":\"\{0,1\}\([^\",}]*\).*/\1/p" "$T/last.out" | head -1; }
# yuan FEN -- 12345 -> 123.45
yuan() { printf '%d.%02d' $(($1 / 100)) $(($1 % 100)); }
# count_for FEN -- a count of 1-yuan coins and 1-jiao coins worth FEN (a multiple of 10)
count_for() { printf '1x%d,0.1x%d' $(($1 / 100)) $((($1 % 100) / 10)); }

step "no posting without an open shift"
expect_rc_contains 15 "no open shift of carol on T-LANE-01" till_as T-LANE-01 sale PARK --method cash
expect_sql 0 "SELECT count(*) FROM journal"

step "an unknown denomination is refused"
expect_rc_contains 11 "3.00 is not a note or coin" till_as T-LANE-01 shift open --count 3x1
expect_sql 0 "SELECT count(*) FROM shifts"

step "open with a counted float: Dr drawer / Cr safe, not revenue (the cashier's answer is blind)"
expect_rc_contains 0 '"blind":true' till_as T-LANE-01 --json shift open --count 100x2,10x5
assert_last_lacks '"float"'
shift_id=$(json_field shift_id)
expect_sql "25000|1" "SELECT float_amount, state FROM shifts WHERE id=$shift_id"
expect_sql "drawer:shift:$shift_id|25000
safe|-25000" "SELECT account, amount FROM entries e JOIN journal j ON j.id=e.txn_id WHERE j.kind='float' ORDER BY seq"
expect_sql 0 "SELECT count(*) FROM entries WHERE account LIKE 'revenue:%'"

step "a second shift on the same terminal, or for the same cashier, is refused"
login_as T-LANE-01 dan dan-pw-1   # dan takes over the session file of T-LANE-01 ...
expect_rc_contains 15 "terminal T-LANE-01 already has an open shift" \
  till_as T-LANE-01 shift open --count none
login_as T-LANE-02 carol carol-pw-1
expect_rc_contains 15 "carol already has an open shift" till_as T-LANE-02 shift open --count none
expect_sql 1 "SELECT count(*) FROM shifts"
login_as T-LANE-01 carol carol-pw-1
login_as T-LANE-02 sam sam-pw-1

step "50 mixed postings with several methods"
methods=(cash card wechat alipay)
declare -A paid=([cash]=0 [card]=0 [wechat]=0 [alipay]=0)
park_qty=0 wash_qty=0
for ((i = 1; i <= 50; i++)); do
  m=${methods[i % 4]}
  qty=$((i % 3 + 1))
  if ((i % 2)); then item=PARK price=500 park_qty=$((park_qty + qty))
  else item=WASH price=250 wash_qty=$((wash_qty + qty)); fi
  expect_rc 0 till_as T-LANE-01 sale "$item:$qty" --method "$m"
  paid[$m]=$((paid[$m] + qty * price))
done
expect_sql 50 "SELECT count(*) FROM journal WHERE kind='sale' AND shift_id=$shift_id"

step "X-report: running totals without closing; blind for the cashier, full for a supervisor"
expect_rc 0 till_as T-LANE-01 --json shift status
assert_eq open "$(json_field state)" "state"
assert_eq true "$(json_field blind)" "the cashier's X-report is blind"
for key in expected_cash float methods receipts items; do
  assert_last_lacks "\"$key\""
done
expect_rc_contains 0 "Expected cash   withheld until the close" till_as T-LANE-01 shift status
expect_rc 0 till_as T-LANE-02 --json shift status "$shift_id"
assert_eq false "$(json_field blind)" "a supervisor sees what the drawer should hold"
assert_last_contains "\"method\":\"card\",\"sales\":13,\"sales_amount\":\"$(yuan "${paid[card]}")\""
assert_last_contains "\"receipts\":50"
assert_last_contains '"float":"250.00"'
assert_eq "$(yuan $((25000 + paid[cash])))" "$(json_field expected_cash)" "expected cash"
expect_sql 1 "SELECT state FROM shifts WHERE id=$shift_id"

step "a shift survives kill -9 with the same totals"
{ kill -KILL "$TILLD_PID"; wait "$TILLD_PID"; } 2>/dev/null || true
TILLD_PID=
start_tilld || fail "tilld did not start after kill -9"
expect_rc 0 till_as T-LANE-02 --json shift status "$shift_id"
assert_eq open "$(json_field state)" "state after restart"
assert_eq "$(yuan $((25000 + paid[cash])))" "$(json_field expected_cash)" "expected cash after restart"
assert_last_contains "\"receipts\":50"

step "blind close with a shortage of 10.00"
expected=$((25000 + paid[cash]))
counted=$((expected - 1000))
expect_rc 0 till_as T-LANE-01 --json shift close --count "$(count_for "$counted")" \
  --noncash "card=$(yuan "${paid[card]}"),wechat=$(yuan "${paid[wechat]}"),alipay=$(yuan "${paid[alipay]}")"
assert_eq closed "$(json_field state)" "state"
assert_eq "$(yuan "$expected")" "$(json_field expected_cash)" "Z expected cash"
assert_eq "$(yuan "$counted")" "$(json_field counted_cash)" "Z counted cash"
assert_eq "-10.00" "$(json_field cash_variance)" "Z variance"
assert_last_contains "\"ranges\":[{\"series\":\"HT$(date +%Y)\",\"first\":1,\"last\":50,\"count\":50}]"
assert_last_contains "{\"item\":\"PARK\",\"name\":\"Parking\",\"quantity\":$park_qty,\"amount\":\"$(yuan $((park_qty * 500)))\"}"
assert_last_contains "{\"item\":\"WASH\",\"name\":\"Car wash\",\"quantity\":$wash_qty,\"amount\":\"$(yuan $((wash_qty * 250)))\"}"
step "the variance is posted to over_short:carol and the Z totals equal the journal"
expect_sql "over_short:carol|1000
drawer:shift:$shift_id|-1000" "SELECT e.account, e.amount FROM entries e JOIN journal j ON j.id=e.txn_id WHERE j.kind='variance' AND j.shift_id=$shift_id ORDER BY e.seq"
expect_sql "$((paid[cash]))" "SELECT sum(e.amount) FROM entries e JOIN journal j ON j.id=e.txn_id WHERE j.kind='sale' AND j.shift_id=$shift_id AND e.account='drawer:shift:$shift_id'"
expect_sql "$((paid[card]))" "SELECT sum(e.amount) FROM entries e JOIN journal j ON j.id=e.txn_id WHERE j.shift_id=$shift_id AND e.account='clearing:card'"
expect_sql "$((counted - 25000))" "SELECT sum(amount) FROM entries WHERE account='drawer:shift:$shift_id'"
expect_sql "2|$expected|$counted|-1000" "SELECT state, expected_cash, counted_cash, cash_variance FROM shifts WHERE id=$shift_id"
expect_sql 1 "SELECT count(*) FROM chain_signatures WHERE reason='shift_close'"

step "a closed shift accepts no posting, and its sales can no longer be voided"
expect_rc_contains 15 "no open shift of carol" till_as T-LANE-01 sale PARK --method cash
expect_sql 50 "SELECT count(*) FROM journal WHERE kind='sale'"
expect_rc_contains 15 "is closed; it can no longer be voided" \
  till_as T-LANE-01 void "HT$(date +%Y)-00000001" --reason "too late"
expect_sql 0 "SELECT count(*) FROM void_requests"

step "sign-off: not by a cashier, not without a note when there is a variance, not one's own"
expect_rc 13 till_as T-LANE-01 shift approve "$shift_id" --note ok
expect_rc_contains 11 "needs --note" till_as T-LANE-02 shift approve "$shift_id"
expect_rc_contains 0 "shift approved" till_as T-LANE-02 shift approve "$shift_id" --note "recounted, short 10"
expect_sql "3|sam|recounted, short 10" "SELECT state, approved_by, note FROM shifts WHERE id=$shift_id"
expect_rc_contains 15 "already approved" till_as T-LANE-02 shift approve "$shift_id" --note again

step "a supervisor who is also a cashier cannot approve their own shift"
login_as T-LANE-02 suzy suzy-pw-1
expect_rc 0 till_as T-LANE-02 --json shift open --count none
suzy_shift=$(json_field shift_id)
expect_rc 0 till_as T-LANE-02 sale PARK:2 --method cash
expect_rc 0 till_as T-LANE-02 --json shift close --count 10x1
assert_eq "0.00" "$(json_field cash_variance)" "exact close variance"
expect_sql 0 "SELECT count(*) FROM journal WHERE kind='variance' AND shift_id=$suzy_shift"
expect_rc_contains 13 "nobody approves their own shift" till_as T-LANE-02 shift approve "$suzy_shift"
login_as T-LANE-02 sam sam-pw-1
expect_rc 0 till_as T-LANE-02 shift approve "$suzy_shift"

step "shift list by state"
expect_rc_contains 0 "approved" till_as T-LANE-02 shift list --state approved
expect_rc 0 till_as T-LANE-02 --json shift list --state open
assert_eq "[]" "$(cat "$T/last.out")" "no open shifts"

step "a deposit with the wrong amount is refused and writes nothing"
deposit=$(((counted - 25000) + 1000))   # both shifts' cash less their floats
journal_before=$(sql "SELECT count(*) FROM journal")
expect_rc_contains 11 "nothing was recorded" \
  till_as T-LANE-02 deposit create --shifts "$shift_id,$suzy_shift" --slip SLIP-1 --amount "$(yuan $((deposit + 1)))"
expect_sql "$journal_before" "SELECT count(*) FROM journal"
expect_sql 0 "SELECT count(*) FROM deposits"
expect_rc 13 till_as T-LANE-01 deposit create --shifts "$shift_id" --slip SLIP-1 --amount 1.00

step "undeposited cash shows on the report; a right deposit moves it to the bank in transit"
expect_rc_contains 0 "$(yuan "$deposit")" till_as T-LANE-02 deposit pending --hours 0
expect_rc 0 till_as T-LANE-02 --json deposit create --shifts "$shift_id,$suzy_shift" --slip SLIP-1 --amount "$(yuan "$deposit")"
deposit_id=$(json_field id)
expect_sql "$deposit" "SELECT amount FROM entries WHERE account='bank:transit'"
expect_sql 0 "SELECT sum(amount) FROM entries WHERE account IN ('drawer:shift:$shift_id', 'drawer:shift:$suzy_shift')"
expect_rc_contains 15 "already deposited" \
  till_as T-LANE-02 deposit create --shifts "$shift_id" --slip SLIP-2 --amount 1.00
expect_rc_contains 0 "0.00" till_as T-LANE-02 deposit pending --hours 0
expect_rc_contains 0 "confirmed" till_as T-LANE-02 deposit confirm "$deposit_id"
expect_sql "$deposit|0" "SELECT (SELECT sum(amount) FROM entries WHERE account='bank'), (SELECT sum(amount) FROM entries WHERE account='bank:transit')"

step "the ledger balances: every transaction, and across account types"
expect_sql 0 "SELECT count(*) FROM (SELECT txn_id FROM entries GROUP BY txn_id HAVING sum(amount) != 0)"
expect_sql 0 "SELECT sum(e.amount) FROM entries e JOIN accounts a ON a.code = e.account"
# assets = revenue earned (credit) + over/short (debit): every type's sign as documented
expect_sql "asset|$((25000 - 25000 + paid[cash] + paid[card] + paid[wechat] + paid[alipay] + 1000 - 1000))
contra_revenue|1000
revenue|-$((paid[cash] + paid[card] + paid[wechat] + paid[alipay] + 1000))" \
  "SELECT a.type, sum(e.amount) FROM entries e JOIN accounts a ON a.code=e.account GROUP BY a.type ORDER BY a.type"

step "the chain verifies"
world_users audrey
login_as T-LANE-02 audrey audrey-pw-1
expect_rc_contains 0 "ledger verified" till_as T-LANE-02 audit verify
stop_tilld || fail "tilld exited with $TILLD_RC"
