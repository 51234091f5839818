#!/usr/bin/env bash
# test_tls_scan.sh -- what a TLS scanner sees of tilld.
#
# sslscan (Debian package "sslscan") probes tilld on loopback the way an
# outsider would, without a client certificate, and then again with a
# terminal's certificate, so that handshakes complete and every cipher the
# server would use shows. By default only TLS 1.3 may be offered (no SSLv2/3,
# TLS 1.0, 1.1 or 1.2), only strong ciphers and key-exchange groups, no
# renegotiation, no Heartbleed; the certificate is ECDSA P-256 with the SAN
# certs/make-dev-certs.sh gives it; a client without a certificate gets no
# session. With tls_min_version 1.2, TLS 1.2 joins with forward-secret
# ECDHE-ECDSA suites only (docs/security.md records the full list).
#
# Skips (exit 0, a SKIP line) only when the scanner is not installed.
SSLSCAN=${SSLSCAN:-sslscan}
if ! command -v "$SSLSCAN" >/dev/null 2>&1; then
  printf 'SKIP %s: %s is not installed (Debian package sslscan)\n' \
    "$(basename -- "$0" .sh)" "$SSLSCAN"
  exit 0
fi
source "$(dirname -- "$0")/lib.sh"

TLS13_CIPHERS='TLS_AES_128_GCM_SHA256 TLS_AES_256_GCM_SHA384 TLS_CHACHA20_POLY1305_SHA256'
# x25519, secp256r1, secp384r1 (TLS group ids, as sslscan writes them)
GROUPS_WANTED='0x0017 0x0018 0x001d '
SAN='DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1'

# scan NAME [sslscan args] -- sslscan's XML report of tilld in $T/NAME.xml
# (bounded; sslscan gives up on a socket after 3 s).
scan() {
  local name=$1
  shift
  run timeout 120 "$SSLSCAN" --no-colour --xml="$T/$name.xml" "$@" "127.0.0.1:$PORT"
  [ "$LAST_RC" = 0 ] || { _show_last; fail "sslscan $name exited with $LAST_RC"; }
  cp -- "$T/last.out" "$T/$name.txt"
  [ -s "$T/$name.xml" ] || fail "sslscan $name wrote no report"
}

# scan_with_cert NAME -- scan as terminal ADMIN-01 (a registered terminal).
scan_with_cert() {
  scan "$1" --certs="$T/certs/terminal-ADMIN-01.crt" --pk="$T/certs/terminal-ADMIN-01.key"
}

# xml_attr NAME ELEMENT ATTR -- ATTR of every ELEMENT in the report, one a line.
xml_attr() {
  grep -o "<$2 [^>]*>" -- "$T/$1.xml" | sed -n "s/.* $3=\"\\([^\"]*\\)\".*/\\1/p"
}

# protocols NAME -- "ssl2=0 ssl3=0 tls1.0=0 ..." from the report.
protocols() {
  grep -o '<protocol [^>]*>' -- "$T/$1.xml" |
    sed -n 's/.*type="\([a-z]*\)" version="\([0-9.]*\)" enabled="\([01]\)".*/\1\2=\3/p' | tr '\n' ' '
}

# ciphers NAME -- "VERSION CIPHER STRENGTH BITS" per cipher the server accepted.
ciphers() {
  paste -d ' ' <(xml_attr "$1" cipher sslversion) <(xml_attr "$1" cipher cipher) \
    <(xml_attr "$1" cipher strength) <(xml_attr "$1" cipher bits)
}

# check_common NAME -- what every scan must show: no renegotiation, no
# Heartbleed, strong ciphers, groups of 112 bits or more, and the server's
# certificate: ECDSA P-256, signed with SHA-256, the expected SAN, valid.
check_common() {
  local name=$1 version cipher strength bits
  assert_eq 0 "$(xml_attr "$name" renegotiation supported)" "$name: renegotiation supported"
  [ -z "$(xml_attr "$name" heartbleed vulnerable | grep -v '^0$')" ] ||
    fail "$name: the scanner reports Heartbleed"
  [ -n "$(ciphers "$name")" ] || fail "$name: the scanner saw no cipher at all"
  while read -r version cipher strength bits; do
    case $strength in
      strong | acceptable) ;;
      *) fail "$name: cipher $cipher ($version) is rated '$strength' by the scanner" ;;
    esac
    [ "$bits" -ge 128 ] || fail "$name: cipher $cipher has $bits bits"
    case $cipher in
      *NULL* | *anon* | *RC4* | *DES* | *MD5* | *EXPORT* | *PSK* | *SRP*)
        fail "$name: a weak cipher is accepted: $cipher" ;;
    esac
  done < <(ciphers "$name")
  for bits in $(xml_attr "$name" group bits); do
    [ "$bits" -ge 112 ] || fail "$name: a key-exchange group of $bits bits is offered"
  done
  # exactly the configured groups: no slow finite-field groups (ffdhe*)
  assert_eq "$GROUPS_WANTED" "$(xml_attr "$name" group id | sort -u | tr '\n' ' ')" \
    "$name: key-exchange groups offered (ids)"
  assert_eq "EC prime256v1" "$(xml_attr "$name" pk type) $(xml_attr "$name" pk curve_name)" \
    "$name: server key"
  grep -q '<signature-algorithm>ecdsa-with-SHA256</signature-algorithm>' -- "$T/$name.xml" ||
    fail "$name: the certificate is not signed with ecdsa-with-SHA256"
  grep -qF "<altnames><![CDATA[$SAN]]></altnames>" -- "$T/$name.xml" ||
    fail "$name: the certificate's SAN is not '$SAN'"
  grep -q '<expired>false</expired>' -- "$T/$name.xml" || fail "$name: the certificate has expired"
}

