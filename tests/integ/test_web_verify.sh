#!/usr/bin/env bash
# test_web_verify.sh -- till-web's /verify with the setting verify_pubkey
# (docs/web.md, "Pages" and "Running it"): the pinned keys are trusted as
# `till audit verify --pubkey FILE` trusts them -- each pinned key, and each
# later key endorsed, rotation by rotation, from a trusted one -- by the
# client's own audit_keys_check, and the page names every key with why it
# was trusted. After one rotation (key 1 pinned, key 2 endorsed by it):
#   unpinned:  verified, and the page says the key is the one tilld
#              presented (unpinned);
#   pinned:    verified with key 1 "pinned in FILE" and key 2 "endorsed by
#              key 1", the counts as `till audit verify --pubkey` prints
#              them, in English and in Chinese;
#   stranger:  a file pinning another key: VERIFICATION FAILED naming key 1,
#              the very text of `till audit verify --pubkey`;
#   forged:    on copies of the database, a key 3 "endorsed" by key 2 under
#              the forger's own key, and a key 3 endorsed by nobody, each
#              with a head signed under it: VERIFICATION FAILED naming key
#              3, as the CLI says it, pinned and unpinned;
#   settings:  an unreadable or non-key verify_pubkey file stops till-web
#              at start.
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_world.sh"
source "$(dirname -- "$0")/lib_keys.sh"
source "$(dirname -- "$0")/lib_ledger.sh"
source "$(dirname -- "$0")/lib_web.sh"

FORGE=$TILL_SOURCE_DIR/tests/integ/chain_forge.py
web_tools test_web_verify
register_lanes
world_catalog
world_users carol sam audrey
world_login T-LANE-01:carol ADMIN-01:sam T-LANE-02:audrey
open_shift T-LANE-01 carol
web_terminal
export WEB_AUDITOR=audrey WEB_AUDITOR_PW=$(world_password audrey)

# pubhex PEM [-pubin] -- the raw Ed25519 public key of a PEM private (or, with
# -pubin, public) key, in hex
pubhex() { openssl pkey ${2:-} -in "$1" -pubout -outform DER 2>/dev/null | tail -c 32 | od -An -tx1 | tr -d ' \n'; }

# verify_page OUT [LANG] -- audrey's /verify on the running till-web, as
# lines: "status N", "verdict TEXT", "trust PINNED TEXT", "key ID WHY TEXT"
# (tags dropped, entities decoded)
verify_page() {
  timeout 60 "$PY" - "$URL" "$T/certs/ca.crt" "${2:-en}" >"$1" 2>&1 <<'PY' || { cat -- "$1" >&9; fail "verify_page failed"; }
import html, os, re, sys
sys.path.insert(0, os.path.join(os.environ["TILL_SOURCE_DIR"], "tests", "integ"))
from web_browser import Client, fail

url, ca, lang = sys.argv[1], sys.argv[2], sys.argv[3]
c = Client(url, ca)
c.login(os.environ["WEB_AUDITOR"], os.environ["WEB_AUDITOR_PW"])
c.cookies["till_lang"] = lang
r, page = c.request("GET", "/verify")


def text(s):
    return html.unescape(re.sub(r"<[^>]*>", "", s)).strip()


print("status", r.status)
m = re.search(r'<p [^>]*id="verdict"[^>]*>(.*?)</p>', page, re.S)
print("verdict", text(m.group(1)) if m else "-")
m = re.search(r'<p [^>]*id="v-trust" data-pinned="(\d)">(.*?)</p>', page, re.S)
print("trust", m.group(1), text(m.group(2)) if m else "-") if m else print("trust - -")
for k, why, row in re.findall(r'<tr data-key="(\d+)" data-why="(\w+)">(.*?)</tr>', page, re.S):
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    print("key", k, why, text(cells[1]), text(cells[2]))
PY
}
# cli_failure -- the text after "VERIFICATION FAILED: " in the CLI's last stderr
cli_failure() { sed -n 's/^till: VERIFICATION FAILED: //p' "$T/last.err"; }
# page_line OUT PREFIX -- the line of OUT starting with PREFIX, without it
page_line() { sed -n "s/^$2 //p" "$1"; }

step "key 1 signs and the auditor pins it; the key is rotated to key 2, which signs"
sales 3
checkpoint
expect_rc 0 till_user T-LANE-02 audrey audit pubkey
cp -- "$T/last.out" "$T/pins-first.pem"
stop_tilld || fail "tilld exited with $TILLD_RC"
make_signing_key "$T/keys2/k.pem"
expect_rc_contains 0 "replaces key 1" rotate --signing_key "$SIGNING_KEY" --new-key "$T/keys2/k.pem"
start_tilld --signing_key "$T/keys2/k.pem" || fail "tilld did not start with key 2 (exit $TILLD_RC)"
sales 2
checkpoint
k1=$(sql "SELECT lower(hex(public_key)) FROM server_keys WHERE id = 1")
k2=$(sql "SELECT lower(hex(public_key)) FROM server_keys WHERE id = 2")
assert_eq "$k2" "$(pubhex "$T/keys2/k.pem")" "key 2 as stored"
assert_eq "$k1" "$(pubhex "$T/pins-first.pem" -pubin)" "the pinned key is key 1"
ntx=$(sql "SELECT count(*) FROM journal")
nsig=$(sql "SELECT count(*) FROM chain_signatures")
openssl genpkey -algorithm ed25519 2>/dev/null | openssl pkey -pubout -out "$T/other.pem" ||
  fail "cannot make a stranger's key"

