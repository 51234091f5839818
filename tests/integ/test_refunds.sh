#!/usr/bin/env bash
# test_refunds.sh -- refunds (退费, docs/refunds.md) through a real tilld and
# till: a cashier asks (an amount or lines, a reason, a reference), a
# supervisor other than the requester approves, a cashier pays it out of
# their open shift, numbered in the refund series. The refusals (over what
# is left, own approval, a second approval, a voided sale, no series,
# partial refunds off) write nothing. A refund after the original's shift
# and day were closed, paid from another cashier's shift. The daily report's
# refund and net figures equal the journal's, summed here; the chain, the
# receipt series and the export verify.
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_ledger.sh"
source "$(dirname -- "$0")/lib_world.sh"

register_lanes
world_catalog PARK WASH
world_users carol dan sam suzy audrey
world_login T-LANE-01:carol T-LANE-02:dan ADMIN-01:sam T-LANE-02:suzy ADMIN-01:audrey
open_shift T-LANE-01 carol
s_carol=$(sql "SELECT id FROM shifts WHERE cashier='carol' AND state=1")

# sale USER TERMINAL args... -- sets NUM and TXN
sale() {
  local id=$1 user=$2
  shift 2
  expect_rc 0 till_user "$id" "$user" --json sale "$@"
  NUM=$(json_field number)
  TXN=$(json_field txn_id)
}
# refund_state -- the ledger and the refund tables (equal = nothing written)
refund_state() {
  printf '%s %s' "$(ledger_state)" \
    "$(sql "SELECT count(*) || '/' || coalesce(group_concat(state || ':' || coalesce(refund_txn_id, ''), ','), '')
            || '/' || (SELECT count(*) FROM refund_lines) FROM refunds")"
}
count_for() { printf '1x%d,0.1x%d' $(($1 / 100)) $((($1 % 100) / 10)); }
yuan() { printf '%d.%02d' $(($1 / 100)) $(($1 % 100)); }

sale T-LANE-01 carol PARK:4 WASH:2 --method cash # 20.00 + 5.00
s1=$NUM t1=$TXN
sale T-LANE-01 carol PARK:2 --method wechat      # 10.00
s2=$NUM t2=$TXN
sale T-LANE-01 carol WASH:1 --method cash        # 2.50, voided below
s3=$NUM t3=$TXN

step "no refund series yet: the payment is refused, nothing written"
expect_rc_contains 0 '"state":"requested"' till_user T-LANE-01 carol --json refund request "$s1" \
  --line PARK:1 --reason "not parked" --ref "DEPT-1"
r0=$(json_field id)
assert_eq "5.00" "$(json_field amount)" "a line priced at the sale's price"
expect_rc 0 till_user ADMIN-01 sam refund approve "$r0"
before=$(refund_state)
expect_rc_contains 15 "there is no receipt series of kind refund" \
  till_user T-LANE-01 carol refund pay "$r0"
assert_eq "$before" "$(refund_state)" "a refused payment wrote"
expect_rc 0 till_as ADMIN-01 admin series add TF --kind refund --description 退费凭证

step "the approved request is paid: a refund transaction in series TF"
expect_rc_contains 0 '"state":"paid"' till_user T-LANE-01 carol --json refund pay "$r0"
rt0=$(json_field refund_txn_id)
n0=$(json_field number)
case $n0 in TF20[0-9][0-9]-00000001) ;; *) fail "refund number '$n0'" ;; esac
expect_sql "refund|carol|$s_carol|cash|not parked|sam|1" \
  "SELECT kind, cashier, shift_id, method, memo, approver, receipt_no FROM journal WHERE id=$rt0"
expect_sql "1|drawer:shift:$s_carol|-500||0
2|revenue:PARK|500|PARK|1" \
  "SELECT seq, account, amount, item, quantity FROM entries WHERE txn_id=$rt0 ORDER BY seq"

step "a partial refund by amount over both lines, approved by sam"
expect_rc 0 till_user T-LANE-01 carol --json refund request "$s1" --amount 10.00 \
  --reason "wrong plate" --ref "OFFICE-7"
