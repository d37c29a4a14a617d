#!/usr/bin/env python3
"""capgen-compare: two capture points of one path, and their ground truth.

    python3 tests/capgen-compare.py --list
    python3 tests/capgen-compare.py --out-dir pcaps/twopoint [SCENARIO...]
    python3 tests/capgen-compare.py --out-dir DIR --split-calls [SCENARIO...]
    python3 tests/capgen-compare.py --out-dir DIR --check-tshark [SCENARIO...]

For `vqprobe --compare A.pcap B.pcap`.  One simulated path, captured twice:

    sender --seg 1--> [point A] --seg 2--> [point B] --seg 3--> receiver

  segment 1  loss only, in order (what the upstream point can count as
             gaps: "lost_before")
  segment 2  loss (random or Gilbert-Elliott bursts, and drops of a
             stream's first or last packets), delay and jitter,
             reordering, duplication, and a NAT that rewrites the inside
             addresses and ports to public ones ("lost_between",
             "duplicated_between", "reordered_between")
  segment 3  loss only, which nothing but the receiver's RTCP reports can
             tell ("lost_after")

The reverse direction of a call crosses B first, then A.  Point A is the
site's edge, inside the NAT (10.1.0.0/16); point B stands in front of the
provider (198.51.100.0/24); the NAT's public address is 203.0.113.5.
Point B's clock may run apart from A's: its capture times are the true
times plus the scenario's offset.  SIP (UDP) and RTCP cross all three
segments without loss; the receivers send RTCP (RFC 3550 A.3: received
counts every packet, duplicates included), the last compound of each side
after the last media packet it received.

Each scenario writes NAME-a.pcap (point A), NAME-b.pcap (point B) and
NAME.truth.json.  --split-calls writes, per call, NAME-callN-a.pcap,
NAME-callN-b.pcap and NAME-callN.truth.json with that call's packets only
(its SIP, RTP and RTCP): the same figures must come out.

Truth (computed from the frames as written, not from the parameters):
  points      per point: file, packets (frames), rtp_packets (RTP frames,
              duplicates included, RTCP not), streams (distinct src, dst,
              ssrc of RTP)
  clock_offset_ms  B's clock minus A's
  streams[]   one entry per stream, identified by src, dst and ssrc at
              point A ("a"), and at point B ("b") where it is seen there:
    expect              "paired", "unpaired" (reason "no_candidate") or
                        "ambiguous" (two streams at one point fit one at
                        the other equally; none of them may be paired)
    upstream            "a" or "b": the point the stream crosses first
    lost_before         at the upstream point: highest - lowest extended
                        sequence number + 1 - distinct numbers received
    lost_between        distinct numbers seen upstream, never downstream
    lost_after          the receiver's last report block about the SSRC:
                        cumulative lost - numbers missing at the
                        downstream point from its lowest up to the block's
                        extended highest + the copies seen there in that
                        range (RFC 3550 A.3 counts a duplicate as received,
                        so without them a receiver that got copies reports
                        less loss than segment 3 had, below zero even);
                        null without RTCP
    duplicated_between  per number, copies downstream beyond upstream's
    reordered_between   arrivals after a higher number, downstream minus
                        upstream (a duplicate always follows its original
                        at once, so it is never counted as reordered)
    one_way_delay_min_ms  segment 2's least delay (both directions of a
                        call have the same least delay, so the offset
                        estimated from the minima both ways is exact);
                        null when the other direction is not paired
    physical            informational: each segment's true losses and the
                        duplicates that reached the receiver (lost_after
                        equals segment3_lost)
  first_seq, last_seq  per point: the first sequence number there, and the
                        highest, extended as RFC 3550 A.1 does from that
                        first one (a stream that wraps ends past 65535)
  A stream's first packet at each point is its lowest sequence number and
  its last the highest (no reordering near the ends), so that tshark's
  rtp,streams (which takes first and last) agrees with the truth.

Python 3 standard library only, plus tests/capgen.py's frame builders.
Seeded: regenerating gives byte-identical files.
"""

import argparse
import json
import os
import random
import shutil
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import capgen as cg  # noqa: E402

US_PER_S = 1000000
SLOT_US = 20000
T0_US = (cg.BASE_EPOCH_S + 86400) * US_PER_S

NAT_PUBLIC = "203.0.113.5"
MAC = {("a", "in"): 0x51, ("a", "out"): 0x52,     # point A: site side, NAT side
       ("b", "in"): 0x61, ("b", "out"): 0x62}     # point B: NAT side, provider


def mac(last):
    return bytes([0x02, 0x00, 0x00, 0x00, 0x01, last])


class Seg:
    """One segment's impairments.  loss: independent loss probability;
    gilbert: (p, r) two-state bursts (every packet in the bad state lost);
    head/tail: the stream's first/last packets that reach the segment,
    always lost; delay_ms: least delay; jitter_ms: uniform extra delay;
    reorder: probability that a packet is held 22-45 ms (passed by the next
    one or two); dup: probability of a copy 0.3 ms after the original."""

    def __init__(self, loss=0.0, gilbert=None, head=0, tail=0, delay_ms=2.0,
                 jitter_ms=0.0, reorder=0.0, dup=0.0):
        self.loss, self.gilbert = loss, gilbert
        self.head, self.tail = head, tail
        self.delay_us = int(delay_ms * 1000)
        self.jitter_us = int(jitter_ms * 1000)
        self.reorder, self.dup = reorder, dup


