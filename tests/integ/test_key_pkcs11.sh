#!/usr/bin/env bash
# test_key_pkcs11.sh -- the chain-signing key in a PKCS#11 token (issue 22
# item 4), against SoftHSM2: a token made with softhsm2-util in a scratch
# folder (SOFTHSM2_CONF), an Ed25519 key pair made inside it with
# pkcs11-tool; tilld signs through the token (CKM_EDDSA) at a shift close
# and a checkpoint, the public key it registers is the token's (read back
# by pkcs11-tool), and `till audit verify` passes online and on an export.
# A wrong PIN, a missing key, a bad URI or module, and a PIN file beside
# the database are refused at start, naming what is wrong. Then a rotation
# from the token key to a second key in the token, verified again.
#
# Skips (exit 0, a SKIP line) only when softhsm2 or opensc is not installed
# (scripts/install-deps.sh installs both; CI runs it).
MODULE=
for m in /usr/lib/softhsm/libsofthsm2.so /usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so; do
  if [ -f "$m" ]; then
    MODULE=$m
    break
  fi
done
if [ -z "$MODULE" ] || ! command -v softhsm2-util >/dev/null 2>&1 ||
  ! command -v pkcs11-tool >/dev/null 2>&1; then
  printf 'SKIP %s: SoftHSM2 or pkcs11-tool is not installed (Debian packages softhsm2, opensc)\n' \
    "$(basename -- "$0" .sh)"
  exit 0
fi
TILLD_START=0
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_world.sh"
# SoftHSM2 itself leaks a little at every signature: under the sanitizers,
# leaks whose stack is in its library are not tilld's (lsan-softhsm2.supp);
# the slow unwinder sees through libcrypto's frames down to SoftHSM's
export LSAN_OPTIONS="suppressions=$TILL_SOURCE_DIR/tests/integ/lsan-softhsm2.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0"

step "a SoftHSM2 token in a scratch folder, an Ed25519 key pair made inside it"
mkdir -p -- "$T/hsm/tokens"
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' \
  "$T/hsm/tokens" >"$T/hsm/softhsm2.conf"
export SOFTHSM2_CONF=$T/hsm/softhsm2.conf
PIN=246810
expect_rc 0 softhsm2-util --init-token --free --label till-ledger --pin "$PIN" --so-pin 13579135
p11() { pkcs11-tool --module "$MODULE" --token-label till-ledger --login --pin "$PIN" "$@"; }
for label in chain-signing chain-signing-2; do
  expect_rc 0 p11 --keypairgen --key-type EC:edwards25519 --label "$label"
  expect_rc 0 p11 --read-object --type pubkey --label "$label" -o "$T/$label.pub.pem"
  openssl pkey -pubin -in "$T/$label.pub.pem" -noout 2>/dev/null ||
    fail "pkcs11-tool did not give $label's public key as PEM"
done
# the PIN file, kept as a key file is (lib.sh, make_signing_key)
mkdir -p -- "$T/hsm-pin"
printf '%s\n' "$PIN" >"$T/hsm-pin/pin"
chmod 440 -- "$T/hsm-pin/pin"
chmod 750 -- "$T/hsm-pin"
[ "$(id -u)" -ne 0 ] || chown 65534:0 -- "$T/hsm-pin/pin" "$T/hsm-pin"
uri() { printf 'pkcs11:token=till-ledger;object=%s?module-path=%s&pin-source=file:%s' "$1" "$MODULE" "${2:-$T/hsm-pin/pin}"; }
URI=$(uri chain-signing)

# key_bad WANT_RC WANT_TEXT SIGNING_KEY -- tilld refuses to start, saying so
key_bad() {
  if start_tilld --signing_key "$3"; then
    fail "tilld started with signing key $3"
  fi
  [ "$TILLD_RC" = "$1" ] || fail "tilld exited $TILLD_RC, not $1, with signing key $3"
  assert_file_contains "$TILLD_LOG" "$2"
  expect_sql 0 "SELECT count(*) FROM server_keys"
}

step "what is wrong is named, and nothing is registered"
printf '000000\n' >"$T/hsm-pin/wrong"
chmod 440 -- "$T/hsm-pin/wrong"
[ "$(id -u)" -ne 0 ] || chown 65534:0 -- "$T/hsm-pin/wrong"
key_bad 1 "the token refused the PIN from $T/hsm-pin/wrong (CKR 0xa0)" \
  "$(uri chain-signing "$T/hsm-pin/wrong")"
