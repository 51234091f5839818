#!/usr/bin/env bash
# test_zreport_hospital.sh -- the X- and Z-report of a shift at a hospital
# window (issue 21; docs/hospital.md, "Reports"): a sale, the issue's bill
# with the insurance split paid in cash, a bill by card, a deposit in cash
# and a top-up by Alipay, a bill drawn from the deposit, the deposit paid
# back at discharge, a refund of the sale and of the split bill. Every
# count and every per-method figure of the report -- sales, hospital bills'
# window shares, deposits taken, discharges, refunds, what each method
# should hold, the drawer's expected cash -- equals what this test sums
# from `till audit ledger --csv` of the shift, by kind and method.
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_ledger.sh"
source "$(dirname -- "$0")/lib_world.sh"

register_lanes
world_catalog PARK WASH
world_users erin sam audrey
world_login T-LANE-01:erin ADMIN-01:sam T-LANE-02:audrey
adm() { expect_rc 0 till_as ADMIN-01 "$@"; }
win() { till_user T-LANE-01 erin "$@"; }
sup() { till_user ADMIN-01 sam "$@"; }
yuan() { printf '%d.%02d' $(($1 / 100)) $(($1 % 100)); }
# refund NUMBER ARGS... -- requested and paid by erin, approved by sam
refund() {
  local number=$1 id
  shift
  expect_rc 0 win --json refund request "$number" "$@" --reason "not performed" --ref "DEPT-1"
  id=$(json_field id)
  expect_rc 0 sup refund approve "$id"
  expect_rc 0 win refund pay "$id"
}

adm admin series add HP --kind hospital
adm admin series add TF --kind refund
adm hospital item add CT01 --name CT平扫 --unit 次 --price 320 --dept 放射科
adm hospital item add XR01 --name 胸部X线摄影 --unit 次 --price 120 --dept 放射科
adm hospital item add LAB01 --name 血常规 --unit 次 --price 30 --dept 检验科
adm hospital item add BED01 --name 普通病房床位费 --unit 天 --price 60 --dept 住院部
FLOAT=200000
open_shift T-LANE-01 erin 100x20
SID=$(sql "SELECT id FROM shifts WHERE cashier = 'erin' AND state = 1")

step "a shift at the window: a sale, bills, deposits, a discharge, refunds"
expect_rc 0 win --json sale PARK:4 --method cash
S1=$(json_field number)
expect_rc 0 win sale WASH:2 --method wechat
# the issue's bill: 500.00 = fund 231.00 + patient 269.00, 150.00 of it from
# the personal account: the window takes 119.00 in cash
SHARES=$((23100 + 15000))
expect_rc 0 win --json bill new CT01 XR01 LAB01:2 --patient-id MZ0001 --patient-name 张三 \
  --fund 231 --patient 269 --account 150 --method cash
B1=$(json_field number)
expect_rc 0 win bill new XR01 --patient-id MZ0002 --patient-name 李四 --method card
expect_rc 0 win hospital deposit ZY0009 --name 赵六 --amount 1000 --method cash
expect_rc 0 win hospital deposit ZY0009 --name 赵六 --amount 500 --method alipay
expect_rc 0 win bill new BED01:2 --patient-id ZY0009 --patient-name 赵六 --from-deposit
expect_rc 0 win hospital discharge ZY0009
refund "$S1" --line PARK:1
refund "$B1" --line CT01:1 --line XR01:1 --line LAB01:2

# figures KIND METHOD -- "count amount" of the CSV's rows of KIND paid by
# METHOD (any method: "*"), amounts in fen
expect_rc 0 till_user T-LANE-02 audrey audit ledger --shift "$SID" --csv
tr -d '\r' <"$T/last.out" >"$T/ledger.csv"
figures() {
  awk -F, -v k="$1" -v m="$2" 'NR > 1 && $3 == k && (m == "*" || $8 == m) {
      n++; split($9, y, "."); s += y[1] * 100 + y[2] }
    END { printf "%d %d", n, s }' "$T/ledger.csv"
}
read -r n_sale_cash sale_cash <<<"$(figures sale cash)"
read -r n_sale_wechat sale_wechat <<<"$(figures sale wechat)"
read -r n_bill_cash bill_cash <<<"$(figures hosp_bill cash)"
read -r n_bill_card bill_card <<<"$(figures hosp_bill card)"
read -r n_bills _ <<<"$(figures hosp_bill '*')"
read -r _ from_deposit <<<"$(figures hosp_bill '')"  # no method: drawn from the deposit
read -r n_dep_cash dep_cash <<<"$(figures hosp_deposit cash)"
read -r n_dep_alipay dep_alipay <<<"$(figures hosp_deposit alipay)"
read -r n_deposits _ <<<"$(figures hosp_deposit '*')"
read -r n_discharges discharged <<<"$(figures hosp_discharge '*')"
read -r n_refunds _ <<<"$(figures refund '*')"
# a bill's amount in the listing is all it debits: the window share is
# what is left after the shares this test gave the split bill
bill_cash=$((bill_cash - SHARES))
assert_eq "1 1 1 1 3 1 1 2 1 2" \
  "$n_sale_cash $n_sale_wechat $n_bill_cash $n_bill_card $n_bills $n_dep_cash $n_dep_alipay $n_deposits $n_discharges $n_refunds" \
  "the listing's counts by kind and method"
