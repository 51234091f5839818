#!/usr/bin/env bash
# test_roles.sh -- every request is authorised on the server: only admin
# may administer users and terminals.
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_world.sh"

register_lanes
world_users carol sam audrey

step "a cashier may ask who she is"
login_as T-LANE-01 carol carol-pw-1
expect_rc_contains 0 "roles     cashier" till_as T-LANE-01 whoami

step "a cashier calling admin requests: 13, nothing changes"
expect_rc_contains 13 "user list: your roles do not allow this request" \
  till_as T-LANE-01 admin user list
assert_last_contains "permission denied"
TILL_NEW_PASSWORD=mallory-pw expect_rc_contains 13 "user add: your roles do not allow" \
  till_as T-LANE-01 admin user add mallory --role admin
expect_rc_contains 13 "user disable: your roles do not allow" \
  till_as T-LANE-01 admin user disable root
expect_rc_contains 13 "terminal add: your roles do not allow" \
  till_as T-LANE-01 admin terminal add T-EVIL
expect_rc_contains 13 "terminal list: your roles do not allow" \
  till_as T-LANE-01 admin terminal list
expect_rc_contains 13 "terminal disable: your roles do not allow" \
  till_as T-LANE-01 admin terminal disable T-LANE-02
expect_sql 6 "SELECT count(*) FROM security_events WHERE kind='permission_denied' AND user_name='carol' AND terminal_id='T-LANE-01'"
expect_sql 1 "SELECT count(*) FROM security_events WHERE kind='permission_denied' AND user_name='carol' AND detail='user add'"
expect_sql 0 "SELECT count(*) FROM users WHERE name='mallory'"
expect_sql 0 "SELECT count(*) FROM terminals WHERE id='T-EVIL'"
expect_sql "0|0" "SELECT (SELECT disabled FROM users WHERE name='root'), (SELECT disabled FROM terminals WHERE id='T-LANE-02')"

step "--json reports the denial as a typed error"
expect_rc_contains 13 '"code":"PERMISSION_DENIED"' till_as T-LANE-01 --json admin terminal list

step "supervisor and auditor may not administer either"
login_as T-LANE-02 sam sam-pw-1
expect_rc_contains 13 "user list: your roles do not allow" till_as T-LANE-02 admin user list
login_as T-LANE-02 audrey audrey-pw-1
expect_rc_contains 13 "terminal add: your roles do not allow" \
  till_as T-LANE-02 admin terminal add T-EVIL
expect_sql 1 "SELECT count(*) FROM security_events WHERE kind='permission_denied' AND user_name='sam'"
expect_sql 1 "SELECT count(*) FROM security_events WHERE kind='permission_denied' AND user_name='audrey'"
expect_sql 0 "SELECT count(*) FROM terminals WHERE id='T-EVIL'"

step "admin may, from any registered terminal"
login_as T-LANE-01 root "$ROOT_PW"
expect_rc_contains 0 "carol" till_as T-LANE-01 admin user list
