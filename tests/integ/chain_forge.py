#!/usr/bin/env python3
"""chain_forge.py -- what someone with write access to the database file
(and perhaps the signing key file) can do, written from docs/ledger.md alone
("The hash chain", "Signed chain heads"), without the project's code. The
attacks of tests/integ/test_ledger_forge.sh use it.

  chain_forge.py forge DB TXN FEN      move FEN between entries 1 and 2 of
                                       transaction TXN (still balanced),
                                       recompute every hash from TXN on, and
                                       put the dropped triggers back as they
                                       were
  chain_forge.py sql DB SQL            run SQL with the append-only triggers
                                       dropped, then put them back as they
                                       were (so the schema looks untouched)
  chain_forge.py resign DB KEY.pem     replace every signature by one over
                                       the (rewritten) chain, made with KEY
  chain_forge.py addkey DB KEY.pem ID BY
                                       add key ID (KEY's public half) to
                                       server_keys, "endorsed" by key BY
                                       with KEY itself (the forger has no
                                       other key to sign with)
  chain_forge.py signhead DB KEY.pem ID REASON
                                       sign the stored head with KEY as key
                                       ID, a signature row like the server's
  chain_forge.py rehash DB FROM        recompute every hash from FROM on
  chain_forge.py hash DB ID            print h_ID in hex
  chain_forge.py canon DB ID           print canonical_bytes(txn ID) in hex

Standard library only; signing goes through the openssl command.
"""
import hashlib
import sqlite3
import struct
import subprocess
import sys
import tempfile
import time

TRIGGERS = ["journal_no_update", "journal_no_delete", "entries_no_update",
            "entries_no_delete", "chain_signatures_no_update",
            "chain_signatures_no_delete"]


def i64(v):
    return struct.pack(">q", v)


def u32(v):
    return struct.pack(">I", v)


def s(v):
    b = (v or "").encode()
    return u32(len(b)) + b


def canonical(db, txn_id):
    j = db.execute(
        "SELECT id, kind, at_ms, terminal_id, cashier, coalesce(shift_id, 0),"
        " coalesce(series, ''), coalesce(receipt_no, 0), idem_key,"
        " coalesce(reverses, 0), method, memo, approver FROM journal WHERE id = ?",
        (txn_id,)).fetchone()
    entries = db.execute(
        "SELECT seq, account, amount, item, quantity, unit_price FROM entries"
        " WHERE txn_id = ? ORDER BY seq", (txn_id,)).fetchall()
    out = b"TILL-TXN-V1" + i64(j[0]) + s(j[1]) + i64(j[2]) + s(j[3]) + s(j[4])
    out += i64(j[5]) + s(j[6]) + i64(j[7]) + (j[8] or bytes(16)) + i64(j[9])
    out += s(j[10]) + s(j[11]) + s(j[12]) + u32(len(entries))
    for e in entries:
        out += u32(e[0]) + s(e[1]) + i64(e[2]) + s(e[3]) + i64(e[4]) + i64(e[5])
    return out


def rehash_from(db, first):
    prev = bytes(32)
    if first > 1:
        prev = db.execute("SELECT hash FROM journal WHERE id = ?", (first - 1,)).fetchone()[0]
    head = db.execute("SELECT max(id) FROM journal").fetchone()[0] or 0
    for txn in range(first, head + 1):
        h = hashlib.sha256(prev + canonical(db, txn)).digest()
        db.execute("UPDATE journal SET hash = ? WHERE id = ?", (h, txn))
        prev = h


def drop_triggers(db):
    for t in TRIGGERS:
        db.execute("DROP TRIGGER IF EXISTS " + t)


def sign(key, msg):
    with tempfile.NamedTemporaryFile() as f:
        f.write(msg)
        f.flush()
        return subprocess.run(["openssl", "pkeyutl", "-sign", "-inkey", key, "-rawin",
                               "-in", f.name], check=True, capture_output=True).stdout


def raw_pub(key):
    der = subprocess.run(["openssl", "pkey", "-in", key, "-pubout", "-outform", "DER"],
                         check=True, capture_output=True).stdout
    return der[-32:]  # an Ed25519 SubjectPublicKeyInfo ends with the raw 32 bytes


def head_message(txn, h, at, reason):
    return b"TILL-HEAD-V2" + i64(txn) + h + i64(at) + s(reason)


def main():
    cmd, path = sys.argv[1], sys.argv[2]
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("BEGIN")
    saved = db.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name IN (%s)"
                       % ",".join("?" * len(TRIGGERS)), TRIGGERS).fetchall()
    if cmd == "sql":
        drop_triggers(db)
        for stmt in sys.argv[3].split(";"):
            if stmt.strip():
                db.execute(stmt)
        for (sql,) in saved:
            db.execute(sql)
    elif cmd == "forge":
        txn, fen = int(sys.argv[3]), int(sys.argv[4])
        drop_triggers(db)
        db.execute("UPDATE entries SET amount = amount + ? WHERE txn_id = ? AND seq = 1", (fen, txn))
        db.execute("UPDATE entries SET amount = amount - ? WHERE txn_id = ? AND seq = 2", (fen, txn))
        rehash_from(db, txn)
        for (sql,) in saved:
            db.execute(sql)
    elif cmd == "resign":
        drop_triggers(db)
        rows = db.execute("SELECT id, txn_id, at_ms, reason FROM chain_signatures").fetchall()
        for sig_id, txn, at, reason in rows:
            h = bytes(32) if txn == 0 else db.execute(
                "SELECT hash FROM journal WHERE id = ?", (txn,)).fetchone()[0]
            msg = head_message(txn, h, at, reason)
            db.execute("UPDATE chain_signatures SET head_hash = ?, signature = ? WHERE id = ?",
                       (h, sign(sys.argv[3], msg), sig_id))
        for (sql,) in saved:
            db.execute(sql)
    elif cmd == "addkey":
        key, key_id, by = sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
        pub, at = raw_pub(key), int(time.time())
        row = db.execute("SELECT public_key FROM server_keys WHERE id = ?", (by,)).fetchone()
        by_pub = row[0] if row else pub
        msg = b"TILL-KEY-V1" + i64(key_id) + pub + i64(at) + i64(by) + by_pub
        db.execute("INSERT INTO server_keys(id, algorithm, public_key, created_at, endorsed_by,"
                   " endorsement) VALUES (?, 'ed25519', ?, ?, ?, ?)",
                   (key_id, pub, at, by, sign(key, msg)))
    elif cmd == "signhead":
        key, key_id, reason = sys.argv[3], int(sys.argv[4]), sys.argv[5]
        txn, h = db.execute("SELECT id, hash FROM journal ORDER BY id DESC LIMIT 1").fetchone()
        at = int(time.time() * 1000)
        db.execute("INSERT INTO chain_signatures(txn_id, head_hash, at_ms, reason, key_id,"
                   " signature) VALUES (?, ?, ?, ?, ?, ?)",
                   (txn, h, at, reason, key_id, sign(key, head_message(txn, h, at, reason))))
    elif cmd == "rehash":
        drop_triggers(db)
        rehash_from(db, int(sys.argv[3]))
        for (sql,) in saved:
            db.execute(sql)
    elif cmd == "hash":
        print(db.execute("SELECT hex(hash) FROM journal WHERE id = ?",
                         (int(sys.argv[3]),)).fetchone()[0].lower())
    elif cmd == "canon":
        print(canonical(db, int(sys.argv[3])).hex())
    else:
        sys.exit("unknown command " + cmd)
    db.execute("COMMIT")


if __name__ == "__main__":
    main()
