# lib_ledger.sh -- helpers the ledger tests (test_ledger_*.sh) share.
#
# Source it after lib.sh:
#
#   source "$(dirname -- "$0")/lib.sh"
#   source "$(dirname -- "$0")/lib_ledger.sh"
#
# It adds: a session file per user and terminal (so a cashier, a supervisor
# and an auditor can be logged in on one terminal at once), opening a shift,
# a fingerprint of everything a posting writes (to prove a refused request
# wrote nothing), a reader for --json fields, the till-load tool, and copies
# of the database for tampering. Same rules as lib.sh: bounded waits, stdin
# from /dev/null, loopback only. The users and the fee catalogue the tests
# post against come from lib_world.sh, which sources this file.

TILL_LOAD=${TILL_LOAD:-$(dirname -- "$TILL_PROBE")/till-load}

# ---- users with their own session files ---------------------------------

# user_session TERMINAL USER -- the session file of USER on TERMINAL.
user_session() { printf '%s' "$T/term/$1/session.$2"; }

# login_user TERMINAL USER PASSWORD -- must succeed.
login_user() {
  TILL_PASSWORD=$3 expect_rc_contains 0 "logged in" \
    till_as "$1" --session "$(user_session "$1" "$2")" login "$2"
}

# till_user TERMINAL USER args... -- the real client as USER on TERMINAL.
till_user() {
  local id=$1 user=$2
  shift 2
  till_as "$id" --session "$(user_session "$id" "$user")" "$@"
}

# user_token TERMINAL USER -- the session token saved by login_user.
user_token() { sed -n 's/^token = //p' "$(user_session "$1" "$2")"; }

# ---- shifts ---------------------------------------------------------------

# open_shift TERMINAL USER [COUNT] -- the cashier opens a shift with the
# counted float COUNT ("100x2,10x5"), or with none (so no journal row is
# written). Sales may need an open shift; these tests post inside one either
# way. The catalogue and the usual users come from lib_world.sh.
open_shift() {
  expect_rc 0 till_user "$1" "$2" shift open --count "${3:-none}"
}

# ---- reading results --------------------------------------------------------

# json_field FIELD -- the value of the first "FIELD": in the last command's
# stdout (a string without its quotes, a number or true/false).
json_field() {
  awk -v k="\"$1\":" '
    { i = index($0, k)
      if (i) {
        s = substr($0, i + length(k))
        if (substr(s, 1, 1) == "\"") { s = substr(s, 2); sub(/".*/, "", s) }
        else sub(/[],}].*/, "", s)
        print s
        exit
      } }' "$T/last.out"
}

# receipt_where NUMBER -- an SQL condition selecting the journal row of
# receipt NUMBER ("HT2026-00000012" -> series='HT2026' AND receipt_no=12).
receipt_where() {
  local series=${1%-*} no=${1##*-}
  printf "series='%s' AND receipt_no=%d" "$series" "$((10#$no))"
}

# ledger_state -- one line fingerprinting what postings write: journal rows,
# entries, idempotency records, void requests, reprints and every series
# counter. Equal before and after a refused request = nothing was written.
ledger_state() {
  sql "SELECT (SELECT count(*) FROM journal) || ' ' || (SELECT count(*) FROM entries) || ' ' ||
              (SELECT count(*) FROM idempotency) || ' ' || (SELECT count(*) FROM void_requests)
              || ' ' || (SELECT count(*) FROM reprints) || ' ' ||
              (SELECT coalesce(group_concat(series || '=' || last_no, ','), '')
                 FROM (SELECT series, last_no FROM series_counters ORDER BY series))"
}

# expect_state WANT WHAT -- ledger_state must still be WANT.
expect_state() {
  local got
  got=$(ledger_state)
  [ "$got" = "$1" ] || fail "$2: the ledger changed: before '$1', after '$got'"
}

# ---- till-load ------------------------------------------------------------

# require_till_load -- fail at once (before the test's own set-up) if till-load
# is missing.
require_till_load() {
  [ -x "$TILL_LOAD" ] || fail "till-load is not built at $TILL_LOAD (set TILL_LOAD)"
}

# load_as TERMINAL USER args... -- till-load with TERMINAL's certificate and
# USER's session there.
load_as() {
  local id=$1 user=$2
  shift 2
  require_till_load
  "$TILL_LOAD" --server "127.0.0.1:$PORT" --ca "$T/certs/ca.crt" \
    --cert "$T/certs/terminal-$id.crt" --key "$T/certs/terminal-$id.key" \
    --token "$(user_token "$id" "$user")" "$@"
}

# journal_sales_listing -- every sale in the journal in till-load's --out
# format (KEYHEX NUMBER TXN_ID), sorted.
journal_sales_listing() {
  sql "SELECT lower(hex(idem_key)) || ' ' || series || '-' || printf('%08d', receipt_no) || ' ' || id
       FROM journal WHERE kind = 'sale'" | LC_ALL=C sort
}

# ---- crashes ----------------------------------------------------------------

# kill_tilld -- SIGKILL tilld (no clean shutdown, no head signature) and reap
# it, bounded; the shell's "Killed" notice is kept out of the test's output.
kill_tilld() {
  local i
  [ -n "$TILLD_PID" ] || fail "kill_tilld: tilld is not running"
  exec {_kt_err}>&2 2>/dev/null
  kill -KILL "$TILLD_PID" || true
  for ((i = 0; i < 100; i++)); do
    kill -0 "$TILLD_PID" || break
    sleep 0.05
  done
  wait "$TILLD_PID" || true
  exec 2>&"$_kt_err" {_kt_err}>&-
  TILLD_PID=
}

# ---- copies of the database -----------------------------------------------

# db_copy DEST -- a consistent copy of $DB (online backup, so tilld may be
# running). The signing key ($SIGNING_KEY) is not beside the database, so a
# tilld started on DEST signs with the same key and an auditor's pinned key
# still applies.
db_copy() {
  rm -f -- "$1" "$1-wal" "$1-shm"
  sqlite3 -batch -cmd '.timeout 5000' "$DB" ".backup '$1'" </dev/null ||
    fail "cannot copy $DB to $1"
}

# sql_on FILE QUERY -- run QUERY on another database file; the sqlite3 exit
# code is returned (LAST_RC-free, so callers can test it).
sql_on() {
  sqlite3 -batch -noheader -cmd '.timeout 5000' "$1" "$2" </dev/null
}

# use_db FILE -- point $DB (and so sql, start_tilld) at FILE. tilld must be
# stopped.
use_db() {
  tilld_running && fail "use_db: stop tilld first"
  DB=$1
}