r1=$(json_field id)
expect_rc_contains 0 '"state":"approved"' till_user ADMIN-01 sam --json refund approve "$r1"
expect_rc_contains 0 "REFUND" till_user T-LANE-01 carol refund pay "$r1"
assert_last_contains "$s1"
rt1=$(sql "SELECT refund_txn_id FROM refunds WHERE id=$r1")
# what is left on the lines: PARK 20.00 - 5.00 = 15.00, WASH 5.00; 10.00 in
# proportion 15:5 is 7.50 and 2.50
expect_sql "drawer:shift:$s_carol|-1000
revenue:PARK|750
revenue:WASH|250" "SELECT account, amount FROM entries WHERE txn_id=$rt1 ORDER BY seq"

step "a second refund that would exceed what is left is refused, nothing written"
# 25.00 - 5.00 - 10.00 = 10.00 left
before=$(refund_state)
expect_rc_contains 15 "a refund of 10.01 exceeds what is left unrefunded on $s1 (10.00)" \
  till_user T-LANE-01 carol refund request "$s1" --amount 10.01 --reason more --ref X
expect_rc_contains 15 "only 2.50 of line WASH is left to refund on $s1" \
  till_user T-LANE-01 carol refund request "$s1" --line WASH:2 --reason more --ref X
assert_eq "$before" "$(refund_state)" "a refused request wrote"

step "a self-approved refund is refused (suzy is cashier and supervisor)"
expect_rc 0 till_user T-LANE-02 suzy shift open --count none
expect_rc 0 till_user T-LANE-02 suzy --json refund request "$s2" --amount 4.00 --reason dup --ref R-2
r2=$(json_field id)
before=$(refund_state)
expect_rc_contains 13 "you asked for refund $r2; a supervisor other than the requester must decide it" \
  till_user T-LANE-02 suzy refund approve "$r2"
assert_eq "$before" "$(refund_state)" "a refused approval wrote"
expect_rc_contains 13 "refund decide: your roles do not allow this request" \
  till_user T-LANE-01 carol refund approve "$r2"

step "a second approval is refused; a rejected refund cannot be paid"
expect_rc 0 till_user ADMIN-01 sam refund approve "$r2"
before=$(refund_state)
expect_rc_contains 15 "refund $r2 was already approved" till_user ADMIN-01 sam refund approve "$r2"
expect_rc_contains 15 "refund $r2 was already approved" till_user ADMIN-01 sam refund reject "$r2"
assert_eq "$before" "$(refund_state)" "a second decision wrote"
expect_rc 0 till_user T-LANE-01 carol --json refund request "$s2" --amount 1.00 --reason x --ref y
rx=$(json_field id)
expect_rc 0 till_user ADMIN-01 sam refund reject "$rx" --note "no proof"
before=$(refund_state)
expect_rc_contains 15 "refund $rx was rejected; it cannot be paid" till_user T-LANE-01 carol refund pay "$rx"
assert_eq "$before" "$(refund_state)" "paying a rejected refund wrote"

step "back to the original method: wechat, from suzy's shift"
expect_rc 0 till_user T-LANE-02 suzy --json refund pay "$r2" --method original --idem-key 00112233445566778899aabbccddeeff
rt2=$(json_field refund_txn_id)
expect_sql "wechat|clearing:wechat|-400" \
  "SELECT j.method, e.account, e.amount FROM journal j JOIN entries e ON e.txn_id=j.id AND e.seq=1 WHERE j.id=$rt2"
before=$(refund_state)
expect_rc_contains 0 '"replayed":true' till_user T-LANE-02 suzy --json refund pay "$r2" --method original --idem-key 00112233445566778899aabbccddeeff
assert_eq "$before" "$(refund_state)" "a replayed payment wrote"
expect_rc_contains 15 "refund $r2 was already paid" till_user T-LANE-02 suzy refund pay "$r2"

