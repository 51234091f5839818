#!/usr/bin/env bash
# test_report_monthly.sh -- `till report monthly` (the monthly settlement)
# and `till target set` against a real tilld.
#
# Five cashiers: carol (a void; target aimed within 5 % below), dan (a shift
# closed 2.00 short; 5-10 % above), erin (10-15 % below), gus (no target) and
# hal (a target, no sales: 0 collected, beyond 15 % below); sales by cash,
# wechat, card, alipay, cheque and subsidy over two items (the e-payment
# ratio counts card, WeChat, Alipay and transfer only: not the cheque, not
# the subsidy). The sales fall on two business
# dates: after the first cashiers' shifts close, a supervisor closes the
# date, and the rest open at once on the next one, on the same calendar
# day (the report counts business dates, not the clock). Every figure of
# `--json` is then compared with sums computed by the sqlite3 tool straight
# from the database by another route (revenue, drawer and clearing
# entries; shifts.cash_variance), and each band with the one aimed for. Setting a target again replaces it and answers the previous
# one. Refusals (roles, unknown or non-cashier user, bad month, amount) are
# clear and write nothing. Last, a waiver entry added behind the server's
# back (in gus's shift: a posting counts on its shift's business date)
# shows under waivers and not in the collections.
TILLD_START=0
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_ledger.sh"
source "$(dirname -- "$0")/lib_world.sh"

# Y SQL -- an SQL expression formatting the fen amount SQL as yuan ("-2.00")
Y() { printf "(CASE WHEN (%s) < 0 THEN '-' ELSE '' END || (abs(%s) / 100) || '.' || printf('%%02d', abs(%s) %% 100))" "$1" "$1" "$1"; }
# targets_dump -- the cashier_targets table, to prove a refusal wrote nothing
targets_dump() { sql "SELECT cashier, month, amount, set_by, set_at FROM cashier_targets ORDER BY 1, 2"; }
# sale TERMINAL USER ITEM:QTY METHOD
sale() { expect_rc 0 till_user "$1" "$2" --json sale "$3" --method "$4"; }

# tilld's zone (and the test's): one where today is not the last day of a
# month, so that the next business date is in the same month
for zone in UTC0 TST+12 TST-14; do
  [ "$(TZ=$zone date -d '12:00 next day' +%d)" != 01 ] && break
done
export TZ=$zone
start_tilld || fail "tilld did not start"
register_lanes
world_catalog PARK WASH
world_users carol dan erin gus hal sam audrey
world_login T-LANE-01:carol T-LANE-02:dan ADMIN-01:sam ADMIN-01:audrey

step "day 1: carol sells 4 times (one voided), dan twice and closes 2.00 short"
open_shift T-LANE-01 carol
sale T-LANE-01 carol PARK:4 cash      # 20.00
sale T-LANE-01 carol WASH:2 wechat    #  5.00
sale T-LANE-01 carol PARK:2 card      # 10.00
sale T-LANE-01 carol PARK:1 cash      #  5.00, voided below
voided=$(json_field number)
expect_rc 0 till_user T-LANE-01 carol --json void "$voided" --reason "wrong lane"
expect_rc 0 till_user ADMIN-01 sam void approve "$(json_field id)" --note ok
expect_rc 0 till_user T-LANE-01 carol --json shift close --count 10x2 --noncash card=10.00,wechat=5.00
open_shift T-LANE-02 dan
sale T-LANE-02 dan PARK:10 cash       # 50.00
sale T-LANE-02 dan WASH:4 card        # 10.00
expect_rc 0 till_user T-LANE-02 dan --json shift close --count 10x4,1x8 --noncash card=10.00
assert_eq "-2.00" "$(json_field cash_variance)" "dan's variance"

step "sam closes day 1's business date (TZ=$TZ): new shifts go to the next date at once"
DAY1=$(sql "SELECT min(business_date) FROM shifts")
assert_eq "$DAY1" "$(sql "SELECT max(business_date) FROM shifts")" "day 1's shifts, one date"
expect_rc 0 till_user ADMIN-01 sam --json day close --date "$DAY1"
DAY2=$(json_field next_business_date)
MONTH=${DAY2:0:7}
[ "$DAY2" = "$(date -d "$DAY1 12:00 next day" +%F)" ] && [ "${DAY1:0:7}" = "$MONTH" ] ||
  fail "TZ $TZ: day 1 $DAY1 and day 2 $DAY2 should be two days of one month"
