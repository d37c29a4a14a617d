#!/usr/bin/env python3
"""Seed corpora for the fuzz harnesses, taken from the project's captures.

usage: seeds.py PCAP_DIR OUT_DIR

Writes OUT_DIR/decode (whole frames), OUT_DIR/sip and OUT_DIR/sdp (SIP
messages and their bodies), OUT_DIR/rtcp (RTCP datagrams); the reassembly
harnesses start from the frames.  Reads classic pcap files only (standard
library, no dissector: the UDP payload of Ethernet/IPv4 frames is enough
for seeds).
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


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    out = {k: os.path.join(argv[2], k) for k in ("decode", "sip", "sdp", "rtcp")}
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
    for path in sorted(glob.glob(os.path.join(argv[1], "*.pcap"))):
        for n, (linktype, frame) in enumerate(frames(path)):
            if n < DECODE_PER_FILE:
                keep("decode", frame)
            payload = udp_payload(linktype, frame)
            if payload is None:
                continue
            if payload[:4] in (b"INVI", b"SIP/", b"ACK ", b"BYE ", b"CANC"):
                keep("sip", payload)
                body = payload.split(b"\r\n\r\n", 1)
                if len(body) == 2 and body[1].startswith(b"v=0"):
                    keep("sdp", body[1])
            elif len(payload) >= 8 and payload[0] >> 6 == 2 and \
                    200 <= payload[1] <= 207:
                keep("rtcp", payload)
    print(" ".join("%s %d" % kv for kv in sorted(count.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
