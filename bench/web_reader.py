#!/usr/bin/env python3
"""web_reader.py -- a supervisor reading till-web's pages in a loop, for
bench/web.sh: logs in, then GETs the pages in turn over one kept HTTPS
connection (as a browser does) until SECONDS pass or the file STOP
appears; prints "ready" once logged in, then at the end every page's time
("ms page=PATH MS") and one line per page: path, count, p50, p99 and max in
ms, then the same over every page ("all") with the CPU seconds the reader
itself used (it runs on the server's cores in the benchmark; a browser
would not).

   web_reader.py [--pace S] [--start K] URL CA USER PASSWORD SECONDS STOP PATH...

Without --pace a page is asked as soon as the last one arrived (a closed
loop: as fast as the console answers). With --pace S the reader asks a
page every S seconds, on a fixed schedule, as a person clicking through
the console would; a page that takes longer than S delays the next.
--start K begins with the K-th path (0 first) and, with --pace, K/len
of S later, so that several readers do not all ask the same page at the
same moment.
"""
import http.client
import os
import re
import resource
import ssl
import sys
import time
import urllib.parse


def main():
    args = sys.argv[1:]
    pace = 0.0
    start = 0
    while args[:1] in (["--pace"], ["--start"]):
        if args[0] == "--pace":
            pace = float(args[1])
        else:
            start = int(args[1])
        args = args[2:]
    url, ca, user, pw, secs, stop = args[:6]
    paths = args[6:]
    start %= len(paths)
    paths = paths[start:] + paths[:start]
    u = urllib.parse.urlsplit(url)
    ctx = ssl.create_default_context(cafile=ca)
    conn = [None]
    cookies = {}

    def get(method, path, body=None):
        for attempt in range(2):
            if conn[0] is None:
                conn[0] = http.client.HTTPSConnection(u.hostname, u.port, context=ctx, timeout=30)
            h = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
            if body is not None:
                h["Content-Type"] = "application/x-www-form-urlencoded"
            try:
                conn[0].request(method, path, body=body, headers=h)
                r = conn[0].getresponse()
                data = r.read()
            except (http.client.HTTPException, OSError):
                conn[0].close()
                conn[0] = None
                if attempt:
                    raise
                continue
            for k, v in r.getheaders():
                if k.lower() == "set-cookie":
                    name, _, rest = v.partition("=")
                    cookies[name] = rest.split(";", 1)[0]
            if r.getheader("Connection", "").lower() == "close":
                conn[0].close()
                conn[0] = None
            return r.status, data.decode("utf-8", "replace")

    status, page = get("GET", "/login")
    pre = re.search(r'name="pre" value="([0-9a-f]{64})"', page).group(1)
    status, page = get("POST", "/login", urllib.parse.urlencode({"pre": pre, "user": user,
                                                                "password": pw}))
    if status != 303:
        print(f"login failed: {status}", file=sys.stderr)
        sys.exit(1)
    print("ready", flush=True)  # logged in: web.sh starts its clock once all are
    times = {p: [] for p in paths}
    end = time.monotonic() + float(secs)
    due = time.monotonic() + pace * start / len(paths)
    errors = 0
    while time.monotonic() < end and not os.path.exists(stop):
        for p in paths:
            if pace:
                due += pace
                time.sleep(max(0.0, due - time.monotonic()))
                if time.monotonic() >= end or os.path.exists(stop):
                    break
            t0 = time.perf_counter()
            status, _ = get("GET", p)
            times[p].append((time.perf_counter() - t0) * 1000)
            if status != 200:
                errors += 1

    def line(name, xs):
        xs = sorted(xs)
        if not xs:
            return f"page={name} n=0"
        q = lambda f: xs[min(len(xs) - 1, int(f * len(xs)))]  # noqa: E731
        return f"page={name} n={len(xs)} p50_ms={q(0.5):.1f} p99_ms={q(0.99):.1f} max_ms={xs[-1]:.1f}"

    for p in paths:
        print(line(p, times[p]))
        # every page's time, for percentiles over all readers (bench/web.sh)
        print("\n".join(f"ms page={p} {x:.1f}" for x in times[p]))
    ru = resource.getrusage(resource.RUSAGE_SELF)
    print(line("all", [x for p in paths for x in times[p]]) + f" errors={errors}"
          f" cpu_s={ru.ru_utime + ru.ru_stime:.2f}")


if __name__ == "__main__":
    main()