step "day 1 $DAY1, day 2 $DAY2"

step "day 2: erin and gus sell (gus also by cheque and subsidy) and close exactly"
world_login T-LANE-01:erin T-LANE-02:gus
open_shift T-LANE-01 erin
sale T-LANE-01 erin PARK:2 wechat     # 10.00
expect_rc 0 till_user T-LANE-01 erin shift close --count none --noncash wechat=10.00
open_shift T-LANE-02 gus
sale T-LANE-02 gus PARK:3 alipay      # 15.00
sale T-LANE-02 gus WASH:2 cash        #  5.00
sale T-LANE-02 gus PARK:1 cheque      #  5.00, not electronic
sale T-LANE-02 gus WASH:2 subsidy     #  5.00, not electronic
expect_rc 0 till_user T-LANE-02 gus shift close --count 1x5 \
  --noncash alipay=15.00,cheque=5.00,subsidy=5.00
expect_sql "$DAY2|2" "SELECT business_date, count(*) FROM shifts WHERE cashier IN ('erin', 'gus')"

step "targets: set carol's twice (the second replaces the first and answers it), dan, erin, hal"
expect_rc_contains 0 '"cashier":"carol","month":"'"$MONTH"'","amount":"50.00","set_by":"sam"' \
  till_user ADMIN-01 sam --json target set --cashier carol --month "$MONTH" --amount 50
assert_last_contains '"previous":"0.00"}'
expect_rc_contains 0 "target of carol for $MONTH: 36.00 (replaces 50.00), set by sam" \
  till_user ADMIN-01 sam target set --cashier carol --month "$MONTH" --amount 36.00
expect_sql "carol|$MONTH|3600|sam|1" \
  "SELECT cashier, month, amount, set_by, count(*) FROM cashier_targets WHERE cashier = 'carol'"
expect_rc_contains 0 "(no target before)" \
  till_user ADMIN-01 sam target set --cashier dan --month "$MONTH" --amount 55
expect_rc 0 till_user ADMIN-01 sam target set --cashier erin --month "$MONTH" --amount 11.50
expect_rc 0 till_user ADMIN-01 sam target set --cashier hal --month "$MONTH" --amount 100
expect_sql "4" "SELECT count(*) FROM cashier_targets WHERE month = '$MONTH'"

step "the report as JSON: every figure equals the database's own sums"
expect_rc 0 till_user ADMIN-01 audrey --json report monthly --month "$MONTH"
cp -- "$T/last.out" "$T/monthly.json"
# the month: its shifts' business dates
IN_MONTH="(SELECT id FROM shifts WHERE substr(business_date, 1, 7) = '$MONTH')"
# the month's sales and voids, by another route than the server's: revenue
# credits for the amount, drawer and clearing debits for cash and non-cash;
# each on its shift's business date
TX="SELECT j.id, j.kind, j.cashier, j.method, (SELECT business_date FROM shifts s WHERE s.id = j.shift_id) AS d,
      (SELECT -sum(amount) FROM entries e WHERE e.txn_id = j.id AND e.account LIKE 'revenue:%') AS amt,
      (SELECT coalesce(sum(amount), 0) FROM entries e WHERE e.txn_id = j.id AND e.account LIKE 'drawer:%') AS cash,
      (SELECT coalesce(sum(amount), 0) FROM entries e WHERE e.txn_id = j.id AND e.account LIKE 'clearing:%') AS noncash
    FROM journal j WHERE j.kind IN ('sale', 'void') AND j.shift_id IN $IN_MONTH"
days=$(sql "SELECT '\"days\":[' || group_concat(x, ',') || ']' FROM (
  SELECT '{\"date\":\"' || d || '\",\"receipts\":' || sum(kind = 'sale') || ',\"amount\":\"' || $(Y 'sum(amt)')
    || '\",\"cash\":\"' || $(Y 'sum(cash)') || '\",\"noncash\":\"' || $(Y 'sum(noncash)') || '\"}' AS x
  FROM ($TX) GROUP BY d ORDER BY d)")
