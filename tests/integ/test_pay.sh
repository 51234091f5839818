#!/usr/bin/env bash
# test_pay.sh -- payments against payers (`till pay`), against a real tilld:
# a payment spread over three seasons of heating arrears, oldest first, the
# last one in part, with a receipt (paper, in Chinese, and --json) that
# shows each season's year, what it settled and the percentage now paid;
# an idempotent retry; the charges named by the cashier; an overpayment
# kept as prepaid and consumed by the next charge run; a cheque pending,
# bounced (the charges open again), paid again and cleared (counted); a
# subsidy; the X/Z-report, daily and monthly reports counting payments like
# sales; refusals (unknown payer, 0, negative, unknown charge, another
# payer's charge, ...) that write nothing; `till audit verify` over it all.
# Every figure is computed here from the fixture (areas and the rate), not
# read back from the server.
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_world.sh"

# the payments and their reports must fall on one day of tilld's calendar
if [ "$(date +%H%M)" = 2359 ]; then
  sleep 61
fi

register_lanes
world_catalog PARK1H
world_users carol sam audrey
world_login T-LANE-01:carol ADMIN-01:sam T-LANE-02:audrey

# yuan FEN -- 12345 -> 123.45 (FEN >= 0)
yuan() { printf '%d.%02d' $(($1 / 100)) $(($1 % 100)); }
# doc QUERY -- QUERY over the last stdout (one JSON document R) with sqlite3
doc() {
  cp -- "$T/last.out" "$T/doc.json"
  sqlite3 -batch -noheader :memory: "WITH d(R) AS (SELECT readfile('$T/doc.json')) $1"
}
# lines -- "charge:amount:percent ..." of the payment receipt in the last stdout
lines() {
  doc "SELECT group_concat(json_extract(value, '\$.charge_id') || ':' || json_extract(value, '\$.amount')
       || ':' || json_extract(value, '\$.percent'), ' ') FROM d, json_each(d.R, '\$.lines')"
}
# balance ACCOUNT -- the sum of ACCOUNT's entries, in fen
balance() { sql "SELECT coalesce(sum(amount), 0) FROM entries WHERE account = '$1'"; }
# billing_state -- ledger_state and the billing rows a payment writes
billing_state() {
  printf '%s %s' "$(ledger_state)" "$(sql "SELECT (SELECT count(*) FROM settlements) || ' ' ||
    (SELECT count(*) FROM payments) || ' ' || (SELECT count(*) FROM cheques) || ' ' ||
    (SELECT sum(paid) FROM charges)")"
}
pay() { till_user T-LANE-01 carol "$@"; }

# ---- the fixture: two households, three seasons of heating --------------
AREA1=8937 AREA2=10000   # m² x 100: 89.37 and 100.00
RATE=240000              # 24.00 yuan per m² per season, x 10^4
# a season's charge: area x rate, rounded once, half up, to the fen
C1=$(awk -v a=$AREA1 -v r=$RATE 'BEGIN { printf "%d", int((a * r + 5000) / 10000) }')
C2=$(awk -v a=$AREA2 -v r=$RATE 'BEGIN { printf "%d", int((a * r + 5000) / 10000) }')
# pct PAID AMOUNT -- PAID / AMOUNT in percent, two decimals, rounded down
pct() { awk -v p="$1" -v a="$2" 'BEGIN { e = int(p * 10000 / a); printf "%d.%02d", int(e / 100), e % 100 }'; }

step "a billing receipt series, two payers, a heating scheme and three seasons charged"
expect_rc 0 till_as ADMIN-01 admin series add JF --kind billing --description "缴费收据"
expect_rc 0 till_as ADMIN-01 payer add --complex 阳光小区 --unit 3-2-1101 --owner 张三 \
  --area 89.37 --occupancy occupied
expect_rc 0 till_as ADMIN-01 payer add --complex 阳光小区 --unit 5-1-0202 --owner 李四 \
  --area 100.00 --occupancy occupied
