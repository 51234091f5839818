#!/usr/bin/env bash
# test_hospital_refund.sh -- a refund (退费, docs/refunds.md) of a hospital
# bill's lines through a real tilld (docs/hospital.md, "Refunds"): the
# issue's bill (500.00 = fund 231.00 + account 150.00 + window 119.00 cash)
# refunded line by line; each refund gives back the lines' revenue and the
# fund's and account's shares in proportion, cumulatively, the window the
# rest -- every figure worked out here -- so once every line is back each
# share nets to zero in the journal; a line refunded twice, a line not on
# the bill and an amount are refused with nothing written; the bill shows
# its refunded lines. A bill drawn from a patient's deposit (预交金) is
# refunded back to the deposit while the patient is in (cash refused), the
# balance checked against the journal's sum and paid at discharge, and
# its last line refunded after discharge in cash only; the refund slips,
# in Chinese and English, name the lines and keep to 42 cells; `till audit verify`
# and `till audit receipts` pass.
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_world.sh"

register_lanes
world_users erin sam audrey
world_login T-LANE-01:erin ADMIN-01:sam T-LANE-02:audrey
adm() { expect_rc 0 till_as ADMIN-01 "$@"; }
win() { till_user T-LANE-01 erin "$@"; }
sup() { till_user ADMIN-01 sam "$@"; }
yuan() { printf '%d.%02d' $(($1 / 100)) $(($1 % 100)); }
zh_user() { TILL_LANG=zh_CN till_user "$@"; }
# fits42 WHAT -- every line of the last output at most 42 display cells
fits42() {
  local w
  w=$(LC_ALL=C.UTF-8 wc -L <"$T/last.out")
  [ "$w" -le 42 ] || fail "$1: a line of $w cells on a 42-cell slip: $(cat "$T/last.out")"
}
state() {
  sql "SELECT (SELECT count(*) FROM journal), (SELECT count(*) FROM entries),
          (SELECT count(*) FROM refunds),
          (SELECT count(*) FROM hosp_bill_lines WHERE refund_txn IS NOT NULL)"
}
# refund NUMBER LINE... -- request, approve (sam), pay (erin); sets RT
refund() {
  local number=$1 args=() l
  shift
  for l in "$@"; do args+=(--line "$l"); done
  expect_rc 0 win --json refund request "$number" "${args[@]}" --reason "not performed" --ref "DEPT-RAD-1"
  local id
  id=$(json_field id)
  AMOUNT=$(json_field amount)
  expect_rc 0 sup --json refund approve "$id"
  expect_rc 0 win --json refund pay "$id"
  RT=$(json_field refund_txn_id)
}

adm admin series add HP --kind hospital
adm admin series add TF --kind refund
adm hospital item add CT01 --name CT平扫 --unit 次 --price 320 --dept 放射科
adm hospital item add XR01 --name 胸部X线摄影 --unit 次 --price 120 --dept 放射科
adm hospital item add LAB01 --name 血常规 --unit 次 --price 30 --dept 检验科
open_shift T-LANE-01 erin 100x2
SID=$(sql "SELECT id FROM shifts WHERE cashier = 'erin' AND state = 1")

step "the issue's bill, paid 119.00 in cash"
TOTAL=50000 FUND=23100 ACC=15000 WINDOW=11900
expect_rc 0 win --json bill new CT01 XR01 LAB01:2 --patient-id MZ0001 --patient-name 张三 \
  --fund 231 --patient 269 --account 150 --method cash
B1=$(json_field number)

step "the blood tests refunded: 60.00 back from the fund, the account and the window in proportion"
# floor(231.00 x 60/500) = 27.72, floor(150.00 x 60/500) = 18.00, the window the rest
F1=$((FUND * 6000 / TOTAL)) A1=$((ACC * 6000 / TOTAL))
W1=$((6000 - F1 - A1))
refund "$B1" LAB01:2
assert_eq "$(yuan $W1)" "$AMOUNT" "the window's part of the refund"
expect_sql "drawer:shift:$SID|-$W1||0
receivable:medical-account|-$A1||0
receivable:medical-fund|-$F1||0
revenue:hospital|6000|LAB01|2" \
  "SELECT account, amount, item, quantity FROM entries WHERE txn_id = $RT ORDER BY account"
expect_rc 0 win --json bill show "$B1"
assert_last_contains '"code":"LAB01","name":"血常规","department":"检验科","quantity":2,"unit_price":"30.00","amount":"60.00","refunded":true'

step "refused, nothing written: the same line again, a line not on the bill, an amount"
s0=$(state)
expect_rc_contains 15 "line LAB01 x 2 of this bill was already refunded" \
  win refund request "$B1" --line LAB01:2 --reason again --ref X