assert_last_contains "$days"
assert_eq "\"days\":[{\"date\":\"$DAY1\",\"receipts\":6,\"amount\":\"95.00\",\"cash\":\"70.00\",\"noncash\":\"25.00\"},{\"date\":\"$DAY2\",\"receipts\":5,\"amount\":\"40.00\",\"cash\":\"5.00\",\"noncash\":\"35.00\"}]" \
  "$days" "the days as aimed for"
items=$(sql "SELECT '\"items\":[' || group_concat(x, ',') || ']' FROM (
  SELECT '{\"item\":\"' || e.item || '\",\"name\":\"' || f.name || '\",\"quantity\":'
    || sum(CASE WHEN e.amount < 0 THEN e.quantity ELSE -e.quantity END) || ',\"amount\":\"' || $(Y '-sum(e.amount)') || '\"}' AS x
  FROM entries e JOIN journal j ON j.id = e.txn_id JOIN fee_items f ON f.code = e.item
  WHERE e.account LIKE 'revenue:%' AND j.shift_id IN $IN_MONTH
  GROUP BY e.item ORDER BY e.item)")
assert_last_contains "$items"
assert_eq '"items":[{"item":"PARK","name":"Parking","quantity":22,"amount":"110.00"},{"item":"WASH","name":"Car wash","quantity":10,"amount":"25.00"}]' \
  "$items" "the items as aimed for"
