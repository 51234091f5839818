#!/usr/bin/env bash
# test_web_lang.sh -- till-web's language switch (docs/web.md, "Language")
# over raw HTTPS: each page's switch link carries the page (its path and
# query, percent-encoded) as `back`, and /lang sets the language cookie and
# sends the browser back there; a `back` that is not a GET page of the
# console -- another host as "//evil.example" or "https://evil.example/",
# a backslash, a line break, an unknown path -- or none at all goes to the
# board (to the login page without a session): never an open redirect.
source "$(dirname -- "$0")/lib.sh"
source "$(dirname -- "$0")/lib_world.sh"
source "$(dirname -- "$0")/lib_web.sh"

web_tools test_web_lang
register_lanes
world_users sam
web_terminal
start_web "$T/till-web.log" --language en
export WEB_SUP=sam WEB_SUP_PW=$(world_password sam)

step "the switch returns to the page it was on; anything else goes to the board"
if ! timeout 60 "$PY" - "$URL" "$T/certs/ca.crt" >"$T/lang.out" 2>&1 <<'PY'; then
import os, sys, urllib.parse
sys.path.insert(0, os.path.join(os.environ["TILL_SOURCE_DIR"], "tests", "integ"))
from web_browser import Client, fail, ok

url, ca = sys.argv[1], sys.argv[2]


def lang(c, back, want, what):
    q = "/lang?to=zh" + ("" if back is None else "&back=" + urllib.parse.quote(back, safe=""))
    r, page = c.request("GET", q)
    loc = r.getheader("Location")
    if r.status not in (302, 303) or loc != want:
        fail(f"{what}: GET {q}: {r.status}, Location {loc!r}, want {want!r}")
    if not c.set_cookies.get("till_lang", "").startswith("till_lang=zh;"):
        fail(f"{what}: no language cookie: {c.set_cookies}")
    ok(f"{what}: Location {loc}")


anon = Client(url, ca)
lang(anon, None, "/login", "no back, not logged in")
lang(anon, "//evil.example", "/login", "//evil.example, not logged in")

c = Client(url, ca)
c.login(os.environ["WEB_SUP"], os.environ["WEB_SUP_PW"])
r, page = c.request("GET", "/month?month=2026-11")
link = 'href="/lang?to=zh&amp;back=%2Fmonth%3Fmonth%3D2026-11"'
if r.status != 200 or link not in page:
    fail(f"/month?month=2026-11: {r.status}, no switch link back to it: {page[:600]}")
ok("the monthly page's switch link carries the page")
lang(c, "/month?month=2026-11", "/month?month=2026-11", "back to the page with its query")
r, page = c.request("GET", "/month?month=2026-11")
if r.status != 200 or "月结" not in page:
    fail(f"the page after the switch is not in Chinese: {r.status} {page[:400]}")
ok("the page after the switch, in Chinese")
lang(c, "/voids", "/voids", "back to the approvals")
lang(c, None, "/board", "no back")
lang(c, "", "/board", "an empty back")
lang(c, "//evil.example", "/board", "//evil.example")
lang(c, "https://evil.example/", "/board", "https://evil.example/")
lang(c, "/\\evil.example", "/board", "a backslash")
lang(c, "/board\r\nSet-Cookie: x=1", "/board", "a line break")
lang(c, "/nosuch", "/board", "a path the console does not answer")
lang(c, "/logout", "/board", "a path answered only by POST")
lang(c, "/" + "a" * 2000, "/board", "a path too long")
PY
  cat -- "$T/lang.out" >&9
  fail "the language switch's checks failed (above)"
fi
cat -- "$T/lang.out"
stop_web
