#!/usr/bin/env python3
"""Send a capture's UDP and TCP payloads as HEPv3, as a mirroring agent would.

usage: hep-send.py [--tcp] [--key KEY] [--id N] [--rate PPS] PCAP HOST PORT

Every UDP or TCP packet with a payload in PCAP (classic pcap; Ethernet with
VLAN tags, Linux cooked v1 and v2, raw IP, BSD loopback; IPv4 and IPv6, not
fragmented or tunnelled) goes out as one HEP packet with the capture's
addresses, ports, timestamp and IP TOS: SIP as type 1, RTCP as type 5 (the
raw packet), RTP as type 4, anything else as type 1 (as sngrep does).  Over
UDP each HEP packet is a datagram; with --tcp they go back to back on one
connection.  --rate paces the sending (packets a second; default: as fast
as the socket takes them).  Prints how many packets it sent.
Standard library only.
"""
import argparse
import socket
import struct
import sys
import time

LINK_NULL, LINK_ETHER, LINK_RAW, LINK_SLL, LINK_SLL2 = 0, 1, 101, 113, 276
LINK_RAW_ALIASES = (12, 14, LINK_RAW)
ETHERTYPE_IPV4, ETHERTYPE_IPV6 = 0x0800, 0x86DD
ETHERTYPE_VLAN = (0x8100, 0x88A8, 0x9100)
HEP_SIP, HEP_RTP, HEP_RTCP = 1, 4, 5


def records(path):
    """(linktype, ts_us, frame) of each record of a classic pcap file."""
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        endian = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        endian = ">"
    else:
        raise SystemExit("%s: not a classic pcap file" % path)
    nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    linktype = struct.unpack(endian + "I", data[20:24])[0] & 0x0FFFFFFF
    off = 24
    while off + 16 <= len(data):
        sec, frac, caplen, _ = struct.unpack(endian + "IIII", data[off:off + 16])
        frame = data[off + 16:off + 16 + caplen]
        off += 16 + caplen
        yield linktype, sec * 1000000 + (frac // 1000 if nano else frac), frame


def network_layer(linktype, frame):
    """The IP packet of a frame, or None."""
    if linktype in LINK_RAW_ALIASES:
        return frame
    if linktype == LINK_NULL:
        return frame[4:]
    if linktype == LINK_SLL:
        ethertype, rest = struct.unpack("!H", frame[14:16])[0], frame[16:]
    elif linktype == LINK_SLL2:
        ethertype, rest = struct.unpack("!H", frame[0:2])[0], frame[20:]
    elif linktype == LINK_ETHER:
        ethertype, rest = struct.unpack("!H", frame[12:14])[0], frame[14:]
        while ethertype in ETHERTYPE_VLAN and len(rest) >= 4:
            ethertype, rest = struct.unpack("!H", rest[2:4])[0], rest[4:]
    else:
        return None
    return rest if ethertype in (ETHERTYPE_IPV4, ETHERTYPE_IPV6) else None


def transport(ip):
    """(family, proto, tos, src, dst, l4 bytes) of an IP packet, or None."""
    if len(ip) >= 20 and ip[0] >> 4 == 4:
        ihl = (ip[0] & 0x0F) * 4
        total = struct.unpack("!H", ip[2:4])[0]
        frag = struct.unpack("!H", ip[6:8])[0]
        if frag & 0x3FFF:
            return None     # fragments: not this sender's business
        return 4, ip[9], ip[1], ip[12:16], ip[16:20], ip[ihl:total]
    if len(ip) >= 40 and ip[0] >> 4 == 6:
        plen = struct.unpack("!H", ip[4:6])[0]
        tos = (struct.unpack("!H", ip[0:2])[0] >> 4) & 0xFF
        return 6, ip[6], tos, ip[8:24], ip[24:40], ip[40:40 + plen]
    return None


def payload_of(proto, l4):
    """(sport, dport, payload) of UDP or TCP, or None."""
    if proto == 17 and len(l4) >= 8:
        sport, dport, length = struct.unpack("!HHH", l4[:6])
        return sport, dport, l4[8:length] if length >= 8 else l4[8:]
    if proto == 6 and len(l4) >= 20:
        sport, dport = struct.unpack("!HH", l4[:4])
        return sport, dport, l4[(l4[12] >> 4) * 4:]
    return None


def hep_type(proto, payload):
    """The HEP protocol type a mirroring agent would give the payload."""
    if proto == 17 and len(payload) >= 12 and payload[0] >> 6 == 2:
        return HEP_RTCP if 200 <= payload[1] <= 207 else HEP_RTP
    return HEP_SIP


def chunk(ctype, value):
    return struct.pack("!HHH", 0, ctype, len(value) + 6) + value


def hep_packet(family, proto, tos, src, dst, sport, dport, ts_us, ptype,
               payload, capture_id, key):
    body = [chunk(1, bytes([2 if family == 4 else 10])),
            chunk(2, bytes([proto])),
            chunk(3 if family == 4 else 5, src),
            chunk(4 if family == 4 else 6, dst),
            chunk(7, struct.pack("!H", sport)),
            chunk(8, struct.pack("!H", dport)),
            chunk(9, struct.pack("!I", ts_us // 1000000)),
            chunk(10, struct.pack("!I", ts_us % 1000000)),
            chunk(11, bytes([ptype])),
            chunk(12, struct.pack("!I", capture_id)),
            chunk(0x18, bytes([tos]))]
    if key is not None:
        body.append(chunk(0x0E, key))
    body.append(chunk(0x0F, payload))
    blob = b"".join(body)
    return b"HEP3" + struct.pack("!H", len(blob) + 6) + blob


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tcp", action="store_true")
    ap.add_argument("--key")
    ap.add_argument("--id", type=int, default=2001)
    ap.add_argument("--rate", type=float, default=0)
    ap.add_argument("pcap")
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    a = ap.parse_args()
    key = a.key.encode() if a.key is not None else None

    if a.tcp:
        sock = socket.create_connection((a.host, a.port))
    else:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.connect((a.host, a.port))
    sent = 0
    start = time.monotonic()
    for linktype, ts_us, frame in records(a.pcap):
        ip = network_layer(linktype, frame)
        t = transport(ip) if ip is not None else None
        p = payload_of(t[1], t[5]) if t is not None else None
        if p is None or not p[2]:
            continue
        family, proto, tos, src, dst, _ = t
        sport, dport, payload = p
        pkt = hep_packet(family, proto, tos, src, dst, sport, dport, ts_us,
                         hep_type(proto, payload), payload, a.id, key)
        if len(pkt) > 65535:
            continue
        if a.rate > 0:
            wait = start + sent / a.rate - time.monotonic()
            if wait > 0:
                time.sleep(wait)
        if a.tcp:
            sock.sendall(pkt)
        else:
            sock.send(pkt)
        sent += 1
    sock.close()
    print(sent)
    return 0


if __name__ == "__main__":
    sys.exit(main())
