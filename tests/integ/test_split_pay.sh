#!/usr/bin/env bash
# test_split_pay.sh -- a sale paid in parts (`till sale ... --pay
# cash=1000,wechat=1462.50 --tendered 1100`) against a real tilld: one
# receipt, one payment entry per part on that method's own account, the
# receipt (paper and --json) listing the parts with tendered and change on
# the cash part; an idempotent retry that returns the same receipt and posts
# nothing; a void that takes every part back out of its own account; the
# X/Z-report counting each part under its method with only the cash parts in
# the drawer's expected cash; the daily and monthly reports per method; and
# `audit ledger --method` finding a split receipt under each of its methods.
# Every refused request (parts not adding up, a method twice, a zero or
# negative part, tendered below the cash part or without one, both forms)
# gets a clear error and leaves the journal, entries, keys and series
# counters as they were. Figures are computed here from the price list, not
# read back from the server.
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_ledger.sh"
source "$(dirname -- "$0")/lib_world.sh"

# a sale and its report must fall on one day of tilld's calendar
if [ "$(date +%H%M)" = 2359 ]; then
  sleep 61
fi

register_lanes
world_catalog PARK1H
world_item HEAT Heating 2400.00
world_item WASH "Car wash" 2.50
world_users carol sam audrey
world_login T-LANE-01:carol ADMIN-01:sam T-LANE-02:audrey
open_shift T-LANE-01 carol 100x2
SID=$(sql "SELECT id FROM shifts WHERE cashier = 'carol' AND state = 1")
DRAWER="drawer:shift:$SID"

# yuan FEN -- 12345 -> 123.45 (FEN >= 0); neg_yuan FEN -- -123.45
yuan() { printf '%d.%02d' $(($1 / 100)) $(($1 % 100)); }
neg_yuan() { printf -- '-%s' "$(yuan "$1")"; }
# doc QUERY -- QUERY over the last command's stdout (one JSON document) with
# sqlite3's JSON functions; R is the document
doc() {
  cp -- "$T/last.out" "$T/doc.json"
  sqlite3 -batch -noheader :memory: "WITH d(R) AS (SELECT readfile('$T/doc.json')) $1"
}
# parts -- the payments of the receipt in the last stdout: "cash=1000.00 wechat=1462.50"
parts() {
  doc "SELECT group_concat(json_extract(value, '\$.method') || '=' || json_extract(value, '\$.amount'), ' ')
       FROM d, json_each(d.R, '\$.payments')"
}
# entries_of TXN -- "seq:account:amount ..." of transaction TXN as `till
# audit txn --json` shows it to an auditor
entries_of() {
  expect_rc 0 till_user T-LANE-02 audrey --json audit txn "$1"
  doc "SELECT group_concat(json_extract(value, '\$.seq') || ':' || json_extract(value, '\$.account')
       || ':' || json_extract(value, '\$.amount'), ' ') FROM d, json_each(d.R, '\$.entries')"
}
# sale args... -- post as carol; sets NUM and TXN
sale() {
  expect_rc 0 till_user T-LANE-01 carol --json sale "$@"
  NUM=$(json_field number)
  TXN=$(json_field txn_id)
}

# ---- the figures, from the price list --------------------------------------
HEAT=240000 WASH=250
FLOAT=20000
S1_TOTAL=$((HEAT + 25 * WASH))           # 2462.50
S1_CASH=100000 S1_TEND=110000
S1_WECHAT=$((S1_TOTAL - S1_CASH))        # 1462.50
S1_CHANGE=$((S1_TEND - S1_CASH))         # 100.00
S2_TOTAL=$((3 * 500)) S2_CARD=1000 S2_TEND=2000
S2_CASH=$((S2_TOTAL - S2_CARD))          # the rest: 5.00
S3_WECHAT=500
S4_ALIPAY=1200 S4_CASH=800               # 4 x 5.00, voided later

step "a sale paid 1000.00 cash (1100.00 tendered) and the rest by WeChat: one receipt"
K1=5a17c0de5a17c0de5a17c0de5a17c0de
before=$(sql "SELECT last_no FROM series_counters")
sale HEAT WASH:25 --pay cash=1000,wechat=1462.50 --tendered 1100 --idem-key "$K1"
S1=$NUM T1=$TXN
assert_eq "$((before + 1))" "$(sql "SELECT last_no FROM series_counters")" "one receipt number"
assert_eq "split" "$(json_field method)" "receipt method of a split sale"
assert_eq "$(yuan $S1_TOTAL)" "$(json_field total)" "total"
assert_eq "$(yuan $S1_TEND)" "$(json_field tendered)" "tendered"
assert_eq "$(yuan $S1_CHANGE)" "$(json_field change)" "change"
assert_eq "cash=$(yuan $S1_CASH) wechat=$(yuan $S1_WECHAT)" "$(parts)" "payments of $S1"
assert_last_contains '"replayed":false'

