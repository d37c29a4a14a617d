#!/usr/bin/env python3
"""Check what vqprobe --hep delivered against the capture it read and the
JSON report of the same run.

    check-hep-out.py CAPTURE REPORT.json RECEIVED [options]

RECEIVED is either sngrep's -O pcap (every HEP packet it received as an
Ethernet/IPv4/UDP frame with the HEP addresses, ports, time and payload) or
the JSON lines of tests/hep-recv.py (every chunk decoded).  Checked:

  - SIP: every SIP message of CAPTURE arrived once, byte for byte, with its
    addresses, ports and capture time; over TCP (ip_proto 6) the messages
    of each direction put end to end are that direction's TCP bytes;
    with the chunks, the correlation id is the message's Call-ID;
  - RTCP: one JSON body per RTCP datagram of CAPTURE, at its addresses,
    ports and time, whose ssrc, type and first report block are those the
    datagram's bytes say; with the chunks, the correlation id is the Call-ID
    of the call whose SDP (read here from CAPTURE) announced its media;
  - quality: per stream of REPORT, the bodies with its src, dst and ssrc
    add up to its packets, expected and lost, the highest max_jitter_ms is
    its jitter_ms.max, no MOS is below its mos.min, the last says ended,
    each names its call_id (and with the chunks, carries it as the
    correlation id);
  - --influx URL DB: the same run's vq_stream points are the quality
    bodies, field for field;
  - --capture-id, --auth-key: every packet's chunks carry them.
Prints what it compared; exits 1 on any difference.
"""
import argparse
import json
import re
import struct
import sys

SIP_START = re.compile(rb"^(SIP/2\.0 [1-6]\d\d |[A-Z]+ \S+ SIP/2\.0\r?\n)")
CALL_ID = re.compile(rb"\r?\n(?:Call-ID|i)[ \t]*:[ \t]*([^\r\n]*)", re.I)


