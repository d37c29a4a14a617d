#!/usr/bin/env python3
"""Seed corpora for the fuzz harnesses, taken from the project's captures.

usage: seeds.py PCAP_DIR OUT_DIR

Writes OUT_DIR/decode (whole frames), OUT_DIR/sip and OUT_DIR/sdp (SIP
messages and their bodies), OUT_DIR/rtcp (RTCP datagrams), OUT_DIR/vqreport
(the bodies of SIP messages of type application/vq-rtcpxr, after two reports
of its own so that it is never empty), OUT_DIR/hep (SIP and RTCP datagrams
wrapped in HEPv3, one packet and two back to back); the reassembly harnesses start from
the frames.  Reads classic pcap files only (standard library, no dissector:
the UDP payload of Ethernet/IPv4 frames is enough for seeds).
"""
import glob
import os
import struct
import sys

PER_KIND = 200
# Frames of each capture for the decode seeds: every link type and tunnel
# the captures hold starts the fuzzer off, not only the first files'.
DECODE_PER_FILE = 6
DECODE_MAX = 600


def frames(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        return
    magic = data[:4]
    if magic == b"\xd4\xc3\xb2\xa1":
        endian = "<"
    elif magic == b"\xa1\xb2\xc3\xd4":
        endian = ">"
    else:
        return      # pcapng and the rest: not needed for seeds
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    off = 24
    while off + 16 <= len(data):
        caplen = struct.unpack(endian + "I", data[off + 8:off + 12])[0]
        frame = data[off + 16:off + 16 + caplen]
        off += 16 + caplen
        yield linktype, frame


def udp_payload(linktype, frame):
    if linktype != 1 or len(frame) < 42 or frame[12:14] != b"\x08\x00":
        return None
    ihl = (frame[14] & 0x0F) * 4
    if frame[23] != 17:
        return None
    return frame[14 + ihl + 8:]


def ws_seed():
    """A client's side of SIP over WebSocket for the TCP harness: the
    HTTP Upgrade, then an OPTIONS in one masked text frame, a ping, and the
    same OPTIONS in two fragments."""
    sip = (b"OPTIONS sip:proxy.example.com SIP/2.0\r\n"
           b"Via: SIP/2.0/WS df7jal23ls0d.invalid;branch=z9hG4bK56sdasks\r\n"
           b"Call-ID: ws1@df7jal23ls0d.invalid\r\nCSeq: 1 OPTIONS\r\n"
           b"Content-Length: 0\r\n\r\n")
    key = b"\x12\x34\x56\x78"

    def frame(fin, opcode, payload):
        n = len(payload)
        head = bytes([(0x80 if fin else 0) | opcode])
        head += bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + struct.pack("!H", n)
        return head + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))
    return (b"GET / HTTP/1.1\r\nHost: proxy.example.com\r\nUpgrade: websocket\r\n"
            b"Connection: Upgrade\r\nSec-WebSocket-Protocol: sip\r\n\r\n"
            + frame(True, 1, sip) + frame(True, 9, b"ping")
            + frame(False, 1, sip[:50]) + frame(True, 0, sip[50:]))


# RFC 6035 reports for the vqreport harness, whatever the captures hold: a
# whole session report (IPv4 and IPv6, both blocks, quoted values, lines it
# skips) and an interval report with LF line ends.
VQ_SESSION = (
    b"VQSessionReport: CallTerm\r\n"
    b"CallID: 3c26700f3a31@192.0.2.10\r\n"
    b"LocalID: <sip:1001@example.net>\r\n"
    b"RemoteID: <sip:1002@example.net>\r\n"
    b"OrigID: <sip:1001@example.net>\r\n"
    b"LocalGroup: phones-3\r\n"
    b"RemoteGroup: gateways-1\r\n"
    b"LocalAddr: IP=192.0.2.10 PORT=40000 SSRC=0x2468abcd\r\n"
    b"LocalMAC: 00:1f:5b:cc:21:0f\r\n"
    b"RemoteAddr: IP=[2001:db8::20] PORT=50000 SSRC=324508639\r\n"
    b"RemoteMAC: 00:26:08:8e:95:02\r\n"
    b"LocalMetrics:\r\n"
    b"Timestamps: START=2024-03-01T10:00:00Z STOP=2024-03-01T10:02:19Z\r\n"
    b"SessionDesc: PT=18 PD=G729 SR=8000 FD=20 FO=20 FPP=2 PPS=50 "
    b"FMTP=\"annexb=no\" PLC=3 SSUP=on\r\n"
    b"JitterBuffer: JBA=3 JBR=2 JBN=40 JBM=80 JBX=120\r\n"
    b"PacketLoss: NLR=5.0 JDR=2.0\r\n"
    b"BurstGapLoss: BLD=0 BD=0 GLD=2.0 GD=500 GMIN=16\r\n"
    b"Delay: RTD=200 ESD=140 OWD=100 SOWD=200 IAJ=2 MAJ=1\r\n"
    b"Signal: SL=-21 NL=-50 RERL=55\r\n"
    b"QualityEst: RLQ=88 RCQ=85 EXTRI=90 MOSLQ=4.2 MOSCQ=4.3 "
    b"QoEEstAlg=P.564\r\n"
    b"RemoteMetrics:\r\n"
    b"JitterBuffer: JBA=2 JBR=1 JBN=20 JBM=60 JBX=200\r\n"
    b"PacketLoss: NLR=0.5 JDR=1.25\r\n"
    b"BurstGapLoss: BLD=33.3 BD=120 GLD=0.4 GD=9000 GMIN=16\r\n"
    b"Delay: RTD=210 ESD=60 OWD=105 SOWD=105 IAJ=7 MAJ=4\r\n"
    b"QualityEst: RLQ=81 RCQ=79 MOSLQ=3.9 MOSCQ=3.8\r\n"
    b"DialogID: 3c26700f3a31@192.0.2.10;to-tag=8472761;from-tag=9123dh311\r\n")
