#!/usr/bin/env python3
"""export_edit.py -- edit the header of a till-export-v1 file as a forger
would, from docs/ledger.md's description of the format (4-byte big-endian
length, then one till.v1.ExportRecord; the header is the first, field 1 of
ExportRecord, an ExportHeader). Standard library only: a few lines of
protobuf wire format.

  export_edit.py IN OUT counter SERIES DELTA   add DELTA to SERIES' last_no
  export_edit.py IN OUT head DELTA             add DELTA to head_id
  export_edit.py IN OUT strip                  remove the header's signature
  export_edit.py IN OUT prev                   zero the header's prev_hash
"""
import struct
import sys


def varint(b, i):
    v = shift = 0
    while True:
        c = b[i]
        i += 1
        v |= (c & 0x7F) << shift
        shift += 7
        if not c & 0x80:
            return v, i


def enc_varint(v):
    v &= (1 << 64) - 1
    out = bytearray()
    while True:
        c = v & 0x7F
        v >>= 7
        out.append(c | (0x80 if v else 0))
        if not v:
            return bytes(out)


def fields(b):
    i, out = 0, []
    while i < len(b):
        key, i = varint(b, i)
        num, wt = key >> 3, key & 7
        if wt == 0:
            v, i = varint(b, i)
        elif wt == 2:
            n, i = varint(b, i)
            v, i = b[i:i + n], i + n
        else:
            sys.exit("unexpected wire type %d" % wt)
        out.append((num, wt, v))
    return out


def pack(fs):
    out = bytearray()
    for num, wt, v in fs:
        out += enc_varint(num << 3 | wt)
        out += enc_varint(v) if wt == 0 else enc_varint(len(v)) + v
    return bytes(out)


def main():
    src, dst, op = sys.argv[1], sys.argv[2], sys.argv[3]
    data = open(src, "rb").read()
    n = struct.unpack(">I", data[:4])[0]
    rec = fields(data[4:4 + n])
    assert rec[0][0] == 1, "the first record is not a header"
    hdr = fields(rec[0][2])
    if op == "counter":
        series, delta = sys.argv[4].encode(), int(sys.argv[5])
        new = []
        for num, wt, v in hdr:
            if num == 9:
                c = fields(v)
                if any(f[0] == 1 and f[2] == series for f in c):
                    c = [(f[0], f[1], f[2] + delta if f[0] == 2 else f[2]) for f in c]
                    v = pack(c)
            new.append((num, wt, v))
        hdr = new
    elif op == "head":
        hdr = [(num, wt, v + int(sys.argv[4]) if num == 10 else v) for num, wt, v in hdr]
    elif op == "strip":
        hdr = [f for f in hdr if f[0] != 12]
    elif op == "prev":
        hdr = [(num, wt, bytes(32) if num == 5 else v) for num, wt, v in hdr]
    else:
        sys.exit("unknown operation " + op)
    body = pack([(1, 2, pack(hdr))])
    open(dst, "wb").write(struct.pack(">I", len(body)) + body + data[4 + n:])


if __name__ == "__main__":
    main()
