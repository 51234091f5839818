#!/usr/bin/env bash
# test_tls.sh -- who may connect: mutual TLS, the terminal registry, TLS
# versions.
#
# A connection needs a client certificate from the server's CA whose CN is a
# registered, enabled terminal, over TLS 1.3 (1.2 only when configured); the
# client in turn checks the server against its own CA.
source "$(dirname -- "$0")/lib.sh"

register_lanes

# s_client ARGS... -- openssl s_client to tilld with the real CA, bounded.
# It ends when its stdin (/dev/null) does; pass -ign_eof to make it read
# until the server ends the connection instead, so that an alert sent after
# the client's Finished (TLS 1.3) is seen.
s_client() {
  timeout 10 openssl s_client -connect "127.0.0.1:$PORT" -servername localhost \
    -CAfile "$T/certs/ca.crt" "$@"
}

step "no client certificate: the server refuses with 'certificate required'"
run s_client -ign_eof
[ "$LAST_RC" -ne 0 ] || { _show_last; fail "s_client without a certificate succeeded"; }
[ "$LAST_RC" -ne 124 ] || { _show_last; fail "s_client without a certificate hung"; }
assert_last_contains "certificate required"
wait_file_contains "$TILLD_LOG" "peer did not return a certificate" 5

step "a certificate file that does not exist: till stops with a clear message"
TILL_PASSWORD=x run till_as T-LANE-01 --cert "$T/no/such.crt" login root
[ "$LAST_RC" = 2 ] || [ "$LAST_RC" = 3 ] || { _show_last; fail "expected exit 2 or 3"; }
assert_last_contains "loading terminal certificate $T/no/such.crt"
assert_last_contains "No such file"

step "a certificate from another CA: refused (3), nothing recorded as a login"
# (that till also names the reason, "unknown ca", is test_client_refused.sh's)
TILL_PASSWORD=$ROOT_PW expect_rc 3 till_as OTHER-CA login root
[ ! -e "$(session_file OTHER-CA)" ] || fail "a session file was written"
wait_file_contains "$TILLD_LOG" "certificate verify failed" 5
# the same terminal id with the right certificate gets in
TILL_PASSWORD=$ROOT_PW expect_rc 0 till_as T-LANE-01 login root
expect_sql 1 "SELECT count(*) FROM security_events WHERE kind='login_ok' AND terminal_id='T-LANE-01'"

step "the client checks the server too: a server from another CA is refused (3)"
TILL_PASSWORD=$ROOT_PW expect_rc_contains 3 "server certificate" \
  till_as T-LANE-02 --ca "$T/other-ca/ca.crt" login root

# The refusals below are checked with till-probe, which shows exactly what
# the server sent; till's own report of them is test_client_refused.sh's.
step "a valid certificate for an unregistered terminal: refused, 'not registered'"
expect_rc_contains 1 "error 2 terminal T-GHOST is not registered" probe_as T-GHOST whoami ""
expect_rc_contains 1 "error 2 terminal T-GHOST is not registered" probe_as T-GHOST whoami ""
expect_sql 2 "SELECT count(*) FROM security_events WHERE kind='terminal_unknown' AND terminal_id='T-GHOST'"
expect_sql 0 "SELECT count(*) FROM sessions WHERE terminal_id='T-GHOST'"

step "a disabled terminal: refused at connect, its sessions are useless"
TILL_PASSWORD=$ROOT_PW expect_rc 0 till_as T-LANE-02 login root
lane2_token=$(session_token T-LANE-02)
expect_rc_contains 0 "disabled terminal" till_as ADMIN-01 admin terminal disable T-LANE-02
expect_rc_contains 1 "error 2 terminal T-LANE-02 is disabled" probe_as T-LANE-02 whoami "$lane2_token"
expect_rc_contains 1 "error 2 terminal T-LANE-02 is disabled" probe_as T-LANE-02 whoami ""
expect_rc_contains 1 "error 2 terminal T-LANE-02 is disabled" probe_as T-LANE-02 whoami ""
expect_sql 3 "SELECT count(*) FROM security_events WHERE kind='terminal_disabled' AND terminal_id='T-LANE-02' AND detail='connection refused'"
# the other lane is not affected
expect_rc_contains 0 "terminal  T-LANE-01" till_as T-LANE-01 whoami