# electronic: the revenue of the transactions whose method is card, wechat,
# alipay or transfer (the server sums the clearing accounts); the ratio half up
EL="(SELECT coalesce(sum(amt), 0) FROM ($TX) WHERE method IN ('card', 'wechat', 'alipay', 'transfer'))"
totals=$(sql "SELECT '\"total\":\"' || $(Y 'sum(amt)') || '\",\"cash\":\"' || $(Y 'sum(cash)') || '\",\"noncash\":\"'
  || $(Y 'sum(noncash)') || '\",\"electronic\":\"' || $(Y "$EL") || '\",\"epay_ratio_bp\":'
  || (($EL * 20000 + sum(amt)) / (2 * sum(amt))) FROM ($TX)")
assert_last_contains "$totals"
assert_eq '"total":"135.00","cash":"75.00","noncash":"60.00","electronic":"50.00","epay_ratio_bp":3704' "$totals" "the totals"
expect_sql "5.00|5.00" "SELECT $(Y "sum(CASE WHEN method = 'cheque' THEN amt END)"), $(Y "sum(CASE WHEN method = 'subsidy' THEN amt END)") FROM ($TX)"
assert_last_contains '"epay_ratio_percent":"37.04","epay_methods":["card","wechat","alipay","transfer"],"waivers":[]'
# collected: drawer and clearing debits of the sales and voids by cashier;
# over/short: the variances of the month's shifts (shifts table)
while IFS='|' read -r who collected overshort; do
  assert_last_contains "{\"cashier\":\"$who\",\"collected\":\"$collected\",\"over_short\":\"$overshort\","
done < <(sql "SELECT c.cashier, $(Y 'coalesce((SELECT sum(cash + noncash) FROM ($TX) WHERE cashier = c.cashier), 0)'),
    $(Y "coalesce((SELECT sum(cash_variance) FROM shifts s WHERE s.cashier = c.cashier
                   AND s.id IN $IN_MONTH), 0)")
  FROM (SELECT DISTINCT cashier FROM journal UNION SELECT cashier FROM cashier_targets) c")
# the bands aimed for: carol 35.00 of 36.00 (-2.78 %), dan 60.00 of 55.00
# (+9.09 %, rounded away from zero), erin 10.00 of 11.50 (-13.04 %), gus no
# target, hal nothing of 100.00 (-100 %)
assert_last_contains '"cashiers":[{"cashier":"carol","collected":"35.00","over_short":"0.00","target":"36.00","deviation_bp":-278,"deviation_percent":"-2.78","band":"within_5","above":false},'
assert_last_contains '{"cashier":"dan","collected":"60.00","over_short":"-2.00","target":"55.00","deviation_bp":910,"deviation_percent":"9.10","band":"5_10","above":true},'
assert_last_contains '{"cashier":"erin","collected":"10.00","over_short":"0.00","target":"11.50","deviation_bp":-1305,"deviation_percent":"-13.05","band":"10_15","above":false},'
assert_last_contains '{"cashier":"gus","collected":"30.00","over_short":"0.00","target":"0.00","deviation_bp":0,"deviation_percent":"0.00","band":"none","above":false},'
assert_last_contains '{"cashier":"hal","collected":"0.00","over_short":"0.00","target":"100.00","deviation_bp":-10000,"deviation_percent":"-100.00","band":"beyond_15","above":false}]}'

step "as text for a supervisor; no --month is the month of the current business date"
expect_rc 0 till_user ADMIN-01 sam report monthly
cp -- "$T/last.out" "$T/monthly.txt"
assert_last_contains "MONTHLY SETTLEMENT $MONTH"
assert_last_contains "business dates $MONTH-01 .. $MONTH-"
# 42 cells, the receipt printer's width: the days by their day of the month
last_matches "^${DAY2:8:2} +5 +40\.00 +5\.00 +35\.00\$" || fail "day 2's line"
last_matches "^${DAY1:8:2} +6 +95\.00 +70\.00 +25\.00\$" || fail "day 1's line"
last_matches "^PARK Parking +22 +110\.00\$" || fail "PARK's line"
last_matches "^net collections +135\.00\$" || fail "the net collections"
last_matches "^  cash +75\.00\$" || fail "the cash"
last_matches "^  non-cash +60\.00\$" || fail "the non-cash"
last_matches "^  electronic +50\.00\$" || fail "the electronic part"
last_matches "^e-payment ratio +37\.04%\$" || fail "the e-payment ratio"
last_matches "^\(electronic: card, WeChat, Alipay, bank\$" || fail "the electronic methods"
last_matches "^ transfer\)\$" || fail "the electronic methods' second line"
last_matches "^refunds \(0\) +0\.00\$" || fail "no refunds"
last_matches "^net takings \(less refunds\) +135\.00\$" || fail "the net takings"
assert_last_contains "waivers: none"
last_matches "^carol +35\.00 +36\.00 +-2\.78%\$" || fail "carol's line"
last_matches "^dan +60\.00 +55\.00 +9\.10%\$" || fail "dan's line"
last_matches "^erin +10\.00 +11\.50 +-13\.05%\$" || fail "erin's line"
last_matches "^gus +30\.00 +- +-\$" || fail "gus's line"
last_matches "^hal +0\.00 +100\.00 +-100\.00%\$" || fail "hal's line"
last_matches "^carol +within 5% +0\.00\$" || fail "carol's band"
last_matches "^dan +5-10% above +-2\.00\$" || fail "dan's band"
last_matches "^erin +10-15% below +0\.00\$" || fail "erin's band"
last_matches "^gus +no target +0\.00\$" || fail "gus's band"
last_matches "^hal +beyond 15% below +0\.00\$" || fail "hal's band"
w=$(LC_ALL=C.UTF-8 wc -L <"$T/last.out")
[ "$w" -le 42 ] || fail "a line of $w cells in the English report: $(cat "$T/last.out")"
TILL_LANG=zh_CN expect_rc 0 till_user ADMIN-01 sam report monthly
assert_last_contains "月结报表 $MONTH"
last_matches "^净收款 +135\.00\$" || fail "the net collections in Chinese"
w=$(LC_ALL=C.UTF-8 wc -L <"$T/last.out")
[ "$w" -le 42 ] || fail "a line of $w cells in the Chinese report: $(cat "$T/last.out")"

step "another month is empty"
expect_rc_contains 0 '{"month":"2000-01",' till_user ADMIN-01 audrey --json report monthly --month 2000-01
assert_last_contains '"days":[],"items":[],"total":"0.00","cash":"0.00","noncash":"0.00","electronic":"0.00","epay_ratio_bp":0,"epay_ratio_percent":"0.00","epay_methods":["card","wechat","alipay","transfer"],"waivers":[],"cashiers":[]}'

step "refusals: a cashier (13), an auditor setting a target (13); nothing written"
before=$(targets_dump)
expect_rc_contains 13 "monthly report: your roles do not allow this request" \
  till_user T-LANE-01 erin report monthly --month "$MONTH"
expect_rc_contains 13 "target set: your roles do not allow this request" \
  till_user T-LANE-01 erin target set --cashier erin --month "$MONTH" --amount 1
expect_rc_contains 13 "target set: your roles do not allow this request" \
  till_user ADMIN-01 audrey target set --cashier carol --month "$MONTH" --amount 1
step "refusals: unknown user (14), not a cashier, bad month, bad amount (11); bad syntax (2)"
expect_rc_contains 14 "no user nobody" \
  till_user ADMIN-01 sam target set --cashier nobody --month "$MONTH" --amount 10
expect_rc_contains 11 "audrey does not hold the cashier role" \
  till_user ADMIN-01 sam target set --cashier audrey --month "$MONTH" --amount 10
world_users kim
world_login ADMIN-01:kim
expect_rc_contains 13 "nobody sets their own target" \
  till_user ADMIN-01 kim target set --cashier kim --month "$MONTH" --amount 10
expect_rc_contains 11 "cashier must be a user name" \
  till_user ADMIN-01 sam target set --cashier "x'; DROP TABLE users;--" --month "$MONTH" --amount 10
for m in 2026-13 2026-00 2026-1 1999-12 "$MONTH-01" "${MONTH/-/\/}" abcdefg; do
  expect_rc_contains 11 "month must be YYYY-MM" \
    till_user ADMIN-01 sam target set --cashier carol --month "$m" --amount 10
  expect_rc_contains 11 "month must be YYYY-MM" \
    till_user ADMIN-01 audrey report monthly --month "$m"
done
for a in 0 0.00 -5 -0.01 1000000000.01; do
  expect_rc_contains 11 "amount must be above 0.00 and at most 1000000000.00" \
    till_user ADMIN-01 sam target set --cashier carol --month "$MONTH" --amount "$a"
done
expect_rc_contains 2 "--amount must be yuan" \
  till_user ADMIN-01 sam target set --cashier carol --month "$MONTH" --amount 10.001
expect_rc_contains 2 "usage: till target set" till_user ADMIN-01 sam target set --cashier carol --amount 10
assert_eq "$before" "$(targets_dump)" "the targets after the refusals"

step "a waiver entry (no posting path writes one yet) is reported and is not a collection"
stop_tilld || fail "tilld exited with $TILLD_RC on SIGTERM"
wid=$(($(sql "SELECT max(id) FROM journal") + 1))
gus_shift=$(sql "SELECT id FROM shifts WHERE cashier = 'gus'")
sql "INSERT OR IGNORE INTO accounts(code, type, created_at) VALUES ('waiver:green_channel', 'contra_revenue', 0);
     INSERT INTO entries(txn_id, seq, account, amount) VALUES ($wid, 1, 'waiver:green_channel', 1200),
       ($wid, 2, 'revenue:PARK', -1200);
     INSERT INTO journal(id, kind, at_ms, terminal_id, cashier, shift_id, hash)
       VALUES ($wid, 'waiver', $(date +%s)000, 'T-LANE-02', 'gus', $gus_shift, zeroblob(32));" ||
  fail "could not add the waiver rows"
# the row's hash as the engine would have made it, so tilld's start-up check passes
python3 "$TILL_SOURCE_DIR/tests/integ/chain_forge.py" rehash "$DB" "$wid" ||
  fail "cannot hash the waiver row"
start_tilld || fail "tilld did not start after the waiver rows"
expect_rc 0 till_user ADMIN-01 audrey --json report monthly --month "$MONTH"
assert_last_contains '"waivers":[{"account":"waiver:green_channel","count":1,"amount":"12.00"}]'
assert_last_contains "$totals"
assert_last_contains "$items"
assert_last_contains '{"cashier":"gus","collected":"30.00",'
expect_rc 0 till_user ADMIN-01 sam report monthly --month "$MONTH"
last_matches "^  waiver:green_channel +1 +12\.00\$" || fail "the waiver's text line"
stop_tilld || fail "tilld exited with $TILLD_RC on SIGTERM"