P1=$(sql "SELECT id FROM payers WHERE unit = '3-2-1101'")
P2=$(sql "SELECT id FROM payers WHERE unit = '5-1-0202'")
expect_rc 0 till_as ADMIN-01 scheme add heating --name 供暖费 --rule area_season --period season
expect_rc 0 till_as ADMIN-01 tariff add --scheme heating --from 2020-01-01 --rate 24.00
for season in 2025-2026 2023-2024 2024-2025; do   # newest first: the order must not matter
  expect_rc 0 till_as ADMIN-01 charge run --scheme heating --period "$season"
done
charge() { sql "SELECT id FROM charges WHERE payer_id = $1 AND period = '$2' AND kind = 'charge'"; }
A23=$(charge "$P1" 2023-2024) A24=$(charge "$P1" 2024-2025) A25=$(charge "$P1" 2025-2026)
B23=$(charge "$P2" 2023-2024) B24=$(charge "$P2" 2024-2025) B25=$(charge "$P2" 2025-2026)
assert_eq "$C1 $C1 $C1" "$(sql "SELECT group_concat(amount, ' ') FROM charges WHERE payer_id = $P1")" \
  "payer 1's charges"
open_shift T-LANE-01 carol 100x2
FLOAT=20000
SID=$(sql "SELECT id FROM shifts WHERE cashier = 'carol' AND state = 1")

# ---- refusals first: a clear error, nothing written ------------------------
state=$(billing_state)
refused() {
  local rc=$1 msg=$2
  shift 2
  expect_rc_contains "$rc" "$msg" pay pay "$@"
  [ "$(billing_state)" = "$state" ] || fail "refused: $*: something was written"
}
step "refused: unknown payer, 0, negative, unknown charge, another payer's, named twice, no cheque number"
refused 14 "no payer 999" 999 --amount 10 --method cash
refused 11 "the amount of a payment must be more than 0.00" "$P1" --amount 0 --method cash
refused 11 "the amount of a payment must be more than 0.00" "$P1" --amount=-5 --method cash
refused 14 "no charge 99999" "$P1" --amount 10 --method cash --charge 99999
refused 11 "charge $B23 belongs to payer $P2, not to payer $P1" "$P1" --amount 10 --method cash --charge "$B23"
refused 11 "charge $A23 is named twice" "$P1" --amount 10 --method cash --charge "$A23" --charge "$A23"
refused 11 "reference" "$P1" --amount 10 --method cheque
refused 11 "tendered 4.00 is less than the total 10.00" "$P1" --amount 10 --method cash --tendered 4
refused 11 "tendered applies to cash only" "$P1" --amount 10 --method card --tendered 20
refused 2 "--amount 'ten' is not an amount" "$P1" --amount ten --method cash
step "refused: a payer of letters, and a supervisor (pay is a cashier's)"
refused 2 "the payer must be a number" abc --amount 10 --method cash
expect_rc_contains 13 "permission denied" till_user ADMIN-01 sam pay "$P1" --amount 10 --method cash
[ "$(billing_state)" = "$state" ] || fail "a supervisor's pay wrote something"

# ---- three seasons of arrears, the last in part ---------------------------
PART=71024                       # what is left for 2025-2026
AMT=$((2 * C1 + PART))           # 5000.00
TEND=510000 CASH1=$AMT
step "5000.00 cash over three seasons: 2023 and 2024 in full, 2025 in part"
K1=0a1b2c3d0a1b2c3d0a1b2c3d0a1b2c3d
expect_rc 0 pay --json pay "$P1" --amount "$(yuan $AMT)" --method cash --tendered "$(yuan $TEND)" \
  --idem-key "$K1"
R1=$(json_field number) T1=$(json_field txn_id)
assert_eq "$A23:$(yuan $C1):100.00 $A24:$(yuan $C1):100.00 $A25:$(yuan $PART):$(pct $PART $C1)" \
  "$(lines)" "the split and the percentages"
assert_eq "$(yuan $((TEND - AMT)))" "$(json_field change)" "change"
assert_eq "0.00" "$(json_field to_prepaid)" "nothing to prepaid"
assert_eq "$C1 $C1 $PART" "$(sql "SELECT group_concat(paid, ' ') FROM (SELECT paid FROM charges
  WHERE payer_id = $P1 ORDER BY year)")" "charges.paid"
