#!/usr/bin/env bash
# test_hospital_refund.sh -- a refund (退费, docs/refunds.md) of a hospital
# bill's lines through a real tilld (docs/hospital.md, "Refunds"): the
# issue's bill (500.00 = fund 231.00 + account 150.00 + window 119.00 cash)
# refunded line by line; each refund gives back the lines' revenue and the
# fund's and account's shares in proportion, cumulatively, the window the
# rest -- every figure worked out here -- so once every line is back each
# share nets to zero in the journal; a line refunded twice, a line not on
# the bill, an amount, and a bill paid from the deposit are refused with
# nothing written; the bill shows its refunded lines; `till audit verify`
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

step "a bill paid from the deposit is refused by name"
expect_rc 0 win hospital deposit ZY0009 --name 赵六 --amount 500 --method cash
expect_rc 0 win --json bill new XR01 --patient-id ZY0009 --patient-name 赵六 --from-deposit
B2=$(json_field number)
s1=$(state)
expect_rc_contains 15 "this bill was paid from the patient's deposit, not at the window" \
  win refund request "$B2" --line XR01:1 --reason wrong --ref X
assert_eq "$s1" "$(state)" "nothing written"

step "the auditor's verification passes over the refunds of hospital bills"
expect_rc_contains 0 "ledger verified" till_user T-LANE-02 audrey audit verify
expect_rc 0 till_user T-LANE-02 audrey audit receipts --series "TF$(date +%Y)"
assert_last_contains "2 of 2 numbers in the journal: complete"