step "its entries: each part debits its own method's account, the lines credit revenue"
assert_eq "1:$DRAWER:$(yuan $S1_CASH) 2:clearing:wechat:$(yuan $S1_WECHAT) 3:revenue:HEAT:$(neg_yuan $HEAT) 4:revenue:WASH:$(neg_yuan $((25 * WASH)))" \
  "$(entries_of "$T1")" "entries of $S1"
assert_eq "split" "$(json_field method)" "journal method of a split sale"
expect_sql "0|$S1_TEND|split" "SELECT sum(e.amount), j.tendered, j.method FROM entries e
  JOIN journal j ON j.id = e.txn_id WHERE e.txn_id = $T1"

step "the paper receipt lists each part, tendered and change under the cash part, in 42 cells"
expect_rc 0 till_user T-LANE-01 carol receipt show "$S1"
cp -- "$T/last.out" "$T/receipt.txt"
awk 'length($0) > 42 { bad = 1 } END { exit bad }' "$T/receipt.txt" ||
  fail "a receipt line is wider than 42 cells: $(cat "$T/receipt.txt")"
grep -qxE 'Paid in parts' "$T/receipt.txt" || fail "no 'Paid in parts' line"
grep -qxE "  cash +$(yuan $S1_CASH)" "$T/receipt.txt" || fail "no cash part line"
grep -qxE "    Tendered +$(yuan $S1_TEND)" "$T/receipt.txt" || fail "no tendered line"
grep -qxE "    Change +$(yuan $S1_CHANGE)" "$T/receipt.txt" || fail "no change line"
grep -qxE "  wechat +$(yuan $S1_WECHAT)" "$T/receipt.txt" || fail "no wechat part line"
assert_last_lacks "Paid by"
# a reprint carries the same parts
expect_rc 0 till_user T-LANE-01 carol --json receipt reprint "$S1"
assert_eq "cash=$(yuan $S1_CASH) wechat=$(yuan $S1_WECHAT)" "$(parts)" "payments of the reprint"
assert_last_contains '"copy":true'

step "a retry with the same key returns the same receipt and posts nothing"
state=$(ledger_state)
expect_rc 0 till_user T-LANE-01 carol --json sale HEAT WASH:25 --pay cash=1000,wechat=1462.50 \
  --tendered 1100 --idem-key "$K1"
assert_last_contains '"replayed":true'
assert_eq "$S1" "$(json_field number)" "number of the replayed sale"
assert_eq "$T1" "$(json_field txn_id)" "txn of the replayed sale"
assert_eq "cash=$(yuan $S1_CASH) wechat=$(yuan $S1_WECHAT)" "$(parts)" "payments of the replay"
expect_state "$state" "a replayed split sale"
expect_rc_contains 0 "already recorded" till_user T-LANE-01 carol sale HEAT WASH:25 \
  --pay cash=1000,wechat=1462.50 --tendered 1100 --idem-key "$K1"
expect_state "$state" "a replayed split sale, printed"
step "the same key with other parts is a conflict (16)"
expect_rc_contains 16 "idempotency key already used" till_user T-LANE-01 carol sale HEAT WASH:25 \
  --pay cash=1000.01,wechat=1462.49 --tendered 1100 --idem-key "$K1"
expect_rc_contains 16 "idempotency key already used" till_user T-LANE-01 carol sale HEAT WASH:25 \
  --method wechat --idem-key "$K1"
expect_state "$state" "a key reused with other content"

step "more sales: cash takes the rest, a one-method sale, a split sale to void"
sale PARK1H:3 --pay card=10,cash --tendered 20
S2=$NUM T2=$TXN
assert_eq "card=$(yuan $S2_CARD) cash=$(yuan $S2_CASH)" "$(parts)" "payments of $S2"
assert_eq "$(yuan $((S2_TEND - S2_CASH)))" "$(json_field change)" "change of $S2"
assert_eq "1:clearing:card:$(yuan $S2_CARD) 2:$DRAWER:$(yuan $S2_CASH) 3:revenue:PARK1H:$(neg_yuan $S2_TOTAL)" \
  "$(entries_of "$T2")" "entries of $S2"
sale PARK1H --method wechat
S3=$NUM T3=$TXN
assert_eq "wechat" "$(json_field method)" "a one-method receipt keeps its method"
assert_eq "wechat=$(yuan $S3_WECHAT)" "$(parts)" "payments of a one-method sale"
sale PARK1H:4 --pay alipay=12,cash=8
S4=$NUM T4=$TXN
assert_eq "$(json_field tendered)" "0.00" "no tendered without --tendered"

