#!/usr/bin/env bash
# test_ledger_voids.sh -- voids are never deletions: a cashier asks, another
# supervisor decides; approval posts a reversing transaction that names the
# sale and negates its entries exactly; the number stays accounted for.
# Also the refusals (wrong role, own void, twice, unknown receipt), the
# reject path, and reprints (marked COPY, counted; not by an auditor).
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_ledger.sh"
source "$(dirname -- "$0")/lib_world.sh"

register_lanes
world_catalog
world_users carol sam suzy audrey
world_login T-LANE-01:carol T-LANE-02:suzy ADMIN-01:sam T-LANE-02:audrey
open_shift T-LANE-01 carol
open_shift T-LANE-02 suzy

# sale TERMINAL USER args... -- post; sets NUM and TXN
sale() {
  local id=$1 user=$2
  shift 2
  expect_rc 0 till_user "$id" "$user" --json sale "$@"
  NUM=$(json_field number)
  TXN=$(json_field txn_id)
}
sale T-LANE-01 carol PARK1H:2 --method cash --tendered 20.00
s1=$NUM t1=$TXN
sale T-LANE-01 carol PARK1H:1 --method card
s2=$NUM t2=$TXN
sale T-LANE-01 carol PARK1H:3 --method wechat
s3=$NUM
sale T-LANE-01 carol PARK1H:1 --method cash
s4=$NUM t4=$TXN
sale T-LANE-02 suzy PARK1H:4 --method alipay
s5=$NUM t5=$TXN
series=${s1%-*}

step "a cashier asks for a void: pending, nothing posted yet"
state=$(ledger_state)
expect_rc_contains 0 '"state":"pending"' \
  till_user T-LANE-01 carol --json void "$s1" --reason "wrong plate"
v1=$(json_field id)
assert_eq "$s1" "$(json_field number)" "void request's receipt"
assert_eq "10.00" "$(json_field amount)" "void request's amount"
expect_sql "1|carol|wrong plate|$t1" "SELECT state, requested_by, reason, txn_id FROM void_requests WHERE id=$v1"
expect_sql "0|0" "SELECT count(*), (SELECT count(*) FROM journal WHERE reverses IS NOT NULL) FROM journal WHERE kind='void'"
expect_rc_contains 0 "pending" till_user ADMIN-01 sam void list --state pending
assert_last_contains "$s1"
expect_rc_contains 0 '"voided":false' till_user T-LANE-01 carol --json receipt show "$s1"

step "a void needs a reason (2)"
expect_rc_contains 2 "a void needs --reason" till_user T-LANE-01 carol void "$s2"

step "a second request while one is pending: conflict (16)"
expect_rc_contains 16 "a void of $s1 is already pending" till_user T-LANE-01 carol void "$s1" --reason again
expect_sql 1 "SELECT count(*) FROM void_requests WHERE txn_id=$t1"

step "a cashier cannot approve (13)"
expect_rc_contains 13 "void decide: your roles do not allow this request" \
  till_user T-LANE-01 carol void approve "$v1"
expect_sql 1 "SELECT state FROM void_requests WHERE id=$v1"
expect_sql 0 "SELECT count(*) FROM journal WHERE kind='void'"

step "an auditor cannot approve either (13)"
expect_rc 13 till_user T-LANE-02 audrey void approve "$v1"
expect_sql 1 "SELECT state FROM void_requests WHERE id=$v1"

step "a supervisor approves: a reversing transaction naming the sale"
KV1=0123456789abcdef0123456789abcdef
expect_rc_contains 0 '"state":"approved"' \
  till_user ADMIN-01 sam --json void approve "$v1" --note "checked the camera" --idem-key "$KV1"
assert_last_contains '"replayed":false'
r1=$(json_field reversal_txn_id)
[ "$r1" -gt "$t5" ] || fail "reversal txn id '$r1' should follow the sales"
expect_sql "void|$t1|sam|wrong plate|||cash" "SELECT kind, reverses, approver, memo, coalesce(series, ''),
  coalesce(receipt_no, ''), method FROM journal WHERE id=$r1"
expect_sql "2|sam|checked the camera|$r1" "SELECT state, decided_by, note, reversal_txn_id FROM void_requests WHERE id=$v1"

step "the same decision again with its key (a retry): the recorded one, marked replayed"
state=$(ledger_state)
expect_rc_contains 0 '"replayed":true' \
  till_user ADMIN-01 sam --json void approve "$v1" --note "checked the camera" --idem-key "$KV1"
