# lib.sh -- the harness every tests/integ/test_*.sh sources.
#
# Sourcing it sets up a world of its own for one test script and starts the
# real tilld in it (memcached's t/lib/MemcachedTest.pm, h2o's spawn_h2o):
#
#   $T                 a fresh folder from mktemp -d under $TILL_TEST_TMP
#   $T/certs           CA, server and terminal certificates made by
#                      certs/make-dev-certs.sh for ADMIN-01 T-LANE-01
#                      T-LANE-02 T-GHOST
#   $T/other-ca        a second, foreign CA with its own T-LANE-01
#   $DB                the database; `tilld init-admin` made user root
#   $SIGNING_KEY       the chain-signing key, in $T/keys (not the database's
#                      folder); as root it belongs to uid 65534, mode 440, so
#                      tilld's strict check passes (make_signing_key)
#                      (password $ROOT_PW) and registered ADMIN-01 only
#   $T/term/ID/        till.conf and the session file of each terminal ID
#                      (and OTHER-CA: T-LANE-01's certificate from the
#                      foreign CA, the right CA for the server)
#   $TILLD_LOG         everything tilld wrote, across restarts
#   $PORT              the loopback port tilld is listening on
#
# Set TILLD_START=0 before sourcing to leave tilld stopped (start_tilld
# takes extra flags). TILLD_PREFIX="valgrind -q" runs tilld under a tool.
# KEEP_TMP=1 keeps $T for a look afterwards.
#
# The binaries come from the environment CTest sets (TILLD, TILL, TILL_PROBE,
# TILL_SOURCE_DIR, TILL_TEST_TMP) or default to a ./build tree, so a test also
# runs by hand: `bash tests/integ/test_login.sh`.
#
# Rules the helpers keep so a broken server fails a test instead of hanging
# it: every wait has a deadline, every loop a count limit, every command's
# stdin is /dev/null, only loopback is used, and the EXIT trap stops what the
# test started (by pid) and removes $T.

set -euo pipefail

# The harness speaks on fds 8 (stdout) and 9 (stderr), which stay on the
# test's own output even while a command's output is being captured.
exec 8>&1 9>&2

TILL_SOURCE_DIR=${TILL_SOURCE_DIR:-$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)}
TILLD=${TILLD:-$TILL_SOURCE_DIR/build/server/tilld}
TILL=${TILL:-$TILL_SOURCE_DIR/build/client/till}
TILL_PROBE=${TILL_PROBE:-$TILL_SOURCE_DIR/build/tests/till-probe}
TILL_TEST_TMP=${TILL_TEST_TMP:-/tmp}
TILLD_PREFIX=${TILLD_PREFIX:-}
TILLD_START=${TILLD_START:-1}
# Seconds to wait for tilld to come up; a tool such as valgrind is slow.
if [ -n "$TILLD_PREFIX" ]; then
  TILL_START_TIMEOUT=${TILL_START_TIMEOUT:-60}
else
  TILL_START_TIMEOUT=${TILL_START_TIMEOUT:-10}
fi

TEST_NAME=$(basename -- "$0" .sh)
ROOT_PW='root-pass-1'
TERMINALS=(ADMIN-01 T-LANE-01 T-LANE-02 T-GHOST)

# Nothing from the caller's environment may steer till or tilld.
unset TILL_PASSWORD TILL_NEW_PASSWORD TILL_ADMIN_PASSWORD TILL_CONFIG

for bin in "$TILLD" "$TILL" "$TILL_PROBE"; do
  if [ ! -x "$bin" ]; then
    printf 'FAIL %s: %s is not built (set TILLD, TILL, TILL_PROBE)\n' "$TEST_NAME" "$bin" >&9
    exit 1
  fi
done
for tool in openssl sqlite3 timeout; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    printf 'FAIL %s: the %s tool is not installed\n' "$TEST_NAME" "$tool" >&9
    exit 1
  fi
done

mkdir -p -- "$TILL_TEST_TMP"
T=$(mktemp -d "$TILL_TEST_TMP/$TEST_NAME.XXXXXX")
DB=$T/till.db
TILLD_LOG=$T/tilld.log
PORT_FILE=$T/port
PORT=
TILLD_PID=
TILLD_RC=
BG_PIDS=()
LAST_RC=0
LAST_CMD=
export HOME=$T/home
# the client's language: English unless a test chooses (test_i18n.sh does)
export TILL_LANG=en
mkdir -p -- "$HOME"
: >"$TILLD_LOG"

