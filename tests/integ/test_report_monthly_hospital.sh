#!/usr/bin/env bash
# test_report_monthly_hospital.sh -- the monthly report's hospital block
# (issue 21; docs/hospital.md, "Reports"): bills with the insurance split
# (fund, personal account, the hospital's own share, the window by cash and
# by card), deposits in cash and by Alipay, a bill drawn from the deposit,
# that bill refunded while the patient is in (back to the deposit), the
# rest paid back at discharge, a refund of a bill's lines (its shares given
# back in proportion) and one of a sale (not the hospital's). Every
# figure of the block in `till --json report monthly` equals what this test
# sums from the entries of `till --json audit ledger`, channel by channel;
# the daily report's block of the one date is the same; the text report
# shows the block in English and in Chinese within 42 cells, and the whole
# report (with a payer's heating bill paid and a target set too) fits the
# 42-cell printer in both languages.
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_ledger.sh"
source "$(dirname -- "$0")/lib_world.sh"

register_lanes
world_catalog PARK
world_users erin sam audrey
world_login T-LANE-01:erin ADMIN-01:sam T-LANE-02:audrey
adm() { expect_rc 0 till_as ADMIN-01 "$@"; }
win() { till_user T-LANE-01 erin "$@"; }
sup() { till_user ADMIN-01 sam "$@"; }
# refund NUMBER ARGS... -- requested and paid by erin, approved by sam
refund() {
  local number=$1 id
  shift
  expect_rc 0 win --json refund request "$number" "$@" --reason "not performed" --ref "DEPT-1"
  id=$(json_field id)
  expect_rc 0 sup refund approve "$id"
  expect_rc 0 win refund pay "$id" --method original
}

adm admin series add HP --kind hospital
adm admin series add TF --kind refund
adm hospital item add CT01 --name CT平扫 --unit 次 --price 320 --dept 放射科
adm hospital item add XR01 --name 胸部X线摄影 --unit 次 --price 120 --dept 放射科
adm hospital item add LAB01 --name 血常规 --unit 次 --price 30 --dept 检验科
adm hospital item add BED01 --name 普通病房床位费 --unit 天 --price 60 --dept 住院部
open_shift T-LANE-01 erin 100x20

step "a month at the window"
expect_rc 0 win --json sale PARK:2 --method cash
S1=$(json_field number)
expect_rc 0 win --json bill new CT01 XR01 LAB01:2 --patient-id MZ0001 --patient-name 张三 \
  --fund 231 --patient 269 --account 150 --method cash
B1=$(json_field number)
expect_rc 0 win bill new XR01 LAB01 --patient-id MZ0002 --patient-name 李四 \
  --fund 50 --patient 80 --hospital 20 --method card
expect_rc 0 win hospital deposit ZY0009 --name 赵六 --amount 1000 --method cash
expect_rc 0 win hospital deposit ZY0009 --name 赵六 --amount 500 --method alipay
expect_rc 0 win --json bill new BED01:3 --patient-id ZY0009 --patient-name 赵六 --fund 100 \
  --patient 80 --from-deposit
B3=$(json_field number)
# refunded while the patient is in: the window's part back to the deposit
refund "$B3" --line BED01:3
expect_rc 0 win hospital discharge ZY0009
refund "$B1" --line LAB01:2
refund "$S1" --line PARK:1
# a payer's heating charges paid (billing items, named by code) and a target
adm admin series add JF --kind billing
adm payer add --complex 阳光小区 --unit 3-2-1101 --owner 张三 --area 100.00 --occupancy occupied
P1=$(sql "SELECT id FROM payers WHERE unit = '3-2-1101'")
adm scheme add heating --name 供暖费 --rule area_season --period season
adm tariff add --scheme heating --from 2020-01-01 --rate 24.00
adm charge run --scheme heating --period 2024-2025
expect_rc 0 win pay "$P1" --amount 2400.00 --method wechat
expect_rc 0 sup target set --cashier erin --month "$(sql "SELECT substr(max(business_date), 1, 7) FROM shifts")" \
  --amount 3000

