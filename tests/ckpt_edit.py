#!/usr/bin/env python3
"""ckpt_edit.py IN OUT FIELD VALUE [REAL_BYTES]: copies the checkpoint IN (lenet98/checkpoint.h,
version 2 or 3) to OUT with one field changed and the CRC-32 recomputed, so that what the
reader sees past its checksum is the changed field. REAL_BYTES: sizeof(real), 4 (default) or 8.

FIELD: pass, pos, otf, passes, data (u64s: VALUE an integer, negative wraps as the C cast
does); loss, seconds (f64: VALUE a float, "nan", "inf"); mti (the generator's int index);
mtword (VALUE: the u64 written over the generator's word 0); eps0, vel0 (the first step size
or velocity, a real); log (VALUE: the new log text, with Python's backslash escapes); model (VALUE: a
model file whose bytes replace the embedded model); crchigh (VALUE: the u32 put in the CRC
field's high 4 bytes; the CRC itself is still right)."""
import codecs
import struct
import sys
import zlib


def main():
    src, dst, field, value = sys.argv[1:5]
    rb = int(sys.argv[5]) if len(sys.argv) > 5 else 4
    rfmt = "<f" if rb == 4 else "<d"
    b = bytearray(open(src, "rb").read())
    u64 = lambda o: struct.unpack_from("<Q", b, o)[0]
    version = u64(8)
    s = u64(16)
    o = 24 + s
    off = {}
    if version >= 3:
        off["data"], off["passes"] = o, o + 8
        o += 16
    for name in ("pass", "pos", "otf", "loss", "seconds"):
        off[name] = o
        o += 8
    ll = u64(o)
    off["log"] = o
    o += 8 + ll
    g = u64(o)
    off["mt"] = o + 8
    o += 8 + g
    ne = u64(o)
    off["eps0"] = o + 8 if ne else None
    o += 8 + ne * rb
    nv = u64(o)
    off["vel0"] = o + 8 if nv else None
    o += 8 + nv * rb
    mb = u64(o)
    off["model"] = o
    o += 8 + mb
    assert o == len(b) - 8, "not a checkpoint this script can parse"
    crchigh = 0
    if field in ("pass", "pos", "otf", "passes", "data"):
        struct.pack_into("<Q", b, off[field], int(value) & (2**64 - 1))
    elif field in ("loss", "seconds"):
        struct.pack_into("<d", b, off[field], float(value))
    elif field == "mti":
        struct.pack_into("<i", b, off["mt"] + 624 * 8, int(value))
    elif field == "mtword":
        struct.pack_into("<Q", b, off["mt"], int(value))
    elif field in ("eps0", "vel0"):
        assert off[field] is not None, field + ": the checkpoint has none"
        struct.pack_into(rfmt, b, off[field], float(value))
    elif field == "log":
        text = codecs.decode(value, "unicode_escape").encode("latin-1")
        b[off["log"]:off["log"] + 8 + ll] = struct.pack("<Q", len(text)) + text
    elif field == "model":
        m = open(value, "rb").read()
        o = off["model"]
        b[o:o + 8 + mb] = struct.pack("<Q", len(m)) + m
    elif field == "crchigh":
        crchigh = int(value)
    else:
        sys.exit("ckpt_edit.py: unknown field " + field)
    body = bytes(b[:-8])
    open(dst, "wb").write(body + struct.pack("<II", zlib.crc32(body), crchigh))


main()
