#!/usr/bin/env bash
# test_admin_unlock.sh -- till admin user unlock, user enable and terminal
# enable against a real tilld: a locked-out cashier logs in right after the
# unlock, a disabled user and a disabled terminal come back; each lift is a
# security event naming the admin and the object; lifting what is not there
# (not locked, not disabled), unknown and invalid names, and anyone but an
# admin are refused, and a refusal changes nothing.
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_world.sh"

admin_login
register_lanes
world_users bob carol sam

# what a refusal must leave alone: users, terminals, open sessions, events
access_state() {
  sql "SELECT name, disabled, failed_count, failed_since, locked_until FROM users ORDER BY name;
       SELECT id, disabled FROM terminals ORDER BY id;
       SELECT count(*) FROM sessions WHERE ended_at IS NULL;
       SELECT count(*) FROM security_events WHERE kind LIKE '%_unlocked' OR kind LIKE '%_enabled'"
}
event_count() { sql "SELECT count(*) FROM security_events WHERE kind = '$1'"; }

step "bob is locked out: five wrong passwords, then even the right one is refused (15)"
failures=5   # lockout_failures, the default
for ((i = 1; i < failures; i++)); do
  TILL_PASSWORD=bad-pw-$i expect_rc_contains 12 "wrong user name or password" till_as T-LANE-02 login bob
done
TILL_PASSWORD=bad-pw-$failures expect_rc_contains 15 "locked out" till_as T-LANE-02 login bob
TILL_PASSWORD=bob-pw-1 expect_rc_contains 15 "locked out" till_as T-LANE-02 login bob
expect_sql 1 "SELECT locked_until > strftime('%s','now') FROM users WHERE name='bob'"
expect_sql 1 "SELECT count(*) FROM security_events WHERE kind='user_locked_out' AND user_name='bob'"

step "nobody but an admin unlocks (13): a supervisor, a cashier; nothing changes"
world_login ADMIN-01:sam T-LANE-01:carol
before=$(access_state)
expect_rc_contains 13 "user unlock: your roles do not allow this request" \
  till_user ADMIN-01 sam admin user unlock bob
expect_rc_contains 13 "user unlock: your roles do not allow this request" \
  till_user T-LANE-01 carol admin user unlock bob
expect_sql 1 "SELECT count(*) FROM security_events WHERE kind='permission_denied' AND user_name='sam' AND detail='user unlock'"
expect_sql 1 "SELECT count(*) FROM security_events WHERE kind='permission_denied' AND user_name='carol' AND detail='user unlock'"
assert_eq "$before" "$(access_state)" "the database after the refused unlocks"

step "the admin unlocks bob: shown active, stored cleared, recorded naming admin and user"
expect_rc_contains 0 "unlocked user" till_as ADMIN-01 admin user unlock bob
last_matches '^bob +cashier +active' || { _show_last; fail "unlock did not show bob active"; }
expect_sql "0|0|0|0" "SELECT disabled, failed_count, failed_since, locked_until FROM users WHERE name='bob'"
expect_sql 1 "SELECT count(*) FROM security_events WHERE kind='user_unlocked' AND user_name='root' AND terminal_id='ADMIN-01' AND detail='unlocked user bob'"

step "bob logs in at once, with his password"
login_as T-LANE-02 bob bob-pw-1
expect_rc_contains 0 "user      bob" till_as T-LANE-02 whoami

step "unlocking again: bob is not locked out (15); unknown (14), invalid (11); nothing changes"
before=$(access_state)
expect_rc_contains 15 "user bob is not locked out" till_as ADMIN-01 admin user unlock bob
assert_last_contains "failed precondition"
expect_rc_contains 14 "no user named ghost" till_as ADMIN-01 admin user unlock ghost
expect_rc_contains 11 "invalid user name" till_as ADMIN-01 admin user unlock "no/such"
expect_rc_contains 2 "usage: till admin" till_as ADMIN-01 admin user unlock
assert_eq "$before" "$(access_state)" "the database after the refused unlocks"
assert_eq 1 "$(event_count user_unlocked)" "unlock events"

step "locked out again, unlocked with --json: the user as it now is"
for ((i = 1; i <= failures; i++)); do
  TILL_PASSWORD=bad-pw-$i run till_as T-LANE-01 login bob
