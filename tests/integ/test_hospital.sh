#!/usr/bin/env bash
# test_hospital.sh -- a hospital cashier window against a real tilld
# (docs/hospital.md): the admin's price list; the issue's bill (total
# 500.00 = fund 231.00 + patient 269.00, the patient's 150.00 from the
# personal account and 119.00 at the window) priced by the server, and its
# refusals when the split does not add up, naming the fields; unknown codes
# and absurd quantities refused naming the line; an order imported from the
# hospital's system, replayed by its order id and refused with other
# content; a patient's deposit taken, topped up, drawn by two bills, a bill
# over the balance refused, and the balance paid back at discharge -- the
# balance equal to the journal's, summed here from `till audit ledger
# --csv`; roles; the daily report's hospital block equal to the figures
# worked out here; the Z-report's drawer; `till audit verify`, `till audit
# receipts` and the export verifier over the new kinds. Every refusal
# leaves the journal, the bills and the receipt counters as they were.
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_world.sh"

register_lanes
world_users erin sam audrey
world_login T-LANE-01:erin ADMIN-01:sam T-LANE-02:audrey
adm() { expect_rc 0 till_as ADMIN-01 "$@"; }
win() { till_user T-LANE-01 erin "$@"; }
state() {
  sql "SELECT (SELECT count(*) FROM journal), (SELECT count(*) FROM entries),
          (SELECT count(*) FROM hosp_bills), (SELECT count(*) FROM hosp_bill_lines),
          (SELECT count(*) FROM hosp_patients),
          (SELECT coalesce(sum(last_no), 0) FROM series_counters)"
}
# fen YUAN -> fen; yuan FEN -> "12.30"
fen() { awk -v y="$1" 'BEGIN { printf "%d", y * 100 + (y < 0 ? -0.5 : 0.5) }'; }
yuan() { printf '%d.%02d' $(($1 / 100)) $(($1 % 100)); }

step "the admin keeps the price list; a cashier may not"
adm admin series add HP --kind hospital
declare -A PRICE=([CT01]=32000 [XR01]=12000 [LAB01]=3000 [BED01]=6000 [MED01]=1850)
adm hospital item add CT01 --name "CT平扫" --unit 次 --price 320 --dept 放射科
assert_last_contains "added CT01 CT平扫: 320.00 per 次, 放射科"
adm hospital item add XR01 --name "胸部X线摄影（正位）" --unit 次 --price 120.00 --dept 放射科
adm hospital item add LAB01 --name 血常规 --unit 次 --price 30 --dept 检验科
adm hospital item add BED01 --name 普通病房床位费 --unit 天 --price 60 --dept 住院部
adm hospital item add MED01 --name 阿莫西林胶囊 --unit 盒 --price 18.50 --dept 药房
expect_rc_contains 16 "item CT01 is already in the price list" \
  till_as ADMIN-01 hospital item add CT01 --name X --unit 次 --price 1 --dept 放射科
expect_rc_contains 11 "a unit price is 0.01 to 100000.00" \
  till_as ADMIN-01 hospital item add BIG --name X --unit 次 --price 100000.01 --dept 放射科
expect_rc_contains 13 "your roles do not allow this request" \
  win hospital item add X1 --name X --unit 次 --price 1 --dept 放射科
expect_rc 0 win --json hospital item list
assert_last_contains '"code":"LAB01","name":"血常规","unit":"次","unit_price":"30.00","department":"检验科"'
open_shift T-LANE-01 erin 100x2

step "the issue's bill: 500.00 = fund 231.00 + patient 269.00; 150.00 from the account, the rest at the window"
TOTAL=$((PRICE[CT01] + PRICE[XR01] + 2 * PRICE[LAB01]))
assert_eq 50000 "$TOTAL" "the lines priced here"
FUND=23100 PAT=26900 ACC=15000
WINDOW=$((PAT - ACC))
expect_rc 0 win --json bill new CT01 XR01:1 LAB01:2 --patient-id MZ0001 --patient-name 张三 \
  --fund "$(yuan $FUND)" --patient "$(yuan $PAT)" --account "$(yuan $ACC)" --method cash --tendered 120
B1=$(json_field number)
assert_eq "HP$(date +%Y)-00000001" "$B1" "the first hospital receipt"
assert_eq "$(yuan $TOTAL)|$(yuan $FUND)|$(yuan $PAT)|$(yuan $ACC)|$(yuan $WINDOW)|1.00" \
  "$(json_field total)|$(json_field fund)|$(json_field patient)|$(json_field account)|$(json_field window)|$(json_field change)" \
  "the bill's total, split and change"
