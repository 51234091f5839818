#!/usr/bin/env bash
# test_audit_receipts.sh -- `till audit receipts`: receipt continuity of a
# series, from a real tilld. A complete series says so (exit 0) and lists
# the voided number with reason, requester and approver, and the reprint
# count; a sub-range counts only its numbers; a journal row removed from the
# database file (triggers dropped) is named as missing and the command exits
# 1, as text and as JSON; bad ranges, unknown series and a cashier are
# refused. And `till audit txn ID`: a transaction as stored (entries, hash)
# with its void, its reversal and its reprints.
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_ledger.sh"
source "$(dirname -- "$0")/lib_world.sh"

register_lanes
world_catalog
world_users carol sam audrey
world_login T-LANE-01:carol ADMIN-01:sam T-LANE-02:audrey
open_shift T-LANE-01 carol

step "eight sales; number 3 voided, number 5 reprinted twice"
for q in 1 2 3 4 5 6 7 8; do
  expect_rc 0 till_user T-LANE-01 carol --json sale "PARK1H:$q" --method cash
done
S=$(json_field series)
[[ $S =~ ^HT[0-9]{4}$ ]] || fail "no series from the sale: '$S'"
expect_rc 0 till_user T-LANE-01 carol --json void "$S-00000003" --reason "plate misread"
expect_rc 0 till_user ADMIN-01 sam void approve "$(json_field id)" --note ok
expect_rc 0 till_user T-LANE-01 carol receipt reprint "$S-00000005"
expect_rc 0 till_user T-LANE-01 carol receipt reprint "$S-00000005"

step "the whole series: complete, with the void and the reprints"
expect_rc_contains 0 "series $S: $S-00000001..$S-00000008, 8 of 8 numbers in the journal: complete" \
  till_user T-LANE-02 audrey audit receipts --series "$S"
assert_last_contains "$S-00000003"
last_matches "$S-00000003 +carol +sam +plate misread" || fail "the voided number's line is wrong"
last_matches "$S-00000005 +2 copies" || fail "the reprint count's line is wrong"
assert_last_lacks "missing"
expect_rc 0 till_user T-LANE-02 audrey --json audit receipts --series "$S"
assert_last_contains "\"series\":\"$S\",\"last_no\":8,\"from\":1,\"to\":8,\"issued\":8,\"complete\":true"
assert_last_contains '"missing":[],"voided":[{"receipt_no":3,"reason":"plate misread","requested_by":"carol","approved_by":"sam","void_txn_id":'
assert_last_contains '"reprinted":[{"receipt_no":5,"copies":2}]'

step "a sub-range counts only its own numbers; a supervisor may ask too"
expect_rc_contains 0 "$S-00000004..$S-00000006, 3 of 3 numbers in the journal: complete" \
  till_user ADMIN-01 sam audit receipts --series "$S" --from 4 --to 6
assert_last_lacks "$S-00000003"
assert_last_contains "$S-00000005"

step "refused: bad range (11), unknown series (14), a cashier (13), bad options (2)"
expect_rc_contains 11 "has numbered only up to 8" \
  till_user T-LANE-02 audrey audit receipts --series "$S" --to 9
expect_rc_contains 11 "from 6 is after to 4" \
  till_user T-LANE-02 audrey audit receipts --series "$S" --from 6 --to 4
expect_rc_contains 11 "series must be a prefix and a year" \
  till_user T-LANE-02 audrey audit receipts --series "x'; DROP TABLE journal;--"
expect_rc_contains 14 "no series ZZ2026" till_user T-LANE-02 audrey audit receipts --series ZZ2026
expect_rc_contains 13 "audit receipts: your roles do not allow this request" \
  till_user T-LANE-01 carol audit receipts --series "$S"
expect_rc 2 till_user T-LANE-02 audrey audit receipts
expect_rc 2 till_user T-LANE-02 audrey audit receipts --series "$S" --from 0

