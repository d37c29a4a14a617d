#!/usr/bin/env python3
"""Mutated copies of pcap and pcapng captures, for tests/mutate.test.

usage: mutate.py [--seed N] [--count N] [--class CLASS] [--index K]
                 OUT_DIR CAPTURE...
       mutate.py --classes
       mutate.py --check-json JSON...

Writes, for every CAPTURE, every mutation class that applies to it and K
from 0 to COUNT - 1 (pcapng captures: three times COUNT, as there are few
of them and two classes only they have), OUT_DIR/NAME.CLASS.K.EXT, and
prints one line per file: CLASS, CAPTURE, K and the file, tab-separated.
--class and --index make only that class and that K: how a failure is
reproduced.  Each file depends on the seed, the capture's name, the class
and K only, so any one of them can be made again on its own.

The file's record structure is parsed first (pcap record headers, pcapng
blocks), so the length mutations hit real record headers and the cuts fall
mid-header or mid-record on purpose.

--check-json loads each JSON file and prints the name and the error of
each one that is not valid JSON (exit status 1 if any).
"""
import json
import os
import random
import struct
import sys

PCAP_MAGICS = {
    b"\xd4\xc3\xb2\xa1": ("<", 16),     # microseconds, little-endian
    b"\xa1\xb2\xc3\xd4": (">", 16),
    b"\x4d\x3c\xb2\xa1": ("<", 16),     # nanoseconds
    b"\xa1\xb2\x3c\x4d": (">", 16),
    b"\x34\xcd\xb2\xa1": ("<", 24),     # Kuznetzov's patched format
    b"\xa1\xb2\xcd\x34": (">", 24),
}
PCAPNG_SHB = 0x0A0D0D0A
# Block types pcapng defines or reserves: never used as the unknown type.
PCAPNG_KNOWN = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0xBAD, 0x40000BAD,
                PCAPNG_SHB}

CLASSES_ALL = ["flip-hdr", "flip-sip", "flip-any", "zero", "reclen",
               "timestamp", "header", "cut", "magic", "mix"]
CLASSES_PCAPNG = ["blocklen", "unknown-block"]

# Characters a SIP or SDP parser splits on, and the ends of the byte range.
SIP_BYTES = b"\x00\r\n \t:;,=<>\"@/.0123456789-\x7f\x80\xff"
SIP_STARTS = (b"INVITE ", b"ACK ", b"BYE ", b"CANCEL ", b"OPTIONS ",
              b"REGISTER ", b"PRACK ", b"UPDATE ", b"INFO ", b"NOTIFY ",
              b"SUBSCRIBE ", b"MESSAGE ", b"REFER ", b"SIP/2.0 ")


class Record:
    """One packet record (pcap) or block (pcapng), by file offsets."""

    def __init__(self, off, size, data_off, data_len, block_type=None):
        self.off = off              # first byte of the record header
        self.size = size            # header, data and trailer
        self.data_off = data_off    # first byte of the packet
        self.data_len = data_len    # packet bytes present (0: no packet)
        self.block_type = block_type
        self.len_fields = []        # (offset, value, what): u32 lengths
        self.ts_off = None          # the timestamp: seconds (pcap), high
                                    # word (pcapng), then the fraction
        self.endian = "<"


class Layout:
    """Where a capture's headers, records and packets are."""

    def __init__(self, kind, endian):
        self.kind = kind            # "pcap", "pcapng" or "unknown"
        self.endian = endian
        self.header_len = 0         # the global header, or the first SHB
        self.records = []

    def packets(self):
        return [r for r in self.records if r.data_len > 0]


def u32(buf, off, endian):
    return struct.unpack_from(endian + "I", buf, off)[0]