done
assert_eq 15 "$LAST_RC" "the fifth failure's exit code"
expect_rc_contains 0 '{"name":"bob","roles":["cashier"],"disabled":false,"locked_until":0,' \
  till_as ADMIN-01 --json admin user unlock bob
assert_last_lacks "unlocked user"
assert_eq 2 "$(event_count user_unlocked)" "unlock events"
login_as T-LANE-01 bob bob-pw-1

step "user enable: carol, disabled, logs in again once enabled"
expect_rc 0 till_as ADMIN-01 admin user disable carol
TILL_PASSWORD=carol-pw-1 expect_rc_contains 12 "user carol is disabled" till_as T-LANE-01 login carol
before=$(access_state)
expect_rc_contains 13 "user enable: your roles do not allow this request" \
  till_user ADMIN-01 sam admin user enable carol
assert_eq "$before" "$(access_state)" "the database after the refused enable"
expect_rc_contains 0 "enabled user" till_as ADMIN-01 admin user enable carol
last_matches '^carol +cashier +active' || { _show_last; fail "enable did not show carol active"; }
expect_sql 0 "SELECT disabled FROM users WHERE name='carol'"
expect_sql 1 "SELECT count(*) FROM security_events WHERE kind='user_enabled' AND user_name='root' AND detail='enabled user carol'"
login_as T-LANE-01 carol carol-pw-1
expect_rc 0 till_as ADMIN-01 --json admin user list
assert_last_contains '{"name":"carol","roles":["cashier"],"disabled":false,"locked_until":0,'

step "user enable refuses: not disabled (15), unknown (14), invalid (11); nothing changes"
before=$(access_state)
expect_rc_contains 15 "user carol is not disabled" till_as ADMIN-01 admin user enable carol
expect_rc_contains 15 "user root is not disabled" till_as ADMIN-01 admin user enable root
expect_rc_contains 14 "no user named ghost" till_as ADMIN-01 admin user enable ghost
expect_rc_contains 11 "invalid user name" till_as ADMIN-01 admin user enable "a b"
assert_eq "$before" "$(access_state)" "the database after the refused enables"

step "terminal enable: T-LANE-02, disabled, comes back with nobody logged in"
bob_token=$(session_token T-LANE-02)
expect_rc 0 till_as ADMIN-01 admin terminal disable T-LANE-02
expect_rc_contains 1 "error 2 terminal T-LANE-02 is disabled" probe_as T-LANE-02 whoami "$bob_token"
before=$(access_state)
expect_rc_contains 13 "terminal enable: your roles do not allow this request" \
  till_user ADMIN-01 sam admin terminal enable T-LANE-02
assert_eq "$before" "$(access_state)" "the database after the refused terminal enable"
expect_rc_contains 0 "enabled terminal" till_as ADMIN-01 admin terminal enable T-LANE-02
last_matches '^T-LANE-02 +active ' || { _show_last; fail "enable did not show T-LANE-02 active"; }
expect_sql 0 "SELECT disabled FROM terminals WHERE id='T-LANE-02'"
expect_sql 0 "SELECT count(*) FROM sessions WHERE terminal_id='T-LANE-02' AND ended_at IS NULL"
expect_sql 1 "SELECT count(*) FROM security_events WHERE kind='terminal_enabled' AND user_name='root' AND detail='enabled terminal T-LANE-02'"
# the session opened before the disable stays ended; a new login works
expect_rc_contains 1 "error 2 session ended" probe_as T-LANE-02 whoami "$bob_token"
login_as T-LANE-02 bob bob-pw-1

step "terminal enable refuses: not disabled (15), unknown (14), invalid (11); nothing changes"
before=$(access_state)
expect_rc_contains 15 "terminal T-LANE-02 is not disabled" till_as ADMIN-01 admin terminal enable T-LANE-02
expect_rc_contains 15 "terminal ADMIN-01 is not disabled" till_as ADMIN-01 admin terminal enable ADMIN-01
expect_rc_contains 14 "no terminal T-NOPE" till_as ADMIN-01 admin terminal enable T-NOPE
expect_rc_contains 11 "invalid terminal id" till_as ADMIN-01 admin terminal enable "a b"
assert_eq "$before" "$(access_state)" "the database after the refused terminal enables"
