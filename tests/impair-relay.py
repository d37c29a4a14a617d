#!/usr/bin/env python3
"""A transparent Ethernet bridge that impairs one direction's media.

For tests/live-e2e.test.  The relay runs in a network namespace of its own
with two interfaces, the A side (toward the caller) and the B side (toward
the callee).  It reads every frame that arrives on one side through a packet
socket (AF_PACKET, SOCK_RAW) and writes it out of the other side unchanged,
so that the two ends share one Ethernet segment (ARP crosses it) and a probe
behind the relay sees the packets exactly as the SDP announced them.  (The
one change: a UDP or TCP checksum that the sender's kernel left for the
device to fill in, as it does on a veth, is filled in, as a device would.)

The one exception: UDP that is not SIP (neither port is --sip-port) going
from A to B, i.e. the caller's media, goes through

  - Gilbert-Elliott loss: two states, good and bad; before each packet the
    state moves good -> bad with probability p (--p) or bad -> good with
    probability r (--r), then the packet is lost with probability
    --loss-bad (default 1) in the bad state, --loss-good (default 0) in the
    good one.  Mean loss p / (p + r) with the defaults; mean burst 1 / r.
  - a fixed delay (--delay-ms) plus a uniform jitter in [0, --jitter-ms]
    that never reorders a flow: a packet leaves at
    max(release of the flow's previous packet, arrival + delay + jitter).

Each UDP flow (source ip:port -> destination ip:port) draws from random
generators seeded with --seed and the flow's addresses only, so a flow's
fate does not depend on how it interleaves with other flows: the same seed
and the same flows give the same losses on every run.

On SIGTERM or SIGINT the relay sends what it still holds, and writes --out
(JSON, written beside its name and renamed into place):

  params        the command line's parameters
  directions    per direction ("a->b", "b->a"): frames received, forwarded,
                dropped, send_errors
  socket        per side: the packet socket's own drop count (frames the
                relay never saw: must be 0 for the counts to be the truth)
  flows[]       per UDP flow: direction, src, dst, impaired, forwarded,
                dropped (every datagram); rtp_forwarded, rtp_dropped (those
                that look like RTP version 2); rtp_dropped_leading (before
                the first RTP packet forwarded), rtp_dropped_trailing (after
                the last one); loss_pct = rtp_dropped / (rtp_forwarded +
                rtp_dropped), the truth; loss_pct_seen, the same without the
                leading and trailing drops: what a receiver counting sequence
                numbers can see, since loss before its first or after its
                last packet leaves no gap.

Python 3 standard library only; Linux only (packet sockets); needs root
(CAP_NET_RAW).
"""

import argparse
import heapq
import itertools
import json
import os
import random
import select
import signal
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
SOL_PACKET = 263
PACKET_STATISTICS = 6
PACKET_AUXDATA = 8
PACKET_OUTGOING = 4
# struct tpacket_auxdata: tp_status, tp_len, tp_snaplen (u32), tp_mac,
# tp_net, tp_vlan_tci, tp_vlan_tpid (u16).
AUXDATA = struct.Struct("=IIIHHHH")
# tp_status: the checksum is left for the device to fill in (offload).
TP_STATUS_CSUMNOTREADY = 1 << 3
ETHERTYPE_IPV4 = 0x0800
ETHERTYPE_IPV6 = 0x86DD
IPPROTO_TCP = 6
IPPROTO_UDP = 17
# A poll never waits longer, so that a signal is noticed.
MAX_WAIT_S = 0.1


def ones_complement_sum(data):
    """The 16-bit ones' complement sum of DATA (RFC 1071), not inverted."""
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return total