def parse_pcap(buf):
    endian, rec_hdr_len = PCAP_MAGICS[bytes(buf[:4])]
    lay = Layout("pcap", endian)
    lay.header_len = 24
    off = 24
    while off + rec_hdr_len <= len(buf):
        incl = u32(buf, off + 8, endian)
        orig = u32(buf, off + 12, endian)
        data_len = min(incl, len(buf) - off - rec_hdr_len)
        rec = Record(off, rec_hdr_len + data_len, off + rec_hdr_len, data_len)
        rec.endian = endian
        rec.ts_off = off
        rec.len_fields = [(off + 8, incl, "incl_len"),
                          (off + 12, orig, "orig_len")]
        lay.records.append(rec)
        if incl > len(buf) - off - rec_hdr_len:
            break
        off += rec_hdr_len + incl
    return lay


def parse_pcapng(buf):
    lay = Layout("pcapng", "<")
    endian = "<"
    off = 0
    while off + 12 <= len(buf):
        btype_le = u32(buf, off, "<")
        if btype_le == PCAPNG_SHB:
            bom = buf[off + 8:off + 12]
            endian = "<" if bom == b"\x4d\x3c\x2b\x1a" else ">"
        btype = u32(buf, off, endian)
        total = u32(buf, off + 4, endian)
        if total < 12 or total % 4 or off + total > len(buf):
            break
        rec = Record(off, total, off + 8, 0, btype)
        rec.endian = endian
        if btype == 6 and total >= 32:          # enhanced packet block
            cap = u32(buf, off + 20, endian)
            rec.data_off = off + 28
            rec.data_len = min(cap, total - 32)
            rec.ts_off = off + 12
            rec.len_fields = [(off + 20, cap, "cap_len"),
                              (off + 24, u32(buf, off + 24, endian),
                               "orig_len")]
        elif btype == 3 and total >= 16:        # simple packet block
            rec.data_off = off + 12
            rec.data_len = total - 16
            rec.len_fields = [(off + 8, u32(buf, off + 8, endian),
                               "orig_len")]
        elif btype == 2 and total >= 32:        # obsolete packet block
            cap = u32(buf, off + 20, endian)
            rec.data_off = off + 28
            rec.data_len = min(cap, total - 32)
            rec.ts_off = off + 12
            rec.len_fields = [(off + 20, cap, "cap_len"),
                              (off + 24, u32(buf, off + 24, endian), "len")]
        if not lay.records:
            lay.endian = endian
            lay.header_len = total
        lay.records.append(rec)
        off += total
    return lay


def parse(buf):
    """The layout of a capture, as far as it is consistent."""
    if bytes(buf[:4]) in PCAP_MAGICS and len(buf) >= 24:
        return parse_pcap(buf)
    if len(buf) >= 12 and u32(buf, 0, "<") == PCAPNG_SHB:
        return parse_pcapng(buf)
    return Layout("unknown", "<")


def put32(buf, off, value, endian):
    struct.pack_into(endian + "I", buf, off, value & 0xFFFFFFFF)


def put16(buf, off, value, endian):
    struct.pack_into(endian + "H", buf, off, value & 0xFFFF)


def new_byte(rng, old):
    """A byte that differs from old: a random one or a flipped bit."""
    if rng.random() < 0.5:
        return old ^ (1 << rng.randrange(8))
    return old ^ rng.randrange(1, 256)


def pick_packets(rng, lay, most):
    pkts = lay.packets()
    if not pkts:
        return []
    return rng.sample(pkts, min(len(pkts), rng.randint(1, most)))


def m_flip_hdr(rng, buf, lay):
    """Bytes of the link, IP, UDP/TCP and RTP headers of a few packets."""
    for rec in pick_packets(rng, lay, 8):
        for _ in range(rng.randint(1, 3)):
            off = rec.data_off + rng.randrange(min(rec.data_len, 128))
            buf[off] = new_byte(rng, buf[off])
    return buf


def sip_start(buf, rec):
    data = bytes(buf[rec.data_off:rec.data_off + rec.data_len])
    found = [data.find(s) for s in SIP_STARTS]
    found = [i for i in found if i >= 0]
    return rec.data_off + min(found) if found else -1