VQ_INTERVAL = (
    b"VQIntervalReport\n"
    b"CallID:7f3a9e@198.51.100.4\n"
    b"LocalAddr:IP=198.51.100.4 PORT=16384 SSRC=0x0badcafe\n"
    b"RemoteAddr:IP=203.0.113.9 PORT=20000 SSRC=0x00c0ffee\n"
    b"LocalMetrics:\n"
    b"PacketLoss:NLR=1.5 JDR=0.5\n"
    b"Delay:RTD=48 IAJ=3\n"
    b"QualityEst:RLQ=90 MOSLQ=4.3 MOSCQ=4.1\n")


def hep_wrap(frame, payload, proto_type):
    """The payload of an Ethernet/IPv4/UDP frame as a HEPv3 packet, with
    the frame's addresses and ports."""
    ihl = (frame[14] & 0x0F) * 4
    ports = frame[14 + ihl:14 + ihl + 4]

    def chunk(ctype, value):
        return struct.pack("!HHH", 0, ctype, len(value) + 6) + value
    body = (chunk(1, b"\x02") + chunk(2, b"\x11") + chunk(3, frame[26:30])
            + chunk(4, frame[30:34]) + chunk(7, ports[:2])
            + chunk(8, ports[2:]) + chunk(9, struct.pack("!I", 1700000000))
            + chunk(10, struct.pack("!I", 0)) + chunk(11, bytes([proto_type]))
            + chunk(12, struct.pack("!I", 2001)) + chunk(15, payload))
    if len(body) + 6 > 65535:
        return None
    return b"HEP3" + struct.pack("!H", len(body) + 6) + body


def vq_rtcpxr_body(payload):
    """The body of a SIP message whose Content-Type is
    application/vq-rtcpxr (parameters allowed), or None."""
    parts = payload.split(b"\r\n\r\n", 1)
    if len(parts) != 2:
        return None
    for line in parts[0].split(b"\r\n")[1:]:
        name, colon, value = line.partition(b":")
        if not colon or name.strip().lower() not in (b"content-type", b"c"):
            continue
        media = value.split(b";", 1)[0].replace(b" ", b"").replace(b"\t", b"")
        return parts[1] if media.lower() == b"application/vq-rtcpxr" else None
    return None


def is_sip(payload):
    """A SIP request or response, by its start line."""
    first = payload.split(b"\r\n", 1)[0]
    return first.startswith(b"SIP/2.0 ") or first.endswith(b" SIP/2.0")


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    out = {k: os.path.join(argv[2], k)
           for k in ("decode", "sip", "sdp", "rtcp", "vqreport", "hep")}
    for d in out.values():
        os.makedirs(d, exist_ok=True)
    count = {k: 0 for k in out}

    def keep(kind, blob):
        if count[kind] < (DECODE_MAX if kind == "decode" else PER_KIND) and blob:
            name = os.path.join(out[kind], "%s-%04d" % (kind, count[kind]))
            with open(name, "wb") as f:
                f.write(blob)
            count[kind] += 1

    keep("sip", ws_seed())
    keep("vqreport", VQ_SESSION)
    keep("vqreport", VQ_INTERVAL)
    for path in sorted(glob.glob(os.path.join(argv[1], "*.pcap"))):
        for n, (linktype, frame) in enumerate(frames(path)):
            if n < DECODE_PER_FILE:
                keep("decode", frame)
            payload = udp_payload(linktype, frame)
            if payload is None:
                continue
            if is_sip(payload):
                keep("vqreport", vq_rtcpxr_body(payload))
            if payload[:4] in (b"INVI", b"SIP/", b"ACK ", b"BYE ", b"CANC"):
                keep("sip", payload)
                hep = hep_wrap(frame, payload, 1)
                keep("hep", hep)
                keep("hep", hep and hep + hep)
                body = payload.split(b"\r\n\r\n", 1)
                if len(body) == 2 and body[1].startswith(b"v=0"):
                    keep("sdp", body[1])
            elif len(payload) >= 8 and payload[0] >> 6 == 2 and \
                    200 <= payload[1] <= 207:
                keep("rtcp", payload)
                keep("hep", hep_wrap(frame, payload, 5))
    print(" ".join("%s %d" % kv for kv in sorted(count.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
