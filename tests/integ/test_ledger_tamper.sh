#!/usr/bin/env bash
# test_ledger_tamper.sh -- the ledger is tamper-evident. The triggers refuse
# UPDATE and DELETE on journal and entries; someone who drops them and edits
# an amount, deletes a transaction, appends a forged one or cuts off the end
# is caught by `till audit verify` (exit 1, "VERIFICATION FAILED at
# transaction N" naming the row). Each case runs tilld on its own tampered
# copy of the same database; an untouched copy verifies.
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_ledger.sh"
source "$(dirname -- "$0")/lib_world.sh"

register_lanes
world_catalog
world_users carol sam audrey
world_login T-LANE-01:carol ADMIN-01:sam T-LANE-02:audrey
open_shift T-LANE-01 carol

step "a small ledger: six sales, a signed checkpoint, an approved void"
for q in 1 2 3 4 5 6; do
  expect_rc 0 till_user T-LANE-01 carol --json sale "PARK1H:$q" --method cash
done
series=$(json_field series)
expect_rc_contains 0 "signed chain head" till_user ADMIN-01 sam audit checkpoint
expect_rc 0 till_user T-LANE-01 carol --json void "$series-00000002" --reason "test void"
expect_rc 0 till_user ADMIN-01 sam void approve "$(json_field id)"
expect_rc_contains 0 "ledger verified" till_user T-LANE-02 audrey audit verify
expect_rc 0 till_user T-LANE-02 audrey audit pubkey
cp -- "$T/last.out" "$T/server-pub.pem"
head_id=$(sql "SELECT max(id) FROM journal")
target=$(sql "SELECT id FROM journal WHERE $(receipt_where "$series-00000004")")
[ "$head_id" -gt "$target" ] || fail "head $head_id should follow the target $target"
stop_tilld || fail "tilld exited with $TILLD_RC on SIGTERM"
ORIG=$DB

# verify_case NAME -- start tilld on $T/NAME.db (made by db_copy and
# tampered by the caller), run the auditor's verification as JSON and as
# text; LAST_* hold the text run. tilld is stopped again afterwards.
verify_case() {
  use_db "$T/$1.db"
  start_tilld || fail "$1: tilld did not start on the tampered copy (exit $TILLD_RC)"
  run till_user T-LANE-02 audrey --json audit verify --pubkey "$T/server-pub.pem"
  cp -- "$T/last.out" "$T/$1.json"
  run till_user T-LANE-02 audrey audit verify --pubkey "$T/server-pub.pem"
  stop_tilld || fail "$1: tilld exited with $TILLD_RC on SIGTERM"
  use_db "$ORIG"
}

# expect_caught NAME TXN WHY -- the verification of case NAME failed at
# transaction TXN, saying WHY.
expect_caught() {
  if [ "$LAST_RC" != 1 ]; then
    printf 'FAIL %s: %s: expected audit verify to exit 1\n' "$TEST_NAME" "$1" >&9
    _show_last
    exit 1
  fi
  assert_last_contains "VERIFICATION FAILED at transaction $2: $3"
  grep -qF "\"ok\":false,\"first_bad_txn\":$2," "$T/$1.json" ||
    fail "$1: --json should say ok false, first_bad_txn $2: $(cat "$T/$1.json")"
}

step "the triggers refuse UPDATE and DELETE on journal and entries"
db_copy "$T/triggers.db"
for stmt in "UPDATE journal SET memo = 'x' WHERE id = 1" \
            "DELETE FROM journal WHERE id = $head_id" \
            "UPDATE entries SET amount = amount + 1 WHERE txn_id = 1" \
            "DELETE FROM entries WHERE txn_id = 1"; do
  rc=0
  sql_on "$T/triggers.db" "$stmt" >"$T/trigger.out" 2>&1 || rc=$?
  [ "$rc" != 0 ] || fail "sqlite3 accepted: $stmt"
  grep -q "append-only" "$T/trigger.out" || fail "$stmt: no 'append-only' refusal: $(cat "$T/trigger.out")"
done
rc=0
sql_on "$T/triggers.db" "INSERT INTO entries(txn_id, seq, account, amount) VALUES (1, 9, 'safe', 0)" \
  >"$T/trigger.out" 2>&1 || rc=$?
if [ "$rc" = 0 ] || ! grep -q "sealed" "$T/trigger.out"; then
  fail "an entry was added to a sealed transaction: $(cat "$T/trigger.out")"
fi
assert_eq "$(sql "SELECT count(*), sum(amount) FROM entries")" \
  "$(sql_on "$T/triggers.db" "SELECT count(*), sum(amount) FROM entries")" "entries after the refusals"
