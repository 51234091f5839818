#!/usr/bin/env bash
# test_web_sessions.sh -- till-web's table of browser sessions when full
# (docs/web.md, "Security"), with the setting max_sessions at 2, over raw
# HTTPS against a real tilld: two browsers log in; a third's login, which
# tilld accepts, is refused by till-web (503, no cookie) and the Till
# session tilld opened for it is logged out at once -- tilld's sessions
# table holds it ended, with a logout security event, and only the two
# browsers' sessions live; the two still read their pages; after one logs
# out, the third gets in. max_sessions outside 1..256 stops till-web at
# start.
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_world.sh"
source "$(dirname -- "$0")/lib_web.sh"

web_tools test_web_sessions
register_lanes
world_users sam
web_terminal
start_web "$T/till-web.log" --language en --max_sessions 2
export WEB_SUP=sam WEB_SUP_PW=$(world_password sam)

# browsers PHASE -- the HTTPS side (web_browser.py's Client); the first
# browser's cookies are kept in $T/first.json between the phases
browsers() {
  timeout 60 "$PY" - "$URL" "$T/certs/ca.crt" "$1" "$T/first.json" >"$T/$1.out" 2>&1 <<'PY' ||
import json, os, re, sys
sys.path.insert(0, os.path.join(os.environ["TILL_SOURCE_DIR"], "tests", "integ"))
from web_browser import Client, fail, ok

url, ca, phase, keep = sys.argv[1:5]
user, pw = os.environ["WEB_SUP"], os.environ["WEB_SUP_PW"]


def refused(what):
    c = Client(url, ca)
    r, page = c.request("GET", "/login")
    pre = re.search(r'name="pre" value="([0-9a-f]{64})"', page).group(1)
    r, page = c.request("POST", "/login", {"pre": pre, "user": user, "password": pw})
    if r.status != 503 or "too many people are logged in to the console" not in page:
        fail(f"{what}: expected 503, got {r.status}: {page[:400]}")
    if "till_sid" in c.cookies:
        fail(f"{what}: a session cookie was set: {c.set_cookies}")
    ok(f"{what}: 503, too many people are logged in, no session cookie")


def board(c, what):
    r, page = c.request("GET", "/board")
    if r.status != 200 or '<span class="user">sam</span>' not in page:
        fail(f"{what}: the board: {r.status}: {page[:300]}")
    ok(f"{what} still reads the board")
    return page


if phase == "full":
    first, second = Client(url, ca), Client(url, ca)
    first.login(user, pw)
    second.login(user, pw)
    ok("two browsers logged in")
    refused("a third browser's login with the table full")
    board(first, "the first browser")
    board(second, "the second browser")
    json.dump(first.cookies, open(keep, "w"))
else:
    first = Client(url, ca)
    first.cookies = json.load(open(keep))
    page = board(first, "the first browser")
    csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', page).group(1)
    r, page = first.request("POST", "/logout", {"csrf": csrf})
    if r.status != 303:
        fail(f"logout: {r.status}: {page[:300]}")
    ok("the first browser logged out")
    third = Client(url, ca)
    third.login(user, pw)
    board(third, "the third browser, logged in now")
    refused("a fourth browser's login with the table full again")
PY
    { cat -- "$T/$1.out" >&9; fail "the browsers ($1) failed"; }
  cat -- "$T/$1.out" >&8
}
live() { sql "SELECT count(*) FROM sessions WHERE terminal_id = 'WEB-01' AND ended_at IS NULL"; }
ended() { sql "SELECT count(*) FROM sessions WHERE terminal_id = 'WEB-01' AND ended_at IS NOT NULL"; }
logouts() { sql "SELECT count(*) FROM security_events WHERE kind = 'logout' AND terminal_id = 'WEB-01' AND user_name = 'sam'"; }

step "two browsers fill the table; a third login is refused and its Till session ended"
assert_eq 0 "$(live)" "Till sessions on WEB-01 before"
browsers full
assert_eq 2 "$(live)" "live Till sessions on WEB-01: the two browsers'"
assert_eq 1 "$(ended)" "Till sessions on WEB-01 ended: the refused login's"
assert_eq 1 "$(logouts)" "logouts of sam on WEB-01"
assert_eq 3 "$(sql "SELECT count(*) FROM security_events WHERE kind = 'login_ok' AND terminal_id = 'WEB-01'")" \
  "logins tilld accepted on WEB-01"

step "one logs out, the third gets in; a fourth is refused and its session ended too"
browsers after
assert_eq 2 "$(live)" "live Till sessions on WEB-01"
assert_eq 3 "$(ended)" "Till sessions on WEB-01 ended: a logout and two refused logins"
assert_eq 3 "$(logouts)" "logouts of sam on WEB-01"
stop_web

step "max_sessions outside 1..256 stops till-web at start"
for bad in 0 257 -1 2x ""; do
  rc=0
  timeout 20 "$TILL_WEB" --listen 127.0.0.1:0 --cert "$T/certs/server.crt" --key "$T/certs/server.key" \
    --server "127.0.0.1:$PORT" --ca "$T/certs/ca.crt" --terminal_cert "$T/certs/terminal-WEB-01.crt" \
    --terminal_key "$T/certs/terminal-WEB-01.key" --max_sessions "$bad" </dev/null >"$T/bad.out" 2>&1 8>&- 9>&- ||
    rc=$?
  assert_eq 2 "$rc" "till-web's exit with max_sessions '$bad'"
  assert_file_contains "$T/bad.out" "bad setting --max_sessions"
done
