#!/usr/bin/env bash
# test_key_rotation.sh -- `tilld rotate-key` twice (issue 23 item 6): each
# new key is endorsed by the one it replaces; afterwards AuditHeads returns
# the signatures under all three keys, each verified under its own key, by
# `till audit verify` online and `--file` on an export, with the auditor's
# pin file holding only the first key; `till audit pubkey --pin` grows that
# file to three keys without touching the first; a replaced key no longer
# starts tilld; a rotation that cannot be right writes nothing; a forged
# endorsement or an unpinned, unendorsed key fails the verify.
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_world.sh"
source "$(dirname -- "$0")/lib_keys.sh"

register_lanes
world_catalog
world_users carol sam audrey
world_login T-LANE-01:carol ADMIN-01:sam T-LANE-02:audrey
open_shift T-LANE-01 carol

keys_count() { sql "SELECT count(*) FROM server_keys"; }

step "key 1 signs; the auditor pins it"
sales 3
checkpoint
expect_rc 0 till_user T-LANE-02 audrey audit pubkey
cp -- "$T/last.out" "$T/pins.pem"
cp -- "$T/pins.pem" "$T/pins-first.pem"
assert_eq 1 "$(grep -c 'BEGIN PUBLIC KEY' "$T/pins.pem")" "keys printed before any rotation"

step "rotate-key refuses what cannot be right, and writes nothing"
stop_tilld || fail "tilld exited with $TILLD_RC"
make_signing_key "$T/keys2/k.pem"
make_signing_key "$T/keys3/k.pem"
expect_rc_contains 2 "--new-key FILE|pkcs11:URI is required" \
  rotate --signing_key "$SIGNING_KEY"
expect_rc_contains 1 "is already key 1 of this ledger" \
  rotate --signing_key "$SIGNING_KEY" --new-key "$SIGNING_KEY"
expect_rc_contains 1 "is not the ledger's current key (key 1" \
  rotate --signing_key "$T/keys2/k.pem" --new-key "$T/keys3/k.pem"
openssl genpkey -algorithm ED25519 -out "$DB.k.pem" 2>/dev/null && chmod 400 -- "$DB.k.pem"
expect_rc_contains 2 "lies in the database's directory" \
  rotate --signing_key "$SIGNING_KEY" --new-key "$DB.k.pem"
assert_eq 1 "$(keys_count)" "server keys after the refused rotations"
assert_eq 0 "$(sql "SELECT count(*) FROM security_events WHERE kind = 'key_rotated'")" \
  "rotation events after the refused rotations"

step "rotate to key 2: endorsed by key 1; key 1 no longer starts tilld"
expect_rc_contains 0 "replaces key 1" \
  rotate --signing_key "$SIGNING_KEY" --new-key "$T/keys2/k.pem"
assert_last_contains "Set signing_key = $T/keys2/k.pem"
expect_sql "2|1|64" "SELECT id, endorsed_by, length(endorsement) FROM server_keys WHERE id = 2"
if start_tilld; then
  fail "tilld started with the replaced key 1"
fi
assert_file_contains "$TILLD_LOG" "is key 1, which key 2"
start_tilld --signing_key "$T/keys2/k.pem" || fail "tilld did not start with key 2 (exit $TILLD_RC)"
sales 2
checkpoint

step "rotate to key 3, endorsed by key 2"
stop_tilld || fail "tilld exited with $TILLD_RC"
expect_rc_contains 0 "replaces key 2" \
  rotate --signing_key "$T/keys2/k.pem" --new-key "$T/keys3/k.pem"
start_tilld --signing_key "$T/keys3/k.pem" || fail "tilld did not start with key 3 (exit $TILLD_RC)"
sales 2
checkpoint

# what the database holds, counted here: signatures per key, all together
per_key=$(sql "SELECT group_concat(key_id || ':' || n, ' ') FROM (SELECT key_id, count(*) AS n FROM chain_signatures GROUP BY key_id ORDER BY key_id)")
[[ $per_key =~ ^1:[1-9][0-9]*\ 2:[1-9][0-9]*\ 3:[1-9][0-9]*$ ]] ||
  fail "signatures per key: '$per_key' (every key should have signed)"