assert_eq "$r1" "$(json_field reversal_txn_id)" "reversal of the replayed decision"
expect_rc_contains 0 "void approved (already decided with this key" \
  till_user ADMIN-01 sam void approve "$v1" --note "checked the camera" --idem-key "$KV1"
expect_state "$state" "a replayed decision"
# the reversal's entries are the sale's, negated, one for one
expect_sql "2|2|2" "SELECT (SELECT count(*) FROM entries WHERE txn_id=$t1),
  (SELECT count(*) FROM entries WHERE txn_id=$r1),
  (SELECT count(*) FROM entries o JOIN entries r ON r.txn_id=$r1 AND r.seq=o.seq
     AND r.account=o.account AND r.amount=-o.amount AND r.item=o.item
     AND r.quantity=o.quantity AND r.unit_price=o.unit_price WHERE o.txn_id=$t1)"
expect_sql "0|-1000" "SELECT sum(amount), (SELECT amount FROM entries WHERE txn_id=$r1 AND seq=1)
  FROM entries WHERE txn_id IN ($t1, $r1)"
# the sale's own rows are untouched and its number still belongs to it
expect_sql "sale|1000" "SELECT j.kind, e.amount FROM journal j JOIN entries e ON e.txn_id=j.id AND e.seq=1 WHERE $(receipt_where "$s1")"

step "the receipt now says voided, with the reason"
expect_rc_contains 0 "*** VOIDED ***" till_user T-LANE-01 carol receipt show "$s1"
assert_last_contains "wrong plate"
expect_rc_contains 0 '"voided":true' till_user T-LANE-01 carol --json receipt show "$s1"
assert_eq "$r1" "$(json_field void_txn_id)" "void_txn_id on the receipt"
assert_eq "wrong plate" "$(json_field void_reason)" "void_reason on the receipt"

step "voiding it again: already voided (15); deciding it again: already approved (15)"
state=$(ledger_state)
expect_rc_contains 15 "$s1 is already voided" till_user T-LANE-01 carol void "$s1" --reason twice
expect_rc_contains 15 "void request $v1 was already approved" till_user ADMIN-01 sam void approve "$v1"
expect_rc_contains 15 "was already approved" till_user ADMIN-01 sam void reject "$v1"
expect_state "$state" "second void and second decision"
expect_sql 1 "SELECT count(*) FROM journal WHERE reverses=$t1"

step "a cashier-supervisor may not decide her own void (13), another supervisor may"
expect_rc 0 till_user T-LANE-02 suzy --json void "$s5" --reason "customer paid twice"
v2=$(json_field id)
expect_rc_contains 13 "you requested this void; another supervisor must decide it" \
  till_user T-LANE-02 suzy void approve "$v2"
expect_rc 13 till_user T-LANE-02 suzy void reject "$v2"
expect_sql "1|0" "SELECT state, (SELECT count(*) FROM journal WHERE reverses=$t5) FROM void_requests WHERE id=$v2"
expect_sql 2 "SELECT count(*) FROM security_events WHERE kind='permission_denied' AND user_name='suzy' AND detail='decide own void $v2'"
expect_rc_contains 0 '"state":"approved"' till_user ADMIN-01 sam --json void approve "$v2"
expect_sql 1 "SELECT count(*) FROM journal WHERE reverses=$t5 AND kind='void' AND approver='sam'"

step "... and she may decide someone else's"
expect_rc 0 till_user T-LANE-01 carol --json void "$s2" --reason "card declined later"
v3=$(json_field id)
expect_rc_contains 0 '"state":"approved"' till_user T-LANE-02 suzy --json void approve "$v3"
expect_sql "suzy" "SELECT approver FROM journal WHERE reverses=$t2"

step "the reject path: no reversal, the receipt stays valid, a new request is possible"
expect_rc 0 till_user T-LANE-01 carol --json void "$s3" --reason "typo"
v4=$(json_field id)
state=$(ledger_state)
expect_rc_contains 0 '"state":"rejected"' \
  till_user ADMIN-01 sam --json void reject "$v4" --note "receipt is fine"
