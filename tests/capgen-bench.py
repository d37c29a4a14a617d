#!/usr/bin/env python3
"""capgen-bench: big captures of many concurrent calls, for the benchmark.

    python3 tests/capgen-bench.py --calls 400 --seconds 60 --out bench.pcap
    python3 tests/capgen-bench.py --calls 400 --seconds 60 --impair --out imp.pcap

N calls are set up one after the other (INVITE, 100, 180, 200 with SDP,
ACK: capgen's own SIP user agents, so vqprobe sees real calls), then all of
them talk at once for D seconds, G.711 mu-law in 20 ms packets both ways,
then each is hung up (BYE, 200).  That is 7 N SIP messages and
2 N x 50 x D RTP packets: 400 calls for 60 s make 2.4 million.  By default
there is no impairment: every stream is complete and in order.

--impair makes the traffic the probe exists for, on every RTP stream (the
SIP is left alone, so that every call is still seen): about 2 % of the
packets lost one by one plus bursts of 3 to 8 in a row, a delay that
wanders over 0 to 30 ms with up to 15 ms of jitter on top, and one packet
in 250 held back a further 30 to 70 ms, behind the next one to three of
its stream.  Packets are written at the time they would be captured, so
the file is in time order like a real capture.  The impairment has a seed
of its own (--impair-seed): the same arguments give the same bytes.

--trafgen CFG writes only the calls' set-up (INVITE to ACK) to --out and
their media as a trafgen(8) configuration to CFG, for a live sender faster
than tcpreplay: see trafgen_packet below.

The callers are 198.18.0.0/16 and the callees 198.19.0.0/16, one address
per call: RFC 2544 reserves 198.18.0.0/15 for benchmarking, so a capture
replayed onto a test link names nobody's network.  The file is a classic
little-endian pcap with microsecond timestamps, packets in time order.

The SIP part goes through capgen (a few messages per call).  The RTP part,
which is nearly every packet, does not: each stream's headers are built
once, and per packet only the timestamps, IPv4 identification, sequence
number, RTP timestamp and both checksums change; the checksums are updated
from precomputed partial sums (RFC 1071 one's-complement arithmetic), so a
million packets take a few seconds.  Python 3 standard library only, and
deterministic: the same arguments give the same bytes.
"""

import argparse
import ipaddress
import os
import random
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import capgen  # noqa: E402  (the project's generator, next to this file)

SEED = 5005
CALLER_NET = int(ipaddress.ip_address("198.18.0.0"))
CALLEE_NET = int(ipaddress.ip_address("198.19.0.0"))
CALLER_PORT0, CALLEE_PORT0 = 20000, 40000
PDD_MS, ANSWER_MS = 100, 300
TICKS_PER_S = capgen.US_PER_S // capgen.SLOT_US
SAMPLES_PER_SLOT = 160
RTP_HEADER_LEN, PAYLOAD_LEN = 12, 160

# --impair: per RTP packet, the chance of a loss on its own and of a burst
# starting, the burst's length, the wandering delay (a bounded random walk,
# a step at most each packet), the jitter on top of it, and the chance and
# size of a hold-up that reorders.  A step plus the jitter stays under
# the 20 ms between packets, so only the hold-ups reorder.
IMPAIR_SEED = 6006
LOSS_P = 0.02
BURST_P = 0.001
BURST_LEN = (3, 8)
WANDER_MAX_US, WANDER_STEP_US = 30000, 3000
JITTER_US = 15000
HOLD_P = 0.004
HOLD_US = (30000, 70000)
# The longest delay a packet gets; the calls hang up this much later.
IMPAIR_MAX_DELAY_US = WANDER_MAX_US + JITTER_US + HOLD_US[1]

PCAP_RECORD = struct.Struct("<IIII")
# The packet's varying fields between constant runs of bytes: Ethernet and
# the first 4 bytes of IPv4 | identification | flags, TTL, protocol |
# header checksum | addresses, UDP ports and length | UDP checksum |
# RTP first two bytes | sequence number | timestamp | SSRC.
PACKET = struct.Struct("!18sH4sH14sHHHII")