# ---- reporting ----------------------------------------------------------

step() { printf '# %s\n' "$*" >&8; }

# Print what the last command said, for failure messages.
_show_last() {
  printf '  command: %s\n  exit code: %s\n' "$LAST_CMD" "$LAST_RC" >&9
  printf '  stdout:\n' >&9
  head -c 4000 -- "$T/last.out" | sed 's/^/    | /' >&9 || true
  printf '  stderr:\n' >&9
  head -c 4000 -- "$T/last.err" | sed 's/^/    | /' >&9 || true
}

fail() {
  printf 'FAIL %s: %s\n' "$TEST_NAME" "$*" >&9
  exit 1
}

# ---- running commands ---------------------------------------------------

# Run a command (a program or one of these functions, in this shell so it
# may change variables), stdin from /dev/null, stdout and stderr into
# $T/last.out and $T/last.err; LAST_RC gets its exit code.
run() {
  LAST_CMD="$*"
  LAST_RC=0
  "$@" </dev/null >"$T/last.out" 2>"$T/last.err" || LAST_RC=$?
}

# The last command's stdout and stderr together.
last_output() { cat -- "$T/last.out" "$T/last.err"; }

# last_has STRING / last_matches REGEX -- status only. (grep reads the files
# itself: `last_output | grep -q` would trip pipefail when grep quits early.)
last_has() { grep -qF -- "$1" "$T/last.out" "$T/last.err"; }
last_matches() { grep -qE -- "$1" "$T/last.out" "$T/last.err"; }

# expect_rc WANT cmd... -- run cmd; fail unless it exits with WANT.
expect_rc() {
  local want=$1
  shift
  run "$@"
  if [ "$LAST_RC" != "$want" ]; then
    printf 'FAIL %s: expected exit code %s\n' "$TEST_NAME" "$want" >&9
    _show_last
    exit 1
  fi
}

# assert_last_contains STRING -- the last command's output holds STRING.
assert_last_contains() {
  if ! last_has "$1"; then
    printf 'FAIL %s: expected the output to contain "%s"\n' "$TEST_NAME" "$1" >&9
    _show_last
    exit 1
  fi
}

# assert_last_lacks STRING -- the last command's output does not hold STRING.
assert_last_lacks() {
  if last_has "$1"; then
    printf 'FAIL %s: expected the output not to contain "%s"\n' "$TEST_NAME" "$1" >&9
    _show_last
    exit 1
  fi
}

# expect_contains STRING cmd... -- run cmd (any exit code); its stdout or
# stderr must contain STRING.
expect_contains() {
  local want=$1
  shift
  run "$@"
  assert_last_contains "$want"
}

# expect_rc_contains WANT STRING cmd... -- both of the above.
expect_rc_contains() {
  local rc=$1 want=$2
  shift 2
  expect_rc "$rc" "$@"
  assert_last_contains "$want"
}

# assert_eq WANT GOT WHAT
assert_eq() {
  [ "$1" = "$2" ] || fail "$3: expected '$1', got '$2'"
}

# assert_file_contains FILE STRING
assert_file_contains() {
  grep -qF -- "$2" "$1" || fail "expected $(basename -- "$1") to contain \"$2\""
}

# wait_file_contains FILE STRING SECONDS -- poll (every 0.1 s) until FILE
# holds STRING; fail at the deadline.
wait_file_contains() {
  local file=$1 want=$2 tries=$(($3 * 10)) i
  for ((i = 0; i < tries; i++)); do
    if [ -f "$file" ] && grep -qF -- "$want" "$file"; then
      return 0
    fi
    sleep 0.1
  done
  printf 'FAIL %s: "%s" did not appear in %s within %s s; it holds:\n' \
    "$TEST_NAME" "$want" "$(basename -- "$file")" "$3" >&9
  sed 's/^/    | /' "$file" >&9 2>/dev/null || true
  exit 1
}

# ---- the database -------------------------------------------------------