assert_eq "$C1 $C1 $PART" "$(sql "SELECT group_concat(amount, ' ') FROM (SELECT amount FROM settlements
  WHERE txn_id = $T1 AND source = 'payment' ORDER BY id)")" "settlements of the payment"
assert_eq "$((3 * C1 - AMT))" "$(balance "receivable:payer:$P1")" "what payer 1 still owes"

step "the receipt in Chinese: each season with its year, the amount and the percentage"
TILL_LANG=zh_CN expect_rc 0 pay receipt show "$R1"
assert_last_contains "缴费收据"
assert_last_contains "阳光小区 3-2-1101"
assert_last_contains "2023 年度，应收 $(yuan $C1)"
assert_last_contains "2025 年度，应收 $(yuan $C1)"
grep -qE "^供暖费 2023-2024 +$(yuan $C1) +100\.00%$" "$T/last.out" || fail "2023 line: $(cat "$T/last.out")"
grep -qE "^供暖费 2025-2026 +$(yuan $PART) +$(pct $PART $C1)%$" "$T/last.out" ||
  fail "2025 line: $(cat "$T/last.out")"
assert_last_contains "$(yuan $((TEND - AMT)))"
awk '{ print }' "$T/last.out" | while IFS= read -r l; do
  w=$(printf '%s' "$l" | python3 -c 'import sys, unicodedata as u; s = sys.stdin.read(); print(sum(2 if u.east_asian_width(c) in "WF" else 1 for c in s))')
  [ "$w" -le 42 ] || fail "a receipt line is wider than 42 cells: '$l'"
done

step "the same key again: the same receipt, nothing posted"
state=$(billing_state)
expect_rc 0 pay --json pay "$P1" --amount "$(yuan $AMT)" --method cash --tendered "$(yuan $TEND)" \
  --idem-key "$K1"
assert_eq true "$(json_field replayed)" "replayed"
assert_eq "$R1" "$(json_field number)" "the original number"
[ "$(billing_state)" = "$state" ] || fail "a replay wrote something"

# ---- named charges, overpayment to prepaid --------------------------------
OVER=60000
WECHAT1=$((C2 + OVER))
step "payer 2 names the 2024 season and pays 600.00 more: the rest is prepaid"
expect_rc 0 pay --json pay "$P2" --amount "$(yuan $WECHAT1)" --method wechat --charge "$B24"
T2=$(json_field txn_id)
assert_eq "$B24:$(yuan $C2):100.00" "$(lines)" "only the named charge"
assert_eq "$(yuan $OVER)" "$(json_field to_prepaid)" "to prepaid"
assert_eq "$((-OVER))" "$(balance "prepaid:payer:$P2")" "prepaid:payer:2 is a liability in credit"
assert_eq 0 "$(sql "SELECT paid FROM charges WHERE id = $B23")" "the older 2023 charge is untouched"
expect_rc 0 pay receipt show "$(sql "SELECT series || '-' || printf('%08d', receipt_no) FROM journal WHERE id = $T2")"
assert_last_contains "To prepaid balance"
assert_last_contains "the next charge"

step "the next charge run consumes the prepaid balance"
expect_rc 0 till_as ADMIN-01 charge run --scheme heating --period 2026-2027
B26=$(charge "$P2" 2026-2027) A26=$(charge "$P1" 2026-2027)
assert_eq "$OVER" "$(sql "SELECT coalesce(sum(amount), 0) FROM settlements WHERE charge_id = $B26
  AND source = 'prepaid'")" "prepaid settled the new charge"
assert_eq 0 "$(balance "prepaid:payer:$P2")" "the prepaid balance is used up"

# ---- a subsidy -------------------------------------------------------------
SUB=50000
step "a heating subsidy for payer 2 settles the oldest open charge (2023) in part"
expect_rc 0 pay --json pay "$P2" --amount "$(yuan $SUB)" --method subsidy --ref "财建〔2026〕12号"
assert_eq "$B23:$(yuan $SUB):$(pct $SUB $C2)" "$(lines)" "the subsidy's line"
assert_eq "财建〔2026〕12号" "$(json_field reference)" "the subsidy's document"