assert_eq "$(sql "SELECT count(*), group_concat(memo) FROM journal")" \
  "$(sql_on "$T/triggers.db" "SELECT count(*), group_concat(memo) FROM journal")" "journal after the refusals"

step "an untouched copy verifies (exit 0)"
db_copy "$T/clean.db"
verify_case clean
[ "$LAST_RC" = 0 ] || { _show_last; fail "the untouched copy does not verify"; }
assert_last_contains "ledger verified: $head_id transactions"
grep -qF '"ok":true' "$T/clean.json" || fail "clean --json: $(cat "$T/clean.json")"

step "an amount edited in entries: caught at that transaction"
db_copy "$T/amount.db"
sql_on "$T/amount.db" "DROP TRIGGER entries_no_update;
  UPDATE entries SET amount = amount - 100 WHERE txn_id = $target AND seq = 1;" ||
  fail "could not tamper with amount.db"
verify_case amount
expect_caught amount "$target" "transaction $target does not balance"

step "an edit that keeps the transaction balanced: the hash catches it"
db_copy "$T/balanced.db"
sql_on "$T/balanced.db" "DROP TRIGGER entries_no_update;
  UPDATE entries SET amount = amount - 100 WHERE txn_id = $target AND seq = 1;
  UPDATE entries SET amount = amount + 100 WHERE txn_id = $target AND seq = 2;" ||
  fail "could not tamper with balanced.db"
verify_case balanced
expect_caught balanced "$target" "transaction $target: hash does not match"

step "a journal field edited (the cashier's name): the hash catches it"
db_copy "$T/cashier.db"
sql_on "$T/cashier.db" "DROP TRIGGER journal_no_update;
  UPDATE journal SET cashier = 'mallory' WHERE id = $target;" || fail "could not tamper with cashier.db"
verify_case cashier
expect_caught cashier "$target" "transaction $target: hash does not match"

step "a journal row deleted: caught, naming the missing id"
db_copy "$T/deleted.db"
sql_on "$T/deleted.db" "DROP TRIGGER journal_no_delete; DELETE FROM journal WHERE id = $target;" ||
  fail "could not tamper with deleted.db"
verify_case deleted
expect_caught deleted "$target" "transaction $target is missing"

step "a forged transaction appended with a made-up hash: caught at its id"
forged=$((head_id + 1))
db_copy "$T/appended.db"
sql_on "$T/appended.db" "
  INSERT INTO entries(txn_id, seq, account, amount) VALUES ($forged, 1, 'safe', 50000);
  INSERT INTO entries(txn_id, seq, account, amount) VALUES ($forged, 2, 'drawer:T-LANE-01', -50000);
  INSERT INTO journal(id, kind, at_ms, terminal_id, cashier, method, memo, hash)
    VALUES ($forged, 'transfer', (SELECT max(at_ms) FROM journal) + 1, 'T-LANE-01', 'carol', '',
            'to the safe', randomblob(32));" || fail "could not tamper with appended.db"
assert_eq "$forged" "$(sql_on "$T/appended.db" "SELECT max(id) FROM journal")" "forged row id"
verify_case appended
expect_caught appended "$forged" "transaction $forged: hash does not match"

step "the last transaction cut off: the signed head no longer matches"
db_copy "$T/truncated.db"
sql_on "$T/truncated.db" "DROP TRIGGER journal_no_delete; DROP TRIGGER entries_no_delete;
  DELETE FROM entries WHERE txn_id = $head_id; DELETE FROM journal WHERE id = $head_id;" ||
  fail "could not tamper with truncated.db"
verify_case truncated
expect_caught truncated "$head_id" "a signed head covers transaction $head_id but the chain ends at $((head_id - 1))"

step "the original database still verifies"
start_tilld || fail "tilld did not start on the original database"
expect_rc_contains 0 "ledger verified: $head_id transactions" \
  till_user T-LANE-02 audrey audit verify --pubkey "$T/server-pub.pem"

step "another signing key pinned: fails, and --json says so too"
openssl genpkey -algorithm ed25519 2>/dev/null | openssl pkey -pubout -out "$T/other-pub.pem" ||
  fail "could not make another Ed25519 key"
expect_rc_contains 1 "VERIFICATION FAILED: signing key 1 is not among the pinned keys in $T/other-pub.pem" \
  till_user T-LANE-02 audrey audit verify --pubkey "$T/other-pub.pem"
expect_rc_contains 1 '{"ok":false,"first_bad_txn":0,"error":"signing key 1 is not among the pinned keys' \
  till_user T-LANE-02 audrey --json audit verify --pubkey "$T/other-pub.pem"
