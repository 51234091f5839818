#!/usr/bin/env bash
# test_web_workers.sh -- till-web answers browsers on several worker
# threads (the `workers` setting, docs/web.md), against a real tilld and a
# real till-web on loopback, over plain HTTPS (web_workers.py):
#   slow:     a ledger of 40,000 sales posted by till-bench; an auditor's
#             /verify (till-web fetches and checks the whole chain) is the
#             slow page. With --workers 1 a supervisor's /board asked while
#             it runs is answered only after it (the control: the slow page
#             is slow, and one loop queues); with --workers 2 the board is
#             answered while /verify still runs, on the other worker,
#             under the session logged in over another connection;
#   sessions: a supervisor and an auditor logged in on new connections
#             keep their sessions on every other connection;
#   many:     40 connections at once, half asking in English and half in
#             Chinese, logins and pages of two users mixed: every page is
#             the right user's, in the right language;
#   logout:   kept-alive connections on several workers, a logout on
#             another: each kept connection's next page is the login page;
#   settings: --workers 0, 33 and x are refused.
# Each till-web is stopped with SIGTERM: it must stop in time, exit 0 and
# its log show no sanitizer report (lib_web.sh).
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_ledger.sh"
source "$(dirname -- "$0")/lib_world.sh"
source "$(dirname -- "$0")/lib_web.sh"

web_tools test_web_workers
BENCH=${TILL_BENCH:-$(dirname -- "$TILL")/../bench/till-bench}
[ -x "$BENCH" ] || fail "till-bench is not built at $BENCH (set TILL_BENCH)"

step "a ledger of 40,000 sales, posted by till-bench from two lanes"
register_lanes
world_catalog
world_users carol dan sam audrey
world_login T-LANE-01:carol T-LANE-02:dan
open_shift T-LANE-01 carol
open_shift T-LANE-02 dan
line_of() { printf '%s %s %s\n' "$T/certs/terminal-$1.crt" "$T/certs/terminal-$1.key" "$(user_token "$1" "$2")"; }
{ line_of T-LANE-01 carol; line_of T-LANE-02 dan; } >"$T/terminals"
expect_rc 0 "$BENCH" --server "127.0.0.1:$PORT" --ca "$T/certs/ca.crt" --terminals "$T/terminals" \
  --item PARK1H --seconds 300 --connections 2 --count 20000 --depth 32
assert_eq 40000 "$(sql "SELECT count(*) FROM journal WHERE kind = 'sale'")" "sales in the journal"

JOURNAL_N=$(sql "SELECT count(*) FROM journal")
export JOURNAL_N
web_terminal
export WEB_SUP=sam WEB_SUP_PW=$(world_password sam) WEB_AUDITOR=audrey WEB_AUDITOR_PW=$(world_password audrey)
PYW=$(dirname -- "$0")/web_workers.py
CA=$T/certs/ca.crt
# pyw OUT ARGS -- web_workers.py ARGS (bounded: 240 s), its lines shown
pyw() {
  local out=$T/$1.out
  shift
  if ! timeout 240 "$PY" "$PYW" "$1" "$URL" "$CA" "${@:2}" >"$out" 2>&1; then
    cat -- "$out" >&9
    fail "web_workers.py $* failed (above)"
  fi
  cat -- "$out"
}

step "settings: --workers 0, 33 and x are refused"
for bad in 0 33 x; do
  expect_rc 2 "$TILL_WEB" --cert "$T/certs/server.crt" --key "$T/certs/server.key" \
    --server "127.0.0.1:$PORT" --ca "$CA" --terminal_cert "$T/certs/terminal-WEB-01.crt" \
    --terminal_key "$T/certs/terminal-WEB-01.key" --workers "$bad"
  assert_last_contains "bad setting --workers $bad"
done

step "one worker (the control): the board waits for the auditor's slow /verify"
start_web "$T/till-web-1.log" --language en --workers 1
pyw slow-1 slow queued
stop_web

step "two workers: the board is answered while /verify runs, on the other worker"
start_web "$T/till-web-2.log" --language en --workers 2
pyw slow-2 slow concurrent
stop_web

step "four workers (the default): sessions across connections, 40 at once, logout everywhere"
start_web "$T/till-web-4.log" --language en
grep -q "till-web: 4 workers" "$WEB_LOG" || fail "till-web does not say it runs 4 workers"
pyw many many
stop_web
