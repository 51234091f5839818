#!/usr/bin/env bash
# test_report_daily.sh -- the daily close (日清) against a real tilld: a
# scripted business date with two cashiers on two terminals, floats, sales
# paid cash, WeChat and card over two fee items, a void approved by a
# supervisor, a shift closed 10.00 short, an exact close and a deposit.
# Every figure of `till report daily --json` must equal a sum the test
# computes itself with sqlite3 from the journal, entries, shifts and
# deposits (by other routes than the server's: payment-side entries for
# methods, the voided sale's own lines for voids, drawer balances for cash
# not deposited). Then `till day close`: refused while a shift is open
# (naming it), signed and verifiable once none is, replayed the second
# time; new shifts and deposits then go to the next business date and the
# closed date's report does not change, not even with tilld in another
# time zone. Cashiers, auditors (for the close) and bad dates are refused
# and change nothing. (test_business_date.sh covers night shifts and the
# split of postings between two dates.)
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_ledger.sh"
source "$(dirname -- "$0")/lib_world.sh"

register_lanes
world_users carol dan sam audrey
world_catalog PARK WASH
world_login T-LANE-01:carol T-LANE-02:dan ADMIN-01:sam ADMIN-01:audrey

TODAY=$(date +%F)
# yuan FEN -- 12345 -> 123.45 (FEN >= 0)
yuan() { printf '%d.%02d' $(($1 / 100)) $(($1 % 100)); }
# count_for FEN -- 1-yuan and 1-jiao coins worth FEN (a multiple of 10)
count_for() { printf '1x%d,0.1x%d' $(($1 / 100)) $((($1 % 100) / 10)); }
# noncash_for SHIFT -- the --noncash argument matching the journal's card
# and WeChat totals of SHIFT
noncash_for() {
  sql "SELECT group_concat(m || '=' || printf('%d.%02d', s / 100, s % 100), ',') FROM
         (SELECT substr(account, 10) AS m, sum(amount) AS s FROM entries e
          JOIN journal j ON j.id = e.txn_id
          WHERE j.shift_id = $1 AND e.account LIKE 'clearing:%' GROUP BY account)"
}
# rep QUERY -- QUERY over the saved report ($T/report.json) with sqlite3's
# JSON functions; R is the document.
rep() {
  sqlite3 -batch -noheader :memory: "WITH d(R) AS (SELECT readfile('$T/report.json')) $1"
}
# fen EXPR -- SQL turning a yuan string of EXPR ("12.50", always two
# decimals) into fen (1250) without floating point
fen() { printf "CAST(replace(%s, '.', '') AS INTEGER)" "$1"; }
# daily_json [args] -- run report daily --json as sam and keep the document
daily_json() {
  expect_rc 0 till_user ADMIN-01 sam --json report daily "$@"
  cp -- "$T/last.out" "$T/report.json"
}
# close_state -- what a refused day close or shift open must leave alone
close_state() {
  printf '%s|%s|%s|%s' "$(ledger_state)" "$(sql 'SELECT count(*) FROM day_closes')" \
    "$(sql 'SELECT count(*) FROM chain_signatures')" "$(sql 'SELECT count(*) FROM shifts')"
}

# ---- the report against the database -------------------------------------
# Each check_* computes a figure of the saved report ($T/report.json) with
# sqlite3 from the journal, entries, shifts and deposits, by another route
# than the server's, for the report's own business date, and compares.