# sql QUERY -- run QUERY with the sqlite3 tool; prints the rows ('|' between
# columns). The server may hold a write lock for a moment: wait up to 5 s.
sql() {
  sqlite3 -batch -noheader -cmd '.timeout 5000' "$DB" "$1"
}

# expect_sql WANT QUERY -- QUERY must print WANT. tilld records security
# events in the writer's next group commit, shortly after the answer went
# out, so poll for up to 5 s before failing.
expect_sql() {
  local want=$1 query=$2 got= i
  for ((i = 0; i < 50; i++)); do
    got=$(sql "$query" 2>&1) || true
    [ "$got" = "$want" ] && return 0
    sleep 0.1
  done
  fail "$query: expected '$want', got '$got'"
}

# ---- certificates and client configurations ---------------------------

# ---- keys: the chain-signing key, out of the database owner's reach ----
# make_signing_key FILE -- an Ed25519 key as a key custodian leaves it: in a
# directory of its own, mode 440; as root, both belong to uid 65534, so the
# database's owner (root) does not own them. Otherwise tilld runs with
# signing_key_check = dev (only a user other than the tester could own it).
make_signing_key() {
  local dir
  dir=$(dirname -- "$1")
  mkdir -p -- "$dir"
  openssl genpkey -algorithm ED25519 -out "$1" 2>>"$T/certs.log" || fail "cannot make $1"
  chmod 440 -- "$1"
  chmod 750 -- "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    chown 65534:0 -- "$1" "$dir"
  fi
}
SIGNING_KEY=$T/keys/chain-signing.pem
SIGNING_KEY_FLAGS=()
[ "$(id -u)" -eq 0 ] || SIGNING_KEY_FLAGS=(--signing_key_check dev)

make_certs() {
  local args=() id
  for id in "${TERMINALS[@]}"; do
    args+=(--terminal "$id")
  done
  if ! "$TILL_SOURCE_DIR/certs/make-dev-certs.sh" --out "$T/certs" "${args[@]}" \
      >"$T/certs.log" 2>&1; then
    cat "$T/certs.log" >&9
    fail "make-dev-certs.sh failed"
  fi
  if ! "$TILL_SOURCE_DIR/certs/make-dev-certs.sh" --out "$T/other-ca" --terminal T-LANE-01 \
      >>"$T/certs.log" 2>&1; then
    cat "$T/certs.log" >&9
    fail "make-dev-certs.sh (foreign CA) failed"
  fi
}

# One till.conf per terminal, with paths relative to the file's folder (as
# an installation would have them). Rewritten on every start: the port moves.
write_client_configs() {
  local id dir
  for id in "${TERMINALS[@]}" OTHER-CA; do
    dir=$T/term/$id
    mkdir -p -- "$dir"
    if [ "$id" = OTHER-CA ]; then
      printf 'cert = ../../other-ca/terminal-T-LANE-01.crt\nkey = ../../other-ca/terminal-T-LANE-01.key\n' \
        >"$dir/till.conf.tmp"
    else
      printf 'cert = ../../certs/terminal-%s.crt\nkey = ../../certs/terminal-%s.key\n' "$id" "$id" \
        >"$dir/till.conf.tmp"
    fi
    printf '# written by tests/integ/lib.sh\nserver = 127.0.0.1:%s\nca = ../../certs/ca.crt\nsession = session\ntimeout = 10\n' \
      "$PORT" >>"$dir/till.conf.tmp"
    mv -f -- "$dir/till.conf.tmp" "$dir/till.conf"
  done
}

# till_as TERMINAL args... -- the real client on that terminal.
till_as() {
  local id=$1
  shift
  "$TILL" --config "$T/term/$id/till.conf" "$@"
}

# session_file TERMINAL
session_file() { printf '%s' "$T/term/$1/session"; }

# session_token TERMINAL -- the token saved by the last login there.
session_token() { sed -n 's/^token = //p' "$(session_file "$1")"; }

# probe_as TERMINAL MODE args... -- till-probe with that terminal's
# certificate.
probe_as() {
  local id=$1
  shift
  "$TILL_PROBE" --server "127.0.0.1:$PORT" --ca "$T/certs/ca.crt" \
    --cert "$T/certs/terminal-$id.crt" --key "$T/certs/terminal-$id.key" "$@"
}

