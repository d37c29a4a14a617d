#!/usr/bin/env python3
"""capgen-longrun: an endless-looking stream of short calls, for long runs.

    python3 tests/capgen-longrun.py --calls 1000000 --concurrent 1000 \\
        --seconds 0.1 --progress FILE | vqprobe -r - --json out.json

N calls, each a realistic SIP dialog between a caller and a callee on port
5060 (INVITE with an SDP offer, 100 Trying, 180 Ringing, 200 OK with the
answer, ACK, then BYE and its 200 OK) and G.711 mu-law RTP both ways in
20 ms packets for D seconds between the ACK and the BYE (5 packets each way
for 0.1 s: few packets, so that the run's cost is per call).  A new call
starts every (call length / C) so that about C are up at once.  The pcap
(classic, little-endian, microseconds, Ethernet) goes to standard output as
it is made, so that a reader can take it from a pipe: the run never exists
as a file.

Calls recycle their addresses and ports from a pool big enough that no
endpoint is reused while the probe may still hold the call that had it
(the call, then 5 s of linger, and 3 s more): like a PBX's port range,
and what keeps any per-endpoint state bounded.  The callers are in
198.18.0.0/16 and the callees in 198.19.0.0/16 (RFC 2544's benchmarking
range).  Every field that changes per call has a fixed width, so every
message of a kind has one length: its bytes are a template filled in with
%-formatting, and only the IPv4 header checksum is computed per packet (UDP
checksums are 0, "none", as IPv4 allows).  Python 3 standard library only,
and deterministic: the same arguments give the same bytes.

--progress FILE: every 1 % of the calls (by INVITE written), FILE is
rewritten with the number of calls started so far; "done N" at the end.

--long-call: one more call, "long@longrun.example.com" between
198.18.200.200 and 198.19.200.200, set up a second before the first of the others and never
hung up, with one RTP packet each way every second of capture time: the
call that stays up while all the others come and go, which holds back
whatever is reported in INVITE order.
"""

import argparse
import os
import struct
import sys

T0_S = 1700000000
PTIME_US = 20000
SIP_PORT = 5060
CALLER_PORT0, CALLEE_PORT0 = 20000, 40000
RTP_PAYLOAD = bytes([0xFF]) * 160           # mu-law silence
LINGER_MARGIN_US = 8 * 1000000               # the probe's 5 s linger, and more

# Offsets of one call's messages, microseconds after its INVITE.
TRYING_US, RINGING_US, ANSWER_US, ACK_US = 2000, 100000, 300000, 302000
MEDIA_US = 320000
CALLEE_MEDIA_SHIFT_US = 10000