expect_rc_contains 11 "this bill has no line XR01 x 2 to refund (a line is refunded whole)" \
  win refund request "$B1" --line XR01:2 --reason wrong --ref X
expect_rc_contains 11 "a hospital bill is refunded by its lines, not by an amount" \
  win refund request "$B1" --amount 10 --reason wrong --ref X
assert_eq "$s0" "$(state)" "the refused refunds wrote nothing"

step "the rest of the bill refunded: every share nets to zero in the journal"
F2=$((FUND - F1)) A2=$((ACC - A1))
W2=$((44000 - F2 - A2))
refund "$B1" XR01:1 CT01:1
assert_eq "$(yuan $W2)" "$AMOUNT" "the window's part of the rest"
assert_eq "$WINDOW" "$((W1 + W2))" "the window got back what it took"
expect_sql "0|0|0" "SELECT (SELECT sum(amount) FROM entries WHERE account = 'receivable:medical-fund'),
  (SELECT sum(amount) FROM entries WHERE account = 'receivable:medical-account'),
  (SELECT sum(amount) FROM entries WHERE account = 'revenue:hospital')"
expect_sql 3 "SELECT count(*) FROM hosp_bill_lines WHERE refund_txn IS NOT NULL"

step "a bill drawn from the deposit: its refund goes back to the deposit, not into cash"
DEP=50000
expect_rc 0 win hospital deposit ZY0009 --name 赵六 --amount "$(yuan $DEP)" --method cash
# XR01 120.00 + LAB01 2 x 30.00 = 180.00 = fund 72.00 + patient 108.00, all of it from the deposit
BT=18000 BF=7200 BW=10800
expect_rc 0 win --json bill new XR01 LAB01:2 --patient-id ZY0009 --patient-name 赵六 \
  --fund "$(yuan $BF)" --patient "$(yuan $BW)" --from-deposit
B2=$(json_field number)
expect_rc 0 win --json refund request "$B2" --line LAB01:2 --reason "not performed" --ref "WARD-7-0012"
Q2=$(json_field id)
# the blood tests: 60.00, of which floor(72.00 x 60/180) = 24.00 the fund's, the rest the deposit's
DF1=$((BF * 6000 / BT))
DW1=$((6000 - DF1))
assert_eq "$(yuan $DW1)" "$(json_field amount)" "the deposit's part of the refund"
expect_rc 0 sup refund approve "$Q2"
s1=$(state)
expect_rc_contains 15 "the original was paid from the deposit of patient ZY0009, who was not discharged: the refund goes back to the deposit (--method original)" \
  win refund pay "$Q2"
assert_eq "$s1" "$(state)" "cash refused, nothing written"
expect_rc 0 zh_user T-LANE-01 erin refund pay "$Q2" --method original
fits42 "the Chinese slip of a refund to the deposit"
assert_last_contains "血常规 x2"
assert_last_contains "统筹基金（应收）"
RT=$(sql "SELECT refund_txn_id FROM refunds WHERE id = $Q2")
assert_eq "deposit" "$(sql "SELECT method FROM refunds WHERE id = $Q2")" "paid back to the deposit"
expect_sql "deposit|deposit:patient:ZY0009|-$DW1||0
deposit|receivable:medical-fund|-$DF1||0
deposit|revenue:hospital|6000|LAB01|2" \
  "SELECT j.method, e.account, e.amount, e.item, e.quantity FROM entries e JOIN journal j ON j.id = e.txn_id
   WHERE j.id = $RT ORDER BY e.account"
expect_sql 0 "SELECT count(*) FROM entries WHERE txn_id = $RT AND account GLOB 'drawer:*'"

step "the deposit's balance is the journal's, and the reports leave the deposit refund out of cash"
BAL=$((DEP - BW + DW1))
assert_eq "$BAL" "$(sql "SELECT -sum(amount) FROM entries WHERE account = 'deposit:patient:ZY0009'")" \
  "the test's balance against the journal's sum"