# refunds: the sale's 5.00 in cash; the whole split bill, whose shares go
# back to the fund and the account, the window's 119.00 in cash
REF_SALE=500
REF_BILL=$((50000 - SHARES))
REFUNDED=$((REF_SALE + REF_BILL))
CASH=$((FLOAT + sale_cash + bill_cash + dep_cash - discharged - REFUNDED))

# method FIELD... -- the cash, card, wechat and alipay method's FIELDs of
# the last --json report, "-" for a method not listed
method() {
  python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
r = r.get("report", r)
ms = {m["method"]: m for m in r["methods"]}
out = []
for name in ("cash", "card", "wechat", "alipay"):
    m = ms.get(name)
    out.append("-" if m is None else "/".join(str(m[f]) for f in sys.argv[2:]))
print(" ".join(out))' "$T/last.out" "$@"
}
check_report() {
  assert_eq "$((n_sale_cash + n_sale_wechat)) $n_bills $n_deposits $n_discharges $n_refunds $(yuan $from_deposit)" \
    "$(json_field receipts) $(json_field hosp_bills) $(json_field hosp_deposits) $(json_field hosp_discharges) $(json_field refund_count) $(json_field hosp_from_deposits)" \
    "$1: the receipts by kind"
  assert_eq "$(yuan $sale_cash)/$(yuan $bill_cash)/$n_bill_cash/$(yuan $dep_cash)/$n_dep_cash/$(yuan $discharged)/$n_discharges/$(yuan $REFUNDED)/2 0.00/$(yuan $bill_card)/$n_bill_card/0.00/0/0.00/0/0.00/0 $(yuan $sale_wechat)/0.00/0/0.00/0/0.00/0/0.00/0 0.00/0.00/0/$(yuan $dep_alipay)/$n_dep_alipay/0.00/0/0.00/0" \
    "$(method sales_amount hosp_bill_amount hosp_bills hosp_deposit_amount hosp_deposits hosp_discharged hosp_discharges refunded refund_count)" \
    "$1: the figures by method"
  assert_eq "$(yuan $CASH) $(yuan $bill_card) $(yuan $sale_wechat) $(yuan $dep_alipay)" \
    "$(method expected)" "$1: what each method should hold"
  assert_eq "$(yuan $CASH)" "$(json_field expected_cash)" "$1: the drawer's expected cash"
}

step "the X-report counts and sums every kind by method, as the ledger does"
expect_rc 0 win --json shift status
assert_last_contains '"blind":true'
assert_last_lacks "hosp_"
expect_rc 0 sup --json shift status "$SID"
check_report "X-report"
expect_rc 0 sup shift status "$SID"
assert_last_contains "Bills     3      Deposits 2    Discharges 1"
assert_last_contains "  hospital bills $(yuan $bill_card) (1)"
assert_last_contains "  deposits taken $(yuan $dep_alipay) (1)"
assert_last_contains "  paid back at discharge $(yuan $discharged) (1)"

step "the Z-report after an exact count: the same figures, no variance"
expect_rc 0 win --json shift close --count "100x$((CASH / 10000)),1x$(((CASH % 10000) / 100)),0.1x$(((CASH % 100) / 10))" \
  --noncash "card=$(yuan $bill_card),wechat=$(yuan $sale_wechat),alipay=$(yuan $dep_alipay)"
check_report "Z-report"
assert_eq "0.00" "$(json_field cash_variance)" "the drawer balances"
assert_eq "0.00 0.00 0.00 0.00" "$(method variance)" "no method has a variance"
expect_rc 0 till_user ADMIN-01 sam --json shift status "$SID"
# the item list names a hospital line as it was billed; --json keeps the code
# BED01:2 at 60.00 from the deposit; XR01 once on each of two bills, one
# refunded; CT01 and LAB01:2 billed and refunded
BED=$((2 * 6000)) XR=$((2 * 12000 - 12000))
assert_last_contains "{\"item\":\"BED01\",\"name\":\"普通病房床位费\",\"quantity\":2,\"amount\":\"$(yuan $BED)\"}"
assert_last_contains "{\"item\":\"XR01\",\"name\":\"胸部X线摄影\",\"quantity\":1,\"amount\":\"$(yuan $XR)\"}"
assert_last_contains "{\"item\":\"CT01\",\"name\":\"CT平扫\",\"quantity\":0,\"amount\":\"0.00\"}"
expect_rc 0 till_user ADMIN-01 sam shift status "$SID"
assert_last_contains "Bills     3      Deposits 2    Discharges 1"
last_matches "^普通病房床位费 +2 +$(yuan $BED)\$" || fail "BED01 by its name in the Z-report"
last_matches "^胸部X线摄影 +1 +$(yuan $XR)\$" || fail "XR01 by its name in the Z-report"
last_matches "^血常规 +0 +0\.00\$" || fail "LAB01 by its name in the Z-report"
last_matches "^BED01 " && fail "a hospital line by its code in the Z-report"
cp -- "$T/last.out" "$T/zreport.txt"
TILL_LANG=zh_CN expect_rc 0 till_user ADMIN-01 sam shift status "$SID"
assert_last_contains "出院退预交金 $(yuan $discharged)（1 笔）"
# every line of the printed report fits the 80 mm printer's 42 cells
too_wide=$(LC_ALL=C.UTF-8 python3 -c '
import sys, unicodedata
for l in open(sys.argv[1], encoding="utf-8"):
    w = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in l.rstrip("\n"))
    if w > 42: print(l); break' "$T/last.out")
assert_eq "" "$too_wide" "the Chinese Z-report fits 42 cells"
