#!/usr/bin/env python3
"""make_seeds.py -- write the committed seed corpora of the fuzz targets.

Protobuf is encoded by hand here (varints and length-delimited fields), so
regenerating the seeds needs nothing but python3. Field numbers follow
proto/till.proto; if it changes, update them and rerun:

    python3 tests/fuzz/make_seeds.py
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def varint(n):
    n &= (1 << 64) - 1
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])


def vfield(num, value):
    return varint(num << 3) + varint(value)


def lfield(num, payload):
    if isinstance(payload, str):
        payload = payload.encode()
    return varint((num << 3) | 2) + varint(len(payload)) + payload


def env(body_num, body=b"", request_id=1, session=None):
    out = vfield(1, request_id)
    if session is not None:
        out += lfield(2, session)
    return out + lfield(body_num, body)


KEY = bytes(range(1, 17))

ENVELOPES = {
    "whoami": env(24),
    "whoami_bad_session": env(24, session="00" * 32),
    "whoami_short_session": env(24, session="abc"),
    "logout": env(22),
    "user_list": env(42),
    "user_disable": env(44, lfield(1, "nobody")),
    "terminal_add": env(46, lfield(1, "T-NEW") + lfield(2, "lane")),
    "terminal_add_bad": env(46, lfield(1, "bad id/") + lfield(2, "\x01\xff")),
    "terminal_list": env(48),
    "series_add": env(52, lfield(1, "AB") + lfield(2, "receipt")),
    "series_list": env(54),
    "item_add": env(56, lfield(1, lfield(1, "WASH") + lfield(2, "Car wash") + vfield(3, 250)
                           + lfield(4, "HT"))),
    "item_add_negative": env(56, lfield(1, lfield(1, "NEG") + lfield(2, "x") + vfield(3, -5)
                                    + lfield(4, "HT"))),
    "item_list": env(58),
    "sale_cash": env(60, lfield(1, KEY) + lfield(2, lfield(1, "PARK") + vfield(2, 2))
                     + vfield(3, 1) + vfield(4, 2000)),
    "sale_card_two_lines": env(60, lfield(1, bytes(range(2, 18)))
                               + lfield(2, lfield(1, "PARK") + vfield(2, 1))
                               + lfield(2, lfield(1, "PARK") + vfield(2, 3)) + vfield(3, 2)),
    "sale_huge_qty": env(60, lfield(1, bytes(range(3, 19)))
                         + lfield(2, lfield(1, "PARK") + vfield(2, (1 << 63) - 1)) + vfield(3, 1)),
    "sale_no_key": env(60, lfield(2, lfield(1, "PARK") + vfield(2, 1)) + vfield(3, 1)),
    # SaleRequest.payments (6): PaymentPart {method 1, amount 2, tendered 3}
    "sale_split": env(60, lfield(1, bytes(range(4, 20))) + lfield(2, lfield(1, "PARK") + vfield(2, 4))
                      + lfield(6, vfield(1, 1) + vfield(2, 800) + vfield(3, 1000))
                      + lfield(6, vfield(1, 3))),
    "sale_split_both_forms": env(60, lfield(1, bytes(range(5, 21)))
                                 + lfield(2, lfield(1, "PARK") + vfield(2, 1)) + vfield(3, 1)
                                 + lfield(6, vfield(1, 1) + vfield(2, 500))),
    "sale_split_negative": env(60, lfield(1, bytes(range(6, 22)))
                               + lfield(2, lfield(1, "PARK") + vfield(2, 1))
                               + lfield(6, vfield(1, 1) + vfield(2, -500))
                               + lfield(6, vfield(1, 1) + vfield(3, 1 << 62))
                               + lfield(6, vfield(1, 99))),
    "receipt_show": env(62, lfield(1, "HT2026-00000001")),
    "receipt_reprint": env(62, lfield(1, "HT2026-00000001") + vfield(2, 1)),
    "receipt_bad_number": env(62, lfield(1, "HT20-x")),
    "void_request": env(64, lfield(1, "HT2026-00000001") + lfield(2, "paid twice")),
    "void_decide": env(66, lfield(1, bytes(range(4, 20))) + vfield(2, 1) + vfield(3, 1)),
    "void_list": env(68, vfield(1, 1)),
    "shift_open": env(100, lfield(1, bytes(range(5, 21)))
                      + lfield(2, vfield(1, 10000) + vfield(2, 2))),
    "shift_status": env(102),
    "shift_close": env(104, lfield(1, bytes(range(6, 22))) + lfield(2, vfield(1, 100) + vfield(2, 7))
                       + lfield(3, vfield(1, 2) + vfield(2, 500))),
    "shift_approve": env(106, vfield(1, 1) + lfield(2, "ok")),
    "shift_list": env(108),
    "deposit_create": env(110, lfield(1, bytes(range(7, 23))) + vfield(2, 1) + lfield(3, "SLIP")
                          + vfield(4, 100)),
    "deposit_confirm": env(112, lfield(1, bytes(range(8, 24))) + vfield(2, 1)),
    "undeposited": env(114, vfield(1, 24)),
    "audit_export": env(80, vfield(1, 0) + vfield(2, 10)),
    "audit_export_bad_limit": env(80, vfield(1, 0) + vfield(2, 100000)),
    "audit_heads": env(82),
    "checkpoint": env(84),
    "error_body": env(10, vfield(1, 3) + lfield(2, "x")),
    "monthly_report": env(124, lfield(1, "2026-11")),
    "monthly_report_now": env(124),
    "monthly_report_bad_month": env(124, lfield(1, "2026-13")),
    "target_set": env(126, lfield(1, "fuzz") + lfield(2, "2026-11") + vfield(3, 1200000)),
    "target_set_huge": env(126, lfield(1, "fuzz") + lfield(2, "2026-11") + vfield(3, (1 << 63) - 1)),
    # admin unlock and re-enable (140, 142, 144), day status (150)
    "user_unlock": env(140, lfield(1, "carol")),
    "user_unlock_unknown": env(140, lfield(1, "\u5f20\u4e09")),
    "user_enable": env(142, lfield(1, "carol")),
    "terminal_enable": env(144, lfield(1, "T-LANE-01")),
    "terminal_enable_bad": env(144, lfield(1, "bad id/")),
    "day_status": env(150),
}


def frame(payload):
    return struct.pack(">I", len(payload)) + payload


FRAMES = {
    "one_whoami": frame(ENVELOPES["whoami"]),
    "two_pipelined": frame(ENVELOPES["whoami"]) + frame(ENVELOPES["sale_cash"]),
    "zero_length": struct.pack(">I", 0),
    "too_large": struct.pack(">I", 0xFFFFFFFF) + b"x" * 8,
    "split_header": b"\x00\x00",
    "garbage_payload": frame(b"\xff\xff\xff\xff\x0f"),
}

CONFS = {
    "good": "listen = 127.0.0.1:7443\ndb = till.db\nmax_frame = 1048576\n"
            "denominations = 100,50,20,10,5,1,0.5,0.1\ntls_min_version = 1.3\n",
    "bad_values": "max_frame = 12\nreaders = 999\ndenominations = 0,-1,x\nsync = sometimes\n",
    "comments_crlf": "# comment\r\n\r\nidle_timeout = 30\r\nlog_level = warn\r\n",
    "duplicate": "db = a\ndb = b\n",
    "no_equals": "listen 127.0.0.1\n",
    "office_and_blind": "office = \u6ee8\u6cb3\u70ed\u529b\nblind_close = maybe\n",
}


def write(target, items):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    for name, data in items.items():
        if isinstance(data, str):
            data = data.encode()
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)


write("dispatch", ENVELOPES)
write("frame", FRAMES)
write("conf", CONFS)