def locate_l4(frame):
    """(version, src ip bytes, dst ip bytes, protocol, l4 offset, l4 length)
    of an Ethernet frame carrying an unfragmented IPv4 or IPv6 packet (no
    IPv6 extension headers), or None."""
    if len(frame) < 14:
        return None
    ethertype = struct.unpack_from("!H", frame, 12)[0]
    if ethertype == ETHERTYPE_IPV4 and len(frame) >= 34:
        ihl = (frame[14] & 0x0F) * 4
        total_len = struct.unpack_from("!H", frame, 16)[0]
        frag = struct.unpack_from("!H", frame, 20)[0]
        if ihl < 20 or frag & 0x3FFF or 14 + total_len > len(frame) \
                or total_len < ihl:
            return None
        return (4, frame[26:30], frame[30:34], frame[23], 14 + ihl,
                total_len - ihl)
    if ethertype == ETHERTYPE_IPV6 and len(frame) >= 54:
        payload_len = struct.unpack_from("!H", frame, 18)[0]
        if 54 + payload_len > len(frame):
            return None
        return (6, frame[22:38], frame[38:54], frame[20], 54, payload_len)
    return None


def complete_checksum(frame):
    """FRAME with its UDP or TCP checksum computed, as the sending device
    would have: a veth leaves it to a device that does not exist (the
    receiving stack would drop the datagram otherwise)."""
    l4 = locate_l4(frame)
    if l4 is None:
        return frame
    version, src, dst, proto, off, length = l4
    if proto == IPPROTO_UDP and length >= 8:
        field = off + 6
    elif proto == IPPROTO_TCP and length >= 20:
        field = off + 16
    else:
        return frame
    out = bytearray(frame)
    out[field:field + 2] = b"\0\0"
    if version == 4:
        pseudo = src + dst + struct.pack("!BBH", 0, proto, length)
    else:
        pseudo = src + dst + struct.pack("!IxxxB", length, proto)
    checksum = 0xFFFF - ones_complement_sum(pseudo + bytes(out[off:off + length]))
    if checksum == 0 and proto == IPPROTO_UDP:
        checksum = 0xFFFF
    struct.pack_into("!H", out, field, checksum)
    return bytes(out)


def udp_endpoints(frame):
    """(src "ip:port", dst "ip:port", src port, dst port, payload) of a UDP
    datagram in FRAME, or None."""
    l4 = locate_l4(frame)
    if l4 is None:
        return None
    version, src, dst, proto, off, length = l4
    if proto != IPPROTO_UDP or length < 8:
        return None
    sport, dport = struct.unpack_from("!HH", frame, off)
    family = socket.AF_INET if version == 4 else socket.AF_INET6
    fmt = "%s:%d" if version == 4 else "[%s]:%d"
    return (fmt % (socket.inet_ntop(family, src), sport),
            fmt % (socket.inet_ntop(family, dst), dport),
            sport, dport, frame[off + 8:off + length])


def looks_like_rtp(payload):
    """Whether a UDP payload can be RTP: version 2 and a whole header."""
    return len(payload) >= 12 and payload[0] >> 6 == 2


class Flow:
    """One UDP flow: its counts and, when impaired, its loss and delay."""

    def __init__(self, direction, src, dst, impaired, args):
        self.direction, self.src, self.dst = direction, src, dst
        self.impaired = impaired
        self.args = args
        # Seeded by the flow alone (str seeds hash the same on every run).
        self.loss_rng = random.Random("%d loss %s>%s" % (args.seed, src, dst))
        self.delay_rng = random.Random("%d delay %s>%s" % (args.seed, src, dst))
        self.bad = False
        self.last_release = 0.0
        self.forwarded = self.dropped = 0
        self.rtp_forwarded = self.rtp_dropped = 0
        self.rtp_kept = 0
        self.rtp_dropped_leading = 0
        # RTP drops since the last RTP packet kept: trailing if none follows.
        self.rtp_dropped_pending = 0

    def lose(self):
        """Gilbert-Elliott: move between the states, then draw the loss."""
        if self.bad:
            if self.loss_rng.random() < self.args.r:
                self.bad = False
        elif self.loss_rng.random() < self.args.p:
            self.bad = True
        loss = self.args.loss_bad if self.bad else self.args.loss_good
        return self.loss_rng.random() < loss

    def release_time(self, arrival):
        """When a packet that arrived at ARRIVAL leaves: delay plus jitter,
        never before the flow's previous packet."""
        wanted = arrival + (self.args.delay_ms
                            + self.delay_rng.uniform(0, self.args.jitter_ms)) / 1000
        self.last_release = max(self.last_release, wanted)
        return self.last_release

    def count_rtp(self, kept):
        """Count an RTP packet kept (queued or sent) or dropped."""
        if not kept:
            self.rtp_dropped_pending += 1
            return
        if self.rtp_kept == 0:
            self.rtp_dropped_leading = self.rtp_dropped_pending
        self.rtp_dropped_pending = 0
        self.rtp_kept += 1

    def summary(self):
        """The flow's counts, for the JSON file."""
        rtp_total = self.rtp_forwarded + self.rtp_dropped
        trailing = self.rtp_dropped_pending if self.rtp_kept else 0
        seen_dropped = self.rtp_dropped - self.rtp_dropped_leading - trailing
        seen_total = self.rtp_forwarded + seen_dropped
        return {
            "direction": self.direction, "src": self.src, "dst": self.dst,
            "impaired": self.impaired,
            "forwarded": self.forwarded, "dropped": self.dropped,
            "rtp_forwarded": self.rtp_forwarded,
            "rtp_dropped": self.rtp_dropped,
            "rtp_dropped_leading": self.rtp_dropped_leading,
            "rtp_dropped_trailing": trailing,
            "loss_pct": 100.0 * self.rtp_dropped / rtp_total if rtp_total else None,
            "loss_pct_seen": (100.0 * seen_dropped / seen_total
                              if self.rtp_kept else None),
        }