def sip_templates():
    """Every message of a call as a bytes %-template over named fields."""
    sdp = ("v=0\r\n"
           "o=- %(sess)s 1 IN IP4 %(ip)s\r\n"
           "s=-\r\n"
           "c=IN IP4 %(ip)s\r\n"
           "t=0 0\r\n"
           "m=audio %(port)s RTP/AVP 0 101\r\n"
           "a=rtpmap:0 PCMU/8000\r\n"
           "a=rtpmap:101 telephone-event/8000\r\n"
           "a=fmtp:101 0-15\r\n"
           "a=ptime:20\r\n"
           "a=sendrecv\r\n")
    offer = sdp % {"sess": "%(sess_a)s", "ip": "%(ip_a)s", "port": "%(port_a)s"}
    answer = sdp % {"sess": "%(sess_b)s", "ip": "%(ip_b)s", "port": "%(port_b)s"}
    sample = {"sess_a": "0" * 10, "sess_b": "0" * 10, "ip_a": "198.18.100.100",
              "ip_b": "198.19.100.100", "port_a": "20000", "port_b": "40000"}
    len_offer, len_answer = len(offer % sample), len(answer % sample)

    def request(method, cseq, to_tag, branch, body_len):
        return ("%s sip:%%(user_b)s@%%(ip_b)s:5060 SIP/2.0\r\n" % method
                + "Via: SIP/2.0/UDP %%(ip_a)s:5060;branch=z9hG4bK%%(%s)s\r\n" % branch
                + "Max-Forwards: 70\r\n"
                + "From: <sip:%(user_a)s@example.com>;tag=%(tag_a)s\r\n"
                + ("To: <sip:%(user_b)s@example.com>;tag=%(tag_b)s\r\n" if to_tag
                   else "To: <sip:%(user_b)s@example.com>\r\n")
                + "Call-ID: %(call_id)s\r\n"
                + "CSeq: %d %s\r\n" % (cseq, method)
                + "Contact: <sip:%(user_a)s@%(ip_a)s:5060>\r\n"
                + "User-Agent: capgen-longrun\r\n"
                + ("Content-Type: application/sdp\r\n" if body_len else "")
                + "Content-Length: %d\r\n\r\n" % body_len)

    def response(status, cseq, method, body_len, contact):
        return ("SIP/2.0 %s\r\n" % status
                + "Via: SIP/2.0/UDP %(ip_a)s:5060;branch=z9hG4bK%(branch1)s\r\n"
                + "From: <sip:%(user_a)s@example.com>;tag=%(tag_a)s\r\n"
                + ("To: <sip:%(user_b)s@example.com>\r\n" if status.startswith("100")
                   else "To: <sip:%(user_b)s@example.com>;tag=%(tag_b)s\r\n")
                + "Call-ID: %(call_id)s\r\n"
                + "CSeq: %d %s\r\n" % (cseq, method)
                + ("Contact: <sip:%(user_b)s@%(ip_b)s:5060>\r\n" if contact else "")
                + ("Content-Type: application/sdp\r\n" if body_len else "")
                + "Content-Length: %d\r\n\r\n" % body_len)

    # BYE's response has its own branch: patch the Via after building.
    bye_ok = response("200 OK", 2, "BYE", 0, False).replace("branch1", "branch3")
    return {
        "invite": (request("INVITE", 1, False, "branch1", len_offer) + offer, True),
        "trying": (response("100 Trying", 1, "INVITE", 0, False), False),
        "ringing": (response("180 Ringing", 1, "INVITE", 0, True), False),
        "ok": (response("200 OK", 1, "INVITE", len_answer, True) + answer, False),
        "ack": (request("ACK", 1, True, "branch2", 0), True),
        "bye": (request("BYE", 2, True, "branch3", 0), True),
        "bye_ok": (bye_ok, False),
    }


def ip_words(packed):
    return (packed[0] << 8 | packed[1]) + (packed[2] << 8 | packed[3])


