#!/usr/bin/env python3
"""capgen-bench: big captures of many concurrent calls, for the benchmark.

    python3 tests/capgen-bench.py --calls 400 --seconds 60 --out bench.pcap

N calls are set up one after the other (INVITE, 100, 180, 200 with SDP,
ACK: capgen's own SIP user agents, so vqprobe sees real calls), then all of
them talk at once for D seconds, G.711 mu-law in 20 ms packets both ways,
then each is hung up (BYE, 200).  That is 7 N SIP messages and
2 N x 50 x D RTP packets: 400 calls for 60 s make 2.4 million.  There is
no impairment and no ground truth: every stream is complete and in order.

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


def make_calls(n_calls, media_s):
    """The calls' SIP (capgen frames) and their RTP senders."""
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
        capgen.teardown(cap, call, media_end + capgen.ms(40) + k * gap_us)
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


def write_bench(path, n_calls, media_s):
    """Write the capture; return (packets, bytes of the file)."""
    cap, senders, media_start, n_slots = make_calls(n_calls, media_s)
    sip = [(t, frame) for t, _, _, frame, _ in cap.records()]
    before = [r for r in sip if r[0] < media_start]
    after = [r for r in sip if r[0] >= media_start]
    assert not after or after[0][0] > media_start + n_slots * capgen.SLOT_US, \
        "no SIP during the media"
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
        order = [(s.phase_us, s.head, s.flags_ttl_proto, s.addr_ports, s.ip_sum,
                  s.ip_id0, s.udp_sum, s.seq0, s.ts0, s.ssrc) for s in senders]
        write = f.write
        for tick in range(n_slots):
            t_tick = media_start + tick * capgen.SLOT_US
            tone = tones[tick % n_tones]
            tone_sum = tone_sums[tick % n_tones]
            marker = 0x80 if tick == 0 else 0
            ts_step = tick * SAMPLES_PER_SLOT
            chunk = []
            add = chunk.append
            for phase, head, ftp, addr_ports, ip_sum, ip_id0, udp_sum, seq0, ts0, ssrc \
                    in order:
                t_us = t_tick + phase
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
                add(pack_rec(t_us // 1000000, t_us % 1000000))
                add(rec_lens)
                add(pack(head, ident, ftp, ip_csum, addr_ports, udp_csum,
                         0x8000 | marker, seq, ts, ssrc))
                add(tone)
            write(b"".join(chunk))
        packets += n_slots * len(senders)
        for t_us, frame in after:
            f.write(PCAP_RECORD.pack(t_us // capgen.US_PER_S, t_us % capgen.US_PER_S,
                                     len(frame), len(frame)) + frame)
        packets += len(after)
    return packets, os.path.getsize(path)


def main(argv=None):
    ap = argparse.ArgumentParser(description="Write a big capture of many "
                                 "concurrent G.711 calls for the benchmark.")
    ap.add_argument("--calls", type=int, default=400, metavar="N",
                    help="concurrent calls (default 400)")
    ap.add_argument("--seconds", type=float, default=60.0, metavar="D",
                    help="seconds of media per call (default 60)")
    ap.add_argument("--out", required=True, metavar="FILE", help="the pcap to write")
    args = ap.parse_args(argv)
    if not 1 <= args.calls <= 60000:
        ap.error("--calls must be 1 to 60000")
    if not 0.02 <= args.seconds <= 86400:
        ap.error("--seconds must be 0.02 to 86400")
    packets, size = write_bench(args.out, args.calls, args.seconds)
    print("%s: %d calls, %g s, %d packets, %d bytes"
          % (args.out, args.calls, args.seconds, packets, size))
    return 0


if __name__ == "__main__":
    sys.exit(main())