# report_bounds -- D: the saved report's business date; IN: the SQL
# condition "journal row j belongs to a shift of D"; DEP: "deposit d was
# made on D"; LATER: "journal row j is a deposit made after D"
report_bounds() {
  D=$(rep "SELECT json_extract(R, '\$.date') FROM d")
  [[ $D =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]] || fail "no business date in the report"
  IN="j.shift_id IN (SELECT id FROM shifts WHERE business_date = '$D')"
  DEP="d.business_date = '$D'"
  LATER="j.id IN (SELECT txn_id FROM deposits WHERE business_date > '$D')"
}
# takings_rows -- the report's takings as item/method/cashier/terminal/
# qty/amount/void qty/void amount, sorted, one line
takings_rows() {
  rep "SELECT coalesce(group_concat(x, ' '), '') FROM (SELECT json_extract(value, '\$.item') || '/'
    || json_extract(value, '\$.method') || '/' || json_extract(value, '\$.cashier') || '/'
    || json_extract(value, '\$.terminal') || '/' || json_extract(value, '\$.quantity') || '/'
    || $(fen "json_extract(value, '\$.amount')") || '/' || json_extract(value, '\$.void_quantity')
    || '/' || $(fen "json_extract(value, '\$.void_amount')") AS x
    FROM d, json_each(d.R, '\$.takings') ORDER BY x)"
}
check_takings() {
  # sales from their revenue lines (quantity x unit price); voids from the
  # voided sale's own lines, on the day of the reversal
  local want
  want=$(sql "SELECT coalesce(group_concat(x, ' '), '') FROM (SELECT item || '/' || method || '/'
    || cashier || '/' || terminal || '/' || sum(sq) || '/' || sum(sa) || '/' || sum(vq) || '/'
    || sum(va) AS x FROM (
      SELECT e.item, j.method, j.cashier, j.terminal_id AS terminal, e.quantity AS sq,
             e.quantity * e.unit_price AS sa, 0 AS vq, 0 AS va
        FROM journal j JOIN entries e ON e.txn_id = j.id
       WHERE j.kind = 'sale' AND e.item != '' AND $IN
      UNION ALL
      SELECT e.item, s.method, s.cashier, s.terminal_id, 0, 0, e.quantity, e.quantity * e.unit_price
        FROM journal j JOIN journal s ON s.id = j.reverses JOIN entries e ON e.txn_id = s.id
       WHERE e.item != '' AND $IN)
    GROUP BY item, method, cashier, terminal ORDER BY x)")
  assert_eq "$want" "$(takings_rows)" "$1: takings rows"
}
check_totals() {
  local want got
  want=$(sql "SELECT coalesce(sum(e.quantity * e.unit_price), 0) FROM journal j
      JOIN entries e ON e.txn_id = j.id WHERE j.kind = 'sale' AND e.item != '' AND $IN")
  want+="|$(sql "SELECT coalesce(sum(e.quantity * e.unit_price), 0) FROM journal j
      JOIN entries e ON e.txn_id = j.reverses WHERE e.item != '' AND $IN")"
  want+="|$(sql "SELECT -coalesce(sum(e.amount), 0) FROM journal j JOIN entries e ON e.txn_id = j.id
      WHERE e.account LIKE 'revenue:%' AND $IN")"
  got=$(rep "SELECT $(fen "json_extract(R, '\$.sales_amount')") || '|'
      || $(fen "json_extract(R, '\$.void_amount')") || '|' || $(fen "json_extract(R, '\$.net_amount')") FROM d")
  assert_eq "$want" "$got" "$1: sold|voided|net (= revenue credited)"
  # by method, from the payment side: the first entry of a sale or a void
  want=$(sql "SELECT coalesce(group_concat(x, ' '), '') FROM (SELECT j.method || '=' || sum(e.amount) AS x
      FROM journal j JOIN entries e ON e.txn_id = j.id AND e.seq = 1
      WHERE j.kind IN ('sale', 'void') AND $IN GROUP BY j.method ORDER BY j.method)")
  got=$(rep "SELECT coalesce(group_concat(x, ' '), '') FROM (SELECT json_extract(value, '\$.method')
      || '=' || $(fen "json_extract(value, '\$.amount')") AS x FROM d, json_each(d.R, '\$.methods') ORDER BY x)")
  assert_eq "$want" "$got" "$1: net by method"
}
check_receipts() {
  local want got
  want=$(sql "SELECT coalesce(group_concat(x, ' '), '') FROM (SELECT series || '/' || min(receipt_no)
      || '/' || max(receipt_no) || '/' || count(*) || '/'
      || sum(id IN (SELECT reverses FROM journal WHERE reverses IS NOT NULL)) AS x
      FROM journal j WHERE receipt_no IS NOT NULL AND $IN GROUP BY series ORDER BY series)")
  got=$(rep "SELECT coalesce(group_concat(x, ' '), '') FROM (SELECT json_extract(value, '\$.series')
      || '/' || json_extract(value, '\$.first_no') || '/' || json_extract(value, '\$.last_no') || '/'
      || json_extract(value, '\$.issued') || '/' || json_extract(value, '\$.voided') AS x
      FROM d, json_each(d.R, '\$.receipts') ORDER BY x)")
  assert_eq "$want" "$got" "$1: receipts per series"
  want=$(sql "SELECT count(*) || '|' || coalesce(sum(id IN (SELECT reverses FROM journal
      WHERE reverses IS NOT NULL)), 0) FROM journal j WHERE receipt_no IS NOT NULL AND $IN")
  got=$(rep "SELECT json_extract(R, '\$.receipts_issued') || '|' || json_extract(R, '\$.receipts_voided') FROM d")
  assert_eq "$want" "$got" "$1: receipts issued|voided"
}
check_cash() {
  local want got
  # floats: the float postings; variance: the over/short postings (a short
  # debits over_short); deposited: the deposit postings to the bank in
  # transit; not deposited: the balance of the drawers of the closed shifts
  # of D or before, leaving out deposits made after D
  want=$(sql "SELECT
    (SELECT coalesce(sum(e.amount), 0) FROM journal j JOIN entries e ON e.txn_id = j.id
      WHERE j.kind = 'float' AND e.account LIKE 'drawer:shift:%' AND $IN) || '|' ||
    (SELECT -coalesce(sum(e.amount), 0) FROM journal j JOIN entries e ON e.txn_id = j.id
      WHERE j.kind = 'variance' AND e.account LIKE 'over_short:%' AND $IN) || '|' ||
    (SELECT coalesce(sum(e.amount), 0) FROM journal j JOIN entries e ON e.txn_id = j.id
      JOIN deposits d ON d.txn_id = j.id WHERE e.account = 'bank:transit' AND $DEP) || '|' ||
    (SELECT coalesce(sum(b), 0) FROM (SELECT (SELECT coalesce(sum(e.amount), 0) FROM entries e
        JOIN journal j ON j.id = e.txn_id WHERE e.account = 'drawer:shift:' || s.id AND NOT $LATER) AS b
      FROM shifts s WHERE s.state IN (2, 3) AND s.business_date <= '$D') WHERE b > 0)")
  got=$(rep "SELECT $(fen "json_extract(R, '\$.floats')") || '|' || $(fen "json_extract(R, '\$.variance')")
    || '|' || $(fen "json_extract(R, '\$.deposited')") || '|' || $(fen "json_extract(R, '\$.undeposited_amount')")
    FROM d")
  assert_eq "$want" "$got" "$1: floats|variance|deposited|not deposited"
  # the lists: the shifts of D, the deposits made on it, the shifts open
  # now of D or before
  want=$(sql "SELECT coalesce(group_concat(id, ' '), '') FROM (SELECT id FROM shifts
      WHERE business_date = '$D' ORDER BY id)")
  want+="|$(sql "SELECT coalesce(group_concat(id, ' '), '') FROM (SELECT d.id FROM deposits d
      WHERE $DEP ORDER BY d.id)")"
  want+="|$(sql "SELECT coalesce(group_concat(id, ' '), '') FROM (SELECT id FROM shifts
      WHERE state = 1 AND business_date <= '$D' ORDER BY id)")"
  got=$(rep "SELECT (SELECT coalesce(group_concat(json_extract(value, '\$.shift_id'), ' '), '')
        FROM d, json_each(d.R, '\$.shifts')) || '|' ||
      (SELECT coalesce(group_concat(json_extract(value, '\$.id'), ' '), '')
        FROM d, json_each(d.R, '\$.deposits')) || '|' ||
      (SELECT coalesce(group_concat(json_extract(value, '\$.shift_id'), ' '), '')
        FROM d, json_each(d.R, '\$.open_shifts')) FROM d")
  assert_eq "$want" "$got" "$1: shifts|deposits|open shifts"
}
# figures -- the saved report's figures and lists, one line (not the
# fields that tell how things stand now: a deposit's state, a shift's
# deposit id)
figures() {
  rep "SELECT json_extract(R, '\$.date') || '|' || json_extract(R, '\$.takings') || '|'
    || json_extract(R, '\$.sales_amount') || '|' || json_extract(R, '\$.void_amount') || '|'
    || json_extract(R, '\$.net_amount') || '|' || json_extract(R, '\$.methods') || '|'
    || json_extract(R, '\$.receipts') || '|' || json_extract(R, '\$.floats') || '|'
    || json_extract(R, '\$.variance') || '|' || json_extract(R, '\$.deposited') || '|'
    || json_extract(R, '\$.undeposited_amount') || '|' || json_extract(R, '\$.closed') || '|'
    || json_extract(R, '\$.closed_at') || '|'
    || (SELECT group_concat(json_extract(value, '\$.shift_id'), ' ') FROM json_each(R, '\$.shifts')) || '|'
    || coalesce((SELECT group_concat(json_extract(value, '\$.id'), ' ') FROM json_each(R, '\$.deposits')), '') || '|'
    || coalesce((SELECT group_concat(json_extract(value, '\$.shift_id'), ' ') FROM json_each(R, '\$.undeposited')), '') || '|'
    || json_array_length(R, '\$.open_shifts') FROM d"
}
# check_report WHAT -- every check above on the saved report
check_report() {
  report_bounds
  check_takings "$1"
  check_totals "$1"
  check_receipts "$1"
  check_cash "$1"
}

step "the day: floats 200.00 (carol, T-LANE-01) and 100.00 (dan, T-LANE-02)"
expect_rc 0 till_user T-LANE-01 carol --json shift open --count 100x2
s_carol=$(json_field shift_id)
expect_rc 0 till_user T-LANE-02 dan --json shift open --count 50x1,10x5
s_dan=$(json_field shift_id)

step "sales: cash, wechat and card over PARK (5.00) and WASH (2.50)"
sale() { # TERMINAL USER LINE METHOD
  expect_rc 0 till_user "$1" "$2" --json sale "$3" --method "$4"
}
sale T-LANE-01 carol PARK:2 cash
sale T-LANE-01 carol WASH:1 wechat
sale T-LANE-01 carol PARK:1 card
sale T-LANE-01 carol WASH:3 cash
sale T-LANE-01 carol PARK:4 wechat
voided=$(json_field number)
sale T-LANE-02 dan PARK:3 wechat
sale T-LANE-02 dan WASH:2 card
sale T-LANE-02 dan PARK:1 cash
sale T-LANE-02 dan WASH:1 cash
# PARK 11 x 5.00 + WASH 7 x 2.50 = 72.50 sold; 20.00 (PARK:4, wechat) voided
sold=7250 void_amt=2000

step "a void requested by carol, approved by sam"
expect_rc 0 till_user T-LANE-01 carol --json void "$voided" --reason "paid twice"
expect_rc 0 till_user ADMIN-01 sam void approve "$(json_field id)" --note "refund at window"

step "carol closes 10.00 short, dan closes exact; sam deposits carol's drawer"
exp_carol=$(sql "SELECT sum(amount) FROM entries WHERE account = 'drawer:shift:$s_carol'")
exp_dan=$(sql "SELECT sum(amount) FROM entries WHERE account = 'drawer:shift:$s_dan'")
expect_rc 0 till_user T-LANE-01 carol --json shift close --count "$(count_for $((exp_carol - 1000)))" \
  --noncash "$(noncash_for "$s_carol")"
assert_eq "-10.00" "$(json_field cash_variance)" "carol's variance"
expect_rc 0 till_user T-LANE-02 dan --json shift close --count "$(count_for "$exp_dan")" \
  --noncash "$(noncash_for "$s_dan")"
assert_eq "0.00" "$(json_field cash_variance)" "dan's variance"
dep_carol=$((exp_carol - 1000 - 20000))
expect_rc 0 till_user ADMIN-01 sam deposit create --shifts "$s_carol" --slip SLIP-1 \
  --amount "$(yuan "$dep_carol")"

step "carol opens a second shift (no float): it is still open at the report"
expect_rc 0 till_user T-LANE-01 carol --json shift open --count none
s_open=$(json_field shift_id)

step "the report: the business date, which is the calendar's while nothing is closed"
daily_json --date "$TODAY"
assert_last_contains "{\"date\":\"$TODAY\",\"current_business_date\":\"$TODAY\",\"takings\":["
first_report=$(cat -- "$T/report.json")
# the same document when the date is left out: the current business date
expect_rc 0 till_user ADMIN-01 sam --json report daily
assert_eq "$first_report" "$(cat -- "$T/last.out")" "the report of the current business date"

step "every figure equals the journal's, summed by the test"
check_report "$TODAY"
assert_eq 9 "$(rep "SELECT json_array_length(R, '\$.takings') FROM d")" "takings rows"
takings=$(takings_rows)
[[ " $takings " == *" PARK/wechat/carol/T-LANE-01/4/2000/4/2000 "* ]] || fail "the voided row: $takings"
assert_eq "$sold|$void_amt|$((sold - void_amt))" \
  "$(rep "SELECT $(fen "json_extract(R, '\$.sales_amount')") || '|' || $(fen "json_extract(R, '\$.void_amount')")
      || '|' || $(fen "json_extract(R, '\$.net_amount')") FROM d")" "sales|voids|net as scripted"
assert_eq "card=1000 cash=2500 wechat=1750" \
  "$(rep "SELECT group_concat(x, ' ') FROM (SELECT json_extract(value, '\$.method') || '='
    || $(fen "json_extract(value, '\$.amount')") AS x FROM d, json_each(d.R, '\$.methods') ORDER BY x)")" \
  "net by method as scripted"
assert_eq "HT$(date +%Y)/1/9/9/1" \
  "$(rep "SELECT json_extract(value, '\$.series') || '/' || json_extract(value, '\$.first_no') || '/'
    || json_extract(value, '\$.last_no') || '/' || json_extract(value, '\$.issued') || '/'
    || json_extract(value, '\$.voided') FROM d, json_each(d.R, '\$.receipts')")" "receipts as scripted"

step "shifts, floats, variance, deposits, cash not deposited, open shifts"
assert_eq "$s_carol $s_dan $s_open" \
  "$(rep "SELECT group_concat(json_extract(value, '\$.shift_id'), ' ') FROM d, json_each(d.R, '\$.shifts')")" \
  "shifts of the day"
got=$(rep "SELECT $(fen "json_extract(R, '\$.floats')") || '|' || $(fen "json_extract(R, '\$.variance')")
    || '|' || $(fen "json_extract(R, '\$.deposited')") || '|' || $(fen "json_extract(R, '\$.undeposited_amount')")
    FROM d")
assert_eq "30000|-1000|$dep_carol|$((exp_dan - 10000))" "$got" "floats|variance|deposited|undeposited as scripted"
assert_eq "1/SLIP-1/$dep_carol/[$s_carol]/sam" \
  "$(rep "SELECT json_extract(value, '\$.id') || '/' || json_extract(value, '\$.slip') || '/'
      || $(fen "json_extract(value, '\$.amount')") || '/' || json_extract(value, '\$.shifts') || '/'
      || json_extract(value, '\$.created_by') FROM d, json_each(d.R, '\$.deposits')")" "the deposit"
assert_eq "$s_dan/T-LANE-02/dan/$((exp_dan - 10000))" \
  "$(rep "SELECT json_extract(value, '\$.shift_id') || '/' || json_extract(value, '\$.terminal') || '/'
      || json_extract(value, '\$.cashier') || '/' || $(fen "json_extract(value, '\$.depositable')")
      FROM d, json_each(d.R, '\$.undeposited')")" "cash not deposited"
assert_eq "$s_open/open" "$(rep "SELECT json_extract(value, '\$.shift_id') || '/'
    || json_extract(value, '\$.state') FROM d, json_each(d.R, '\$.open_shifts')")" "open shifts"
assert_eq "0||0|null" "$(rep "SELECT json_extract(R, '\$.closed') || '|' || json_extract(R, '\$.closed_by')
    || '|' || json_extract(R, '\$.closed_at') || '|' || json_type(R, '\$.close_signature') FROM d")" \
  "not closed yet"

step "the text report a supervisor reads, on the 42-cell printer in English and Chinese"
expect_rc_contains 0 "DAILY REPORT $TODAY (business date)" \
  till_user ADMIN-01 sam report daily --date "$TODAY"
cp -- "$T/last.out" "$T/daily-en.txt"
assert_last_contains "the current business date is $TODAY"
assert_last_contains "day OPEN: not closed yet"
last_matches "^TOTAL +72\.50 +20\.00 +52\.50\$" || fail "the takings' total line"
# a takings row: item, method, cashier, terminal; the figures on the next line
grep -A1 -E "^PARK +wechat +carol +T-LANE-01\$" "$T/last.out" | tail -n1 | grep -qE "^ +4 +20\.00 +4 +20\.00 +0\.00\$" ||
  fail "the voided row"
last_matches "^cash +25\.00$" || fail "net cash"
grep -A1 -E "^HT$(date +%Y) +HT$(date +%Y)-00000001 +HT$(date +%Y)-00000009\$" "$T/last.out" | tail -n1 |
  grep -qE "^ +9 +1\$" || fail "receipts"
last_matches "^total +9 +1\$" || fail "the receipts' total"
assert_last_contains "floats issued 300.00"
assert_last_contains "variance of shifts closed -10.00"
assert_last_contains "deposited $(yuan "$dep_carol")"
assert_last_contains "not deposited $(yuan $((exp_dan - 10000)))"
w=$(LC_ALL=C.UTF-8 wc -L <"$T/last.out")
[ "$w" -le 42 ] || fail "a line of $w cells in the English daily report: $(cat "$T/last.out")"
TILL_LANG=zh_CN expect_rc 0 till_user ADMIN-01 sam report daily --date "$TODAY"
cp -- "$T/last.out" "$T/daily-zh.txt"
assert_last_contains "日结报表 $TODAY"
last_matches "^合计 +72\.50 +20\.00 +52\.50\$" || fail "the takings' total in Chinese"
w=$(LC_ALL=C.UTF-8 wc -L <"$T/last.out")
[ "$w" -le 42 ] || fail "a line of $w cells in the Chinese daily report: $(cat "$T/last.out")"

step "an auditor reads it too; an empty day is all zeros"
expect_rc_contains 0 "DAILY REPORT 2026-01-01" till_user ADMIN-01 audrey report daily --date 2026-01-01
expect_rc 0 till_user ADMIN-01 audrey --json report daily --date 2026-01-01
assert_last_contains '"takings":[],"sales_amount":"0.00","void_amount":"0.00","net_amount":"0.00","methods":[],"receipts":[],"receipts_issued":0,"receipts_voided":0,"shifts":[],"floats":"0.00","variance":"0.00","deposits":[],"deposited":"0.00","undeposited":[],"undeposited_amount":"0.00","undeposited_count":0,"open_shifts":[],"closed":false'

step "refused: a cashier (13), an auditor closing (13), bad dates (11); nothing changes"
before=$(close_state)
expect_rc_contains 13 "daily report: your roles do not allow this request" \
  till_user T-LANE-01 carol report daily
expect_rc_contains 13 "day close: your roles do not allow this request" \
  till_user T-LANE-01 carol day close --date "$TODAY"
expect_rc_contains 13 "day close: your roles do not allow this request" \
  till_user ADMIN-01 audrey day close --date "$TODAY"
expect_rc_contains 11 "date 2026-02-30 is not a day of the calendar" \
  till_user ADMIN-01 sam report daily --date 2026-02-30
expect_rc_contains 11 "date 2026-02-30 is not a day of the calendar" \
  till_user ADMIN-01 sam day close --date 2026-02-30
expect_rc_contains 11 "date must be YYYY-MM-DD" till_user ADMIN-01 sam day close --date garbage
expect_rc_contains 11 "date must be YYYY-MM-DD" till_user ADMIN-01 sam report daily --date "x'; --"
expect_rc_contains 11 "is not a day of the calendar" till_user ADMIN-01 sam day close --date 2026-1x-01
tomorrow=$(date -d "$TODAY 12:00 next day" +%F)
expect_rc_contains 11 "date $tomorrow is in the future" \
  till_user ADMIN-01 sam day close --date "$tomorrow"
expect_rc 2 till_user ADMIN-01 sam day close
expect_rc 2 till_user ADMIN-01 sam day close --date
expect_rc 2 till_user ADMIN-01 sam report daily --date
expect_rc 2 till_user ADMIN-01 sam report weekly
assert_eq "$before" "$(close_state)" "refused requests changed the database"

step "day close refused while carol's second shift is open: the message names it"
expect_rc_contains 15 "day $TODAY cannot be closed: 1 shift is still open: shift $s_open on T-LANE-01 by carol opened $TODAY" \
  till_user ADMIN-01 sam day close --date "$TODAY"
assert_eq "$before" "$(close_state)" "a refused close changed the database"

step "with four shifts open the message names three, and says how many more"
expect_rc 0 till_as ADMIN-01 admin terminal add T-GHOST --description "lane 3"
world_users erin fay gil
world_login T-LANE-02:erin T-GHOST:fay ADMIN-01:gil
expect_rc 0 till_user T-LANE-02 erin --json shift open --count none
s_erin=$(json_field shift_id)
expect_rc 0 till_user T-GHOST fay --json shift open --count none
s_fay=$(json_field shift_id)
open_shift ADMIN-01 gil
before=$(close_state)
expect_rc_contains 15 "day $TODAY cannot be closed: 4 shifts are still open: shift $s_open on T-LANE-01 by carol opened " \
  till_user ADMIN-01 sam day close --date "$TODAY"
last_matches "; shift $s_erin on T-LANE-02 by erin opened [-0-9]{10} [:0-9]{8}; shift $s_fay on T-GHOST by fay opened [-0-9]{10} [:0-9]{8}; and 1 more\$" ||
  fail "the refusal does not name erin's and fay's shifts, then one more"
assert_last_lacks "gil"
assert_eq "$before" "$(close_state)" "a refused close changed the database"
expect_rc 0 till_user T-LANE-02 erin shift close --count none
expect_rc 0 till_user T-GHOST fay shift close --count none
expect_rc 0 till_user ADMIN-01 gil shift close --count none

step "once it is closed, the day closes: the head is signed in the same transaction"
expect_rc 0 till_user T-LANE-01 carol shift close --count none
sigs=$(sql "SELECT count(*) FROM chain_signatures")
expect_rc 0 till_user ADMIN-01 sam --json day close --date "$TODAY"
assert_last_contains "{\"date\":\"$TODAY\",\"closed_by\":\"sam\","
assert_last_contains "\"reason\":\"day_close:$TODAY\""
assert_last_contains "\"replayed\":false,\"next_business_date\":\"$(date -d "$TODAY 12:00 next day" +%F)\"}"
first=$(cat -- "$T/last.out")
assert_eq $((sigs + 1)) "$(sql "SELECT count(*) FROM chain_signatures")" "one new signature"
assert_eq "1|$(sql 'SELECT max(id) FROM journal')|sam" \
  "$(sql "SELECT count(*), s.txn_id, c.closed_by FROM day_closes c JOIN chain_signatures s
           ON s.id = c.signature_id WHERE c.date = '$TODAY' AND s.reason = 'day_close:$TODAY'")" \
  "the close's row and its signature of the head"
sig_hex=$(sql "SELECT lower(hex(s.signature)) FROM day_closes c JOIN chain_signatures s ON s.id = c.signature_id")
assert_last_contains "\"signature\":\"$sig_hex\""
expect_rc_contains 0 "ledger verified" till_user ADMIN-01 audrey audit verify
assert_last_contains "signatures: $((sigs + 1)) valid"

step "closing it again answers the first close; no second signature"
expect_rc 0 till_user ADMIN-01 sam --json day close --date "$TODAY"
assert_eq "${first/\"replayed\":false/\"replayed\":true}" "$(cat -- "$T/last.out")" "the replayed close"
expect_rc_contains 0 "day $TODAY was already closed by sam" till_user ADMIN-01 sam day close --date "$TODAY"
assert_eq $((sigs + 1)) "$(sql "SELECT count(*) FROM chain_signatures")" "no second signature"

step "the close answers where new shifts go: the next business date"
TOMORROW=$(date -d "$TODAY 12:00 next day" +%F)
assert_last_contains "new shifts and deposits now go to business date $TOMORROW"
expect_rc 0 till_user ADMIN-01 sam --json day close --date "$TODAY"
assert_last_contains "\"replayed\":true,\"next_business_date\":\"$TOMORROW\"}"

step "the report says the day is closed, with the signature"
daily_json --date "$TODAY"
assert_eq "1|sam|day_close:$TODAY|$sig_hex|0" \
  "$(rep "SELECT json_extract(R, '\$.closed') || '|' || json_extract(R, '\$.closed_by') || '|'
      || json_extract(R, '\$.close_signature.reason') || '|' || json_extract(R, '\$.close_signature.signature')
      || '|' || json_array_length(R, '\$.open_shifts') FROM d")" "closed day"
expect_rc_contains 0 "day CLOSED by sam at $TODAY" till_user ADMIN-01 audrey report daily --date "$TODAY"
cp -- "$T/last.out" "$T/daily-closed.txt"
# without a date: the current business date, the next one
expect_rc_contains 0 "DAILY REPORT $TOMORROW (business date)" \
  till_user ADMIN-01 audrey report daily
assert_last_contains "the current business date is $TOMORROW"
assert_last_contains "day OPEN: not closed yet"

step "after the close: the bank confirms carol's deposit; a shift opens and dan's cash is deposited at once, on $TOMORROW"
expect_rc 0 till_user ADMIN-01 sam deposit confirm 1
daily_json --date "$TODAY"
closed_figures=$(figures)
expect_rc 0 till_user T-LANE-02 dan --json shift open --count 50x1
assert_eq "$TOMORROW" "$(json_field business_date)" "the new shift's business date"
s_next=$(json_field shift_id)
expect_rc 0 till_user T-LANE-02 dan sale PARK:1 --method cash
expect_rc 0 till_user ADMIN-01 sam --json deposit create --shifts "$s_dan" --slip SLIP-2 \
  --amount "$(yuan $((exp_dan - 10000)))"
dep2=$(json_field id)
expect_sql "$TOMORROW|$TOMORROW" \
  "SELECT (SELECT business_date FROM shifts WHERE id = $s_next) || '|' ||
          (SELECT business_date FROM deposits WHERE id = $dep2)"

step "the closed date's figures are what they were; the new postings are on $TOMORROW"
daily_json --date "$TODAY"
assert_eq "$closed_figures" "$(figures)" "$TODAY's figures after the postings on $TOMORROW"
check_report "$TODAY"
daily_json --date "$TOMORROW"
check_report "$TOMORROW"
assert_eq "$s_next|$dep2|$s_next|5000" \
  "$(rep "SELECT json_extract(R, '\$.shifts[0].shift_id') || '|' || json_extract(R, '\$.deposits[0].id') || '|'
      || json_extract(R, '\$.open_shifts[0].shift_id') || '|' || $(fen "json_extract(R, '\$.floats')") FROM d")" \
  "$TOMORROW: dan's new shift, the deposit, the float"

step "tilld in a time zone whose calendar date is not $TODAY: the business date's report is the same"
for tz in TST-14 TST+12; do
  [ "$(TZ=$tz date +%F)" != "$TODAY" ] && break
done
[ "$(TZ=$tz date +%F)" != "$TODAY" ] || fail "no zone moves the calendar off $TODAY"
daily_json --date "$TODAY"
before_tz=$(cat -- "$T/report.json")
stop_tilld || fail "tilld exited with $TILLD_RC on SIGTERM"
export TZ=$tz
start_tilld || fail "tilld did not start with TZ=$tz"
daily_json --date "$TODAY"
check_report "$TODAY"
assert_eq "$before_tz" "$(cat -- "$T/report.json")" "$TODAY's report with tilld in TZ=$tz"
stop_tilld || fail "tilld exited with $TILLD_RC on SIGTERM"