step "unpinned: verified under the key tilld presents, and the page says so"
start_web "$T/web-unpinned.log" --language en
verify_page "$T/unpinned.out"
expect_rc_contains 0 "ledger verified: $ntx transactions" till_user T-LANE-02 audrey audit verify
assert_file_contains "$T/unpinned.out" "status 200"
assert_file_contains "$T/unpinned.out" "verdict ledger verified: $ntx transactions"
assert_eq "0 Unpinned: the key is the one the ledger server presented; nothing pins it. Set verify_pubkey in till-web's settings to a file from till audit pubkey, or verify with till audit verify --pubkey, to trust nothing of the server." \
  "$(page_line "$T/unpinned.out" trust)" "the unpinned wording"
assert_eq "presented $k1 presented by the ledger server (unpinned)" "$(page_line "$T/unpinned.out" "key 1")" "key 1, unpinned"
assert_eq "endorsed $k2 endorsed by key 1" "$(page_line "$T/unpinned.out" "key 2")" "key 2, unpinned"
stop_web

step "pinned to key 1: key 1 pinned, key 2 endorsed from it; the counts as till audit verify --pubkey"
start_web "$T/web-pinned.log" --language en --verify_pubkey "$T/pins-first.pem"
verify_page "$T/pinned.out"
expect_rc_contains 0 "ledger verified: $ntx transactions" \
  till_user T-LANE-02 audrey audit verify --pubkey "$T/pins-first.pem"
assert_last_contains "signatures: $nsig valid"
assert_file_contains "$T/pinned.out" "status 200"
assert_file_contains "$T/pinned.out" "verdict ledger verified: $ntx transactions"
assert_eq "1 Pinned: signatures are checked only under the keys in $T/pins-first.pem (the setting verify_pubkey) and the keys endorsed from them, as till audit verify --pubkey does." \
  "$(page_line "$T/pinned.out" trust)" "the pinned wording"
assert_eq "pinned $k1 pinned in $T/pins-first.pem" "$(page_line "$T/pinned.out" "key 1")" "key 1, pinned"
assert_eq "endorsed $k2 endorsed by key 1 (trusted from a pinned key)" \
  "$(page_line "$T/pinned.out" "key 2")" "key 2, endorsed from the pinned key"
verify_page "$T/pinned-zh.out" zh
assert_file_contains "$T/pinned-zh.out" "key 1 pinned $k1 指定于 $T/pins-first.pem"
assert_file_contains "$T/pinned-zh.out" "key 2 endorsed $k2 由密钥 1 背书 (经指定公钥信任)"
stop_web

step "a stranger's key pinned: VERIFICATION FAILED naming key 1, as the CLI says"
start_web "$T/web-other.log" --language en --verify_pubkey "$T/other.pem"
verify_page "$T/other.out"
expect_rc 1 till_user T-LANE-02 audrey audit verify --pubkey "$T/other.pem"
want=$(cli_failure)
assert_eq "signing key 1 is not among the pinned keys in $T/other.pem, nor endorsed by one of them" "$want" \
  "the CLI's failure"
assert_file_contains "$T/other.out" "status 200"
assert_eq "VERIFICATION FAILED: $want" "$(page_line "$T/other.out" verdict)" "the page's verdict"
assert_eq "" "$(page_line "$T/other.out" "key")" "keys listed as trusted on a failure"
assert_eq "1 Pinned: signatures are checked only under the keys in $T/other.pem (the setting verify_pubkey) and the keys endorsed from them, as till audit verify --pubkey does." \
  "$(page_line "$T/other.out" trust)" "the pinned wording on a failure"
stop_web