# Packets this near a stream's ends are never reordered or duplicated, and
# (unless head/tail says so) never lost, in any segment.
EDGE = 6


class Datagram:
    """One UDP datagram: its addresses and true capture times per point."""
    __slots__ = ("order", "send_us", "sender", "addr", "times", "payload", "tos",
                 "tag", "meta", "ip_id", "same_id_as")

    def __init__(self, order, send_us, sender, addr, payload, tos, tag, meta=None):
        self.order = order
        self.send_us = send_us
        self.sender = sender        # whose IP identification it carries
        self.addr = addr            # {"a": (src, sport, dst, dport), "b": ...}
        self.times = {"a": [], "b": []}
        self.payload = payload
        self.tos = tos
        self.tag = tag              # the call it belongs to (--split-calls)
        self.meta = meta            # (stream, extended seq) for RTP
        self.ip_id = None
        self.same_id_as = None


class Stream:
    """Truth-side record of one RTP sender."""

    def __init__(self, net, dirn, addr, ssrc, pt, tag, call_id, expect="paired"):
        self.net, self.dirn, self.addr = net, dirn, addr
        self.ssrc, self.pt, self.tag, self.call_id = ssrc, pt, tag, call_id
        self.expect = expect
        self.reason = None
        self.candidates = None
        self.recv = []              # (time at the receiver, ext) in order
        self.seg_lost = [0, 0, 0]
        self.rr = None              # the receiver's last report block
        self.peer = None            # the other direction of the call
        self.min_delay_us = None
        self.sends = []
        self.copy_of = None


class Net:
    """A scenario's path: the NAT, the clocks and everything sent."""

    def __init__(self, name, seed, offset_b_ms=0.0):
        self.name = name
        self.rng = random.Random(seed)
        self.offset_b_us = int(round(offset_b_ms * 1000))
        self.nat = {}               # (inside ip, port) -> (public ip, port)
        self.nat_back = {}
        self.dgrams = []
        self.streams = []
        self.next_public = 20000 + self.rng.randint(0, 9000) * 2

    # -- addresses ---------------------------------------------------------

    def public(self, ip, port):
        """The NAT's mapping of an inside address (made on first use; the
        public ports do not follow the inside ones)."""
        key = (ip, port)
        if key not in self.nat:
            self.next_public += 2 + 2 * self.rng.randint(0, 40)
            pub = (NAT_PUBLIC, self.next_public)
            self.nat[key] = pub
            self.nat_back[pub] = key
        return self.nat[key]

    def leg(self, dirn, src, sport, dst, dport, nat=True):
        """The datagram's addresses at A and at B.  dirn "fwd": sent from
        the site (inside addresses, rewritten between A and B); "rev": sent
        toward the site's public address (rewritten back)."""
        if not nat:
            t = (src, sport, dst, dport)
            return {"a": t, "b": t}
        if dirn == "fwd":
            pub = self.public(src, sport)
            return {"a": (src, sport, dst, dport), "b": (pub[0], pub[1], dst, dport)}
        inside = self.nat_back[(dst, dport)]
        return {"b": (src, sport, dst, dport), "a": (src, sport) + inside}

    def add(self, send_us, sender, addr, payload, tos, tag, meta=None):
        d = Datagram(len(self.dgrams), send_us, sender, addr, payload, tos, tag, meta)
        self.dgrams.append(d)
        return d

    def clean(self, dirn, send_us, sender, addr, payload, tos, tag, d1=2000,
              d2=12000):
        """A datagram that crosses without loss (SIP, RTCP): returns its
        arrival time at the receiver."""
        d = self.add(send_us, sender, addr, payload, tos, tag)
        first, second = ("a", "b") if dirn == "fwd" else ("b", "a")
        d.times[first].append(send_us + d1)
        d.times[second].append(send_us + d1 + d2)
        return send_us + d1 + d2 + 2000

    # -- RTP ---------------------------------------------------------------

    def stream(self, dirn, addr, ssrc, seq0, ts0, pt, payloads, start_us, n,
               seg1, seg2, seg3, tag=None, call_id=None, points=("a", "b"),
               ts_step=160):
        """One RTP sender through the three segments.  points: where the
        stream is seen (a stream of one side only has one)."""
        rng = self.rng
        st = Stream(self, dirn, addr, ssrc, pt, tag, call_id)
        sender = addr["a"][0] if dirn == "fwd" else addr["b"][0]
        for k in range(n):
            rtp = cg.rtp_header(k == 0, pt, seq0 + k, ts0 + k * ts_step, ssrc) \
                + payloads[k % len(payloads)]
            st.sends.append((start_us + k * SLOT_US, seq0 + k, rtp))
        first, second = ("a", "b") if dirn == "fwd" else ("b", "a")
        if len(points) == 1:
            first, second = points[0], None
        # Segment 1: loss only, in order.
        up = []
        for k, (t, ext, rtp) in enumerate(st.sends):
            lost = rng.random() < seg1.loss
            if EDGE <= k < n - EDGE and lost:
                st.seg_lost[0] += 1
                continue
            up.append((t + seg1.delay_us, ext, rtp, t))
        dgs = []
        for t_up, ext, rtp, t_send in up:
            d = self.add(t_send, sender, addr, rtp, cg.TOS_RTP, tag, (st, ext))
            d.times[first].append(t_up)
            dgs.append(d)
        # Segment 2.
        down = []                   # [time, ext, datagram, dup wanted]
        if second is None:
            down = [[d.times[first][0], d.meta[1], d, False] for d in dgs]
        else:
            m = len(dgs)
            bad = False
            for j, d in enumerate(dgs):
                t_up = d.times[first][0]
                if seg2.gilbert:
                    p, r = seg2.gilbert
                    bad = (rng.random() >= r) if bad else (rng.random() < p)
                    lost = bad
                else:
                    lost = rng.random() < seg2.loss
                edge = j < EDGE or j >= m - EDGE
                if j < seg2.head or j >= m - seg2.tail:
                    lost = True
                elif edge:
                    lost = False
                held = not edge and seg2.reorder and rng.random() < seg2.reorder
                dup = not edge and not held and seg2.dup and rng.random() < seg2.dup
                jitter = rng.randint(0, seg2.jitter_us) if seg2.jitter_us else 0
                if lost:
                    st.seg_lost[1] += 1
                    continue
                delay = seg2.delay_us if not down else seg2.delay_us + jitter
                if held:
                    delay += rng.randint(22000, 45000)
                down.append([t_up + delay, d.meta[1], d, dup])
            down.sort(key=lambda x: (x[0], x[1]))
            # A copy follows its original at once: none where another
            # packet would arrive in between.
            for i, x in enumerate(down):
                if x[3] and i + 1 < len(down) and down[i + 1][0] <= x[0] + 300:
                    x[3] = False
            for t, ext, d, dup in down:
                d.times[second].append(t)
                if dup:
                    d.times[second].append(t + 300)
            st.min_delay_us = seg2.delay_us
        # Segment 3: loss only; the receiver's view, copies included.
        arrivals = sorted((t, ext) for t, ext, d, dup in down
                          for t in ([t, t + 300] if dup else [t]))
        for i, (t, ext) in enumerate(arrivals):
            if 0 < i < len(arrivals) - 1 and rng.random() < seg3.loss:
                st.seg_lost[2] += 1
                continue
            st.recv.append((t + seg3.delay_us, ext))
        self.streams.append(st)
        return st