assert_eq 0 "$(json_field reversal_txn_id)" "reversal of a rejected void"
expect_sql "3|sam|receipt is fine|" "SELECT state, decided_by, note, coalesce(reversal_txn_id, '') FROM void_requests WHERE id=$v4"
expect_sql 0 "SELECT count(*) FROM journal WHERE reverses=(SELECT id FROM journal WHERE $(receipt_where "$s3"))"
expect_rc_contains 0 '"voided":false' till_user T-LANE-01 carol --json receipt show "$s3"
expect_rc_contains 15 "void request $v4 was already rejected" till_user ADMIN-01 sam void approve "$v4"
expect_sql 0 "SELECT count(*) FROM journal WHERE reverses=(SELECT id FROM journal WHERE $(receipt_where "$s3"))"
expect_rc_contains 0 '"state":"pending"' till_user T-LANE-01 carol --json void "$s3" --reason "typo, really"

step "voids of receipts that do not exist (14) or are no receipt number (11)"
state=$(ledger_state)
expect_rc_contains 14 "no receipt $series-00009999" till_user T-LANE-01 carol void "$series-00009999" --reason x
expect_rc_contains 14 "no receipt HT1999-00000001" till_user T-LANE-01 carol void HT1999-00000001 --reason x
expect_rc_contains 11 "is not a receipt number" till_user T-LANE-01 carol void 12345 --reason x
expect_rc_contains 14 "no void request 99999" till_user ADMIN-01 sam void approve 99999
expect_state "$state" "voids of nothing"

step "void list: supervisors and auditors see every request and its state"
expect_rc 0 till_user T-LANE-02 audrey --json void list
for v in "$v1" "$v2" "$v3" "$v4"; do
  assert_last_contains "{\"id\":$v,"
done
expect_rc_contains 0 "rejected" till_user ADMIN-01 sam void list --state rejected
assert_last_lacks "wrong plate"
expect_rc 13 till_user T-LANE-01 carol void list

step "a reprint is marked COPY and counted"
expect_rc 0 till_user T-LANE-01 carol receipt show "$s4"
assert_last_lacks "COPY"
expect_rc_contains 0 "*** COPY ***" till_user T-LANE-01 carol receipt reprint "$s4"
assert_last_contains "Reprint   #1"
expect_rc_contains 0 "Reprint   #2" till_user T-LANE-01 carol receipt reprint "$s4"
expect_rc_contains 0 '"copy":true' till_user ADMIN-01 sam --json receipt reprint "$s4"
assert_eq 3 "$(json_field reprint_count)" "reprint_count after three reprints"
expect_sql "3|carol,carol,sam" "SELECT count(*), group_concat(user_name, ',') FROM
  (SELECT user_name FROM reprints WHERE txn_id=$t4 ORDER BY id)"
expect_rc_contains 0 '"copy":false' till_user T-LANE-01 carol --json receipt show "$s4"
assert_eq 3 "$(json_field reprint_count)" "reprint_count seen by a plain show"

step "an auditor may look at a receipt but not reprint it (13)"
expect_rc_contains 0 '"copy":false' till_user T-LANE-02 audrey --json receipt show "$s4"
expect_rc_contains 13 "receipt reprint: your roles do not allow this request" \
  till_user T-LANE-02 audrey receipt reprint "$s4"
expect_sql 3 "SELECT count(*) FROM reprints WHERE txn_id=$t4"
expect_sql 1 "SELECT count(*) FROM security_events WHERE kind='permission_denied' AND user_name='audrey' AND detail='receipt reprint'"

step "the books and the chain after the voids"
# sales 10+5+15+5+20 = 55.00; voided 10+20+5 = 35.00
expect_sql "-2000" "SELECT sum(amount) FROM entries WHERE account LIKE 'revenue:%'"
expect_sql 0 "SELECT count(*) FROM (SELECT txn_id FROM entries GROUP BY txn_id HAVING sum(amount) != 0)"
expect_rc_contains 0 "series $series: 1..5 complete (5 receipts)" till_user T-LANE-02 audrey audit verify

step "a void still pending when its shift closes can only be rejected (15), nothing posted"
sale T-LANE-01 carol PARK1H:1 --method cash
expect_rc 0 till_user T-LANE-01 carol --json void "$NUM" --reason "late doubt"
late=$(json_field id)
expect_rc 0 till_user T-LANE-01 carol shift close --count none
state=$(ledger_state)
expect_rc_contains 15 "the shift of this sale is closed: its drawer was counted, so the void can only be rejected" \
  till_user ADMIN-01 sam void approve "$late" --note "too late"
expect_state "$state" "a void approved after its shift closed"
expect_sql 1 "SELECT state FROM void_requests WHERE id = $late"
expect_rc_contains 0 "rejected" till_user ADMIN-01 sam void reject "$late" --note "shift closed"
expect_sql 3 "SELECT state FROM void_requests WHERE id = $late"