# forged NAME BY -- a copy of the database with key 3 (the forger's) added,
# "endorsed" by key BY under the forger's own key (BY 0: endorsed by
# nobody), and a head signed under it; tilld runs on it
forged() {
  stop_tilld || fail "tilld exited with $TILLD_RC"
  use_db "$ORIG"
  db_copy "$T/$1.db"
  python3 "$FORGE" addkey "$T/$1.db" "$T/forger.pem" 3 "$2" || fail "$1: cannot add the key"
  if [ "$2" = 0 ]; then
    trigger=$(sql_on "$T/$1.db" "SELECT sql FROM sqlite_master WHERE name = 'server_keys_no_update'")
    sql_on "$T/$1.db" "DROP TRIGGER server_keys_no_update;
      UPDATE server_keys SET endorsed_by = NULL, endorsement = NULL WHERE id = 3; $trigger;" ||
      fail "$1: cannot take the endorsement away"
  fi
  python3 "$FORGE" signhead "$T/$1.db" "$T/forger.pem" 3 checkpoint || fail "$1: cannot sign"
  use_db "$T/$1.db"
  start_tilld --signing_key "$T/keys2/k.pem" || fail "$1: tilld did not start (exit $TILLD_RC)"
}
# same_failure OUT PIN -- the page's verdict is the CLI's (--pubkey PIN, or none)
same_failure() {
  if [ -n "$2" ]; then
    expect_rc 1 till_user T-LANE-02 audrey audit verify --pubkey "$2"
  else
    expect_rc 1 till_user T-LANE-02 audrey audit verify
  fi
  local want
  want=$(cli_failure)
  [ -n "$want" ] || fail "the CLI said no VERIFICATION FAILED: $(last_output)"
  assert_eq "VERIFICATION FAILED: $want" "$(page_line "$1" verdict)" "the page's verdict ($1)"
  printf '%s' "$want"
}

ORIG=$DB
openssl genpkey -algorithm ED25519 -out "$T/forger.pem" 2>/dev/null || fail "no forger's key"

step "a forged key 3 'endorsed' by key 2 under its own key: FAILED naming key 3, pinned and not"
forged endorsed 2
start_web "$T/web-forged1.log" --language en --verify_pubkey "$T/pins-first.pem"
verify_page "$T/forged1-pinned.out"
stop_web
assert_eq "the endorsement of signing key 3 by key 2 does not verify" \
  "$(same_failure "$T/forged1-pinned.out" "$T/pins-first.pem")" "pinned: the failure names key 3"
start_web "$T/web-forged1u.log" --language en
verify_page "$T/forged1-unpinned.out"
stop_web
assert_eq "the endorsement of signing key 3 by key 2 does not verify" \
  "$(same_failure "$T/forged1-unpinned.out" "")" "unpinned: the failure names key 3"

step "a key 3 nobody pinned or endorsed signs a head: FAILED naming key 3, pinned and not"
forged unendorsed 0
expect_sql "3||" "SELECT id, endorsed_by, endorsement FROM server_keys WHERE id = 3"
start_web "$T/web-forged2.log" --language en --verify_pubkey "$T/pins-first.pem"
verify_page "$T/forged2-pinned.out"
stop_web
assert_eq "signing key 3 is not among the pinned keys in $T/pins-first.pem, nor endorsed by one of them" \
  "$(same_failure "$T/forged2-pinned.out" "$T/pins-first.pem")" "pinned: the failure names key 3"
start_web "$T/web-forged2u.log" --language en
verify_page "$T/forged2-unpinned.out"
assert_eq "0 Unpinned: the key is the one the ledger server presented; nothing pins it. Set verify_pubkey in till-web's settings to a file from till audit pubkey, or verify with till audit verify --pubkey, to trust nothing of the server." \
  "$(page_line "$T/forged2-unpinned.out" trust)" "the unpinned wording on a failure"
stop_web
assert_eq "signing key 3 is not endorsed by an earlier key; pin it with --pubkey to trust it" \
  "$(same_failure "$T/forged2-unpinned.out" "")" "unpinned: the failure names key 3"
stop_tilld || fail "tilld exited with $TILLD_RC"
use_db "$ORIG"
start_tilld --signing_key "$T/keys2/k.pem" || fail "tilld did not start again (exit $TILLD_RC)"

step "a verify_pubkey that is no key file stops till-web at start"
printf 'not a key\n' >"$T/junk.pem"
# refused_start ARGS -- till-web exits 2 at once naming the file
refused_start() {
  local rc=0
  timeout 20 "$TILL_WEB" --listen 127.0.0.1:0 --cert "$T/certs/server.crt" --key "$T/certs/server.key" \
    --server "127.0.0.1:$PORT" --ca "$T/certs/ca.crt" --terminal_cert "$T/certs/terminal-WEB-01.crt" \
    --terminal_key "$T/certs/terminal-WEB-01.key" "$@" </dev/null >"$T/refused.out" 2>&1 8>&- 9>&- || rc=$?
  assert_eq 2 "$rc" "till-web's exit with $*"
}
refused_start --verify_pubkey "$T/junk.pem"
assert_file_contains "$T/refused.out" "verify_pubkey $T/junk.pem: not an Ed25519 public key in PEM"
refused_start --verify_pubkey "$T/missing.pem"
assert_file_contains "$T/refused.out" "verify_pubkey $T/missing.pem: not an Ed25519 public key in PEM"
refused_start --verify_pubkey ""
assert_file_contains "$T/refused.out" "bad setting --verify_pubkey"
