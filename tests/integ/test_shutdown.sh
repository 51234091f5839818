#!/usr/bin/env bash
# test_shutdown.sh -- SIGTERM and SIGINT stop tilld gracefully.
#
# Exit code 0, "stopped cleanly" in the log, an intact database with
# everything written before the signal (and the WAL checkpointed), and a
# request in flight when the signal lands still gets its answer.
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_world.sh"

register_lanes
world_users alice
login_as T-LANE-01 alice alice-pw-1
token=$(session_token T-LANE-01)

step "SIGTERM: exit 0, 'stopped cleanly', database intact"
stop_tilld || fail "tilld exited with $TILLD_RC on SIGTERM"
assert_file_contains "$TILLD_LOG" "signal 15: no new connections; finishing in-flight requests"
assert_file_contains "$TILLD_LOG" "stopped cleanly; database closed"
assert_eq ok "$(sql 'PRAGMA integrity_check')" "integrity_check"
assert_eq 0 "$(sql 'PRAGMA foreign_key_check' | wc -l)" "foreign_key_check rows"
[ ! -s "$DB-wal" ] || fail "the WAL was not checkpointed on shutdown ($(stat -c %s -- "$DB-wal") bytes left)"
assert_eq "alice|0" "$(sql "SELECT name, disabled FROM users WHERE name='alice'")" "alice after stop"
assert_eq 1 "$(sql "SELECT count(*) FROM sessions WHERE terminal_id='T-LANE-01' AND ended_at IS NULL")" \
  "open sessions on T-LANE-01 after stop"
assert_eq "T-LANE-01 T-LANE-02" \
  "$(sql "SELECT id FROM terminals WHERE id LIKE 'T-LANE-%' ORDER BY id" | xargs)" "lanes after stop"

step "after a restart the data and the session are still there"
start_tilld || fail "tilld did not start again (exit $TILLD_RC)"
expect_rc_contains 0 "user      alice" till_as T-LANE-01 whoami
expect_rc_contains 0 "ok alice" probe_as T-LANE-01 whoami "$token"

step "SIGTERM while a login is in flight: the answer still arrives"
before=$(sql "SELECT count(*) FROM sessions WHERE terminal_id='T-LANE-02'")
expect_rc_contains 0 "ok login" probe_as T-LANE-02 login-then-signal "$TILLD_PID" alice alice-pw-1
wait_tilld 20 || fail "tilld exited with $TILLD_RC after SIGTERM during a login"
assert_eq 2 "$(grep -c 'stopped cleanly' "$TILLD_LOG")" "'stopped cleanly' lines"
assert_eq $((before + 1)) "$(sql "SELECT count(*) FROM sessions WHERE terminal_id='T-LANE-02'")" \
  "sessions on T-LANE-02 after the raced login"
assert_eq 1 "$(sql "SELECT count(*) FROM security_events WHERE kind='login_ok' AND user_name='alice' AND terminal_id='T-LANE-02'")" \
  "login_ok events of the raced login (security events are flushed before exit)"
assert_eq ok "$(sql 'PRAGMA integrity_check')" "integrity_check after the raced login"

step "SIGTERM with an idle client and a half-open connection: prompt, clean exit"
start_tilld || fail "tilld did not start again (exit $TILLD_RC)"
bg hold probe_as T-LANE-01 hold-whoami "$token" "$T/gate"
wait_file_contains "$T/hold.out" "ready" 10
bg tcp probe_as T-LANE-01 nohandshake 60
tcp_pid=$BG_PID
wait_file_contains "$T/tcp.out" "connected" 10
t0=$(date +%s%N)
stop_tilld || fail "tilld exited with $TILLD_RC on SIGTERM with clients connected"
ms=$((($(date +%s%N) - t0) / 1000000))
[ "$ms" -lt 5000 ] || fail "stopping with idle clients took $ms ms"
assert_eq 3 "$(grep -c 'stopped cleanly' "$TILLD_LOG")" "'stopped cleanly' lines"
# both client connections were closed by the server
wait_bg "$tcp_pid" 10 || fail "the half-open connection was not closed by the shutdown"
assert_file_contains "$T/tcp.out" "closed after"

step "SIGINT stops it the same way"
start_tilld || fail "tilld did not start again (exit $TILLD_RC)"
kill -INT "$TILLD_PID"
wait_tilld 20 || fail "tilld exited with $TILLD_RC on SIGINT"
assert_file_contains "$TILLD_LOG" "signal 2: no new connections"
assert_eq 4 "$(grep -c 'stopped cleanly' "$TILLD_LOG")" "'stopped cleanly' lines"
assert_eq ok "$(sql 'PRAGMA integrity_check')" "integrity_check at the end"
