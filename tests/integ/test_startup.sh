#!/usr/bin/env bash
# test_startup.sh -- tilld refuses to start on a bad configuration or a
# database from a newer version, with a message that says what is wrong;
# init-admin bootstraps only once.
TILLD_START=0
source "$(dirname -- "$0")/lib.sh"

# tilld_bad WANT_RC WANT_TEXT [flags] -- tilld with the test's certificates
# must exit WANT_RC at once (bounded: if it served, timeout would say 124)
# and say WANT_TEXT.
tilld_bad() {
  local rc=$1 want=$2
  shift 2
  expect_rc_contains "$rc" "$want" timeout 20 "$TILLD" --db "$DB" \
    --cert "$T/certs/server.crt" --key "$T/certs/server.key" --ca "$T/certs/ca.crt" \
    --listen 127.0.0.1:0 --port_file "$PORT_FILE" "$@"
  [ ! -e "$PORT_FILE" ] || fail "tilld wrote a port file although it refused to start"
}

step "bad settings: exit 2 with a message naming the setting"
rm -f -- "$PORT_FILE"
tilld_bad 2 "--max_frame: max_frame: 'abc' is not a whole number from 64 to 67108864" --max_frame abc
tilld_bad 2 "max_frame: '10' is not a whole number from 64" --max_frame 10
tilld_bad 2 "max_connections: '0' is not a whole number from 1" --max_connections 0
tilld_bad 2 "handshake_timeout: '2s' is not a whole number" --handshake_timeout 2s
tilld_bad 2 "tls_min_version: '1.1' must be 1.3 or 1.2" --tls_min_version 1.1
tilld_bad 2 "blind_close: 'yes' must be on or off" --blind_close yes
tilld_bad 2 "unknown setting 'bogus'" --bogus 1
tilld_bad 2 "listen: 'nowhere' is not HOST:PORT" --listen nowhere
tilld_bad 2 "cert: cannot read '$T/no-such.crt'" --cert "$T/no-such.crt"
tilld_bad 2 "expected --SETTING VALUE" --max_frame

step "bad settings in a configuration file: the file and line are named"
printf '# tilld test\nmax_connections = 10\nidle_timeout = soon\n' >"$T/tilld.conf"
tilld_bad 2 "$T/tilld.conf: line 3: idle_timeout: 'soon' is not a whole number" --config "$T/tilld.conf"

step "a good configuration starts, and data goes in"
start_tilld || fail "tilld did not start (exit $TILLD_RC)"
admin_login
expect_rc 0 till_as ADMIN-01 admin terminal add T-LANE-01
stop_tilld || fail "tilld exited with $TILLD_RC on SIGTERM"
version=$(sql 'SELECT version FROM schema_version')
[[ $version =~ ^[1-9][0-9]*$ ]] || fail "schema_version holds '$version'"

step "a database from a newer tilld: refuses to start, says 'newer', changes nothing"
sql 'UPDATE schema_version SET version = 999'
if start_tilld; then
  fail "tilld started on a database with schema version 999"
fi
[ "$TILLD_RC" != 0 ] || fail "tilld exited 0 on a database with schema version 999"
assert_file_contains "$TILLD_LOG" "database schema version 999 is newer than this tilld understands"
assert_eq 999 "$(sql 'SELECT version FROM schema_version')" "schema version after the refusal"
assert_eq 1 "$(sql "SELECT count(*) FROM terminals WHERE id='T-LANE-01'")" "T-LANE-01 after the refusal"
TILL_ADMIN_PASSWORD=other-pw-1 expect_rc_contains 1 "is newer than this tilld understands" \
  "$TILLD" init-admin --db "$DB" --user other --terminal X-1

step "back at the right version it starts with the data intact"
sql "UPDATE schema_version SET version = $version"
start_tilld || fail "tilld did not start (exit $TILLD_RC)"
expect_rc_contains 0 "T-LANE-01" till_as ADMIN-01 admin terminal list

step "a port that is taken: exit non-zero, naming the address"
expect_rc 1 timeout 20 "$TILLD" --db "$DB" --cert "$T/certs/server.crt" \
  --key "$T/certs/server.key" --ca "$T/certs/ca.crt" --listen "127.0.0.1:$PORT" \
  --signing_key "$SIGNING_KEY"
assert_last_contains "listen on 127.0.0.1:$PORT"
expect_rc_contains 0 "ok root" probe_as ADMIN-01 whoami "$(session_token ADMIN-01)"
stop_tilld || fail "tilld exited with $TILLD_RC on SIGTERM"

step "init-admin: only once, and never without a decent password"
TILL_ADMIN_PASSWORD=other-pw-1 expect_rc_contains 1 "already has users" \
  "$TILLD" init-admin --db "$DB" --user other --terminal ADMIN-02
TILL_ADMIN_PASSWORD=abc expect_rc_contains 2 "a password of 4 to 128 bytes is required" \
  "$TILLD" init-admin --db "$T/fresh.db" --user other --terminal ADMIN-02
TILL_ADMIN_PASSWORD=other-pw-1 expect_rc_contains 2 "--user NAME is required" \
  "$TILLD" init-admin --db "$T/fresh.db" --user "bad name" --terminal ADMIN-02
expect_sql 0 "SELECT count(*) FROM users WHERE name='other'"
