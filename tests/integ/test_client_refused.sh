#!/usr/bin/env bash
# test_client_refused.sh -- till says why the server refused the terminal.
#
# Regression test for two client bugs found while writing test_tls.sh
# (client/main.c, client/conn.c): when tilld refuses a terminal at connect time
# it sends its reason (a TLS alert, or an Error envelope with request id 0)
# and closes. till then
#   - died of SIGPIPE (exit 141, no message at all) about half the time,
#     when cconn_close()'s SSL_shutdown wrote close_notify to the closed
#     socket, because till does not ignore SIGPIPE; and
#   - said only "connection lost while sending" most of the time when its
#     certificate was refused, because its request write failed with
#     ECONNRESET and it never read the alert already waiting for it.
# The same SIGPIPE killed till when a connection past max_connections was
# closed at accept, before its ClientHello was written.
# Each case is tried several times: a timing-dependent failure must not get
# through by luck. None of them reaches the password check, so it is cheap.
source "$(dirname -- "$0")/lib.sh"

TRIES=8
register_lanes
expect_rc 0 till_as ADMIN-01 admin terminal disable T-LANE-02

step "unregistered terminal: exit 12, 'not registered', every time"
for ((i = 0; i < TRIES; i++)); do
  TILL_PASSWORD=$ROOT_PW expect_rc_contains 12 "terminal T-GHOST is not registered" \
    till_as T-GHOST login root
done

step "disabled terminal: exit 12, 'is disabled', every time"
for ((i = 0; i < TRIES; i++)); do
  TILL_PASSWORD=$ROOT_PW expect_rc_contains 12 "terminal T-LANE-02 is disabled" \
    till_as T-LANE-02 login root
done

step "certificate from another CA: exit 3 naming the alert, every time"
for ((i = 0; i < TRIES; i++)); do
  TILL_PASSWORD=$ROOT_PW expect_rc_contains 3 "unknown ca" till_as OTHER-CA login root
done

step "past max_connections: exit 3, 'TLS handshake ... failed', every time"
restart_tilld --max_connections 1 --handshake_timeout 60
bg tcp probe_as ADMIN-01 nohandshake 60
wait_file_contains "$T/tcp.out" "connected" 10
for ((i = 0; i < TRIES; i++)); do
  expect_rc_contains 3 "TLS handshake with 127.0.0.1:$PORT failed" till_as ADMIN-01 whoami
done
wait_file_contains "$TILLD_LOG" "refused, 1 connections open (max_connections)" 5

step "a posting command with an unreadable key: exit 3 at once, no retries"
restart_tilld
mkdir -p "$T/term/BROKEN"
sed 's#^key = .*#key = ../../certs/no-such.key#' "$T/term/ADMIN-01/till.conf" >"$T/term/BROKEN/till.conf"
cp -p "$(session_file ADMIN-01)" "$(session_file BROKEN)" # logged in: only the key is wrong
t0=$(date +%s%N)
expect_rc_contains 3 "no-such.key" till_as BROKEN sale PARK1H --method cash
assert_last_lacks "retrying"
ms=$((($(date +%s%N) - t0) / 1000000))
[ "$ms" -lt 2000 ] || fail "a local key problem took $ms ms (retried?)"