# tls13_only NAME -- only TLS 1.3 offered, with exactly its three AEAD suites.
tls13_only() {
  local name=$1
  assert_eq "ssl2=0 ssl3=0 tls1.0=0 tls1.1=0 tls1.2=0 tls1.3=1 " "$(protocols "$name")" \
    "$name: protocols offered"
  assert_eq "$(tr ' ' '\n' <<<"$TLS13_CIPHERS" | sort)" \
    "$(ciphers "$name" | awk '{ print $2 }' | sort)" "$name: ciphers accepted"
  [ -z "$(ciphers "$name" | awk '$1 != "TLSv1.3"')" ] || fail "$name: a cipher outside TLS 1.3"
}

# connected_count -- terminals that got past the handshake so far.
connected_count() { grep -c ': terminal [^ ]* connected$' -- "$TILLD_LOG" || true; }

admin_login
ROOT_TOK=$(session_token ADMIN-01)

step "an outsider's scan (no client certificate): TLS 1.3 only, strong ciphers"
before=$(connected_count)
scan plain --show-sigs
tls13_only plain
check_common plain
# the handshakes the scanner started never got anywhere
assert_eq "$before" "$(connected_count)" "terminals connected during the scan without a certificate"
wait_file_contains "$TILLD_LOG" "peer did not return a certificate" 5
assert_last_contains "ecdsa_secp256r1_sha256"
expect_rc_contains 0 "ok root" probe_as ADMIN-01 whoami "$ROOT_TOK"
before=$(connected_count)

step "a client without a certificate gets no session (certificate required)"
run timeout 10 openssl s_client -connect "127.0.0.1:$PORT" -servername localhost \
  -CAfile "$T/certs/ca.crt" -ign_eof
if [ "$LAST_RC" = 0 ] || [ "$LAST_RC" = 124 ]; then
  _show_last
  fail "s_client without a certificate: exit $LAST_RC (0: got in, 124: hung)"
fi
assert_last_contains "certificate required"
assert_eq "$before" "$(connected_count)" "terminals connected after s_client without a certificate"

step "a scan with a terminal's certificate: still TLS 1.3 only"
scan_with_cert withcert
tls13_only withcert
check_common withcert
[ "$(connected_count)" -gt "$before" ] || fail "the scan with a certificate never connected"

step "with tls_min_version 1.2: TLS 1.2 joins, forward-secret AEAD ECDHE-ECDSA suites only"
restart_tilld --tls_min_version 1.2
scan_with_cert tls12 --show-sigs
assert_eq "ssl2=0 ssl3=0 tls1.0=0 tls1.1=0 tls1.2=1 tls1.3=1 " "$(protocols tls12)" \
  "tls12: protocols offered"
check_common tls12
while read -r version cipher _; do
  case $version:$cipher in
    TLSv1.3:TLS_*) ;;
    TLSv1.2:ECDHE-ECDSA-AES128-GCM-SHA256 | TLSv1.2:ECDHE-ECDSA-AES256-GCM-SHA384) ;;
    TLSv1.2:ECDHE-ECDSA-CHACHA20-POLY1305) ;;
    *) fail "tls12: unexpected cipher $cipher ($version)" ;;
  esac
done < <(ciphers tls12)
[ -n "$(ciphers tls12 | awk '$1 == "TLSv1.2"')" ] || fail "tls12: no TLS 1.2 cipher accepted"
step "offered with tls_min_version 1.2: $(ciphers tls12 | awk '{ printf "%s%s", s, $2; s = " " }')"

step "tilld survived the scans and still serves an honest client"
expect_rc_contains 0 "ok root" probe_as ADMIN-01 whoami "$ROOT_TOK"
stop_tilld || fail "tilld exited with $TILLD_RC on SIGTERM"