def m_flip_sip(rng, buf, lay):
    """Bytes of SIP messages and their SDP, often turned into separators."""
    sip = [(r, s) for r in lay.packets() for s in [sip_start(buf, r)]
           if s >= 0]
    if not sip:
        return m_flip_hdr(rng, buf, lay)
    for rec, start in rng.sample(sip, min(len(sip), rng.randint(1, 6))):
        end = rec.data_off + rec.data_len
        for _ in range(rng.randint(1, 4)):
            off = rng.randrange(start, end)
            if rng.random() < 0.6:
                buf[off] = rng.choice(SIP_BYTES)
            else:
                buf[off] = new_byte(rng, buf[off])
    return buf


def m_flip_any(rng, buf, lay):
    """Bytes anywhere: file header, record headers, packets."""
    for _ in range(rng.randint(4, 32)):
        off = rng.randrange(len(buf))
        buf[off] = new_byte(rng, buf[off])
    return buf


def m_zero(rng, buf, lay):
    """Runs of zeroes, mostly inside packets, some across record headers."""
    pkts = lay.packets()
    for _ in range(rng.randint(1, 4)):
        n = rng.randint(1, 8) if rng.random() < 0.5 else rng.randint(16, 512)
        if pkts and rng.random() < 0.8:
            rec = rng.choice(pkts)
            start = rec.data_off + rng.randrange(rec.data_len)
            end = min(start + n, rec.data_off + rec.data_len)
        else:
            start = rng.randrange(len(buf))
            end = min(start + n, len(buf))
        buf[start:end] = bytes(end - start)
    return buf


def length_value(rng, value, rest):
    """A wrong length near, below, above or far from value."""
    choices = [0, 1, value - 1, value + 1, value + 4,
               rng.randrange(value) if value else 0,
               value + rng.randint(2, 2000), value + rest,
               65535, 65536, 262144, 262145, 0x7FFFFFFF, 0x80000000,
               0xFFFFFFFF, rng.randrange(1 << 32)]
    return rng.choice(choices) & 0xFFFFFFFF


def m_reclen(rng, buf, lay):
    """Record lengths: pcap incl_len/orig_len, pcapng captured/original."""
    recs = [r for r in lay.records if r.len_fields]
    if not recs:
        return m_flip_any(rng, buf, lay)
    for rec in rng.sample(recs, min(len(recs), rng.randint(1, 3))):
        off, value, _ = rng.choice(rec.len_fields)
        put32(buf, off, length_value(rng, value, len(buf) - off), rec.endian)
    return buf


def m_timestamp(rng, buf, lay):
    """Record timestamps: one out of line, or a clock step from one record
    on; zero, the end of time, backwards, a fraction past one second."""
    recs = [r for r in lay.records if r.ts_off is not None]
    if not recs:
        return m_flip_any(rng, buf, lay)
    for _ in range(rng.randint(1, 3)):
        rec = rng.choice(recs)
        e, off = rec.endian, rec.ts_off
        if lay.kind == "pcapng":
            hi, lo = u32(buf, off, e), u32(buf, off + 4, e)
            ticks = hi << 32 | lo
            new = rng.choice([0, 1, (1 << 64) - 1, 1 << 63, (1 << 63) - 1,
                              ticks - rng.randint(1, 10 ** 10),
                              ticks + rng.randint(1, 10 ** 18),
                              rng.randrange(1 << 64)]) % (1 << 64)
            step = new - ticks
        else:
            sec = u32(buf, off, e)
            if rng.random() < 0.3:
                put32(buf, off + 4, rng.choice([999999, 1000000, 999999999,
                                                0xFFFFFFFF,
                                                rng.randrange(1 << 32)]), e)
                continue
            new = rng.choice([0, 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF,
                              sec - rng.randint(1, 3600),
                              sec + rng.randint(1, 3153600000),
                              rng.randrange(1 << 32)]) % (1 << 32)
            step = new - sec
        later = [r for r in recs if r.off > rec.off]
        if rng.random() < 0.5:
            later = []                  # this record alone
        for r in [rec] + later:
            if lay.kind == "pcapng":
                t = (u32(buf, r.ts_off, e) << 32 | u32(buf, r.ts_off + 4, e))
                t = (t + step) % (1 << 64)
                put32(buf, r.ts_off, t >> 32, e)
                put32(buf, r.ts_off + 4, t, e)
            else:
                put32(buf, r.ts_off, u32(buf, r.ts_off, e) + step, e)
    return buf


