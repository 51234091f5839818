#!/usr/bin/env bash
# test_admin.sh -- till admin user add|list|disable and terminal
# add|list|disable: what they print, what they refuse, what they store.
source "$(dirname -- "$0")/lib.sh"

admin_login

# ---- users ----------------------------------------------------------------

step "user add: shown, stored with its roles and a salted scrypt hash"
TILL_NEW_PASSWORD=alice-pw-1 expect_rc_contains 0 "added user" \
  till_as ADMIN-01 admin user add alice --role cashier,supervisor
last_matches '^alice +cashier,supervisor +active' || { _show_last; fail "add did not show alice"; }
expect_sql "0|cashier,supervisor" \
  "SELECT (SELECT disabled FROM users WHERE name='alice'), (SELECT group_concat(name, ',') FROM (SELECT r.name FROM users u JOIN user_roles ur ON ur.user_id=u.id JOIN roles r ON r.id=ur.role_id WHERE u.name='alice' ORDER BY r.id))"
expect_sql "16|32|scrypt:N=" \
  "SELECT length(pw_salt), length(pw_hash), substr(pw_params,1,9) FROM users WHERE name='alice'"
expect_sql 1 "SELECT count(*) FROM security_events WHERE kind='user_added' AND user_name='root' AND detail='added user alice'"
TILL_NEW_PASSWORD=bob-pw-1 expect_rc 0 till_as ADMIN-01 admin user add bob --role cashier

step "user list: every user, in name order, in text and JSON"
expect_rc 0 till_as ADMIN-01 admin user list
last_matches '^USER +ROLES +STATE +CREATED' || { _show_last; fail "no header"; }
last_matches '^alice +cashier,supervisor +active' || { _show_last; fail "alice missing"; }
last_matches '^bob +cashier +active' || { _show_last; fail "bob missing"; }
last_matches '^root +admin +active' || { _show_last; fail "root missing"; }
assert_eq "alice bob root" "$(awk 'NR>1 {print $1}' "$T/last.out" | xargs)" "user list order"
expect_rc 0 till_as ADMIN-01 --json admin user list
assert_last_contains '{"name":"alice","roles":["cashier","supervisor"],"disabled":false,"locked_until":0,'
assert_last_contains '{"name":"root","roles":["admin"],"disabled":false,'

step "user add refuses: existing name 16, invalid names and passwords 11"
TILL_NEW_PASSWORD=other-pw expect_rc_contains 16 "user alice already exists" \
  till_as ADMIN-01 admin user add alice --role cashier
TILL_NEW_PASSWORD=some-pw expect_rc_contains 11 "user name must be 1-64 characters" \
  till_as ADMIN-01 admin user add "bad name!" --role cashier
TILL_NEW_PASSWORD=some-pw expect_rc_contains 11 "user name must be" \
  till_as ADMIN-01 admin user add "$(printf 'x%.0s' {1..65})" --role cashier
TILL_NEW_PASSWORD=abc expect_rc_contains 11 "password must be 4 to 128 bytes" \
  till_as ADMIN-01 admin user add carol --role cashier
TILL_NEW_PASSWORD=some-pw expect_rc_contains 2 "--role needs" \
  till_as ADMIN-01 admin user add carol --role wizard
expect_rc_contains 2 "no password given" till_as ADMIN-01 admin user add carol --role cashier
expect_sql 3 "SELECT count(*) FROM users"
expect_sql 1 "SELECT count(*) FROM users WHERE name='alice'"

step "user disable: the user's sessions end and the user cannot log in"
expect_rc 0 till_as ADMIN-01 admin terminal add T-LANE-01
login_as T-LANE-01 alice alice-pw-1
expect_rc_contains 0 "disabled user" till_as ADMIN-01 admin user disable alice
last_matches '^alice +cashier,supervisor +disabled' || { _show_last; fail "disable did not show alice disabled"; }
expect_sql 1 "SELECT disabled FROM users WHERE name='alice'"
expect_sql 0 "SELECT count(*) FROM sessions s JOIN users u ON u.id=s.user_id WHERE u.name='alice' AND s.ended_at IS NULL"
expect_rc_contains 12 "session ended" till_as T-LANE-01 whoami
TILL_PASSWORD=alice-pw-1 expect_rc_contains 12 "user alice is disabled" till_as T-LANE-01 login alice
expect_sql 1 "SELECT count(*) FROM security_events WHERE kind='login_disabled_user' AND user_name='alice'"
expect_sql 1 "SELECT count(*) FROM security_events WHERE kind='user_disabled' AND user_name='root' AND detail='disabled user alice'"
expect_rc 0 till_as ADMIN-01 admin user list
last_matches '^alice +cashier,supervisor +disabled' || { _show_last; fail "list did not show alice disabled"; }
last_matches '^bob +cashier +active' || { _show_last; fail "bob was touched"; }

