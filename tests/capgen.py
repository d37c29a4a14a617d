#!/usr/bin/env python3
"""capgen: make vqprobe's own test captures and their ground truth.

    python3 tests/capgen.py --list
    python3 tests/capgen.py --out-dir pcaps [SCENARIO...]
    python3 tests/capgen.py --out-dir pcaps --check-tshark [SCENARIO...]
    python3 tests/capgen.py --rtp-pcap FILE [--rtp-seconds S] [SCENARIO]

Every scenario builds SIP calls (RFC 3261 with SDP offer/answer, RFC 4566) and
their RTP media (RFC 3550) frame by frame, passes each media direction through
a seeded network model (base delay, jitter, random or Gilbert-Elliott loss,
duplication), writes the frames in arrival order to NAME.pcap (NAME.pcapng for
the pcapng scenario) and writes NAME.truth.json from the frames that were
actually written: the figures are counted from the capture, not derived from
the impairment parameters.  Python 3 standard library only; a fixed seed and
fixed timestamps (from epoch 1700000000) per scenario, so that regenerating
gives byte-identical files.

Truth definitions (vqprobe is checked against them by tests/check-truth.py):
  stream      one (src, dst, ssrc) as captured
  packets     every RTP packet of the stream in the capture, duplicates,
              telephone-event and comfort-noise packets included
  expected    highest - lowest extended sequence number received + 1
  lost        expected - number of distinct sequence numbers received
  duplicates  packets whose sequence number was already received, except the
              repeated end packet of an RFC 4733 event (PT telephone-event,
              E bit set), which a sender retransmits on purpose
  burst_ratio G.107 BurstR over the observed range: mean loss-run length
              times (1 - lost/expected); 1.0 when nothing is lost
  pdd_ms      first INVITE of the call -> first 18x response to it
  setup_ms    first INVITE -> first 2xx to an initial INVITE
  duration_s  that 2xx -> first BYE
  final_code  final response to the last initial (To without tag) INVITE:
              after a 401/407 challenge, the answer to the retried INVITE
  A SIP message's time is the capture time of the frame that completes it
  (the last of its IP fragments or TCP segments to be captured: with
  reordering, not the one with the highest offset).
  rtcp        (scenarios `rtcp`, `rtcp_xr`, `rtcp_attr`) every RTCP compound
              as written: sender info and report blocks; rtt_ms = capture time of the
              report - LSR - DLSR (RFC 3550 6.4.1 done at the capture point,
              which in this model sees each packet when its receiver gets
              it).  In `rtcp_xr` also "type" (SR, or RR from a side that sent
              no RTP in the last two intervals; an RR has null sender_packets
              and sender_octets) and "xr": the RFC 3611 VoIP Metrics blocks
              with the values written (see voip_metrics_block).
Keys present only where they apply (so the truth of other scenarios does
not change):
  vlan        per stream: the outermost VLAN id of its frames (the first tag
              met from the outside, through tunnels: 42 in `erspan2`)
  events      per stream: RFC 4733 packets, end-packet repeats included
  telephone_events  per stream: each event (by RTP timestamp): code, digit,
              final duration, whether an end packet was seen, packets
  comfort_noise  per stream: RFC 3389 packets (PT 13)
  encapsulation  per capture: the headers in front of the call's own IP
              header, outermost first, as decoded back from the file
  apps        (`rtcp_attr`) the report's application counts, which hold
              only traffic no call explains: empty when every packet
              written belongs to a call
Every frame written is decoded back (every link layer and tunnel above,
IPv4 header and UDP/TCP checksums, lengths), fragments are reassembled and
their datagrams' checksums verified, and the TCP byte streams are rebuilt in
sequence order and must carry exactly the SIP messages the truth counts.

Where tshark (4.0, `-q -z rtp,streams`) reads these captures differently
(`--check-tshark` prints both and marks the expected differences):
  * duplicates: tshark counts a duplicate as a received packet, so its Lost
    is smaller than the truth's lost by the number of duplicates (and goes
    negative when nothing was lost): scenario `duplicates`.
  * RFC 4733 end packets: tshark counts the two repeats of each event's end
    packet as received packets, so its Lost is 2 lower per event ("-6" for
    the three digits of `dtmf_cn`); the truth counts them in `packets` but
    neither as lost nor as duplicates.
  * Reordering at the edges: tshark takes the first packet's sequence number
    as the base and the last packet's as the highest, where the truth takes
    the lowest and highest.  Every stream's first packet is therefore given
    the path's lowest delay and its last packet the highest, and neither is
    ever lost; with that, tshark's Pkts and Lost equal the truth's packets
    and lost in all other scenarios (reordering in `demo`, `jitter_reorder`
    and `oneway` included).
  * RTCP round trip (`rtcp`): tshark's "roundtrip-delay" subtracts the SR's
    capture time, not its NTP timestamp, so it shows 20 ms where the truth's
    rtt_ms (LSR/DLSR at the capture point) is 40 ms.
  * TCP segments captured before their predecessors (`sip_tcp_hard`):
    tshark leaves them unreassembled ("Continuation") unless
    tcp.reassemble_out_of_order is set, which --check-tshark does.
  * RTCP XR (`rtcp_xr`): --check-tshark compares each compound's SR/RR and
    the VoIP Metrics fields tshark has filter names for; it has none for
    the loss and discard rates, which are therefore not cross-checked.

Layout of this file: low-level frame builders and file writers; the network
model; RTP senders; a SIP user agent pair; the capture context that turns
everything into frames; the truth; the scenarios; tshark cross-checking; main.
"""

import argparse
import base64
import hashlib
import ipaddress
import json
import math
import os
import random
import re
import shutil
import struct
import subprocess
import sys

BASE_EPOCH_S = 1700000000
US_PER_S = 1000000
SLOT_US = 20000                 # 20 ms packetisation everywhere

LINKTYPE_NULL = 0
LINKTYPE_ETHERNET = 1
LINKTYPE_RAW = 101
LINKTYPE_LINUX_SLL = 113
LINKTYPE_LINUX_SLL2 = 276

ETH_P_IPV4 = 0x0800
ETH_P_IPV6 = 0x86DD
ETH_P_8021Q = 0x8100
ETH_P_8021AD = 0x88A8
ETH_P_9100 = 0x9100             # the pre-802.1ad service tag some switches use
ETH_P_MPLS = 0x8847             # MPLS unicast
ETH_P_PPPOE_SESSION = 0x8864
ETH_P_ERSPAN2 = 0x88BE          # GRE protocol of ERSPAN type II (and I)
ETH_P_ERSPAN3 = 0x22EB          # GRE protocol of ERSPAN type III
PPP_IPV4, PPP_IPV6 = 0x0021, 0x0057
VXLAN_PORT = 4789
GTPU_PORT = 2152
IPPROTO_IPIP, IPPROTO_IPV6, IPPROTO_GRE = 4, 41, 47
VLAN_TPIDS = {ETH_P_8021Q: "802.1q", ETH_P_8021AD: "802.1ad", ETH_P_9100: "vlan-0x9100"}

TOS_SIP = 0x60                  # DSCP CS3, as phones mark signalling
TOS_RTP = 0xB8                  # DSCP EF for voice

SNAPLEN = 262144


# ---------------------------------------------------------------------------
# Frame building
# ---------------------------------------------------------------------------

def inet_checksum(data):
    """RFC 1071 one's-complement sum of 16-bit words."""
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def pseudo_header(src, dst, proto, length):
    """The IPv4 or IPv6 pseudo-header that UDP and TCP checksums cover."""
    if src.version == 4:
        return src.packed + dst.packed + struct.pack("!xBH", proto, length)
    return src.packed + dst.packed + struct.pack("!I3xB", length, proto)


def udp_segment(src, dst, sport, dport, payload):
    """UDP header and payload with the checksum filled in (IPv4 and IPv6)."""
    length = 8 + len(payload)
    header = struct.pack("!HHHH", sport, dport, length, 0)
    csum = inet_checksum(pseudo_header(src, dst, 17, length) + header + payload)
    if csum == 0:
        csum = 0xFFFF           # RFC 768: a computed zero is sent as all ones
    return header[:6] + struct.pack("!H", csum) + payload


TCP_FIN, TCP_SYN, TCP_PSH, TCP_ACK = 0x01, 0x02, 0x08, 0x10


