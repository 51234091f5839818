#!/usr/bin/env bash
# test_witness_rotation.sh -- the auditor's witness across key rotations,
# and the start-up check's trust in the ledger's keys (issue 22, after items
# 1-6). An auditor pins key 1 and witnesses its heads; the key is rotated
# twice; 'till audit witness' then checks each head under the key that
# signed it, trusting keys 2 and 3 through their endorsements, and 'till
# audit verify --witness' passes. On copies of the database: a key row and
# a head signed under it slipped into server_keys, and key 1 made to name a
# key 0 that "endorsed" it, are refused by tilld's start-up check (writes
# refused, naming the key; the auditor still reads), and the witness and
# verify fail naming the key, appending nothing.
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_world.sh"
source "$(dirname -- "$0")/lib_keys.sh"

FORGE=$TILL_SOURCE_DIR/tests/integ/chain_forge.py
command -v python3 >/dev/null || fail "python3 is needed for the forger's tool"

register_lanes
world_catalog
world_users carol sam audrey
world_login T-LANE-01:carol ADMIN-01:sam T-LANE-02:audrey
open_shift T-LANE-01 carol

heads() { sql "SELECT count(DISTINCT txn_id) FROM chain_signatures"; }
sigs() { sql "SELECT count(*) FROM chain_signatures"; }
witness() { till_user T-LANE-02 audrey audit witness --file "$T/witness" "$@"; }

step "key 1 signs; the auditor pins it and witnesses its heads"
sales 3
checkpoint
sales 1
checkpoint
expect_rc 0 till_user T-LANE-02 audrey audit pubkey
cp -- "$T/last.out" "$T/pins.pem"
assert_eq 1 "$(grep -c 'BEGIN PUBLIC KEY' "$T/pins.pem")" "keys pinned"
h1=$(heads)
expect_rc_contains 0 "$h1 signed heads appended, $(($(sigs) - h1)) already witnessed" \
  witness --pubkey "$T/pins.pem"
key1_heads=$(sql "SELECT group_concat(DISTINCT txn_id) FROM chain_signatures WHERE key_id = 1")

step "two rotations, each key signs heads of its own"
stop_tilld || fail "tilld exited with $TILLD_RC"
make_signing_key "$T/keys2/k.pem"
make_signing_key "$T/keys3/k.pem"
expect_rc_contains 0 "replaces key 1" rotate --signing_key "$SIGNING_KEY" --new-key "$T/keys2/k.pem"
# a rotation is a security event, logged at notice as the others are
assert_last_contains "[notice] auth: security event key_rotated user=$(id -un) terminal=- signing key 2"
start_tilld --signing_key "$T/keys2/k.pem" || fail "tilld did not start with key 2 (exit $TILLD_RC)"
sales 2
checkpoint
stop_tilld || fail "tilld exited with $TILLD_RC"
expect_rc_contains 0 "replaces key 2" rotate --signing_key "$T/keys2/k.pem" --new-key "$T/keys3/k.pem"
start_tilld --signing_key "$T/keys3/k.pem" || fail "tilld did not start with key 3 (exit $TILLD_RC)"
assert_file_contains "$TILLD_LOG" "start-up check passed"
sales 2
checkpoint
per_key=$(sql "SELECT group_concat(key_id || ':' || n, ' ') FROM (SELECT key_id, count(*) AS n
                FROM chain_signatures GROUP BY key_id ORDER BY key_id)")
[[ $per_key =~ ^1:[1-9][0-9]*\ 2:[1-9][0-9]*\ 3:[1-9][0-9]*$ ]] ||
  fail "signatures per key: '$per_key' (every key should have signed)"
step "signatures per key: $per_key"

step "each rotation is a security event the auditor reads, naming both keys"
pub() { sql "SELECT lower(substr(hex(public_key), 1, 16)) FROM server_keys WHERE id = $1"; }
expect_sql "2|$(id -un)" "SELECT count(*), group_concat(DISTINCT user_name) FROM security_events
                          WHERE kind = 'key_rotated'"
expect_rc 0 till_user T-LANE-02 audrey audit events --kind key_rotated
assert_last_contains "signing key 2 ($(pub 2)...) replaces key 1 ($(pub 1)...), which endorsed it"
assert_last_contains "signing key 3 ($(pub 3)...) replaces key 2 ($(pub 2)...), which endorsed it"
assert_last_contains "2 security events"
assert_eq 2 "$(grep -c ' key_rotated ' "$T/last.out")" "rotations listed"
expect_rc 0 till_user T-LANE-02 audrey --json audit events --kind key_rotated --limit 1
assert_last_contains "\"kind\":\"key_rotated\",\"user\":\"$(id -un)\",\"terminal\":\"\",\"detail\":\"signing key 2 ("
assert_last_contains "\"more\":true"
# every kind: the logins of this test are there too, oldest first
expect_rc 0 till_user T-LANE-02 audrey audit events --limit 1000
assert_eq "$(sql "SELECT count(*) FROM security_events")" "$(sed -n 's/^\([0-9]*\) security events$/\1/p' "$T/last.out")" \
  "security events listed"
