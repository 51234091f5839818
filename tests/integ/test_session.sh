#!/usr/bin/env bash
# test_session.sh -- a session is bound to the terminal that opened it and
# ends when it expires.
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_world.sh"

register_lanes
world_users alice
login_as T-LANE-01 alice alice-pw-1
token=$(session_token T-LANE-01)

step "a token replayed from another terminal is refused (12, 'another terminal')"
cp -p -- "$(session_file T-LANE-01)" "$(session_file T-LANE-02)"
assert_eq 600 "$(stat -c %a -- "$(session_file T-LANE-02)")" "mode of the copied session file"
expect_rc_contains 12 "this session belongs to another terminal" till_as T-LANE-02 whoami
expect_rc_contains 12 "another terminal" till_as T-LANE-02 admin user list
expect_rc_contains 1 "error 2 this session belongs to another terminal" \
  probe_as T-LANE-02 whoami "$token"
expect_sql 3 "SELECT count(*) FROM security_events WHERE kind='session_foreign_terminal' AND user_name='alice' AND terminal_id='T-LANE-02' AND detail='token of a session opened on T-LANE-01'"
# the refusal did not sneak a session onto T-LANE-02
expect_sql 0 "SELECT count(*) FROM sessions WHERE terminal_id='T-LANE-02'"
# nor is the admin's terminal any different
expect_rc_contains 1 "error 2 this session belongs to another terminal" \
  probe_as ADMIN-01 whoami "$token"

step "on its own terminal the session works"
expect_rc_contains 0 "ok alice" probe_as T-LANE-01 whoami "$token"
expect_rc_contains 0 "user      alice" till_as T-LANE-01 whoami

step "an expired session is refused (12, 'expired')"
sql "UPDATE sessions SET expires_at = strftime('%s','now') - 1 WHERE terminal_id='T-LANE-01'"
expect_rc_contains 12 "session expired; log in again" till_as T-LANE-01 whoami
expect_rc_contains 1 "error 2 session expired" probe_as T-LANE-01 whoami "$token"
# logging in again gives a fresh, different token
login_as T-LANE-01 alice alice-pw-1
[ "$(session_token T-LANE-01)" != "$token" ] || fail "a new login reused the old token"
expect_rc_contains 0 "user      alice" till_as T-LANE-01 whoami

step "a session file readable by others is refused by the client"
chmod 0644 -- "$(session_file T-LANE-01)"
expect_rc_contains 2 "readable by others" till_as T-LANE-01 whoami
