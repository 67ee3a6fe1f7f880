#!/usr/bin/env python3
"""tests/trace-corpus/make-corpus.py: writes the bad trace files that
tests/check_trace.c replays (make check). The name says what the reader
must do: bad-* fails with a message naming a byte offset, trunc-* is
accepted as a truncated trace, ok-* is accepted. Run it from this
directory after a format change; the files are committed."""
import struct

HDR = b"WEFTTRC\0"

def header(version=3, hsize=64, reserved=0, backend=1, seed=7, strategy=0):
    h = HDR + struct.pack("<HHHBB", version, hsize, reserved, backend, 0)
    h += struct.pack("<QQII", seed, 0, strategy, 1)
    return h + bytes(64 - len(h)) if len(h) < 64 else h

def uvarint(v):
    out = b""
    while v >= 0x80:
        out += bytes([(v & 0x7F) | 0x80])
        v >>= 7
    return out + bytes([v])

def zigzag(v):
    return (v << 1) ^ (v >> 63) if v >= 0 else ((-v) << 1) - 1

def record(task=1, kind=3, aux=0, obj=0, s=None, f=None, line=0, value=0,
           time=0, mask=None, wake=None, next=None):
    """A record whose task is always given (a block-independent form)."""
    fields, m = b"", 0
    if time:
        m |= 0x01; fields += uvarint(zigzag(time))
    if aux:
        m |= 0x02; fields += uvarint(aux)
    if obj:
        m |= 0x04; fields += uvarint(obj)
    if s is not None:
        m |= 0x08; fields += uvarint(s)
    if f is not None:
        m |= 0x10; fields += uvarint(f) + uvarint(line)
    if value:
        m |= 0x20; fields += uvarint(zigzag(value))
    if wake is not None:
        m |= 0x40; fields += uvarint(wake)
    if next is not None:
        m |= 0x80; fields += uvarint(next)
    m = m if mask is None else mask
    return bytes([kind | 0x80, m]) + uvarint(task) + fields

def block(strings=b"", records=(), nstr=None, nrec=None, nbytes=None,
          magic=0x324B4257):
    body = b"".join(records)
    nstr = len(strings) if nstr is None else nstr
    nrec = len(records) if nrec is None else nrec
    nbytes = len(body) if nbytes is None else nbytes
    return struct.pack("<IIII", magic, nstr, nrec, nbytes) + strings + body

STRS = b"random\0main\0"
GOOD = header() + block(STRS, [record(kind=2, task=0, obj=1, s=7),
                                record(kind=3), record(kind=0, task=0)])

files = {
    "bad-empty.trace": b"",
    "bad-magic.trace": b"NOTATRACE" + bytes(80),
    "bad-short-header.trace": HDR + bytes(12),
    "bad-future-version.trace": header(version=9) + block(),
    "bad-old-version.trace": header(version=1) + block(),
    "bad-reserved.trace": header(reserved=40) + block(),
    "bad-backend.trace": header(backend=5) + block(),
    "bad-block-magic.trace": header() + block(STRS, magic=0xDEADBEEF),
    "bad-string-offset.trace": header() + block(STRS, [record(s=0x7FFFFFF0)]),
    "bad-file-offset.trace": header() + block(STRS, [record(f=4096)]),
    "bad-kind.trace": header() + block(STRS, [record(kind=120)]),
    "bad-field-bits-v2.trace": header(version=2) + block(
        STRS, [record(mask=0x40)]),
    "bad-kind-v2.trace": header(version=2) + block(
        STRS, [record(kind=45, value=2)]),
    "bad-pass-side.trace": header() + block(
        STRS, [record(kind=45, obj=1, aux=2, value=2)]),
    "bad-pass-no-task.trace": header() + block(
        STRS, [record(kind=45, obj=1)]),
    "bad-wake-wide.trace": header() + block(
        STRS, [record(kind=19, obj=1, wake=1 << 33)]),
    "bad-long-varint.trace": header() + block(
        STRS, [bytes([0x83, 0x00]) + b"\xff" * 11 + b"\x01"]),
    "bad-wide-aux.trace": header() + block(STRS, [record(aux=0x10000)]),
    "bad-record-past-block.trace": header() + block(
        STRS, [record(obj=300)], nbytes=4) + bytes(8),
    "bad-count-vs-bytes.trace": header() + block(STRS, [record()], nrec=9),
    "bad-trailing-bytes.trace": header() + block(
        STRS, [record(), b"\x03\x00"], nrec=1),
    "bad-strings-no-nul.trace": header() + block(b"abc", [record()]),
    "bad-second-block.trace": GOOD + b"JUNKJUNKJUNKJUNKJUNK",
    "trunc-huge-count.trace": header() + block(STRS, [record()],
                                               nrec=0x7FFFFFFF,
                                               nbytes=0xFFFFFFFF),
    "trunc-huge-strings.trace": header() + block(STRS, nstr=0xFFFFFFFF),
    "trunc-mid-record.trace": header() + block(
        STRS, [record(kind=2, task=0, obj=1, s=7), record(value=1 << 40)])[:-3],
    "trunc-block-header.trace": GOOD + b"WBK2\x05",
    "ok-header-only.trace": header(strategy=0xFFFFFFFF),
    "ok-small.trace": GOOD,
    "ok-version-2.trace": header(version=2) + GOOD[64:],
    "ok-folded.trace": header() + block(
        STRS, [record(kind=6, task=2, obj=1, s=0, value=-1, next=3),
               record(kind=45, task=3, obj=1, value=2, wake=2, next=2),
               record(kind=0, task=0)]),
    "ok-shielded.trace": header() + block(
        STRS, [record(kind=31, task=0, obj=1, aux=1, value=2),
               record(kind=6, obj=1, s=0, f=7, line=12, value=-1)]),
}
for name, data in files.items():
    with open(name, "wb") as f:
        f.write(data)
