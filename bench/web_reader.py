#!/usr/bin/env python3
"""web_reader.py -- a supervisor reading till-web's pages in a loop, for
bench/web.sh: logs in, then GETs the pages in turn over one kept HTTPS
connection (as a browser does) until SECONDS pass or the file STOP
appears, and prints one line per page: path, count, p50, p99 and max in
ms, then the same over every page ("all").

   web_reader.py URL CA USER PASSWORD SECONDS STOP PATH...
"""
import http.client
import os
import re
import ssl
import sys
import time
import urllib.parse


def main():
    url, ca, user, pw, secs, stop = sys.argv[1:7]
    paths = sys.argv[7:]
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
    times = {p: [] for p in paths}
    end = time.monotonic() + float(secs)
    errors = 0
    while time.monotonic() < end and not os.path.exists(stop):
        for p in paths:
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
    print(line("all", [x for p in paths for x in times[p]]) + f" errors={errors}")


if __name__ == "__main__":
    main()