def m_blocklen(rng, buf, lay):
    """pcapng block total lengths, leading, trailing or both."""
    if lay.kind != "pcapng" or not lay.records:
        return m_reclen(rng, buf, lay)
    for _ in range(rng.randint(1, 2)):
        if rng.random() < 0.15:
            rec = rng.choice(lay.records[:2])   # the SHB or the IDB
        else:
            rec = rng.choice(lay.records)
        choices = [0, 4, 8, 12, rec.size - 4, rec.size - 1, rec.size + 1,
                   rec.size + 2, rec.size + 4, rec.size * 2,
                   rec.size + len(buf) - rec.off, 0x7FFFFFFC, 0xFFFFFFFC,
                   0xFFFFFFFF, 16 * 1024 * 1024 + 4, rng.randrange(1 << 32)]
        value = rng.choice(choices)
        where = rng.choice(["lead", "trail", "both"])
        if where in ("lead", "both"):
            put32(buf, rec.off + 4, value, rec.endian)
        if where in ("trail", "both"):
            put32(buf, rec.off + rec.size - 4, value, rec.endian)
    return buf


def idb_options(buf, rec):
    """(offset of the option's value, code, length) for each IDB option."""
    out = []
    off, end = rec.off + 16, rec.off + rec.size - 4
    while off + 4 <= end:
        code = struct.unpack_from(rec.endian + "H", buf, off)[0]
        length = struct.unpack_from(rec.endian + "H", buf, off + 2)[0]
        if code == 0:
            break
        out.append((off, code, length))
        off += 4 + (length + 3) // 4 * 4
    return out


LINKTYPES = [0, 1, 9, 12, 14, 101, 105, 113, 127, 147, 192, 228, 229, 276,
             0xFFFF, 0x10000001, 0x04000001, 0x00A00001]
SNAPLENS = [0, 1, 14, 60, 65535, 262144, 262145, 0x7FFFFFFF, 0xFFFFFFFF]


def m_header(rng, buf, lay):
    """The file's own header: version, snaplen, link type; pcapng's
    section header and interface description, and its options."""
    e = lay.endian
    if lay.kind == "pcap":
        for _ in range(rng.randint(1, 2)):
            what = rng.choice(["major", "minor", "zone", "snaplen",
                               "linktype", "linktype"])
            if what == "major":
                put16(buf, 4, rng.choice([0, 1, 3, 0xFFFF]), e)
            elif what == "minor":
                put16(buf, 6, rng.choice([0, 1, 5, 0xFFFF]), e)
            elif what == "zone":
                put32(buf, 8, rng.randrange(1 << 32), e)
            elif what == "snaplen":
                put32(buf, 16, rng.choice(SNAPLENS), e)
            else:
                put32(buf, 20, rng.choice(LINKTYPES), e)
        return buf
    if lay.kind != "pcapng" or not lay.records:
        return m_flip_any(rng, buf, lay)
    shb = lay.records[0]
    idbs = [r for r in lay.records if r.block_type == 1 and r.size >= 20]
    for _ in range(rng.randint(1, 2)):
        what = rng.choice(["major", "section", "linktype", "snaplen",
                           "option", "option", "optlen"])
        if what == "major" or not idbs:
            put16(buf, shb.off + 12, rng.choice([0, 2, 0xFFFF]), shb.endian)
            continue
        if what == "section":
            struct.pack_into(shb.endian + "q", buf, shb.off + 16,
                             rng.choice([0, -2, 1 << 62, 100]))
            continue
        idb = rng.choice(idbs)
        if what == "linktype":
            put16(buf, idb.off + 8, rng.choice(LINKTYPES), idb.endian)
        elif what == "snaplen":
            put32(buf, idb.off + 12, rng.choice(SNAPLENS), idb.endian)
        else:
            opts = idb_options(buf, idb)
            if not opts:
                continue
            off, code, length = rng.choice(opts)
            if what == "optlen":
                put16(buf, off + 2, rng.choice([0, 1, 7, 255, 0xFFFF]),
                      idb.endian)
            elif code == 9 and length >= 1:     # if_tsresol
                buf[off + 4] = rng.choice([0, 1, 6, 9, 19, 20, 63, 64,
                                           0x80, 0x80 | 30, 0x80 | 63, 0xFF])
            elif 0 < length <= idb.off + idb.size - 4 - (off + 4):
                i = off + 4 + rng.randrange(length)
                buf[i] = new_byte(rng, buf[i])
    return buf