def pcap_frames(path):
    """(ts_us, linktype, frame bytes) of a classic pcap file."""
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    if magic in (0xa1b2c3d4, 0xa1b23c4d):
        e = "<"
    else:
        e = ">"
        magic = struct.unpack(">I", data[:4])[0]
    nano = magic == 0xa1b23c4d
    linktype = struct.unpack(e + "I", data[20:24])[0]
    off = 24
    while off + 16 <= len(data):
        sec, frac, incl, _ = struct.unpack(e + "IIII", data[off:off + 16])
        off += 16
        ts = sec * 1000000 + (frac // 1000 if nano else frac)
        yield ts, linktype, data[off:off + incl]
        off += incl


def ip_of(frame, linktype):
    """(proto, src, dst, sport, dport, payload) of an Ethernet frame's
    UDP or TCP, or None."""
    if linktype != 1:
        raise SystemExit("only Ethernet captures are read here")
    eth = struct.unpack("!H", frame[12:14])[0]
    p = 14
    while eth in (0x8100, 0x88a8):
        eth = struct.unpack("!H", frame[p + 2:p + 4])[0]
        p += 4
    if eth == 0x0800:
        ihl = (frame[p] & 0x0f) * 4
        total = struct.unpack("!H", frame[p + 2:p + 4])[0]
        proto = frame[p + 9]
        src = ".".join(str(b) for b in frame[p + 12:p + 16])
        dst = ".".join(str(b) for b in frame[p + 16:p + 20])
        body = frame[p + ihl:p + total]
    elif eth == 0x86dd:
        import ipaddress
        plen = struct.unpack("!H", frame[p + 4:p + 6])[0]
        proto = frame[p + 6]
        src = str(ipaddress.IPv6Address(frame[p + 8:p + 24]))
        dst = str(ipaddress.IPv6Address(frame[p + 24:p + 40]))
        body = frame[p + 40:p + 40 + plen]
    else:
        return None
    if proto == 17:
        sport, dport, ulen = struct.unpack("!HHH", body[:6])
        return 17, src, dst, sport, dport, body[8:ulen]
    if proto == 6:
        sport, dport = struct.unpack("!HH", body[:4])
        doff = (body[12] >> 4) * 4
        return 6, src, dst, sport, dport, body[doff:]
    return None


def is_rtcp(p):
    return len(p) >= 8 and (p[0] & 0xc0) == 0x80 and 192 <= p[1] <= 223


def call_id(payload):
    m = CALL_ID.search(payload)
    return m.group(1).strip() if m else None


def media_of(payload):
    """(address, port) of each m= line of a SIP message's SDP, and of
    its a=rtcp (RFC 3605) when it names one."""
    out = []
    body = payload.split(b"\r\n\r\n", 1)
    if len(body) < 2:
        return out
    conn = None
    for line in body[1].split(b"\r\n"):
        if line.startswith(b"c=IN IP"):
            conn = line.split()[2].decode()
        elif line.startswith(b"m=") and conn is not None:
            out.append((conn, int(line.split()[1])))
        elif line.startswith(b"a=rtcp:") and conn is not None:
            f = line[7:].split()
            out.append((f[3].decode() if len(f) >= 4 else conn, int(f[0])))
    return out


def received(path):
    """What arrived, as dicts: src, sport, dst, dport, ts_us, payload, and
    with hep-recv's lines, the chunks' ip_proto, type, correlation,
    capture_id, auth_key."""
    out = []
    if path.endswith(".pcap"):
        for ts, lt, frame in pcap_frames(path):
            r = ip_of(frame, lt)
            if r is None:
                continue
            _, src, dst, sport, dport, payload = r
            out.append({"src": src, "dst": dst, "sport": sport,
                        "dport": dport, "ts_us": ts, "payload": payload})
        return out, []
    errors = []
    for line in open(path):
        rec = json.loads(line)
        if "connection" in rec:
            continue
        if "error" in rec:
            errors.append(rec["error"])
            continue
        rec["payload"] = bytes.fromhex(rec["payload"])
        rec["ts_us"] = rec["ts_sec"] * 1000000 + rec.get("ts_usec", 0)
        if "correlation" in rec:
            rec["correlation"] = bytes.fromhex(rec["correlation"])
        out.append(rec)
    return out, errors


def kind_of(rec):
    """The HEP type, from the chunk, or from the payload (sngrep's pcap)."""
    if "type" in rec:
        return rec["type"]
    p = rec["payload"]
    if p.startswith(b"{") and b'"PACKET_LOSS"' in p:
        return 34
    if p.startswith(b"{"):
        return 5
    return 1


# The quality figures vq_stream and the type 34 bodies both carry.
SAME_FIELDS = ("call_id", "codec", "packets", "expected", "lost", "loss_pct",
               "jb_discards", "burst_ratio", "jitter_ms", "max_jitter_ms",
               "mos", "r_factor", "dscp", "lost_after", "loss_after_pct",
               "ended")


def influx_same(url, db, bodies, err):
    """Each stream's vq_stream points, in time order, are its bodies in
    time order, field for field (floats exactly: both print them so
    that they read back the same)."""
    import urllib.parse
    import urllib.request
    data = urllib.parse.urlencode({"db": db, "q": "SELECT * FROM vq_stream",
                                   "epoch": "ms"}).encode()
    with urllib.request.urlopen(url + "/query", data, timeout=30) as r:
        res = json.load(r)["results"][0]
    points = []
    for series in res.get("series", []):
        for v in series["values"]:
            points.append(dict(zip(series["columns"], v)))
    if len(points) != len(bodies):
        err("InfluxDB has %d vq_stream points, HEP %d quality bodies" %
            (len(points), len(bodies)))
        return
    key = lambda d: (d["src"], d["dst"], d["ssrc"])
    for k in sorted(set(key(p) for p in points)):
        mine = sorted((p for p in points if key(p) == k),
                      key=lambda p: p["time"])
        theirs = sorted((b for _, b in bodies if key(b) == k),
                        key=lambda b: b["time_us"])
        if len(mine) != len(theirs):
            err("stream %r: %d points, %d bodies" % (k, len(mine),
                                                    len(theirs)))
            continue
        for p, b in zip(mine, theirs):
            for f in SAME_FIELDS:
                pv = p.get(f)
                bv = b.get(f)
                if f == "call_id" and bv == "":
                    bv = None
                if f == "codec" and bv == "":
                    bv = None
                if pv != bv:
                    err("stream %r at %d: %s %r in vq_stream, %r in HEP" %
                        (k, p["time"], f, pv, bv))
            if p.get("direction") != b["direction"]:
                err("stream %r: direction %r, %r" % (k, p.get("direction"),
                                                     b["direction"]))
            # InfluxDB's time is the body's, or up to a few ms later
            # when a point of its series had that millisecond.
            if not 0 <= p["time"] - b["time_us"] // 1000 < 10:
                err("stream %r: time %d, body %d us" % (k, p["time"],
                                                        b["time_us"]))
    print("InfluxDB: %d vq_stream points equal to the quality bodies" %
          len(points))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("capture")
    ap.add_argument("report")
    ap.add_argument("received")
    ap.add_argument("--capture-id", type=int)
    ap.add_argument("--auth-key")
    ap.add_argument("--min-sip", type=int, default=1)
    ap.add_argument("--min-rtcp", type=int, default=0)
    ap.add_argument("--influx", nargs=2, metavar=("URL", "DB"),
                    help="compare the quality bodies with vq_stream there")
    args = ap.parse_args()
    problems = []
    err = problems.append

    got, errors = received(args.received)
    for e in errors:
        err("undecodable HEP packet: " + e)
    chunks = not args.received.endswith(".pcap")

    # The capture's SIP (UDP, TCP bytes per direction) and RTCP.
    sip_udp, tcp_bytes, tcp_times, rtcp, media = [], {}, {}, [], {}
    for ts, lt, frame in pcap_frames(args.capture):
        r = ip_of(frame, lt)
        if r is None:
            continue
        proto, src, dst, sport, dport, payload = r
        key = (src, sport, dst, dport)
        if proto == 6 and payload:
            tcp_bytes[key] = tcp_bytes.get(key, b"") + payload
            tcp_times.setdefault(key, set()).add(ts)
        elif proto == 17 and SIP_START.match(payload):
            sip_udp.append(key + (ts, payload))
            for ep in media_of(payload):
                media[ep] = call_id(payload)
        elif proto == 17 and is_rtcp(payload):
            rtcp.append((key, ts, payload))

    by_kind = {1: [], 5: [], 34: []}
    for rec in got:
        by_kind.setdefault(kind_of(rec), []).append(rec)

    # SIP over UDP: the same messages, once each.
    sip_got = [r for r in by_kind[1] if r.get("ip_proto", 17) == 17]
    mine = sorted(sip_udp)
    theirs = sorted((r["src"], r["sport"], r["dst"], r["dport"], r["ts_us"],
                     r["payload"]) for r in sip_got)
    if mine != theirs:
        missing = len([m for m in mine if m not in theirs])
        extra = len([t for t in theirs if t not in mine])
        err("SIP over UDP: %d in the capture, %d received; %d missing or "
            "altered, %d unexpected" % (len(mine), len(theirs), missing,
                                        extra))
    # SIP over TCP: each direction's messages end to end are its bytes.
    tcp_got = {}
    for r in by_kind[1]:
        if r.get("ip_proto") == 6:
            key = (r["src"], r["sport"], r["dst"], r["dport"])
            tcp_got[key] = tcp_got.get(key, b"") + r["payload"]
            if r["ts_us"] not in tcp_times.get(key, ()):
                err("SIP over TCP %r: time %d is no segment's" %
                    (key, r["ts_us"]))
    if chunks and tcp_got != tcp_bytes:
        err("SIP over TCP: the messages are not the streams' bytes "
            "(%d directions captured, %d received)" % (len(tcp_bytes),
                                                      len(tcp_got)))
    n_tcp = sum(1 for r in by_kind[1] if r.get("ip_proto") == 6)
    if len(mine) + n_tcp < args.min_sip:
        err("only %d SIP messages" % (len(mine) + n_tcp))
    if chunks:
        for r in by_kind[1]:
            if r.get("correlation") != call_id(r["payload"]):
                err("SIP correlation id %r is not the Call-ID %r" %
                    (r.get("correlation"), call_id(r["payload"])))

    # RTCP: one body per datagram, its figures those of the bytes.
    want = sorted((k + (ts,)) for k, ts, _ in rtcp)
    have = sorted((r["src"], r["sport"], r["dst"], r["dport"], r["ts_us"])
                  for r in by_kind[5])
    if want != have:
        err("RTCP: %d datagrams in the capture, %d bodies received at "
            "other addresses or times" % (len(want), len(have)))
    if len(want) < args.min_rtcp:
        err("only %d RTCP datagrams" % len(want))
    raw = {(k + (ts,)): p for k, ts, p in rtcp}
    correlated = 0
    for r in by_kind[5]:
        body = json.loads(r["payload"])
        p = raw.get((r["src"], r["sport"], r["dst"], r["dport"], r["ts_us"]))
        if p is None:
            continue
        ssrc = struct.unpack("!I", p[4:8])[0]
        if body.get("ssrc") != ssrc or body.get("type") != p[1]:
            err("RTCP body ssrc/type %r/%r, bytes %d/%d" %
                (body.get("ssrc"), body.get("type"), ssrc, p[1]))
        rc = p[0] & 0x1f
        if body.get("report_count") != rc or \
                len(body.get("report_blocks", [])) != rc:
            err("RTCP report_count %r, bytes %d" %
                (body.get("report_count"), rc))
        if rc > 0:
            at = 28 if p[1] == 200 else 8
            (src_ssrc, word, hseq, jit, lsr,
             dlsr) = struct.unpack("!IIIIII", p[at:at + 24])
            lost = word & 0xffffff
            if lost & 0x800000:
                lost -= 1 << 24
            want_block = {"source_ssrc": src_ssrc, "fraction_lost": word >> 24,
                          "packets_lost": lost, "highest_seq_no": hseq,
                          "ia_jitter": jit, "lsr": lsr, "dlsr": dlsr}
            if body["report_blocks"][0] != want_block:
                err("RTCP block %r, bytes say %r" %
                    (body["report_blocks"][0], want_block))
        if chunks:
            cid = None
            for ep in ((r["src"], r["sport"]), (r["dst"], r["dport"]),
                       (r["src"], r["sport"] - 1), (r["dst"], r["dport"] - 1)):
                if ep in media:
                    cid = media[ep]
                    break
            if r.get("correlation") != cid:
                err("RTCP correlation %r, its call %r" %
                    (r.get("correlation"), cid))
            correlated += cid is not None

    # Quality: the intervals add up to the report's streams.
    report = json.load(open(args.report))
    bodies = [(r, json.loads(r["payload"])) for r in by_kind[34]]
    intervals = 0
    for s in report["streams"]:
        pts = sorted(((r, b) for r, b in bodies if b["src"] == s["src"] and
                      b["dst"] == s["dst"] and b["ssrc"] == s["ssrc"]),
                     key=lambda rb: rb[1]["time_us"])
        if not pts:
            err("quality: no body for stream %d" % s["id"])
            continue
        intervals += len(pts)
        for field in ("packets", "expected", "lost"):
            total = sum(b[field] for _, b in pts)
            if total != s[field]:
                err("quality %d: %s add up to %d, report %d" %
                    (s["id"], field, total, s[field]))
        if sum(b["PACKET_LOSS"] for _, b in pts) != s["lost"]:
            err("quality %d: PACKET_LOSS does not add up" % s["id"])
        # Each MOS is the latest interval the stream's quality rated
        # (metrics/quality.c), none below the worst; with one rated
        # interval in all, the last body carries that one.
        moses = [b["MOS"] for _, b in pts if "MOS" in b]
        mos = s.get("mos") or {}
        if mos.get("min") is not None:
            if not moses or min(moses) < mos["min"] - 0.0005:
                err("quality %d: MOS %r below the report's mos.min %r" %
                    (s["id"], moses, mos["min"]))
            elif mos.get("intervals") == 1 and \
                    abs(moses[-1] - mos["min"]) > 0.0005:
                err("quality %d: MOS %r, the report's only interval %r" %
                    (s["id"], moses[-1], mos["min"]))
        for _, b in pts:
            if b.get("MOS") != b.get("mos") or \
                    b["JITTER"] != b["jitter_ms"]:
                err("quality %d: MOS/JITTER are not mos/jitter_ms" % s["id"])
        jmax = max(b["max_jitter_ms"] for _, b in pts)
        if abs(jmax - s["jitter_ms"]["max"]) > 0.0006:
            err("quality %d: max jitter %r, report %r" %
                (s["id"], jmax, s["jitter_ms"]["max"]))
        if not pts[-1][1]["ended"] or sum(b["ended"] for _, b in pts) != 1:
            err("quality %d: ended not once and last" % s["id"])
        for r, b in pts:
            if b["call_id"] != (s.get("call_id") or ""):
                err("quality %d: call_id %r, report %r" %
                    (s["id"], b["call_id"], s.get("call_id")))
            if chunks and s.get("call_id") and \
                    r.get("correlation") != s["call_id"].encode():
                err("quality %d: correlation %r" % (s["id"],
                                                   r.get("correlation")))
    if len(bodies) != intervals:
        err("quality: %d bodies, %d for the report's streams" %
            (len(bodies), intervals))

    if args.influx:
        influx_same(args.influx[0], args.influx[1], bodies, err)

    if chunks:
        for r in got:
            if args.capture_id is not None and \
                    r["capture_id"] != args.capture_id:
                err("capture id %r" % r["capture_id"])
                break
            if args.auth_key is not None and \
                    r.get("auth_key") != args.auth_key.encode().hex():
                err("auth key %r" % r.get("auth_key"))
                break

    print("%s: SIP %d over UDP and %d over TCP, RTCP %d (%d correlated), "
          "quality %d intervals of %d streams" %
          (args.received.rsplit("/", 1)[-1], len(theirs), n_tcp,
           len(by_kind[5]), correlated, len(bodies), len(report["streams"])))
    for p in problems[:20]:
        print("  " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