assert_eq 119.00 "$(yuan $WINDOW)" "the window share"
T1=$(sql "SELECT id FROM journal WHERE kind = 'hosp_bill'")
assert_eq "drawer:shift:1=11900 receivable:medical-account=15000 receivable:medical-fund=23100 revenue:hospital=-32000 revenue:hospital=-12000 revenue:hospital=-6000" \
  "$(sql "SELECT group_concat(account || '=' || amount, ' ') FROM (SELECT account, amount FROM entries WHERE txn_id = $T1 ORDER BY account, amount)")" \
  "the bill's entries"
expect_rc 0 win bill show "$B1"
assert_last_contains "HOSPITAL RECEIPT"
assert_last_contains "胸部X线摄影（正位）"
assert_last_contains "放射科 · XR01 · 次"
last_matches "at the window +119.00" || fail "the receipt shows the window share"
# display cells counted the way the printer does (a CJK character is two)
too_wide=$(LC_ALL=C.UTF-8 python3 -c '
import sys, unicodedata
for l in open(sys.argv[1], encoding="utf-8"):
    w = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in l.rstrip("\n"))
    if w > 42: print(l); break' "$T/last.out")
assert_eq "" "$too_wide" "every receipt line fits 42 cells"

step "a split that does not add up is refused naming the fields; nothing is written"
s0=$(state)
expect_rc_contains 11 "the split does not add up: total 500.00 is not fund 231.00 + patient 260.00 + hospital 0.00" \
  win bill new CT01 XR01 LAB01:2 --patient-id MZ0002 --patient-name 李四 --fund 231 --patient 260 --account 150 --method cash
expect_rc_contains 11 "the split does not add up: patient 269.00 is not account 150.00 + window 100.00" \
  win bill new CT01 XR01 LAB01:2 --patient-id MZ0002 --patient-name 李四 --fund 231 --patient 269 --account 150 --window 100 --method cash
expect_rc_contains 11 "the split does not add up: account 300.00 is more than patient 269.00" \
  win bill new CT01 XR01 LAB01:2 --patient-id MZ0002 --patient-name 李四 --fund 231 --patient 269 --account 300 --method cash
expect_rc_contains 11 "the stated total 480.00 is not the lines' total 500.00" \
  win bill new CT01 XR01 LAB01:2 --patient-id MZ0002 --patient-name 李四 --total 480 --method cash
expect_rc_contains 11 "a share is below 0 or above 100000000.00" \
  win bill new CT01 --patient-id MZ0002 --patient-name 李四 --fund -10 --patient 330 --method cash
step "unknown codes and absurd quantities are refused naming the line"
expect_rc_contains 11 "line 2: no item NOPE in the price list" \
  win bill new CT01 NOPE:1 --patient-id MZ0002 --patient-name 李四 --method cash
expect_rc_contains 11 "line 1 (XR01): quantity 0 is outside 1 to 9999" \
  win bill new XR01:0 --patient-id MZ0002 --patient-name 李四 --method cash
expect_rc_contains 11 "line 2 (LAB01): quantity -3 is outside 1 to 9999" \
  win bill new XR01 LAB01:-3 --patient-id MZ0002 --patient-name 李四 --method cash
expect_rc_contains 11 "line 1 (MED01): quantity 100000 is outside 1 to 9999" \
  win bill new MED01:100000 --patient-id MZ0002 --patient-name 李四 --method cash
expect_rc_contains 11 "the window share 120.00 needs a payment method or the deposit" \
  win bill new XR01 --patient-id MZ0002 --patient-name 李四
expect_rc_contains 11 "tendered 100.00 is less than the window share 120.00" \
  win bill new XR01 --patient-id MZ0002 --patient-name 李四 --method cash --tendered 100
expect_rc_contains 11 "patient id must be 1-32 characters" \
  win bill new XR01 --patient-id "MZ 1" --patient-name 李四 --method cash
expect_rc_contains 11 "the window share is 0.00; give no payment" \
  win bill new XR01 --patient-id MZ0002 --patient-name 李四 --fund 120 --patient 0 --method cash
expect_rc_contains 13 "your roles do not allow this request" \
  till_user ADMIN-01 sam bill new XR01 --patient-id MZ0002 --patient-name 李四 --method cash
