#!/usr/bin/env python3
"""selfcheck_extend.py -- grow a ledger that till-bench-selfcheck built to N
transactions by direct SQL, faster than the posting engine can on a shared
machine, with a real chain (docs/benchmarks.md, "The start-up check").

    selfcheck_extend.py DB N [--sign-every 1000] [--tail 500]

DB must have been built by till-bench-selfcheck (its key lies beside it,
DB.signing-key.pem, as the bench keeps it). Every new transaction is a copy
of the ledger's last sale with the next id, receipt number, time and a fresh
idempotency key, its entries copied with it, and its hash computed over
canonical_bytes as docs/ledger.md defines them, chained to the one before.
Every --sign-every transactions the head is signed (TILL-HEAD-V2, reason
shift_close, under the bench's key) and a closed shift row names it, as the
bench does; the last --tail transactions stay unsigned. The series counter
is set to the last number. Nothing is changed in place: rows are only
appended, so the schema's triggers stay as they are and check every row.
Needs python3-cryptography (Debian) for Ed25519.
"""
import hashlib
import os
import sqlite3
import struct
import sys
import time

from cryptography.hazmat.primitives.serialization import load_pem_private_key


def i64(v):
    return struct.pack(">q", v)


def u32(v):
    return struct.pack(">I", v)


def s(v):
    b = (v or "").encode()
    return u32(len(b)) + b


def canonical(j, entries):
    out = b"TILL-TXN-V1" + i64(j["id"]) + s(j["kind"]) + i64(j["at_ms"]) + s(j["terminal_id"])
    out += s(j["cashier"]) + i64(j["shift_id"] or 0) + s(j["series"]) + i64(j["receipt_no"] or 0)
    out += (j["idem_key"] or bytes(16)) + i64(j["reverses"] or 0)
    out += s(j["method"]) + s(j["memo"]) + s(j["approver"]) + u32(len(entries))
    for e in entries:
        out += u32(e["seq"]) + s(e["account"]) + i64(e["amount"]) + s(e["item"])
        out += i64(e["quantity"]) + i64(e["unit_price"])
    return out


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        sys.exit(__doc__)
    path, target = args[0], int(args[1])
    sign_every = int(args[args.index("--sign-every") + 1]) if "--sign-every" in args else 1000
    tail = int(args[args.index("--tail") + 1]) if "--tail" in args else 500
    with open(path + ".signing-key.pem", "rb") as f:
        key = load_pem_private_key(f.read(), None)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA synchronous = OFF")
    jcols = [r[1] for r in db.execute("PRAGMA table_info(journal)")]
    ecols = [r[1] for r in db.execute("PRAGMA table_info(entries)")]
    head, prev = db.execute("SELECT id, hash FROM journal ORDER BY id DESC LIMIT 1").fetchone()
    sale = db.execute("SELECT * FROM journal WHERE kind = 'sale' ORDER BY id DESC LIMIT 1").fetchone()
    tmpl = dict(zip(jcols, sale))
    tents = [dict(zip(ecols, r)) for r in
             db.execute("SELECT * FROM entries WHERE txn_id = ? ORDER BY seq", (tmpl["id"],))]
    key_id = db.execute("SELECT max(id) FROM server_keys").fetchone()[0]
    last_no = db.execute("SELECT last_no FROM series_counters WHERE series = ?",
                         (tmpl["series"],)).fetchone()[0]
    jsql = "INSERT INTO journal(%s) VALUES (%s)" % (",".join(jcols), ",".join("?" * len(jcols)))
    esql = "INSERT INTO entries(%s) VALUES (%s)" % (",".join(ecols), ",".join("?" * len(ecols)))
    shift_sql = ("INSERT INTO shifts(terminal_id, cashier, state, opened_at, float_amount,"
                 " business_date, closed_at, signature_txn_id) VALUES ('T-001', 'c001', 2, 0, 0,"
                 " date('now', 'localtime'), 0, ?)")
    sig_sql = ("INSERT INTO chain_signatures(txn_id, head_hash, at_ms, reason, key_id, signature)"
               " VALUES (?, ?, ?, 'shift_close', ?, ?)")
    t0 = time.time()
    at0 = tmpl["at_ms"]
    batch = 20000
    txn = head
    # bounded: txn grows by one each round up to target
    while txn < target:
        db.execute("BEGIN")
        jrows, erows = [], []
        end = min(target, txn + batch)
        for txn in range(txn + 1, end + 1):
            last_no += 1
            j = dict(tmpl, id=txn, at_ms=at0 + txn, receipt_no=last_no, idem_key=os.urandom(16))
            ents = [dict(e, txn_id=txn) for e in tents]
            h = hashlib.sha256(prev + canonical(j, ents)).digest()
            j["hash"] = h
            prev = h
            erows.extend(tuple(e[c] for c in ecols) for e in ents)
            jrows.append(tuple(j[c] for c in jcols))
            if txn % sign_every == 0 and txn <= target - tail:
                db.executemany(esql, erows)
                db.executemany(jsql, jrows)
                erows, jrows = [], []
                at = int(time.time() * 1000)
                msg = b"TILL-HEAD-V2" + i64(txn) + h + i64(at) + s("shift_close")
                db.execute(sig_sql, (txn, h, at, key_id, key.sign(msg)))
                db.execute(shift_sql, (txn,))
        db.executemany(esql, erows)
        db.executemany(jsql, jrows)
        db.execute("UPDATE series_counters SET last_no = ? WHERE series = ?",
                   (last_no, tmpl["series"]))
        db.execute("COMMIT")
        if txn % 1000000 < batch:
            print("extended txns=%d seconds=%d" % (txn, time.time() - t0), flush=True)
    print("extended txns=%d seconds=%d" % (txn, time.time() - t0), flush=True)


if __name__ == "__main__":
    main()