expect_rc 0 till_user T-LANE-02 audrey --json hospital patient ZY0009
assert_eq "$(yuan $BAL)" "$(json_field balance)" "till hospital patient"
assert_last_contains "{\"txn_id\":$RT,\"kind\":\"refund\",\"number\":"
CASH_OUT=$(sql "SELECT -coalesce(sum(e.amount), 0) FROM entries e JOIN journal j ON j.id = e.txn_id
  WHERE j.kind = 'refund' AND e.seq = 1 AND e.account GLOB 'drawer:*'")
assert_eq "$W1|$((W1 + W2))" "$W1|$CASH_OUT" "the test's own sum: the first bill's two window refunds"
expect_rc 0 sup --json report daily
assert_last_contains "\"refunds_total\":\"$(yuan "$CASH_OUT")\""
# a bill's window share is not in takings, so its refund takes none back:
# the only refunds here are of bills, and net takings are the takings
assert_eq "$(json_field net_amount)" "$(json_field net_takings)" "daily net takings, refunds of bills only"
expect_rc 0 sup --json report monthly --month "$(sql "SELECT substr(business_date, 1, 7) FROM shifts WHERE id = $SID")"
assert_last_contains "\"refunds_total\":\"$(yuan "$CASH_OUT")\""
assert_eq "$(json_field total)" "$(json_field net_takings)" "monthly net takings, refunds of bills only"

step "discharge pays the balance, refund included, in cash; a later refund of the bill is cash only"
expect_rc 0 win --json hospital discharge ZY0009
assert_eq "$(yuan $BAL)|0.00" "$(json_field amount)|$(json_field balance)" "the balance paid back at discharge"
expect_sql "drawer:shift:$SID|-$BAL" "SELECT account, amount FROM entries WHERE txn_id = $(json_field txn_id) AND amount < 0"
expect_rc 0 win --json refund request "$B2" --line XR01:1 --reason "not performed" --ref "WARD-7-0013"
Q3=$(json_field id)
# the X-ray, the bill's last line: the fund gets back the rest of its 72.00, the window the rest
DF2=$((BF - DF1))
DW2=$((12000 - DF2))
assert_eq "$(yuan $DW2)" "$(json_field amount)" "the rest of the bill's window share"
assert_eq "$BW" "$((DW1 + DW2))" "the two refunds give back what the deposit paid"
expect_rc 0 sup refund approve "$Q3"
s1=$(state)
expect_rc_contains 15 "the deposit of patient ZY0009 was closed at discharge; pay the refund in cash" \
  win refund pay "$Q3" --method original
assert_eq "$s1" "$(state)" "nothing written"
expect_rc 0 win refund pay "$Q3"
fits42 "the English slip of a hospital refund"
assert_last_contains "胸部X线摄影 x1"
assert_last_contains "insurance fund (receivable)"
expect_sql "cash|drawer:shift:$SID|-$DW2" \
  "SELECT j.method, e.account, e.amount FROM entries e JOIN journal j ON j.id = e.txn_id
   WHERE j.id = (SELECT refund_txn_id FROM refunds WHERE id = $Q3) AND e.seq = 1"
expect_sql "0|0" "SELECT (SELECT sum(amount) FROM entries WHERE account = 'deposit:patient:ZY0009'),
  (SELECT sum(amount) FROM entries WHERE account = 'receivable:medical-fund')"

step "erin's Z-report counts only the cash refunds out of her drawer"
CASH_OUT=$(sql "SELECT -coalesce(sum(e.amount), 0) FROM entries e JOIN journal j ON j.id = e.txn_id
  WHERE j.kind = 'refund' AND e.seq = 1 AND e.account GLOB 'drawer:*'")
assert_eq "$((W1 + W2 + DW2))" "$CASH_OUT" "the test's own sum of the cash refunds"
DRAWER=$(sql "SELECT sum(amount) FROM entries WHERE account = 'drawer:shift:$SID'")
assert_eq "$((20000 + WINDOW - W1 - W2 + DEP - BAL - DW2))" "$DRAWER" "the drawer: float, cash in, cash out"
[ $((DRAWER % 10)) -eq 0 ] || fail "a drawer of $DRAWER fen cannot be counted in notes and coins"
expect_rc 0 win --json shift close --count "1x$((DRAWER / 100)),0.1x$(((DRAWER % 100) / 10))"
assert_eq "$(yuan "$CASH_OUT")|0.00" "$(json_field refunds)|$(json_field cash_variance)" \
  "the Z-report's refunds leave the deposit's out"
expect_rc 0 win shift open --count none

step "the bill's receipt lists its refunds, each line in 42 cells"
expect_rc 0 zh_user T-LANE-01 erin bill show "$B2"
fits42 "the Chinese bill with its refunds"
expect_rc 0 win bill show "$B2"
fits42 "the English bill with its refunds"
assert_last_contains "REFUNDS"
assert_last_contains "patient's deposit"

step "the auditor's verification passes over the refunds of hospital bills"
expect_rc_contains 0 "ledger verified" till_user T-LANE-02 audrey audit verify
expect_rc 0 till_user T-LANE-02 audrey audit receipts --series "TF$(date +%Y)"
assert_last_contains "4 of 4 numbers in the journal: complete"
