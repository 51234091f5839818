#!/usr/bin/env bash
# test_login.sh -- log in, whoami, wrong password, lock-out, logout.
#
# Asserts exit codes, the messages users see, the session file's mode and
# the rows tilld leaves in users, sessions and security_events.
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_world.sh"

step "root logs in on ADMIN-01; whoami shows user, roles and terminal"
admin_login
assert_last_contains "user      root"
assert_last_contains "terminal  ADMIN-01"
expect_rc 0 till_as ADMIN-01 whoami
assert_last_contains "user      root"
assert_last_contains "roles     admin"
assert_last_contains "terminal  ADMIN-01"
expect_rc 0 till_as ADMIN-01 --json whoami
assert_last_contains '"user":"root","roles":["admin"],"terminal":"ADMIN-01"'
assert_eq 600 "$(stat -c %a -- "$(session_file ADMIN-01)")" "mode of the session file"
token=$(session_token ADMIN-01)
[[ $token =~ ^[0-9a-f]{64}$ ]] || fail "session token is not 64 hex characters: '$token'"
expect_sql 1 "SELECT count(*) FROM security_events WHERE kind='login_ok' AND user_name='root' AND terminal_id='ADMIN-01'"
expect_sql 1 "SELECT count(*) FROM sessions s JOIN users u ON u.id=s.user_id WHERE u.name='root' AND s.terminal_id='ADMIN-01' AND s.ended_at IS NULL"
# the server keeps only a hash of the token
expect_sql 0 "SELECT count(*) FROM sessions WHERE hex(token_hash)=upper('$token')"

register_lanes
world_users alice=cashier,supervisor bob

step "a user with two roles sees both"
login_as T-LANE-01 alice alice-pw-1
expect_rc 0 till_as T-LANE-01 --json whoami
assert_last_contains '"user":"alice","roles":["cashier","supervisor"],"terminal":"T-LANE-01"'

step "wrong password and unknown user: 12, the same message for both"
TILL_PASSWORD=wrong-pw expect_rc_contains 12 "wrong user name or password" till_as T-LANE-02 login alice
TILL_PASSWORD=wrong-pw expect_rc_contains 12 "wrong user name or password" till_as T-LANE-02 login nobody
expect_sql 1 "SELECT count(*) FROM security_events WHERE kind='login_failed' AND user_name='alice' AND terminal_id='T-LANE-02'"
expect_sql 1 "SELECT count(*) FROM security_events WHERE kind='login_failed' AND user_name='nobody' AND detail='unknown user'"
# a failed login leaves no session file behind
[ ! -e "$(session_file T-LANE-02)" ] || fail "a failed login wrote a session file"

step "lock-out: the 5th failure within the window locks bob out (15)"
for i in 1 2 3 4; do
  TILL_PASSWORD=bad-pw-$i expect_rc_contains 12 "wrong user name or password" till_as T-LANE-02 login bob
done
expect_sql 4 "SELECT failed_count FROM users WHERE name='bob'"
TILL_PASSWORD=bad-pw-5 expect_rc_contains 15 "locked out" till_as T-LANE-02 login bob
assert_last_contains "failed precondition"
expect_sql 1 "SELECT count(*) FROM security_events WHERE kind='user_locked_out' AND user_name='bob' AND terminal_id='T-LANE-02'"
expect_sql 1 "SELECT locked_until > strftime('%s','now') FROM users WHERE name='bob'"

step "even the right password is refused while locked out"
TILL_PASSWORD=bob-pw-1 expect_rc_contains 15 "locked out" till_as T-LANE-02 login bob
expect_sql 1 "SELECT count(*) FROM security_events WHERE kind='login_while_locked' AND user_name='bob'"
expect_sql 0 "SELECT count(*) FROM sessions s JOIN users u ON u.id=s.user_id WHERE u.name='bob'"
[ ! -e "$(session_file T-LANE-02)" ] || fail "a refused login wrote a session file"
expect_rc 0 till_as ADMIN-01 admin user list
last_matches '^bob +cashier +locked' || { _show_last; fail "user list does not show bob as locked"; }
expect_rc 0 till_as ADMIN-01 --json admin user list
last_matches '"name":"bob","roles":\["cashier"\],"disabled":false,"locked_until":[1-9]' ||
  { _show_last; fail "user list --json does not show bob's locked_until"; }

step "logout ends the session on the server"
alice_token=$(session_token T-LANE-01)
expect_rc_contains 0 "logged out" till_as T-LANE-01 logout
[ ! -e "$(session_file T-LANE-01)" ] || fail "logout left the session file"
expect_rc_contains 12 "not logged in" till_as T-LANE-01 whoami
# the old token, presented again, is refused by the server itself
expect_rc_contains 1 "error 2 session ended" probe_as T-LANE-01 whoami "$alice_token"
expect_sql 1 "SELECT count(*) FROM sessions s JOIN users u ON u.id=s.user_id WHERE u.name='alice' AND s.ended_at IS NOT NULL"
expect_sql 1 "SELECT count(*) FROM security_events WHERE kind='logout' AND user_name='alice'"
# logged out twice: nothing to send, still 12
expect_rc 12 till_as T-LANE-01 logout

step "tokens the server never issued"
expect_rc_contains 1 "error 2 malformed session token" probe_as T-LANE-01 whoami not-a-token
expect_rc_contains 1 "error 2 session not recognised" probe_as T-LANE-01 whoami "$(printf '%064d' 0)"
expect_rc_contains 1 "error 2 not logged in" probe_as T-LANE-01 whoami ""
# the root session is untouched by all this
expect_rc_contains 0 "ok root" probe_as ADMIN-01 whoami "$token"

step "no password, token or PIN ever reaches the log"
for secret in "$ROOT_PW" alice-pw-1 bob-pw-1 bad-pw-5 wrong-pw "$token" "$alice_token"; do
  if grep -qF -- "$secret" "$TILLD_LOG"; then
    fail "tilld log contains a secret ('${secret:0:6}...')"
  fi
done