def m_cut(rng, buf, lay):
    """Cut the file: mid-file-header, mid-record-header, mid-packet, or at
    a record boundary."""
    recs = lay.records if lay.kind == "pcap" else lay.records[1:]
    where = rng.choice(["file-header", "record-header", "record-header",
                        "record-data", "record-data", "record-data",
                        "trailer", "boundary"])
    if where == "file-header" or not recs:
        return buf[:rng.randrange(max(1, lay.header_len or 24))]
    rec = rng.choice(recs)
    if where == "record-header":
        hdr = rec.data_off - rec.off if rec.data_len else 8
        return buf[:rec.off + rng.randint(1, max(1, hdr - 1))]
    if where == "record-data" and rec.data_len > 1:
        return buf[:rec.data_off + rng.randint(1, rec.data_len - 1)]
    if where == "trailer" and lay.kind == "pcapng":
        return buf[:rec.off + rec.size - rng.randint(1, 3)]
    return buf[:rec.off]


def m_magic(rng, buf, lay):
    """A wrong magic number: garbage, another variant, the other format."""
    old = bytes(buf[0:4])
    if lay.kind == "pcapng" and rng.random() < 0.5:
        bom = rng.choice([b"\x1a\x2b\x3c\x4d", b"\x00\x00\x00\x00",
                          b"\x4d\x3c\x2b\x1b", bytes(rng.randrange(256)
                                                     for _ in range(4))])
        buf[8:12] = bom
        return buf
    buf[0:4] = rng.choice([
        bytes(rng.randrange(256) for _ in range(4)),
        bytes(buf[0:4])[::-1],
        bytes([buf[0] ^ (1 << rng.randrange(8))]) + bytes(buf[1:4]),
        b"\x00\x00\x00\x00",
        b"\x4d\x3c\xb2\xa1",            # pcap, nanosecond timestamps
        b"\x34\xcd\xb2\xa1",            # pcap with 24-byte record headers
        b"\xa1\xb2\xc3\xd4",            # pcap, big-endian
        b"\xd4\xc3\xb2\xa1",            # pcap, little-endian
        b"\x0a\x0d\x0d\x0a",            # pcapng
    ])
    if bytes(buf[0:4]) == old:
        buf[3] ^= 0xFF
    return buf