step "the monthly block equals the ledger's entries summed here"
expect_rc 0 till_user T-LANE-02 audrey --json audit ledger
cp -- "$T/last.out" "$T/ledger.json"
want=$(python3 -c '
import json, sys
txns = json.load(open(sys.argv[1]))
def fen(a): return round(float(a) * 100)
def yuan(f): return "%s%d.%02d" % ("-" if f < 0 else "", abs(f) // 100, abs(f) % 100)
def method(acc):
    if acc.startswith("drawer:"): return "cash"
    if acc.startswith("clearing:"): return acc[len("clearing:"):]
    return None
order = ["cash", "card", "wechat", "alipay", "transfer", "cheque", "subsidy"]
def methods(d): return [{"method": m, "amount": yuan(d[m])} for m in order if m in d]
h = dict(bills=0, total=0, fund=0, account=0, hospital=0, window={}, window_deposit=0,
         deposits_in={}, deposits_out=0, refunds=0, refunded=0, refund_fund=0,
         refund_account=0, refund_hospital=0, refund_window={}, refund_deposit=0)
for t in txns:
    k, es = t["kind"], t["entries"]
    if k == "refund" and not any(e["account"] == "revenue:hospital" for e in es):
        continue
    if k == "hosp_bill": h["bills"] += 1
    if k == "refund": h["refunds"] += 1
    for e in es:
        a, x, m = e["account"], fen(e["amount"]), method(e["account"])
        if k == "hosp_bill":
            if m: h["window"][m] = h["window"].get(m, 0) + x
            elif a == "revenue:hospital": h["total"] -= x
            elif a == "receivable:medical-fund": h["fund"] += x
            elif a == "receivable:medical-account": h["account"] += x
            elif a == "waiver:hospital": h["hospital"] += x
            elif a.startswith("deposit:patient:"): h["window_deposit"] += x
        elif k == "hosp_deposit" and m:
            h["deposits_in"][m] = h["deposits_in"].get(m, 0) + x
        elif k == "hosp_discharge" and a.startswith("deposit:patient:"):
            h["deposits_out"] += x
        elif k == "refund":
            if m: h["refund_window"][m] = h["refund_window"].get(m, 0) - x
            elif a == "revenue:hospital": h["refunded"] += x
            elif a == "receivable:medical-fund": h["refund_fund"] -= x
            elif a == "receivable:medical-account": h["refund_account"] -= x
            elif a == "waiver:hospital": h["refund_hospital"] -= x
            elif a.startswith("deposit:patient:"): h["refund_deposit"] -= x
out = {"bills": h["bills"]}
for f in ("total", "fund", "account", "hospital"): out[f] = yuan(h[f])
out["window"] = methods(h["window"])
out["window_deposit"] = yuan(h["window_deposit"])
out["deposits_in"] = methods(h["deposits_in"])
out["deposits_out"] = yuan(h["deposits_out"])
out["refunds"] = h["refunds"]
for f in ("refunded", "refund_fund", "refund_account", "refund_hospital"): out[f] = yuan(h[f])
out["refund_window"] = methods(h["refund_window"])
out["refund_deposit"] = yuan(h["refund_deposit"])
print(json.dumps(out, sort_keys=True))' "$T/ledger.json")
# block FILE -- the report's "hospital" object, keys sorted
block() {
  python3 -c '
import json, sys
print(json.dumps(json.load(open(sys.argv[1])).get("hospital"), sort_keys=True))' "$1"
}
# the figures this test sums are the ones a reader would check by hand
assert_eq '"bills": 3' "$(grep -o '"bills": [0-9]*' <<<"$want")" "three bills in the ledger"
assert_eq '"refunds": 2' "$(grep -o '"refunds": [0-9]*' <<<"$want")" "two refunds of bills' lines"
assert_eq '"refund_deposit": "80.00"' "$(grep -o '"refund_deposit": "[0-9.]*"' <<<"$want")" "one back to the deposit"
expect_rc 0 sup --json report monthly
assert_eq "$want" "$(block "$T/last.out")" "the monthly hospital block"
expect_rc 0 sup --json report daily
assert_eq "$want" "$(block "$T/last.out")" "the daily hospital block of the month's one date"

step "the text report, in English and in Chinese, within 42 cells"
too_wide() {
  LC_ALL=C.UTF-8 python3 -c '
import sys, unicodedata
for l in open(sys.argv[1], encoding="utf-8"):
    w = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in l.rstrip("\n"))
    if w > 42 and "hospital" in sys.argv[2]: print(l); break' "$T/hosp.txt" hospital
}
expect_rc 0 sup report monthly
assert_last_contains "---- hospital ----"
assert_last_contains "refunds of bills"
sed -n '/---- hospital ----/,$p' "$T/last.out" >"$T/hosp.txt"
assert_eq "" "$(too_wide)" "the English block fits 42 cells"
TILL_LANG=zh_CN expect_rc 0 sup report monthly
assert_last_contains "账单退费"
sed -n '/----/,$p' "$T/last.out" | sed -n '/医院/,$p' >"$T/hosp.txt"
[ -s "$T/hosp.txt" ] || fail "the Chinese report has its hospital block"
assert_eq "" "$(too_wide)" "the Chinese block fits 42 cells"

step "the whole report fits 42 cells, in English and in Chinese"
expect_rc 0 sup report monthly
assert_last_contains "heating:2024-2025"
assert_last_contains "erin"
cp -- "$T/last.out" "$T/monthly-en.txt"
w=$(LC_ALL=C.UTF-8 wc -L <"$T/last.out")
[ "$w" -le 42 ] || fail "the English report has a line of $w cells: $(cat "$T/last.out")"
TILL_LANG=zh_CN expect_rc 0 sup report monthly
assert_last_contains "heating:2024-2025"
cp -- "$T/last.out" "$T/monthly-zh.txt"
w=$(LC_ALL=C.UTF-8 wc -L <"$T/last.out")
[ "$w" -le 42 ] || fail "the Chinese report has a line of $w cells: $(cat "$T/last.out")"

step "a month without hospital postings has no block"
expect_rc 0 sup --json report monthly --month 2001-01
assert_eq "null" "$(block "$T/last.out")" "no hospital block"
