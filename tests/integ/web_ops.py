#!/usr/bin/env python3
"""web_ops.py -- the browser side of tests/integ/test_web_ops.sh.

   web_ops.py raw     URL CA          bad input over plain HTTPS requests
   web_ops.py browser URL CA OUTDIR   headless Chromium through chromedriver
   web_ops.py export  URL CA          the export download against the CLI's
   web_ops.py tampered URL CA         the verification of a tampered ledger
   web_ops.py late    URL CA          a deposit of an earlier date confirmed

Settings come from the environment the shell test sets (see there).
Prints one line per check and exits 1 on the first failure, naming it.
Shares web_browser.py's HTTPS client and checks.
"""
import json
import os
import re
import shlex
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import web_browser as wb  # noqa: E402
from web_browser import Client, expect_status, fail, ok  # noqa: E402

CSRF = re.compile(r'name="csrf" value="([0-9a-f]{64})"')
KEY = re.compile(r'name="key" value="([0-9a-f]{32})"')


def audit(*args):
    """`till --json audit ARGS` as the auditor, parsed."""
    out = subprocess.run(shlex.split(os.environ["AUDIT_CMD"]) + list(args), check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


def page_csrf(c, path):
    r, page = c.request("GET", path)
    m = CSRF.search(page)
    if r.status != 200 or not m:
        fail(f"GET {path}: {r.status}, no form: {page[:300]}")
    return page, m.group(1)


def raw(url, ca):
    e = os.environ
    c = Client(url, ca)
    c.login(e["WEB_SUP"], e["WEB_SUP_PW"])
    page, csrf = page_csrf(c, "/voids")
    for what in (f"refund-{e['REFUND_OK']}", f"refund-{e['REFUND_SELF']}", f"waiver-{e['WAIVER_OK']}",
                 f"waiver-{e['WAIVER_SELF']}"):
        if f'id="{what}"' not in page:
            fail(f"the approvals do not list {what}")
    ok("the approvals list both refunds and both waivers")
    rf = {"refund_id": e["REFUND_OK"], "approve": "1"}
    r, page = c.request("POST", "/refunds/decide", rf)
    expect_status(r, page, 403, "a refund decision without the CSRF token", "expired")
    r, page = c.request("POST", "/refunds/decide", dict(rf, csrf="e" * 64))
    expect_status(r, page, 403, "a refund decision with a wrong CSRF token")
    r, page = c.request("POST", "/refunds/decide", dict(rf, csrf=csrf, approve="yes"))
    expect_status(r, page, 400, "a forged refund form (approve=yes)", "not one this console drew")
    r, page = c.request("POST", "/refunds/decide", dict(rf, csrf=csrf, refund_id="1; DROP"))
    expect_status(r, page, 400, "a refund id that is no number")
    r, page = c.request("POST", "/refunds/decide", dict(rf, csrf=csrf, refund_id="987654"))
    expect_status(r, page, 404, "an unknown refund", "987654")
    wf = {"waiver_id": e["WAIVER_OK"], "approve": "1", "key": "0" * 31 + "3"}
    r, page = c.request("POST", "/waivers/decide", wf)
    expect_status(r, page, 403, "a waiver decision without the CSRF token", "expired")
    r, page = c.request("POST", "/waivers/decide", dict(wf, csrf=csrf, key="xyz"))
    expect_status(r, page, 400, "a forged waiver form (bad key)", "not one this console drew")
    r, page = c.request("POST", "/waivers/decide", {"csrf": csrf, "waiver_id": e["WAIVER_OK"],
                                                    "approve": "0"})
    expect_status(r, page, 400, "a waiver form without its key")
    r, page = c.request("POST", "/waivers/decide", dict(wf, csrf=csrf, waiver_id="987654"))
    expect_status(r, page, 404, "an unknown waiver")

    page, csrf = page_csrf(c, "/deposits?hours=0")
    key = KEY.search(page).group(1)
    shift = e["DEPOSIT_SHIFT"]
    if f'id="undeposited-{shift}"' not in page:
        fail(f"/deposits?hours=0 does not list shift {shift}")
    df = {"csrf": csrf, "key": key, "shift": shift, "slip": "ICBC-1", "amount": e["DEPOSIT_AMOUNT"]}
    r, page = c.request("POST", "/deposits/create", {k: v for k, v in df.items() if k != "csrf"})
    expect_status(r, page, 403, "a deposit without the CSRF token", "expired")
    r, page = c.request("POST", "/deposits/create", {k: v for k, v in df.items() if k != "shift"})
    expect_status(r, page, 400, "a deposit without a shift", "Tick the shifts")
    r, page = c.request("POST", "/deposits/create", dict(df, slip=""))
    expect_status(r, page, 400, "a deposit without a slip", "slip")
    r, page = c.request("POST", "/deposits/create", dict(df, amount="20,00"))
    expect_status(r, page, 400, "an amount that is no amount", "yuan")
    r, page = c.request("POST", "/deposits/create", dict(df, shift="x"))
    expect_status(r, page, 400, "a shift that is no number")
    r, page = c.request("POST", "/deposits/create", dict(df, key="q" * 32))
    expect_status(r, page, 400, "a deposit with a forged key")
    r, page = c.request("POST", "/deposits/create", dict(df, amount="19.99"))
    if r.status not in (400, 409) or "error" not in page:
        fail(f"a deposit of another amount than the shift's cash: {r.status}: {page[:300]}")
    ok(f"a deposit of another amount than the shift's cash: tilld refuses: {r.status}, "
       + re.search(r'id="error">([^<]*)<', page).group(1))
    r, page = c.request("POST", "/deposits/create", dict(df, shift="987654"))
    if r.status not in (400, 404, 409):
        fail(f"a deposit of an unknown shift: {r.status}: {page[:300]}")
    ok(f"a deposit of an unknown shift: {r.status}")
    r, page = c.request("POST", "/deposits/confirm", {"csrf": csrf, "key": key, "deposit_id": "987654"})
    expect_status(r, page, 404, "confirming an unknown deposit", "987654")
    r, page = c.request("POST", "/deposits/confirm", {"csrf": csrf, "deposit_id": "1"})
    expect_status(r, page, 400, "a confirmation without its key")
    r, page = c.request("GET", "/deposits?hours=x")
    expect_status(r, page, 400, "deposit hours that are no number")
    r, page = c.request("GET", "/deposits/create")
    expect_status(r, page, 405, "GET of the deposit form's target")

    r, page = c.request("GET", "/txn?id=987654")
    expect_status(r, page, 404, "an unknown transaction", "987654")
    r, page = c.request("GET", "/txn?id=-1")
    expect_status(r, page, 400, "a transaction id that is no number")
    r, page = c.request("GET", "/verify")
    expect_status(r, page, 403, "a supervisor's verification: tilld refuses", "audit heads")
    r, page = c.request("GET", "/export.tillx")
    expect_status(r, page, 403, "a supervisor's export: tilld refuses", "audit snapshot")

    a = Client(url, ca)
    a.login(e["WEB_AUDITOR"], e["WEB_AUDITOR_PW"])
    page, acsrf = page_csrf(a, "/voids")
    r, page = a.request("POST", "/refunds/decide", {"csrf": acsrf, "refund_id": e["REFUND_OK"],
                                                    "approve": "1"})
    expect_status(r, page, 403, "the auditor approving a refund: tilld refuses", "refund decide")
    r, page = a.request("POST", "/waivers/decide", {"csrf": acsrf, "waiver_id": e["WAIVER_OK"],
                                                    "approve": "1", "key": "0" * 31 + "4"})
    expect_status(r, page, 403, "the auditor approving a waiver: tilld refuses", "waiver decide")
    r, page = a.request("GET", "/export.tillx?from=2026-02-30")
    expect_status(r, page, 400, "an export from a date that is none", "YYYY-MM-DD")
    r, page = a.request("GET", "/export.tillx?from=2026-12-02&to=2026-12-01")
    expect_status(r, page, 400, "an export from after its end")


def browser(url, ca, outdir):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    e = os.environ
    opts = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1366,900", "--no-first-run", "--disable-extensions",
                "--disable-background-networking", "--disable-component-update",
                "--ignore-certificate-errors-spki-list=" + wb.spki_hash(e["WEB_CERT"])):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    d = webdriver.Chrome(options=opts, service=Service(executable_path=e.get(
        "CHROMEDRIVER", "/usr/bin/chromedriver")))
    d.set_page_load_timeout(30)
    errors = []
    refusals = [0]  # tilld's refusals shown on purpose: their 403 is expected

    def console():
        for m in d.get_log("browser"):
            msg = m.get("message", "")
            if m.get("level") != "SEVERE":
                continue
            if "status of 403" in msg and refusals[0] > 0:
                refusals[0] -= 1
                continue
            errors.append(msg)

    def shot(name):
        d.save_screenshot(os.path.join(outdir, name + ".png"))

    def settle(done, what):
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
        if not d.current_url.endswith("/board"):
            fail(f"after {user}'s login the browser is at {d.current_url}")

    def logout():
        d.find_element(By.CSS_SELECTOR, "form[action='/logout'] button").click()
        settle(lambda drv: drv.current_url.endswith("/login"), "the login page after logging out")

    def decide(button, row, what):
        d.get(url + "/voids")
        d.find_element(By.ID, row)
        d.find_element(By.ID, button).click()
        settle(lambda drv: drv.find_elements(By.ID, "notice"), f"the page after approving {what}")
        if not d.find_elements(By.ID, "notice"):
            fail(f"after approving {what}: {d.current_url}: {d.page_source[:400]}")
        if d.find_elements(By.ID, row):
            fail(f"{what} is still listed after its approval")

    try:
        login(e["WEB_SUP"], e["WEB_SUP_PW"])
        d.get(url + "/voids")
        shot("approvals")
        decide("refund-approve-" + e["REFUND_OK"], "refund-" + e["REFUND_OK"], "the refund")
        ok(f"refund {e['REFUND_OK']} approved and gone from the list")
        decide("waiver-approve-" + e["WAIVER_OK"], "waiver-" + e["WAIVER_OK"], "the waiver")
        if not d.find_elements(By.ID, "refund-" + e["REFUND_SELF"]):
            fail("suzy's refund left the list with the other")
        ok(f"waiver {e['WAIVER_OK']} approved and gone from the list; suzy's still wait")
        console()

        shift = e["DEPOSIT_SHIFT"]
        d.get(url + "/board?hours=0")
        d.find_element(By.ID, "to-deposit").click()
        settle(lambda drv: "/deposits" in drv.current_url, "the deposits page")
        row = d.find_element(By.ID, "undeposited-" + shift)
        amount = row.find_element(By.CSS_SELECTOR, "td.num").text
        if amount != e["DEPOSIT_AMOUNT"]:
            fail(f"shift {shift} has {amount} to deposit, want {e['DEPOSIT_AMOUNT']}")
        d.find_element(By.ID, "pick-" + shift).click()
        d.find_element(By.ID, "slip").send_keys("ICBC-0001")
        d.find_element(By.ID, "amount").send_keys(e["DEPOSIT_AMOUNT"])
        shot("deposit")
        d.find_element(By.ID, "make-deposit").click()
        settle(lambda drv: drv.find_elements(By.ID, "notice"), "the page after the deposit")
        if "done=" not in d.current_url:
            fail(f"after making the deposit: {d.current_url}: {d.page_source[:400]}")
        dep = re.search(r"done=(\d+)", d.current_url).group(1)
        if d.find_elements(By.ID, "undeposited-" + shift):
            fail(f"shift {shift} is still among the cash not deposited")
        st = d.find_element(By.CSS_SELECTOR, f"#deposit-{dep} td.state").text
        ok(f"deposit {dep} of shift {shift}, {amount}, made from the cash not deposited: {st}")
        d.find_element(By.ID, "confirm-" + dep).click()
        settle(lambda drv: "confirmed=1" in drv.current_url, "the page after the confirmation")
        if d.find_elements(By.ID, "confirm-" + dep):
            fail(f"deposit {dep} can still be confirmed after its confirmation")
        st2 = d.find_element(By.CSS_SELECTOR, f"#deposit-{dep} td.state").text
        if st2 == st:
            fail(f"deposit {dep}'s state did not change on confirmation: {st2}")
        shot("deposited")
        ok(f"deposit {dep} confirmed: {st2}")
        console()
        logout()

        login(e["WEB_SELF"], e["WEB_SELF_PW"])
        for button, what in (("refund-approve-" + e["REFUND_SELF"], "refund"),
                             ("waiver-approve-" + e["WAIVER_SELF"], "waiver")):
            d.get(url + "/voids")
            refusals[0] += 1
            d.find_element(By.ID, button).click()
            settle(lambda drv: drv.find_elements(By.ID, "error"), f"the refusal of suzy's own {what}")
            err = d.find_elements(By.ID, "error")
            if not err or "asked for" not in err[0].text:
                fail(f"suzy approving her own {what}: {d.page_source[:500]}")
            if what == "refund":
                shot("self_refused")
            ok(f"suzy approving her own {what} is shown tilld's refusal: {err[0].text}")
        console()
        logout()

        login(e["WEB_AUDITOR"], e["WEB_AUDITOR_PW"])
        d.get(url + "/ledger")
        link = d.find_elements(By.CSS_SELECTOR, "#ledger tbody tr td a")[0]
        tid = link.text
        link.click()
        settle(lambda drv: drv.find_elements(By.ID, "hash"), "the transaction's page")
        want = audit("txn", tid)
        if d.find_element(By.ID, "hash").text != want["hash"]:
            fail(f"transaction {tid}: hash {d.find_element(By.ID, 'hash').text}, CLI {want['hash']}")
        rows = d.find_elements(By.CSS_SELECTOR, "#entries tbody tr")
        got = [[td.text for td in r.find_elements(By.TAG_NAME, "td")][:3] for r in rows]
        exp = [[str(x["seq"]), x["account"], x["amount"]] for x in want["entries"]]
        if got != exp:
            fail(f"transaction {tid}'s entries: page {got}, till audit txn {exp}")
        shot("txn")
        ok(f"transaction {tid} from the ledger: hash and {len(got)} entries as till audit txn --json")

        d.get(url + "/verify")
        v = audit("verify")
        verdict = d.find_element(By.ID, "verdict")
        if verdict.get_attribute("data-ok") != "1" or not v["ok"]:
            fail(f"verification: page {verdict.text!r}, CLI {v}")
        for k, field in (("v-txns", "transactions"), ("v-entries", "entries"), ("v-head", "head_id"),
                         ("v-sigs", "signatures")):
            if d.find_element(By.ID, k).text != str(v[field]):
                fail(f"verification {field}: page {d.find_element(By.ID, k).text}, CLI {v[field]}")
        shot("verify")
        ok(f"verification: {verdict.text} (as till audit verify --json)")
        console()
        d.get(url + "/lang?to=zh")
        d.get(url + "/verify")
        if "验证" not in d.page_source:
            fail("the verification page is not in Chinese")
        ok("the verification page in Chinese: " + d.find_element(By.TAG_NAME, "h1").text)
        d.get(url + "/lang?to=en")
        console()
        if errors:
            fail("the browser console shows errors: " + "; ".join(errors))
        ok("the browser console shows no errors")
    finally:
        d.quit()


