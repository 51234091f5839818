#!/usr/bin/env python3
"""web_workers.py -- the browser side of tests/integ/test_web_workers.sh:
till-web's worker threads, over plain HTTPS (web_browser.py's Client).

   web_workers.py slow URL CA queued|concurrent
       the auditor's /verify of the whole ledger is the slow page; the
       supervisor's /board is asked on a new connection while it runs:
       queued (one worker) it is answered after /verify, concurrent (two)
       before
   web_workers.py many URL CA
       sessions across connections, 40 connections at once in two
       languages and two users, a logout seen by every kept connection

Settings from the environment: WEB_SUP, WEB_SUP_PW (a supervisor),
WEB_AUDITOR, WEB_AUDITOR_PW, JOURNAL_N (the journal's transactions, which
/verify must count). Prints one line per check; exits 1 on the first
failure, naming it.
"""
import http.client
import os
import re
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from web_browser import Client, fail, ok  # noqa: E402

SUP, SUP_PW = os.environ["WEB_SUP"], os.environ["WEB_SUP_PW"]
AUD, AUD_PW = os.environ["WEB_AUDITOR"], os.environ["WEB_AUDITOR_PW"]
ROUNDS = 3  # a round is void when /verify ended before the board was asked


def board_is(page, status, user, what):
    if status != 200 or f'<span class="user">{user}</span>' not in page or 'id="date"' not in page:
        fail(f"{what}: not {user}'s board: {status}: {page[:300]}")


def verify_is(page, status, what):
    n = os.environ["JOURNAL_N"]
    m = re.search(r'id="v-txns">(\d+)<', page)
    if status != 200 or 'data-ok="1"' not in page or not m or m.group(1) != n:
        fail(f"{what}: /verify did not verify the {n} transactions: {status}: "
             f"{m and m.group(0)!r} {page[:300]}")


def slow(url, ca, mode):
    aud = Client(url, ca)
    aud.login(AUD, AUD_PW)
    sup = Client(url, ca)
    sup.login(SUP, SUP_PW)  # over two connections of its own
    t0 = time.monotonic()
    r, page = aud.request("GET", "/verify")
    alone = time.monotonic() - t0
    verify_is(page, r.status, "/verify alone")
    ok(f"/verify alone: {alone:.3f} s for {os.environ['JOURNAL_N']} transactions")
    for rnd in range(1, ROUNDS + 1):
        got = {}
        sent = threading.Event()

        def verify():
            conn, get = kept(url, ca, aud.cookies, sent)
            r, page = get("/verify")
            got["done"] = time.monotonic()
            got["answer"] = (r.status, page)
            conn.close()

        th = threading.Thread(target=verify)
        th.start()
        # /verify's connection made and its request sent, and a moment for
        # till-web to read it, before the board is asked
        if not sent.wait(60):
            fail("/verify's request could not be sent in 60 s")
        time.sleep(min(0.3, alone / 3))
        asked = time.monotonic()
        r, page = sup.request("GET", "/board")  # a new connection
        answered = time.monotonic()
        th.join(120)
        if th.is_alive():
            fail("/verify took over 120 s")
        verify_is(got["answer"][1], got["answer"][0], f"round {rnd}: /verify")
        board_is(page, r.status, SUP, f"round {rnd}: the board asked while /verify ran")
        if got["done"] <= asked:
            print(f"# round {rnd} void: /verify ended {asked - got['done']:.3f} s before the board "
                  f"was asked", flush=True)
            continue
        board_ms, verify_ms = (answered - asked) * 1000, (got["done"] - asked) * 1000
        if mode == "queued":
            if answered < got["done"]:
                fail(f"one worker: the board came {board_ms:.0f} ms after it was asked, before "
                     f"/verify ended ({verify_ms:.0f} ms): it did not queue")
            ok(f"one worker: the board waited for /verify (answered {board_ms:.0f} ms after "
               f"asking, /verify ended at {verify_ms:.0f} ms)")
        else:
            if answered >= got["done"]:
                fail(f"two workers: the board came {board_ms:.0f} ms after it was asked, after "
                     f"/verify ended ({verify_ms:.0f} ms): it queued behind it")
            ok(f"two workers: the board answered in {board_ms:.0f} ms, {SUP}'s session from "
               f"another connection, while /verify ran (it ended at {verify_ms:.0f} ms)")
        return
    fail(f"/verify ended before the board was asked in all {ROUNDS} rounds: not slow enough")


# ---- many connections ----------------------------------------------------------