step "a TLS 1.2-only client gets no session from a TLS 1.3 server"
run s_client -ign_eof -tls1_2 -cert "$T/certs/terminal-T-LANE-01.crt" \
  -key "$T/certs/terminal-T-LANE-01.key"
[ "$LAST_RC" -ne 0 ] || { _show_last; fail "s_client -tls1_2 succeeded"; }
[ "$LAST_RC" -ne 124 ] || { _show_last; fail "s_client -tls1_2 hung"; }
assert_last_contains "alert protocol version"
assert_last_contains "Cipher is (NONE)"
wait_file_contains "$TILLD_LOG" "unsupported protocol" 5

step "with tls_min_version 1.2 the same client gets in"
restart_tilld --tls_min_version 1.2
wait_file_contains "$TILLD_LOG" "(TLS 1.2 minimum" 5
run s_client -tls1_2 -cert "$T/certs/terminal-T-LANE-01.crt" -key "$T/certs/terminal-T-LANE-01.key"
assert_eq 0 "$LAST_RC" "exit code of s_client -tls1_2 against a 1.2 server"
assert_last_contains "Protocol  : TLSv1.2"
assert_last_lacks "Cipher is (NONE)"
assert_last_lacks "alert"
# and still not without a certificate
run s_client -ign_eof -tls1_2
[ "$LAST_RC" -ne 0 ] || { _show_last; fail "s_client -tls1_2 without a certificate succeeded"; }
[ "$LAST_RC" -ne 124 ] || { _show_last; fail "s_client -tls1_2 without a certificate hung"; }
assert_last_contains "alert handshake failure"
# a TLS 1.3 client is still served
expect_rc_contains 0 "user      root" till_as T-LANE-01 whoami

step "clients that vanish without close_notify: info lines and one count, not notices"
# A client that loses power or is killed ends its TLS without close_notify;
# a busy office makes many of those. Each is one line at info, and a notice
# counts them once a minute (and at shutdown), so the log stays readable.
restart_tilld
mark=$(wc -l <"$TILLD_LOG")
expect_rc_contains 0 "vanished 25" probe_as T-LANE-01 vanish 25
step "five handshakes without a certificate: the first is a notice, the rest info"
for i in 1 2 3 4 5; do
  run s_client -ign_eof
  [ "$LAST_RC" -ne 0 ] || { _show_last; fail "s_client without a certificate succeeded"; }
done
wait_file_contains "$TILLD_LOG" "peer did not return a certificate" 5
stop_tilld || fail "tilld exited with $TILLD_RC on SIGTERM"
after=$(tail -n +"$((mark + 1))" -- "$TILLD_LOG")
ended=$(grep -c '\[info\] net: .*(T-LANE-01): connection ended: ' <<<"$after" || true)
assert_eq 25 "$ended" "info lines for the 25 vanished clients"
first=$(grep -c '\[notice\] tls: .*TLS handshake failed: .*(the first from 127.0.0.1;' <<<"$after" || true)
assert_eq 1 "$first" "notices for the failed handshakes from 127.0.0.1"
later=$(grep -c '\[info\] tls: .*TLS handshake failed: ' <<<"$after" || true)
assert_eq 4 "$later" "info lines for the later failed handshakes"
if grep -q '\[notice\] .*unexpected eof' <<<"$after"; then
  fail "a vanished client still makes a notice: $(grep 'unexpected eof' <<<"$after" | head -3)"
fi
count=$(grep '\[notice\] net: since the last count: ' <<<"$after") ||
  fail "no count of the noisy connections at shutdown"
[[ $count == *"25 connection(s) ended without a TLS close_notify or with a TLS error; 5 TLS handshake(s) failed (1 from new addresses)"* ]] ||
  fail "the count at shutdown is not 25 and 5 (1 new): $count"
start_tilld || fail "tilld did not start again (exit $TILLD_RC)"