step "the void of a split sale reverses every part from its own account"
expect_rc 0 till_user T-LANE-01 carol --json void "$S4" --reason "paid twice"
V4=$(json_field id)
assert_eq "$(yuan $((S4_ALIPAY + S4_CASH)))" "$(json_field amount)" "void request amount"
expect_rc 0 till_user ADMIN-01 sam --json void approve "$V4" --note ok
R4=$(json_field reversal_txn_id)
assert_eq "1:clearing:alipay:$(neg_yuan $S4_ALIPAY) 2:$DRAWER:$(neg_yuan $S4_CASH) 3:revenue:PARK1H:$(yuan $((S4_ALIPAY + S4_CASH)))" \
  "$(entries_of "$R4")" "entries of the reversal of $S4"
expect_sql "3|3|split" "SELECT (SELECT count(*) FROM entries WHERE txn_id = $T4),
  (SELECT count(*) FROM entries o JOIN entries r ON r.txn_id = $R4 AND r.seq = o.seq
     AND r.account = o.account AND r.amount = -o.amount WHERE o.txn_id = $T4),
  (SELECT method FROM journal WHERE id = $R4)"
expect_rc 0 till_user T-LANE-01 carol --json receipt show "$S4"
assert_last_contains '"voided":true'
assert_eq "alipay=$(yuan $S4_ALIPAY) cash=$(yuan $S4_CASH)" "$(parts)" "payments of the voided receipt"

# per method over the shift: sales (parts), receipts counted, voided
CASH_SALES=$((S1_CASH + S2_CASH + S4_CASH)) CASH_VOIDED=$S4_CASH
WECHAT_SALES=$((S1_WECHAT + S3_WECHAT))
EXPECTED_CASH=$((FLOAT + CASH_SALES - CASH_VOIDED))   # tendered and change never reach the drawer
# method_totals -- "method:sales:amount:voided:expected ..." of the shift
# report in the last stdout, by method name
method_totals() {
  doc "SELECT group_concat(x, ' ') FROM (SELECT json_extract(value, '\$.method') || ':'
       || json_extract(value, '\$.sales') || ':' || json_extract(value, '\$.sales_amount') || ':'
       || json_extract(value, '\$.voided') || ':' || json_extract(value, '\$.expected') AS x
       FROM d, json_each(d.R, '\$.methods') ORDER BY x)"
}
WANT_METHODS="alipay:1:$(yuan $S4_ALIPAY):$(yuan $S4_ALIPAY):0.00"
WANT_METHODS+=" card:1:$(yuan $S2_CARD):0.00:$(yuan $S2_CARD)"
WANT_METHODS+=" cash:3:$(yuan $CASH_SALES):$(yuan $CASH_VOIDED):$(yuan $EXPECTED_CASH)"
WANT_METHODS+=" wechat:2:$(yuan $WECHAT_SALES):0.00:$(yuan $WECHAT_SALES)"

step "the X-report counts each part under its method; expected cash holds only the cash parts"
expect_rc 0 till_user ADMIN-01 sam --json shift status "$SID"
assert_eq "$WANT_METHODS" "$(method_totals)" "X-report methods"
assert_eq 4 "$(json_field receipts)" "X-report receipts (a split receipt counts once)"
assert_eq 1 "$(json_field voids)" "X-report voids"
assert_eq "$(yuan $((S4_ALIPAY + S4_CASH)))" "$(json_field voided)" "X-report voided"
assert_eq "$(yuan $EXPECTED_CASH)" "$(json_field expected_cash)" "X-report expected cash"

step "the Z-report at close: the same per method, the drawer's count matches exactly"
expect_rc 0 till_user T-LANE-01 carol --json shift close \
  --count "100x$((EXPECTED_CASH / 10000)),5x$((EXPECTED_CASH % 10000 / 500))" \
  --noncash "wechat=$(yuan $WECHAT_SALES),card=$(yuan $S2_CARD),alipay=0"
assert_eq "$(yuan $EXPECTED_CASH)" "$(json_field expected_cash)" "Z-report expected cash"
assert_eq "0.00" "$(json_field cash_variance)" "Z-report variance"
assert_eq 4 "$(json_field receipts)" "Z-report receipts"
[ "$(method_totals)" = "$WANT_METHODS" ] || fail "Z-report methods: want '$WANT_METHODS', got '$(method_totals)'"
doc "SELECT json_extract(value, '\$.method') || ':' || json_extract(value, '\$.counted') || ':'
     || json_extract(value, '\$.variance') FROM d, json_each(d.R, '\$.methods')
     WHERE json_extract(value, '\$.method') = 'wechat'" >"$T/wechat.txt"
assert_eq "wechat:$(yuan $WECHAT_SALES):0.00" "$(cat "$T/wechat.txt")" "Z-report wechat counted"