# ---- the export file -----------------------------------------------------------


def frames(data):
    """The records of an export file: (oneof field number, body bytes)."""
    out, i = [], 0
    while i < len(data):
        (n,) = struct.unpack(">I", data[i:i + 4])
        rec = data[i + 4:i + 4 + n]
        i += 4 + n
        fields = fields_of(rec)
        if len(fields) != 1:
            fail(f"a record with {len(fields)} fields")
        out.append(fields[0])
    return out


def varint(b, i):
    v = s = 0
    while True:
        c = b[i]
        i += 1
        v |= (c & 0x7F) << s
        s += 7
        if not c & 0x80:
            return v, i


def fields_of(b):
    """Top-level fields of a protobuf message: [(number, raw value)]."""
    out, i = [], 0
    while i < len(b):
        tag, i = varint(b, i)
        num, wt = tag >> 3, tag & 7
        if wt == 0:
            start = i
            _, i = varint(b, i)
            out.append((num, b[start:i]))
        elif wt == 2:
            n, i = varint(b, i)
            out.append((num, b[i:i + n]))
            i += n
        else:
            fail(f"wire type {wt} in an export record")
    return out


def export(url, ca):
    e = os.environ
    a = Client(url, ca)
    a.login(e["WEB_AUDITOR"], e["WEB_AUDITOR_PW"])
    import http.client
    conn = http.client.HTTPSConnection(a.host, a.port, context=a.ctx, timeout=60)
    conn.request("GET", "/export.tillx", headers={
        "Cookie": "; ".join(f"{k}={v}" for k, v in a.cookies.items())})
    r = conn.getresponse()
    body = r.read()
    if r.status != 200 or "attachment" not in (r.getheader("Content-Disposition") or ""):
        fail(f"/export.tillx: {r.status} {body[:300]!r}")
    with open(e["EXPORT_WEB"], "wb") as f:
        f.write(body)
    cli = frames(open(e["EXPORT_CLI"], "rb").read())
    web = frames(body)
    kinds = lambda fs: [n for n, _ in fs]  # noqa: E731
    if kinds(cli)[0] != 1 or kinds(web)[0] != 1 or kinds(cli)[-1] != 4 or kinds(web)[-1] != 4:
        fail("an export does not start with its header and end with its end record")
    hc, hw = fields_of(cli[0][1]), fields_of(web[0][1])
    snap_cli = [v for n, v in hc if n == 12]
    snap_web = [v for n, v in hw if n == 12]
    strip = lambda fs: [(n, v) for n, v in fs if n not in (8, 12)]  # noqa: E731
    if strip(hc) != strip(hw) or not snap_cli or not snap_web:
        fail("the headers differ beyond their time and signature")
    ok("header: format, key, range, counters, head and keys equal the CLI's")
    tc = [v for n, v in cli if n == 2]
    tw = [v for n, v in web if n == 2]
    if tc != tw or not tc:
        fail(f"transactions: CLI {len(tc)} records, web {len(tw)}, or they differ")
    ok(f"{len(tw)} transaction records byte for byte the CLI's")
    sc = [v for n, v in cli if n == 3]
    sw = [v for n, v in web if n == 3]
    sig = lambda v: [(n, x) for n, x in fields_of(v) if n <= 5]  # noqa: E731
    # each export signs its snapshot, and the heads it lists include its own:
    # the web's (made after) are the CLI's and one more, the web header's
    if (sw[:len(sc)] != sc or len(sw) != len(sc) + 1 or sig(sw[-1]) != sig(snap_web[0])
            or sig(sc[-1]) != sig(snap_cli[0])):
        fail(f"signed heads: CLI {len(sc)}, web {len(sw)}; the web's must be the CLI's and its own snapshot")
    ok(f"signed heads: the CLI's {len(sc)} byte for byte, and the web export's own snapshot")
    ec, ew = dict(fields_of(cli[-1][1])), dict(fields_of(web[-1][1]))
    if ec.get(1) != ew.get(1) or varint(ew[2], 0)[0] != varint(ec[2], 0)[0] + 1:
        fail("the end records' counts differ otherwise")
    ok("end record: the same transactions, one signed head more")