assert_eq "$s0" "$(state)" "the refused bills wrote nothing"

step "an order from the hospital's system: imported once, replayed by its order id, refused with other content"
cat >"$T/order.csv" <<'CSV'
# order handed over by the hospital's system
order,ORD-20261203-0007
patient,MZ0003,王五
line,XR01,1
line,MED01,2
total,157.00
fund,80.00
patient_share,77.00
account,27.00
CSV
OTOTAL=$((PRICE[XR01] + 2 * PRICE[MED01]))
assert_eq 15700 "$OTOTAL" "the order priced here"
expect_rc 0 win --json bill import "$T/order.csv" --method wechat
B3=$(json_field number)
assert_eq "ORD-20261203-0007|50.00|wechat" "$(json_field order_id)|$(json_field window)|$(json_field method)" "the imported order"
s1=$(state)
expect_rc 0 win --json bill import "$T/order.csv" --method wechat
assert_eq "$B3|true" "$(json_field number)|$(json_field replayed)" "the same order again is the first bill"
sed 's/^line,MED01,2$/line,MED01,3/; s/^total,157.00$/total,175.50/; s/^patient_share,77.00$/patient_share,95.50/' \
  "$T/order.csv" >"$T/order2.csv"
expect_rc_contains 16 "order ORD-20261203-0007 was already billed with other content" \
  win bill import "$T/order2.csv" --method wechat
assert_eq "$s1" "$(state)" "a replayed or conflicting order wrote nothing"

step "a deposit taken and topped up, drawn by two bills, one over the balance refused, paid back at discharge"
expect_rc 0 win --json hospital deposit ZY0009 --name 赵六 --amount 1000 --method cash --tendered 1000
D1=$(json_field number)
assert_eq "1000.00" "$(json_field balance)" "the first deposit"
K2=70210000000000000000000000000002
expect_rc 0 win --json hospital deposit ZY0009 --name 赵六 --amount 500 --method alipay --idem-key "$K2"
assert_eq "1500.00" "$(json_field balance)" "topped up"
expect_rc 0 win --json hospital deposit ZY0009 --name 赵六 --amount 500 --method alipay --idem-key "$K2"
assert_eq "1500.00|true" "$(json_field balance)|$(json_field replayed)" "a retried top-up is the first one"
s3=$(state)
expect_rc_contains 16 "idempotency key already used for a different request" \
  win bill new XR01 --patient-id ZY0009 --patient-name 赵六 --method cash --idem-key "$K2"
expect_rc_contains 16 "idempotency key already used for a different request" \
  win hospital deposit ZY0009 --name 赵六 --amount 600 --method alipay --idem-key "$K2"
assert_eq "$s3" "$(state)" "a key spent on a deposit is refused for anything else"
expect_rc_contains 11 "patient ZY0009 is 赵六, not 钱七" \
  win hospital deposit ZY0009 --name 钱七 --amount 1 --method cash
DEP=150000
BA=$((3 * PRICE[BED01] + 2 * PRICE[MED01]))   # 217.00: fund 100.00, the patient's 117.00 from the deposit
expect_rc 0 win --json bill new BED01:3 MED01:2 --patient-id ZY0009 --patient-name 赵六 \
  --fund 100 --patient "$(yuan $((BA - 10000)))" --from-deposit
DEP=$((DEP - (BA - 10000)))
assert_eq "$(yuan $DEP)|true" "$(json_field deposit_balance)|$(json_field from_deposit)" "the first bill drawn from the deposit"
BB=${PRICE[CT01]}
expect_rc 0 win --json bill new CT01 --patient-id ZY0009 --patient-name 赵六 --from-deposit
DEP=$((DEP - BB))
assert_eq "$(yuan $DEP)" "$(json_field deposit_balance)" "the second bill drawn from the deposit"
s2=$(state)
expect_rc_contains 15 "the deposit of patient ZY0009 is $(yuan $DEP), less than 1280.00" \
  win bill new CT01:4 --patient-id ZY0009 --patient-name 赵六 --from-deposit
expect_rc_contains 11 "give either a payment method or the deposit, not both" \
  win bill new CT01 --patient-id ZY0009 --patient-name 赵六 --from-deposit --method cash
expect_rc_contains 14 "patient NOBODY has no deposit" \
  win bill new CT01 --patient-id NOBODY --patient-name 无名 --from-deposit