class Relay:
    """The bridge: two packet sockets, the flows, the frames held back."""

    def __init__(self, args):
        self.args = args
        self.sides = {}
        for side, ifname in (("a", args.a_if), ("b", args.b_if)):
            sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                                 socket.htons(ETH_P_ALL))
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
            sock.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
            sock.bind((ifname, ETH_P_ALL))
            sock.setblocking(False)
            self.sides[side] = sock
        self.impaired_direction = "a->b"
        self.directions = {d: {"received": 0, "forwarded": 0, "dropped": 0,
                               "send_errors": 0}
                           for d in ("a->b", "b->a")}
        self.flows = {}
        # Frames held back: (release time, arrival order, side out, frame,
        # flow, is RTP).  The order breaks ties, so frames never compare.
        self.held = []
        self.order = itertools.count()
        self.stopping = False

    def flow(self, direction, src, dst, impaired):
        """The flow SRC -> DST, made on its first datagram."""
        key = (src, dst)
        if key not in self.flows:
            self.flows[key] = Flow(direction, src, dst, impaired, self.args)
        return self.flows[key]

    def send(self, side, frame, direction, flow, is_rtp):
        """Write FRAME out of SIDE and count it."""
        try:
            self.sides[side].send(frame)
        except OSError:
            self.directions[direction]["send_errors"] += 1
            return
        self.directions[direction]["forwarded"] += 1
        if flow is not None:
            flow.forwarded += 1
            if is_rtp:
                flow.rtp_forwarded += 1

    def receive(self, side):
        """Take one frame that arrived on SIDE and forward, hold or drop it."""
        try:
            frame, ancillary, _, address = self.sides[side].recvmsg(
                65535, socket.CMSG_SPACE(AUXDATA.size))
        except BlockingIOError:
            return
        # The socket also sees what the relay itself sends out of SIDE.
        if address[2] == PACKET_OUTGOING:
            return
        status = 0
        for level, kind, data in ancillary:
            if level == SOL_PACKET and kind == PACKET_AUXDATA \
                    and len(data) >= AUXDATA.size:
                status = AUXDATA.unpack_from(data)[0]
        if status & TP_STATUS_CSUMNOTREADY:
            frame = complete_checksum(frame)
        out = "b" if side == "a" else "a"
        direction = "%s->%s" % (side, out)
        self.directions[direction]["received"] += 1

        udp = udp_endpoints(frame)
        if udp is None:
            self.send(out, frame, direction, None, False)
            return
        src, dst, sport, dport, payload = udp
        impaired = (direction == self.impaired_direction
                    and self.args.sip_port not in (sport, dport))
        flow = self.flow(direction, src, dst, impaired)
        is_rtp = looks_like_rtp(payload)
        if not impaired:
            if is_rtp:
                flow.count_rtp(True)
            self.send(out, frame, direction, flow, is_rtp)
            return
        if flow.lose():
            flow.dropped += 1
            self.directions[direction]["dropped"] += 1
            if is_rtp:
                flow.rtp_dropped += 1
                flow.count_rtp(False)
            return
        if is_rtp:
            flow.count_rtp(True)
        release = flow.release_time(time.monotonic())
        heapq.heappush(self.held, (release, next(self.order), out, frame,
                                   flow, is_rtp))

    def release_due(self, now):
        """Send the held frames whose time has come (all of them if NOW is
        None)."""
        while self.held and (now is None or self.held[0][0] <= now):
            _, _, out, frame, flow, is_rtp = heapq.heappop(self.held)
            self.send(out, frame, flow.direction, flow, is_rtp)

    def run(self):
        """Bridge until SIGTERM or SIGINT, then send what is held."""
        poller = select.poll()
        by_fd = {}
        for side, sock in self.sides.items():
            poller.register(sock, select.POLLIN)
            by_fd[sock.fileno()] = side
        while not self.stopping:
            wait_s = MAX_WAIT_S
            if self.held:
                wait_s = min(wait_s, max(0.0, self.held[0][0] - time.monotonic()))
            for fd, _ in poller.poll(wait_s * 1000):
                self.receive(by_fd[fd])
            self.release_due(time.monotonic())
        self.release_due(None)

    def socket_drops(self):
        """Per side, the frames the kernel dropped before the relay read
        them (struct tpacket_stats: packets, drops)."""
        drops = {}
        for side, sock in self.sides.items():
            stats = sock.getsockopt(SOL_PACKET, PACKET_STATISTICS, 8)
            drops[side] = struct.unpack("=II", stats)[1]
        return drops

    def summary(self):
        """Everything --out holds."""
        return {
            "params": {"seed": self.args.seed, "p": self.args.p,
                       "r": self.args.r, "loss_bad": self.args.loss_bad,
                       "loss_good": self.args.loss_good,
                       "delay_ms": self.args.delay_ms,
                       "jitter_ms": self.args.jitter_ms,
                       "sip_port": self.args.sip_port,
                       "impaired_direction": self.impaired_direction},
            "directions": self.directions,
            "socket": {"drops": self.socket_drops()},
            "flows": [f.summary() for f in self.flows.values()],
        }


