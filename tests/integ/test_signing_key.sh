#!/usr/bin/env bash
# test_signing_key.sh -- the chain-signing key out of the database owner's
# reach (docs/operations.md, "The signing key"): tilld refuses, at start and
# before it opens the database, a key in the database's folder, a key file
# or folder that the database's owner could write or replace, a key others
# may read, a link, a missing or unset key; with signing_key_check = dev
# only the ownership is let go, and said so. A ledger keeps its key: a key
# it never had is refused, naming rotate-key, and nothing is written.
TILLD_START=0
source "$(dirname -- "$0")/lib.sh"

# key_bad [RC] WANT_TEXT [flags] -- tilld must exit RC (2: a setting) at
# once, saying WANT_TEXT, having written no port file and nothing to the
# database.
key_bad() {
  local rc=2
  if [[ $1 =~ ^[0-9]+$ ]]; then
    rc=$1
    shift
  fi
  local want=$1
  shift
  local before
  before=$(sql "SELECT (SELECT count(*) FROM server_keys) || '/' || (SELECT count(*) FROM chain_signatures)")
  rm -f -- "$PORT_FILE"
  expect_rc_contains "$rc" "$want" timeout 20 "$TILLD" --db "$DB" \
    --cert "$T/certs/server.crt" --key "$T/certs/server.key" --ca "$T/certs/ca.crt" \
    --listen 127.0.0.1:0 --port_file "$PORT_FILE" "$@"
  [ ! -e "$PORT_FILE" ] || fail "tilld wrote a port file although it refused its key"
  assert_eq "$before" \
    "$(sql "SELECT (SELECT count(*) FROM server_keys) || '/' || (SELECT count(*) FROM chain_signatures)")" \
    "server keys / signatures after the refusal"
}

# a key file as a custodian would make it, in DIR (made), owned by uid OWNER
custodian_key() {
  local dir=$1 owner=$2
  mkdir -p -- "$dir"
  openssl genpkey -algorithm ED25519 -out "$dir/k.pem" 2>/dev/null || fail "openssl genpkey"
  chmod 440 -- "$dir/k.pem"
  chmod 750 -- "$dir"
  chown "$owner:0" -- "$dir/k.pem" "$dir"
}

step "not set: named, with where to read"
key_bad "signing_key: not set" --signing_key ""
assert_last_contains "docs/operations.md"

step "a key that does not exist is not made: the custodian makes it"
key_bad "signing key $T/keys/none.pem does not exist; make it as the key's custodian" \
  --signing_key "$T/keys/none.pem"
[ ! -e "$T/keys/none.pem" ] || fail "tilld made a key although signing_key_check is strict"

step "beside the database (the old default): refused, in every mode"
openssl genpkey -algorithm ED25519 -out "$DB.signing-key.pem" 2>/dev/null
chmod 400 -- "$DB.signing-key.pem"
key_bad "lies in the database's directory $(realpath "$(dirname "$DB")")" --signing_key "$DB.signing-key.pem"
key_bad "lies in the database's directory" --signing_key "$DB.signing-key.pem" --signing_key_check dev
key_bad "lies in the database's directory" --signing_key "$DB.new-key.pem" --signing_key_check dev
[ ! -e "$DB.new-key.pem" ] || fail "tilld made a key beside the database in dev mode"

step "others may read it, or its group write it: refused, naming the mode"
mkdir -p -- "$T/k-mode"
cp -- "$SIGNING_KEY" "$T/k-mode/k.pem"
chmod 644 -- "$T/k-mode/k.pem"
key_bad "signing key $T/k-mode/k.pem has mode 644" --signing_key "$T/k-mode/k.pem" --signing_key_check dev
chmod 460 -- "$T/k-mode/k.pem"
key_bad "has mode 460" --signing_key "$T/k-mode/k.pem" --signing_key_check dev
assert_last_contains "chmod 440"

step "a symbolic link: refused, name the file itself"
ln -s -- "$SIGNING_KEY" "$T/k-link.pem"
key_bad "signing key $T/k-link.pem is a symbolic link" --signing_key "$T/k-link.pem"

if [ "$(id -u)" -eq 0 ]; then
  step "owned by the database's owner (root here): refused, naming the fix"
  custodian_key "$T/k-mine" 0
  key_bad "belongs to uid 0, the database's owner, who could replace it" \
    --signing_key "$T/k-mine/k.pem"
  assert_last_contains "keep the key in a token"

  step "in a folder the database's owner could write: refused"
  custodian_key "$T/k-dir" 65534
  chown 0:0 -- "$T/k-dir"
  key_bad "its directory $T/k-dir can be written by uid 0" --signing_key "$T/k-dir/k.pem"
  chown 65534:0 -- "$T/k-dir"
  chmod 770 -- "$T/k-dir"
  key_bad "its directory $T/k-dir can be written" --signing_key "$T/k-dir/k.pem"

  step "signing_key_check = dev lets the ownership go, and says so"
  start_tilld --signing_key "$T/k-mine/k.pem" --signing_key_check dev ||
    fail "tilld did not start in dev mode (exit $TILLD_RC)"
  assert_file_contains "$TILLD_LOG" "signing_key_check = dev: the signing key's owner is not checked"
  stop_tilld || fail "tilld exited with $TILLD_RC"
  step "the ledger keeps its first key: another is refused, naming rotate-key"
  key_bad 1 "is not one of this ledger's keys" --signing_key "$SIGNING_KEY"
  assert_last_contains "'tilld rotate-key'"
  expect_sql 1 "SELECT count(*) FROM server_keys"
else
  printf '# SKIP ownership cases: they need root to give a key to another user\n' >&8
fi

step "a bad setting value"
key_bad "signing_key_check: 'loose' must be strict or dev" --signing_key_check loose
