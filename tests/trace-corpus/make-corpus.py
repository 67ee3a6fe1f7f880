#!/usr/bin/env python3
"""tests/trace-corpus/make-corpus.py: writes the bad trace files that
tests/check_trace.c replays (make check). The name says what the reader
must do: bad-* fails with a message naming a byte offset, trunc-* is
accepted as a truncated trace, ok-* is accepted. Run it from this
directory after a format change; the files are committed."""
import struct

HDR = b"WEFTTRC\0"

def header(version=1, hsize=64, rsize=40, backend=1, seed=7, strategy=0):
    h = HDR + struct.pack("<HHHBB", version, hsize, rsize, backend, 0)
    h += struct.pack("<QQII", seed, 0, strategy, 1)
    return h + bytes(64 - len(h) - 0) if len(h) < 64 else h

def record(time=0, task=1, kind=3, aux=0, obj=0, s=0xFFFFFFFF,
           f=0xFFFFFFFF, line=0, value=0):
    return struct.pack("<QIHHIIIIq", time, task, kind, aux, obj, s, f, line,
                       value)

def block(strings=b"", records=b"", nstr=None, nrec=None, magic=0x314B4257):
    nstr = len(strings) if nstr is None else nstr
    nrec = len(records) // 40 if nrec is None else nrec
    return struct.pack("<IIII", magic, nstr, nrec, 0) + strings + records

STRS = b"random\0main\0"
GOOD = header() + block(STRS, record(kind=2, task=0, obj=1, s=7) +
                        record(kind=3) + record(kind=0, task=0))

files = {
    "bad-empty.trace": b"",
    "bad-magic.trace": b"NOTATRACE" + bytes(80),
    "bad-short-header.trace": HDR + bytes(12),
    "bad-future-version.trace": header(version=9) + block(),
    "bad-record-size.trace": header(rsize=48) + block(),
    "bad-backend.trace": header(backend=5) + block(),
    "bad-block-magic.trace": header() + block(STRS, magic=0xDEADBEEF),
    "bad-string-offset.trace": header() + block(STRS, record(s=0x7FFFFFF0)),
    "bad-file-offset.trace": header() + block(STRS, record(f=4096)),
    "bad-kind.trace": header() + block(STRS, record(kind=999)),
    "bad-strings-no-nul.trace": header() + block(b"abc", record()),
    "bad-second-block.trace": GOOD + b"JUNKJUNKJUNKJUNKJUNK",
    "trunc-huge-count.trace": header() + block(STRS, record(),
                                               nrec=0xFFFFFFFF),
    "trunc-huge-strings.trace": header() + block(STRS, nstr=0xFFFFFFFF),
    "trunc-mid-record.trace": GOOD[:-17],
    "trunc-block-header.trace": GOOD + b"WBK1\x05",
    "ok-header-only.trace": header(strategy=0xFFFFFFFF),
    "ok-small.trace": GOOD,
    # version 1 is still read, without the kinds version 2 added
    "bad-v1-new-kind.trace": header(version=1) + block(
        STRS, record(kind=31, task=0, obj=1)),
    "ok-v2-shielded.trace": header(version=2) + block(
        STRS, record(kind=31, task=0, obj=1, aux=1, value=2)),
}
for name, data in files.items():
    with open(name, "wb") as f:
        f.write(data)