expect_rc_contains 13 "your roles do not allow" till_user T-LANE-01 carol audit events
expect_rc_contains 11 "kind must be 1-32 of a-z and _" till_user T-LANE-02 audrey audit events --kind "Key-Rotated"

step "the witness, pinned to key 1 only, checks each head under its own key"
h3=$(heads)
n3=$(sigs)
expect_rc_contains 0 "$((h3 - h1)) signed heads appended, $((n3 - (h3 - h1))) already witnessed" \
  witness --pubkey "$T/pins.pem"
assert_eq "$h3" "$(grep -vc '^#' "$T/witness")" "heads in the witness"
for t in ${key1_heads//,/ }; do
  grep -q "^$t " "$T/witness" || fail "key 1's head at transaction $t left the witness"
done
expect_rc_contains 0 "witness: $h3 signed heads checked, all on the chain" \
  till_user T-LANE-02 audrey audit verify --pubkey "$T/pins.pem" --witness "$T/witness"
assert_last_contains "signatures: $n3 valid"
# on trust (no pin): key 1 taken as it is, keys 2 and 3 through the endorsements
expect_rc_contains 0 "0 signed heads appended, $n3 already witnessed" witness
cp -- "$T/witness" "$T/witness.kept"

stop_tilld || fail "tilld exited with $TILLD_RC"
ORIG=$DB
openssl genpkey -algorithm ED25519 -out "$T/forger.pem" 2>/dev/null || fail "no forger's key"

# refused NAME FINDING KEY -- on copy NAME, tilld (key 3) starts, logs
# FINDING, records it, refuses a sale, and still lets the auditor read;
# the witness and verify fail naming signing key KEY; the witness file is
# untouched.
refused() {
  use_db "$T/$1.db"
  start_tilld --signing_key "$T/keys3/k.pem" || fail "$1: tilld did not start (exit $TILLD_RC)"
  assert_file_contains "$TILLD_LOG" "START-UP CHECK FAILED: $2"
  expect_rc_contains 15 "the ledger failed tilld's start-up check ($2" \
    till_user T-LANE-01 carol sale PARK1H --method card
  expect_rc 0 till_user T-LANE-02 audrey audit ledger
  assert_eq "$(sql "SELECT count(*) FROM journal")" "$(grep -c ' sale ' "$T/last.out")" \
    "$1: transactions the auditor reads"
  local quoted=${2//\'/\'\'}
  assert_eq "$2" "$(sql "SELECT substr(detail, 1, length('$quoted')) FROM security_events
                         WHERE kind = 'ledger_check_failed' ORDER BY id DESC LIMIT 1")" \
    "$1: the finding in security_events"
  expect_rc_contains 1 "$3" witness --pubkey "$T/pins.pem"
  assert_last_contains "nothing was witnessed"
  cmp -s "$T/witness" "$T/witness.kept" || fail "$1: the witness file changed"
  expect_rc_contains 1 "$3" \
    till_user T-LANE-02 audrey audit verify --pubkey "$T/pins.pem" --witness "$T/witness"
  stop_tilld || fail "$1: tilld exited with $TILLD_RC"
  use_db "$ORIG"
}

step "a forged key 4, 'endorsed' by itself, and a head signed under it"
db_copy "$T/key4.db"
python3 "$FORGE" addkey "$T/key4.db" "$T/forger.pem" 4 3 || fail "cannot add the key"
python3 "$FORGE" signhead "$T/key4.db" "$T/forger.pem" 4 checkpoint || fail "cannot sign"
refused key4 "signing key 4 in server_keys is not endorsed, through the ledger's rotations, by the key tilld holds (key 3)" \
  "the endorsement of signing key 4 by key 3 does not verify"

step "key 1 made to name a forged key 0 as the key it replaced"
db_copy "$T/key0.db"
python3 "$FORGE" addkey "$T/key0.db" "$T/forger.pem" 0 0 || fail "cannot add the key"
trigger=$(sql "SELECT sql FROM sqlite_master WHERE name = 'server_keys_no_update'")
sql_on "$T/key0.db" "DROP TRIGGER server_keys_no_update;
  UPDATE server_keys SET endorsed_by = 0 WHERE id = 1; $trigger;" || fail "cannot forge key 1's row"
refused key0 "signing key 1 names key 0 as the key it replaced, not the key before it" \
  "signing key 0 is malformed or out of order"

step "the original, untouched, still passes"
start_tilld --signing_key "$T/keys3/k.pem" || fail "tilld did not start (exit $TILLD_RC)"
assert_file_contains "$TILLD_LOG" "start-up check passed"
expect_rc_contains 0 "witness: $h3 signed heads checked, all on the chain" \
  till_user T-LANE-02 audrey audit verify --pubkey "$T/pins.pem" --witness "$T/witness"