class Slot:
    """One pair of endpoints of the pool, and what depends on it only."""

    __slots__ = ("ip_a", "ip_b", "pa", "pb", "port_a", "port_b", "mac_a", "mac_b",
                 "words")

    def __init__(self, s):
        a, b = 100 + (s // 100) % 100, 100 + s % 100
        self.ip_a, self.ip_b = "198.18.%d.%d" % (a, b), "198.19.%d.%d" % (a, b)
        self.pa = bytes([198, 18, a, b])
        self.pb = bytes([198, 19, a, b])
        self.port_a = CALLER_PORT0 + 2 * (s // 10000)
        self.port_b = CALLEE_PORT0 + 2 * (s // 10000)
        self.mac_a = bytes([2, 0, 0, 1, a, b])
        self.mac_b = bytes([2, 0, 0, 2, a, b])
        self.words = ip_words(self.pa) + ip_words(self.pb)


class Packet:
    """One packet of the call schedule: when, which way, what."""

    def __init__(self, offset_us, from_caller, kind, index=0):
        self.offset_us, self.from_caller = offset_us, from_caller
        self.kind, self.index = kind, index


def schedule(n_rtp):
    """The packets of one call, by offset from its INVITE."""
    p = [Packet(0, True, "invite"), Packet(TRYING_US, False, "trying"),
         Packet(RINGING_US, False, "ringing"), Packet(ANSWER_US, False, "ok"),
         Packet(ACK_US, True, "ack")]
    for i in range(n_rtp):
        p.append(Packet(MEDIA_US + i * PTIME_US, True, "rtp", i))
        p.append(Packet(MEDIA_US + CALLEE_MEDIA_SHIFT_US + i * PTIME_US, False, "rtp", i))
    bye = MEDIA_US + n_rtp * PTIME_US + 2 * CALLEE_MEDIA_SHIFT_US
    p.append(Packet(bye, True, "bye"))
    p.append(Packet(bye + 2000, False, "bye_ok"))
    return p


def ones_fold(total):
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return total


def long_call_fields():
    """The long call's slot and fields: outside the pool's 100 to 199, and as
    wide as its addresses, which the templates' lengths count on."""
    s = Slot(0)
    s.ip_a, s.ip_b = "198.18.200.200", "198.19.200.200"
    s.pa, s.pb = bytes([198, 18, 200, 200]), bytes([198, 19, 200, 200])
    s.port_a, s.port_b = 30000, 50000
    s.mac_a, s.mac_b = bytes([2, 0, 0, 1, 200, 200]), bytes([2, 0, 0, 2, 200, 200])
    s.words = ip_words(s.pa) + ip_words(s.pb)
    fields = {
        "call_id": "long@longrun.example.com", "tag_a": "1ong0001", "tag_b": "1ong0002",
        "branch1": "long0001a", "branch2": "long0001b", "branch3": "long0001c",
        "user_a": "10000000", "user_b": "20000000",
        "sess_a": "%010d" % 1, "sess_b": "%010d" % 2,
        "ip_a": s.ip_a, "ip_b": s.ip_b,
        "port_a": "%05d" % s.port_a, "port_b": "%05d" % s.port_b,
    }
    return s, {k.encode(): v.encode() for k, v in fields.items()}


def generate(out, n_calls, concurrent, seconds, progress, long_call=False):
    n_rtp = max(1, int(round(seconds * 1e6 / PTIME_US)))
    packets = schedule(n_rtp)
    length_us = max(p.offset_us for p in packets)
    gap_us = max(1, length_us // concurrent)
    # Endpoints come back once their call and the probe's linger are long over.
    pool = min(n_calls, (length_us + LINGER_MARGIN_US) // gap_us + concurrent)
    slots = [None] * pool
    templates = {k: (v[0].encode("ascii"), v[1]) for k, v in sip_templates().items()}

    # Packet j of call k goes out at (k * gap + offset_j): within a window of
    # gap microseconds the same packets of the schedule come round, each for
    # the call m_j = offset_j // gap windows older, at offset_j % gap.
    order = sorted(((p.offset_us % gap_us, -(p.offset_us // gap_us), j)
                    for j, p in enumerate(packets)))
    plan = [(r, -neg_m, packets[j]) for r, neg_m, j in order]
    windows = n_calls + max(-neg for _, neg, _ in order)

    pcap_hdr = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)
    out.write(pcap_hdr)
    rec = struct.Struct("<IIII").pack
    ip_udp = struct.Struct("!BBHHHBBH4s4sHHHH").pack
    rtp_hdr = struct.Struct("!BBHII").pack
    ethertype = b"\x08\x00"
    step = max(1, n_calls // 100)
    chunk = []
    fields_of = {}
    ident = 0

    def call_fields(k):
        s = slots[k % pool]
        if s is None:
            s = slots[k % pool] = Slot(k % pool)
        fields = {
            "call_id": "%010d@longrun.example.com" % k,
            "tag_a": "%08x" % ((k * 2654435761) & 0xFFFFFFFF),
            "tag_b": "%08x" % ((k * 40503 + 12345) & 0xFFFFFFFF),
            "branch1": "%08xa" % k, "branch2": "%08xb" % k, "branch3": "%08xc" % k,
            "user_a": "1%07d" % (k % 10000000), "user_b": "2%07d" % (k % 10000000),
            "sess_a": "%010d" % (k * 2 + 1), "sess_b": "%010d" % (k * 2 + 2),
            "ip_a": s.ip_a, "ip_b": s.ip_b,
            "port_a": "%05d" % s.port_a, "port_b": "%05d" % s.port_b,
        }
        # bytes %-formatting takes bytes keys and values.
        return s, {k.encode(): v.encode() for k, v in fields.items()}

    long_rtp = []          # the long call's next RTP: [time, index]
    if long_call:
        long_k = -1
        fields_of[long_k] = long_call_fields()
        t0_us = T0_S * 1000000 - 1000000
        # Its setup, then media once a second from the first window on.
        setup = [(t0_us + p.offset_us, p) for p in packets
                 if p.kind in ("invite", "trying", "ringing", "ok", "ack")]
        long_rtp = [T0_S * 1000000, 0]

    def windows_packets():
        """(k, time, packet) in capture order."""
        if long_call:
            for t_us, p in setup:
                yield long_k, t_us, p
        for w in range(windows):
            base_us = T0_S * 1000000 + w * gap_us
            while long_rtp and long_rtp[0] <= base_us:
                for from_caller in (True, False):
                    yield long_k, long_rtp[0], Packet(0, from_caller, "rtp", long_rtp[1])
                long_rtp[0] += 1000000
                long_rtp[1] += 1
            for r_us, m, p in plan:
                k = w - m
                if 0 <= k < n_calls:
                    yield k, base_us + r_us, p
            yield None, None, None   # the end of a window

    for k, t_us, p in windows_packets():
        if k is None:
            if len(chunk) > 4096:
                out.write(b"".join(chunk))
                chunk = []
            continue
        if p.kind == "invite" and k >= 0:
            fields_of[k] = call_fields(k)
            if progress and (k + 1) % step == 0:
                with open(progress + ".new", "w") as f:
                    f.write("%d\n" % (k + 1))
                os.replace(progress + ".new", progress)
        slot, fields = fields_of[k]
        if p.from_caller:
            src, dst, sport, dport = slot.pa, slot.pb, slot.port_a, slot.port_b
            smac, dmac = slot.mac_a, slot.mac_b
        else:
            src, dst, sport, dport = slot.pb, slot.pa, slot.port_b, slot.port_a
            smac, dmac = slot.mac_b, slot.mac_a
        if p.kind == "rtp":
            ssrc = ((k * 2 + (1 if p.from_caller else 2)) * 2246822519) & 0xFFFFFFFF
            seq = ((k * 7919) + p.index) & 0xFFFF
            # The long call's packets are a second apart: 8 000 samples.
            ts = ((k * 104729) + p.index * (8000 if k < 0 else 160)) & 0xFFFFFFFF
            payload = rtp_hdr(0x80, (0x80 if p.index == 0 else 0), seq, ts, ssrc) \
                + RTP_PAYLOAD
        else:
            payload = templates[p.kind][0] % fields
            sport = dport = SIP_PORT
        ident = (ident + 1) & 0xFFFF
        udp_len = 8 + len(payload)
        ip_len = 20 + udp_len
        tos = 0xB8 if p.kind == "rtp" else 0x60
        csum = ones_fold(0x4500 + tos + ip_len + ident + 0x4000 + 0x4011
                         + slot.words)
        frame_len = 14 + ip_len
        chunk.append(rec(t_us // 1000000, t_us % 1000000, frame_len, frame_len))
        chunk.append(dmac + smac + ethertype)
        chunk.append(ip_udp(0x45, tos, ip_len, ident, 0x4000, 64, 17,
                            ~csum & 0xFFFF, src, dst, sport, dport, udp_len, 0))
        chunk.append(payload)
        if p.kind == "bye_ok":
            del fields_of[k]
    out.write(b"".join(chunk))
    out.flush()
    if progress:
        with open(progress + ".new", "w") as f:
            f.write("done %d\n" % n_calls)
        os.replace(progress + ".new", progress)


def main(argv=None):
    ap = argparse.ArgumentParser(description="Write a pcap of many short SIP calls "
                                 "with RTP to standard output.")
    ap.add_argument("--calls", type=int, default=1000000, metavar="N")
    ap.add_argument("--concurrent", type=int, default=1000, metavar="C",
                    help="calls up at once (default 1000)")
    ap.add_argument("--seconds", type=float, default=0.1, metavar="D",
                    help="seconds of RTP per call (default 0.1: 5 packets each way)")
    ap.add_argument("--long-call", action="store_true",
                    help="one more call, up from before the first to the end")
    ap.add_argument("--progress", metavar="FILE",
                    help="rewrite FILE with the calls started, every 1 %%")
    args = ap.parse_args(argv)
    if args.calls < 1 or args.concurrent < 1:
        ap.error("--calls and --concurrent must be at least 1")
    if not 0.02 <= args.seconds <= 3600:
        ap.error("--seconds must be 0.02 to 3600")
    if os.isatty(sys.stdout.fileno()):
        ap.error("standard output is a terminal: pipe it or redirect it")
    try:
        generate(sys.stdout.buffer, args.calls, args.concurrent, args.seconds,
                 args.progress, args.long_call)
    except BrokenPipeError:
        # The reader went away: its exit status tells why.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