# ---- cheques -----------------------------------------------------------------
REST=$((C1 - PART))
CHQ=$((REST + C1 + 10000)) # the rest of 2025, all of 2026 and 100.00 ahead
step "a cheque: pending, settles 2025 and 2026, and 100.00 prepaid"
expect_rc 0 pay --json pay "$P1" --amount "$(yuan $CHQ)" --method cheque --ref CK-0001
TC1=$(json_field txn_id)
assert_eq pending "$(json_field cheque_state)" "a cheque is pending"
assert_eq "$A25:$(yuan $REST):100.00 $A26:$(yuan $C1):100.00" "$(lines)" "the cheque's lines"
assert_eq "100.00" "$(json_field to_prepaid)" "the cheque's prepaid part"
assert_eq "$CHQ" "$(balance clearing:cheque)" "clearing:cheque holds it"
expect_rc 0 till_user ADMIN-01 sam --json cheque list --pending
CQ1=$(json_field id)
assert_eq CK-0001 "$(json_field reference)" "the pending list"

step "a cashier may not clear or bounce a cheque"
state=$(billing_state)
expect_rc_contains 13 "permission denied" pay cheque clear "$CQ1"
expect_rc_contains 13 "permission denied" pay cheque bounce "$CQ1" --reason x
[ "$(billing_state)" = "$state" ] || fail "a cashier's cheque decision wrote something"

step "bounced: the payment is reversed, 2025 and 2026 are open again"
expect_rc 0 till_user ADMIN-01 sam --json cheque bounce "$CQ1" --reason "存款不足"
assert_last_contains '"state":"bounced"'
assert_eq "$PART 0" "$(sql "SELECT group_concat(paid, ' ') FROM (SELECT paid FROM charges
  WHERE id IN ($A25, $A26) ORDER BY id)")" "2025 and 2026 reopened"
assert_eq 0 "$(balance clearing:cheque)" "clearing:cheque back to 0"
assert_eq 0 "$(balance "prepaid:payer:$P1")" "the prepaid part reversed"
assert_eq "$((4 * C1 - AMT))" "$(balance "receivable:payer:$P1")" "owed again as before the cheque"
assert_eq "$TC1" "$(sql "SELECT reverses FROM journal WHERE kind = 'cheque_bounce'")" "the bounce names the payment"
assert_eq "-$REST" "$(sql "SELECT amount FROM settlements WHERE source = 'reversal' AND charge_id = $A25")" \
  "the reversal's settlement"
expect_rc_contains 15 "cheque $CQ1 has already bounced" till_user ADMIN-01 sam cheque clear "$CQ1"
expect_rc 0 pay receipt show "$(sql "SELECT series || '-' || printf('%08d', receipt_no) FROM journal WHERE id = $TC1")"
assert_last_contains "bounced"

step "a second cheque for the same: cleared, counted (Dr bank / Cr clearing:cheque)"
expect_rc 0 pay --json pay "$P1" --amount "$(yuan $CHQ)" --method cheque --ref CK-0002
expect_rc 0 till_user ADMIN-01 sam --json cheque list --pending
CQ2=$(json_field id)
expect_rc 0 till_user ADMIN-01 sam --json cheque clear "$CQ2"
assert_last_contains '"state":"cleared"'
assert_eq "$CHQ" "$(balance bank)" "the bank has it"
assert_eq 0 "$(balance clearing:cheque)" "nothing pending"
assert_eq "$C1 $C1" "$(sql "SELECT group_concat(paid, ' ') FROM (SELECT paid FROM charges
  WHERE id IN ($A25, $A26) ORDER BY id)")" "2025 and 2026 settled"
expect_rc 0 till_user ADMIN-01 sam --json cheque list --pending
assert_eq "[]" "$(cat "$T/last.out")" "no cheque pending"