step "audit txn: the voided sale, its reversal and a reprinted one, as stored"
t3=$(sql "SELECT id FROM journal WHERE $(receipt_where "$S-00000003")")
r3=$(sql "SELECT id FROM journal WHERE reverses = $t3")
t5=$(sql "SELECT id FROM journal WHERE $(receipt_where "$S-00000005")")
shift_id=$(sql "SELECT shift_id FROM journal WHERE id = $t3")
[ -n "$t3" ] && [ -n "$r3" ] && [ -n "$t5" ] || fail "no transactions for receipts 3 and 5"
expect_rc_contains 0 "transaction $t3: sale at " till_user T-LANE-02 audrey audit txn "$t3"
assert_last_contains "terminal T-LANE-01, cashier carol, shift $shift_id"
assert_last_contains "receipt $S-00000003, method cash"
assert_last_contains "hash $(sql "SELECT lower(hex(hash)) FROM journal WHERE id = $t3")"
last_matches "^1 +drawer:shift:$shift_id +15\.00\$" || fail "the drawer entry of transaction $t3"
last_matches "^2 +revenue:PARK1H +-15\.00  PARK1H +3 +5\.00\$" || fail "the revenue entry of $t3"
assert_last_contains "reversed by transaction $r3"
assert_last_contains "void 1 (approved): requested by carol: plate misread; decided by sam: ok"
expect_rc_contains 0 "reverses transaction $t3, approved by sam" \
  till_user ADMIN-01 sam audit txn "$r3"
assert_last_contains "void 1 (approved)"
expect_rc_contains 0 "receipt reprinted 2 times" till_user T-LANE-02 audrey audit txn "$t5"
expect_rc 0 till_user T-LANE-02 audrey --json audit txn "$t3"
assert_last_contains "{\"id\":$t3,\"kind\":\"sale\","
assert_last_contains '"entries":[{"seq":1,"account":"drawer:shift:'
assert_last_contains '"amount":"-15.00","item":"PARK1H","quantity":3,"unit_price":"5.00"}]'
assert_last_contains "\"reversed_by\":$r3,\"reprints\":0,\"voids\":[{\"id\":1,\"number\":\"$S-00000003\",\"txn_id\":$t3,\"amount\":\"15.00\",\"state\":\"approved\",\"reason\":\"plate misread\",\"requested_by\":\"carol\","
assert_last_contains "\"decided_by\":\"sam\","
assert_last_contains "\"note\":\"ok\",\"reversal_txn_id\":$r3}]}"
expect_rc_contains 14 "no transaction 99999" till_user T-LANE-02 audrey audit txn 99999
expect_rc_contains 13 "audit txn: your roles do not allow this request" \
  till_user T-LANE-01 carol audit txn "$t3"
expect_rc 2 till_user T-LANE-02 audrey audit txn 0
expect_rc 2 till_user T-LANE-02 audrey audit txn
stop_tilld || fail "tilld exited with $TILLD_RC on SIGTERM"

step "a journal row removed from the file: the number is named missing, exit 1"
ORIG=$DB
db_copy "$T/cut.db"
target=$(sql "SELECT id FROM journal WHERE $(receipt_where "$S-00000006")")
sql_on "$T/cut.db" "DROP TRIGGER journal_no_delete; DROP TRIGGER entries_no_delete;
  DELETE FROM entries WHERE txn_id = $target; DELETE FROM journal WHERE id = $target;" ||
  fail "could not remove a row from cut.db"
use_db "$T/cut.db"
start_tilld || fail "tilld did not start on cut.db"
expect_rc_contains 1 "7 of 8 numbers in the journal: NUMBERS MISSING" \
  till_user T-LANE-02 audrey audit receipts --series "$S"
assert_last_contains "missing  $S-00000006"
assert_last_contains "RECEIPTS MISSING in series $S: 1 of 8 numbers not in the journal"
expect_rc_contains 1 '"issued":7,"complete":false,"truncated":false,"missing":[{"from":6,"to":6}]' \
  till_user T-LANE-02 audrey --json audit receipts --series "$S"
expect_rc_contains 0 "complete" till_user T-LANE-02 audrey audit receipts --series "$S" --to 5
stop_tilld || fail "tilld exited with $TILLD_RC on SIGTERM"
use_db "$ORIG"