assert_eq "$s2" "$(state)" "the refused draws wrote nothing"
expect_rc 0 till_user T-LANE-02 audrey --json hospital patient ZY0009
assert_eq "$(yuan $DEP)" "$(json_field balance)" "the patient's account as the auditor reads it"
expect_rc 0 till_user T-LANE-02 audrey --json audit ledger --account "deposit:patient:ZY0009"
ledger_sum=$(python3 -c '
import json, sys
txns = json.load(open(sys.argv[1]))
print(sum(-round(float(e["amount"]) * 100) for t in txns for e in t["entries"]
          if e["account"] == "deposit:patient:ZY0009"))' "$T/last.out")
assert_eq "$DEP" "$ledger_sum" "the deposit's balance summed from the ledger"
expect_rc 0 win --json hospital discharge ZY0009
assert_eq "$(yuan $DEP)|0.00|hosp_discharge" "$(json_field amount)|$(json_field balance)|$(json_field kind)" \
  "the balance paid back at discharge"
OUT=$DEP
expect_rc_contains 15 "patient ZY0009 was discharged" \
  win hospital deposit ZY0009 --name 赵六 --amount 1 --method cash
expect_rc_contains 15 "patient ZY0009 was discharged" win hospital discharge ZY0009
assert_eq 0 "$(sql "SELECT -sum(amount) FROM entries WHERE account = 'deposit:patient:ZY0009'")" \
  "the deposit account is empty in the journal"

step "the daily report's hospital block equals the figures worked out here"
expect_rc 0 till_user ADMIN-01 sam --json report daily
hosp=$(sed -n 's/.*"hospital":\({[^}]*\(}[^}]*\)*}\)}$/\1/p' "$T/last.out")
assert_last_contains "\"hospital\":{\"bills\":4"
assert_last_contains "\"total\":\"$(yuan $((TOTAL + OTOTAL + BA + BB)))\",\"fund\":\"$(yuan $((FUND + 8000 + 10000)))\",\"account\":\"$(yuan $((ACC + 2700)))\",\"hospital\":\"0.00\""
assert_last_contains "\"window\":[{\"method\":\"cash\",\"amount\":\"$(yuan $WINDOW)\"},{\"method\":\"wechat\",\"amount\":\"50.00\"}],\"window_deposit\":\"$(yuan $((BA - 10000 + BB)))\""
assert_last_contains "\"deposits_in\":[{\"method\":\"cash\",\"amount\":\"1000.00\"},{\"method\":\"alipay\",\"amount\":\"500.00\"}],\"deposits_out\":\"$(yuan $OUT)\""
# the whole report, with its hospital block, fits the 42-cell printer in
# English and in Chinese
for lang in en zh_CN; do
  TILL_LANG=$lang expect_rc 0 till_user ADMIN-01 sam report daily
  if [ "$lang" = en ]; then assert_last_contains "---- hospital ----"; else assert_last_contains "---- 医疗收费 ----"; fi
  w=$(LC_ALL=C.UTF-8 wc -L <"$T/last.out")
  [ "$w" -le 42 ] || fail "the daily report ($lang) has a line of $w cells: $(cat "$T/last.out")"
done

step "the Z-report's drawer holds the float, the window's cash and the deposit, less the discharge"
CASH=$((20000 + WINDOW + 100000 - OUT))
assert_eq 0 "$((CASH % 100))" "whole yuan in the drawer"
expect_rc 0 win --json shift close --count "100x$((CASH / 10000)),1x$(((CASH % 10000) / 100))"
assert_eq "$(yuan $CASH)|0.00" "$(json_field expected_cash)|$(json_field cash_variance)" "the drawer"

step "the auditor's verification passes over the hospital kinds"
expect_rc_contains 0 "ledger verified" till_user T-LANE-02 audrey audit verify
expect_rc 0 till_user T-LANE-02 audrey audit receipts --series "HP$(date +%Y)"
assert_last_contains "HP$(date +%Y)-00000001..HP$(date +%Y)-00000007, 7 of 7 numbers in the journal: complete"
expect_rc 0 till_user ADMIN-01 sam --json audit checkpoint
expect_rc 0 till_user T-LANE-02 audrey audit export
cp -- "$T/last.out" "$T/all.tex"
expect_rc_contains 0 "export verified" "$TILL" audit verify --file "$T/all.tex"