def ones_fold(total):
    """Fold a sum of 16-bit words to 16 bits with end-around carry."""
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return total


def word_sum(data):
    """Sum of the 16-bit big-endian words of data (even length), unfolded."""
    return sum(struct.unpack("!%dH" % (len(data) // 2), data))


def host(net, k, mac_last):
    """The k-th address of a /16, skipping .0 and .255 of each /24."""
    return capgen.Host(str(ipaddress.ip_address(net + (k // 254) * 256 + k % 254 + 1)),
                       mac_last)


class RtpSender:
    """One direction of one call: every header byte that never changes, and
    the partial checksums that do not depend on the packet."""

    def __init__(self, src, sport, dst, dport, ssrc, seq0, ts0, ip_id0, phase_us):
        udp_len = 8 + RTP_HEADER_LEN + PAYLOAD_LEN
        ip_len = 20 + udp_len
        self.phase_us = phase_us
        self.ends = (src, sport, dst, dport)
        self.ssrc, self.seq0, self.ts0, self.ip_id0 = ssrc, seq0, ts0, ip_id0
        self.head = (dst.mac + src.mac + struct.pack("!H", capgen.ETH_P_IPV4)
                     + struct.pack("!BBH", 0x45, capgen.TOS_RTP, ip_len))
        self.flags_ttl_proto = struct.pack("!HBB", 0x4000, 64, 17)
        self.addr_ports = (src.ip.packed + dst.ip.packed
                           + struct.pack("!HHH", sport, dport, udp_len))
        # IPv4 header words without identification and checksum.
        self.ip_sum = word_sum(self.head[14:] + self.flags_ttl_proto + self.addr_ports[:8])
        # UDP pseudo-header, header (checksum 0) and the RTP words that never
        # change (version byte and payload type, SSRC); per packet the
        # sequence number, the timestamp's two words, the marker and the
        # payload's sum are added.
        self.udp_sum = (word_sum(capgen.pseudo_header(src.ip, dst.ip, 17, udp_len))
                        + word_sum(self.addr_ports[8:] + b"\0\0")
                        + 0x8000 + (ssrc >> 16) + (ssrc & 0xFFFF))


class Impairment:
    """What --impair did, and the state it keeps per RTP stream."""

    def __init__(self, seed, n_streams):
        self.rng = random.Random(seed)
        self.wander_us = [self.rng.randrange(WANDER_MAX_US) for _ in range(n_streams)]
        self.burst_left = [0] * n_streams
        self.lost = self.lost_in_bursts = self.held = 0


def make_calls(n_calls, media_s, hangup_after_us=0):
    """The calls' SIP (capgen frames) and their RTP senders; each call hangs
    up hangup_after_us later than it would with undelayed media."""
    cap = capgen.Capture("bench", SEED)
    rng = cap.rng
    gap_us = max(50, min(2000, capgen.US_PER_S // n_calls))
    t_invite0 = cap.at(0.1)
    media_start = t_invite0 + n_calls * gap_us + capgen.ms(ANSWER_MS + 100)
    n_slots = int(round(media_s * TICKS_PER_S))
    media_end = media_start + n_slots * capgen.SLOT_US
    senders = []
    for k in range(n_calls):
        h1, h2 = host(CALLER_NET, k, 1), host(CALLEE_NET, k, 2)
        cap.local_host = h1
        caller = capgen.Endpoint(h1, "1%06d" % k)
        callee = capgen.Endpoint(h2, "2%06d" % k)
        port_a = CALLER_PORT0 + 2 * (k % 10000)
        port_b = CALLEE_PORT0 + 2 * (k % 10000)
        call = capgen.SipCall(cap, caller, callee, port_a, port_b,
                              offer=(0, 101), answer=(0, 101))
        t_invite = t_invite0 + k * gap_us
        capgen.setup(cap, call, t_invite, pdd_ms=PDD_MS, answer_ms=ANSWER_MS)
        capgen.teardown(cap, call, media_end + capgen.ms(40) + hangup_after_us
                        + k * gap_us)
        for caller_side in (True, False):
            src, sport, dst, dport = ((h1, port_a, h2, port_b) if caller_side
                                      else (h2, port_b, h1, port_a))
            senders.append(RtpSender(src, sport, dst, dport, rng.getrandbits(32),
                                     rng.randint(0, 0xFFFF), rng.getrandbits(32),
                                     rng.randint(0, 0xFFFF), 0))
    # Spread the senders evenly over the 20 ms slot, in a shuffled order so
    # that neighbours in time belong to unrelated calls.
    rng.shuffle(senders)
    for j, s in enumerate(senders):
        s.phase_us = j * capgen.SLOT_US // len(senders)
    return cap, senders, media_start, n_slots


# --trafgen: the trafgen(8) packet of one stream's RTP for each value of the
# sequence number's low byte.  trafgen sends a configuration's packets
# round robin, and its runtime counters are one byte each, counted per
# packet: with one packet per stream and low byte j, in the order j = 0 to
# 255 and every stream within each j, and the high byte a counter that
# steps once per round, each stream's sequence numbers come out 256 c + j,
# one after the other, wrapping at 65536 as RTP's do.  The timestamp's
# second byte is that counter too and its third byte j, so it steps by 256
# samples a packet: 256-byte G.711 payloads, 32 ms each.  Its top byte
# stays, so it wraps at 2^24 along with the sequence number, every 65536
# packets of a stream.  The IPv4 header does not change (its
# identification is j), so its checksum is written here; the UDP checksum
# is 0 (none).
TRAFGEN_PAYLOAD_LEN = 256


def trafgen_packet(sender, low):
    """One line of the trafgen configuration: sender's packet whose
    sequence number's low byte is low."""
    src, sport, dst, dport = sender.ends
    udp_len = 8 + RTP_HEADER_LEN + TRAFGEN_PAYLOAD_LEN
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, capgen.TOS_RTP, 20 + udp_len, low, 0x4000,
                     64, 17, 0, src.ip.packed, dst.ip.packed)
    ip = ip[:10] + struct.pack("!H", ~ones_fold(word_sum(ip)) & 0xFFFF) + ip[12:]
    fixed = (dst.mac + src.mac + struct.pack("!H", capgen.ETH_P_IPV4) + ip
             + struct.pack("!HHHH", sport, dport, udp_len, 0) + b"\x80\x00")
    return "{ %s, dinc(0, 255, 1), %d, %d, dinc(0, 255, 1), %d, 0, %s, fill(0xff, %d) }\n" % (
        ", ".join("%d" % b for b in fixed), low, sender.ts0 >> 24, low,
        ", ".join("%d" % b for b in struct.pack("!I", sender.ssrc)), TRAFGEN_PAYLOAD_LEN)


def write_trafgen(path, cfg_path, n_calls):
    """Write the calls' set-up (INVITE to ACK) as a pcap to path and their
    media as a trafgen configuration to cfg_path; return (SIP messages,
    RTP streams)."""
    cap, senders, media_start, _ = make_calls(n_calls, 1)
    setup = [(t, frame) for t, _, _, frame, _ in cap.records() if t < media_start]
    capgen.write_pcap(path, capgen.LINKTYPE_ETHERNET, setup)
    with open(cfg_path, "w") as f:
        f.write("# %d calls' RTP, %d streams; made by capgen-bench.py --trafgen\n"
                % (n_calls, len(senders)))
        for low in range(256):
            f.write("".join(trafgen_packet(sender, low) for sender in senders))
    return len(setup), len(senders)


def write_bench(path, n_calls, media_s, impair_seed=None):
    """Write the capture; return (packets, SIP messages, bytes of the file,
    the Impairment or None)."""
    impaired = impair_seed is not None
    cap, senders, media_start, n_slots = make_calls(
        n_calls, media_s, IMPAIR_MAX_DELAY_US if impaired else 0)
    sip = [(t, frame) for t, _, _, frame, _ in cap.records()]
    before = [r for r in sip if r[0] < media_start]
    after = [r for r in sip if r[0] >= media_start]
    media_end = media_start + n_slots * capgen.SLOT_US
    assert not after or after[0][0] > media_end + (IMPAIR_MAX_DELAY_US if impaired else 0), \
        "no SIP during the media"
    imp = Impairment(impair_seed, len(senders)) if impaired else None
    # G.711 payloads: capgen's beeping tones, one per side, and their sums.
    pcmu = capgen.CODECS["PCMU"]
    tones = pcmu.frames(True)
    tone_sums = [word_sum(p) for p in tones]
    n_tones = len(tones)
    record_len = 14 + 20 + 8 + RTP_HEADER_LEN + PAYLOAD_LEN
    rec_lens = struct.pack("<II", record_len, record_len)
    packets = 0
    pack_rec = struct.Struct("<II").pack
    pack = PACKET.pack
    with open(path, "wb", buffering=1 << 20) as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, capgen.SNAPLEN,
                            capgen.LINKTYPE_ETHERNET))
        for t_us, frame in before:
            f.write(PCAP_RECORD.pack(t_us // capgen.US_PER_S, t_us % capgen.US_PER_S,
                                     len(frame), len(frame)) + frame)
        packets += len(before)
        order = [(j, s.phase_us, s.head, s.flags_ttl_proto, s.addr_ports, s.ip_sum,
                  s.ip_id0, s.udp_sum, s.seq0, s.ts0, s.ssrc)
                 for j, s in enumerate(senders)]
        write = f.write
        if impaired:
            rnd, randint = imp.rng.random, imp.rng.randint
            wander, burst_left = imp.wander_us, imp.burst_left
            lost = lost_in_bursts = held = 0
            # Impaired packets by the 20 ms slot they are captured in: a
            # slot is complete once the media of its own tick is made.
            slots = {}
        for tick in range(n_slots):
            t_tick = media_start + tick * capgen.SLOT_US
            tone = tones[tick % n_tones]
            tone_sum = tone_sums[tick % n_tones]
            marker = 0x80 if tick == 0 else 0
            ts_step = tick * SAMPLES_PER_SLOT
            chunk = []
            add = chunk.append
            for j, phase, head, ftp, addr_ports, ip_sum, ip_id0, udp_sum, seq0, ts0, \
                    ssrc in order:
                t_us = t_tick + phase
                if impaired:
                    if burst_left[j]:
                        burst_left[j] -= 1
                        lost_in_bursts += 1
                        continue
                    r = rnd()
                    if r < LOSS_P:
                        lost += 1
                        continue
                    if r < LOSS_P + BURST_P:
                        burst_left[j] = randint(*BURST_LEN) - 1
                        lost_in_bursts += 1
                        continue
                    w = wander[j] + int((2 * rnd() - 1) * WANDER_STEP_US)
                    w = 0 if w < 0 else WANDER_MAX_US if w > WANDER_MAX_US else w
                    wander[j] = w
                    t_us += w + int(rnd() * JITTER_US)
                    if rnd() < HOLD_P:
                        t_us += randint(*HOLD_US)
                        held += 1
                ident = (ip_id0 + tick) & 0xFFFF
                seq = (seq0 + tick) & 0xFFFF
                ts = (ts0 + ts_step) & 0xFFFFFFFF
                s = ip_sum + ident
                s = (s & 0xFFFF) + (s >> 16)
                s = (s & 0xFFFF) + (s >> 16)
                ip_csum = ~s & 0xFFFF
                u = udp_sum + marker + seq + (ts >> 16) + (ts & 0xFFFF) + tone_sum
                u = (u & 0xFFFF) + (u >> 16)
                u = (u & 0xFFFF) + (u >> 16)
                u = (u & 0xFFFF) + (u >> 16)
                udp_csum = (~u & 0xFFFF) or 0xFFFF
                if impaired:
                    slot = (t_us - media_start) // capgen.SLOT_US
                    rec = b"".join((pack_rec(t_us // 1000000, t_us % 1000000), rec_lens,
                                    pack(head, ident, ftp, ip_csum, addr_ports, udp_csum,
                                         0x8000 | marker, seq, ts, ssrc), tone))
                    slots.setdefault(slot, []).append((t_us, rec))
                    continue
                add(pack_rec(t_us // 1000000, t_us % 1000000))
                add(rec_lens)
                add(pack(head, ident, ftp, ip_csum, addr_ports, udp_csum,
                         0x8000 | marker, seq, ts, ssrc))
                add(tone)
            if impaired:
                # A stable sort: packets captured in the same microsecond
                # keep the order they were made in.
                done = sorted(slots.pop(tick, ()), key=lambda r: r[0])
                packets += len(done)
                write(b"".join(rec for _, rec in done))
            else:
                write(b"".join(chunk))
        if impaired:
            for slot in sorted(slots):
                done = sorted(slots[slot], key=lambda r: r[0])
                packets += len(done)
                write(b"".join(rec for _, rec in done))
            imp.lost, imp.lost_in_bursts, imp.held = lost, lost_in_bursts, held
        else:
            packets += n_slots * len(senders)
        for t_us, frame in after:
            f.write(PCAP_RECORD.pack(t_us // capgen.US_PER_S, t_us % capgen.US_PER_S,
                                     len(frame), len(frame)) + frame)
        packets += len(after)
    return packets, len(sip), os.path.getsize(path), imp


def main(argv=None):
    ap = argparse.ArgumentParser(description="Write a big capture of many "
                                 "concurrent G.711 calls for the benchmark.")
    ap.add_argument("--calls", type=int, default=400, metavar="N",
                    help="concurrent calls (default 400)")
    ap.add_argument("--seconds", type=float, default=60.0, metavar="D",
                    help="seconds of media per call (default 60)")
    ap.add_argument("--impair", action="store_true",
                    help="lose, delay and reorder the RTP packets (see above)")
    ap.add_argument("--impair-seed", type=int, default=IMPAIR_SEED, metavar="S",
                    help="the impairment's seed (default %d)" % IMPAIR_SEED)
    ap.add_argument("--trafgen", metavar="CFG",
                    help="write only the calls' set-up to --out, and their media "
                    "as a trafgen(8) configuration to CFG (see above)")
    ap.add_argument("--out", required=True, metavar="FILE", help="the pcap to write")
    args = ap.parse_args(argv)
    if not 1 <= args.calls <= 60000:
        ap.error("--calls must be 1 to 60000")
    if not 0.02 <= args.seconds <= 86400:
        ap.error("--seconds must be 0.02 to 86400")
    if args.trafgen:
        if args.impair:
            ap.error("--trafgen sends clean media: no --impair")
        sip, streams = write_trafgen(args.out, args.trafgen, args.calls)
        print("%s: %d calls' set-up, %d SIP messages; %s: %d streams x 256 packets"
              % (args.out, args.calls, sip, args.trafgen, streams))
        return 0
    packets, sip, size, imp = write_bench(args.out, args.calls, args.seconds,
                                          args.impair_seed if args.impair else None)
    print("%s: %d calls, %g s, %d packets (%d SIP), %d bytes"
          % (args.out, args.calls, args.seconds, packets, sip, size))
    if imp is not None:
        rtp = packets - sip + imp.lost + imp.lost_in_bursts
        print("impaired: %d of %d RTP packets lost (%.2f %%), %d of them in bursts; "
              "%d held back and reordered"
              % (imp.lost + imp.lost_in_bursts, rtp,
                 100.0 * (imp.lost + imp.lost_in_bursts) / rtp, imp.lost_in_bursts,
                 imp.held))
    return 0


if __name__ == "__main__":
    sys.exit(main())
