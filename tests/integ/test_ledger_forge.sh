#!/usr/bin/env bash
# test_ledger_forge.sh -- attacks by someone who can write the database file
# (and, in one case, read the signing key), each on its own copy of a real
# database (docs/security.md). tilld's start-up check refuses every copy it
# can prove wrong: it starts, says why in its log and in security_events,
# refuses every write (a sale, a checkpoint, the shutdown signature) and
# still lets an auditor read. The forger's tool, tests/integ/chain_forge.py,
# is written from docs/ledger.md alone.
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_world.sh"

FORGE=$TILL_SOURCE_DIR/tests/integ/chain_forge.py
command -v python3 >/dev/null || fail "python3 is needed for the forger's tool"

register_lanes
world_catalog
world_users carol sam audrey
world_login T-LANE-01:carol ADMIN-01:sam T-LANE-02:audrey

step "a real ledger: a closed shift, a closed day, a checkpoint, an unsigned tail"
open_shift T-LANE-01 carol
for q in 1 2 3; do
  expect_rc 0 till_user T-LANE-01 carol --json sale "PARK1H:$q" --method cash
done
series=$(json_field series)
expect_rc 0 till_user T-LANE-01 carol shift close --count "1x30"
closed_shift=$(sql "SELECT id FROM shifts WHERE state != 1")
shift_head=$(sql "SELECT signature_txn_id FROM shifts WHERE id = $closed_shift")
# the Z-report prints the signed head's code: the first four bytes of its hash
z_code=$(sql "SELECT substr(hex(hash), 1, 4) || '-' || substr(hex(hash), 5, 4) FROM journal
              WHERE id = $shift_head")
assert_last_contains "signed at transaction $shift_head"
last_matches "^Head code +$z_code\$" || fail "the Z-report's head code is not $z_code"
expect_rc 0 till_user ADMIN-01 sam day close --date "$(date +%F)"
assert_last_contains "signed chain head $shift_head (day_close:$(date +%F)), code $z_code, hash"
open_shift T-LANE-01 carol
for q in 1 2 3; do
  expect_rc 0 till_user T-LANE-01 carol --json sale "PARK1H:$q" --method cash
done
expect_rc_contains 0 "signed chain head" till_user ADMIN-01 sam audit checkpoint
expect_rc 0 till_user T-LANE-02 audrey audit pubkey
cp -- "$T/last.out" "$T/server-pub.pem"
step "the auditor witnesses the signed heads, keeps an export, and the supervisor's paper"
# the shift close and the day close signed the same head: one line for both
nsigs=$(sql "SELECT count(*) FROM chain_signatures")
nheads=$(sql "SELECT count(DISTINCT txn_id) FROM chain_signatures")
expect_rc_contains 0 "$nheads signed heads appended, $((nsigs - nheads)) already witnessed" \
  till_user T-LANE-02 audrey audit witness --file "$T/witness" --pubkey "$T/server-pub.pem"
assert_eq "$nheads" "$(grep -vc '^#' "$T/witness")" "one line a signed head"
expect_rc_contains 0 "0 signed heads appended, $nsigs already witnessed" \
  till_user T-LANE-02 audrey audit witness --file "$T/witness" --pubkey "$T/server-pub.pem"
expect_rc 0 till_user T-LANE-02 audrey audit export
cp -- "$T/last.out" "$T/prior.tex"
prior_last=$(sql "SELECT max(id) FROM journal")
printf '%s %s\n' "$shift_head" "$z_code" >"$T/paper"
expect_rc_contains 0 "witness: $((nheads + 2)) signed heads checked, all on the chain" \
  till_user T-LANE-02 audrey audit verify --pubkey "$T/server-pub.pem" --witness "$T/witness" \
  --prior "$T/prior.tex"
step "two sales more, not yet signed"
for q in 1 2; do
  expect_rc 0 till_user T-LANE-01 carol --json sale "PARK1H:$q" --method card
done
head_id=$(sql "SELECT max(id) FROM journal")
last_signed=$(sql "SELECT max(txn_id) FROM chain_signatures")
last_no=$(sql "SELECT last_no FROM series_counters WHERE series = '$series'")
[ "$last_signed" -lt "$head_id" ] || fail "the last two sales should be unsigned"
# no clean stop: a clean stop signs the head, and the tail must stay unsigned
kill_tilld
ORIG=$DB
assert_eq 4 "$(sql "SELECT count(*) FROM chain_signatures")" \
  "signatures before the attacks: shift close, day close, checkpoint, export"

# refused NAME FINDING -- tilld on copy NAME starts, logs FINDING, records
# it in security_events, refuses a sale and a checkpoint, lets the auditor
# read the ledger, and does not sign on shutdown.
refused() {
  local sigs
  use_db "$T/$1.db"
  sigs=$(sql "SELECT count(*) FROM chain_signatures")
  start_tilld || fail "$1: tilld did not start (exit $TILLD_RC)"
  assert_file_contains "$TILLD_LOG" "START-UP CHECK FAILED: $2"
  expect_rc_contains 15 "the ledger failed tilld's start-up check ($2" \
    till_user T-LANE-01 carol sale "PARK1H:1" --method card
  expect_rc_contains 15 "refuses writes until it is repaired" \
    till_user ADMIN-01 sam audit checkpoint
  run till_user T-LANE-02 audrey audit verify --pubkey "$T/server-pub.pem"
  [ "$LAST_RC" = 0 ] || [ "$LAST_RC" = 1 ] || { _show_last; fail "$1: audit verify did not run"; }
  cp -- "$T/last.out" "$T/$1.verify.out"
  cat -- "$T/last.err" >>"$T/$1.verify.out"
  run till_user T-LANE-02 audrey audit verify --pubkey "$T/server-pub.pem" --witness "$T/witness"
  cp -- "$T/last.out" "$T/$1.witness.out"
  cat -- "$T/last.err" >>"$T/$1.witness.out"
  stop_tilld || fail "$1: tilld exited with $TILLD_RC on SIGTERM"
  assert_eq "$sigs" "$(sql "SELECT count(*) FROM chain_signatures")" "$1: signatures after the stop"
  local quoted=${2//\'/\'\'}
  assert_eq "$2" "$(sql "SELECT substr(detail, 1, length('$quoted')) FROM security_events
                         WHERE kind = 'ledger_check_failed' ORDER BY id DESC LIMIT 1")" \
    "$1: the finding in security_events"
  use_db "$ORIG"
}

step "an untouched copy passes the check, takes a sale and signs on shutdown"
db_copy "$T/clean.db"
use_db "$T/clean.db"
start_tilld || fail "clean: tilld did not start"
assert_file_contains "$TILLD_LOG" "start-up check passed"
assert_file_contains "$TILLD_LOG" "chain re-hashed from transaction $last_signed ($((head_id - last_signed)) after it)"
expect_rc 0 till_user T-LANE-01 carol --json sale "PARK1H:1" --method card
stop_tilld || fail "clean: tilld exited with $TILLD_RC"
assert_eq "shutdown $((head_id + 1))" \
  "$(sql "SELECT reason, txn_id FROM chain_signatures ORDER BY id DESC LIMIT 1" | tr '|' ' ')" \
  "clean: the shutdown signature"
use_db "$ORIG"

step "the triggers dropped, nothing else: refused, naming the trigger"
db_copy "$T/triggers.db"
sql_on "$T/triggers.db" "DROP TRIGGER journal_no_update;" || fail "could not drop the trigger"
refused triggers "trigger journal_no_update is missing from the schema (dropped)"
grep -qF "ledger verified: $head_id transactions" "$T/triggers.verify.out" ||
  fail "triggers: the auditor could not read the untouched ledger: $(cat "$T/triggers.verify.out")"

step "an index added: refused (the schema must be what the migrations made)"
db_copy "$T/index.db"
sql_on "$T/index.db" "CREATE INDEX journal_memo ON journal(memo);" || fail "could not add the index"
refused index "the schema has index journal_memo, which no migration makes"

step "the issue's forgery: transaction 3 moved by 1.00, every later hash recomputed, the"
step "triggers put back, every signature deleted: the closed shift's signed head is gone"
db_copy "$T/forged.db"
python3 "$FORGE" forge "$T/forged.db" 3 100 || fail "the forger's tool failed"
python3 "$FORGE" sql "$T/forged.db" "DELETE FROM chain_signatures" ||
  fail "could not delete the signatures"
refused forged "closed shift $closed_shift names the signed head at transaction $shift_head, but no signature covers it: signatures were removed"
grep -qF "ledger verified" "$T/forged.verify.out" ||
  fail "forged: the signatures gone, the rewritten chain verifies on its own: $(cat "$T/forged.verify.out")"
grep -qF "VERIFICATION FAILED at transaction $shift_head: the witnessed head at transaction $shift_head" \
  "$T/forged.witness.out" || fail "forged: the witness did not catch it: $(cat "$T/forged.witness.out")"

step "the forgery with the signatures kept: the signed head no longer matches"
db_copy "$T/unsigned.db"
python3 "$FORGE" forge "$T/unsigned.db" 3 100 || fail "the forger's tool failed"
first_sig=$(sql "SELECT min(id) FROM chain_signatures")
refused unsigned "the signed head at transaction $shift_head (signature $first_sig, shift_close) does not match the stored chain: transactions up to $shift_head were rewritten"

step "a signature whose reason was changed: it no longer verifies"
db_copy "$T/reason.db"
python3 "$FORGE" sql "$T/reason.db" \
  "UPDATE chain_signatures SET reason = 'checkpoint' WHERE id = $first_sig" ||
  fail "could not change the reason"
refused reason "signature $first_sig (checkpoint, transaction $shift_head) does not verify under the server's key"

step "the unsigned tail cut off (the last two sales): the series counter says more"
db_copy "$T/cut.db"
python3 "$FORGE" sql "$T/cut.db" "DELETE FROM entries WHERE txn_id > $last_signed;
  DELETE FROM journal WHERE id > $last_signed" || fail "could not cut the tail"
refused cut "series $series's counter says $last_no, the journal's highest number is $((last_no - 2)): transactions were cut"

step "a counter raised or lowered: refused either way"
db_copy "$T/raised.db"
sql_on "$T/raised.db" "UPDATE series_counters SET last_no = last_no + 5 WHERE series = '$series'" ||
  fail "could not raise the counter"
refused raised "series $series's counter says $((last_no + 5)), the journal's highest number is $last_no: transactions were cut"
db_copy "$T/lowered.db"
sql_on "$T/lowered.db" "UPDATE series_counters SET last_no = last_no - 1 WHERE series = '$series'" ||
  fail "could not lower the counter"
refused lowered "series $series's counter says $((last_no - 1)), the journal's highest number is $last_no: the counter was lowered"

step "rows appended after the head with a made-up hash: the re-hash of the tail catches them"
db_copy "$T/appended.db"
forged_id=$((head_id + 1))
sql_on "$T/appended.db" "
  INSERT INTO entries(txn_id, seq, account, amount) VALUES ($forged_id, 1, 'safe', 50000);
  INSERT INTO entries(txn_id, seq, account, amount) VALUES ($forged_id, 2, 'bank', -50000);
  INSERT INTO journal(id, kind, at_ms, terminal_id, cashier, method, memo, hash)
    VALUES ($forged_id, 'transfer', (SELECT max(at_ms) FROM journal) + 1, 'T-LANE-01', 'carol',
            '', 'to the safe', randomblob(32));" || fail "could not append"
refused appended "transaction $forged_id: hash does not match its contents and the one before it"

step "the forgery re-signed with the key file: the server cannot tell (a witness can)"
db_copy "$T/resigned.db"
python3 "$FORGE" forge "$T/resigned.db" 3 100 || fail "the forger's tool failed"
python3 "$FORGE" resign "$T/resigned.db" "$SIGNING_KEY" ||
  fail "the forger could not re-sign"
use_db "$T/resigned.db"
start_tilld || fail "resigned: tilld did not start"
assert_file_contains "$TILLD_LOG" "start-up check passed"
expect_rc_contains 0 "ledger verified" \
  till_user T-LANE-02 audrey audit verify --pubkey "$T/server-pub.pem"
# the witness: every head from transaction 3 on was re-signed with new hashes
expect_rc_contains 1 "VERIFICATION FAILED at transaction $shift_head: the witnessed head at transaction $shift_head (witness, code $z_code," \
  till_user T-LANE-02 audrey audit verify --pubkey "$T/server-pub.pem" --witness "$T/witness"
assert_last_contains "is no longer on the chain: transactions up to $shift_head were rewritten"
expect_rc_contains 1 "\"ok\":false,\"first_bad_txn\":$shift_head," \
  till_user T-LANE-02 audrey --json audit verify --pubkey "$T/server-pub.pem" --witness "$T/witness"
expect_rc_contains 1 "(paper, code $z_code, -) is no longer on the chain" \
  till_user T-LANE-02 audrey audit verify --pubkey "$T/server-pub.pem" --witness "$T/paper"
expect_rc_contains 1 "the witnessed head at transaction $prior_last (prior export, code" \
  till_user T-LANE-02 audrey audit verify --pubkey "$T/server-pub.pem" --prior "$T/prior.tex"
expect_rc_contains 1 "WITNESS FAILED at transaction $shift_head: the server now signs transaction $shift_head with another hash than the one witnessed" \
  till_user T-LANE-02 audrey audit witness --file "$T/witness" --pubkey "$T/server-pub.pem"
assert_eq "$nheads" "$(grep -vc '^#' "$T/witness")" "nothing appended to the witness"
# and offline: a fresh export of the re-signed ledger verifies on its own,
# not against the witness or the earlier export
expect_rc 0 till_user T-LANE-02 audrey audit export
cp -- "$T/last.out" "$T/resigned.tex"
stop_tilld || fail "resigned: tilld exited with $TILLD_RC"
use_db "$ORIG"
expect_rc_contains 0 "export verified" "$TILL" audit verify --file "$T/resigned.tex" \
  --pubkey "$T/server-pub.pem"
expect_rc_contains 1 "the witnessed head at transaction $shift_head (witness, code $z_code," \
  "$TILL" audit verify --file "$T/resigned.tex" --pubkey "$T/server-pub.pem" --witness "$T/witness"
expect_rc_contains 1 "the witnessed head at transaction $prior_last (prior export," \
  "$TILL" audit verify --file "$T/resigned.tex" --pubkey "$T/server-pub.pem" --prior "$T/prior.tex"