nsig=$(sql "SELECT count(*) FROM chain_signatures")
ntx=$(sql "SELECT count(*) FROM journal")
step "signatures per key: $per_key ($nsig in all, $ntx transactions)"

step "verify online, pinned to key 1 only: every signature under its own key"
expect_rc_contains 0 "ledger verified: $ntx transactions" \
  till_user T-LANE-02 audrey audit verify --pubkey "$T/pins.pem"
assert_last_contains "signatures: $nsig valid"
expect_rc 0 till_user T-LANE-02 audrey --json audit verify --pubkey "$T/pins.pem"
assert_last_contains "\"ok\":true"
assert_last_contains "\"signatures\":$nsig,"

step "the pinned set grows: two keys added, the first kept byte for byte"
expect_rc_contains 0 "$T/pins.pem: 3 pinned keys, 2 added" \
  till_user T-LANE-02 audrey audit pubkey --pin "$T/pins.pem"
assert_eq 3 "$(grep -c 'BEGIN PUBLIC KEY' "$T/pins.pem")" "keys in the pin file"
cmp -s -n "$(stat -c %s "$T/pins-first.pem")" "$T/pins-first.pem" "$T/pins.pem" ||
  fail "the pin file no longer starts with the first key as it was"
expect_rc_contains 0 "3 pinned keys, 0 added" till_user T-LANE-02 audrey audit pubkey --pin "$T/pins.pem"
expect_rc 0 till_user T-LANE-02 audrey audit pubkey
assert_eq 3 "$(grep -c 'BEGIN PUBLIC KEY' "$T/last.out")" "keys 'till audit pubkey' prints"

step "an export carries every key; it verifies offline against either pin file"
expect_rc 0 till_user T-LANE-02 audrey audit export
cp -- "$T/last.out" "$T/all.tillx"
# the export signs its snapshot: one signature more (issue 22)
expect_rc_contains 0 "signatures: $((nsig + 1)) valid" \
  till_user T-LANE-02 audrey audit verify --file "$T/all.tillx" --pubkey "$T/pins-first.pem"
expect_rc_contains 0 "signatures: $((nsig + 1)) valid" \
  till_user T-LANE-02 audrey audit verify --file "$T/all.tillx" --pubkey "$T/pins.pem"

step "a stranger's key pinned: key 1 is named, online and offline"
openssl genpkey -algorithm ed25519 2>/dev/null | openssl pkey -pubout -out "$T/other.pem" ||
  fail "cannot make another key"
expect_rc_contains 1 "signing key 1 is not among the pinned keys in $T/other.pem" \
  till_user T-LANE-02 audrey audit verify --pubkey "$T/other.pem"
expect_rc_contains 1 "signing key 1 is not among the pinned keys in $T/other.pem" \
  till_user T-LANE-02 audrey audit verify --file "$T/all.tillx" --pubkey "$T/other.pem"
expect_rc_contains 1 "nothing written" till_user T-LANE-02 audrey audit pubkey --pin "$T/other.pem"
assert_eq 1 "$(grep -c 'BEGIN PUBLIC KEY' "$T/other.pem")" "keys in the stranger's pin file"

step "a key slipped in without an endorsement fails the verify, even pinned to key 1"
stop_tilld || fail "tilld exited with $TILLD_RC"
db_copy "$T/forged.db"
trigger=$(sql_on "$T/forged.db" "SELECT sql FROM sqlite_master WHERE name = 'server_keys_no_update'")
sql_on "$T/forged.db" "DROP TRIGGER server_keys_no_update;
  UPDATE server_keys SET endorsement = zeroblob(64) WHERE id = 3; $trigger;" ||
  fail "cannot forge the copy"
use_db "$T/forged.db"
start_tilld --signing_key "$T/keys3/k.pem" || fail "tilld did not start on the copy"
expect_rc_contains 1 "the endorsement of signing key 3 by key 2 does not verify" \
  till_user T-LANE-02 audrey audit verify --pubkey "$T/pins-first.pem"
stop_tilld || fail "tilld exited with $TILLD_RC"
