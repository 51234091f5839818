#!/usr/bin/env bash
# test_limits.sh -- handshake_timeout, max_connections and idle_timeout.
#
# A peer that never finishes its TLS handshake is cut off after
# handshake_timeout; connections past max_connections are closed at accept
# (connections still in their handshake count) while those already open
# keep working; a connection idle for idle_timeout is closed.
source "$(dirname -- "$0")/lib.sh"

admin_login
token=$(session_token ADMIN-01)

step "a TCP peer that never starts TLS is closed after handshake_timeout (2 s)"
restart_tilld --handshake_timeout 2
expect_rc 0 probe_as ADMIN-01 nohandshake 10
assert_last_contains "connected"
ms=$(sed -n 's/^closed after \([0-9]*\) ms$/\1/p' "$T/last.out")
[ -n "$ms" ] || { _show_last; fail "no 'closed after N ms' line"; }
[ "$ms" -ge 1500 ] && [ "$ms" -le 5000 ] || fail "closed after $ms ms; expected about 2000"
wait_file_contains "$TILLD_LOG" "TLS handshake failed: not finished within 2 s" 5
expect_rc_contains 0 "ok root" probe_as ADMIN-01 whoami "$token"

step "max_connections 2: one working TLS connection and one half-open TCP one"
# handshake_timeout 30 keeps the half-open connection counted for the whole
# step. Order makes it deterministic: the third connection is accepted after
# the two before it (the kernel's accept queue is FIFO), and both of those
# have completed connect() before it starts.
restart_tilld --max_connections 2 --handshake_timeout 30
bg hold probe_as ADMIN-01 hold-whoami "$token" "$T/gate"
hold_pid=$BG_PID
wait_file_contains "$T/hold.out" "ready" 10
bg tcp probe_as ADMIN-01 nohandshake 60
tcp_pid=$BG_PID
wait_file_contains "$T/tcp.out" "connected" 10

step "a third connection is refused at once"
# (till's own report of this refusal is test_client_refused.sh's)
expect_rc 3 probe_as ADMIN-01 whoami "$token"
assert_last_contains "closed TLS handshake with 127.0.0.1:$PORT failed"
wait_file_contains "$TILLD_LOG" "refused, 2 connections open (max_connections)" 5
expect_rc 0 probe_as ADMIN-01 nohandshake 5
ms=$(sed -n 's/^closed after \([0-9]*\) ms$/\1/p' "$T/last.out")
[ -n "$ms" ] && [ "$ms" -lt 1000 ] || { _show_last; fail "the refused connection was not closed at once"; }
# the two counted connections are still there
kill -0 "$tcp_pid" 2>/dev/null || { cat -- "$T/tcp.out" >&9; fail "the half-open connection was closed"; }
kill -0 "$hold_pid" 2>/dev/null || { cat -- "$T/hold.out" >&9; fail "the working connection was closed"; }

step "the connection already open keeps working"
touch -- "$T/gate"
wait_bg "$hold_pid" 15 || { cat -- "$T/hold.out" >&9; fail "second whoami on the open connection failed"; }
assert_eq "ok root"$'\n'"ready"$'\n'"ok root" "$(cat -- "$T/hold.out")" "hold-whoami output"

step "a freed slot is usable again"
# the server notices the closed connection asynchronously: retry, bounded
ok=0
for ((i = 0; i < 50; i++)); do
  run till_as ADMIN-01 whoami
  if [ "$LAST_RC" = 0 ]; then
    ok=1
    break
  fi
  sleep 0.1
done
[ "$ok" = 1 ] || { _show_last; fail "no connection accepted after one of two slots was freed"; }
assert_last_contains "user      root"
kill "$tcp_pid" 2>/dev/null || true
wait "$tcp_pid" 2>/dev/null || true

step "a connection idle for idle_timeout (1 s) is closed"
rm -f -- "$T/gate"
restart_tilld --idle_timeout 1
bg idle probe_as ADMIN-01 hold-whoami "$token" "$T/gate"
idle_pid=$BG_PID
wait_file_contains "$T/idle.out" "ready" 10
sleep 2.5
touch -- "$T/gate"
if wait_bg "$idle_pid" 15; then
  cat -- "$T/idle.out" >&9
  fail "a whoami after 2.5 s idle was answered on the same connection"
fi
assert_file_contains "$T/idle.out" "closed"
wait_file_contains "$TILLD_LOG" "(ADMIN-01): idle for 1 s; closing" 5
expect_rc_contains 0 "ok root" probe_as ADMIN-01 whoami "$token"