def tampered(url, ca):
    """The verification of a ledger whose entry was changed names the
    transaction, as till audit verify --json does (TAMPERED_TXN)."""
    e = os.environ
    a = Client(url, ca)
    a.login(e["WEB_AUDITOR"], e["WEB_AUDITOR_PW"])
    r, page = a.request("GET", "/verify")
    want = f"VERIFICATION FAILED at transaction {e['TAMPERED_TXN']}:"
    m = re.search(r'id="verdict" data-ok="(\d)">([^<]*)', page)
    if r.status != 200 or not m or m.group(1) != "0" or want not in m.group(2):
        fail(f"/verify of the tampered ledger: {r.status}: {m and m.group(0)!r}: {page[:500]}")
    ok(f"the tampered ledger's verification: {m.group(2).strip()}")


# ---- deplist: a deposit of an earlier business date confirmed ----
def late(url, ca):
    """The deposits page lists the deposit LATE_DEPOSIT, made on the closed
    business date LATE_DATE and still in transit, among those of other
    dates, with its confirm form; the supervisor sends that form and the
    deposit is confirmed (tilld's DepositConfirm): the page says so, and
    the deposit leaves the list and the total in transit."""
    e = os.environ
    dep, date = e["LATE_DEPOSIT"], e["LATE_DATE"]
    c = Client(url, ca)
    c.login(e["WEB_SUP"], e["WEB_SUP_PW"])
    r, page = c.request("GET", "/deposits")
    if r.status != 200 or 'id="in-transit"' not in page:
        fail(f"/deposits: {r.status}, no table of deposits in transit: {page[:300]}")
    other = page[page.index('id="in-transit"'):]
    m = re.search(rf'<tr id="deposit-{dep}"><td>{dep}</td><td>([0-9-]+)</td>.*?</tr>', other)
    if not m or m.group(1) != date or f'id="confirm-{dep}"' not in m.group(0):
        fail(f"deposit {dep} of {date} is not in transit with its button: {other[:600]}")
    total = re.search(r'id="in-transit-total">([^<]*)<', page)
    if not total or total.group(1) != e["LATE_AMOUNT"]:
        fail(f"the total in transit is {total and total.group(1)}, want {e['LATE_AMOUNT']}")
    ok(f"deposit {dep} of {date} listed in transit with its confirm button; in transit {total.group(1)}")
    form = re.search(r'<form method="post" action="/deposits/confirm"[^>]*>(?:(?!</form>).)*'
                     rf'name="deposit_id" value="{dep}"', m.group(0))
    csrf, key = CSRF.search(form.group(0)) if form else None, KEY.search(form.group(0)) if form else None
    if not csrf or not key:
        fail(f"deposit {dep}'s confirm form lacks its token or key: {m.group(0)[:400]}")
    r, page = c.request("POST", "/deposits/confirm", {"csrf": csrf.group(1), "key": key.group(1),
                                                      "deposit_id": dep})
    loc = r.getheader("Location") or ""
    if r.status != 303 or f"done={dep}&confirmed=1" not in loc:
        fail(f"confirming deposit {dep}: {r.status} {loc}: {page[:300]}")
    r, page = c.request("GET", loc)
    # confirmed, it is no longer in transit, and not of the current date
    if (r.status != 200 or f"Deposit {dep} was confirmed." not in page
            or f'id="deposit-{dep}"' in page):
        fail(f"after the confirmation: no notice, or deposit {dep} still listed: {page[:400]}")
    total = re.search(r'id="in-transit-total">([^<]*)<', page)
    if not total or total.group(1) != "0.00":
        fail(f"the total in transit after the confirmation is {total and total.group(1)}")
    ok(f"deposit {dep} of {date} confirmed from the console on the next business date")


def main():
    if len(sys.argv) < 4:
        fail("usage: web_ops.py raw|browser|export URL CA [OUTDIR]")
    mode, url, ca = sys.argv[1:4]
    if mode == "raw":
        raw(url, ca)
    elif mode == "browser":
        browser(url, ca, sys.argv[4])
    elif mode == "export":
        export(url, ca)
    elif mode == "tampered":
        tampered(url, ca)
    elif mode == "late":
        late(url, ca)
    else:
        fail(f"unknown mode {mode}")
    print(f"web_ops {mode}: all {wb.CHECKS} checks hold")


if __name__ == "__main__":
    main()
