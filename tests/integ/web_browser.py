#!/usr/bin/env python3
"""web_browser.py -- the browser side of tests/integ/test_web.sh.

   web_browser.py raw     URL CA          bad input over plain HTTPS requests
   web_browser.py browser URL CA OUTDIR   headless Chromium through chromedriver

Settings come from the environment the shell test sets: WEB_SUP and
WEB_SUP_PW (a supervisor), WEB_CASHIER and WEB_CASHIER_PW, SHORT_SHIFT (the
id of a shift closed short), OK_SHIFT (one closed exact), VOID_ID (a
pending void), REPORT_CMD (the `till report daily --json` command line
whose figures the report page must show). Prints one line per check and
exits 1 on the first failure, naming it.
"""
import http.client
import json
import os
import re
import shlex
import ssl
import subprocess
import sys
import urllib.parse

CHECKS = 0


def fail(msg):
    print(f"FAIL: {msg}", flush=True)
    sys.exit(1)


def ok(msg):
    global CHECKS
    CHECKS += 1
    print(f"ok {CHECKS} - {msg}", flush=True)


# ---- plain HTTPS ------------------------------------------------------------


class Client:
    """A cookie-keeping HTTPS client that verifies till-web with the CA."""

    def __init__(self, url, ca):
        u = urllib.parse.urlsplit(url)
        self.host, self.port = u.hostname, u.port
        self.ctx = ssl.create_default_context(cafile=ca)
        self.cookies = {}
        self.set_cookies = {}

    def oversized(self, path, n):
        """POST n bytes; till-web may answer and close before reading them
        all, so the sending may fail: the answer's status line counts."""
        import socket
        raw = socket.create_connection((self.host, self.port), timeout=20)
        s = self.ctx.wrap_socket(raw, server_hostname=self.host)
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        head = (f"POST {path} HTTP/1.1\r\nHost: {self.host}\r\nCookie: {cookie}\r\n"
                f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {n}\r\n\r\n")
        try:
            s.sendall(head.encode() + b"x" * n)
        except (ssl.SSLError, OSError):
            pass
        data = b""
        try:
            while len(data) < 65536:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
        except (ssl.SSLError, OSError):
            pass
        s.close()
        return data.decode("utf-8", "replace")

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPSConnection(self.host, self.port, context=self.ctx, timeout=20)
        h = dict(headers or {})
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if isinstance(body, dict):
            body = urllib.parse.urlencode(body)
            h.setdefault("Content-Type", "application/x-www-form-urlencoded")
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        data = r.read().decode("utf-8", "replace")
        self.tls = conn.sock.version() if conn.sock else None
        for k, v in r.getheaders():
            if k.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                value = rest.split(";", 1)[0]
                if "Max-Age=0" in v:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = value
                self.set_cookies[name] = v
        conn.close()
        return r, data

    def login(self, user, pw):
        r, page = self.request("GET", "/login")
        pre = re.search(r'name="pre" value="([0-9a-f]{64})"', page)
        if r.status != 200 or not pre:
            fail(f"GET /login: {r.status}, no login form")
        r, page = self.request("POST", "/login", {"pre": pre.group(1), "user": user, "password": pw})
        if r.status != 303 or "till_sid" not in self.cookies:
            fail(f"login as {user}: {r.status}: {page[:300]}")
        return r


def expect_status(r, page, want, what, text=None):
    if r.status != want:
        fail(f"{what}: expected {want}, got {r.status}: {page[:400]}")
    if text and text not in page:
        fail(f"{what}: the page lacks {text!r}: {page[:600]}")
    ok(f"{what}: {want}" + (f", says {text!r}" if text else ""))


def raw(url, ca):
    c = Client(url, ca)
    r, page = c.request("GET", "/login")
    h = {k.lower(): v for k, v in r.getheaders()}
    csp = h.get("content-security-policy", "")
    if "default-src 'self'" not in csp or "unsafe-inline" in csp:
        fail(f"Content-Security-Policy: {csp!r}")
    ok(f"CSP: {csp}")
    for k, want in (("x-content-type-options", "nosniff"), ("referrer-policy", "no-referrer"),
                    ("strict-transport-security", "max-age=")):
        if want not in h.get(k, ""):
            fail(f"header {k}: {h.get(k)!r}")
    ok("nosniff, no-referrer, HSTS")
    if c.tls != "TLSv1.3":
        fail(f"TLS version {c.tls}")
    ok("TLS 1.3")
    if "<script" in page or "style=" in page:
        fail("the login page has inline script or style")
    ok("no inline script or style attribute")

    r, page = c.request("POST", "/login", {"user": os.environ["WEB_SUP"], "password": "x"})
    expect_status(r, page, 403, "a login form without its token", "expired")

    c.login(os.environ["WEB_SUP"], os.environ["WEB_SUP_PW"])
    sc = c.set_cookies.get("till_sid", "")
    for attr in ("HttpOnly", "Secure", "SameSite=Strict", "Max-Age="):
        if attr not in sc:
            fail(f"session cookie lacks {attr}: {sc}")
    ok(f"session cookie: {sc.split(';', 1)[1].strip()}")

    r, page = c.request("GET", "/voids")
    csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', page)
    void_id = os.environ["VOID_ID"]
    if r.status != 200 or not csrf or f'id="void-{void_id}"' not in page:
        fail(f"GET /voids as the supervisor: {r.status}, void {void_id} not listed")
    ok(f"void {void_id} is listed")
    key = "0" * 31 + "1"
    form = {"void_id": void_id, "approve": "1", "key": key}
    r, page = c.request("POST", "/voids/decide", form)
    expect_status(r, page, 403, "a decision without the CSRF token", "expired")
    r, page = c.request("POST", "/voids/decide", dict(form, csrf="f" * 64))
    expect_status(r, page, 403, "a decision with a wrong CSRF token")
    r, page = c.request("POST", "/voids/decide", dict(form, csrf=csrf.group(1), key="zz"))
    expect_status(r, page, 400, "a forged form (bad key)", "not one this console drew")
    r, page = c.request("POST", "/voids/decide", dict(form, csrf=csrf.group(1), approve="yes"))
    expect_status(r, page, 400, "a forged form (approve=yes)")
    answer = c.oversized("/voids/decide", 20000)
    if not answer.startswith("HTTP/1.1 413"):
        fail(f"an oversized body: {answer[:200]!r}")
    ok("an oversized body: " + answer.split("\r\n", 1)[0])
    r, page = c.request("GET", "/shift?id=987654")
    expect_status(r, page, 404, "an unknown shift id", "987654")
    r, page = c.request("GET", "/shift?id=1x")
    expect_status(r, page, 400, "a shift id that is no number")
    r, page = c.request("GET", "/report?date=2026-1-1")
    expect_status(r, page, 400, "a malformed date")
    r, page = c.request("GET", "/nowhere")
    expect_status(r, page, 404, "an unknown page")
    r, page = c.request("GET", "/voids/decide")
    expect_status(r, page, 405, "GET of a form's target")
    r, page = c.request("POST", "/shift/signoff", {"csrf": csrf.group(1), "id": "987654"})
    expect_status(r, page, 404, "signing off an unknown shift")


def slow_client(url, ca):
    """A client that never finishes its request is cut off after the
    request_timeout (the test sets 2 s), and others are served meanwhile."""
    import socket
    import time
    c = Client(url, ca)
    raw_sock = socket.create_connection((c.host, c.port), timeout=15)
    s = c.ctx.wrap_socket(raw_sock, server_hostname=c.host)
    s.sendall(b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # and nothing more
    start = time.monotonic()
    r, page = c.request("GET", "/login")
    if r.status != 200:
        fail(f"another browser during a slow one: {r.status}")
    got = b""
    try:
        while len(got) < 65536:
            chunk = s.recv(4096)
            if not chunk:
                break
            got += chunk
    except (ssl.SSLError, OSError):
        pass
    took = time.monotonic() - start
    s.close()
    if took > 8 or b"200 OK" in got:
        fail(f"a slow client: cut off after {took:.1f} s, answered {got[:80]!r}")
    ok(f"a slow client is cut off after {took:.1f} s and others are served meanwhile")


def auditor(url, ca):
    """What an auditor may see (receipts, ledger, voids) and do (no decision)."""
    c = Client(url, ca)
    c.login(os.environ["WEB_AUDITOR"], os.environ["WEB_AUDITOR_PW"])
    r, page = c.request("GET", "/voids")
    expect_status(r, page, 200, "the auditor lists the pending voids")
    csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', page).group(1)
    r, page = c.request("POST", "/voids/decide", {"csrf": csrf, "void_id": os.environ["VOID_ID"],
                                                  "approve": "1", "key": "0" * 31 + "2"})
    expect_status(r, page, 403, "the auditor approving a void: tilld refuses", "void decide")

    short = os.environ["SHORT_SHIFT"]
    r, page = c.request("GET", "/board?hours=0")
    if r.status != 200 or f'id="undeposited-{short}"' not in page:
        fail(f"/board?hours=0: {r.status}: shift {short} is not among the cash not deposited")
    r, page = c.request("GET", "/board")
    if r.status != 200 or 'id="undeposited"' not in page or f'id="undeposited-{short}"' in page:
        fail(f"/board: {r.status}: shift {short}, closed just now, is listed as 24 h undeposited")
    ok(f"cash not deposited: shift {short} listed at 0 hours, not at 24")
    r, page = c.request("GET", "/board?hours=9999")
    expect_status(r, page, 400, "hours out of tilld's range", "hours must be 0 to 8784")
    r, page = c.request("GET", "/board?hours=x")
    expect_status(r, page, 400, "hours that are no number")

    series = os.environ["SERIES"]
    r, page = c.request("GET", "/receipts")
    expect_status(r, page, 200, "the auditor's series list", series)
    r, page = c.request("GET", "/receipts?series=" + series)
    issued = re.search(r'id="issued">(\d+)<', page)
    missing = re.search(r'id="missing_count">(\d+)<', page)
    if r.status != 200 or not issued or issued.group(1) != os.environ["ISSUED"] or missing.group(1) != "0":
        fail(f"receipts of {series}: {r.status}, issued {issued and issued.group(1)}, "
             f"want {os.environ['ISSUED']}, missing {missing and missing.group(1)}")
    if 'id="voided"' not in page:
        fail("no table of voided receipts")
    ok(f"receipts of {series}: {issued.group(1)} issued, none missing")
    r, page = c.request("GET", "/receipts?series=ZZ2001")
    expect_status(r, page, 404, "an unknown series", "no series ZZ2001")
    r, page = c.request("GET", "/receipts?series=%3Cb%3E")
    expect_status(r, page, 400, "a series that is no name")

    drawer = "drawer:shift:" + short
    all_csv = c.request("GET", "/ledger.csv")[1]
    all_rows = all_csv.count("\n") - 1
    # the account, receipt-range and amount filters narrow the ledger (a
    # filter till-web dropped would give all the rows, which the CLI does not)
    narrowing = (("?account=" + urllib.parse.quote(drawer), ["--account", drawer]),
                 ("?receipt_from=2", ["--receipt-from", "2"]),
                 ("?receipt_to=1", ["--receipt-to", "1"]),
                 ("?min=15", ["--min", "15"]),
                 ("?max=15.5", ["--max", "15.5"]),
                 ("?account=revenue%3APARK&receipt_from=1&receipt_to=3&min=6.5&max=20.00&cashier=dan",
                  ["--account", "revenue:PARK", "--receipt-from", "1", "--receipt-to", "3",
                   "--min", "6.5", "--max", "20.00", "--cashier", "dan"]))
    for query, extra in (("", []), ("?cashier=carol", ["--cashier", "carol"]),
                         ("?kind=sale&method=wechat", ["--kind", "sale", "--method", "wechat"])) + narrowing:
        r, body = c.request("GET", "/ledger.csv" + query)
        want = subprocess.run(shlex.split(os.environ["LEDGER_CMD"]) + extra, check=True,
                              capture_output=True).stdout.decode()
        if r.status != 200 or "attachment" not in (r.getheader("Content-Disposition") or ""):
            fail(f"/ledger.csv{query}: {r.status} {r.getheader('Content-Disposition')}")
        if body != want:
            fail(f"/ledger.csv{query} differs from till audit ledger --csv:\n{body}\n---\n{want}")
        rows = body.count(chr(10)) - 1
        if query in dict(narrowing) and not 0 < rows < all_rows:
            fail(f"/ledger.csv{query}: {rows} rows of {all_rows}: the filter does not narrow the test's ledger")
        ok(f"/ledger.csv{query}: {rows} rows, byte for byte till audit ledger --csv")
    # the page carries the new filters into its form, its next page and its download
    query = "?n=1&account=revenue%3APARK&receipt_from=1&receipt_to=3&min=6.5&max=20.00"
    r, page = c.request("GET", "/ledger" + query)
    nxt = re.search(r'id="next" href="([^"]+)"', page)
    csv = re.search(r'id="csv" href="([^"]+)"', page)
    carried = "&amp;account=revenue%3APARK&amp;receipt_from=1&amp;receipt_to=3&amp;min=6.5&amp;max=20.00"
    if r.status != 200 or not nxt or not csv or carried not in nxt.group(1) or carried not in csv.group(1):
        fail(f"/ledger{query}: {r.status}, next {nxt and nxt.group(1)}, csv {csv and csv.group(1)}")
    for key, value in (("account", "revenue:PARK"), ("receipt_from", "1"), ("receipt_to", "3"),
                       ("min", "6.5"), ("max", "20.00")):
        if f'name="{key}" maxlength="64" value="{value}"' not in page:
            fail(f"/ledger{query}: the form does not show {key}={value}")
    r, body = c.request("GET", csv.group(1).replace("&amp;", "&"))
    want = subprocess.run(shlex.split(os.environ["LEDGER_CMD"]) +
                          ["--account", "revenue:PARK", "--receipt-from", "1", "--receipt-to", "3",
                           "--min", "6.5", "--max", "20.00"], check=True, capture_output=True).stdout.decode()
    if r.status != 200 or body != want:
        fail(f"the page's CSV link: {r.status}\n{body}\n---\n{want}")
    ok("the ledger page keeps account, receipt range and amounts in its form, next page and CSV link")
    # bad values: a 400 naming the field (by its key, which tilld's own
    # messages never use: it says amount_min, receipt_from ... is after)
    for query, field in (("?min=1.234", "(min)"), ("?max=12a", "(max)"), ("?min=-1", "(min)"),
                         ("?max=1e3", "(max)"), ("?min=20&max=10", "Min amount (min) is above Max amount (max)"),
                         ("?receipt_from=1.5", "(receipt_from)"), ("?receipt_to=x", "(receipt_to)"),
                         ("?receipt_from=-2", "(receipt_from)"),
                         ("?receipt_from=3&receipt_to=2", "Receipt from (receipt_from) is above Receipt to"),
                         ("?account=" + "a" * 65, "(account)")):
        for path in ("/ledger", "/ledger.csv"):
            r, page = c.request("GET", path + query)
            expect_status(r, page, 400, f"{path}{query[:24]}", field)
    ids_csv = [line.split(",", 1)[0] for line in all_csv.split("\r\n")[1:] if line]
    ids, path = [], "/ledger?n=2"
    for _ in range(100):
        r, page = c.request("GET", path)
        if r.status != 200:
            fail(f"GET {path}: {r.status}")
        ids += re.findall(r'<tr id="txn-(\d+)">', page)
        nxt = re.search(r'id="next" href="([^"]+)"', page)
        if not nxt:
            break
        path = nxt.group(1).replace("&amp;", "&")
    if ids != ids_csv:
        fail(f"the ledger's pages of 2 show {ids}, the CSV {ids_csv}")
    ok(f"the ledger in pages of 2: {len(ids)} transactions, each once, as in the CSV")
    r, page = c.request("GET", "/ledger?from=2026-13-01")
    expect_status(r, page, 400, "a ledger filter that is no date")


# ---- the browser --------------------------------------------------------------


def spki_hash(cert):
    pub = subprocess.run(["openssl", "x509", "-in", cert, "-pubkey", "-noout"], check=True,
                         capture_output=True).stdout
    der = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "der"], input=pub, check=True,
                         capture_output=True).stdout
    import base64
    import hashlib
    return base64.b64encode(hashlib.sha256(der).digest()).decode()


