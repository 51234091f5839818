#!/usr/bin/env python3
"""make_seeds.py -- write the committed seed corpora of the fuzz targets.

Protobuf is encoded by hand here (varints and length-delimited fields), so
regenerating the seeds needs nothing but python3. Field numbers follow
proto/till.proto; if it changes, update them and rerun:

    python3 tests/fuzz/make_seeds.py

The export target's seeds (corpus/export) are real exports, not written
here: tests/fuzz/fuzz_export.c says which test keeps each and how to remake
them.
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
    # ---- tamper: the export's signed snapshot (signs the head) ----
    "audit_snapshot": env(310, vfield(1, 0) + vfield(2, 0)),
    "audit_snapshot_bad_range": env(310, vfield(1, 5000) + vfield(2, 10)),
    # ---- end of tamper ----
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
    # ---- billing (160-249): payers, schemes, tariffs, runs, payments, waivers ----
    "payer_add": env(160, lfield(1, lfield(1, "\u9633\u5149\u82b1\u56ed") + lfield(2, "3-2-1101")
                                 + lfield(3, "\u5f20\u4e09") + lfield(4, "13800001234")
                                 + lfield(5, "89.37") + lfield(6, "occupied") + lfield(7, "old"))),
    "payer_add_bad_area": env(160, lfield(1, lfield(1, "A") + lfield(2, "1-1-101") + lfield(3, "x")
                                          + lfield(5, "-1e9") + lfield(6, "gone"))),
    "payer_show": env(162, vfield(1, 1)),
    "payer_import_two_rows": env(164, lfield(1, vfield(1, 2) + lfield(2, lfield(1, "B") + lfield(2, "1-1-1")
                                                                   + lfield(3, "y") + lfield(5, "50.00")
                                                                   + lfield(6, "vacant")))
                                 + lfield(1, vfield(1, 3) + lfield(2, lfield(1, "B") + lfield(2, "1-1-1")))),
    "payer_list": env(166),
    "payer_edit": env(168, vfield(1, 1) + lfield(2, lfield(1, "area") + lfield(2, "90.00"))
                      + lfield(2, lfield(1, "nosuch") + lfield(2, "x"))),
    "payer_find_cjk": env(170, lfield(1, "\u5f20")),
    "payer_find_digits": env(170, lfield(1, "1234")),
    "scheme_add": env(180, lfield(1, lfield(1, "heating") + lfield(2, "\u4f9b\u6696\u8d39")
                                  + lfield(3, "area_season") + lfield(4, "season")
                                  + vfield(6, 30) + lfield(7, "10-15") + vfield(8, 50))),
    "scheme_add_metered": env(180, lfield(1, lfield(1, "water") + lfield(2, "w") + lfield(3, "metered")
                                           + lfield(4, "month") + vfield(6, 101))),
    "scheme_list": env(182),
    "tariff_add": env(184, lfield(1, "heating") + lfield(2, "2026-01-01") + vfield(3, 18000)),
    "tariff_add_huge": env(184, lfield(1, "heating") + lfield(2, "2026-02-30") + vfield(3, (1 << 63) - 1)),
    "charge_run": env(188, lfield(1, "heating") + lfield(2, "2026-2027") + vfield(4, 500)),
    "charge_run_bad_limit": env(188, lfield(1, "heating") + lfield(2, "2026") + vfield(3, -1)
                                + vfield(4, 100000)),
    "charge_adjust": env(190, vfield(1, 1) + lfield(2, "heating") + lfield(3, "2026-2027") + lfield(4, "area")),
    "relief_optout": env(192, vfield(1, 1) + lfield(2, "heating") + lfield(3, "2026-2027")
                         + lfield(4, "optout") + lfield(5, "away")),
    "relief_decide": env(194, vfield(1, 1) + vfield(2, 1)),
    "relief_list": env(196),
    "pay_cash": env(210, lfield(1, bytes(range(30, 46))) + vfield(2, 1) + vfield(3, 50000)
                    + vfield(4, 1) + vfield(5, 60000)),
    "pay_named_charges": env(210, lfield(1, bytes(range(31, 47))) + vfield(2, 1) + vfield(3, 100)
                             + vfield(4, 2) + vfield(6, 1) + vfield(6, 99)),
    "pay_cheque": env(210, lfield(1, bytes(range(32, 48))) + vfield(2, 1) + vfield(3, 1000)
                      + vfield(4, 6) + lfield(7, "CHQ-1")),
    "payment_receipt": env(212, lfield(1, "JF2026-00000001")),
    "cheque_clear": env(214, lfield(1, bytes(range(33, 49))) + vfield(2, 1)),
    "cheque_bounce": env(216, lfield(1, bytes(range(34, 50))) + vfield(2, 1) + lfield(3, "no funds")),
    "cheque_list": env(218),
    "waiver_request": env(230, vfield(1, 1) + vfield(2, 1) + vfield(5, 1000) + lfield(6, "hardship")
                          + lfield(7, "DOC-7")),
    "waiver_decide": env(232, lfield(1, bytes(range(35, 51))) + vfield(2, 1) + vfield(3, 1)),
    "waiver_list": env(234),
    "late_fee_set": env(236, lfield(1, "heating") + vfield(2, 300) + vfield(3, 30) + vfield(4, 1000)),
    "late_fee_post": env(238, lfield(1, bytes(range(38, 54))) + vfield(2, 1) + lfield(3, "heating")),
    "statement": env(240, vfield(1, 1) + lfield(2, "2027-06-30")),
    "arrears": env(242),
    "collection": env(244),
    "reminder_record": env(246, vfield(1, 1) + lfield(2, "letter") + lfield(3, "first")),
    "reminder_list": env(248),
    # ---- tolls (260-281): stations, distances, tariffs, lanes, passages ----
    "toll_station": env(260, lfield(1, "S01") + lfield(2, "\u4e1c\u7ad9") + lfield(3, "TL")),
    "toll_distance": env(262, lfield(1, "S01") + lfield(2, "S02") + vfield(3, 42300)),
    "toll_tariff": env(264, vfield(1, 1) + lfield(2, lfield(1, "p1") + vfield(2, 5000))
                       + vfield(3, 500) + vfield(4, 1000) + vfield(5, 2000) + vfield(6, 24)),
    "toll_lane": env(266, lfield(1, "T-FUZZ") + lfield(2, "S02") + lfield(3, "exit")),
    "toll_holiday": env(268, lfield(1, "2026-10-01") + lfield(2, "\u56fd\u5e86")),
    "toll_quote": env(270, lfield(1, "S01") + lfield(2, "S02") + lfield(3, "t6") + vfield(4, 9)),
    "toll_entry": env(272, lfield(1, "C0001") + lfield(2, "p1") + lfield(3, "\u4eacA12345")),
    "toll_exit_cash": env(274, lfield(1, bytes(range(36, 52))) + lfield(3, "S01") + lfield(5, "p1")
                          + vfield(6, 2) + vfield(7, 5) + lfield(8, "\u4eacA12345") + vfield(9, 1)
                          + vfield(10, 10000)),
    "toll_exit_green": env(274, lfield(1, bytes(range(37, 53))) + lfield(3, "S01") + lfield(5, "t2")
                           + vfield(6, 2) + lfield(8, "\u9c81B7K2Q9") + lfield(11, "green_channel")
                           + lfield(13, "li")
                           + lfield(14, "\u767d\u83dc") + lfield(15, "pass")),
    "toll_exit_lost_card": env(274, lfield(1, bytes(range(39, 55))) + vfield(4, 1) + lfield(5, "t6")
                               + vfield(6, 9) + lfield(8, "\u82cfE12345") + vfield(9, 2)),
    "toll_exit_two_ways": env(274, lfield(1, bytes(range(40, 56))) + lfield(2, "C9") + lfield(3, "S01")
                              + lfield(5, "p1") + vfield(6, 2) + vfield(9, 1)),
    "toll_cards": env(276, vfield(1, 1)),
    "toll_handover": env(278, vfield(1, 1)),
    "toll_report": env(280, lfield(1, "2026-01-01") + lfield(2, "2026-12-31")),
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