# ---------------------------------------------------------------------------
# RTCP: each side's receiver report about the stream it receives
# ---------------------------------------------------------------------------

class ReceiverState(cg.ReceiverCounts):
    """RFC 3550 A.1/A.3 at the receiver (capgen's counts): base = the first
    number received, received counting every packet (duplicates too)."""

    def __init__(self, stream, clock_hz=8000):
        super().__init__(clock_hz, lowest_base=False)
        self.stream = stream
        self.pos = 0
        self.ts_of = {ext: struct.unpack_from("!I", rtp, 4)[0]
                      for _, ext, rtp in stream.sends}

    def advance(self, t_us):
        recv = self.stream.recv
        while self.pos < len(recv) and recv[self.pos][0] <= t_us:
            t, ext = recv[self.pos]
            self.pos += 1
            self.take(t, ext, self.ts_of[ext])
        return self.base is not None


def rtcp_session(net, tag, sides, t_end_us):
    """sides: two dicts (dirn, addr of its RTCP as sent, own stream, the
    stream it receives, cname).  A compound (SR or RR, one report block,
    SDES CNAME) about every 2 s, the last at t_end_us plus a little, with a
    BYE.  Each side's last block is kept as the truth's lost_after source."""
    rng = net.rng
    events = []
    for i, sd in enumerate(sides):
        own = sd["own"]
        t = own.sends[0][0] + rng.randint(700000, 1300000)
        while t < t_end_us - 500000:
            events.append((t, i, False))
            t += rng.randint(1500000, 2500000)
        events.append((t_end_us + rng.randint(0, 3000), i, True))
        sd["rx"] = ReceiverState(sd["recv"])
        sd["srs"] = []              # (arrival here, ntp middle)
    for t, i, last in sorted(events):
        sd, other = sides[i], sides[1 - i]
        own = sd["own"]
        sent = [s for s in own.sends if s[0] <= t]
        octets = sum(len(rtp) - 12 for _, _, rtp in sent)
        is_sender = bool(sent) and sent[-1][0] > t - 4 * US_PER_S
        sec, frac = cg.ntp64(t)
        if is_sender:
            ts = (own.sends[0][2][4:8])
            ts0 = struct.unpack("!I", ts)[0]
            rtp_ts = (ts0 + (t - own.sends[0][0]) * 8000 // US_PER_S) & 0xFFFFFFFF
            body = struct.pack("!IIIIII", own.ssrc, sec, frac, rtp_ts, len(sent), octets)
        else:
            body = struct.pack("!I", own.ssrc)
        blocks = 0
        if sd["rx"].advance(t):
            fraction, cum, ext_max, jitter = sd["rx"].block()
            lsr = dlsr = 0
            known = [s for s in sd["srs"] if s[0] <= t]
            if known:
                arr, lsr = known[-1]
                dlsr = (t - arr) * 65536 // US_PER_S
            body += struct.pack("!IIIIII", sd["recv"].ssrc,
                                (fraction << 24) | (cum & 0xFFFFFF),
                                ext_max & 0xFFFFFFFF, jitter, lsr, dlsr)
            blocks = 1
            sd["recv"].rr = (t, cum, ext_max)
        packet = cg.rtcp_header(blocks, 200 if is_sender else 201, body)
        cname = sd["cname"].encode()
        chunk = struct.pack("!IBB", own.ssrc, 1, len(cname)) + cname + b"\0"
        chunk += b"\0" * ((-len(chunk)) % 4)
        packet += cg.rtcp_header(1, 202, chunk)
        if last:
            packet += cg.rtcp_header(1, 203, struct.pack("!I", own.ssrc))
        arrival = net.clean(sd["dirn"], t, sd["sender"], sd["addr"], packet,
                            cg.TOS_RTP, tag)
        if is_sender:
            other["srs"].append((arrival, cg.ntp_middle(t)))


# ---------------------------------------------------------------------------
# SIP: capgen's user agents, their messages routed through the two points
# ---------------------------------------------------------------------------

class Transport:
    """capgen.SipCall's transport: SIP over UDP through the path."""
    name = "UDP"

    def __init__(self, net, tag, inside, outside):
        self.net, self.tag = net, tag
        self.inside, self.outside = inside, outside

    def send(self, t_us, src, dst, message):
        dirn = "fwd" if src is self.inside else "rev"
        if dirn == "fwd":
            addr = self.net.leg("fwd", src.host.ip.compressed, src.port,
                                dst.host.ip.compressed, dst.port)
        else:
            pub = self.net.public(dst.host.ip.compressed, dst.port)
            addr = self.net.leg("rev", src.host.ip.compressed, src.port, *pub)
        self.net.clean(dirn, t_us, src.host.ip.compressed, addr, message,
                       cg.TOS_SIP, self.tag)

    def contact_param(self):
        return ""

    def via_port(self, ep):
        return ep.port


class FakeCap:
    """What capgen.SipCall and capgen.setup need of a capture."""

    def __init__(self, net):
        self.rng = net.rng
        self.calls = []


def g729_payloads(tag):
    rng = random.Random("compare/%s" % tag)
    return [rng.randbytes(20) for _ in range(50)]


def pcma_payloads(caller_side):
    return cg.CODECS["PCMA"].frames(caller_side)


def nat_call(net, tag, inside_ip, inside_port, outside_ip, outside_port, t_inv,
             media_s, pt, fwd_segs, rev_segs, rtcp=True, fwd_opts=None,
             rev_opts=None, answer_ms=600, users=0, sip=True, same_media=None,
             markup=False):
    """A call from a phone inside the site (behind A and the NAT) to the
    provider's side (beyond B), both directions of media, RTCP if asked,
    SIP if asked.  same_media: (ssrc, seq0, ts0, payloads) for both
    directions, as SIPp's pcap play sends.  markup: a Call-ID and a caller's
    display name that hold HTML (RFC 3261 allows '<' and '>' in both), which
    a report must show as text.  Returns (fwd, rev, t_end)."""
    rng = net.rng
    call = None
    if sip:
        cap = FakeCap(net)
        h_in = cg.Host(inside_ip, 0x71)
        h_out = cg.Host(outside_ip, 0x72)
        caller, callee = cg.users(h_in, h_out, users)
        if markup:
            caller.display = "Mallory <script>alert(1)</script>"
        tp = Transport(net, tag, caller, callee)
        codec_name = {8: "PCMA", 18: "G729", 0: "PCMU"}[pt]
        call = cg.SipCall(cap, caller, callee, inside_port, outside_port,
                          offer=(pt, 101), answer=(pt, 101), transport=tp)
        if markup:
            call.call_id = "<b>%s</b>@%s" % (call.call_id.split("@")[0][:16],
                                              inside_ip)
        t_ok, t_ack = cg.setup(cap, call, t_inv, 120, answer_ms)
        assert call.codec is cg.CODECS[codec_name]
    else:
        t_ok = t_ack = t_inv
    call_id = call.call_id if call else None
    n = int(media_s * 50)
    fwd_addr = net.leg("fwd", inside_ip, inside_port, outside_ip, outside_port)
    pub = net.public(inside_ip, inside_port)
    rev_addr = net.leg("rev", outside_ip, outside_port, *pub)
    streams = []
    for dirn, addr, t0, segs, opts in (
            ("rev", rev_addr, t_ok + cg.ms(rng.uniform(8, 20)), rev_segs, rev_opts),
            ("fwd", fwd_addr, t_ack + cg.ms(rng.uniform(5, 15)), fwd_segs, fwd_opts)):
        if same_media:
            ssrc, seq0, ts0, payloads = same_media
        else:
            ssrc, seq0, ts0 = rng.getrandbits(32), rng.randint(0, 0xFFFF), \
                rng.getrandbits(32)
            payloads = pcma_payloads(dirn == "fwd") if pt == 8 \
                else g729_payloads("%s/%s/%s" % (net.name, tag, dirn))
        opts = dict(opts or {})
        seq0 = opts.pop("seq0", seq0)
        st = net.stream(dirn, addr, ssrc, seq0, ts0, pt, payloads, t0, n, *segs,
                        tag=tag, call_id=call_id)
        streams.append(st)
    rev, fwd = streams
    fwd.peer, rev.peer = rev, fwd
    t_end = max(max(t for t, _ in s.recv) for s in streams)
    t_end = max(t_end, max(s.sends[-1][0] for s in streams)) + cg.ms(60)
    if rtcp:
        rtcp_fwd = net.leg("fwd", inside_ip, inside_port + 1, outside_ip,
                           outside_port + 1)
        pub_rtcp = net.public(inside_ip, inside_port + 1)
        rtcp_rev = net.leg("rev", outside_ip, outside_port + 1, *pub_rtcp)
        rtcp_session(net, tag, [
            dict(dirn="fwd", addr=rtcp_fwd, own=fwd, recv=rev, sender=inside_ip,
                 cname="phone@%s" % inside_ip),
            dict(dirn="rev", addr=rtcp_rev, own=rev, recv=fwd, sender=outside_ip,
                 cname="sbc@%s" % outside_ip)], t_end)
        t_end += cg.ms(100)
    if sip:
        cg.teardown(cap, call, t_end)
    return fwd, rev, t_end


# ---------------------------------------------------------------------------
# Scenarios
# ---------------------------------------------------------------------------

def sc_nat(net):
    """3 calls with SIP over UDP and a NAT between the points; loss in all
    three segments, bursts, duplication and reordering in segment 2; B's
    clock 420 ms behind A's.  One stream's sequence numbers wrap; one
    loses its first two packets between the points, one its last three.
    The third call's Call-ID and caller name hold HTML markup."""
    clean1 = Seg(loss=0.02, delay_ms=3)
    rev1 = Seg(loss=0.01, delay_ms=3)
    seg3 = Seg(loss=0.03, delay_ms=4)
    plans = [
        # (pt, media s, fwd seg 2, rev seg 2, fwd options)
        (8, 5.0, Seg(gilbert=(0.04, 0.3), delay_ms=12, jitter_ms=6, reorder=0.03,
                     dup=0.03), Seg(loss=0.01, delay_ms=12, jitter_ms=3),
         dict(seq0=65300)),
        (18, 8.0, Seg(gilbert=(0.03, 0.25), head=2, delay_ms=12, jitter_ms=8,
                      reorder=0.04, dup=0.02),
         Seg(loss=0.02, delay_ms=12, jitter_ms=3, reorder=0.02), None),
        (18, 8.0, Seg(loss=0.03, tail=3, delay_ms=12, jitter_ms=6, reorder=0.03,
                      dup=0.03), Seg(gilbert=(0.02, 0.4), delay_ms=12, jitter_ms=3,
                                     dup=0.02), None),
    ]
    for k, (pt, media_s, f2, r2, fopts) in enumerate(plans):
        nat_call(net, k + 1, "10.1.0.%d" % (11 + k), 40000 + 2 * k, "198.51.100.20",
                 30000 + 2 * k, T0_US + k * 2100000 + 100000, media_s, pt,
                 (clean1, f2, seg3), (rev1, r2, seg3), fwd_opts=fopts, users=k,
                 markup=k == 2)


def sc_shared_ssrc(net):
    """20 calls as SIPp's pcap play makes them: every stream, both
    directions of every call, carries the same SSRC, sequence numbers,
    timestamps and payloads; calls start 1 s apart and overlap; one PBX
    inside the NAT makes them all.  G.729, 2 s of media each; no RTCP."""
    same = (0x0C1A0C1A, 4711, 160000, g729_payloads("pcap-play"))
    for k in range(20):
        f2 = Seg(loss=[0.0, 0.02, 0.05][k % 3], delay_ms=10, jitter_ms=4,
                 reorder=0.02 if k % 4 == 1 else 0.0, dup=0.02 if k % 5 == 2 else 0.0)
        r2 = Seg(loss=[0.01, 0.0][k % 2], delay_ms=10, jitter_ms=4)
        nat_call(net, k + 1, "10.1.0.11", 40000 + 2 * k, "198.51.100.20",
                 30000 + 2 * k, T0_US + k * US_PER_S + 100000, 2.0, 18,
                 (Seg(loss=0.01), f2, Seg()), (Seg(loss=0.01), r2, Seg()),
                 rtcp=False, answer_ms=300, users=k, same_media=same)


def sc_one_side(net):
    """Two calls paired both ways through the NAT, plus a stream only point
    A sees (between two phones inside the site) and one only point B sees
    (between two provider hosts): both unpaired."""
    for k in range(2):
        nat_call(net, k + 1, "10.1.0.%d" % (11 + k), 40000 + 2 * k,
                 "198.51.100.20", 30000 + 2 * k, T0_US + k * 1500000 + 100000, 4.0, 8,
                 (Seg(loss=0.02), Seg(loss=0.04, delay_ms=9, jitter_ms=3), Seg()),
                 (Seg(), Seg(gilbert=(0.03, 0.3), delay_ms=9, jitter_ms=3), Seg()),
                 rtcp=False, users=k)
    rng = net.rng
    a_only = net.leg("fwd", "10.1.0.21", 42000, "10.1.0.22", 42002, nat=False)
    st = net.stream("fwd", a_only, rng.getrandbits(32), rng.randint(0, 0xFFFF),
                    rng.getrandbits(32), 8, pcma_payloads(True),
                    T0_US + 1300000, 150, Seg(loss=0.02), Seg(), Seg(),
                    points=("a",))
    st.expect, st.reason, st.candidates = "unpaired", "no_candidate", 0
    b_only = net.leg("rev", "198.51.100.30", 36002, "198.51.100.20", 30100, nat=False)
    st = net.stream("rev", b_only, rng.getrandbits(32), rng.randint(0, 0xFFFF),
                    rng.getrandbits(32), 18, g729_payloads("b-only"),
                    T0_US + 1700000, 150, Seg(loss=0.02), Seg(), Seg(),
                    points=("b",))
    st.expect, st.reason, st.candidates = "unpaired", "no_candidate", 0


def sc_ambiguous(net):
    """Point A sees one stream; between the points it is forked, byte for
    byte and at the same moments, to two public addresses, neither of
    which is the NAT mapping of A's addresses that anything (SIP, a
    reverse stream) shows: the two streams at B fit A's equally, and none
    may be paired.  Beside it, one call paired both ways (no SIP)."""
    rng = net.rng
    nat_call(net, 1, "10.1.0.11", 40000, "198.51.100.20", 30000, T0_US + 100000,
             4.0, 18, (Seg(loss=0.01), Seg(loss=0.03, delay_ms=8, jitter_ms=3), Seg()),
             (Seg(), Seg(loss=0.02, delay_ms=8, jitter_ms=3), Seg()), rtcp=False,
             sip=False)
    ssrc, seq0, ts0 = rng.getrandbits(32), rng.randint(0, 0xFFFF), rng.getrandbits(32)
    first = {"a": ("10.1.0.31", 44000, "10.2.0.50", 36000),
             "b": ("203.0.113.6", 51000, "198.51.100.21", 31000)}
    st = net.stream("fwd", first, ssrc, seq0, ts0, 18, g729_payloads("fork"),
                    T0_US + 600000, 200, Seg(loss=0.01),
                    Seg(loss=0.03, delay_ms=8, jitter_ms=3), Seg())
    st.expect, st.candidates = "ambiguous", 2
    # The fork's second copy: the same datagrams (same IP identification),
    # at B only, captured at the same moments as the first copy.
    twin = Stream(net, "fwd", {"b": ("203.0.113.7", 52000, "198.51.100.22", 31002)},
                  ssrc, 18, None, None, expect="ambiguous")
    twin.copy_of = st
    for d in list(net.dgrams):
        if d.meta is not None and d.meta[0] is st and d.times["b"]:
            c = net.add(d.send_us, "203.0.113.7", {"b": twin.addr["b"]}, d.payload,
                        d.tos, None, (twin, d.meta[1]))
            c.times["b"] = list(d.times["b"])
            c.same_id_as = d
    twin.sends = st.sends
    net.streams.append(twin)


SCENARIOS = {
    "nat": (sc_nat, 11, -420.0),
    "shared_ssrc": (sc_shared_ssrc, 12, 0.0),
    "one_side": (sc_one_side, 13, 0.0),
    "ambiguous": (sc_ambiguous, 14, 0.0),
}


# ---------------------------------------------------------------------------
# Frames, files and the truth
# ---------------------------------------------------------------------------

def assign_ip_ids(net):
    """IPv4 identification counts up per sending host in sending order; the
    NAT keeps it; a fork's copy keeps its original's."""
    next_id = {}
    for d in sorted(net.dgrams, key=lambda d: (d.send_us, d.order)):
        if d.same_id_as is not None:
            continue
        if d.sender not in next_id:
            next_id[d.sender] = net.rng.randint(0, 0xFFFF)
        d.ip_id = next_id[d.sender]
        next_id[d.sender] = (d.ip_id + 1) & 0xFFFF
    for d in net.dgrams:
        if d.same_id_as is not None:
            d.ip_id = d.same_id_as.ip_id


def frame(net, d, point):
    src, sport, dst, dport = d.addr[point]
    s, t = cg.ipaddress.ip_address(src), cg.ipaddress.ip_address(dst)
    ip = cg.ipv4_packet(s, t, 17, cg.udp_segment(s, t, sport, dport, d.payload),
                        d.ip_id, d.tos)
    # Frames from the site's side go "out", the others "in".
    out = not src.startswith("198.51.100.")
    smac, dmac = (MAC[(point, "in")], MAC[(point, "out")]) if out \
        else (MAC[(point, "out")], MAC[(point, "in")])
    eth = mac(dmac) + mac(smac) + struct.pack("!H", cg.ETH_P_IPV4) + ip
    return eth + b"\0" * (60 - len(eth)) if len(eth) < 60 else eth


def records(net, point, tag=None):
    """(capture time, frame, datagram) in capture order at one point."""
    shift = net.offset_b_us if point == "b" else 0
    out = []
    for d in net.dgrams:
        if tag is not None and d.tag != tag:
            continue
        for k, t in enumerate(d.times[point]):
            out.append((t + shift, d.order, k, d))
    out.sort(key=lambda r: r[:3])
    return [(t, frame(net, d, point), d) for t, _, _, d in out]


def hostport(addr4, which):
    ip, port = (addr4[0], addr4[1]) if which == "src" else (addr4[2], addr4[3])
    return "%s:%d" % (ip, port)


def out_of_order(exts):
    """Arrivals after a higher number."""
    n, high = 0, None
    for e in exts:
        if high is not None and e < high:
            n += 1
        high = e if high is None else max(high, e)
    return n


def stream_truth(net, st, recs):
    """The truth entry of one stream, from the frames as written."""
    seen = {}
    for p in ("a", "b"):
        seen[p] = [d.meta[1] for t, f, d in recs[p]
                   if d.meta is not None and d.meta[0] is st]
    entry = {"expect": st.expect, "call_id": st.call_id,
             "ssrc": "0x%08x" % st.ssrc, "payload_type": st.pt}
    for p in ("a", "b"):
        if not seen[p]:
            continue
        exts = seen[p]
        low, high = min(exts), max(exts)
        assert exts[0] == low and exts[-1] == high, "ends out of order"
        entry[p] = {"src": hostport(st.addr[p], "src"), "dst": hostport(st.addr[p], "dst"),
                    "packets": len(exts), "first_seq": low & 0xFFFF,
                    "last_seq": high - (low & ~0xFFFF)}
    if st.expect != "paired":
        entry["reason"] = st.reason or "ambiguous"
        entry["candidates"] = st.candidates
        entry["point"] = "a" if "a" in entry else "b"
        return entry
    up, down = ("a", "b") if st.dirn == "fwd" else ("b", "a")
    u, w = seen[up], seen[down]
    su, sw = set(u), set(w)
    entry["upstream"] = up
    entry["nat"] = st.addr["a"] != st.addr["b"]
    entry["lost_before"] = (max(u) - min(u) + 1) - len(su)
    entry["lost_between"] = len(su - sw)
    entry["lost_after"] = None
    entry["lost_after_source"] = None
    dups_recv = 0
    if st.rr is not None:
        _, cum, ext_high = st.rr
        missing = sum(1 for e in range(min(w), ext_high + 1) if e not in sw)
        copies = sum(1 for e in w if e <= ext_high) - len({e for e in sw if e <= ext_high})
        entry["lost_after"] = cum - missing + copies
        entry["lost_after_source"] = "rtcp"
        dups_recv = len(st.recv) - len({e for _, e in st.recv})
    cu = {}
    for e in u:
        cu[e] = cu.get(e, 0) + 1
    cw = {}
    for e in w:
        cw[e] = cw.get(e, 0) + 1
    entry["duplicated_between"] = sum(max(0, n - cu.get(e, 0)) for e, n in cw.items())
    entry["reordered_between"] = out_of_order(w) - out_of_order(u)
    peer_paired = st.peer is not None and st.peer.expect == "paired"
    entry["one_way_delay_min_ms"] = st.min_delay_us / 1000.0 if peer_paired else None
    entry["physical"] = {"segment1_lost": st.seg_lost[0],
                         "segment2_lost": st.seg_lost[1],
                         "segment3_lost": st.seg_lost[2],
                         "duplicates_at_receiver": dups_recv}
    return entry


def point_counts(recs, fname):
    rtp = [d for t, f, d in recs if d.meta is not None]
    streams = set()
    for t, f, d in recs:
        if d.meta is not None:
            streams.add(id(d.meta[0]))
    return {"file": fname, "packets": len(recs), "rtp_packets": len(rtp),
            "streams": len(streams)}


def write_set(net, out_dir, stem, tag=None):
    recs = {p: records(net, p, tag) for p in ("a", "b")}
    files = {}
    for p in ("a", "b"):
        files[p] = "%s-%s.pcap" % (stem, p)
        cg.write_pcap(os.path.join(out_dir, files[p]), cg.LINKTYPE_ETHERNET,
                      [(t, f) for t, f, d in recs[p]])
    streams = [s for s in net.streams if tag is None or s.tag == tag]
    truth = {
        "scenario": net.name,
        "points": {p: point_counts(recs[p], files[p]) for p in ("a", "b")},
        "clock_offset_ms": net.offset_b_us / 1000.0,
        "streams": [stream_truth(net, s, recs) for s in streams],
    }
    with open(os.path.join(out_dir, stem + ".truth.json"), "w") as f:
        json.dump(truth, f, indent=1, sort_keys=True)
        f.write("\n")
    return truth, [os.path.join(out_dir, files[p]) for p in ("a", "b")]


def build(name):
    fn, seed, offset_ms = SCENARIOS[name]
    net = Net(name, seed, offset_ms)
    fn(net)
    assign_ip_ids(net)
    return net


def generate(name, out_dir, split=False):
    net = build(name)
    written = [write_set(net, out_dir, name)]
    if split:
        for tag in sorted({s.tag for s in net.streams if s.tag is not None}):
            written.append(write_set(net, out_dir, "%s-call%d" % (name, tag), tag))
    return written


# ---------------------------------------------------------------------------
# An independent reading: tshark decodes the files and the figures are
# counted again from what it shows
# ---------------------------------------------------------------------------

def tshark_rtp(path):
    """[(src, dst, ssrc, seq)] in capture order, as tshark decodes RTP."""
    out = subprocess.run(
        ["tshark", "-r", path, "-o", "rtp.heuristic_rtp:TRUE", "-Y", "rtp",
         "-T", "fields", "-e", "ip.src", "-e", "udp.srcport", "-e", "ip.dst",
         "-e", "udp.dstport", "-e", "rtp.ssrc", "-e", "rtp.seq"],
        check=True, capture_output=True, text=True).stdout
    rows = []
    for line in out.splitlines():
        s, sp, d, dp, ssrc, seq = line.split("\t")
        rows.append(("%s:%s" % (s, sp), "%s:%s" % (d, dp), int(ssrc, 16), int(seq)))
    return rows


def tshark_streams(path):
    """{(src, dst, ssrc): (packets, lost)} from tshark's rtp,streams."""
    out = subprocess.run(
        ["tshark", "-r", path, "-o", "rtp.heuristic_rtp:TRUE", "-q", "-z",
         "rtp,streams"], check=True, capture_output=True, text=True).stdout
    res = {}
    for line in out.splitlines():
        f = line.split()
        i = next((k for k, x in enumerate(f) if x.startswith("0x")), None)
        if i is None or i < 4 or len(f) < i + 4:
            continue
        res[("%s:%s" % (f[i - 4], f[i - 3]), "%s:%s" % (f[i - 2], f[i - 1]),
             int(f[i], 16))] = (int(f[i + 2]), int(f[i + 3]))
    return res


def extend(seqs):
    """16-bit numbers in arrival order, extended (RFC 3550 A.1 cycles)."""
    out, cycles, last = [], 0, None
    for s in seqs:
        if last is not None:
            if s < last and last - s > 0x8000:
                cycles += 0x10000
            elif s > last and s - last > 0x8000:
                out.append(cycles - 0x10000 + s)
                continue
        out.append(cycles + s)
        last = s
    return out


def check_tshark(truth, paths):
    """Every stream's figures counted again from tshark's decoding."""
    ok = True
    rows = {p: tshark_rtp(path) for p, path in zip(("a", "b"), paths)}
    summ = {p: tshark_streams(path) for p, path in zip(("a", "b"), paths)}
    for p in ("a", "b"):
        n = len(rows[p])
        if n != truth["points"][p]["rtp_packets"]:
            print("%s point %s: tshark sees %d RTP packets, truth %d"
                  % (truth["scenario"], p, n, truth["points"][p]["rtp_packets"]))
            ok = False
    for e in truth["streams"]:
        seqs = {}
        for p in ("a", "b"):
            if p in e:
                key = (e[p]["src"], e[p]["dst"], int(e["ssrc"], 16))
                seqs[p] = extend([r[3] for r in rows[p] if r[:3] == key])
                pk, lost = summ[p].get(key, (None, None))
                dups = len(seqs[p]) - len(set(seqs[p]))
                gaps = max(seqs[p]) - min(seqs[p]) + 1 - len(set(seqs[p]))
                if pk != e[p]["packets"] or lost != gaps - dups:
                    print("%s %s at %s: tshark rtp,streams %r packets/lost, "
                          "truth %d packets, %d gaps, %d copies"
                          % (truth["scenario"], key, p, (pk, lost), e[p]["packets"],
                             gaps, dups))
                    ok = False
        if e["expect"] != "paired":
            continue
        up = e["upstream"]
        down = "b" if up == "a" else "a"
        u, w = seqs[up], seqs[down]
        cu = {x: u.count(x) for x in set(u)}
        got = {
            "lost_before": max(u) - min(u) + 1 - len(set(u)),
            "lost_between": len(set(u) - set(w)),
            "duplicated_between": sum(max(0, w.count(x) - cu.get(x, 0))
                                      for x in set(w)),
            "reordered_between": out_of_order(w) - out_of_order(u),
        }
        # tshark's Lost at the upstream point is lost_before (no copies
        # there); at the downstream point, with its copies added back and the
        # numbers outside its range, it is lost_before + lost_between.
        pk_d, lost_d = summ[down][(e[down]["src"], e[down]["dst"], int(e["ssrc"], 16))]
        outside = (max(u) - min(u)) - (max(w) - min(w))
        ws = len(w) - len(set(w))
        if lost_d + ws + outside != e["lost_before"] + e["lost_between"]:
            print("%s %s: tshark downstream lost %d + copies %d + outside %d != "
                  "lost_before + lost_between %d" % (truth["scenario"], e["ssrc"],
                                                     lost_d, ws, outside,
                                                     e["lost_before"] + e["lost_between"]))
            ok = False
        for k, v in got.items():
            if e[k] != v:
                print("%s %s %s: truth %r, counted from tshark %r"
                      % (truth["scenario"], e["a"]["src"], k, e[k], v))
                ok = False
    print("%s: tshark %s" % (truth["scenario"], "agrees" if ok else "DIFFERS"))
    return ok


def main(argv=None):
    ap = argparse.ArgumentParser(description="Two-point captures of one path "
                                 "and their ground truth, for vqprobe --compare.")
    ap.add_argument("--list", action="store_true", help="print the scenario names")
    ap.add_argument("--out-dir", default="pcaps/twopoint")
    ap.add_argument("--split-calls", action="store_true",
                    help="also write each call's packets as files of their own")
    ap.add_argument("--check-tshark", action="store_true",
                    help="count the figures again from tshark's decoding")
    ap.add_argument("scenarios", nargs="*", metavar="SCENARIO")
    args = ap.parse_args(argv)
    if args.list:
        for name, spec in SCENARIOS.items():
            print("%-12s %s" % (name, spec[0].__doc__.split("\n")[0]))
        return 0
    unknown = [n for n in args.scenarios if n not in SCENARIOS]
    if unknown:
        print("capgen-compare: unknown scenario: %s" % ", ".join(unknown),
              file=sys.stderr)
        return 2
    if args.check_tshark and not shutil.which("tshark"):
        print("capgen-compare: --check-tshark needs tshark", file=sys.stderr)
        return 2
    os.makedirs(args.out_dir, exist_ok=True)
    ok = True
    for name in args.scenarios or list(SCENARIOS):
        for truth, paths in generate(name, args.out_dir, args.split_calls):
            if args.check_tshark:
                ok = check_tshark(truth, paths) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