def browser(url, ca, outdir):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    opts = webdriver.ChromeOptions()
    for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
              "--window-size=1366,900", "--no-first-run", "--disable-extensions",
              "--disable-background-networking", "--disable-component-update",
              "--ignore-certificate-errors-spki-list=" + spki_hash(os.environ["WEB_CERT"])):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    d = webdriver.Chrome(options=opts, service=Service(executable_path=os.environ.get(
        "CHROMEDRIVER", "/usr/bin/chromedriver")))
    d.set_page_load_timeout(20)
    errors = []

    refused = []  # the pages tilld refuses the cashier: their 403 is expected

    def console():
        for e in d.get_log("browser"):
            msg = e.get("message", "")
            if e.get("level") != "SEVERE":
                continue
            if "status of 403" in msg and any(msg.startswith(url + p + " ") for p in refused):
                continue
            errors.append(msg)

    def shot(name):
        d.save_screenshot(os.path.join(outdir, name + ".png"))

    def settle(done, what):
        """A click on a submit button returns before the browser has the
        next page: wait (bounded) until done(driver) holds; a timeout is
        left to the check that follows, which names what it saw."""
        try:
            WebDriverWait(d, 20).until(done)
        except TimeoutException:
            print(f"# waited 20 s for {what}; checking what the browser has", flush=True)

    def login(user, pw):
        d.get(url + "/login")
        d.find_element(By.ID, "user").send_keys(user)
        d.find_element(By.ID, "password").send_keys(pw)
        d.find_element(By.ID, "login").click()
        settle(lambda drv: not drv.current_url.endswith("/login"), "the page after the login")

    try:
        login(os.environ["WEB_SUP"], os.environ["WEB_SUP_PW"])
        if not d.current_url.endswith("/board"):
            fail(f"after the supervisor's login the browser is at {d.current_url}")
        short = d.find_element(By.ID, "shift-" + os.environ["SHORT_SHIFT"])
        if "short" not in (short.get_attribute("class") or ""):
            fail(f"shift {os.environ['SHORT_SHIFT']} is not highlighted as short")
        bg = short.find_element(By.CSS_SELECTOR, "td").value_of_css_property("background-color")
        if bg in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)", "rgba(255, 255, 255, 1)"):
            fail(f"the short drawer's row has no background colour: {bg}")
        variance = short.find_element(By.CSS_SELECTOR, "td.variance").text
        if variance != os.environ["SHORT_VARIANCE"]:
            fail(f"short shift variance {variance!r}, want {os.environ['SHORT_VARIANCE']}")
        exact = d.find_element(By.ID, "shift-" + os.environ["OK_SHIFT"])
        if "short" in (exact.get_attribute("class") or ""):
            fail("the exact shift is highlighted as short")
        ok(f"board: shift {os.environ['SHORT_SHIFT']} short {variance}, background {bg}")
        shot("board")
        console()

        d.get(url + "/voids")
        vid = os.environ["VOID_ID"]
        d.find_element(By.ID, "void-" + vid)
        shot("voids")
        d.find_element(By.ID, "approve-" + vid).click()
        settle(lambda drv: drv.find_elements(By.ID, "notice"), "the page after the approval")
        if "/voids" not in d.current_url or not d.find_elements(By.ID, "notice"):
            fail(f"after approving: {d.current_url}")
        if d.find_elements(By.ID, "void-" + vid):
            fail(f"void {vid} is still listed after its approval")
        ok(f"void {vid} approved and gone from the list")
        console()
        d.get(url + "/receipts?series=" + os.environ["SERIES"])
        voided = d.find_element(By.ID, "voided").text
        if "wrong plate" not in voided:
            fail(f"the approved void is not among the voided receipts: {voided!r}")
        ok("receipt continuity lists the approved void with its reason")
        shot("receipts")
        d.get(url + "/ledger?n=5")
        shot("ledger")
        console()

        d.get(url + "/report")
        shot("report")
        rep = json.loads(subprocess.run(shlex.split(os.environ["REPORT_CMD"]), check=True,
                                        capture_output=True, text=True).stdout)
        if d.find_element(By.ID, "date").text != rep["date"]:
            fail(f"report date {d.find_element(By.ID, 'date').text} != {rep['date']}")
        for k in ("sales_amount", "void_amount", "net_amount", "floats", "variance", "deposited",
                  "undeposited_amount"):
            got = d.find_element(By.ID, k).text
            if got != rep[k]:
                fail(f"report {k}: page {got}, till report daily --json {rep[k]}")
        for k in ("receipts_issued", "receipts_voided"):
            if d.find_element(By.ID, k).text != str(rep[k]):
                fail(f"report {k}: page {d.find_element(By.ID, k).text}, json {rep[k]}")
        for m in rep["methods"]:
            got = d.find_element(By.ID, "method-" + m["method"]).text
            if got != m["amount"]:
                fail(f"report method {m['method']}: page {got}, json {m['amount']}")
        bars = d.find_elements(By.CSS_SELECTOR, "#chart rect.bar")
        if len(bars) != len(rep["methods"]) or not rep["methods"]:
            fail(f"chart has {len(bars)} bars for {len(rep['methods'])} methods")
        rows = d.find_elements(By.CSS_SELECTOR, "#takings tbody tr")
        if len(rows) != len(rep["takings"]):
            fail(f"takings: {len(rows)} rows on the page, {len(rep['takings'])} in the json")
        ok(f"report {rep['date']}: net {rep['net_amount']}, {len(rep['methods'])} methods, "
           f"{len(rows)} takings rows equal till report daily --json")
        console()

        d.find_element(By.CSS_SELECTOR, "form[action='/logout'] button").click()
        settle(lambda drv: drv.current_url.endswith("/login"), "the login page after logging out")
        if not d.current_url.endswith("/login"):
            fail(f"after logging out: {d.current_url}")
        d.get(url + "/board")
        if not d.current_url.endswith("/login"):
            fail("the board is shown after logging out")
        ok("logged out: the board asks for a login")

        d.get(url + "/lang?to=zh")
        login(os.environ["WEB_CASHIER"], os.environ["WEB_CASHIER_PW"])
        refused.extend(("/board", "/voids", "/report"))
        for page in refused:
            d.get(url + page)
            err = d.find_elements(By.ID, "error")
            if not err or d.find_elements(By.CSS_SELECTOR, "table"):
                fail(f"the cashier sees {page}")
            if page == "/board":
                shot("cashier")
                if "权限" not in d.page_source:
                    fail("the cashier's refusal is not in Chinese: " + err[0].text)
        ok(f"the cashier gets nothing: {err[0].text}")
        # refusals are 403s: the browser logs each as a failed resource load
        d.get(url + "/lang?to=en")
        d.get(url + "/login")
        console()
        if errors:
            fail("the browser console shows errors: " + "; ".join(errors))
        ok("the browser console shows no errors")
    finally:
        d.quit()


def main():
    if len(sys.argv) < 4:
        fail("usage: web_browser.py raw|browser URL CA [OUTDIR]")
    mode, url, ca = sys.argv[1:4]
    if mode == "raw":
        raw(url, ca)
        auditor(url, ca)
        slow_client(url, ca)
    elif mode == "browser":
        browser(url, ca, sys.argv[4])
    else:
        fail(f"unknown mode {mode}")
    print(f"web_browser {mode}: all {CHECKS} checks hold")


if __name__ == "__main__":
    main()