def m_unknown_block(rng, buf, lay):
    """pcapng blocks of a type nobody defined, between real ones."""
    if lay.kind != "pcapng" or len(lay.records) < 2:
        return m_flip_any(rng, buf, lay)
    inserts = []
    for _ in range(rng.randint(1, 3)):
        rec = rng.choice(lay.records[1:])
        btype = rng.randrange(12, 1 << 32)
        if rng.random() < 0.3:
            btype |= 0x80000000             # the local-use range
        if btype in PCAPNG_KNOWN:
            btype = 0x00000B0B
        body = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 257)))
        body += bytes(-len(body) % 4)
        total = 12 + len(body)
        block = struct.pack(rec.endian + "II", btype, total) + body + \
            struct.pack(rec.endian + "I", total)
        inserts.append((rng.choice([rec.off, rec.off + rec.size]), block))
    for off, block in sorted(inserts, key=lambda x: -x[0]):
        buf[off:off] = block
    return buf


MUTATORS = {
    "flip-hdr": m_flip_hdr, "flip-sip": m_flip_sip, "flip-any": m_flip_any,
    "zero": m_zero, "reclen": m_reclen, "timestamp": m_timestamp,
    "header": m_header, "cut": m_cut,
    "magic": m_magic, "blocklen": m_blocklen,
    "unknown-block": m_unknown_block,
}


def m_mix(rng, buf, lay):
    """Several mutations in one file, a cut last now and then."""
    pool = ["flip-hdr", "flip-sip", "flip-any", "zero", "reclen",
            "timestamp", "header"]
    if lay.kind == "pcapng":
        pool += ["blocklen", "unknown-block"]
    steps = rng.sample(pool, rng.randint(2, 4))
    if rng.random() < 0.3:
        steps.append("cut")
    for step in steps:
        buf = MUTATORS[step](rng, buf, parse(buf))
    return buf


MUTATORS["mix"] = m_mix


def classes_for(lay):
    return CLASSES_ALL + (CLASSES_PCAPNG if lay.kind == "pcapng" else [])


def mutate(seed, name, cls, k, original, lay):
    """Mutated copy number k of class cls: depends on these alone."""
    rng = random.Random("%d/%s/%s/%d" % (seed, name, cls, k))
    out = MUTATORS[cls](rng, bytearray(original), lay)
    if bytes(out) == original:          # a mutation that changed nothing
        out = m_flip_any(rng, out, lay)
    return out


def check_json(paths):
    bad = 0
    for path in paths:
        try:
            with open(path, "rb") as f:
                json.loads(f.read().decode("utf-8"))
        except (OSError, ValueError) as e:
            print("%s\t%s" % (path, str(e).replace("\n", " ")))
            bad += 1
    return 1 if bad else 0


def usage():
    sys.stderr.write(__doc__)
    return 2


def main(argv):
    seed, count, only_class, only_index = 1, 2, None, None
    args = argv[1:]
    if args[:1] == ["--classes"]:
        print(" ".join(CLASSES_ALL + CLASSES_PCAPNG))
        return 0
    if args[:1] == ["--check-json"]:
        return check_json(args[1:])
    try:
        while args and args[0].startswith("--"):
            opt, val = args[0], args[1]
            args = args[2:]
            if opt == "--seed":
                seed = int(val)
            elif opt == "--count":
                count = int(val)
            elif opt == "--class":
                only_class = val
            elif opt == "--index":
                only_index = int(val)
            else:
                return usage()
    except (IndexError, ValueError):
        return usage()
    if len(args) < 2:
        return usage()
    out_dir = args[0]
    os.makedirs(out_dir, exist_ok=True)
    for path in args[1:]:
        with open(path, "rb") as f:
            original = f.read()
        lay = parse(original)
        name = os.path.basename(path)
        base, ext = os.path.splitext(name)
        n = count * 3 if lay.kind == "pcapng" else count
        for cls in classes_for(lay):
            if only_class is not None and cls != only_class:
                continue
            for k in range(n) if only_index is None else [only_index]:
                out = os.path.join(out_dir, "%s.%s.%d%s" % (base, cls, k, ext))
                with open(out, "wb") as f:
                    f.write(mutate(seed, name, cls, k, original, lay))
                print("%s\t%s\t%d\t%s" % (cls, path, k, out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