# ---- the shift's reports ---------------------------------------------------
# per method: sales (payments), amount, expected; the bounce is after the
# shift's takings (a bank event, no shift), so both cheques count as taken
CHEQUES=$((2 * CHQ))
EXPECTED_CASH=$((FLOAT + CASH1))
method_totals() {
  doc "SELECT group_concat(x, ' ') FROM (SELECT json_extract(value, '\$.method') || ':'
       || json_extract(value, '\$.sales') || ':' || json_extract(value, '\$.sales_amount') || ':'
       || json_extract(value, '\$.expected') AS x FROM d, json_each(d.R, '\$.methods') ORDER BY x)"
}
WANT="cash:1:$(yuan $CASH1):$(yuan $EXPECTED_CASH) cheque:2:$(yuan $CHEQUES):$(yuan $CHEQUES)"
WANT+=" subsidy:1:$(yuan $SUB):$(yuan $SUB) wechat:1:$(yuan $WECHAT1):$(yuan $WECHAT1)"
TOTAL=$((CASH1 + CHEQUES + SUB + WECHAT1))
step "the X-report counts the payments per method"
expect_rc 0 till_user ADMIN-01 sam --json shift status "$SID"
assert_eq "$WANT" "$(method_totals)" "X-report methods"
assert_eq 5 "$(json_field receipts)" "X-report receipts"
step "the Z-report: the drawer holds the float and the cash payment; items by scheme and period"
expect_rc 0 till_user T-LANE-01 carol --json shift close --count "100x$((EXPECTED_CASH / 10000))" \
  --noncash "cheque=$(yuan $CHEQUES),subsidy=$(yuan $SUB),wechat=$(yuan $WECHAT1)"
assert_eq "$(yuan $EXPECTED_CASH)" "$(json_field expected_cash)" "Z-report expected cash"
assert_eq "0.00" "$(json_field cash_variance)" "Z-report variance"
assert_eq "$WANT" "$(method_totals)" "Z-report methods"
# heating 2025-2026 got PART (cash) + REST (cheque 1) + REST (cheque 2); the
# prepaid the run consumed is no payment (no shift) and is not listed
assert_eq "heating:2023-2024=$(yuan $((C1 + SUB))) heating:2024-2025=$(yuan $((C1 + C2))) heating:2025-2026=$(yuan $((PART + 2 * REST))) heating:2026-2027=$(yuan $((2 * C1))) prepaid=$(yuan $((OVER + 2 * 10000)))" \
  "$(doc "SELECT group_concat(json_extract(value, '\$.item') || '=' || json_extract(value, '\$.amount'), ' ')
          FROM d, json_each(d.R, '\$.items')")" "Z-report items by scheme and period"

step "the daily and monthly reports count the payments"
expect_rc 0 till_user ADMIN-01 sam --json report daily
assert_eq "$(yuan $TOTAL)" "$(json_field net_amount)" "daily net"
assert_eq "cash=$(yuan $CASH1) cheque=$(yuan $CHEQUES) subsidy=$(yuan $SUB) wechat=$(yuan $WECHAT1)" \
  "$(doc "SELECT group_concat(m, ' ') FROM (SELECT json_extract(value, '\$.method') || '=' ||
          json_extract(value, '\$.amount') AS m FROM d, json_each(d.R, '\$.methods')
          WHERE json_extract(value, '\$.amount') <> '0.00' ORDER BY 1)")" "daily by method"
expect_rc 0 till_user ADMIN-01 sam --json report monthly
assert_eq "$(yuan $TOTAL)|$(yuan $CASH1)|$(yuan $((TOTAL - CASH1)))|$(yuan $WECHAT1)" \
  "$(doc "SELECT json_extract(R, '\$.total') || '|' || json_extract(R, '\$.cash') || '|'
          || json_extract(R, '\$.noncash') || '|' || json_extract(R, '\$.electronic') FROM d")" \
  "monthly total, cash, non-cash, electronic"

step "audit verify passes over payments, prepaid, cheque_clear and cheque_bounce"
expect_rc 0 till_user T-LANE-02 audrey audit verify
assert_last_contains "ledger verified"
assert_last_contains "complete"
# and an outside verifier's view: the export file checks on its own
expect_rc 0 till_user T-LANE-02 audrey audit export
cp -- "$T/last.out" "$T/pay.tillx"
expect_rc_contains 0 "export verified" "$TILL" audit verify --file "$T/pay.tillx"
check_log_clean