step "user disable refuses: yourself 15, unknown 14, invalid 11"
expect_rc_contains 15 "you cannot disable yourself" till_as ADMIN-01 admin user disable root
expect_rc_contains 14 "no user named ghost" till_as ADMIN-01 admin user disable ghost
expect_rc_contains 11 "invalid user name" till_as ADMIN-01 admin user disable "no/such"
expect_sql 0 "SELECT disabled FROM users WHERE name='root'"

# ---- terminals --------------------------------------------------------------

step "terminal add: stored with its description; the new terminal may connect"
expect_rc_contains 0 "added terminal" \
  till_as ADMIN-01 admin terminal add T-LANE-02 --description "lane 2, by the door"
last_matches '^T-LANE-02 +active .*lane 2, by the door$' || { _show_last; fail "add did not show T-LANE-02"; }
expect_sql "T-LANE-02|lane 2, by the door|0" "SELECT id, description, disabled FROM terminals WHERE id='T-LANE-02'"
expect_sql 1 "SELECT count(*) FROM security_events WHERE kind='terminal_added' AND detail='added terminal T-LANE-02'"
login_as T-LANE-02 bob bob-pw-1

step "terminal list: in id order, in text and JSON"
expect_rc 0 till_as ADMIN-01 admin terminal list
last_matches '^TERMINAL +STATE +CREATED +DESCRIPTION' || { _show_last; fail "no header"; }
last_matches '^ADMIN-01 +active .*bootstrap terminal$' || { _show_last; fail "ADMIN-01 missing"; }
assert_eq "ADMIN-01 T-LANE-01 T-LANE-02" "$(awk 'NR>1 {print $1}' "$T/last.out" | xargs)" "terminal list order"
expect_rc 0 till_as ADMIN-01 --json admin terminal list
assert_last_contains '{"id":"T-LANE-02","description":"lane 2, by the door","disabled":false,'

step "terminal add refuses: existing 16, invalid id 11"
expect_rc_contains 16 "terminal T-LANE-02 already exists" till_as ADMIN-01 admin terminal add T-LANE-02
expect_rc_contains 11 "terminal id must be 1-64 characters" till_as ADMIN-01 admin terminal add "bad id"
expect_rc_contains 11 "terminal id must be" \
  till_as ADMIN-01 admin terminal add "$(printf 'T%.0s' {1..65})"
expect_sql 3 "SELECT count(*) FROM terminals"

step "terminal disable: stored, listed, and the terminal is shut out"
expect_rc_contains 0 "disabled terminal" till_as ADMIN-01 admin terminal disable T-LANE-02
last_matches '^T-LANE-02 +disabled ' || { _show_last; fail "disable did not show T-LANE-02 disabled"; }
expect_sql 1 "SELECT disabled FROM terminals WHERE id='T-LANE-02'"
expect_sql 1 "SELECT count(*) FROM security_events WHERE kind='terminal_disabled' AND user_name='root' AND detail='disabled terminal T-LANE-02'"
expect_rc_contains 1 "error 2 terminal T-LANE-02 is disabled" \
  probe_as T-LANE-02 whoami "$(session_token T-LANE-02)"
expect_rc 0 till_as ADMIN-01 admin terminal list
last_matches '^T-LANE-02 +disabled ' || { _show_last; fail "list did not show T-LANE-02 disabled"; }
last_matches '^T-LANE-01 +active ' || { _show_last; fail "T-LANE-01 was touched"; }

step "terminal disable refuses: your own terminal 15, unknown 14, invalid 11"
expect_rc_contains 15 "you cannot disable the terminal you are using" \
  till_as ADMIN-01 admin terminal disable ADMIN-01
expect_rc_contains 14 "no terminal T-NOPE" till_as ADMIN-01 admin terminal disable T-NOPE
expect_rc_contains 11 "invalid terminal id" till_as ADMIN-01 admin terminal disable "a b"
expect_sql 0 "SELECT disabled FROM terminals WHERE id='ADMIN-01'"

step "usage errors are the client's (2), before any connection"
expect_rc_contains 2 "usage: till admin" till_as ADMIN-01 admin user frobnicate
expect_rc_contains 2 "usage: till admin" till_as ADMIN-01 admin terminal
expect_rc_contains 2 "unknown command 'frobnicate'" till_as ADMIN-01 frobnicate