step "a voided sale cannot be refunded"
expect_rc 0 till_user T-LANE-01 carol --json void "$s3" --reason typo
expect_rc 0 till_user ADMIN-01 sam void approve "$(json_field id)"
before=$(refund_state)
expect_rc_contains 15 "$s3 was voided; a voided transaction cannot be refunded" \
  till_user T-LANE-01 carol refund request "$s3" --amount 1.00 --reason r --ref f
expect_rc_contains 11 "a refund asks back either an amount or lines" \
  till_user T-LANE-01 carol refund request "$s3" --amount 0 --reason r --ref f
expect_rc_contains 15 "$n0 (refund) cannot be refunded" \
  till_user T-LANE-01 carol refund request "$n0" --amount 1.00 --reason r --ref f
expect_rc_contains 11 "$s1 has no line PARK9" \
  till_user T-LANE-01 carol refund request "$s1" --line PARK9 --reason r --ref f
expect_rc_contains 15 "only 3 of PARK are left to refund on $s1" \
  till_user T-LANE-01 carol refund request "$s1" --line PARK:5 --reason r --ref f
assert_eq "$before" "$(refund_state)" "a refused request wrote"

step "the original receipt shows its refunds"
expect_rc_contains 0 "$n0" till_user T-LANE-01 carol receipt show "$s1"
assert_last_contains "$(sql "SELECT series || '-' || printf('%08d', receipt_no) FROM journal WHERE id=$rt1")"
assert_last_contains "10.00"
expect_rc_contains 0 "$s1" till_user ADMIN-01 audrey refund list --state paid

step "the shift's Z-report counts the refunds out of carol's drawer"
exp=$(sql "SELECT sum(amount) FROM entries WHERE account = 'drawer:shift:$s_carol'")
expect_rc 0 till_user T-LANE-01 carol --json shift close --count "$(count_for "$exp")" --noncash "wechat=10.00"
assert_eq "0.00" "$(json_field cash_variance)" "carol's variance with refunds paid out"
assert_eq "$(yuan "$(sql "SELECT -sum(e.amount) FROM entries e JOIN journal j ON j.id=e.txn_id
  WHERE j.kind='refund' AND j.shift_id=$s_carol AND e.seq=1")")" "$(json_field refunds)" "Z-report refunds"
# suzy paid 4.00 back to WeChat: her shift's wechat expected is -4.00
expect_rc 0 till_user T-LANE-02 suzy --json shift close --count none --noncash "wechat=0"
assert_last_contains '"method":"wechat","sales":0,"sales_amount":"0.00","voided":"0.00","expected":"-4.00","counted":"0.00","variance":"4.00","refunded":"4.00","refund_count":1,'