# login_as TERMINAL USER PASSWORD -- must succeed.
login_as() {
  TILL_PASSWORD=$3 expect_rc_contains 0 "logged in" till_as "$1" login "$2"
}

# admin_login -- root on ADMIN-01.
admin_login() { login_as ADMIN-01 root "$ROOT_PW"; }

# add_user NAME ROLES PASSWORD -- as root on ADMIN-01 (log in first).
add_user() {
  TILL_NEW_PASSWORD=$3 expect_rc_contains 0 "added user" \
    till_as ADMIN-01 admin user add "$1" --role "$2"
}

# register_lanes -- root logs in on ADMIN-01 and registers T-LANE-01 and
# T-LANE-02 (T-GHOST stays unregistered).
register_lanes() {
  admin_login
  expect_rc 0 till_as ADMIN-01 admin terminal add T-LANE-01 --description "lane 1"
  expect_rc 0 till_as ADMIN-01 admin terminal add T-LANE-02 --description "lane 2"
}

# ---- tilld --------------------------------------------------------------

tilld_running() { [ -n "$TILLD_PID" ] && kill -0 "$TILLD_PID" 2>/dev/null; }

# Fail if a sanitizer or valgrind reported anything in the log.
check_log_clean() {
  if grep -qE 'ERROR: (Address|Leak|Thread|Memory)Sanitizer|runtime error:|==[0-9]+== (Invalid|Conditional|[0-9,]+ bytes in)' \
      "$TILLD_LOG"; then
    grep -nE -A30 'ERROR: |runtime error:|==[0-9]+==' "$TILLD_LOG" | head -80 >&9
    fail "tilld log shows a sanitizer or valgrind report"
  fi
}

# start_tilld [--SETTING VALUE ...] -- start tilld on 127.0.0.1, port 0, and
# wait (bounded) until it has written its port and answers a TLS client.
# Returns 1 if tilld exits first (TILLD_RC then holds its exit code).
start_tilld() {
  local tries=$((TILL_START_TIMEOUT * 10)) i
  PORT=
  tilld_running && fail "start_tilld: tilld is already running (pid $TILLD_PID)"
  rm -f -- "$PORT_FILE"
  TILLD_RC=
  printf -- '---- start_tilld %s\n' "$*" >>"$TILLD_LOG"
  # shellcheck disable=SC2086 # TILLD_PREFIX is a command line on purpose
  $TILLD_PREFIX "$TILLD" --db "$DB" --cert "$T/certs/server.crt" --key "$T/certs/server.key" \
    --ca "$T/certs/ca.crt" --listen 127.0.0.1:0 --port_file "$PORT_FILE" \
    --signing_key "$SIGNING_KEY" ${SIGNING_KEY_FLAGS[@]+"${SIGNING_KEY_FLAGS[@]}"} "$@" \
    </dev/null >>"$TILLD_LOG" 2>&1 8>&- 9>&- &
  TILLD_PID=$!
  for ((i = 0; i < tries; i++)); do
    if ! kill -0 "$TILLD_PID" 2>/dev/null; then
      TILLD_RC=0
      wait "$TILLD_PID" || TILLD_RC=$?
      TILLD_PID=
      return 1
    fi
    if [ -s "$PORT_FILE" ]; then
      PORT=$(cat -- "$PORT_FILE")
      break
    fi
    sleep 0.1
  done
  [ -n "$PORT" ] && [ -s "$PORT_FILE" ] || fail "tilld wrote no port file within $TILL_START_TIMEOUT s"
  write_client_configs
  # It accepts and serves: a whoami without a session is answered over TLS.
  for ((; i < tries; i++)); do
    if probe_as ADMIN-01 whoami "" >"$T/ready.out" 2>&1 || grep -q '^error ' "$T/ready.out"; then
      return 0
    fi
    tilld_running || break
    sleep 0.1
  done
  cat -- "$T/ready.out" >&9
  fail "tilld (pid $TILLD_PID) did not answer on port $PORT within $TILL_START_TIMEOUT s"
}