step "the daily report: net per method from the parts; the split lines under 'split'"
NET_CASH=$((CASH_SALES - CASH_VOIDED))
NET_TOTAL=$((S1_TOTAL + S2_TOTAL + S3_WECHAT))
expect_rc 0 till_user ADMIN-01 sam --json report daily
assert_eq "cash=$(yuan $NET_CASH) card=$(yuan $S2_CARD) wechat=$(yuan $WECHAT_SALES) alipay=0.00" \
  "$(doc "SELECT group_concat(json_extract(value, '\$.method') || '=' || json_extract(value, '\$.amount'), ' ')
          FROM d, json_each(d.R, '\$.methods')")" "daily net by method"
assert_eq "$(yuan $NET_TOTAL)" "$(json_field net_amount)" "daily net"
assert_eq "HEAT/split/$(yuan $HEAT) WASH/split/$(yuan $((25 * WASH)))" \
  "$(doc "SELECT group_concat(json_extract(value, '\$.item') || '/' || json_extract(value, '\$.method')
          || '/' || json_extract(value, '\$.amount'), ' ') FROM d, json_each(d.R, '\$.takings')
          WHERE json_extract(value, '\$.item') IN ('HEAT', 'WASH')")" "daily takings of the split lines"

step "the monthly report: cash is the cash parts, non-cash the rest"
expect_rc 0 till_user ADMIN-01 sam --json report monthly
assert_eq "$(yuan $NET_TOTAL)|$(yuan $NET_CASH)|$(yuan $((NET_TOTAL - NET_CASH)))" \
  "$(doc "SELECT json_extract(R, '\$.total') || '|' || json_extract(R, '\$.cash') || '|'
          || json_extract(R, '\$.noncash') FROM d")" "monthly total, cash, non-cash"

step "audit ledger --method finds a split receipt under each of its methods"
# ledger_ids args... -- the ids `audit ledger --csv` lists
ledger_ids() {
  expect_rc 0 till_user T-LANE-02 audrey audit ledger --csv "$@"
  tail -n +2 "$T/last.out" | cut -d, -f1 | tr '\n' ' ' | sed 's/ $//'
}
assert_eq "$T1 $T2 $T4" "$(ledger_ids --kind sale --method cash)" "sales with a cash part"
assert_eq "$T1 $T3" "$(ledger_ids --kind sale --method wechat)" "sales with a WeChat part"
assert_eq "$T2" "$(ledger_ids --method card)" "transactions with a card part"
assert_eq "$T4 $R4" "$(ledger_ids --method alipay)" "the alipay sale and its void"
assert_eq "" "$(ledger_ids --method transfer)" "nothing paid by transfer"

# ---- refusals: a clear error, nothing written ------------------------------
open_shift T-LANE-01 carol
state=$(ledger_state)
# refused CODE MESSAGE args... -- the sale is refused with exit CODE and
# MESSAGE, and the ledger (journal, entries, keys, series counters) is unchanged
refused() {
  local rc=$1 msg=$2
  shift 2
  expect_rc_contains "$rc" "$msg" till_user T-LANE-01 carol sale "$@"
  expect_state "$state" "refused: $*"
}
step "parts that do not add up name both figures (11)"
refused 11 "payments add up to 2400.00, the total is $(yuan $S1_TOTAL)" \
  HEAT WASH:25 --pay cash=1000,wechat=1400
refused 11 "payments add up to 2500.00, the total is $(yuan $S1_TOTAL)" \
  HEAT WASH:25 --pay cash=1000,wechat=1500
step "a method twice (11)"
refused 11 "payment parts 1 and 2 are both cash" PARK1H --pay cash=2,cash=3
step "zero and negative parts: two parts taking the rest, nothing left for the rest (11); 0 or below typed (2)"
refused 11 "payment parts 1 and 2 both leave their amount 0" PARK1H --pay cash,wechat
refused 11 "payments other than wechat add up to 5.00, the total is 5.00: nothing is left for wechat" \
  PARK1H --pay card=5,wechat
refused 2 "the cash part must be an amount above 0" PARK1H --pay cash=0,wechat
refused 2 "the card part must be an amount above 0" PARK1H --pay card=-1,wechat
step "tendered below the cash part (11); tendered without a cash part (2)"
refused 11 "tendered 999.00 is less than the cash part 1000.00" \
  HEAT WASH:25 --pay cash=1000,wechat --tendered 999
refused 2 "--pay has no cash part" PARK1H --pay card=2,wechat --tendered 5
step "--pay and --method together, an unknown method in --pay (2)"
refused 2 "--pay and --method cannot be used together" PARK1H --pay cash=5 --method cash
refused 2 "unknown payment method 'bitcoin'" PARK1H --pay bitcoin=5
assert_eq "$(sql "SELECT count(*) FROM journal WHERE shift_id = (SELECT max(id) FROM shifts)")" 0 \
  "no posting in the new shift"

check_log_clean