step "the daily report: refunds per method and net takings equal the journal's"
TODAY=$(sql "SELECT business_date FROM shifts WHERE id=$s_carol")
expect_rc 0 till_user ADMIN-01 sam --json report daily --date "$TODAY"
cp -- "$T/last.out" "$T/daily.json"
ref_cash=$(sql "SELECT -coalesce(sum(e.amount),0) FROM entries e JOIN journal j ON j.id=e.txn_id
  JOIN shifts s ON s.id=j.shift_id WHERE j.kind='refund' AND e.seq=1 AND j.method='cash' AND s.business_date='$TODAY'")
ref_all=$(sql "SELECT -coalesce(sum(e.amount),0) FROM entries e JOIN journal j ON j.id=e.txn_id
  JOIN shifts s ON s.id=j.shift_id WHERE j.kind='refund' AND e.seq=1 AND s.business_date='$TODAY'")
assert_eq "1500|1900" "$ref_cash|$ref_all" "the test's own sums"
grep -qF "\"refunds_total\":\"$(yuan "$ref_all")\"" "$T/daily.json" || fail "daily refunds_total: $(cat "$T/daily.json")"
grep -qF "\"refunds\":[{\"method\":\"cash\",\"amount\":\"$(yuan "$ref_cash")\"}" "$T/daily.json" ||
  fail "daily cash refunds: $(cat "$T/daily.json")"
# net takings: what the date's sales, voids and payments took in (their
# payment entries), less the refunds, from the journal
took=$(sql "SELECT coalesce(sum(e.amount),0) FROM entries e JOIN journal j ON j.id=e.txn_id
  JOIN shifts s ON s.id=j.shift_id WHERE s.business_date='$TODAY' AND e.item=''
  AND j.kind IN ('sale','void','payment','toll')")
grep -qF "\"net_amount\":\"$(yuan "$took")\"" "$T/daily.json" || fail "daily net_amount"
grep -qF "\"net_takings\":\"$(yuan $((took - ref_all)))\"" "$T/daily.json" ||
  fail "daily net_takings, want $(yuan $((took - ref_all))): $(cat "$T/daily.json")"

step "a refund after the original's shift and day were closed, paid from dan's shift"
expect_rc 0 till_user ADMIN-01 sam day close --date "$TODAY"
expect_rc 0 till_user T-LANE-02 dan shift open --count none
s_dan=$(sql "SELECT id FROM shifts WHERE cashier='dan' AND state=1")
expect_rc 0 till_user T-LANE-02 dan --json refund request "$s1" --line PARK:1 --reason late --ref L-1
r3=$(json_field id)
expect_rc 0 till_user ADMIN-01 sam refund approve "$r3"
expect_rc 0 till_user T-LANE-02 dan --json refund pay "$r3"
rt3=$(json_field refund_txn_id)
expect_sql "drawer:shift:$s_dan|-500" "SELECT account, amount FROM entries WHERE txn_id=$rt3 AND seq=1"

step "the monthly report: refunds and net takings equal the journal's"
MONTH=${TODAY%-*}
m_ref=$(sql "SELECT -coalesce(sum(e.amount),0) FROM entries e JOIN journal j ON j.id=e.txn_id
  JOIN shifts s ON s.id=j.shift_id WHERE j.kind='refund' AND e.seq=1 AND s.business_date LIKE '$MONTH-%'")
m_took=$(sql "SELECT coalesce(sum(e.amount),0) FROM entries e JOIN journal j ON j.id=e.txn_id
  JOIN shifts s ON s.id=j.shift_id WHERE s.business_date LIKE '$MONTH-%' AND e.item=''
  AND j.kind IN ('sale','void','payment','toll')")
m_n=$(sql "SELECT count(*) FROM journal j JOIN shifts s ON s.id=j.shift_id
  WHERE j.kind='refund' AND s.business_date LIKE '$MONTH-%'")
# 5.00 + 10.00 + 4.00, and dan's 5.00 unless the day closed was the month's last
case "$m_n:$m_ref" in 4:2400 | 3:1900) ;; *) fail "the month's refunds: $m_n, $m_ref" ;; esac
expect_rc 0 till_user ADMIN-01 sam --json report monthly --month "$MONTH"
assert_last_contains "\"refund_count\":$m_n,\"refunds_total\":\"$(yuan "$m_ref")\",\"net_takings\":\"$(yuan $((m_took - m_ref)))\",\"days\":["
expect_rc_contains 0 "$(yuan $((m_took - m_ref)))" till_user ADMIN-01 sam report monthly --month "$MONTH"

step "the chain, the receipt series (TF gap-free) and the export verify"
expect_rc_contains 0 "ledger verified" till_user ADMIN-01 audrey audit verify
TFS=${n0%-*}
expect_rc 0 till_user ADMIN-01 audrey --json audit receipts --series "$TFS"
assert_last_contains "\"series\":\"$TFS\",\"last_no\":4,\"from\":1,\"to\":4,\"issued\":4,\"complete\":true"
assert_last_contains '"missing":[]'
expect_rc 0 till_user ADMIN-01 sam audit checkpoint
expect_rc 0 till_user ADMIN-01 audrey audit export
cp -- "$T/last.out" "$T/refunds.tillx"
expect_rc_contains 0 "export verified" "$TILL" audit verify --file "$T/refunds.tillx"
check_log_clean