N_AT_ONCE = 40
PAGES_EACH = 3


def many_at_once(url, ca):
    """N_AT_ONCE browsers at once: each logs in (SUP or AUD), chooses its
    language, and reads PAGES_EACH pages, each on a new connection."""
    start = threading.Barrier(N_AT_ONCE)
    errors = []

    def browser(i):
        try:
            user, pw, path = (SUP, SUP_PW, "/board") if i % 2 else (AUD, AUD_PW, "/ledger?n=5")
            lang = "en" if (i // 2) % 2 else "zh"
            c = Client(url, ca)
            start.wait(30)
            c.login(user, pw)
            c.cookies["till_lang"] = lang
            for k in range(PAGES_EACH):
                r, page = c.request("GET", path)
                html = '<html lang="en">' if lang == "en" else '<html lang="zh-CN">'
                logout = ">Log out<" if lang == "en" else ">退出<"
                if (r.status != 200 or html not in page or logout not in page or
                        f'<span class="user">{user}</span>' not in page):
                    errors.append(f"browser {i} ({user}, {lang}) page {k} {path}: {r.status}: "
                                  f"{page[:300]}")
                    return
                if lang == "en" and re.search(r"[\u4e00-\u9fff]", page.replace("中文", "")):
                    errors.append(f"browser {i} ({user}, en): Chinese on an English page")
                    return
        except Exception as e:  # noqa: BLE001 -- any failure is the test's
            errors.append(f"browser {i}: {type(e).__name__}: {e}")

    threads = [threading.Thread(target=browser, args=(i,)) for i in range(N_AT_ONCE)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(max(1, 180 - (time.monotonic() - t0)))
    if any(t.is_alive() for t in threads):
        fail(f"{N_AT_ONCE} browsers at once: not all done in 180 s")
    if errors:
        fail(f"{len(errors)} of {N_AT_ONCE} browsers got a wrong page; first: {errors[0]}")
    ok(f"{N_AT_ONCE} browsers at once ({SUP} and {AUD}, English and Chinese), "
       f"{N_AT_ONCE * (PAGES_EACH + 2)} requests on as many connections: every page the right "
       f"user's in the right language ({time.monotonic() - t0:.1f} s)")


def kept(url, ca, cookies, sent=None):
    """A kept-alive connection with the browser's cookies: (conn, get);
    <sent> (an Event) is set once a request has gone out."""
    c = Client(url, ca)
    conn = http.client.HTTPSConnection(c.host, c.port, context=c.ctx, timeout=120)

    def get(path):
        conn.request("GET", path, headers={"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())})
        if sent:
            sent.set()
        r = conn.getresponse()
        return r, r.read().decode("utf-8", "replace")
    return conn, get


def logout_everywhere(url, ca):
    sup = Client(url, ca)
    sup.login(SUP, SUP_PW)
    conns = []
    for i in range(8):
        conn, get = kept(url, ca, dict(sup.cookies))
        r, page = get("/board")
        board_is(page, r.status, SUP, f"kept connection {i}")
        conns.append((conn, get))
    ok(f"8 kept-alive connections read {SUP}'s board")
    r, page = sup.request("GET", "/board")
    csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', page)
    if not csrf:
        fail("the board has no CSRF token")
    r, page = sup.request("POST", "/logout", {"csrf": csrf.group(1)})
    if r.status != 303 or r.getheader("Location") != "/login":
        fail(f"logout: {r.status}: {page[:300]}")
    for i, (conn, get) in enumerate(conns):
        r, page = get("/board")
        if r.status != 303 or r.getheader("Location") != "/login":
            fail(f"kept connection {i} after the logout: {r.status}, not sent to /login: {page[:300]}")
        conn.close()
    ok("after a logout on another connection, each of the 8 kept connections is sent to /login")
    r, page = sup.request("GET", "/board")
    if r.status != 303:
        fail(f"the logged-out cookie on a new connection: {r.status}")
    ok("and so is a new connection with the old cookie")


def main():
    if len(sys.argv) < 4:
        fail("usage: web_workers.py slow|many URL CA [queued|concurrent]")
    mode, url, ca = sys.argv[1:4]
    if mode == "slow":
        slow(url, ca, sys.argv[4])
    elif mode == "many":
        many_at_once(url, ca)
        logout_everywhere(url, ca)
    else:
        fail(f"unknown mode {mode}")
    print(f"web_workers {mode}: all checks hold", flush=True)


if __name__ == "__main__":
    main()