def tcp_segment(src, dst, sport, dport, seq, ack, flags, payload, window=64240,
                options=b""):
    """TCP header (RFC 9293) and payload with the checksum filled in."""
    hlen = 20 + len(options)
    header = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF,
                         ack & 0xFFFFFFFF, (hlen // 4) << 4, flags, window, 0, 0)
    header += options
    csum = inet_checksum(pseudo_header(src, dst, 6, hlen + len(payload))
                         + header + payload)
    return header[:16] + struct.pack("!H", csum) + header[18:] + payload


def ipv4_packet(src, dst, proto, l4, ident, tos, flags_frag=0x4000, ttl=64):
    """IPv4 header (RFC 791, no options) with length and checksum, then l4."""
    header = struct.pack("!BBHHHBBH4s4s", 0x45, tos, 20 + len(l4), ident,
                         flags_frag, ttl, proto, 0, src.packed, dst.packed)
    csum = inet_checksum(header)
    return header[:10] + struct.pack("!H", csum) + header[12:] + l4


def ipv6_packet(src, dst, proto, l4, tclass, hop_limit=64):
    """IPv6 header (RFC 8200, no extension headers), then l4."""
    first = (6 << 28) | (tclass << 20)
    return struct.pack("!IHBB16s16s", first, len(l4), proto, hop_limit,
                       src.packed, dst.packed) + l4


def ipv4_fragments(src, dst, proto, l4, ident, tos, mtu):
    """Split an IPv4 datagram into fragments that fit mtu (RFC 791)."""
    chunk = (mtu - 20) // 8 * 8
    out = []
    for off in range(0, len(l4), chunk):
        more = off + chunk < len(l4)
        flags = (0x2000 if more else 0) | (off // 8)
        out.append(ipv4_packet(src, dst, proto, l4[off:off + chunk], ident, tos,
                               flags_frag=flags))
    return out


def ipv6_fragments(src, dst, proto, l4, ident, tclass, mtu):
    """Split an IPv6 packet into fragments that fit mtu (RFC 8200 4.5): each
    an IPv6 header, a Fragment header (next header, offset in 8-byte units,
    M flag, 32-bit identification), then its part of l4."""
    chunk = (mtu - 40 - 8) // 8 * 8
    out = []
    for off in range(0, len(l4), chunk):
        more = off + chunk < len(l4)
        frag_header = struct.pack("!BBHI", proto, 0, off | (1 if more else 0), ident)
        out.append(ipv6_packet(src, dst, 44, frag_header + l4[off:off + chunk], tclass))
    return out


def fragment_count(v6, l4_len, mtu):
    """How many fragments ipv4_fragments or ipv6_fragments makes."""
    chunk = (mtu - 48) // 8 * 8 if v6 else (mtu - 20) // 8 * 8
    return -(-l4_len // chunk)


class Host:
    """A network node: its address and the MAC address it uses."""

    def __init__(self, ip, mac_last):
        self.ip = ipaddress.ip_address(ip)
        self.mac = bytes([0x02, 0x00, 0x00, 0x00, 0x00, mac_last])
        self.next_ip_id = None

    @property
    def v6(self):
        return self.ip.version == 6

    @property
    def sip(self):
        """The host part as SIP and SDP URIs write it."""
        return "[%s]" % self.ip.compressed if self.v6 else self.ip.compressed

    def hostport(self, port):
        """The truth's "ip:port" (IPv6 as "[addr]:port")."""
        return "%s:%d" % (self.sip, port)


# ---------------------------------------------------------------------------
# Link layers: each takes (capture, frame, ip packet) and returns link bytes
# ---------------------------------------------------------------------------

def _ethertype(fr):
    return ETH_P_IPV6 if fr.src.v6 else ETH_P_IPV4


def _pad60(frame):
    # An Ethernet frame is at least 60 bytes before the FCS; the receiver
    # captures the padding, so the IP total length, not the frame, is the truth.
    return frame + b"\0" * (60 - len(frame)) if len(frame) < 60 else frame


def link_ether(cap, fr, ip):
    return _pad60(fr.dst.mac + fr.src.mac + struct.pack("!H", _ethertype(fr)) + ip)


def link_vlan(cap, fr, ip):
    tci = (5 << 13) | 100       # PCP 5 (voice), VLAN 100
    return _pad60(fr.dst.mac + fr.src.mac
                  + struct.pack("!HHH", ETH_P_8021Q, tci, _ethertype(fr)) + ip)


def link_qinq(cap, fr, ip):
    outer = 200                 # service tag (802.1ad)
    inner = (5 << 13) | 300     # customer tag (802.1Q)
    return _pad60(fr.dst.mac + fr.src.mac
                  + struct.pack("!HHHHH", ETH_P_8021AD, outer, ETH_P_8021Q, inner,
                                _ethertype(fr)) + ip)


def _sll_pkttype(cap, fr):
    # Captured on the caller's host: its own frames are "outgoing" (4), the
    # others were sent to it (0).
    return 4 if fr.src is cap.local_host else 0


def link_sll(cap, fr, ip):
    header = struct.pack("!HHH8sH", _sll_pkttype(cap, fr), 1, 6,
                         fr.src.mac + b"\0\0", _ethertype(fr))
    return header + ip


def link_sll2(cap, fr, ip):
    header = struct.pack("!HHIHBB8s", _ethertype(fr), 0, 2, 1,
                         _sll_pkttype(cap, fr), 6, fr.src.mac + b"\0\0")
    return header + ip


def link_raw(cap, fr, ip):
    return ip


def link_null(cap, fr, ip):
    # BSD loopback: the address family in the writer's byte order, which for
    # these files is little endian like the pcap header.  AF_INET = 2.
    return struct.pack("<I", 2) + ip


# Encapsulations a probe meets on mirror ports and in provider networks.  The
# call's own IP packet goes inside; the outer headers belong to the network.
# Outer IPv4 identifications and GRE sequence numbers count up in capture
# order (Capture.records calls the link function in that order).

TUNNEL_A = Host("192.0.2.1", 0x11)          # tunnel end on the caller's side
TUNNEL_B = Host("192.0.2.2", 0x12)          # tunnel end on the callee's side
MIRROR_SWITCH = Host("192.0.2.10", 0x21)    # ERSPAN source (the switch)
MIRROR_PROBE = Host("192.0.2.20", 0x22)     # ERSPAN destination (the probe)
VTEP_A = Host("198.51.100.1", 0x31)         # VXLAN tunnel end points
VTEP_B = Host("198.51.100.2", 0x32)
GRE_KEY = 0x0000BEEF
ERSPAN_SESSION = 100
ERSPAN_VLAN = 42
VXLAN_VNI = 5001
ENODEB = Host("203.0.113.1", 0x41)          # GTP-U ends: the radio side
SGW = Host("203.0.113.2", 0x42)             # and the core's
GTPU_TEID = (0x00001001, 0x00002002)        # uplink (to the core), downlink
MPLS_LABELS = (16004, 24017)                # transport label, service label


class EncapState:
    """Counters of the network that encapsulates: per outer source its IPv4
    identification, and the GRE sequence number per ERSPAN session."""

    def __init__(self, name):
        rng = random.Random("encap/" + name)   # private: the call's RNG is untouched
        self.ip_id = {}
        self.first_id = rng.randint(0, 0xFFFF)
        self.gre_seq = 0
        self.gtpu_seq = {}

    def next_id(self, host):
        ident = self.ip_id.get(host, self.first_id + 0x100 * len(self.ip_id))
        self.ip_id[host] = ident + 1
        return ident & 0xFFFF


def _encap(cap):
    if cap.encap_state is None:
        cap.encap_state = EncapState(cap.name)
    return cap.encap_state


def _ends(cap, fr, a, b):
    """The tunnel ends in the frame's direction: a is on the caller's side."""
    return (a, b) if fr.src is cap.local_host else (b, a)


def _outer_ipv4(cap, src, dst, proto, payload, tos):
    return ipv4_packet(src.ip, dst.ip, proto, payload, _encap(cap).next_id(src), tos)


def _ether(dst, src, ethertype, payload):
    return _pad60(dst.mac + src.mac + struct.pack("!H", ethertype) + payload)


def _ip_ethertype(ip):
    return ETH_P_IPV6 if ip[0] >> 4 == 6 else ETH_P_IPV4


def link_qinq_9100(cap, fr, ip):
    outer = 400                 # service tag with the old 0x9100 TPID
    inner = (5 << 13) | 100     # customer tag (802.1Q)
    return _pad60(fr.dst.mac + fr.src.mac
                  + struct.pack("!HHHHH", ETH_P_9100, outer, ETH_P_8021Q, inner,
                                _ethertype(fr)) + ip)


def link_mpls(cap, fr, ip):
    """Ethernet, a two-label MPLS stack (RFC 3032: label, TC, S, TTL), the
    call's IP packet (a reader guesses IPv4 or IPv6 from its first nibble)."""
    top, bottom = MPLS_LABELS
    stack = struct.pack("!II", (top << 12) | (5 << 9) | 63,
                        (bottom << 12) | (5 << 9) | (1 << 8) | 63)
    return _ether(fr.dst, fr.src, ETH_P_MPLS, stack + ip)


def link_pppoe(cap, fr, ip):
    """Ethernet, PPPoE session (RFC 2516: ver 1, type 1, code 0, session id,
    length of the PPP frame), PPP protocol field, the IP packet."""
    ppp = struct.pack("!H", PPP_IPV6 if fr.src.v6 else PPP_IPV4) + ip
    return _ether(fr.dst, fr.src, ETH_P_PPPOE_SESSION,
                  struct.pack("!BBHH", 0x11, 0, 0x2A17, len(ppp)) + ppp)


def link_gre(cap, fr, ip):
    """IPv4 / GRE with the key present (RFC 2890) / the call's IPv4."""
    a, b = _ends(cap, fr, TUNNEL_A, TUNNEL_B)
    gre = struct.pack("!HHI", 0x2000, _ip_ethertype(ip), GRE_KEY) + ip
    return _ether(b, a, ETH_P_IPV4, _outer_ipv4(cap, a, b, IPPROTO_GRE, gre, fr.tos))


def link_ipip(cap, fr, ip):
    """IPv4 in IPv4 (RFC 2003, protocol 4) or IPv6 in IPv4 (RFC 4213,
    protocol 41), whichever the call speaks."""
    a, b = _ends(cap, fr, TUNNEL_A, TUNNEL_B)
    proto = IPPROTO_IPV6 if fr.src.v6 else IPPROTO_IPIP
    return _ether(b, a, ETH_P_IPV4, _outer_ipv4(cap, a, b, proto, ip, fr.tos))


def _erspan_gre(cap, protocol, erspan_header, mirrored):
    """The switch's copy to the probe: IPv4 / GRE with a sequence number
    (S bit) / ERSPAN header / the mirrored Ethernet frame."""
    state = _encap(cap)
    gre = struct.pack("!HHI", 0x1000, protocol, state.gre_seq & 0xFFFFFFFF)
    state.gre_seq += 1
    outer = _outer_ipv4(cap, MIRROR_SWITCH, MIRROR_PROBE, IPPROTO_GRE,
                        gre + erspan_header + mirrored, 0)
    return _ether(MIRROR_PROBE, MIRROR_SWITCH, ETH_P_IPV4, outer)


def link_erspan2(cap, fr, ip):
    """ERSPAN type II: version 1, the original VLAN, COS 5, En 3 (the tag is
    kept in the mirrored frame), session id; then reserved and port index.
    The mirrored frame is the original 802.1Q-tagged one."""
    mirrored = _pad60(fr.dst.mac + fr.src.mac
                      + struct.pack("!HHH", ETH_P_8021Q, (5 << 13) | ERSPAN_VLAN,
                                    _ethertype(fr)) + ip)
    header = struct.pack("!HHI", (1 << 12) | ERSPAN_VLAN,
                         (5 << 13) | (3 << 11) | ERSPAN_SESSION, 7)
    return _erspan_gre(cap, ETH_P_ERSPAN2, header, mirrored)


def link_erspan3(cap, fr, ip):
    """ERSPAN type III: version 2, VLAN 0, COS 5, BSO 0, session id; a
    timestamp in 100 us units (granularity 0); SGT 0, P 1 (an Ethernet
    frame), frame type 0, hardware id 1, D 0 (ingress), no optional
    platform sub-header.  The mirrored frame is untagged Ethernet."""
    mirrored = _pad60(fr.dst.mac + fr.src.mac + struct.pack("!H", _ethertype(fr)) + ip)
    header = struct.pack("!HHIH", 2 << 12, (5 << 13) | ERSPAN_SESSION,
                         (fr.arr_us // 100) & 0xFFFFFFFF, 0)
    header += struct.pack("!H", (1 << 15) | (1 << 4))
    return _erspan_gre(cap, ETH_P_ERSPAN3, header, mirrored)


def link_vxlan(cap, fr, ip):
    """Outer Ethernet / IPv4 / UDP to 4789 (source port from a hash of the
    inner flow, checksum 0 as RFC 7348 allows over IPv4) / VXLAN (I flag,
    VNI) / the inner Ethernet frame, unpadded."""
    a, b = _ends(cap, fr, VTEP_A, VTEP_B)
    inner = fr.dst.mac + fr.src.mac + struct.pack("!H", _ethertype(fr)) + ip
    flow = hashlib.sha1(fr.src.ip.packed + fr.dst.ip.packed
                        + bytes([fr.proto]) + fr.l4[:4]).digest()
    sport = 49152 + struct.unpack_from("!H", flow)[0] % 16384
    payload = struct.pack("!II", 0x08 << 24, VXLAN_VNI << 8) + inner
    udp = struct.pack("!HHHH", sport, VXLAN_PORT, 8 + len(payload), 0) + payload
    return _ether(b, a, ETH_P_IPV4, _outer_ipv4(cap, a, b, 17, udp, fr.tos))


def link_gtpu(cap, fr, ip):
    """A mobile core's user plane (3GPP TS 29.281): the caller is the phone.
    Outer Ethernet / IPv4 / UDP 2152 to 2152, checksum 0 / GTP-U G-PDU with
    the direction's TEID, then the call's IP packet.  Uplink (the phone to
    the core), as 5G's N3 carries it: a sequence number and two extension
    headers, the PDU session container (0x85, QFI 9) and a UDP port (0x40),
    so the chain must be walked; downlink the plain 8-byte header."""
    up = fr.src is cap.local_host
    a, b = (ENODEB, SGW) if up else (SGW, ENODEB)
    if up:
        state = _encap(cap)
        seq = state.gtpu_seq.get(up, 0)
        state.gtpu_seq[up] = seq + 1
        ext = bytes([1, 0x10, 9, 0x40]) + bytes([1, GTPU_PORT >> 8, GTPU_PORT & 0xFF, 0])
        body = struct.pack("!HBB", seq & 0xFFFF, 0, 0x85) + ext + ip
        gtp = struct.pack("!BBHI", 0x34, 255, len(body), GTPU_TEID[0]) + body
    else:
        gtp = struct.pack("!BBHI", 0x30, 255, len(ip), GTPU_TEID[1]) + ip
    udp = struct.pack("!HHHH", GTPU_PORT, GTPU_PORT, 8 + len(gtp), 0) + gtp
    return _ether(b, a, ETH_P_IPV4, _outer_ipv4(cap, a, b, 17, udp, 0))


# ---------------------------------------------------------------------------
# File writers
# ---------------------------------------------------------------------------

def write_pcap(path, linktype, records):
    """Classic libpcap file, little endian, microsecond timestamps."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, SNAPLEN, linktype))
        for t_us, data in records:
            f.write(struct.pack("<IIII", t_us // US_PER_S, t_us % US_PER_S,
                                len(data), len(data)))
            f.write(data)


def _pcapng_block(block_type, body):
    pad = (-len(body)) % 4
    total = 12 + len(body) + pad
    return (struct.pack("<II", block_type, total) + body + b"\0" * pad
            + struct.pack("<I", total))


def _pcapng_option(code, value):
    return struct.pack("<HH", code, len(value)) + value + b"\0" * ((-len(value)) % 4)


def write_pcapng(path, linktype, records):
    """pcapng: one section (SHB), one interface (IDB, nanosecond timestamps
    via if_tsresol so that readers must honour it), one EPB per frame."""
    end_of_options = _pcapng_option(0, b"")
    shb = _pcapng_block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)
                        + _pcapng_option(4, b"vqprobe capgen")   # shb_userappl
                        + end_of_options)
    idb = _pcapng_block(0x00000001, struct.pack("<HHI", linktype, 0, SNAPLEN)
                        + _pcapng_option(2, b"eth0")             # if_name
                        + _pcapng_option(9, bytes([9]))          # if_tsresol 1e-9
                        + end_of_options)
    with open(path, "wb") as f:
        f.write(shb)
        f.write(idb)
        for t_us, data in records:
            t_ns = t_us * 1000
            body = struct.pack("<IIIII", 0, t_ns >> 32, t_ns & 0xFFFFFFFF,
                               len(data), len(data)) + data
            f.write(_pcapng_block(0x00000006, body))


# ---------------------------------------------------------------------------
# Audio payloads
# ---------------------------------------------------------------------------

def lin2ulaw(sample):
    """16-bit linear PCM to G.711 mu-law (on the 14-bit magnitude, bias 33,
    clipped at the top code, as the common reference coders do)."""
    value = sample >> 2
    sign = 0x80 if value < 0 else 0
    mag = min(-value if value < 0 else value, 8158) + 33
    exponent = max(0, min(7, mag.bit_length() - 6))
    mantissa = (mag >> (exponent + 1)) & 0x0F
    return ~(sign | (exponent << 4) | mantissa) & 0xFF


def lin2alaw(sample):
    """16-bit linear PCM to G.711 A-law (even bits inverted)."""
    sign = 0x80 if sample >= 0 else 0
    mag = (~sample if sample < 0 else sample) >> 3
    if mag < 32:
        code = mag >> 1
    else:
        segment = mag.bit_length() - 5
        code = (segment << 4) | ((mag >> segment) & 0x0F)
    return (sign | code) ^ 0x55


def tone_frames(encode, freq_hz, amplitude):
    """One second (50 frames of 160 samples) of a beeping tone: 0.5 s loud,
    0.5 s soft, so that a replayed stream sounds like something."""
    frames = []
    for k in range(50):
        amp = amplitude if k < 25 else amplitude // 8
        frames.append(bytes(encode(int(amp * math.sin(2 * math.pi * freq_hz
                                                        * (k * 160 + i) / 8000)))
                            for i in range(160)))
    return frames


class Codec:
    """A voice codec as the SDP names it and as its RTP packets look."""

    def __init__(self, name, pt, clock_rate, ts_step, rtpmap, fmtp=None):
        self.name = name
        self.pt = pt
        self.clock_rate = clock_rate
        self.ts_step = ts_step          # RTP timestamp units per 20 ms
        self.rtpmap = rtpmap
        self.fmtp = fmtp
        self._frames = {}

    def frames(self, caller_side):
        """50 payloads to cycle through, different for each direction."""
        if caller_side not in self._frames:
            self._frames[caller_side] = self._make_frames(caller_side)
        return self._frames[caller_side]

    def _make_frames(self, caller_side):
        freq, amp = (400, 8000) if caller_side else (600, 6000)
        if self.name == "PCMU":
            return tone_frames(lin2ulaw, freq, amp)
        if self.name == "PCMA":
            return tone_frames(lin2alaw, freq, amp)
        # Coded formats: bytes that look like coder output.  A private RNG
        # keeps the scenarios' random streams independent of which codecs a
        # run happens to use first.
        rng = random.Random("%s/%s" % (self.name, caller_side))
        if self.name == "G722":
            return [rng.randbytes(160) for _ in range(50)]
        if self.name == "G729":
            return [rng.randbytes(20) for _ in range(50)]
        if self.name == "AAL2-G726-32":
            return [rng.randbytes(80) for _ in range(50)]   # 32 kbit/s
        if self.name is None:
            # A codec nobody names (no SDP): 33-byte frames, as AMR-WB's
            # lowest mode sends, which no event or comfort noise looks like.
            return [rng.randbytes(33) for _ in range(50)]
        if self.name == "opus":
            # TOC byte: config 31 (CELT-only fullband, 20 ms), mono, code 0
            # (one frame); then the frame, sized as a ~28 kbit/s VBR stream.
            return [bytes([31 << 3]) + rng.randbytes(rng.randint(60, 80))
                    for _ in range(50)]
        raise ValueError(self.name)


CODECS = {
    "PCMU": Codec("PCMU", 0, 8000, 160, "PCMU/8000"),
    "PCMA": Codec("PCMA", 8, 8000, 160, "PCMA/8000"),
    # RFC 3551: G.722's RTP clock is 8000 Hz although it samples at 16 kHz.
    "G722": Codec("G722", 9, 8000, 160, "G722/8000"),
    "G729": Codec("G729", 18, 8000, 160, "G729/8000", "annexb=no"),
    "opus": Codec("opus", 111, 48000, 960, "opus/48000/2",
                  "minptime=10;useinbandfec=1"),
}
# Encrypted media on opus's usual dynamic type, no SDP: nothing names it.
UNNAMED_111 = Codec(None, 111, None, 960, None)
# RTP on a dynamic payload type that no SDP names (the codec and its clock
# unknown to a receiver): a mobile leg seen without its signalling.
UNNAMED_96 = Codec(None, 96, None, 160, None)
PT_CN = 13
PT_TELEPHONE_EVENT = 101
# The stream of a sender of RFC 4733 events only (rtp_sends voice=False).
TELEPHONE_EVENT = Codec("telephone-event", PT_TELEPHONE_EVENT, 8000, 160,
                        "telephone-event/8000", "0-15")


# ---------------------------------------------------------------------------
# RTP senders and the network model
# ---------------------------------------------------------------------------

class Send:
    """One RTP packet as its sender put it on the wire."""
    __slots__ = ("t_us", "rtp", "ext_seq", "kind")

    def __init__(self, t_us, rtp, ext_seq, kind):
        self.t_us = t_us
        self.rtp = rtp
        self.ext_seq = ext_seq
        self.kind = kind        # voice, event, event_end, event_retx, cn


def rtp_header(marker, pt, seq, ts, ssrc):
    return struct.pack("!BBHII", 0x80, (0x80 if marker else 0) | pt,
                       seq & 0xFFFF, ts & 0xFFFFFFFF, ssrc)


def rtp_sends(codec, caller_side, start_us, n_slots, ssrc, seq0, ts0,
              events=(), silences=(), dtx=(), voice=True):
    """What a sender emits over n_slots 20 ms slots.

    events: (slot, n_packets, event_code) RFC 4733 events.  The event's
      packets replace voice from `slot` on; all carry the timestamp of the
      event start, the first has the marker bit, the duration grows by one
      packet time each; the last has the E bit and is sent three times with
      the same sequence number; voice resumes two slots later.
    silences: (first_slot, end_slot) VAD silence: a comfort-noise packet
      (RFC 3389, PT 13) at the start and every 200 ms, then voice again at
      end_slot with the marker bit, its timestamp jumped by the silence.
    dtx: (first_slot, end_slot) silence with nothing sent at all (no comfort
      noise), voice again at end_slot with the marker bit.
    voice: False for a sender of events only (a DTMF generator): nothing is
      sent outside the events, and the sequence numbers run on across them.
    """
    plan = ["voice" if voice else None] * n_slots
    event_at = {}
    markers = {0}
    for slot, n_packets, code in events:
        for i in range(n_packets):
            plan[slot + i] = "event"
            event_at[slot + i] = (slot, i, n_packets, code)
        plan[slot + n_packets] = plan[slot + n_packets + 1] = "event_retx"
    for first, end in silences:
        for k in range(first, end):
            plan[k] = "cn" if (k - first) % 10 == 0 else None
        markers.add(end)
    for first, end in dtx:
        plan[first:end] = [None] * (end - first)
        markers.add(end)
    frames = codec.frames(caller_side) if voice else None
    sends = []
    ext = seq0
    last_end = None
    for k, what in enumerate(plan):
        if what is None:
            continue
        t_us = start_us + k * SLOT_US
        ts = ts0 + k * codec.ts_step
        if what == "voice":
            rtp = rtp_header(k in markers, codec.pt, ext, ts, ssrc) + frames[k % 50]
            sends.append(Send(t_us, rtp, ext, "voice"))
            ext += 1
        elif what == "cn":
            # Noise level 62 (-62 dBov), no spectral information.
            rtp = rtp_header(False, PT_CN, ext, ts, ssrc) + bytes([62])
            sends.append(Send(t_us, rtp, ext, "cn"))
            ext += 1
        elif what == "event":
            slot, i, n_packets, code = event_at[k]
            end = i == n_packets - 1
            # Volume 10 (-10 dBm0); duration in timestamp units so far.
            payload = struct.pack("!BBH", code, (0x80 if end else 0) | 10,
                                  (i + 1) * codec.ts_step)
            rtp = rtp_header(i == 0, PT_TELEPHONE_EVENT, ext,
                             ts0 + slot * codec.ts_step, ssrc) + payload
            sends.append(Send(t_us, rtp, ext, "event_end" if end else "event"))
            if end:
                last_end = (rtp, ext)
            ext += 1
        else:   # event_retx: the same bytes, the same sequence number
            sends.append(Send(t_us, last_end[0], last_end[1], "event_retx"))
    return sends


class Path:
    """A one-way network path from a sender to the capture point.

    delay_ms/jitter_ms: arrival = send + delay, delay drawn from a normal
    distribution clamped to [delay - 2 sd, delay + 4 sd] (at least 1 ms).
    loss: independent loss probability; gilbert: (p, r), the two-state model
    where p = P(good -> bad), r = P(bad -> good) and every packet sent in the
    bad state is lost (mean burst 1/r, loss rate p/(p+r)).  dup: probability
    that a voice packet is duplicated, the copy arriving 1-5 ms later.
    drop_ext: extended sequence numbers always lost.  The first and the last
    packet are never lost; the first gets the lowest delay and the last the
    highest, so that no packet arrives before the first or after the last.
    """

    def __init__(self, delay_ms=20.0, jitter_ms=0.8, loss=0.0, gilbert=None,
                 dup=0.0, drop_ext=()):
        self.delay_ms = delay_ms
        self.jitter_ms = jitter_ms
        self.loss = loss
        self.gilbert = gilbert
        self.dup = dup
        self.drop_ext = set(drop_ext)

    def apply(self, rng, sends):
        """Yield (send, arrival_us, duplicate_arrival_us or None) per packet
        that gets through."""
        base_us = int(self.delay_ms * 1000)
        sd_us = self.jitter_ms * 1000
        low = max(1000, int(base_us - 2 * sd_us))
        high = int(base_us + 4 * sd_us)
        bad = False
        for i, s in enumerate(sends):
            if self.gilbert:
                p, r = self.gilbert
                bad = (rng.random() >= r) if bad else (rng.random() < p)
                lost = bad
            else:
                lost = self.loss > 0 and rng.random() < self.loss
            lost = lost or s.ext_seq in self.drop_ext
            if i == 0:
                delay = low
                lost = False
            elif i == len(sends) - 1:
                delay = high
                lost = False
            elif sd_us > 0:
                delay = min(high, max(low, int(round(rng.gauss(base_us, sd_us)))))
            else:
                delay = base_us
            if lost:
                continue
            dup_at = None
            if self.dup and s.kind == "voice" and rng.random() < self.dup:
                dup_at = s.t_us + delay + rng.randint(1000, 5000)
            yield s, s.t_us + delay, dup_at


CLEAN = dict(delay_ms=20.0, jitter_ms=0.8)


# ---------------------------------------------------------------------------
# The capture: frames, their order, and the truth
# ---------------------------------------------------------------------------

class Frame:
    __slots__ = ("idx", "src", "dst", "proto", "l4", "tos", "send_us", "arr_us",
                 "dup_of", "meta", "ips", "frag")

    def __init__(self, idx, src, dst, proto, l4, tos, send_us, arr_us, meta,
                 dup_of=None):
        self.idx = idx
        self.src = src
        self.dst = dst
        self.proto = proto
        self.l4 = l4
        self.tos = tos
        self.send_us = send_us
        self.arr_us = arr_us
        self.meta = meta
        self.dup_of = dup_of
        self.ips = None
        self.frag = None        # (mtu, delivery order of the fragments)


class Stream:
    """Truth-side description of one RTP sender (src, dst, ssrc)."""

    def __init__(self, call, src, sport, dst, dport, ssrc, codec):
        self.call = call
        self.src, self.sport, self.dst, self.dport = src, sport, dst, dport
        self.ssrc = ssrc
        self.codec = codec


class Capture:
    """Everything a scenario puts on the wire, and where it is captured."""

    def __init__(self, name, seed, link=link_ether, linktype=LINKTYPE_ETHERNET,
                 fmt="pcap", mtu=None):
        self.name = name
        self.rng = random.Random(seed)
        self.link = link
        self.linktype = linktype
        self.fmt = fmt
        self.mtu = mtu
        self.frames = []
        self.sip_log = []           # (capture time, order, message bytes)
        self.calls = []
        self.rtcp_truth = None
        self.apps_truth = None
        self.vq_truth = None        # {(src, dst): the stream's vq_report}
        # Past the capture point, before the receiver: {id(stream): (ext
        # seqs lost there, ext seqs duplicated there)}, and the truth of
        # the segments they make, {(src, dst): dict}.
        self.after_probe = {}
        self.segments_truth = None
        self.vq_counts = None       # the capture's vq_reports counts      # what the report's "apps" must be
        self.encap_state = None     # counters of an encapsulating network
        self.local_host = None
        self.t0_us = BASE_EPOCH_S * US_PER_S

    def at(self, seconds):
        """Absolute capture time in microseconds for a scenario offset."""
        return self.t0_us + int(round(seconds * US_PER_S))

    def _add(self, src, dst, proto, l4, tos, send_us, arr_us, meta):
        fr = Frame(len(self.frames), src, dst, proto, l4, tos, send_us, arr_us, meta)
        self.frames.append(fr)
        return fr

    def udp(self, src, sport, dst, dport, payload, send_us, arr_us=None,
            tos=0, meta=None):
        l4 = udp_segment(src.ip, dst.ip, sport, dport, payload)
        return self._add(src, dst, 17, l4, tos, send_us,
                         send_us if arr_us is None else arr_us, meta)

    def tcp(self, src, dst, l4, t_us, tos=TOS_SIP):
        return self._add(src, dst, 6, l4, tos, t_us, t_us, None)

    def duplicate(self, fr, arr_us):
        dup = Frame(len(self.frames), fr.src, fr.dst, fr.proto, fr.l4, fr.tos,
                    fr.send_us, arr_us, fr.meta, dup_of=fr)
        self.frames.append(dup)
        return dup

    def n_fragments(self, src, l4_len):
        if self.mtu is None or src.v6 or 20 + l4_len <= self.mtu:
            return 1
        chunk = (self.mtu - 20) // 8 * 8
        return -(-l4_len // chunk)

    def log_sip(self, t_us, message):
        self.sip_log.append((t_us, len(self.sip_log), message))

    def records(self):
        """Build IP packets and link frames; return them in arrival order."""
        # IPv4 identification counts up per sender in sending order, as a
        # stack would; a network duplicate is the same datagram.
        originals = sorted((f for f in self.frames if f.dup_of is None),
                           key=lambda f: (f.send_us, f.idx))
        for fr in originals:
            if fr.frag is not None:
                self._fragment_as_planned(fr)
                continue
            if fr.src.v6:
                fr.ips = [ipv6_packet(fr.src.ip, fr.dst.ip, fr.proto, fr.l4, fr.tos)]
                continue
            if fr.src.next_ip_id is None:
                fr.src.next_ip_id = self.rng.randint(0, 0xFFFF)
            ident = fr.src.next_ip_id
            fr.src.next_ip_id = (ident + 1) & 0xFFFF
            if self.n_fragments(fr.src, len(fr.l4)) > 1:
                fr.ips = ipv4_fragments(fr.src.ip, fr.dst.ip, fr.proto, fr.l4,
                                        ident, fr.tos, self.mtu)
            else:
                fr.ips = [ipv4_packet(fr.src.ip, fr.dst.ip, fr.proto, fr.l4,
                                      ident, fr.tos)]
        out = []
        for fr in self.frames:
            ips = fr.dup_of.ips if fr.dup_of is not None else fr.ips
            for k, ip in enumerate(ips):
                # Fragments leave back to back, 5 us apart.
                out.append((fr.arr_us + 5 * k, fr.idx, k, ip, fr))
        out.sort(key=lambda r: r[:3])
        # The link layer is built in capture order, so that the counters of
        # an encapsulating network (outer IP ids, GRE sequence) count up.
        return [(t, idx, k, self.link(self, fr, ip), fr) for t, idx, k, ip, fr in out]

    def _fragment_as_planned(self, fr):
        """Fragment fr as fr.frag says: (mtu, order), order listing fragment
        indexes in delivery order, repeats being duplicated fragments."""
        mtu, order = fr.frag
        if fr.src.v6:
            pieces = ipv6_fragments(fr.src.ip, fr.dst.ip, fr.proto, fr.l4,
                                    self.rng.getrandbits(32), fr.tos, mtu)
        else:
            if fr.src.next_ip_id is None:
                fr.src.next_ip_id = self.rng.randint(0, 0xFFFF)
            ident = fr.src.next_ip_id
            fr.src.next_ip_id = (ident + 1) & 0xFFFF
            pieces = ipv4_fragments(fr.src.ip, fr.dst.ip, fr.proto, fr.l4, ident,
                                    fr.tos, mtu)
        assert sorted(set(order)) == list(range(len(pieces))), "every fragment once"
        fr.ips = [pieces[i] for i in order]


# ---------------------------------------------------------------------------
# SIP
# ---------------------------------------------------------------------------

def hexid(rng, digits):
    return "%0*x" % (digits, rng.getrandbits(4 * digits))


class Endpoint:
    """A SIP user agent: who it is and where it listens."""

    def __init__(self, host, user, display=None, domain="example.com", port=5060):
        self.host = host
        self.user = user
        self.display = display
        self.domain = domain
        self.port = port

    @property
    def aor(self):
        return "sip:%s@%s" % (self.user, self.domain)


class UdpTransport:
    """SIP over UDP: one datagram per message."""
    name = "UDP"

    def __init__(self, cap):
        self.cap = cap

    def send(self, t_us, src, dst, message):
        self.cap.udp(src.host, src.port, dst.host, dst.port, message, t_us,
                     tos=TOS_SIP)
        l4_len = 8 + len(message)
        done = t_us + 5 * (self.cap.n_fragments(src.host, l4_len) - 1)
        self.cap.log_sip(done, message)

    def contact_param(self):
        return ""

    def via_port(self, ep):
        return ep.port


class TcpTransport:
    """SIP over one TCP connection from the caller's ephemeral port to the
    callee's 5060 (RFC 3261 18.2: responses return on the same connection).

    split: {message index: byte offset} cuts a message into two segments;
    cork()/uncork() gathers the messages sent in between into one segment.
    """
    name = "TCP"

    def __init__(self, cap, caller, callee, caller_port, split=None):
        self.cap = cap
        self.a, self.b = caller, callee
        self.ports = {caller: caller_port, callee: callee.port}
        self.seq = {caller: cap.rng.getrandbits(32), callee: cap.rng.getrandbits(32)}
        self.split = split or {}
        self.count = 0
        self.corked = None

    def _peer(self, ep):
        return self.b if ep is self.a else self.a

    def _segment(self, t_us, src, flags, payload=b"", options=b"", seq=None):
        """One segment from src at t_us.  With seq given, a segment sent
        out of its turn (or again) that leaves the send sequence alone."""
        dst = self._peer(src)
        ack = self.seq[dst] if flags & TCP_ACK else 0
        l4 = tcp_segment(src.host.ip, dst.host.ip, self.ports[src], self.ports[dst],
                         self.seq[src] if seq is None else seq, ack, flags, payload,
                         options=options)
        self.cap.tcp(src.host, dst.host, l4, t_us)
        if seq is None:
            self.seq[src] += len(payload) + (1 if flags & (TCP_SYN | TCP_FIN) else 0)

    def connect(self, t_us):
        mss = struct.pack("!BBH", 2, 4, 1460)
        self._segment(t_us, self.a, TCP_SYN, options=mss + b"\x01\x01\x04\x02")
        self._segment(t_us + 400, self.b, TCP_SYN | TCP_ACK,
                      options=mss + b"\x01\x01\x04\x02")
        self._segment(t_us + 800, self.a, TCP_ACK)
        return t_us + 1000

    def cork(self):
        self.corked = []

    def uncork(self, t_us):
        held, self.corked = self.corked, None
        src = held[0][0]
        self._segment(t_us, src, TCP_PSH | TCP_ACK, b"".join(m for _, m in held))
        for _, m in held:
            self.cap.log_sip(t_us, m)
        self._segment(t_us + 300, self._peer(src), TCP_ACK)

    def send(self, t_us, src, dst, message):
        index = self.count
        self.count += 1
        if self.corked is not None:
            self.corked.append((src, message))
            return
        cut = self.split.get(index)
        if cut:
            self._segment(t_us, src, TCP_PSH | TCP_ACK, message[:cut])
            t_us += 150
            self._segment(t_us, src, TCP_PSH | TCP_ACK, message[cut:])
        else:
            self._segment(t_us, src, TCP_PSH | TCP_ACK, message)
        self.cap.log_sip(t_us, message)
        self._segment(t_us + 300, dst, TCP_ACK)

    def contact_param(self):
        return ";transport=tcp"

    def via_port(self, ep):
        return self.ports[ep]


def ws_frame(opcode, payload, fin=True, key=None, rsv=0):
    """One WebSocket frame (RFC 6455 5.2), its length in the minimal form;
    masked with the 4-byte key when there is one (a client's frame)."""
    n = len(payload)
    head = bytes([(0x80 if fin else 0) | rsv | opcode])
    bit = 0x80 if key else 0
    if n < 126:
        head += bytes([bit | n])
    elif n < 65536:
        head += bytes([bit | 126]) + struct.pack("!H", n)
    else:
        head += bytes([bit | 127]) + struct.pack("!Q", n)
    if not key:
        return head + payload
    return head + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))


class WsTransport(TcpTransport):
    """SIP over WebSocket (RFC 7118): a TCP connection from the caller to the
    callee's port, opened by an HTTP Upgrade, then each SIP message in one
    WebSocket message.  The caller's frames are masked (a fresh key each),
    the callee's not, as RFC 6455 wants.  plan: {message index: how}, how
    one of "fragments" (three frames: text, then two continuations, in one
    segment), "split" (one frame cut over two segments), "ping" (a ping
    frame before it in its segment), "binary" (a binary frame)."""
    name = "WS"

    def __init__(self, cap, caller, callee, caller_port, plan=None):
        TcpTransport.__init__(self, cap, caller, callee, caller_port)
        self.plan = plan or {}

    def connect(self, t_us):
        t_us = TcpTransport.connect(self, t_us)
        key = base64.b64encode(self.cap.rng.randbytes(16)).decode()
        accept = base64.b64encode(hashlib.sha1(
            (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()).decode()
        host = "%s:%d" % (self.b.host.sip, self.ports[self.b])
        req = ("GET / HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\n"
               "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
               "Sec-WebSocket-Protocol: sip\r\nSec-WebSocket-Version: 13\r\n\r\n"
               % (host, key)).encode()
        rsp = ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
               "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n"
               "Sec-WebSocket-Protocol: sip\r\n\r\n" % accept).encode()
        self._segment(t_us, self.a, TCP_PSH | TCP_ACK, req)
        self._segment(t_us + 500, self.b, TCP_PSH | TCP_ACK, rsp)
        self._segment(t_us + 800, self.a, TCP_ACK)
        return t_us + 1000

    def frame(self, src, opcode, payload, fin=True):
        """One frame from src: masked from the caller, not from the callee."""
        key = self.cap.rng.randbytes(4) if src is self.a else None
        return ws_frame(opcode, payload, fin, key)

    def send(self, t_us, src, dst, message):
        index = self.count
        self.count += 1
        how = self.plan.get(index)
        if how == "fragments":
            a, b = len(message) // 3, 2 * len(message) // 3
            data = (self.frame(src, 1, message[:a], False)
                    + self.frame(src, 0, message[a:b], False)
                    + self.frame(src, 0, message[b:]))
        elif how == "ping":
            data = self.frame(src, 9, b"keepalive") + self.frame(src, 1, message)
        else:
            data = self.frame(src, 2 if how == "binary" else 1, message)
        if how == "split":
            self._segment(t_us, src, TCP_PSH | TCP_ACK, data[:100])
            t_us += 150
            self._segment(t_us, src, TCP_PSH | TCP_ACK, data[100:])
        else:
            self._segment(t_us, src, TCP_PSH | TCP_ACK, data)
        self.cap.log_sip(t_us, message)
        self._segment(t_us + 300, dst, TCP_ACK)

    def contact_param(self):
        return ";transport=ws"


class HardTcpTransport(TcpTransport):
    """SIP over TCP as a probe in the middle of a lossy path sees it.

    plan: {message index: (how, arg)}, how one of
      "split"       arg = [cut, ...]: the message in len(arg) + 1 segments,
                    150 us apart, in order;
      "reorder"     arg = cut: two segments, the second captured first (the
                    first took a slower path), the receiver's duplicate ACK
                    between them;
      "retransmit"  arg = ms: the segment again arg ms later, its ACK having
                    been lost beyond the capture point; then the ACK.
    A message's time is that of the segment that completes it in capture
    order.  close() ends the connection with FIN from each side.
    """

    def __init__(self, cap, caller, callee, caller_port, plan):
        TcpTransport.__init__(self, cap, caller, callee, caller_port)
        self.plan = plan

    def send(self, t_us, src, dst, message):
        how = self.plan.get(self.count)
        if how is None or self.corked is not None:
            TcpTransport.send(self, t_us, src, dst, message)
            return
        self.count += 1
        kind, arg = how
        data = TCP_PSH | TCP_ACK
        if kind == "split":
            bounds = [0] + list(arg) + [len(message)]
            for k in range(len(bounds) - 1):
                self._segment(t_us + 150 * k, src, data, message[bounds[k]:bounds[k + 1]])
            done = t_us + 150 * (len(bounds) - 2)
            self._segment(done + 300, dst, TCP_ACK)
        elif kind == "reorder":
            seq0 = self.seq[src]
            self._segment(t_us, src, data, message[arg:], seq=seq0 + arg)
            self._segment(t_us + 200, dst, TCP_ACK)          # duplicate ACK
            done = t_us + 450
            self._segment(done, src, data, message[:arg], seq=seq0)
            self.seq[src] = seq0 + len(message)
            self._segment(done + 300, dst, TCP_ACK)
        elif kind == "retransmit":
            seq0 = self.seq[src]
            self._segment(t_us, src, data, message)
            done = t_us
            self._segment(t_us + ms(arg), src, data, message, seq=seq0)
            self._segment(t_us + ms(arg) + 300, dst, TCP_ACK)
        else:
            raise ValueError(kind)
        self.cap.log_sip(done, message)

    def close(self, t_us, by_caller=True):
        """FIN, FIN, last ACK: the side that hangs up closes first."""
        first = self.a if by_caller else self.b
        self._segment(t_us, first, TCP_FIN | TCP_ACK)
        self._segment(t_us + 400, self._peer(first), TCP_FIN | TCP_ACK)
        self._segment(t_us + 800, first, TCP_ACK)


class FragUdpTransport(UdpTransport):
    """SIP over UDP where chosen messages are fragmented as planned.

    plan: {message index: (mtu, order)}: the datagram cut to fit mtu (IPv4
    fragments, or IPv6 ones with a Fragment header), the fragments delivered
    in `order` (indexes; one listed twice is a duplicated fragment), 5 us
    apart.  The message's time is that of the fragment completing it."""

    def __init__(self, cap, plan):
        UdpTransport.__init__(self, cap)
        self.plan = plan
        self.count = 0

    def send(self, t_us, src, dst, message):
        how = self.plan.get(self.count)
        self.count += 1
        if how is None:
            UdpTransport.send(self, t_us, src, dst, message)
            return
        fr = self.cap.udp(src.host, src.port, dst.host, dst.port, message, t_us,
                          tos=TOS_SIP)
        mtu, order = how
        fr.frag = (mtu, list(order))
        n = fragment_count(src.host.v6, 8 + len(message), mtu)
        seen = set()
        for pos, k in enumerate(order):
            seen.add(k)
            if len(seen) == n:
                break
        self.cap.log_sip(t_us + 5 * pos, message)


def sdp_body(ep, sess_id, version, port, pts, codecs_by_pt, extra=()):
    """An SDP offer or answer (RFC 4566/3264) for one audio stream."""
    family = "IP6" if ep.host.v6 else "IP4"
    addr = ep.host.ip.compressed
    lines = ["v=0",
             "o=%s %d %d IN %s %s" % (ep.user, sess_id, version, family, addr),
             "s=-",
             "c=IN %s %s" % (family, addr),
             "t=0 0",
             "m=audio %d RTP/AVP %s" % (port, " ".join(str(p) for p in pts))]
    for pt in pts:
        rtpmap, fmtp = codecs_by_pt[pt]
        lines.append("a=rtpmap:%d %s" % (pt, rtpmap))
        if fmtp:
            lines.append("a=fmtp:%d %s" % (pt, fmtp))
    lines += ["a=ptime:20"] + list(extra) + ["a=sendrecv"]
    return ("\r\n".join(lines) + "\r\n").encode()


# Formats a rich softphone offers besides the ones sent here (SDP only).
OFFER_ONLY = {3: ("GSM/8000", None), 97: ("iLBC/8000", "mode=30"),
              98: ("speex/16000", "vbr=on"), 99: ("speex/8000", "vbr=on"),
              100: ("AMR-WB/16000", "octet-align=1")}


def payload_map(te_rate=8000):
    m = dict(OFFER_ONLY)
    m.update({c.pt: (c.rtpmap, c.fmtp) for c in CODECS.values()})
    m[PT_CN] = ("CN/8000", None)
    m[PT_TELEPHONE_EVENT] = ("telephone-event/%d" % te_rate, "0-15")
    return m


class SipCall:
    """One dialog between a calling and a called user agent, message by
    message.  Methods take the capture time at which the message is sent."""

    def __init__(self, cap, caller, callee, caller_rtp=None, callee_rtp=None,
                 offer=(0, 8, 101), answer=(0, 101), te_rate=8000, transport=None,
                 offer_extra=(), answer_extra=()):
        rng = cap.rng
        self.cap = cap
        self.caller, self.callee = caller, callee
        self.tp = transport or UdpTransport(cap)
        self.call_id = "%s@%s" % (hexid(rng, 24),
                                  caller.domain if caller.host.v6 else caller.host.sip)
        self.from_tag = hexid(rng, 8)
        self.to_tag = hexid(rng, 8)
        self.cseq = rng.randint(1, 900)
        self.callee_cseq = rng.randint(1, 900)
        self.caller_rtp, self.callee_rtp = caller_rtp, callee_rtp
        self.offer, self.answer = offer, answer
        self.offer_extra = offer_extra
        self.answer_extra = answer_extra
        self.pts = payload_map(te_rate)
        self.sess = {caller: [rng.randint(10**8, 10**9), 1],
                     callee: [rng.randint(10**8, 10**9), 1]}
        self.inv = None             # the current INVITE (dict of its headers)
        self.codec = CODECS_BY_PT[answer[0]]
        cap.calls.append(self)

    # -- message assembly ---------------------------------------------------

    def _from(self):
        name = '"%s" ' % self.caller.display if self.caller.display else ""
        return "%s<%s>;tag=%s" % (name, self.caller.aor, self.from_tag)

    def _to(self, tag):
        name = '"%s" ' % self.callee.display if self.callee.display else ""
        if tag and not isinstance(tag, str):
            tag = self.to_tag
        return "%s<%s>%s" % (name, self.callee.aor, ";tag=" + tag if tag else "")

    def _contact(self, ep):
        return "<sip:%s@%s:%d%s>" % (ep.user, ep.host.sip, ep.port,
                                     self.tp.contact_param())

    def _sdp(self, ep, bump=False):
        s = self.sess[ep]
        if bump:
            s[1] += 1
        port = self.caller_rtp if ep is self.caller else self.callee_rtp
        if ep is self.caller:
            return sdp_body(ep, s[0], s[1], port, self.offer, self.pts, self.offer_extra)
        return sdp_body(ep, s[0], s[1], port, self.answer, self.pts, self.answer_extra)

    def _emit(self, t_us, src, dst, lines, body=b""):
        if body:
            lines.append("Content-Type: application/sdp")
        lines.append("Content-Length: %d" % len(body))
        self.tp.send(t_us, src, dst, ("\r\n".join(lines) + "\r\n\r\n").encode() + body)

    def request(self, t_us, method, by_caller=True, ruri=None, branch=None,
                cseq=None, to_tag=True, extra=(), body=b""):
        src, dst = (self.caller, self.callee) if by_caller else (self.callee, self.caller)
        if ruri is None:
            ruri = "sip:%s@%s:%d%s" % (dst.user, dst.host.sip, dst.port,
                                       self.tp.contact_param())
        if cseq is None:
            if by_caller:
                self.cseq += 1
                cseq = self.cseq
            else:
                self.callee_cseq += 1
                cseq = self.callee_cseq
        branch = branch or "z9hG4bK" + hexid(self.cap.rng, 12)
        via = "SIP/2.0/%s %s:%d;branch=%s;rport" % (self.tp.name, src.host.sip,
                                                      self.tp.via_port(src), branch)
        frm, to = self._from(), self._to(to_tag)
        if not by_caller:
            frm, to = to, frm
        req = dict(method=method, ruri=ruri, via=via, branch=branch, frm=frm, to=to,
                   cseq=cseq, src=src, dst=dst)
        lines = ["%s %s SIP/2.0" % (method, ruri), "Via: " + via, "Max-Forwards: 70",
                 "From: " + frm, "To: " + to, "Call-ID: " + self.call_id,
                 "CSeq: %d %s" % (cseq, method)]
        lines += list(extra)
        self._emit(t_us, src, dst, lines, body)
        return req

    def respond(self, t_us, req, code, reason, tag=True, contact=False, sdp=False,
                extra=()):
        to = req["to"]
        if tag and ";tag=" not in to:
            tag = tag if isinstance(tag, str) else self.to_tag
            to += ";tag=" + tag
        if req is self.inv and code >= 200:
            self.final_tag = tag    # what the ACK of a failure must echo
        lines = ["SIP/2.0 %d %s" % (code, reason),
                 "Via: " + req["via"].replace(
                     ";rport", ";rport=%d" % self.tp.via_port(req["src"])),
                 "From: " + req["frm"], "To: " + to, "Call-ID: " + self.call_id,
                 "CSeq: %d %s" % (req["cseq"], req["method"])]
        if contact:
            lines.append("Contact: " + self._contact(req["dst"]))
        lines += list(extra)
        self._emit(t_us, req["dst"], req["src"], lines,
                   self._sdp(req["dst"]) if sdp else b"")

    # -- dialog steps -------------------------------------------------------

    def invite(self, t_us, extra=()):
        """Initial INVITE with the SDP offer (a retry after a challenge keeps
        Call-ID and From tag and takes the next CSeq)."""
        lines = ["Contact: " + self._contact(self.caller),
                 "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE",
                 "Supported: replaces, timer",
                 "User-Agent: vqprobe-capgen/1"] + list(extra)
        self.inv = self.request(t_us, "INVITE", ruri=self.callee.aor, to_tag=False,
                                extra=lines, body=self._sdp(self.caller))
        return self.inv

    def reinvite(self, t_us):
        """In-dialog INVITE (new SDP version, same media): answered and ACKed."""
        self.inv = self.request(t_us, "INVITE",
                                extra=["Contact: " + self._contact(self.caller)],
                                body=self._sdp(self.caller, bump=True))
        return self.inv

    def trying(self, t_us):
        self.respond(t_us, self.inv, 100, "Trying", tag=False)

    def progress(self, t_us, code=180, early_sdp=False):
        reason = {180: "Ringing", 183: "Session Progress"}[code]
        self.respond(t_us, self.inv, code, reason, contact=True, sdp=early_sdp)

    def answer_call(self, t_us):
        self.respond(t_us, self.inv, 200, "OK", contact=True, sdp=True,
                     extra=["Allow: INVITE, ACK, CANCEL, BYE, OPTIONS",
                            "Server: vqprobe-capgen/1"])

    def reject(self, t_us, code, reason, extra=(), tag=True):
        self.respond(t_us, self.inv, code, reason, tag=tag, extra=extra)

    def ack(self, t_us, success=True):
        """ACK for a 2xx is a new transaction to the Contact; for a failure it
        belongs to the INVITE transaction (same branch and Request-URI)."""
        if success:
            self.request(t_us, "ACK", cseq=self.inv["cseq"])
        else:
            self.request(t_us, "ACK", ruri=self.inv["ruri"], branch=self.inv["branch"],
                         cseq=self.inv["cseq"], to_tag=self.final_tag)

    def cancel(self, t_us):
        self.cancel_req = self.request(t_us, "CANCEL", ruri=self.inv["ruri"],
                                       branch=self.inv["branch"],
                                       cseq=self.inv["cseq"], to_tag=False)
        return self.cancel_req

    def bye(self, t_us, by_caller=True):
        self.bye_req = self.request(t_us, "BYE", by_caller=by_caller)
        return self.bye_req

    def ok(self, t_us, req):
        self.respond(t_us, req, 200, "OK")


CODECS_BY_PT = {c.pt: c for c in CODECS.values()}
# G.726 at 32 kbit/s in AAL2 packing (RFC 3551 4.5.4), on a dynamic type:
# only scenario media_quirks sends it.
AAL2_G726_32 = Codec("AAL2-G726-32", 112, 8000, 160, "AAL2-G726-32/8000")
CODECS_BY_PT[AAL2_G726_32.pt] = AAL2_G726_32


# ---------------------------------------------------------------------------
# Building blocks of a call
# ---------------------------------------------------------------------------

def send_stream(cap, call, by_caller, start_us, n_slots, path, ssrc=None,
                seq0=None, ts0=None, events=(), silences=(), dtx=(), codec=None):
    """Generate one RTP sender's packets through `path` into the capture;
    return (last send time, last arrival time, the Stream)."""
    rng = cap.rng
    ssrc = rng.getrandbits(32) if ssrc is None else ssrc
    seq0 = rng.randint(0, 0xFFFF) if seq0 is None else seq0
    ts0 = rng.getrandbits(32) if ts0 is None else ts0
    src, sport = call.caller.host, call.caller_rtp
    dst, dport = call.callee.host, call.callee_rtp
    if not by_caller:
        src, sport, dst, dport = dst, dport, src, sport
    codec = codec or call.codec
    stream = Stream(call, src, sport, dst, dport, ssrc, codec)
    sends = rtp_sends(codec, by_caller, start_us, n_slots, ssrc, seq0, ts0,
                      events, silences, dtx, voice=codec is not TELEPHONE_EVENT)
    stream.start_us, stream.ts0, stream.sends = start_us, ts0, sends
    return sends[-1].t_us, transmit(cap, stream, sends, path), stream


def transmit(cap, stream, sends, path):
    """Put a sender's packets through `path` into the capture; return the
    last arrival time."""
    last_arr = 0
    for s, arr, dup_at in path.apply(cap.rng, sends):
        fr = cap.udp(stream.src, stream.sport, stream.dst, stream.dport, s.rtp,
                     s.t_us, arr, tos=TOS_RTP, meta=(stream, s.ext_seq, s.kind))
        last_arr = max(last_arr, arr)
        if dup_at is not None:
            cap.duplicate(fr, dup_at)
            last_arr = max(last_arr, dup_at)
    return last_arr


def rtp_padded(rtp, filler):
    """The packet with RFC 3550 5.1 padding: the P bit set and `filler`
    after the payload, then the count of padding octets, itself included.
    The filler's values are the sender's to choose; a receiver must ignore
    them."""
    return bytes([rtp[0] | 0x20]) + rtp[1:] + filler + bytes([len(filler) + 1])


def ms(value):
    return int(round(value * 1000))


def setup(cap, call, t_us, pdd_ms=250, answer_ms=2000, early_sdp=False):
    """INVITE, 100 Trying, 18x, 200 OK, ACK.  Returns (t_200, t_ack)."""
    rng = cap.rng
    call.invite(t_us)
    call.trying(t_us + ms(rng.uniform(2, 6)))
    call.progress(t_us + ms(pdd_ms), 183 if early_sdp else 180, early_sdp)
    t_ok = t_us + ms(answer_ms)
    call.answer_call(t_ok)
    t_ack = t_ok + ms(rng.uniform(1.5, 3))
    call.ack(t_ack)
    return t_ok, t_ack


def teardown(cap, call, t_us, by_caller=True):
    """BYE and its 200 OK."""
    req = call.bye(t_us, by_caller)
    call.ok(t_us + ms(cap.rng.uniform(1.5, 3)), req)


def media_call(cap, call, t_inv, media_s, fwd, rev, pdd_ms=250, answer_ms=2000,
               early_sdp=False, bye_by_caller=True, fwd_opts=None, rev_opts=None):
    """A whole answered call: setup, both RTP directions, BYE."""
    t_ok, t_ack = setup(cap, call, t_inv, pdd_ms, answer_ms, early_sdp)
    n = int(media_s * 50)
    # The callee talks as soon as it has answered, the caller after its ACK.
    last_rev = send_stream(cap, call, False, t_ok + ms(cap.rng.uniform(8, 20)), n,
                           rev, **(rev_opts or {}))
    last_fwd = send_stream(cap, call, True, t_ack + ms(cap.rng.uniform(5, 15)), n,
                           fwd, **(fwd_opts or {}))
    t_bye = max(last_rev[0], last_fwd[0]) + ms(80)
    t_bye = max(t_bye, last_rev[1] + ms(15), last_fwd[1] + ms(15))
    teardown(cap, call, t_bye, bye_by_caller)
    return t_bye


def two_hosts():
    return Host("10.0.0.1", 1), Host("10.0.0.2", 2)


def users(caller_host, callee_host, n=0):
    names = [("alice", "Alice"), ("bob", "Bob"), ("carol", "Carol"), ("dave", "Dave"),
             ("erin", "Erin"), ("frank", "Frank"), ("grace", "Grace"),
             ("heidi", "Heidi"), ("ivan", "Ivan"), ("judy", "Judy")]
    a, b = names[2 * n % 10], names[(2 * n + 1) % 10]
    return Endpoint(caller_host, *a), Endpoint(callee_host, *b)


# ---------------------------------------------------------------------------
# Scenarios
# ---------------------------------------------------------------------------

def one_call(cap, media_s, fwd, rev, **kw):
    """The common shape: alice at 10.0.0.1 calls bob at 10.0.0.2."""
    h1, h2 = two_hosts()
    cap.local_host = h1
    caller, callee = users(h1, h2)
    call = SipCall(cap, caller, callee, 40000, 50000, **kw.pop("sip", {}))
    media_call(cap, call, cap.at(0.1), media_s, fwd, rev, **kw)


def sc_demo(cap):
    h1, h2 = two_hosts()
    cap.local_host = h1
    rng = cap.rng
    # 1: clean PCMU call, hung up by the caller.
    a, b = users(h1, h2, 0)
    c1 = SipCall(cap, a, b, 40000, 50000)
    media_call(cap, c1, cap.at(0.10), 8, Path(**CLEAN), Path(**CLEAN),
               pdd_ms=rng.uniform(180, 320), answer_ms=rng.uniform(1800, 2600))
    # 2: PCMA call, early media answer in a 183; the callee->caller direction
    # crosses a bad link: Gilbert loss ~8 % with mean burst 4, ~30 ms jitter.
    a, b = users(h1, h2, 1)
    c2 = SipCall(cap, a, b, 40002, 50002, offer=(8, 0, 101), answer=(8, 101))
    media_call(cap, c2, cap.at(0.70), 12, Path(**CLEAN),
               Path(delay_ms=70, jitter_ms=27, gilbert=(0.0217, 0.25)),
               pdd_ms=rng.uniform(250, 450), answer_ms=rng.uniform(1500, 2200),
               early_sdp=True, bye_by_caller=False)
    # 3: 486 Busy Here straight after 100 Trying.
    a, b = users(h1, h2, 2)
    c3 = SipCall(cap, a, b, 40004, 50004)
    t = cap.at(4.2)
    c3.invite(t)
    c3.trying(t + ms(3.1))
    c3.reject(t + ms(142.6), 486, "Busy Here")
    c3.ack(t + ms(144.9), success=False)
    # 4: rings, then the caller gives up: CANCEL, 200, 487, ACK.
    a, b = users(h1, h2, 3)
    c4 = SipCall(cap, a, b, 40006, 50006)
    t = cap.at(9.0)
    c4.invite(t)
    c4.trying(t + ms(4.4))
    c4.progress(t + ms(351.2))
    cancel = c4.cancel(t + ms(6200))
    c4.ok(t + ms(6202.3), cancel)
    c4.reject(t + ms(6203.1), 487, "Request Terminated")
    c4.ack(t + ms(6205.0), success=False)


def sc_loss_random(cap):
    one_call(cap, 10, Path(delay_ms=25, jitter_ms=1.5, loss=0.03), Path(**CLEAN))


def sc_loss_gilbert(cap):
    one_call(cap, 15, Path(delay_ms=30, jitter_ms=2, gilbert=(0.02, 0.3)),
             Path(delay_ms=30, jitter_ms=2, gilbert=(0.012, 0.5)))


def sc_jitter_reorder(cap):
    one_call(cap, 10, Path(delay_ms=80, jitter_ms=25), Path(delay_ms=60, jitter_ms=10))


def sc_duplicates(cap):
    one_call(cap, 10, Path(delay_ms=20, jitter_ms=1, dup=0.02, loss=0.01),
             Path(delay_ms=20, jitter_ms=1, dup=0.02))


def sc_seq_wrap(cap):
    # Caller from 65400 (its 136th packet is seq 0), with seq 65535 and 0
    # lost and its RTP timestamp wrapping 2 s in; callee from 65500.
    one_call(cap, 10, Path(delay_ms=20, jitter_ms=1, loss=0.005, drop_ext=(65535, 65536)),
             Path(delay_ms=20, jitter_ms=1, loss=0.005, drop_ext=(65537,)),
             fwd_opts=dict(seq0=65400, ts0=(1 << 32) - 100 * 160),
             rev_opts=dict(seq0=65500))


def sc_ssrc_change(cap):
    """The caller re-INVITEs halfway (say, a transfer through a media server)
    and its RTP restarts with a new SSRC, sequence and timestamp base."""
    h1, h2 = two_hosts()
    cap.local_host = h1
    rng = cap.rng
    caller, callee = users(h1, h2)
    call = SipCall(cap, caller, callee, 40000, 50000)
    t_ok, t_ack = setup(cap, call, cap.at(0.1), 220, 1900)
    n = 500
    clean = Path(delay_ms=22, jitter_ms=1, loss=0.005)
    last_rev = send_stream(cap, call, False, t_ok + ms(12), n, clean)
    start = t_ack + ms(9)
    half = n // 2
    last1 = send_stream(cap, call, True, start, half, clean)
    t_re = last1[0] + ms(6)
    req = call.reinvite(t_re)
    call.respond(t_re + ms(2.2), req, 100, "Trying")
    call.respond(t_re + ms(31.5), req, 200, "OK", contact=True, sdp=True)
    call.ack(t_re + ms(33.4))
    last2 = send_stream(cap, call, True, start + half * SLOT_US, n - half, clean)
    t_bye = max(last_rev[0], last2[0]) + ms(80)
    t_bye = max(t_bye, last_rev[1] + ms(15), last2[1] + ms(15), last1[1] + ms(15))
    teardown(cap, call, t_bye)


def sc_dtmf_cn(cap):
    """Caller dials 1, 5, # (RFC 4733) and pauses; callee pauses twice (VAD
    with comfort noise)."""
    clean = dict(delay_ms=20, jitter_ms=0.8)
    events = [(100, 6, 1), (140, 5, 5), (180, 8, 11)]
    one_call(cap, 10, Path(**clean), Path(**clean),
             sip=dict(offer=(0, 8, 13, 101), answer=(0, 13, 101)),
             fwd_opts=dict(events=events, silences=[(300, 400)]),
             rev_opts=dict(silences=[(150, 260), (380, 420)]))


def sc_oneway(cap):
    one_call(cap, 10, Path(delay_ms=40, jitter_ms=12, loss=0.05), Path(**CLEAN))


def sc_codecs(cap):
    h1, h2 = two_hosts()
    cap.local_host = h1
    rng = cap.rng
    plans = [((9, 0, 8, 101), (9, 101), 8000, Path(**CLEAN), Path(**CLEAN)),
             ((111, 0, 8, 101), (111, 101), 48000,
              Path(delay_ms=25, jitter_ms=3, loss=0.01), Path(**CLEAN)),
             ((18, 0, 8, 101), (18, 101), 8000, Path(**CLEAN),
              Path(delay_ms=25, jitter_ms=3, loss=0.01))]
    for i, (offer, answer, te_rate, fwd, rev) in enumerate(plans):
        a, b = users(h1, h2, i)
        call = SipCall(cap, a, b, 40000 + 2 * i, 50000 + 2 * i, offer=offer,
                       answer=answer, te_rate=te_rate)
        media_call(cap, call, cap.at(0.1 + 2.0 * i), 6, fwd, rev,
                   pdd_ms=rng.uniform(150, 300), answer_ms=rng.uniform(1200, 2000))


def sc_sip_port_5999(cap):
    """Two calls whose SIP runs between port 5999 on both sides: nothing
    about it is on a well-known port, so only its content says SIP."""
    h1, h2 = two_hosts()
    cap.local_host = h1
    for n, t in ((0, 0.1), (1, 3.0)):
        a, b = users(h1, h2, n)
        a.port = b.port = 5999
        call = SipCall(cap, a, b, 40000 + 2 * n, 50000 + 2 * n)
        media_call(cap, call, cap.at(t), 6, Path(delay_ms=30, jitter_ms=3, loss=0.02),
                   Path(**CLEAN), bye_by_caller=(n == 0))


def sc_ipv6(cap):
    h1, h2 = Host("2001:db8:10::1", 1), Host("2001:db8:20::2", 2)
    cap.local_host = h1
    caller, callee = users(h1, h2)
    call = SipCall(cap, caller, callee, 40000, 50000)
    media_call(cap, call, cap.at(0.1), 10, Path(delay_ms=25, jitter_ms=2, loss=0.01),
               Path(delay_ms=25, jitter_ms=2, loss=0.01))


def sc_link(cap):
    """The call every link-type scenario carries (same seed, same figures)."""
    one_call(cap, 6, Path(delay_ms=20, jitter_ms=1.5, loss=0.01),
             Path(delay_ms=20, jitter_ms=1.5, loss=0.005))


def sc_failures(cap):
    """Calls that never connect: 404, 486 after ringing, 302 redirect, CANCEL
    (487), 503 from a proxy.  No media."""
    h1, h2 = two_hosts()
    cap.local_host = h1
    t = cap.at(0.1)
    plans = [(404, "Not Found", False, ()),
             (486, "Busy Here", True, ()),
             (302, "Moved Temporarily", False, ("Contact: <sip:bob@10.0.0.3:5060>",)),
             (487, "Request Terminated", True, ()),
             (503, "Service Unavailable", False, ("Retry-After: 30",))]
    for i, (code, reason, ring, extra) in enumerate(plans):
        a, b = users(h1, h2, i)
        call = SipCall(cap, a, b, 40000 + 2 * i, 50000 + 2 * i)
        call.invite(t)
        if code != 302:
            call.trying(t + ms(3.5))
        if ring:
            call.progress(t + ms(280.4 + 13 * i))
        if code == 487:
            cancel = call.cancel(t + ms(4000))
            call.ok(t + ms(4002.2), cancel)
            t_final = t + ms(4003.0)
        else:
            t_final = t + ms(2500 if ring else 60.7 + 10 * i)
        call.reject(t_final, code, reason, extra=extra)
        call.ack(t_final + ms(2.1), success=False)
        t += ms(5000)


def digest(user, realm, password, method, uri, nonce):
    ha1 = hashlib.md5(("%s:%s:%s" % (user, realm, password)).encode()).hexdigest()
    ha2 = hashlib.md5(("%s:%s" % (method, uri)).encode()).hexdigest()
    return hashlib.md5(("%s:%s:%s" % (ha1, nonce, ha2)).encode()).hexdigest()


def sc_sip_auth(cap):
    """The first INVITE is challenged (407), ACKed, and retried with
    credentials: one call, final code 200, PDD and setup from the first
    INVITE."""
    h1, h2 = two_hosts()
    cap.local_host = h1
    rng = cap.rng
    caller, callee = users(h1, h2)
    call = SipCall(cap, caller, callee, 40000, 50000)
    t = cap.at(0.1)
    call.invite(t)
    nonce = hexid(rng, 32)
    realm = "example.com"
    call.reject(t + ms(4.2), 407, "Proxy Authentication Required",
                tag=hexid(rng, 10), extra=['Proxy-Authenticate: Digest realm="%s", nonce="%s", '
                       'algorithm=MD5' % (realm, nonce)])
    call.ack(t + ms(6.0), success=False)
    uri = callee.aor
    auth = ('Proxy-Authorization: Digest username="alice", realm="%s", nonce="%s", '
            'uri="%s", response="%s", algorithm=MD5'
            % (realm, nonce, uri, digest("alice", realm, "secret", "INVITE", uri, nonce)))
    t2 = t + ms(9.5)
    call.invite(t2, extra=[auth])
    call.trying(t2 + ms(3.3))
    call.progress(t2 + ms(301.7))
    t_ok = t2 + ms(2410.4)
    call.answer_call(t_ok)
    call.ack(t_ok + ms(2.0))
    path = Path(delay_ms=20, jitter_ms=1, loss=0.005)
    r = send_stream(cap, call, False, t_ok + ms(11), 300, path)
    f = send_stream(cap, call, True, t_ok + ms(9), 300, path)
    teardown(cap, call, max(r[0], f[0], r[1], f[1]) + ms(90), by_caller=False)


def sc_sip_tcp(cap):
    """SIP over TCP: the INVITE split over two segments mid-header, 100 and
    180 coalesced into one segment."""
    h1, h2 = two_hosts()
    cap.local_host = h1
    rng = cap.rng
    caller, callee = users(h1, h2)
    tp = TcpTransport(cap, caller, callee, 49733, split={0: 200})
    call = SipCall(cap, caller, callee, 40000, 50000, transport=tp)
    t = tp.connect(cap.at(0.1))
    call.invite(t)
    tp.cork()
    call.trying(t + ms(1.5))
    call.progress(t + ms(1.9))
    tp.uncork(t + ms(2.0))
    t_ok = t + ms(1750.2)
    call.answer_call(t_ok)
    call.ack(t_ok + ms(1.8))
    path = Path(delay_ms=20, jitter_ms=1, loss=0.005)
    r = send_stream(cap, call, False, t_ok + ms(10), 400, path)
    f = send_stream(cap, call, True, t_ok + ms(12), 400, path)
    teardown(cap, call, max(r[0], f[0], r[1], f[1]) + ms(90))


def sc_sip_ws(cap):
    """SIP over WebSocket (RFC 7118) from a browser phone to its proxy on
    port 8080: the HTTP Upgrade, then the caller's masked frames and the
    proxy's unmasked ones; the INVITE in three fragments, the 180 cut over
    two segments, a ping before the 200 OK, the ACK in a binary frame.
    Media over UDP as usual."""
    h1, h2 = two_hosts()
    cap.local_host = h1
    caller, callee = users(h1, h2)
    callee.port = 8080
    tp = WsTransport(cap, caller, callee, 51000,
                     plan={0: "fragments", 2: "split", 3: "ping", 4: "binary"})
    call = SipCall(cap, caller, callee, 40000, 50000, transport=tp)
    t = tp.connect(cap.at(0.1))
    t_ok, t_ack = setup(cap, call, t, 240, 1600)
    path = Path(delay_ms=20, jitter_ms=1, loss=0.01)
    r = send_stream(cap, call, False, t_ok + ms(10), 300, path)
    f = send_stream(cap, call, True, t_ack + ms(12), 300, path)
    teardown(cap, call, max(r[0], f[0], r[1], f[1]) + ms(90))


def sc_ip_frag(cap):
    """An INVITE too big for a 1500-byte MTU, sent over UDP as two IPv4
    fragments: a softphone offering many codecs with ICE candidates and the
    usual optional headers."""
    rng = cap.rng
    h1, h2 = two_hosts()
    cap.local_host = h1
    caller, callee = users(h1, h2)
    ufrag, pwd = hexid(rng, 8), hexid(rng, 24)
    ice = ["a=ice-ufrag:" + ufrag, "a=ice-pwd:" + pwd]
    for i, (kind, addr, prio) in enumerate([("host", "10.0.0.1", 2130706431),
                                            ("host", "192.168.56.1", 2130706175),
                                            ("srflx", "198.51.100.7", 1694498815),
                                            ("relay", "203.0.113.20", 16777215)]):
        for comp in (1, 2):
            rel = "" if kind == "host" else " raddr 10.0.0.1 rport %d" % (40000 + comp - 1)
            ice.append("a=candidate:%d %d UDP %d %s %d typ %s%s"
                       % (i + 1, comp, prio - comp + 1, addr, 40000 + comp - 1
                          if kind == "host" else 51000 + 2 * i + comp, kind, rel))
    call = SipCall(cap, caller, callee, 40000, 50000,
                   offer=(111, 9, 0, 8, 18, 3, 97, 98, 99, 100, 13, 101),
                   offer_extra=ice)
    extra = ['P-Preferred-Identity: "Alice" <sip:alice@example.com>',
             "Session-Expires: 1800;refresher=uac", "Min-SE: 90",
             "Allow-Events: talk, hold, conference, refer, check-sync",
             "Accept: application/sdp, application/dtmf-relay",
             "Accept-Language: en", "Privacy: none"]
    t = cap.at(0.1)
    call.invite(t, extra=extra)
    call.trying(t + ms(3.0))
    call.progress(t + ms(190.2))
    t_ok = t + ms(1600.8)
    call.answer_call(t_ok)
    call.ack(t_ok + ms(2.2))
    path = Path(delay_ms=20, jitter_ms=1, loss=0.005)
    r = send_stream(cap, call, False, t_ok + ms(10), 300, path)
    f = send_stream(cap, call, True, t_ok + ms(12), 300, path)
    teardown(cap, call, max(r[0], f[0], r[1], f[1]) + ms(90))


# ---------------------------------------------------------------------------
# RTCP (RFC 3550 section 6): sender reports whose report blocks describe what
# the reporter really received, as seen in this capture
# ---------------------------------------------------------------------------

NTP_UNIX_OFFSET_S = 2208988800


def ntp64(t_us):
    """(seconds since 1900, 32-bit fraction) of a capture time."""
    sec, frac_us = divmod(t_us, US_PER_S)
    return sec + NTP_UNIX_OFFSET_S, (frac_us << 32) // US_PER_S


def ntp_middle(t_us):
    """The middle 32 bits of the NTP timestamp (LSR/DLSR's unit: 1/65536 s)."""
    sec, frac = ntp64(t_us)
    return ((sec & 0xFFFF) << 16) | (frac >> 16)


def rtcp_header(count, pt, body):
    assert len(body) % 4 == 0
    return struct.pack("!BBH", 0x80 | count, pt, len(body) // 4) + body


class ReceiverCounts:
    """What an RFC 3550 receiver counts of a stream (A.3, A.8): the packets
    received (a duplicate too), the base and highest extended numbers, the
    interarrival jitter; and the report block made from them.  lowest_base:
    the base goes down to a late packet's number (else it stays the first
    one received, as A.1's base_seq)."""

    def __init__(self, clock_hz, lowest_base=True):
        self.clock = clock_hz
        self.lowest_base = lowest_base
        self.base = None
        self.max_ext = None
        self.received = 0
        self.jitter = 0.0
        self.last = None            # (arrival in ts units, rtp ts)
        self.prior_expected = self.prior_received = 0

    def take(self, arr_us, ext, rtp_ts, copies=1):
        """One packet (copies: arriving that many times at once)."""
        self.received += copies
        if self.base is None:
            self.base = ext
        elif self.lowest_base:
            self.base = min(self.base, ext)
        self.max_ext = ext if self.max_ext is None else max(self.max_ext, ext)
        r = arr_us * self.clock / US_PER_S
        if self.last is not None:
            transit_delta = (r - self.last[0]) - (((rtp_ts - self.last[1] + (1 << 31))
                                                    & 0xFFFFFFFF) - (1 << 31))
            self.jitter += (abs(transit_delta) - self.jitter) / 16
        self.last = (r, rtp_ts)

    def block(self):
        """(fraction lost, cumulative lost, extended highest seq, jitter)."""
        expected = self.max_ext - self.base + 1
        lost = expected - self.received
        exp_int = expected - self.prior_expected
        lost_int = exp_int - (self.received - self.prior_received)
        self.prior_expected, self.prior_received = expected, self.received
        fraction = (lost_int << 8) // exp_int if exp_int > 0 and lost_int > 0 else 0
        lost = max(-0x800000, min(0x7FFFFF, lost))
        return min(fraction, 255), lost, self.max_ext, int(self.jitter)


class Receiver(ReceiverCounts):
    """A reporter's view of the stream it receives, fed with the packets in
    the order they were captured, less those lost past the capture point
    (cap.after_probe), with those duplicated there twice."""

    def __init__(self, cap, stream):
        super().__init__(stream.codec.clock_rate)
        self.arrivals = sorted(((f.arr_us, f.idx, f.meta[1], f.l4) for f in cap.frames
                                if f.meta is not None and f.meta[0] is stream))
        self.pos = 0
        self.seen = set()
        self.after_lost, self.after_dup = cap.after_probe.get(id(stream),
                                                              (set(), set()))

    def advance(self, t_us):
        """Take every packet that arrived by t_us; False if none ever did."""
        while self.pos < len(self.arrivals) and self.arrivals[self.pos][0] <= t_us:
            arr, _, ext, l4 = self.arrivals[self.pos]
            self.pos += 1
            if ext in self.after_lost:
                continue
            self.seen.add(ext)
            self.take(arr, ext, struct.unpack_from("!I", l4, 8 + 4)[0],
                      2 if ext in self.after_dup else 1)
        return self.base is not None


def rfc3611_burst_gap(received, low, high, ms_per_packet=20, gmin=16):
    """RFC 3611 4.7.2 burst and gap metrics of the range low..high given the
    set of sequence numbers received, with the Appendix A.2 state machine
    (Gmin 16): (burst density, gap density, burst ms, gap ms).  Densities
    are fractions of 256 (truncated, at most 255), durations whole ms.  With
    no burst yet (c13 = 0): no burst, the gap is the whole range."""
    c11 = c13 = c14 = c22 = c23 = c33 = 0
    run = 0                     # packets received since the last loss
    burst_losses = 0            # losses in the current burst (0: in a gap)
    for ext in range(low, high + 1):
        if ext in received:
            run += 1
            continue
        if run >= gmin:         # a long enough run closes a burst
            if burst_losses == 1:
                c14 += 1        # a gap loss: gap -> loss -> gap
            else:
                c13 += 1        # a new burst starts
            burst_losses = 1
            c11 += run
        else:
            burst_losses += 1
            if run == 0:
                c33 += 1
            else:
                c23 += 1
                c22 += run - 1
        run = 0
    if c13 == 0:
        lost = (high - low + 1) - len(received)
        return 0, min(255, 256 * lost // (high - low + 1)), 0, \
            (high - low + 1) * ms_per_packet
    c31, c32 = c13, c23
    ctotal = c11 + c14 + c13 + c22 + c23 + c31 + c32 + c33
    p32 = c32 / (c31 + c32 + c33)
    p23 = 1.0 if c22 + c23 < 1 else 1 - c22 / (c22 + c23)
    burst_density = 256 * p23 / (p23 + p32) if p23 + p32 > 0 else 0
    gap_density = 256 * c14 / (c11 + c14) if c11 + c14 > 0 else 0
    gap_ms = (c11 + c14 + c13) * ms_per_packet / c13
    burst_ms = ctotal * ms_per_packet / c13 - gap_ms
    return (min(255, int(burst_density)), min(255, int(gap_density)),
            int(burst_ms), int(gap_ms))


def r_to_mos(r):
    """ITU-T G.107 Annex B."""
    if r <= 0:
        return 1.0
    if r >= 100:
        return 4.5
    return max(1.0, 1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r))


def voip_metrics_block(rx, source_ssrc, rtt_ms):
    """An RFC 3611 4.7 VoIP Metrics block (BT 7) about the stream rx has
    received so far, and its truth entry.  Loss rate and burst/gap figures
    come from the packets received; discards 0 (no jitter-buffer model on
    this side); R from a reduced G.107 (93.2 - Ie_eff, G.711 with PLC: Ie 0,
    Bpl 25.1, Ppl and BurstR of the received range, no delay impairment at
    these delays); MOS-LQ = MOS-CQ = Annex B of R; the rest fixed values a
    phone would report: end-system delay 40 ms, signal -20 dBm0, noise -65
    dBm0, RERL and extended R unavailable (127), Gmin 16, RX config PLC
    standard + fixed jitter buffer of 60 ms."""
    low, high = rx.base, rx.max_ext
    expected = high - low + 1
    lost = expected - len(rx.seen)
    loss_rate = min(255, 256 * lost // expected)
    bd, gd, b_ms, g_ms = rfc3611_burst_gap(rx.seen, low, high)
    ppl = 100.0 * lost / expected
    burst_r = burst_ratio(rx.seen, low, high)
    ie_eff = (95 * ppl / (ppl / burst_r + 25.1)) if ppl > 0 else 0.0
    r = int(round(93.2 - ie_eff))
    mos10 = int(round(10 * r_to_mos(r)))
    rtt = int(round(rtt_ms)) if rtt_ms is not None else 0
    signal, noise, rerl, gmin, ext_r = -20, -65, 127, 16, 127
    rx_config = (3 << 6) | (2 << 4)     # PLC standard, JB non-adaptive, rate 0
    jb = (60, 60, 60)
    body = struct.pack("!IBBBBHHHHbbBBBBBBBBHHH", source_ssrc, loss_rate, 0, bd, gd,
                       b_ms, g_ms, rtt, 40, signal, noise, rerl, gmin, r, ext_r,
                       mos10, mos10, rx_config, 0, *jb)
    block = struct.pack("!BBH", 7, 0, len(body) // 4) + body
    entry = dict(ssrc="0x%08x" % source_ssrc, loss_rate=loss_rate, discard_rate=0,
                 burst_density=bd, gap_density=gd, burst_duration_ms=b_ms,
                 gap_duration_ms=g_ms, round_trip_delay_ms=rtt,
                 end_system_delay_ms=40, signal_level_dbm=signal,
                 noise_level_dbm=noise, rerl=rerl, gmin=gmin, r_factor=r,
                 ext_r_factor=ext_r, mos_lq=mos10 / 10, mos_cq=mos10 / 10,
                 rx_config=rx_config, jb_nominal_ms=jb[0], jb_maximum_ms=jb[1],
                 jb_abs_max_ms=jb[2])
    return block, entry


def rtcp_session(cap, call, fwd_stream, rev_stream, t_end_us, path, interval_s=5.0,
                 xr=False, rtcp_ports=None):
    """Both sides' RTCP on RTP port + 1, or from and to the ports rtcp_ports
    gives by RTP port (what their a=rtcp said): an SR + SDES compound about every
    interval_s (randomised 0.5-1.5 as RFC 3550 6.3.1 asks, the first
    interval halved), the last one at t_end_us with a BYE.  A side that has
    sent no RTP in the last two intervals reports with an RR instead of an
    SR (RFC 3550 6.4).  xr: each compound also carries an RTCP XR (RFC 3611)
    with a VoIP Metrics block about the stream the side receives, and the
    truth entries say "type" and "xr".  Sets cap.rtcp_truth."""
    rng = cap.rng
    interval_us = interval_s * 1e6
    sides = []
    for stream, other, ep in ((fwd_stream, rev_stream, call.caller),
                              (rev_stream, fwd_stream, call.callee)):
        t = stream.start_us + int(interval_us / 2 * rng.uniform(0.5, 1.5))
        times = []
        while t < t_end_us - 1000000:
            times.append(t)
            t += int(interval_us * rng.uniform(0.5, 1.5))
        times.append(t_end_us + rng.randint(0, 2000))
        sides.append(dict(stream=stream, other=other, ep=ep, rx=Receiver(cap, other),
                          times=times, last_sr=None, rtt=[]))
    events = sorted((t, i, k == len(sd["times"]) - 1)
                    for i, sd in enumerate(sides) for k, t in enumerate(sd["times"]))
    arrived_srs = []                # (arrival, sender ssrc, ntp middle of its send)
    truth_entries = []
    for t, i, last in events:
        sd = sides[i]
        stream, other = sd["stream"], sd["other"]
        sent = [s for s in stream.sends if s.t_us <= t]
        octets = sum(len(s.rtp) - 12 for s in sent)
        is_sender = bool(sent) and sent[-1].t_us > t - 2 * interval_us
        rtp_ts = stream.ts0 + (t - stream.start_us) * stream.codec.clock_rate // US_PER_S
        sec, frac = ntp64(t)
        if is_sender:
            body = struct.pack("!IIIIII", stream.ssrc, sec, frac, rtp_ts & 0xFFFFFFFF,
                               len(sent), octets)
        else:
            body = struct.pack("!I", stream.ssrc)
        blocks = []
        if sd["rx"].advance(t):
            fraction, cum, ext_max, jitter = sd["rx"].block()
            srs = [a for a in arrived_srs if a[1] == other.ssrc and a[0] <= t]
            lsr = dlsr = 0
            if srs:
                arr, _, lsr = srs[-1]
                dlsr = (t - arr) * 65536 // US_PER_S
            body += struct.pack("!IIIIII", other.ssrc,
                                (fraction << 24) | (cum & 0xFFFFFF),
                                ext_max & 0xFFFFFFFF, jitter, lsr, dlsr)
            blocks.append(dict(ssrc="0x%08x" % other.ssrc, fraction_lost=fraction,
                               cumulative_lost=cum, ext_highest_seq=ext_max & 0xFFFFFFFF,
                               jitter=jitter, lsr=lsr, dlsr=dlsr))
        packet = rtcp_header(len(blocks), 200 if is_sender else 201, body)
        cname = ("%s@%s" % (sd["ep"].user, sd["ep"].host.ip.compressed)).encode()
        chunk = struct.pack("!IBB", stream.ssrc, 1, len(cname)) + cname + b"\0"
        chunk += b"\0" * ((-len(chunk)) % 4)
        packet += rtcp_header(1, 202, chunk)
        xr_entries = []
        if xr and sd["rx"].base is not None:
            known = [r for when, r in sd["rtt"] if when <= t]
            block, entry = voip_metrics_block(sd["rx"], other.ssrc,
                                              known[-1] if known else None)
            # XR header: V=2, reserved bits 0, PT 207; the reporter's SSRC.
            packet += rtcp_header(0, 207, struct.pack("!I", stream.ssrc) + block)
            xr_entries.append(entry)
        if last:
            packet += rtcp_header(1, 203, struct.pack("!I", stream.ssrc))
        delay = int(path.delay_ms * 1000)
        sport, dport = stream.sport + 1, stream.dport + 1
        if rtcp_ports is not None:
            sport, dport = rtcp_ports[stream.sport], rtcp_ports[stream.dport]
        cap.udp(stream.src, sport, stream.dst, dport, packet, t, t + delay, tos=TOS_RTP)
        if is_sender:
            arrived_srs.append((t + delay, stream.ssrc, ntp_middle(t)))
        for b in blocks:
            if b["lsr"]:
                rtt = ((ntp_middle(t + delay) - b["lsr"] - b["dlsr"]) & 0xFFFFFFFF) / 65.536
                b["rtt_ms"] = round(rtt, 3)
                # The other side learns its round trip from this report.
                sides[1 - i]["rtt"].append((t + delay, b["rtt_ms"]))
            else:
                b["rtt_ms"] = None
        entry = dict(src=stream.src.hostport(sport), dst=stream.dst.hostport(dport),
                     time=round((t + delay) / US_PER_S, 6),
                     sender_ssrc="0x%08x" % stream.ssrc,
                     sender_packets=len(sent) if is_sender else None,
                     sender_octets=octets if is_sender else None,
                     report_blocks=blocks, bye=last)
        if xr:
            entry = dict(type="SR" if is_sender else "RR", **entry, xr=xr_entries)
        truth_entries.append(entry)
    cap.rtcp_truth = sorted(truth_entries, key=lambda e: e["time"])


def sc_rtcp(cap):
    """A call whose two sides send RTCP sender reports: the caller->callee
    direction loses 2 %, so the callee's reports show it; RTT from LSR/DLSR
    is the two one-way delays (20 ms + 30 ms)."""
    h1, h2 = two_hosts()
    cap.local_host = h1
    caller, callee = users(h1, h2)
    call = SipCall(cap, caller, callee, 40000, 50000)
    t_ok, t_ack = setup(cap, call, cap.at(0.1), 260, 1800)
    fwd_path = Path(delay_ms=20, jitter_ms=4, loss=0.02)
    rev_path = Path(delay_ms=30, jitter_ms=2, loss=0.005)
    rev = send_stream(cap, call, False, t_ok + ms(14), 600, rev_path)
    fwd = send_stream(cap, call, True, t_ack + ms(8), 600, fwd_path)
    t_end = max(rev[0], fwd[0]) + ms(40)
    t_bye = max(t_end + ms(60), rev[1] + ms(15), fwd[1] + ms(15))
    # Both paths give RTCP the base delay of the caller's path; the RTT the
    # reports measure is then 2 x 20 ms.
    rtcp_session(cap, call, fwd[2], rev[2], t_end, Path(delay_ms=20, jitter_ms=0))
    teardown(cap, call, t_bye)


def sc_evidence_10(cap):
    """Ten overlapping calls whose caller->callee media crosses a bursty
    link (Gilbert-Elliott, about 9 % loss in bursts of about 3) while the
    callee->caller media is clean; both sides send RTCP, so the callee's
    reports see the loss too.  For the evidence report's checks."""
    h1, h2 = two_hosts()
    cap.local_host = h1
    rng = cap.rng
    for i in range(10):
        a, b = users(h1, h2, i)
        call = SipCall(cap, a, b, 40000 + 2 * i, 50000 + 2 * i)
        t_ok, t_ack = setup(cap, call, cap.at(0.1 + 1.5 * i),
                            rng.uniform(150, 300), rng.uniform(1200, 2000))
        fwd_path = Path(delay_ms=30, jitter_ms=4, gilbert=(0.03, 0.3))
        rev_path = Path(**CLEAN)
        n = 8 * 50
        rev = send_stream(cap, call, False, t_ok + ms(rng.uniform(8, 20)), n, rev_path)
        fwd = send_stream(cap, call, True, t_ack + ms(rng.uniform(5, 15)), n, fwd_path)
        t_end = max(rev[0], fwd[0]) + ms(40)
        t_bye = max(t_end + ms(60), rev[1] + ms(15), fwd[1] + ms(15))
        rtcp_session(cap, call, fwd[2], rev[2], t_end, Path(delay_ms=20, jitter_ms=0),
                     interval_s=2.0)
        teardown(cap, call, t_bye)


def sc_link_v6(cap):
    """sc_link's call over IPv6 (for a tunnel that carries IPv6)."""
    h1, h2 = Host("2001:db8:10::1", 1), Host("2001:db8:20::2", 2)
    cap.local_host = h1
    caller, callee = users(h1, h2)
    call = SipCall(cap, caller, callee, 40000, 50000)
    media_call(cap, call, cap.at(0.1), 6, Path(delay_ms=20, jitter_ms=1.5, loss=0.01),
               Path(delay_ms=20, jitter_ms=1.5, loss=0.005))


def sc_sip_tcp_hard(cap):
    """SIP over one TCP connection with everything a reassembler must get
    right: handshake; the INVITE in three segments; 100 Trying and 180
    Ringing in one segment; the 200 OK in two segments captured in reverse
    order (a duplicate ACK between them); the ACK request's segment
    retransmitted 210 ms later; BYE, 200 OK, then FIN from both sides."""
    h1, h2 = two_hosts()
    cap.local_host = h1
    caller, callee = users(h1, h2)
    # Messages: 0 INVITE, 1 100, 2 180, 3 200, 4 ACK, 5 BYE, 6 200.
    tp = HardTcpTransport(cap, caller, callee, 50122,
                          plan={0: ("split", [180, 610]), 3: ("reorder", 300),
                                4: ("retransmit", 210)})
    call = SipCall(cap, caller, callee, 40000, 50000, transport=tp)
    t = tp.connect(cap.at(0.1))
    call.invite(t)
    tp.cork()
    call.trying(t + ms(1.2))
    call.progress(t + ms(1.6))
    tp.uncork(t + ms(1.7))
    t_ok = t + ms(2310.4)
    call.answer_call(t_ok)
    call.ack(t_ok + ms(1.9))
    path = Path(delay_ms=20, jitter_ms=1.5, loss=0.01)
    r = send_stream(cap, call, False, t_ok + ms(10), 250, path)
    f = send_stream(cap, call, True, t_ok + ms(12), 250, path)
    t_bye = max(r[0], f[0], r[1], f[1]) + ms(90)
    teardown(cap, call, t_bye)
    tp.close(t_bye + ms(20))


def long_offer_sdp(rng, v4_addr, port):
    """What a WebRTC-capable softphone puts in an offer: ICE candidates on
    every interface, RTCP feedback, header extensions, SSRC attributes."""
    ufrag, pwd = hexid(rng, 8), hexid(rng, 24)
    lines = ["a=ice-ufrag:" + ufrag, "a=ice-pwd:" + pwd, "a=ice-options:trickle"]
    cands = [("host", v4_addr, 2130706431), ("host", "192.168.56.1", 2130706175),
             ("host", "172.17.0.1", 2130705919), ("host", "2001:db8:10::1", 2130705663),
             ("host", "fd00:1:2::1", 2130705407), ("srflx", "198.51.100.7", 1694498815),
             ("srflx", "2001:db8:ffff::7", 1694498559), ("relay", "203.0.113.20", 16777215),
             ("relay", "2001:db8:beef::20", 16776959)]
    for i, (kind, addr, prio) in enumerate(cands):
        for comp in (1, 2):
            rel = "" if kind == "host" else " raddr %s rport %d" % (v4_addr, port + comp - 1)
            cport = port + comp - 1 if kind == "host" else 51000 + 2 * i + comp
            lines.append("a=candidate:%d %d UDP %d %s %d typ %s%s generation 0"
                         % (i + 1, comp, prio - comp + 1, addr, cport, kind, rel))
    lines += ["a=rtcp:%d IN IP4 %s" % (port + 1, v4_addr),
              "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level",
              "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
              "a=rtcp-fb:111 transport-cc", "a=rtcp-xr:voip-metrics"]
    ssrc, cname = rng.getrandbits(32), hexid(rng, 16)
    lines += ["a=ssrc:%d cname:%s" % (ssrc, cname),
              "a=ssrc:%d msid:%s %s" % (ssrc, hexid(rng, 16), hexid(rng, 16)),
              "a=ssrc:%d label:%s" % (ssrc, hexid(rng, 16))]
    return lines


def sc_ip_frag_hard(cap):
    """Two calls.  Over IPv4, an INVITE whose long SDP needs three fragments
    at a 1280-byte MTU, delivered last, first, last again (a duplicate),
    middle.  Over IPv6, a 200 OK whose long SDP answer needs two fragments
    (Fragment header) at 1280, delivered last one first."""
    rng = cap.rng
    h1, h2 = two_hosts()
    cap.local_host = h1
    caller, callee = users(h1, h2)
    call = SipCall(cap, caller, callee, 40000, 50000,
                   offer=(111, 9, 0, 8, 18, 3, 97, 98, 99, 100, 13, 101),
                   offer_extra=long_offer_sdp(rng, "10.0.0.1", 40000),
                   transport=FragUdpTransport(cap, {0: (1280, (2, 0, 2, 1))}))
    extra = ['P-Preferred-Identity: "Alice" <sip:alice@example.com>',
             "Session-Expires: 1800;refresher=uac", "Min-SE: 90",
             "Allow-Events: talk, hold, conference, refer, check-sync",
             "Accept: application/sdp, application/dtmf-relay",
             "Accept-Language: en", "Privacy: none"]
    t = cap.at(0.1)
    call.invite(t, extra=extra)
    call.trying(t + ms(2.7))
    call.progress(t + ms(210.5))
    t_ok = t + ms(1450.3)
    call.answer_call(t_ok)
    call.ack(t_ok + ms(2.4))
    path = Path(delay_ms=20, jitter_ms=1, loss=0.015)
    r = send_stream(cap, call, False, t_ok + ms(10), 250, path)
    f = send_stream(cap, call, True, t_ok + ms(12), 250, path)
    teardown(cap, call, max(r[0], f[0], r[1], f[1]) + ms(90))

    h3, h4 = Host("2001:db8:10::3", 3), Host("2001:db8:20::4", 4)
    caller, callee = users(h3, h4, 1)
    answer = ["a=ice-ufrag:" + hexid(rng, 8), "a=ice-pwd:" + hexid(rng, 24)]
    for i, addr in enumerate(["2001:db8:20::4", "fd00:2:3::4", "2001:db8:ffff::9",
                              "2001:db8:beef::21"]):
        for comp in (1, 2):
            answer.append("a=candidate:%d %d UDP %d %s %d typ %s generation 0"
                          % (i + 1, comp, 2130706431 - 256 * i - comp + 1, addr,
                             50002 + comp - 1, "host" if i < 2 else "relay"))
    answer += ["a=rtcp-xr:voip-metrics", "a=ssrc:%d cname:%s"
               % (rng.getrandbits(32), hexid(rng, 16))]
    answer += ["a=x-vendor-note:%s" % hexid(rng, 60) for _ in range(6)]
    call = SipCall(cap, caller, callee, 40002, 50002, answer_extra=answer,
                   transport=FragUdpTransport(cap, {3: (1280, (1, 0))}))
    t = cap.at(7.0)
    call.invite(t)
    call.trying(t + ms(3.1))
    call.progress(t + ms(180.6))
    t_ok = t + ms(1720.9)
    call.answer_call(t_ok)
    call.ack(t_ok + ms(2.0))
    path = Path(delay_ms=25, jitter_ms=1, loss=0.01)
    r = send_stream(cap, call, False, t_ok + ms(10), 250, path)
    f = send_stream(cap, call, True, t_ok + ms(12), 250, path)
    teardown(cap, call, max(r[0], f[0], r[1], f[1]) + ms(90))


def sc_rtcp_xr(cap):
    """RTCP every ~2 s from both sides, each compound SR or RR + SDES + XR
    with a VoIP Metrics block (RFC 3611 4.7) about the stream it receives.
    The caller->callee path loses in bursts (Gilbert), the other 1 %; the
    callee goes silent without comfort noise (DTX) from 3 s to 11 s, so
    its reports in that time are RRs.  Truth: every compound as written,
    the XR blocks' values included."""
    h1, h2 = two_hosts()
    cap.local_host = h1
    caller, callee = users(h1, h2)
    call = SipCall(cap, caller, callee, 40000, 50000)
    t_ok, t_ack = setup(cap, call, cap.at(0.1), 240, 1500)
    fwd_path = Path(delay_ms=20, jitter_ms=3, gilbert=(0.02, 0.35))
    rev_path = Path(delay_ms=20, jitter_ms=2, loss=0.01)
    rev = send_stream(cap, call, False, t_ok + ms(12), 700, rev_path, dtx=[(150, 550)])
    fwd = send_stream(cap, call, True, t_ack + ms(8), 700, fwd_path)
    t_end = max(rev[0], fwd[0]) + ms(40)
    t_bye = max(t_end + ms(60), rev[1] + ms(15), fwd[1] + ms(15))
    rtcp_session(cap, call, fwd[2], rev[2], t_end, Path(delay_ms=20, jitter_ms=0),
                 interval_s=2.0, xr=True)
    teardown(cap, call, t_bye)


def sc_rtcp_attr(cap):
    """RTCP where a=rtcp (RFC 3605) puts it, not on RTP port + 1: the caller
    announces RTP on 40000 and RTCP on 40101, the callee RTP on 50000 and
    RTCP on 50203 with the address given.  Both send symmetric RTCP, from
    their own RTCP port to the other's; the callee->caller path loses 1 %.
    Truth: each report lands on the stream it is about (its far end), the
    RTCP is no stream of its own, and no packet is left to the application
    counts, which are for traffic no call explains."""
    h1, h2 = two_hosts()
    cap.local_host = h1
    cap.apps_truth = []
    caller, callee = users(h1, h2)
    call = SipCall(cap, caller, callee, 40000, 50000,
                   offer_extra=["a=rtcp:40101"],
                   answer_extra=["a=rtcp:50203 IN IP4 %s" % h2.ip.compressed])
    t_ok, t_ack = setup(cap, call, cap.at(0.1), 230, 1400)
    rev = send_stream(cap, call, False, t_ok + ms(12), 400,
                      Path(delay_ms=20, jitter_ms=2, loss=0.01))
    fwd = send_stream(cap, call, True, t_ack + ms(8), 400, Path(delay_ms=20, jitter_ms=1))
    t_end = max(rev[0], fwd[0]) + ms(40)
    t_bye = max(t_end + ms(60), rev[1] + ms(15), fwd[1] + ms(15))
    rtcp_session(cap, call, fwd[2], rev[2], t_end, Path(delay_ms=20, jitter_ms=0),
                 interval_s=2.0, rtcp_ports={40000: 40101, 50000: 50203})
    teardown(cap, call, t_bye)


def sc_events_only(cap):
    """A DTMF generator as the caller (like SIPp playing dtmf_2833_1.pcap):
    its RTP is RFC 4733 events only (1, 2, 3, #), each ending with its end
    packet sent three times; the callee answers with plain PCMU.  No loss."""
    h1, h2 = two_hosts()
    cap.local_host = h1
    caller, callee = users(h1, h2)
    call = SipCall(cap, caller, callee, 40000, 50000)
    t_ok, t_ack = setup(cap, call, cap.at(0.1), 200, 1200)
    clean = Path(delay_ms=20, jitter_ms=0.8)
    events = [(25, 8, 1), (75, 6, 2), (125, 10, 3), (175, 7, 11)]
    fwd = send_stream(cap, call, True, t_ack + ms(10), 200, clean, events=events,
                      codec=TELEPHONE_EVENT)
    rev = send_stream(cap, call, False, t_ok + ms(12), 250, Path(delay_ms=20, jitter_ms=0.8))
    teardown(cap, call, max(fwd[0], rev[0], fwd[1], rev[1]) + ms(90))


def sc_unsignalled_padded(cap):
    """RTP that no SIP or SDP announces, every packet padded (P bit, 4
    octets: 3 of filler, then the count).  One host is a DTMF generator
    sending RFC 4733 events only (4, 7, #); the other answers with G.729 and
    dials 9 in it.  Classifying a dynamic payload type as events must look
    at the payload, not at the padding after it.  No loss.  Over IPv6, so
    that a snaplen of 60 still cuts a header: over IPv4 these frames keep
    every header at 54 bytes, and only SIP would be cut there."""
    h1, h2 = Host("2001:db8:10::1", 1), Host("2001:db8:20::2", 2)
    cap.local_host = h1
    rng = cap.rng
    clean = Path(delay_ms=20, jitter_ms=0.8)
    padded = {}
    for src, sport, dst, dport, start_s, n_slots, codec, events in (
            (h1, 40000, h2, 50000, 0.1, 30, TELEPHONE_EVENT,
             [(0, 6, 4), (10, 5, 7), (20, 7, 11)]),
            (h2, 50000, h1, 40000, 0.112, 40, CODECS["G729"], [(15, 5, 9)])):
        stream = Stream(None, src, sport, dst, dport, rng.getrandbits(32), codec)
        sends = rtp_sends(codec, src is h1, cap.at(start_s), n_slots, stream.ssrc,
                          rng.randint(0, 0xFFFF), rng.getrandbits(32), events,
                          voice=codec is not TELEPHONE_EVENT)
        # An event's repeated end packet is the same bytes, padding and all.
        for s in sends:
            if s.rtp not in padded:
                padded[s.rtp] = rtp_padded(s.rtp, rng.randbytes(3))
            s.rtp = padded[s.rtp]
        transmit(cap, stream, sends, clean)


def sc_unsignalled_span(cap):
    """RTP that no SIP or SDP announces, captured where a span port or tap
    sees some packets twice: each stream's first packet is captured twice,
    the copy 0.2 ms later.  One way a mobile leg on a dynamic payload type
    nobody names (96, 20 ms) loses 2.8 s of packets in an outage (140 in a
    row); the other way PCMA loses its second packet.  Gaps need no clock
    rate: the truth has each stream's max_delta_ms.  At the end the PCMA
    receiver sends an RR about it, from RTP port + 1, followed by 3 stray
    bytes: the compound is kept (its report is the stream's far end), the
    tail counted malformed.  Over IPv6, as unsignalled_padded, so that a
    snaplen of 60 still cuts a header."""
    h1, h2 = Host("2001:db8:10::1", 1), Host("2001:db8:20::2", 2)
    cap.local_host = h1
    cap.truth_max_delta = True
    rng = cap.rng
    streams = []
    for src, sport, dst, dport, start_s, codec, drops in (
            (h1, 40000, h2, 50000, 0.1, UNNAMED_96, range(50, 190)),
            (h2, 50000, h1, 40000, 0.112, CODECS["PCMA"], (1,))):
        seq0, ssrc = rng.randint(0, 0xFFFF), rng.getrandbits(32)
        stream = Stream(None, src, sport, dst, dport, ssrc, codec)
        sends = rtp_sends(codec, src is h1, cap.at(start_s), 300, ssrc, seq0,
                          rng.getrandbits(32))
        path = Path(delay_ms=20, jitter_ms=0.5, drop_ext={seq0 + i for i in drops})
        for i, (snd, arr, _) in enumerate(path.apply(rng, sends)):
            fr = cap.udp(src, sport, dst, dport, snd.rtp, snd.t_us, arr, tos=TOS_RTP,
                         meta=(stream, snd.ext_seq, snd.kind))
            if i == 0:
                cap.duplicate(fr, arr + 200)
        streams.append(stream)
    mine, pcma = streams
    t = cap.at(6.5)
    rx = Receiver(cap, pcma)
    rx.advance(t)
    fraction, cum, ext_max, jitter = rx.block()
    rr = rtcp_header(1, 201, struct.pack("!IIIIIII", mine.ssrc, pcma.ssrc,
                                         (fraction << 24) | (cum & 0xFFFFFF),
                                         ext_max & 0xFFFFFFFF, jitter, 0, 0))
    cap.udp(h1, 40001, h2, 50001, rr + b"\x00\x00\x00", t, t + ms(20), tos=TOS_RTP)
    cap.rtcp_truth = [dict(
        src=h1.hostport(40001), dst=h2.hostport(50001),
        time=round((t + ms(20)) / US_PER_S, 6), sender_ssrc="0x%08x" % mine.ssrc,
        sender_packets=None, sender_octets=None, bye=False,
        report_blocks=[dict(ssrc="0x%08x" % pcma.ssrc, fraction_lost=fraction,
                            cumulative_lost=cum, ext_highest_seq=ext_max & 0xFFFFFFFF,
                            jitter=jitter, lsr=0, dlsr=0, rtt_ms=None)])]


def sc_media_quirks(cap):
    """Media as real phones describe and send it.  The first call's SDP
    spells PCMA in lower case ("pcma/8000": encoding names are
    case-insensitive), and both phones send 5-byte NAT keep-alives to the
    other's media port, once the call is answered and every 2 s during the
    media (6 in all: not RTP, not broken RTP).  The second call sends
    G.726-32 in AAL2 packing (AAL2-G726-32, PT 112), rated as G.726.  The
    truth has the capture's not_rtp_packets."""
    h1, h2 = two_hosts()
    cap.local_host = h1
    rng = cap.rng
    a, b = users(h1, h2, 0)
    call = SipCall(cap, a, b, 40000, 50000, offer=(8, 101), answer=(8, 101))
    call.pts[8] = ("pcma/8000", None)
    media_call(cap, call, cap.at(0.1), 6, Path(**CLEAN), Path(**CLEAN),
               pdd_ms=200, answer_ms=1500)
    keepalive = b"\x00\x00\x00\x00\x00"
    for t in (3.0, 5.0, 7.0):
        for src, sport, dst, dport in ((h1, 40000, h2, 50000), (h2, 50000, h1, 40000)):
            send = cap.at(t) + ms(rng.uniform(0, 5))
            cap.udp(src, sport, dst, dport, keepalive, send, send + ms(20))
    cap.truth_not_rtp = 6
    a, b = users(h1, h2, 1)
    call = SipCall(cap, a, b, 40002, 50002, offer=(112, 101), answer=(112, 101))
    call.pts[112] = (AAL2_G726_32.rtpmap, None)
    media_call(cap, call, cap.at(10.0), 6, Path(**CLEAN), Path(**CLEAN))


def sc_rtcp_relay(cap):
    """A media relay (a B2BUA, as an SBC is) between two phones, both of
    its legs captured: alice (10.0.0.1) calls the relay (10.0.0.5), which
    calls bob (10.0.0.2), and forwards the media keeping each sender's
    SSRC, sequence numbers and timestamps on the other leg.  Each leg's
    ends send RTCP to each other (the relay terminates it), so every
    SSRC is reported on twice, once per leg, by different receivers:
    alice's stream loses 2 % to the relay and bob's 1 % on leg 2, with
    different losses on each leg.  RTCP must land on its own leg's
    stream, not by SSRC alone on whichever came last."""
    h1, h2 = two_hosts()
    relay = Host("10.0.0.5", 5)
    cap.local_host = h1
    rng = cap.rng
    alice, bob = users(h1, h2)
    r_in = Endpoint(relay, "sbc-in")
    r_out = Endpoint(relay, "sbc-out")
    leg1 = SipCall(cap, alice, r_in, 40000, 30000)
    leg2 = SipCall(cap, r_out, bob, 30002, 50000)
    t1_ok, t1_ack = setup(cap, leg1, cap.at(0.1), 300, 1800)
    t2_ok, t2_ack = setup(cap, leg2, cap.at(0.1) + ms(5), 250, 1750)
    x, y = rng.getrandbits(32), rng.getrandbits(32)
    xs, ys = rng.randint(0, 0xFFFF), rng.randint(0, 0xFFFF)
    xt, yt = rng.getrandbits(32), rng.getrandbits(32)
    start = max(t1_ack, t2_ack) + ms(10)
    n = 500
    legs = []
    for call, fwd_path, rev_path, skew in (
            (leg1, Path(delay_ms=20, jitter_ms=3, loss=0.02), Path(**CLEAN), 0),
            (leg2, Path(delay_ms=15, jitter_ms=2, loss=0.01),
             Path(delay_ms=25, jitter_ms=3, loss=0.03), ms(2))):
        fwd = send_stream(cap, call, True, start + skew, n, fwd_path,
                          ssrc=x, seq0=xs, ts0=xt)
        rev = send_stream(cap, call, False, start + ms(7) - skew, n, rev_path,
                          ssrc=y, seq0=ys, ts0=yt)
        legs.append((call, fwd, rev))
    t_end = max(max(f[0], r[0]) for _, f, r in legs) + ms(40)
    entries = []
    for call, fwd, rev in legs:
        rtcp_session(cap, call, fwd[2], rev[2], t_end, Path(delay_ms=20, jitter_ms=0))
        entries += cap.rtcp_truth
    cap.rtcp_truth = sorted(entries, key=lambda e: e["time"])
    t_bye = max(max(f[1], r[1]) for _, f, r in legs) + ms(100)
    teardown(cap, leg1, t_bye)
    teardown(cap, leg2, t_bye + ms(4))


def sc_segments(cap):
    """Loss on both sides of the capture point.  alice (10.0.0.1) calls bob
    (10.0.0.2); the probe sits between them.  alice's media loses 2 % on
    its way to the probe, then 9 packets the probe saw (one burst of 4)
    are lost and 2 duplicated between the probe and bob, whose RTCP
    reports count them: 9 - 2 = 7 lost after the probe (a duplicate is
    negative loss to RFC 3550).  bob's media loses in bursts before the
    probe and nothing after it.  A second call has no RTCP at all: what
    happened after the probe is unknown."""
    h1, h2 = two_hosts()
    cap.local_host = h1
    rng = cap.rng
    caller, callee = users(h1, h2)
    call = SipCall(cap, caller, callee, 40000, 50000)
    t_ok, t_ack = setup(cap, call, cap.at(0.1), 260, 1800)
    fwd_path = Path(delay_ms=20, jitter_ms=3, loss=0.02)
    rev_path = Path(delay_ms=25, jitter_ms=2, gilbert=(0.03, 0.3))
    rev = send_stream(cap, call, False, t_ok + ms(14), 600, rev_path)
    fwd = send_stream(cap, call, True, t_ack + ms(8), 600, fwd_path)
    seen = sorted({f.meta[1] for f in cap.frames
                   if f.meta is not None and f.meta[0] is fwd[2]})
    middle = seen[10:-10]
    at = rng.randrange(0, len(middle) - 40)
    burst = middle[at:at + 4]
    rest = [x for x in middle if x not in burst]
    lost = set(burst) | set(rng.sample(rest, 5))
    dup = set(rng.sample([x for x in rest if x not in lost], 2))
    cap.after_probe[id(fwd[2])] = (lost, dup)
    t_end = max(rev[0], fwd[0]) + ms(40)
    t_bye = max(t_end + ms(60), rev[1] + ms(15), fwd[1] + ms(15))
    rtcp_session(cap, call, fwd[2], rev[2], t_end, Path(delay_ms=20, jitter_ms=0))
    teardown(cap, call, t_bye)

    quiet = SipCall(cap, caller, callee, 40010, 50010)
    q_ok, q_ack = setup(cap, quiet, cap.at(0.5), 240, 1500)
    q_rev = send_stream(cap, quiet, False, q_ok + ms(12), 300,
                        Path(delay_ms=20, jitter_ms=1, loss=0.01))
    q_fwd = send_stream(cap, quiet, True, q_ack + ms(9), 300, Path(**CLEAN))
    teardown(cap, quiet, max(q_rev[1], q_fwd[1]) + ms(60))

    def key(stream):
        return (stream.src.hostport(stream.sport), stream.dst.hostport(stream.dport))

    cap.segments_truth = {
        key(fwd[2]): dict(after_lost=len(lost) - len(dup), after_source="rtcp"),
        key(rev[2]): dict(after_lost=0, after_source="rtcp"),
        key(q_fwd[2]): dict(after_lost=None, after_source=None),
        key(q_rev[2]): dict(after_lost=None, after_source=None)}


def sc_unsignalled_srtp(cap):
    """Encrypted media no SDP describes (SRTP keeps the RTP header clear):
    two streams on dynamic payload type 111 whose payloads are random
    bytes, half of them 4 to 16 bytes long (comfort noise and DTX frames
    with their tags), some of which fit the shape of an RFC 4733 event by
    chance; no events are sent.  The third stream, the other way, sends a
    real digit (PT 101, three packets and the end repeated) between
    voice.  The truth says each stream's events.  Over IPv6, so that a
    snaplen of 60 still cuts a header."""
    h1, h2 = Host("2001:db8:10::1", 1), Host("2001:db8:20::2", 2)
    cap.local_host = h1
    cap.truth_events = True
    rng = cap.rng
    clean = Path(delay_ms=20, jitter_ms=0.5)
    for src, sport, dst, dport, start_s in ((h1, 40000, h2, 50000, 0.1),
                                            (h1, 40002, h2, 50002, 0.105)):
        ssrc, seq0, ts0 = rng.getrandbits(32), rng.randint(0, 0xFFFF), rng.getrandbits(32)
        stream = Stream(None, src, sport, dst, dport, ssrc, UNNAMED_111)
        sends = []
        for k in range(400):
            size = rng.choice((4, 8, 12, 16)) if rng.random() < 0.5 else rng.randint(60, 80)
            rtp = rtp_header(k == 0, 111, seq0 + k, ts0 + 960 * k, ssrc) + rng.randbytes(size)
            sends.append(Send(cap.at(start_s) + k * SLOT_US, rtp, seq0 + k, "voice"))
        transmit(cap, stream, sends, clean)
    stream = Stream(None, h2, 50004, h1, 40004, rng.getrandbits(32), CODECS["PCMU"])
    sends = rtp_sends(CODECS["PCMU"], False, cap.at(0.11), 100, stream.ssrc,
                      rng.randint(0, 0xFFFF), rng.getrandbits(32), [(40, 3, 5)])
    transmit(cap, stream, sends, clean)


VQ_METRIC_LINES = (
    ("JitterBuffer", (("JBN", "jb_nominal_ms"), ("JBM", "jb_max_ms"),
                      ("JBX", "jb_abs_max_ms"))),
    ("PacketLoss", (("NLR", "loss_pct"), ("JDR", "discard_pct"))),
    ("BurstGapLoss", (("BLD", "burst_density_pct"), ("BD", "burst_ms"),
                      ("GLD", "gap_density_pct"), ("GD", "gap_ms"), ("GMIN", "gmin"))),
    ("Delay", (("RTD", "rtt_ms"), ("ESD", "end_system_delay_ms"),
               ("OWD", "one_way_delay_ms"), ("SOWD", "symm_one_way_delay_ms"),
               ("IAJ", "jitter_ms"), ("MAJ", "mean_abs_jitter_ms"))),
    ("QualityEst", (("RLQ", "r_lq"), ("RCQ", "r_cq"), ("MOSLQ", "mos_lq"),
                    ("MOSCQ", "mos_cq"))))


def vq_metrics_lines(values):
    """An RFC 6035 metrics block's lines from {param: text}, each line in
    the order RFC 6035 lists them, params not given left out; with the
    lines the phone writes and vqprobe does not read (SessionDesc,
    Signal, the estimation algorithm)."""
    lines = ["Timestamps: START=2026-12-04T10:00:00Z STOP=2026-12-04T10:00:12Z",
             'SessionDesc: PT=0 PD=PCMU SR=8000 FD=20 FPP=1 PPS=50 FMTP="" PLC=3 SSUP=off']
    for line, params in VQ_METRIC_LINES:
        pairs = ["%s=%s" % (k, values[k]) for k, _ in params if k in values]
        if line == "QualityEst" and pairs:
            pairs.append("QoEEstAlg=P.564")
        if pairs:
            lines.append("%s: %s" % (line, " ".join(pairs)))
    lines.append("Signal: SL=127 NL=127 RERL=127")
    return lines


def vq_truth_values(values):
    """What a report's block says, as vqprobe's JSON keys: every key,
    null where the block gave none."""
    out = {}
    for _, params in VQ_METRIC_LINES:
        for k, key in params:
            out[key] = float(values[k]) if k in values else None
    return out


def vq_body(kind, call_id, local, remote, local_metrics=None, remote_metrics=None):
    """An RFC 6035 report body.  local and remote: (ip, port, ssrc)."""
    lines = [kind, "CallID: " + call_id,
             "LocalID: <sip:alice@example.com>", "RemoteID: <sip:bob@example.com>",
             "OrigID: <sip:alice@example.com>", "LocalGroup: capgen-phones",
             "RemoteGroup: capgen-phones",
             "LocalAddr: IP=%s PORT=%d SSRC=0x%08X" % local,
             "LocalMAC: 02:00:00:00:00:01",
             "RemoteAddr: IP=%s PORT=%d SSRC=0x%08X" % remote]
    if local_metrics is not None:
        lines += ["LocalMetrics:"] + vq_metrics_lines(local_metrics)
    if remote_metrics is not None:
        lines += ["RemoteMetrics:"] + vq_metrics_lines(remote_metrics)
    lines.append("DialogID: %s;to-tag=1;from-tag=2" % call_id)
    return ("\r\n".join(lines) + "\r\n").encode()


def publish_report(cap, reporter, collector, t_us, body, method="PUBLISH"):
    """The reporter's PUBLISH (or NOTIFY) of a report to the collector, in a
    dialog of its own (RFC 6035 6.1: Event vq-rtcpxr), and the collector's
    200 OK."""
    rng = cap.rng
    cid, tag, branch = hexid(rng, 20), hexid(rng, 8), "z9hG4bK" + hexid(rng, 12)
    via = "SIP/2.0/UDP %s:%d;branch=%s" % (reporter.host.sip, reporter.port, branch)
    frm = "<%s>;tag=%s" % (reporter.aor, tag)
    to = "<sip:collector@%s>" % collector.domain
    head = ["%s sip:collector@%s SIP/2.0" % (method, collector.host.sip), "Via: " + via,
            "Max-Forwards: 70", "From: " + frm, "To: " + to, "Call-ID: " + cid,
            "CSeq: 1 " + method, "Event: vq-rtcpxr",
            "Content-Type: application/vq-rtcpxr", "Content-Length: %d" % len(body)]
    tp = UdpTransport(cap)
    tp.send(t_us, reporter, collector, ("\r\n".join(head) + "\r\n\r\n").encode() + body)
    ok = ["SIP/2.0 200 OK", "Via: " + via, "From: " + frm, "To: %s;tag=%s" % (to, hexid(rng, 8)),
          "Call-ID: " + cid, "CSeq: 1 " + method, "Content-Length: 0"]
    tp.send(t_us + ms(2), collector, reporter, ("\r\n".join(ok) + "\r\n\r\n").encode())


def sc_vq_report(cap):
    """The phones' own reports (RFC 6035) beside the media they describe.
    Call 1: alice (behind a NAT: she reports her private address, the probe
    sees 10.0.0.1) and bob talk 12 s with loss both ways; bob PUBLISHes an
    interval report mid-call and a session report after the BYE, alice a
    session report (by NOTIFY) too.  The stream bob to alice is then
    described twice: by alice, its receiver (LocalMetrics), and before her
    by bob, its sender relaying alice's RTCP XR (RemoteMetrics); the
    receiver's own figures are the ones kept.  Alice to bob, three times:
    bob's interval and session reports (the later kept), then alice's
    relayed copy, which does not replace them.  Alice's report is matched by SSRC, her
    address being the NAT's inside.  Call 2 is answered and hung up; its
    report names a Call-ID nobody saw, and arrives 20 s after the call's
    last packet, when it is long over: both count as unmatched.  The truth
    gives each stream's report and the counts."""
    h1, h2 = two_hosts()
    collector_host = Host("10.0.0.9", 9)
    cap.local_host = h1
    rng = cap.rng
    alice, bob = users(h1, h2)
    collector = Endpoint(collector_host, "collector")
    call = SipCall(cap, alice, bob, 40000, 50000)
    t_ok, t_ack = setup(cap, call, cap.at(0.1))
    n = 600
    fwd = send_stream(cap, call, True, t_ack + ms(10), n, Path(delay_ms=20, jitter_ms=2,
                                                               loss=0.03))
    rev = send_stream(cap, call, False, t_ok + ms(12), n, Path(delay_ms=20, jitter_ms=4,
                                                               loss=0.01))
    a_ssrc, b_ssrc = fwd[2].ssrc, rev[2].ssrc
    alice_nat = ("192.168.1.10", 40000, a_ssrc)
    bob_addr = ("10.0.0.2", 50000, b_ssrc)
    alice_seen = ("10.0.0.1", 40000, a_ssrc)
    # Mid-call, bob on what he receives (alice -> bob) so far.
    interval = {"NLR": "2.5", "JDR": "0.5", "IAJ": "3", "MOSLQ": "3.9", "RLQ": "80"}
    publish_report(cap, bob, collector, t_ack + ms(6000), vq_body(
        "VQIntervalReport", call.call_id, bob_addr, alice_seen, interval))
    t_bye = max(fwd[0], rev[0]) + ms(80)
    t_bye = max(t_bye, fwd[1] + ms(15), rev[1] + ms(15))
    teardown(cap, call, t_bye)
    # Bob's session report: his own view of alice -> bob, and alice's view
    # of bob -> alice as her RTCP XR told him.
    bob_local = {"NLR": "3.0", "JDR": "0.8", "BLD": "0.0", "BD": "0", "GLD": "3.0",
                 "GD": "11900", "GMIN": "16", "JBN": "40", "JBM": "80", "JBX": "200",
                 "RTD": "42", "ESD": "60", "IAJ": "2", "MAJ": "1", "RLQ": "78",
                 "RCQ": "77", "MOSLQ": "3.9", "MOSCQ": "3.8"}
    bob_remote = {"NLR": "0.9", "JDR": "0.2", "RLQ": "88", "MOSLQ": "4.1"}
    publish_report(cap, bob, collector, t_bye + ms(300), vq_body(
        "VQSessionReport: CallTerm", call.call_id, bob_addr, alice_seen,
        bob_local, bob_remote))
    # Alice's session report, through her NAT: her view of bob -> alice.
    alice_local = {"NLR": "1.0", "JDR": "0.3", "RTD": "41", "IAJ": "4", "MOSLQ": "4.2",
                   "MOSCQ": "4.1", "RLQ": "89", "RCQ": "86", "OWD": "21"}
    publish_report(cap, alice, collector, t_bye + ms(450), vq_body(
        "VQSessionReport: CallTerm", call.call_id, alice_nat, bob_addr,
        alice_local, {"NLR": "2.9"}), method="NOTIFY")
    # A report on a call nobody saw.
    publish_report(cap, bob, collector, t_bye + ms(600), vq_body(
        "VQSessionReport", hexid(rng, 24) + "@10.0.0.7", bob_addr, alice_seen,
        bob_local))
    # Call 2 (other ports), reported long after it ended.
    call2 = SipCall(cap, alice, bob, 40010, 50010)
    t2 = media_call(cap, call2, t_bye + ms(1000), 2, Path(**CLEAN), Path(**CLEAN))
    publish_report(cap, alice, collector, t2 + ms(20000), vq_body(
        "VQSessionReport: CallTerm", call2.call_id, ("10.0.0.1", 40010, 1),
        ("10.0.0.2", 50010, 2), alice_local))
    cap.vq_truth = {
        (h1.hostport(40000), h2.hostport(50000)): dict(
            reports=3, type="VQSessionReport", source="receiver",
            reporter="10.0.0.2:50000", **vq_truth_values(bob_local)),
        (h2.hostport(50000), h1.hostport(40000)): dict(
            reports=2, type="VQSessionReport", source="receiver",
            reporter="192.168.1.10:40000", **vq_truth_values(alice_local))}
    cap.vq_counts = {"vq_reports": 5, "vq_reports_unmatched": 2}


def write_hostile_sip(path):
    """One ordinary call whose SIP text is full of what breaks naive outputs:
    line-protocol separators and escapes, quotes, backslashes (one at the
    end), terminal escape sequences, a byte that is not UTF-8.  No truth:
    it is for checking that such text reaches no series key, no extra
    field or line, and no terminal."""
    cap = Capture("hostile_sip", 4242, link_ether, LINKTYPE_ETHERNET, "pcap", None)
    h1, h2 = two_hosts()
    cap.local_host = h1
    caller = Endpoint(h1, 'evil,probe=x\\ y=1"inject\x1b[31m\x1b]0;t\x07\xff\\',
                      display='Mallory "\\" \x1b[2J')
    callee = Endpoint(h2, "victim=1,codec=x")
    call = SipCall(cap, caller, callee, 40000, 50000)
    call.call_id = 'inject,direction=x y="1"\\ \x1b[1m@evil\\'
    media_call(cap, call, cap.at(0.1), 2, Path(**CLEAN), Path(**CLEAN))
    records = cap.records()
    write_pcap(path, cap.linktype, [(r[0], r[3]) for r in records])


def write_hostile_html(path):
    """One ordinary call whose SIP text tries to become markup in an HTML
    report: tags, an attribute break-out, an entity, a terminal escape.
    No truth: for checking that the evidence pages show it as text."""
    cap = Capture("hostile_html", 4343, link_ether, LINKTYPE_ETHERNET, "pcap", None)
    h1, h2 = two_hosts()
    cap.local_host = h1
    caller = Endpoint(h1, '<script>alert(1)</script>', display='"><img src=x onerror=alert(2)>')
    callee = Endpoint(h2, "victim&amp;<b>")
    call = SipCall(cap, caller, callee, 40000, 50000)
    call.call_id = '<iframe src="http://example.invalid/">\x1b[2J\'@evil'
    media_call(cap, call, cap.at(0.1), 2, Path(**CLEAN),
               Path(delay_ms=20, jitter_ms=1, loss=0.2))
    records = cap.records()
    write_pcap(path, cap.linktype, [(r[0], r[3]) for r in records])


SCENARIOS = {}


def scenario(name, seed, build, link=link_ether, linktype=LINKTYPE_ETHERNET,
             fmt="pcap", mtu=None, doc="", bundled=True):
    """bundled: part of pcaps/ (written when no scenario is named); the
    others are larger, and the tests that need them make them."""
    SCENARIOS[name] = dict(seed=seed, build=build, link=link, linktype=linktype,
                           fmt=fmt, mtu=mtu, doc=doc, bundled=bundled)


scenario("demo", 1001, sc_demo, doc="4 calls: clean, bad bursty direction, 486, CANCEL")
scenario("loss_random", 1002, sc_loss_random, doc="3 % random loss, one direction")
scenario("loss_gilbert", 1003, sc_loss_gilbert, doc="Gilbert-Elliott loss both ways")
scenario("jitter_reorder", 1004, sc_jitter_reorder, doc="25 ms jitter, reordering")
scenario("duplicates", 1005, sc_duplicates, doc="2 % duplicated packets")
scenario("seq_wrap", 1006, sc_seq_wrap, doc="sequence numbers wrap through 0")
scenario("ssrc_change", 1007, sc_ssrc_change, doc="caller SSRC changes after re-INVITE")
scenario("dtmf_cn", 1008, sc_dtmf_cn, doc="RFC 4733 events and comfort noise")
scenario("oneway", 1009, sc_oneway, doc="caller->callee impaired only")
scenario("codecs", 1010, sc_codecs, doc="G.722, opus, G.729 calls")
scenario("ipv6", 1011, sc_ipv6, doc="call over IPv6")
scenario("sip_port_5999", 1012, sc_sip_port_5999, doc="two calls with SIP on port 5999")
LINK_SEED = 1100
scenario("link_sll", LINK_SEED, sc_link, link_sll, LINKTYPE_LINUX_SLL,
         doc="Linux cooked capture v1 (113)")
scenario("link_sll2", LINK_SEED, sc_link, link_sll2, LINKTYPE_LINUX_SLL2,
         doc="Linux cooked capture v2 (276)")
scenario("link_raw", LINK_SEED, sc_link, link_raw, LINKTYPE_RAW, doc="raw IPv4 (101)")
scenario("link_null", LINK_SEED, sc_link, link_null, LINKTYPE_NULL,
         doc="BSD loopback (0)")
scenario("vlan", LINK_SEED, sc_link, link_vlan, doc="802.1Q VLAN 100")
scenario("qinq", LINK_SEED, sc_link, link_qinq, doc="802.1ad 200 over 802.1Q 300")
scenario("pcapng_call", LINK_SEED, sc_link, fmt="pcapng",
         doc="pcapng, Ethernet, nanosecond timestamps")
scenario("failures", 1201, sc_failures, doc="404, 486, 302, CANCEL/487, 503")
scenario("sip_auth", 1202, sc_sip_auth, doc="407 challenge, then answered")
scenario("sip_tcp", 1203, sc_sip_tcp, doc="SIP over TCP, split and coalesced")
scenario("sip_ws", 1207, sc_sip_ws,
         doc="SIP over WebSocket: upgrade, masked and fragmented frames, ping")
scenario("ip_frag", 1204, sc_ip_frag, mtu=1500, doc="fragmented SIP over IPv4")
scenario("rtcp", 1205, sc_rtcp, doc="RTCP SR/RR with real loss, jitter and RTT")
# Encapsulations: sc_link's call (same seed, same figures) in other wrappers.
scenario("mpls", LINK_SEED, sc_link, link_mpls, doc="Ethernet, 2-label MPLS stack, IPv4")
scenario("pppoe", LINK_SEED, sc_link, link_pppoe, doc="PPPoE session, PPP, IPv4")
scenario("gre", LINK_SEED, sc_link, link_gre, doc="IPv4 / GRE with key / IPv4")
scenario("erspan2", LINK_SEED, sc_link, link_erspan2,
         doc="GRE / ERSPAN II / Ethernet / 802.1Q VLAN 42 / IPv4")
scenario("erspan3", LINK_SEED, sc_link, link_erspan3,
         doc="GRE / ERSPAN III / Ethernet / IPv4")
scenario("vxlan", LINK_SEED, sc_link, link_vxlan,
         doc="Ethernet / IPv4 / UDP 4789 / VXLAN / Ethernet / IPv4")
scenario("ipip", LINK_SEED, sc_link, link_ipip, doc="IPv4 in IPv4 (protocol 4)")
scenario("gtpu", LINK_SEED, sc_link, link_gtpu,
         doc="Ethernet / IPv4 / UDP 2152 / GTP-U (uplink: sequence, 2 extensions) / IPv4")
scenario("gtpu6", LINK_SEED, sc_link_v6, link_gtpu,
         doc="sc_link's call over IPv6 in GTP-U over IPv4")
scenario("ip6in4", LINK_SEED, sc_link_v6, link_ipip,
         doc="IPv6 call in IPv4 (protocol 41)")
scenario("qinq_9100", LINK_SEED, sc_link, link_qinq_9100,
         doc="0x9100 tag 400 over 802.1Q 100")
scenario("sip_tcp_hard", 1206, sc_sip_tcp_hard,
         doc="SIP/TCP: 3-segment, coalesced, reordered, retransmitted; FIN")
scenario("ip_frag_hard", 1210, sc_ip_frag_hard,
         doc="IPv4 INVITE in 3 fragments reordered + duplicate; IPv6 200 OK fragmented")
scenario("rtcp_xr", 1208, sc_rtcp_xr, doc="RTCP SR/RR + XR VoIP Metrics, DTX")
scenario("events_only", 1209, sc_events_only,
         doc="an RTP stream of RFC 4733 events only, with SIP and SDP")
scenario("rtcp_attr", 1211, sc_rtcp_attr,
         doc="RTCP on the ports a=rtcp announced, not RTP port + 1")
scenario("unsignalled_padded", 1212, sc_unsignalled_padded,
         doc="padded RTP, no SIP, IPv6: RFC 4733 events only; G.729 with an event")
scenario("unsignalled_srtp", 1216, sc_unsignalled_srtp,
         doc="SRTP-like random payloads on PT 111 (some event-shaped), no SDP; a real digit")
scenario("unsignalled_span", 1213, sc_unsignalled_span,
         doc="unsignalled RTP, first packets captured twice; PT 96 outage of 2.8 s")
scenario("media_quirks", 1214, sc_media_quirks,
         doc="rtpmap in lower case, NAT keep-alives on media ports, AAL2-G726-32")
scenario("rtcp_relay", 1215, sc_rtcp_relay,
         doc="a relay keeping SSRCs on both legs; RTCP per leg")
scenario("segments", 1218, sc_segments,
         doc="loss before and after the capture point, told apart by RTCP")
scenario("vq_report", 1217, sc_vq_report,
         doc="the phones' own RFC 6035 reports: interval, session, NAT, late, unknown call")
scenario("evidence_10", 1301, sc_evidence_10, bundled=False,
         doc="10 calls, bursty loss caller->callee only, RTCP (not in pcaps/)")


# ---------------------------------------------------------------------------
# Truth
# ---------------------------------------------------------------------------

def header_uri(value):
    """The URI of a From/To value: inside <> if present, else up to ';'."""
    m = re.search(r"<([^>]*)>", value)
    return m.group(1) if m else value.split(";")[0].strip()


def parse_sip(message):
    """Start line and a dict of (first) header values of a SIP message."""
    head = message.split(b"\r\n\r\n", 1)[0].decode()
    lines = head.split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), value.strip())
    return lines[0], headers


def sip_truth(cap):
    """Per Call-ID outcome and timings, from the SIP messages written."""
    calls = {}
    for t_us, _, message in sorted(cap.sip_log):
        start, h = parse_sip(message)
        cid = h["call-id"]
        c = calls.setdefault(cid, dict(invite=None, pdd=None, ok=None, bye=None,
                                       initial=None, finals={}, frm=None, to=None))
        cseq_num, cseq_method = h["cseq"].split()
        cseq_num = int(cseq_num)
        if not start.startswith("SIP/2.0 "):
            method = start.split()[0]
            if method == "INVITE" and ";tag=" not in h["to"]:
                if c["invite"] is None:
                    c["invite"] = t_us
                    c["frm"], c["to"] = header_uri(h["from"]), header_uri(h["to"])
                c["initial"] = cseq_num
            elif method == "BYE" and c["bye"] is None:
                c["bye"] = t_us
            continue
        code = int(start.split()[1])
        if cseq_method != "INVITE" or c["invite"] is None:
            continue
        if 180 <= code <= 189 and c["pdd"] is None and c["ok"] is None:
            c["pdd"] = t_us
        if code >= 200:
            initial = cseq_num == c["initial"]
            c["finals"].setdefault(cseq_num, code)
            if 200 <= code < 300 and initial and c["ok"] is None:
                c["ok"] = t_us
    out = []
    for cid, c in calls.items():
        if c["invite"] is None:
            continue    # a PUBLISH's own dialog, not a call
        def delta_ms(t):
            return None if t is None else round((t - c["invite"]) / 1000, 3)
        duration = None
        if c["ok"] is not None and c["bye"] is not None:
            duration = round((c["bye"] - c["ok"]) / US_PER_S, 3)
        out.append({"call_id": cid, "from": c["frm"], "to": c["to"],
                    "final_code": c["finals"].get(c["initial"]),
                    "pdd_ms": delta_ms(c["pdd"]), "setup_ms": delta_ms(c["ok"]),
                    "duration_s": duration})
    return out


def burst_ratio(received, low, high):
    """G.107 BurstR of the observed range: mean run length x (1 - P)."""
    expected = high - low + 1
    lost = expected - len(received)
    if lost <= 0:
        return 1.0
    runs = 0
    in_run = False
    for ext in range(low, high + 1):
        missing = ext not in received
        if missing and not in_run:
            runs += 1
        in_run = missing
    mean_run = lost / runs
    return round(mean_run * (1 - lost / expected), 4)


class Decoded:
    """A written frame read back: the layers in front of the call's IP
    header (outermost first), the VLAN ids met on the way, and the call's
    IP packet: addresses, protocol, its layer 4 bytes (None for a fragment),
    the fragment (key, offset, more, bytes) if it is one."""

    def __init__(self):
        self.layers = []
        self.vlans = []
        self.src = self.dst = self.proto = self.l4 = self.fragment = None

    @property
    def udp_payload(self):
        return self.l4[8:] if self.l4 is not None and self.proto == 17 else None


def parse_back(cap, link_bytes):
    """Decode a written frame down to the call's IP packet through every
    link layer and tunnel the generator writes, checking the IPv4 header
    checksums, the lengths and the UDP/TCP checksums on the way."""
    d = Decoded()
    lt = cap.linktype
    if lt == LINKTYPE_ETHERNET:
        _decode_ether(d, link_bytes)
    elif lt == LINKTYPE_LINUX_SLL:
        d.layers.append("linux_sll")
        _decode_ethertype(d, struct.unpack_from("!H", link_bytes, 14)[0], link_bytes[16:])
    elif lt == LINKTYPE_LINUX_SLL2:
        d.layers.append("linux_sll2")
        _decode_ethertype(d, struct.unpack_from("!H", link_bytes, 0)[0], link_bytes[20:])
    elif lt == LINKTYPE_NULL:
        assert struct.unpack_from("<I", link_bytes)[0] == 2
        d.layers.append("null")
        _decode_ip(d, link_bytes[4:])
    else:
        _decode_ip(d, link_bytes)
    return d


def _decode_ether(d, frame):
    d.layers.append("ethernet")
    _decode_ethertype(d, struct.unpack_from("!H", frame, 12)[0], frame[14:])


def _decode_ethertype(d, etype, data):
    while etype in VLAN_TPIDS:
        d.layers.append(VLAN_TPIDS[etype])
        d.vlans.append(struct.unpack_from("!H", data)[0] & 0x0FFF)
        etype = struct.unpack_from("!H", data, 2)[0]
        data = data[4:]
    if etype == ETH_P_MPLS:
        while True:
            d.layers.append("mpls")
            entry = struct.unpack_from("!I", data)[0]
            data = data[4:]
            if entry & 0x100:
                break
        _decode_ip(d, data)
    elif etype == ETH_P_PPPOE_SESSION:
        ver_type, code, _, length = struct.unpack_from("!BBHH", data)
        assert ver_type == 0x11 and code == 0
        proto = struct.unpack_from("!H", data, 6)[0]
        assert proto in (PPP_IPV4, PPP_IPV6)
        d.layers += ["pppoe", "ppp"]
        ip = data[8:6 + length]
        assert len(ip) == length - 2, "PPPoE length"
        _decode_ip(d, ip)
    else:
        assert etype in (ETH_P_IPV4, ETH_P_IPV6), hex(etype)
        _decode_ip(d, data)


def _decode_gre(d, gre):
    flags, proto = struct.unpack_from("!HH", gre)
    assert flags & 0x0007 == 0, "GRE version 0"
    off = 4 + 4 * bool(flags & 0x8000) + 4 * bool(flags & 0x2000) \
        + 4 * bool(flags & 0x1000)
    d.layers.append("gre")
    payload = gre[off:]
    if proto in (ETH_P_IPV4, ETH_P_IPV6):
        _decode_ip(d, payload)
    elif proto == ETH_P_ERSPAN2:
        assert flags & 0x1000 and struct.unpack_from("!H", payload)[0] >> 12 == 1
        d.layers.append("erspan2")
        _decode_ether(d, payload[8:])
    elif proto == ETH_P_ERSPAN3:
        assert struct.unpack_from("!H", payload)[0] >> 12 == 2
        optional = struct.unpack_from("!H", payload, 10)[0] & 1
        d.layers.append("erspan3")
        _decode_ether(d, payload[12 + 8 * optional:])
    else:
        raise AssertionError("GRE protocol %#x" % proto)


def _gtpu_user_packet(gtp):
    """The user packet of a GTP-U G-PDU, its extension chain walked."""
    flags, mtype, length = struct.unpack_from("!BBH", gtp)
    assert flags >> 5 == 1 and flags & 0x10 and mtype == 255, "GTP-U G-PDU"
    assert len(gtp) == 8 + length, "GTP-U length"
    at, nxt = 8, 0
    if flags & 0x07:
        nxt = gtp[11] if flags & 0x04 else 0
        at = 12
    while nxt:
        units = gtp[at]
        assert units, "GTP-U extension length"
        nxt = gtp[at + 4 * units - 1]
        at += 4 * units
    return gtp[at:]


def _decode_ip(d, ip):
    if ip[0] >> 4 == 4:
        ihl = (ip[0] & 15) * 4
        total = struct.unpack_from("!H", ip, 2)[0]
        assert inet_checksum(ip[:ihl]) == 0, "IPv4 header checksum"
        assert len(ip) >= total, "IPv4 total length"
        ip = ip[:total]
        frag = struct.unpack_from("!H", ip, 6)[0]
        src, dst = ipaddress.ip_address(ip[12:16]), ipaddress.ip_address(ip[16:20])
        proto, l4 = ip[9], ip[ihl:]
        if frag & 0x3FFF:
            ident = struct.unpack_from("!H", ip, 4)[0]
            d.src, d.dst, d.proto = src, dst, proto
            d.fragment = ((4, src, dst, proto, ident), (frag & 0x1FFF) * 8,
                          bool(frag & 0x2000), l4)
            return
        if proto in (IPPROTO_IPIP, IPPROTO_IPV6, IPPROTO_GRE) or (
                proto == 17 and struct.unpack_from("!H", l4, 2)[0] in (VXLAN_PORT, GTPU_PORT)):
            d.layers.append("ipv4")
            if proto == IPPROTO_GRE:
                _decode_gre(d, l4)
            elif proto == 17:
                if struct.unpack_from("!H", l4, 6)[0]:
                    assert inet_checksum(pseudo_header(src, dst, 17, len(l4)) + l4) == 0
                assert struct.unpack_from("!H", l4, 4)[0] == len(l4), "UDP length"
                if struct.unpack_from("!H", l4, 2)[0] == GTPU_PORT:
                    d.layers += ["udp", "gtpu"]
                    _decode_ip(d, _gtpu_user_packet(l4[8:]))
                    return
                assert l4[8] & 0x08, "VXLAN I flag"
                d.layers += ["udp", "vxlan"]
                _decode_ether(d, l4[16:])
            else:
                _decode_ip(d, l4)
            return
    else:
        assert ip[0] >> 4 == 6
        plen = struct.unpack_from("!H", ip, 4)[0]
        assert len(ip) >= 40 + plen, "IPv6 payload length"
        src, dst = ipaddress.ip_address(ip[8:24]), ipaddress.ip_address(ip[24:40])
        proto, l4 = ip[6], ip[40:40 + plen]
        if proto == 44:
            nxt, _, off_m, ident = struct.unpack_from("!BBHI", l4)
            d.src, d.dst, d.proto = src, dst, nxt
            d.fragment = ((6, src, dst, nxt, ident), off_m & 0xFFF8, bool(off_m & 1),
                          l4[8:])
            return
    assert inet_checksum(pseudo_header(src, dst, proto, len(l4)) + l4) == 0, \
        "L4 checksum"
    d.src, d.dst, d.proto, d.l4 = src, dst, proto, l4


class Reassembly:
    """Put the fragments written back together and check each datagram's
    layer 4 checksum: fragmenting must not have broken what it carries."""

    def __init__(self):
        self.pending = {}
        self.done = set()

    def add(self, fragment):
        key, offset, more, data = fragment
        if key in self.done:
            return                      # a duplicate of a finished datagram
        parts = self.pending.setdefault(key, {})
        parts[offset] = (more, data)
        size = 0
        while size in parts:
            more, data = parts[size]
            size += len(data)
            if not more:
                _, src, dst, proto, _ = key
                l4 = b"".join(parts[o][1] for o in sorted(parts))
                assert len(l4) == size, "fragments overlap or leave holes"
                assert inet_checksum(pseudo_header(src, dst, proto, size) + l4) == 0, \
                    "reassembled L4 checksum"
                del self.pending[key]
                self.done.add(key)
                return

    def check(self):
        assert not self.pending, "incomplete fragmented datagrams"


def ws_messages(stream):
    """The SIP messages of one direction of a WebSocket connection: past
    the HTTP head, frames unmasked and joined into messages, one each."""
    stream = stream.partition(b"\r\n\r\n")[2]
    messages, current = [], b""
    while stream:
        fin, opcode = stream[0] & 0x80, stream[0] & 0x0F
        masked, n, at = stream[1] & 0x80, stream[1] & 0x7F, 2
        if n == 126:
            n, at = struct.unpack_from("!H", stream, 2)[0], 4
        elif n == 127:
            n, at = struct.unpack_from("!Q", stream, 2)[0], 10
        key = stream[at:at + 4] if masked else b"\0\0\0\0"
        at += 4 if masked else 0
        payload = bytes(b ^ key[i % 4] for i, b in enumerate(stream[at:at + n]))
        stream = stream[at + n:]
        if opcode in (0, 1, 2):
            current += payload
            if fin:
                messages.append(current)
                current = b""
    assert current == b"", "a WebSocket message left unfinished"
    return messages


def tcp_messages(cap, records):
    """The SIP messages the TCP segments written carry, per direction in
    sequence order (retransmissions and reordering undone, SYN and FIN
    counted in the sequence space), cut by Content-Length."""
    flows = {}
    for _, _, _, link_bytes, _ in records:
        d = parse_back(cap, link_bytes)
        if d.proto != 6 or d.l4 is None:
            continue
        sport, dport, seq, _, off, flags = struct.unpack_from("!HHIIBB", d.l4)
        payload = d.l4[(off >> 4) * 4:]
        f = flows.setdefault((d.src, sport, d.dst, dport), {"isn": None, "data": {}})
        if flags & TCP_SYN:
            f["isn"] = seq
        if payload:
            old = f["data"].get(seq)
            assert old is None or old == payload, "a retransmission that differs"
            f["data"][seq] = payload
    messages = []
    for f in flows.values():
        if not f["data"]:
            continue
        stream, pos = b"", (f["isn"] + 1) & 0xFFFFFFFF
        while pos in f["data"]:
            stream += f["data"][pos]
            pos = (pos + len(f["data"][pos])) & 0xFFFFFFFF
        assert len(stream) == sum(len(v) for v in f["data"].values()), "TCP hole"
        if stream.startswith((b"GET ", b"HTTP/1.1 101")):
            messages += ws_messages(stream)
            continue
        while stream:
            head, _, rest = stream.partition(b"\r\n\r\n")
            length = int(re.search(rb"\r\nContent-Length: *(\d+)", head).group(1))
            messages.append(head + b"\r\n\r\n" + rest[:length])
            stream = rest[length:]
    return messages


def truth(cap, records):
    stats = {}
    order = []
    rtp_packets = 0
    layers = None
    reassembly = Reassembly()
    for _, _, _, link_bytes, fr in records:
        d = parse_back(cap, link_bytes)
        if layers is None:
            layers = d.layers
        assert d.layers == layers, "every frame the same encapsulation"
        if d.fragment is not None:
            reassembly.add(d.fragment)
        if fr.meta is None:
            continue
        stream, ext, kind = fr.meta
        # The bytes written must be what the truth believes.
        seq, ssrc = struct.unpack_from("!H4xI", d.udp_payload, 2)
        assert seq == ext & 0xFFFF and ssrc == stream.ssrc
        key = (stream.src.hostport(stream.sport), stream.dst.hostport(stream.dport),
               stream.ssrc)
        if key not in stats:
            stats[key] = dict(stream=stream, packets=0, dups=0, repeats=0, seen=set(),
                              vlans=set(), events=0, cn=0, tev={}, prev_us=None,
                              max_delta_us=None)
            order.append(key)
        st = stats[key]
        assert st["stream"] is stream, "two generators share (src, dst, ssrc)"
        rtp_packets += 1
        st["packets"] += 1
        # The largest gap, on the packets tshark and vqprobe time: not the
        # first, not one with the marker bit (scenarios that opt in have
        # no comfort noise or events, which also stay out).
        if st["prev_us"] is not None and not d.udp_payload[1] & 0x80:
            gap = fr.arr_us - st["prev_us"]
            st["max_delta_us"] = max(gap, st["max_delta_us"] or 0)
        st["prev_us"] = fr.arr_us
        st["vlans"].add(d.vlans[0] if d.vlans else None)
        if kind.startswith("event"):
            st["events"] += 1
            code, flags, duration = struct.unpack_from("!BBH", d.udp_payload, 12)
            ev = st["tev"].setdefault(struct.unpack_from("!I", d.udp_payload, 4)[0],
                                      dict(event=code, packets=0))
            ev["packets"] += 1
            ev["duration"] = max(ev.get("duration", 0), duration)
            ev["end"] = ev.get("end", False) or bool(flags & 0x80)
        elif kind == "cn":
            st["cn"] += 1
        if ext in st["seen"]:
            # A repeated RFC 4733 end packet is a deliberate retransmission.
            if kind in ("event_end", "event_retx"):
                st["repeats"] += 1
            else:
                st["dups"] += 1
        else:
            st["seen"].add(ext)
    reassembly.check()
    if any(fr.proto == 6 for fr in cap.frames):
        logged = sorted(m for _, _, m in cap.sip_log)
        assert sorted(tcp_messages(cap, records)) == logged, "TCP carries the SIP logged"
    streams = []
    repeats = {}
    for key in order:
        st = stats[key]
        s = st["stream"]
        low, high = min(st["seen"]), max(st["seen"])
        expected = high - low + 1
        clock_rate = s.codec.clock_rate
        if s.call is None and s.codec is TELEPHONE_EVENT:
            # Events keep the clock of a voice that, without SDP, no one
            # names (RFC 4733): a receiver cannot know it.
            clock_rate = None
        entry = {
            "call_id": s.call.call_id if s.call else None, "src": key[0],
            "dst": key[1], "ssrc": "0x%08x" % s.ssrc, "payload_type": s.codec.pt,
            "codec": s.codec.name, "clock_rate": clock_rate,
            "packets": st["packets"], "expected": expected,
            "lost": expected - len(st["seen"]), "duplicates": st["dups"],
            "burst_ratio": burst_ratio(st["seen"], low, high)}
        # Present only where they say something, so that the truth of the
        # scenarios without them stays as it was.
        assert len(st["vlans"]) == 1
        vlan = st["vlans"].pop()
        if vlan is not None:
            entry["vlan"] = vlan
        if st["events"]:
            entry["events"] = st["events"]
            entry["telephone_events"] = [
                dict(event=ev["event"], digit=DTMF_DIGITS[ev["event"]], rtp_timestamp=ts,
                     duration=ev["duration"], end=ev["end"], packets=ev["packets"])
                for ts, ev in sorted(st["tev"].items())]
        if st["cn"]:
            entry["comfort_noise"] = st["cn"]
        if getattr(cap, "truth_events", False):
            entry["events"] = st["events"]
        if getattr(cap, "truth_max_delta", False):
            entry["max_delta_ms"] = (None if st["max_delta_us"] is None
                                     else st["max_delta_us"] / 1000)
        if cap.vq_truth is not None:
            entry["vq_report"] = cap.vq_truth.get((key[0], key[1]))
        if cap.segments_truth is not None:
            entry["segments"] = cap.segments_truth.get((key[0], key[1]))
        streams.append(entry)
        repeats[key] = st["repeats"]
    return repeats, {"scenario": cap.name, "linktype": cap.linktype,
            "capture": {"frames": len(records), "rtp_packets": rtp_packets,
                        "sip_messages": len(cap.sip_log), "encapsulation": layers,
                        **({"not_rtp_packets": cap.truth_not_rtp}
                           if getattr(cap, "truth_not_rtp", None) is not None else {}),
                        **(cap.vq_counts or {})},
            "calls": sip_truth(cap), "streams": streams,
            **({"rtcp": cap.rtcp_truth} if cap.rtcp_truth is not None else {}),
            **({"apps": cap.apps_truth} if cap.apps_truth is not None else {})}


DTMF_DIGITS = "0123456789*#ABCD"


def generate(name, out_dir):
    spec = SCENARIOS[name]
    cap = Capture(name, spec["seed"], spec["link"], spec["linktype"], spec["fmt"],
                  spec["mtu"])
    spec["build"](cap)
    records = cap.records()
    repeats, t = truth(cap, records)
    ext = "pcapng" if cap.fmt == "pcapng" else "pcap"
    path = os.path.join(out_dir, "%s.%s" % (name, ext))
    writer = write_pcapng if cap.fmt == "pcapng" else write_pcap
    writer(path, cap.linktype, [(r[0], r[3]) for r in records])
    with open(os.path.join(out_dir, name + ".truth.json"), "w") as f:
        json.dump(t, f, indent=2)
        f.write("\n")
    return path, t, repeats


# ---------------------------------------------------------------------------
# Cross-check with tshark
# ---------------------------------------------------------------------------

RTP_STREAM_RE = re.compile(
    r"^\s*[\d.]+\s+[\d.]+\s+(\S+)\s+(\d+)\s+(\S+)\s+(\d+)\s+(0x[0-9A-Fa-f]+)\s+"
    r"(.*?)\s+(\d+)\s+(-?\d+)\s+\(")


# Wireshark leaves TCP segments that arrive before their predecessors
# unreassembled unless asked (sip_tcp_hard's 200 OK would be a
# "Continuation"); the probe must reassemble them, so tshark is asked too.
TSHARK_PREFS = ["-o", "tcp.reassemble_out_of_order:TRUE"]


def tshark_lines(args):
    res = subprocess.run(["tshark"] + TSHARK_PREFS + args, capture_output=True,
                         text=True)
    return res.stdout.splitlines()


XR_FIELDS = [("burstdensity", "burst_density"), ("gapdensity", "gap_density"),
             ("burstduration", "burst_duration_ms"), ("gapduration", "gap_duration_ms"),
             ("rtdelay", "round_trip_delay_ms"), ("esdelay", "end_system_delay_ms"),
             ("signallevel", "signal_level_dbm"), ("noiselevel", "noise_level_dbm"),
             ("gmin", "gmin"), ("rfactor", "r_factor"), ("moslq", "mos_lq"),
             ("moscq", "mos_cq"), ("jbnominal", "jb_nominal_ms")]


def check_tshark_rtcp(path, t):
    """Each RTCP compound's first packet type (SR/RR) and its XR VoIP
    Metrics values as tshark decodes them, against the truth; return ok."""
    entries = [e for e in t.get("rtcp", []) if "type" in e]
    if not entries:
        return True
    args = ["-r", path, "-Y", "rtcp", "-T", "fields", "-E", "occurrence=f",
            "-e", "frame.time_epoch", "-e", "rtcp.pt"]
    for field, _ in XR_FIELDS:
        args += ["-e", "rtcp.xr.voipmetrics." + field]
    got = []
    for line in tshark_lines(args):
        cols = line.split("\t")
        pt = {"200": "SR", "201": "RR"}.get(cols[1], cols[1])
        got.append((round(float(cols[0]), 6), pt, [float(v) for v in cols[2:] if v]))
    want = []
    for e in sorted(entries, key=lambda e: e["time"]):
        xr = e["xr"][0] if e["xr"] else {}
        want.append((e["time"], e["type"], [float(xr[k]) for _, k in XR_FIELDS if xr]))
    ok = got == want
    print("%-14s RTCP compounds tshark %d (%d RR, %d with XR) | truth %d: %s"
          % (t["scenario"], len(got), sum(g[1] == "RR" for g in got),
             sum(bool(g[2]) for g in got), len(want), "ok" if ok else "MISMATCH"))
    return ok


def hostport_of(ip, port):
    addr = ipaddress.ip_address(ip)
    return ("[%s]:%s" if addr.version == 6 else "%s:%s") % (addr.compressed, port)


def check_tshark(path, t, repeats):
    """Compare tshark's RTP stream table with the truth; return ok."""
    ok = True
    name = t["scenario"]
    seen = {}
    for line in tshark_lines(["-r", path, "-q", "-z", "rtp,streams"]):
        m = RTP_STREAM_RE.match(line)
        if m:
            key = (hostport_of(m.group(1), m.group(2)),
                   hostport_of(m.group(3), m.group(4)), int(m.group(5), 16))
            seen[key] = (int(m.group(7)), int(m.group(8)))
    for s in t["streams"]:
        key = (s["src"], s["dst"], int(s["ssrc"], 16))
        got = seen.pop(key, None)
        retx = repeats[(s["src"], s["dst"], int(s["ssrc"], 16))]
        want_lost = s["lost"] - s["duplicates"] - retx
        note = []
        if s["duplicates"]:
            note.append("dups %d" % s["duplicates"])
        if retx:
            note.append("event repeats %d" % retx)
        if got is None:
            print("%s: %s -> %s %s: not found by tshark" % (name, s["src"], s["dst"],
                                                          s["ssrc"]))
            ok = False
            continue
        verdict = "ok" if got == (s["packets"], want_lost) else "MISMATCH"
        ok = ok and verdict == "ok"
        print("%-14s %s -> %s %s tshark pkts %d lost %d | truth packets %d lost %d%s: %s"
              % (name, s["src"], s["dst"], s["ssrc"], got[0], got[1], s["packets"],
                 s["lost"], (" (" + ", ".join(note) + ")") if note else "", verdict))
    for key, got in seen.items():
        print("%s: tshark stream %s not in truth %r" % (name, key, got))
        ok = False
    malformed = tshark_lines(["-r", path, "-Y", "_ws.malformed or _ws.expert.severity >= 8388608"])
    if malformed:
        print("%s: %d malformed/error frames, first: %s" % (name, len(malformed),
                                                           malformed[0]))
        ok = False
    cseqs = tshark_lines(["-r", path, "-Y", "sip", "-T", "fields", "-e", "sip.CSeq",
                          "-E", "occurrence=a", "-E", "aggregator=|"])
    n_sip = sum(len([v for v in line.split("|") if v]) for line in cseqs)
    want_sip = t["capture"]["sip_messages"]
    print("%-14s SIP messages tshark %d | truth %d: %s"
          % (name, n_sip, want_sip, "ok" if n_sip == want_sip else "MISMATCH"))
    ok = check_tshark_rtcp(path, t) and ok
    return ok and n_sip == want_sip


def write_rtp_only(name, path, seconds=None):
    """The caller's first RTP stream of scenario `name`, alone, as Ethernet
    frames in a classic pcap (what SIPp's play_pcap_audio replays), its
    first `seconds` only if given.  Returns the number of packets."""
    spec = SCENARIOS[name]
    cap = Capture(name, spec["seed"], link_ether, LINKTYPE_ETHERNET, "pcap", spec["mtu"])
    spec["build"](cap)
    records = cap.records()
    rtp = [r for r in records if r[4].meta is not None
           and r[4].meta[0].src is cap.calls[0].caller.host]
    stream = rtp[0][4].meta[0]
    rtp = [r for r in rtp if r[4].meta[0] is stream]
    if seconds:
        rtp = [r for r in rtp if r[0] < rtp[0][0] + int(seconds * US_PER_S)]
    write_pcap(path, LINKTYPE_ETHERNET, [(r[0], r[3]) for r in rtp])
    return len(rtp)


# ---------------------------------------------------------------------------

def main(argv=None):
    ap = argparse.ArgumentParser(description="Generate vqprobe's test captures "
                                 "and their ground truth.")
    ap.add_argument("--list", action="store_true", help="print the scenario names")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="with --list: say what each scenario holds")
    ap.add_argument("--out-dir", default="pcaps", help="where to write (default pcaps)")
    ap.add_argument("--check-tshark", action="store_true",
                    help="after writing, compare tshark's rtp,streams with the truth")
    ap.add_argument("--rtp-pcap", metavar="FILE",
                    help="write only the caller's RTP of one SCENARIO (default "
                    "loss_random) to FILE, as Ethernet/IPv4/UDP: no truth")
    ap.add_argument("--rtp-seconds", type=float, metavar="S",
                    help="with --rtp-pcap: its first S seconds only")
    ap.add_argument("--hostile-sip", metavar="FILE",
                    help="write one call with hostile SIP text to FILE: no truth")
    ap.add_argument("--hostile-html", metavar="FILE",
                    help="write a call whose SIP text tries to become HTML, and exit")
    ap.add_argument("scenarios", nargs="*", metavar="SCENARIO")
    args = ap.parse_args(argv)
    if args.hostile_html:
        write_hostile_html(args.hostile_html)
        return 0
    if args.hostile_sip:
        write_hostile_sip(args.hostile_sip)
        return 0
    if args.list:
        for name, spec in SCENARIOS.items():
            print("%-15s %s" % (name, spec["doc"]) if args.verbose else name)
        return 0
    unknown = [n for n in args.scenarios if n not in SCENARIOS]
    if unknown:
        print("capgen: unknown scenario: %s (see --list)" % ", ".join(unknown),
              file=sys.stderr)
        return 2
    if args.rtp_pcap:
        if len(args.scenarios) > 1:
            print("capgen: --rtp-pcap takes one scenario", file=sys.stderr)
            return 2
        write_rtp_only((args.scenarios or ["loss_random"])[0], args.rtp_pcap,
                       args.rtp_seconds)
        return 0
    if args.check_tshark and not shutil.which("tshark"):
        print("capgen: --check-tshark needs tshark", file=sys.stderr)
        return 2
    os.makedirs(args.out_dir, exist_ok=True)
    ok = True
    for name in args.scenarios or [n for n in SCENARIOS if SCENARIOS[n]["bundled"]]:
        path, t, repeats = generate(name, args.out_dir)
        if args.check_tshark:
            ok = check_tshark(path, t, repeats) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