def write_json(path, data):
    """Write DATA to PATH beside its name, then rename it into place."""
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "w") as f:
        json.dump(data, f, indent=1, sort_keys=True)
        f.write("\n")
    os.replace(tmp, path)


def probability(text):
    """An argparse type: a float in [0, 1]."""
    value = float(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError("%s is not in [0, 1]" % text)
    return value


def main():
    parser = argparse.ArgumentParser(
        description="Bridge two interfaces; impair the A->B media.")
    parser.add_argument("--a-if", required=True, help="the caller's side")
    parser.add_argument("--b-if", required=True, help="the callee's side")
    parser.add_argument("--out", required=True, help="JSON counts, at the end")
    parser.add_argument("--ready", help="a file written once both sockets are open")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--p", type=probability, default=0.0,
                        help="P(good -> bad) per packet")
    parser.add_argument("--r", type=probability, default=1.0,
                        help="P(bad -> good) per packet")
    parser.add_argument("--loss-bad", type=probability, default=1.0)
    parser.add_argument("--loss-good", type=probability, default=0.0)
    parser.add_argument("--delay-ms", type=float, default=0.0)
    parser.add_argument("--jitter-ms", type=float, default=0.0)
    parser.add_argument("--sip-port", type=int, default=5060)
    args = parser.parse_args()
    if args.delay_ms < 0 or args.jitter_ms < 0:
        parser.error("delays cannot be negative")

    relay = Relay(args)

    def stop(signum, frame):
        relay.stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if args.ready:
        with open(args.ready, "w") as f:
            f.write("%d\n" % os.getpid())
    try:
        relay.run()
    finally:
        write_json(args.out, relay.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
