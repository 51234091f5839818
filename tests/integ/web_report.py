#!/usr/bin/env python3
"""web_report.py -- the browser side of tests/integ/test_web_report.sh.

   web_report.py URL OUTDIR

Headless Chromium through chromedriver reads till-web's daily report and
monthly settlement and checks every figure of their tables against the
JSON the `till` commands in DAILY_CMD, MONTHLY_CMD, COLLECTION_CMD,
ARREARS_CMD and TOLL_CMD print, the hours also against sums made here from
the database (WEB_DB); each chart against its table; bad input; the
language; the sizes; print. Prints one line per check; exits 1 on the
first failure, naming it.
"""
import base64
import json
import os
import shlex
import sqlite3
import subprocess
import sys
import time

CHECKS = 0


def fail(msg):
    print(f"FAIL: {msg}", flush=True)
    sys.exit(1)


def ok(msg):
    global CHECKS
    CHECKS += 1
    print(f"ok {CHECKS} - {msg}", flush=True)


def till(var):
    out = subprocess.run(shlex.split(os.environ[var]), check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def yuan(fen):
    s = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{s}{fen // 100}.{fen % 100:02d}"


def fen(y):
    neg = y.startswith("-")
    a, _, b = y.lstrip("-").partition(".")
    v = int(a) * 100 + int((b + "00")[:2])
    return -v if neg else v


def pct(bp):
    s = "-" if bp < 0 else ""
    return f"{s}{abs(bp) // 100}.{abs(bp) % 100:02d}"


def hours_from_db(date):
    """The date's takings by the hour of each sale, from the payment entries
    (item '') rather than the revenue lines the server adds up; a void in
    its sale's hour."""
    db = sqlite3.connect(f"file:{os.environ['WEB_DB']}?mode=ro", uri=True)
    rows = db.execute(
        "SELECT j.kind, coalesce(o.at_ms, j.at_ms), sum(e.amount) FROM shifts s"
        " JOIN journal j ON j.shift_id = s.id"
        " LEFT JOIN journal o ON o.id = j.reverses AND j.kind = 'void'"
        " JOIN entries e ON e.txn_id = j.id AND e.item = ''"
        " WHERE s.business_date = ? AND j.kind IN ('sale', 'void', 'payment', 'toll')"
        " GROUP BY j.id", (date,)).fetchall()
    db.close()
    hours = {}
    for kind, at_ms, paid in rows:
        t = at_ms // 1000
        lt = time.localtime(t)
        start = t - lt.tm_min * 60 - lt.tm_sec
        h = hours.setdefault(start, {"sales": 0, "amount": 0, "voids": 0, "void_amount": 0})
        if kind == "void":
            h["voids"] += 1
            h["void_amount"] += -paid
        else:
            h["sales"] += 1
            h["amount"] += paid
    return hours


def main():
    url, outdir = sys.argv[1], sys.argv[2]
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from web_browser import spki_hash

    opts = webdriver.ChromeOptions()
    for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
              "--window-size=1366,768", "--no-first-run", "--disable-extensions",
              "--disable-background-networking", "--disable-component-update",
              "--ignore-certificate-errors-spki-list=" + spki_hash(os.environ["WEB_CERT"])):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    d = webdriver.Chrome(options=opts, service=Service(executable_path=os.environ.get(
        "CHROMEDRIVER", "/usr/bin/chromedriver")))
    d.set_page_load_timeout(20)
    errors = []

    def console():
        for e in d.get_log("browser"):
            if e.get("level") == "SEVERE" and "status of 400" not in e.get("message", ""):
                errors.append(e.get("message", ""))

    def table(tid):
        """The rows of table <tid>'s body, each a list of its cells' text."""
        rows = []
        for tr in d.find_elements(By.CSS_SELECTOR, f"table#{tid} tbody tr"):
            rows.append([td.text for td in tr.find_elements(By.CSS_SELECTOR, "td")])
        return rows

    def text(eid):
        return d.find_element(By.ID, eid).text

    def bars(chart):
        return len(d.find_elements(By.CSS_SELECTOR, f"svg#{chart} rect.bar"))

    def same(what, page, want):
        if page != want:
            fail(f"{what}: the page shows {page}, want {want}")

    def clean_page(what):
        src = d.page_source
        if "<script" in src or " style=" in src:
            fail(f"{what}: inline script or a style attribute")

    def login(user, pw):
        d.get(url + "/login")
        d.find_element(By.ID, "user").send_keys(user)
        d.find_element(By.ID, "password").send_keys(pw)
        d.find_element(By.ID, "login").click()
        WebDriverWait(d, 20).until(lambda drv: not drv.current_url.endswith("/login"))

    def sizes(name):
        """Screenshots at 1366x768 and at a phone's 390x844; at both only a
        table may scroll sideways, never the page."""
        for size, (w, h) in (("1366", (1366, 768)), ("phone", (390, 844))):
            d.set_window_size(w, h)
            d.refresh()
            inner = d.execute_script("return window.innerWidth")
            wide = d.execute_script("return document.documentElement.scrollWidth")
            if wide > inner + 1:
                fail(f"{name} at {w}x{h}: the page is {wide} px wide in a {inner} px window")
            charts = d.find_elements(By.CSS_SELECTOR, "figure.chart svg")
            for c in charts:
                if c.size["width"] > inner:
                    fail(f"{name} at {w}x{h}: a chart is {c.size['width']} px wide")
            # the whole page at this width, not only the window
            tall = d.execute_script("return document.documentElement.scrollHeight")
            png = d.execute_cdp_cmd("Page.captureScreenshot", {
                "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": inner, "height": tall, "scale": 1}})["data"]
            with open(os.path.join(outdir, f"{name}-{size}.png"), "wb") as f:
                f.write(base64.b64decode(png))
        d.set_window_size(1366, 768)
        ok(f"{name}: fits 1366x768 and 390x844 (only tables scroll), screenshots written")

    def printed(name):
        """As printed: no header, no forms; the charts stay. The PDF is kept."""
        d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        try:
            if d.find_element(By.TAG_NAME, "header").is_displayed():
                fail(f"{name} printed: the header shows")
            for f in d.find_elements(By.CSS_SELECTOR, "main form"):
                if f.is_displayed():
                    fail(f"{name} printed: a form shows")
            n = sum(1 for c in d.find_elements(By.CSS_SELECTOR, "figure.chart") if c.is_displayed())
            if n == 0:
                fail(f"{name} printed: no chart shows")
        finally:
            d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
        pdf = d.execute_cdp_cmd("Page.printToPDF", {"printBackground": True})["data"]
        with open(os.path.join(outdir, name + ".pdf"), "wb") as f:
            f.write(base64.b64decode(pdf))
        ok(f"{name} printed: no header or form, {n} charts; {name}.pdf written")

    def hospital(rep, which):
        """The hospital block of the page shown equals the report's json."""
        h = rep.get("hospital")
        if not h:
            fail(f"the {which} report has no hospital block")
        same("hospital bills", text("hosp-bills"), str(h["bills"]))
        for k in ("total", "fund", "account", "hospital", "window_deposit", "deposits_out"):
            same(f"{which} hospital {k}", text("hosp-" + k), h[k])
        for k in ("window", "deposits_in"):
            for m in h[k]:
                same(f"{which} hospital {k} {m['method']}", text(f"hosp-{k}-{m['method']}"), m["amount"])
        if h.get("refunds"):
            same(f"{which} hospital refunds", text("hosp-refunds"), str(h["refunds"]))
            for k in ("refunded", "refund_fund", "refund_account", "refund_hospital", "refund_deposit"):
                same(f"{which} hospital {k}", text("hosp-" + k), h[k])
        same(f"{which} hospital bars", bars("chart-hospital"), 4 + len(h["window"]))
        ok(f"{which} hospital: {h['bills']} bill of {h['total']} (fund {h['fund']}, account "
           f"{h['account']}), deposits {', '.join(m['amount'] for m in h['deposits_in'])}, equal the json")

    try:
        login(os.environ["WEB_SUP"], os.environ["WEB_SUP_PW"])
        # ---- Chinese by default, English by the link
        date, month = os.environ["DATE"], os.environ["MONTH"]
        d.get(url + "/report?date=" + date)
        if d.find_element(By.TAG_NAME, "html").get_attribute("lang") != "zh-CN" or \
                "按小时的收款" not in d.page_source:
            fail("the daily report is not in Chinese by default")
        d.save_screenshot(os.path.join(outdir, "daily-zh.png"))
        d.get(url + "/month?month=" + month)
        if "月结" not in d.find_element(By.TAG_NAME, "h1").text or "收费员与目标" not in d.page_source:
            fail("the monthly settlement is not in Chinese by default: "
                 + d.find_element(By.TAG_NAME, "h1").text)
        d.save_screenshot(os.path.join(outdir, "month-zh.png"))
        ok("Chinese by default: 按小时的收款, 月结, 收费员与目标 (the figures below are read in Chinese)")

        # ---- the daily report
        rep = till("DAILY_CMD")
        d.get(url + "/report?date=" + date)
        clean_page("the daily report")
        same("date", text("date"), rep["date"])
        for k in ("sales_amount", "void_amount", "net_amount", "refunds_total", "net_takings",
                  "floats", "variance", "deposited", "undeposited_amount"):
            same(k, text(k), rep[k])
        for k in ("receipts_issued", "receipts_voided"):
            same(k, text(k), str(rep[k]))
        ok(f"daily totals equal till report daily --json: net {rep['net_amount']}")

        db_hours = hours_from_db(date)
        page_hours = {}
        for tr in d.find_elements(By.CSS_SELECTOR, "table#hours tbody tr"):
            cells = [td.text for td in tr.find_elements(By.CSS_SELECTOR, "td")]
            page_hours[int(tr.get_attribute("id").split("-", 1)[1])] = cells[1:]
        want = {h["hour"]: [str(h["sales"]), h["amount"], str(h["voids"]), h["void_amount"], h["net"]]
                for h in rep["hours"]}
        same("hours (till report daily --json)", page_hours, want)
        mine = {t: [str(h["sales"]), yuan(h["amount"]), str(h["voids"]), yuan(h["void_amount"]),
                    yuan(h["amount"] - h["void_amount"])] for t, h in db_hours.items()}
        same("hours (summed here from the payment entries)", page_hours, mine)
        if sum(fen(h[4]) for h in page_hours.values()) != fen(rep["net_amount"]):
            fail("the hours' net does not add up to the day's net")
        same("hour bars", len(d.find_elements(By.CSS_SELECTOR, "svg#chart-hours rect.bar:not(.bar-empty)")),
             len(rep["hours"]))
        first, last = rep["hours"][0]["hour"], rep["hours"][-1]["hour"]
        same("hour columns, the quiet hours between too", bars("chart-hours"), (last - first) // 3600 + 1)
        ok(f"by hour: {len(page_hours)} hours equal the json and the database's sums, one bar each")

        same("method rows", [[r[1]] for r in table("methods")], [[m["amount"]] for m in rep["methods"]])
        same("method bars", bars("chart"), len(rep["methods"]))
        for m in rep["methods"]:
            same("method " + m["method"], text("method-" + m["method"]), m["amount"])
        ok(f"by method: {len(rep['methods'])} methods equal the json, one bar each")

        for key, tid, chart in (("item", "items", "chart-items"), ("cashier", "cashiers", "chart-cashiers")):
            sums = {}
            for t in rep["takings"]:
                s = sums.setdefault(t[key], [0, 0, 0])
                s[0] += t["quantity"] - t["void_quantity"]
                s[1] += fen(t["amount"])
                s[2] += fen(t["void_amount"])
            want = []
            for k in sorted(sums):
                q, a, v = sums[k]
                want.append([k] + ([str(q)] if key == "item" else []) + [yuan(a), yuan(v), yuan(a - v)])
            same(f"by {key}", table(tid), want)
            same(f"{key} bars", bars(chart), len(want))
            if sum(fen(r[-1]) for r in want) != fen(rep["net_amount"]):
                fail(f"by {key}: the rows do not add up to the net")
            ok(f"by {key}: {len(want)} rows equal the takings rows of the json added up, one bar each")
        same("takings rows", len(table("takings")), len(rep["takings"]))
        hospital(rep, "daily")
        console()
        sizes("daily")
        printed("daily")

        # ---- the monthly settlement
        mon = till("MONTHLY_CMD")
        d.get(url + "/month?month=" + month)
        clean_page("the monthly settlement")
        same("month", text("month"), mon["month"])
        for k in ("total", "cash", "noncash", "electronic", "epay_ratio_percent", "refunds_total",
                  "net_takings"):
            same(k, text(k), mon[k])
        same("refund_count", text("refund_count"), str(mon["refund_count"]))
        ok(f"monthly totals equal till report monthly --json: {mon['total']}, "
           f"e-payment {mon['epay_ratio_percent']} %")
        same("days", table("days"), [[x["date"], str(x["receipts"]), x["amount"], x["cash"], x["noncash"]]
                                     for x in mon["days"]])
        same("day bars", bars("chart-days"), len(mon["days"]))
        ok(f"each day's takings: {len(mon['days'])} days equal the json, one bar each")
        rows = table("collectors")
        want = []
        for c in mon["cashiers"]:
            has = fen(c["target"]) > 0
            want.append([c["cashier"], c["collected"], c["target"] if has else "-",
                         c["deviation_percent"] if has else "-", rows[len(want)][4] if rows else "",
                         c["over_short"]])
        same("collectors", rows, want)
        classes = {tr.find_element(By.CSS_SELECTOR, "td").text: tr.get_attribute("class")
                   for tr in d.find_elements(By.CSS_SELECTOR, "table#collectors tbody tr")}
        for c in mon["cashiers"]:
            if f"band-{c['band']}" not in classes[c["cashier"]].split():
                fail(f"collector {c['cashier']}: row class {classes[c['cashier']]}, band {c['band']}")
        for spec in os.environ["BANDS"].split():
            who, band = spec.split("=")
            if f"band-{band}" not in classes.get(who, "").split():
                fail(f"collector {who}: aimed at band {band}, the page says {classes.get(who)}")
        same("collector bars", bars("chart-collectors"), len(mon["cashiers"]))
        bands = d.find_elements(By.CSS_SELECTOR, "svg#chart-collectors rect.band-5")
        same("target bands drawn", len(bands), sum(1 for c in mon["cashiers"] if fen(c["target"]) > 0))
        ok("collectors: " + ", ".join(f"{c['cashier']} {c['deviation_percent']} % {c['band']}"
                                      for c in mon["cashiers"]) + " as the json and as aimed")
        same("items", table("month-items"), [[i["item"], i["name"], str(i["quantity"]), i["amount"]]
                                             for i in mon["items"]])
        same("waivers", table("waivers"), [[w["account"], str(w["count"]), w["amount"]]
                                           for w in mon["waivers"]])
        ok(f"items ({len(mon['items'])}) and waivers ({len(mon['waivers'])}) equal the json")

        col = till("COLLECTION_CMD")
        same("collection period", d.find_element(By.CSS_SELECTOR, "#part-billing h3 .period").text,
             os.environ["SEASON"])
        for k in ("charged", "waived", "due", "collected", "pending"):
            same("collection " + k, text("collection-heating-" + k), col[k])
        same("collection rate", text("collection-heating-rate"), pct(col["rate_bp"]))
        by = {"scheme": "scheme", "complex": "complex", "collector": "collector"}
        same("collection rows", [r[1:] for r in table("collection-heating")],
             [[r["key"], r["due"] if fen(r["due"]) else "-", r["collected"], pct(r["rate_bp"])]
              for r in col["rows"]])
        same("collection bars", bars("chart-collection-heating"),
             sum(1 for r in col["rows"] if r["by"] == "complex"))
        ok(f"collection of heating {col['period']}: rate {pct(col['rate_bp'])} %, "
           f"{len(col['rows'])} rows equal till report collection --json")
        arr = till("ARREARS_CMD")
        same("arrears rows", [[r[0], r[1], r[2], r[4], r[5]] for r in table("arrears")],
             [[r["complex"], r["scheme"], str(r["year"]), str(r["payers"]), r["open"]] for r in arr["rows"]])
        for i, a in enumerate(arr["age_totals"]):
            same(f"arrears age {i}", text(f"age-{i}"), a)
        same("arrears total", text("arrears_total"), arr["total"])
        same("arrears payers", text("arrears_payers"), str(arr["payers"]))
        same("arrears bars", bars("chart-arrears"), len({r["year"] for r in arr["rows"]}))
        complexes = {r["complex"] for r in arr["rows"]}
        years = {r["year"] for r in arr["rows"]}
        if len(complexes) < 2 or len(years) < 2:
            fail(f"the arrears should span two complexes and two years: {arr['rows']}")
        ok(f"arrears: {len(arr['rows'])} rows over {len(complexes)} complexes and {len(years)} years, "
           f"total {arr['total']}, equal till report arrears --json")
        tol = till("TOLL_CMD")
        same("tolls", text("toll_tolls"), tol["tolls"])
        same("waived", text("toll_waived"), tol["waived"])
        same("toll classes", table("toll-classes"), [[c["key"], str(c["count"]), c["amount"]]
                                                    for c in tol["classes"]])
        same("toll exemptions", table("toll-exemptions"), [[c["key"], str(c["count"]), c["amount"]]
                                                          for c in tol["exemptions"]])
        same("class bars", bars("chart-toll-classes"), len(tol["classes"]))
        same("exemption bars", bars("chart-toll-exemptions"), len(tol["exemptions"]))
        if len(tol["exemptions"]) < 2:
            fail(f"two exemption types expected: {tol['exemptions']}")
        ok(f"tolls: {len(tol['classes'])} classes, {len(tol['exemptions'])} exemption types, "
           f"charged {tol['tolls']}, waived {tol['waived']}, equal till toll report --json")
        hospital(mon, "monthly")
        console()
        sizes("month")
        printed("month")

        # ---- English by the header's link
        # (it carries the page as back=: the switch returns to this page)
        d.find_element(By.CSS_SELECTOR, "a[href^='/lang?to=en&back=']").click()
        WebDriverWait(d, 20).until(lambda drv: drv.find_element(By.TAG_NAME, "html")
                                   .get_attribute("lang") == "en")
        if not d.current_url.endswith("/month?month=" + month):
            fail("the language switch did not return to the monthly page: " + d.current_url)
        if d.find_element(By.TAG_NAME, "h1").text != "Monthly settlement":
            fail("English by the link: " + d.find_element(By.TAG_NAME, "h1").text)
        d.save_screenshot(os.path.join(outdir, "month-en.png"))
        d.get(url + "/report?date=" + date)
        if "Takings by hour" not in d.page_source:
            fail("the daily report is not in English after the link")
        d.save_screenshot(os.path.join(outdir, "daily-en.png"))
        ok("English by the header's link, back on the same page: Monthly settlement, Takings by hour")

        # ---- bad input: a clear page, nothing asked of tilld that could write
        for path, want, says in (
                ("/report?date=2026-1-1", 400, "YYYY-MM-DD"),
                ("/report?date=2026-02-30", 400, "2026-02-30"),
                ("/report?date=1999-12-31", 400, "1999-12-31"),
                ("/month?month=2026-1", 400, "YYYY-MM"),
                ("/month?month=2026-13", 400, "2000-01 to 2999-12"),
                ("/month?month=1999-12", 400, "2000-01 to 2999-12"),
                ("/month?month=%3Cb%3E", 400, "YYYY-MM")):
            d.get(url + path)
            err = d.find_elements(By.ID, "error")
            if not err or says not in err[0].text or d.find_elements(By.CSS_SELECTOR, "main table"):
                fail(f"{path}: {err[0].text if err else d.page_source[:300]!r}")
            ok(f"{path}: refused: {err[0].text}")
        console()
        if errors:
            fail("the browser console shows errors: " + "; ".join(errors))
        ok("the browser console shows no errors (other than the 400s of the bad input)")
    finally:
        d.quit()
    print(f"web_report: all {CHECKS} checks hold")


if __name__ == "__main__":
    main()