# stop_tilld -- SIGTERM, wait (bounded by shutdown_grace and some slack),
# return tilld's exit code (also in TILLD_RC).
stop_tilld() {
  local i
  [ -n "$TILLD_PID" ] || fail "stop_tilld: tilld is not running"
  kill -TERM "$TILLD_PID" 2>/dev/null || true
  for ((i = 0; i < 200; i++)); do
    kill -0 "$TILLD_PID" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$TILLD_PID" 2>/dev/null; then
    kill -KILL "$TILLD_PID" 2>/dev/null || true
    wait "$TILLD_PID" 2>/dev/null || true
    TILLD_PID=
    fail "tilld did not stop within 20 s of SIGTERM; killed it"
  fi
  TILLD_RC=0
  wait "$TILLD_PID" || TILLD_RC=$?
  TILLD_PID=
  check_log_clean
  return "$TILLD_RC"
}

# wait_tilld SECONDS -- wait for tilld to exit by itself (someone else sent
# the signal); return its exit code (also in TILLD_RC). Fails the test if
# it is still running at the deadline.
wait_tilld() {
  local tries=$(($1 * 10)) i
  [ -n "$TILLD_PID" ] || fail "wait_tilld: tilld is not running"
  for ((i = 0; i < tries; i++)); do
    kill -0 "$TILLD_PID" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$TILLD_PID" 2>/dev/null && fail "tilld still running after $1 s"
  TILLD_RC=0
  wait "$TILLD_PID" || TILLD_RC=$?
  TILLD_PID=
  check_log_clean
  return "$TILLD_RC"
}

# restart_tilld [flags] -- stop (must exit 0), then start with these flags.
restart_tilld() {
  stop_tilld || fail "tilld exited with $TILLD_RC on SIGTERM"
  start_tilld "$@" || fail "tilld did not start again (exit $TILLD_RC)"
}

# ---- background helpers -------------------------------------------------

# bg NAME cmd... -- run cmd in the background, output in $T/NAME.out;
# BG_PID gets its pid. The EXIT trap kills whatever is still running.
bg() {
  local name=$1
  shift
  "$@" </dev/null >"$T/$name.out" 2>&1 8>&- 9>&- &
  BG_PID=$!
  BG_PIDS+=("$BG_PID")
}

# wait_bg PID SECONDS -- wait for a background command; returns its exit
# code, or fails the test if it is still running at the deadline.
wait_bg() {
  local pid=$1 tries=$(($2 * 10)) i rc=0
  for ((i = 0; i < tries; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && fail "background command $pid still running after $2 s"
  wait "$pid" || rc=$?
  return "$rc"
}

# ---- set-up and clean-up ------------------------------------------------

_cleanup() {
  local rc=$? pid i
  set +e
  for pid in ${BG_PIDS[@]+"${BG_PIDS[@]}"}; do
    kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  done
  if [ -n "$TILLD_PID" ]; then
    kill -TERM "$TILLD_PID" 2>/dev/null
    for ((i = 0; i < 150; i++)); do
      kill -0 "$TILLD_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$TILLD_PID" 2>/dev/null
    wait "$TILLD_PID" 2>/dev/null
  fi
  if [ "$rc" -eq 0 ] && grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$TILLD_LOG"; then
    printf 'FAIL %s: tilld log shows a sanitizer report\n' "$TEST_NAME" >&9
    rc=1
  fi
  if [ "$rc" -ne 0 ]; then
    printf -- '---- last 40 lines of %s\n' "$TILLD_LOG" >&9
    tail -n 40 -- "$TILLD_LOG" >&9
  else
    printf 'PASS %s\n' "$TEST_NAME" >&8
  fi
  if [ "${KEEP_TMP:-0}" = 1 ]; then
    printf 'kept %s\n' "$T" >&9
  else
    rm -rf -- "$T"
  fi
  exit "$rc"
}
trap _cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

make_certs
make_signing_key "$SIGNING_KEY"
PORT=0
write_client_configs
if ! TILL_ADMIN_PASSWORD=$ROOT_PW "$TILLD" init-admin --db "$DB" --user root --terminal ADMIN-01 \
    </dev/null >"$T/init-admin.log" 2>&1; then
  cat -- "$T/init-admin.log" >&9
  fail "tilld init-admin failed"
fi
if [ "$TILLD_START" = 1 ]; then
  start_tilld || fail "tilld did not start (exit $TILLD_RC)"
fi