key_bad 1 "token till-ledger holds no single Ed25519 key pair labelled no-such-key" "$(uri no-such-key)"
key_bad 1 "no token labelled other" \
  "pkcs11:token=other;object=chain-signing?module-path=$MODULE&pin-source=file:$T/hsm-pin/pin"
key_bad 1 "cannot load the PKCS#11 module $T/no-module.so" \
  "pkcs11:token=till-ledger;object=chain-signing?module-path=$T/no-module.so&pin-source=file:$T/hsm-pin/pin"
key_bad 2 "expected pkcs11:token=LABEL;object=LABEL?module-path=MODULE" \
  "pkcs11:token=till-ledger;objekt=chain-signing?module-path=$MODULE"
cp -p -- "$T/hsm-pin/pin" "$DB.pin"
key_bad 2 "PIN file $DB.pin lies in the database's directory" "$(uri chain-signing "$DB.pin")"

step "tilld signs through the token: a shift close and a checkpoint"
start_tilld --signing_key "$URI" || fail "tilld did not start with the token's key (exit $TILLD_RC)"
register_lanes
world_catalog
world_users carol sam audrey
world_login T-LANE-01:carol ADMIN-01:sam T-LANE-02:audrey
open_shift T-LANE-01 carol
for i in 1 2 3; do
  expect_rc 0 till_user T-LANE-01 carol sale PARK1H --method cash
done
expect_rc 0 till_user T-LANE-01 carol shift close --count 5x3
expect_rc_contains 0 "signed chain head at transaction" till_user ADMIN-01 sam audit checkpoint
expect_sql "1|shift_close" "SELECT count(*), min(reason) FROM chain_signatures WHERE reason = 'shift_close'"

step "the key it registered and serves is the token's, as pkcs11-tool reads it"
expect_rc 0 till_user T-LANE-02 audrey audit pubkey
cp -- "$T/last.out" "$T/server-pub.pem"
[ "$(openssl pkey -pubin -in "$T/server-pub.pem" -outform DER | od -An -tx1 | tr -d ' \n')" = \
  "$(openssl pkey -pubin -in "$T/chain-signing.pub.pem" -outform DER | od -An -tx1 | tr -d ' \n')" ] ||
  fail "the server's key is not the token's key"
[ "$(sql "SELECT hex(public_key) FROM server_keys WHERE id = 1")" = \
  "$(openssl pkey -pubin -in "$T/chain-signing.pub.pem" -outform DER | tail -c 32 | od -An -tx1 | tr -d ' \n' | tr a-f A-F)" ] ||
  fail "server_keys holds another key than the token's"

step "till audit verify passes, every signature under the token's key, online and offline"
nsig=$(sql "SELECT count(*) FROM chain_signatures")
ntx=$(sql "SELECT count(*) FROM journal")
expect_rc_contains 0 "ledger verified: $ntx transactions" \
  till_user T-LANE-02 audrey audit verify --pubkey "$T/chain-signing.pub.pem"
assert_last_contains "signatures: $nsig valid"
expect_rc 0 till_user T-LANE-02 audrey audit export
cp -- "$T/last.out" "$T/all.tillx"
# the export signs its snapshot: one signature more (issue 22)
expect_rc_contains 0 "signatures: $((nsig + 1)) valid" \
  till_user T-LANE-02 audrey audit verify --file "$T/all.tillx" --pubkey "$T/chain-signing.pub.pem"

step "rotate to the token's second key; both keys' signatures verify"
stop_tilld || fail "tilld exited with $TILLD_RC"
expect_rc_contains 0 "replaces key 1" "$TILLD" rotate-key --db "$DB" \
  ${SIGNING_KEY_FLAGS[@]+"${SIGNING_KEY_FLAGS[@]}"} --signing_key "$URI" --new-key "$(uri chain-signing-2)"
start_tilld --signing_key "$(uri chain-signing-2)" || fail "tilld did not start with the second key"
expect_rc_contains 0 "signed chain head at transaction" till_user ADMIN-01 sam audit checkpoint
nsig=$(sql "SELECT count(*) FROM chain_signatures")
expect_sql "1,2" "SELECT group_concat(DISTINCT key_id) FROM chain_signatures"
expect_rc_contains 0 "signatures: $nsig valid" \
  till_user T-LANE-02 audrey audit verify --pubkey "$T/chain-signing.pub.pem"
stop_tilld || fail "tilld exited with $TILLD_RC"
