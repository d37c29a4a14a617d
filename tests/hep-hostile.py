#!/usr/bin/env python3
"""Send hostile HEPv3 input to a listener, and say what it should count.

usage: hep-hostile.py udp|tcp HOST PORT

Sends, over UDP: packets whose header length lies either way, chunks past
the end or of length zero, generic chunks of the wrong size, packets
without a payload or ports, a family that is neither, HEPv2, datagrams
shorter than a header, the largest datagram UDP carries, compressed
payloads that are not zlib or inflate past any packet, protocol types
vqprobe does not analyse, and a flood of garbage and of corrupted packets.
Over TCP: a packet of 65535 bytes, a stream that is not HEP, one whose
header says less than a header, one whose packet lies about its length,
one that stops mid-packet, and one client more than vqprobe serves.  Prints, as JSON, the counters (the
report's capture.hep) the listener must reach, and in "flood" how many
corrupted packets went out besides, which may land in any counter.
Standard library only.
"""
import json
import random
import socket
import struct
import sys
import time
import zlib

SIP = (b"OPTIONS sip:probe@127.0.0.1 SIP/2.0\r\n"
       b"Via: SIP/2.0/UDP 127.0.0.1:5099;branch=z9hG4bK-hostile\r\n"
       b"From: <sip:h@127.0.0.1>;tag=1\r\nTo: <sip:probe@127.0.0.1>\r\n"
       b"Call-ID: hostile@127.0.0.1\r\nCSeq: 1 OPTIONS\r\n"
       b"Content-Length: 0\r\n\r\n")


def chunk(ctype, value, length=None, vendor=0):
    n = len(value) + 6 if length is None else length
    return struct.pack("!HHH", vendor, ctype, n) + value


def base_chunks(ptype=1, family=2, payload=SIP, payload_type=0x0F,
                omit=()):
    c = []
    if 1 not in omit:
        c.append(chunk(1, bytes([family])))
    c.append(chunk(2, b"\x11"))
    c.append(chunk(3, bytes([127, 0, 0, 1])))
    c.append(chunk(4, bytes([127, 0, 0, 2])))
    if 7 not in omit:
        c.append(chunk(7, struct.pack("!H", 5099)))
    c.append(chunk(8, struct.pack("!H", 5060)))
    c.append(chunk(9, struct.pack("!I", int(time.time()))))
    c.append(chunk(10, struct.pack("!I", 0)))
    c.append(chunk(11, bytes([ptype])))
    c.append(chunk(12, struct.pack("!I", 7)))
    if payload is not None:
        c.append(chunk(payload_type, payload))
    return c


def packet(chunks, length=None, magic=b"HEP3"):
    body = b"".join(chunks)
    n = len(body) + 6 if length is None else length
    return magic + struct.pack("!H", n) + body


def udp_cases(rng):
    """(counter, datagram) of each UDP case."""
    good = packet(base_chunks())
    cases = [
        ("short", good[:5]),
        ("short", b""),
        ("short", packet(base_chunks(), len(good) + 10)),
        ("bad_length", packet(base_chunks(), len(good) - 1)),
        ("bad_length", packet(base_chunks(), 3)),
        ("bad_chunk", packet(base_chunks() + [chunk(0x13, b"node", 40)])),
        ("bad_chunk", packet(base_chunks() + [chunk(0x13, b"", 0)])),
        ("bad_chunk", packet(base_chunks() + [chunk(0x13, b"", 5)])),
        ("bad_chunk", packet(base_chunks() + [chunk(7, b"\x00\x01\x02")])),
        ("bad_chunk", packet(base_chunks() + [chunk(3, b"\x7f\x00\x00")])),
        ("bad_chunk", packet(base_chunks() + [b"\x00\x00"])),
        ("missing", packet(base_chunks(payload=None))),
        ("missing", packet(base_chunks(omit=(7,)))),
        ("missing", packet(base_chunks(omit=(1,)))),
        ("missing", packet(base_chunks(payload=b""))),
        ("bad_family", packet(base_chunks(family=7))),
        ("bad_family", packet(base_chunks(family=10))),
        ("not_hep3", packet(base_chunks(), magic=b"HEP2")),
        ("not_hep3", b"\x02\x10\x02\x00" + b"x" * 40),
        ("inflate_failed", packet(base_chunks(payload=b"not zlib at all",
                                              payload_type=0x10))),
        # A megabyte of zeros, a kilobyte compressed: past any packet.
        ("inflate_failed", packet(base_chunks(
            payload=zlib.compress(b"\0" * (1 << 20), 9), payload_type=0x10))),
        ("not_analysed", packet(base_chunks(ptype=5,
                                            payload=b'{"type":200}'))),
        ("not_analysed", packet(base_chunks(ptype=34, payload=b"{}"))),
        ("not_analysed", packet(base_chunks(ptype=35, payload=b"NLR=1"))),
        ("not_analysed", packet(base_chunks(ptype=100, payload=b"log"))),
        ("not_analysed", packet(base_chunks(ptype=6, payload=b"MGCP"))),
        # Read: a compressed OPTIONS, and the largest datagram UDP takes.
        ("analysed", packet(base_chunks(payload=zlib.compress(SIP),
                                        payload_type=0x10))),
        ("analysed", packet(base_chunks(payload=b"x" * (65507 - len(good)
                                                       + len(SIP))))),
    ]
    # Other vendors' chunks are skipped, even with a generic type number.
    cases.append(("analysed", packet(base_chunks() + [
        chunk(1, b"vendor's own", vendor=2)])))
    # Garbage: never HEP3 at the start.
    for _ in range(3000):
        blob = bytes(rng.getrandbits(8) for _ in range(rng.randrange(5, 300)))
        cases.append(("not_hep3", b"X" + blob))
    # Good packets with bytes flipped after the header: any counter.
    for _ in range(3000):
        b = bytearray(good)
        for _ in range(rng.randrange(1, 6)):
            b[rng.randrange(6, len(b))] = rng.getrandbits(8)
        cases.append((None, bytes(b)))
    return cases


def tcp_streams():
    """(counters, bytes) of each TCP connection."""
    good = packet(base_chunks())
    giant = packet(base_chunks(payload=b"y" * (65535 - len(good) + len(SIP))))
    assert len(giant) == 65535
    return [
        ({"packets": 2, "analysed": 2, "connections": 1}, giant + good),
        ({"streams_bad": 1, "connections": 1},
         b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
        ({"packets": 1, "streams_bad": 1, "analysed": 1, "connections": 1},
         good + b"HEP3\x00\x03"),
        ({"packets": 2, "bad_chunk": 1, "analysed": 1, "connections": 1},
         packet(base_chunks(), len(good) - 1)[:-1] + good),
        ({"connections": 1}, good[:20]),
    ]


def main(argv):
    if len(argv) != 4 or argv[1] not in ("udp", "tcp"):
        sys.stderr.write(__doc__)
        return 2
    host, port = argv[2], int(argv[3])
    want = {"packets": 0, "analysed": 0}
    if argv[1] == "udp":
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        cases = udp_cases(random.Random(6035))
        for n, (counter, dgram) in enumerate(cases):
            udp.sendto(dgram, (host, port))
            want["packets"] += 1
            if counter is None:
                want["flood"] = want.get("flood", 0) + 1
            else:
                want[counter] = want.get(counter, 0) + 1
            if n % 100 == 99:
                time.sleep(0.005)   # a burst, not more than a buffer holds
        udp.close()
    for counts, blob in tcp_streams() if argv[1] == "tcp" else ():
        s = socket.create_connection((host, port))
        s.sendall(blob)
        s.shutdown(socket.SHUT_WR)
        s.settimeout(5)
        try:
            s.recv(1)       # until vqprobe closes its side
        except OSError:
            pass
        s.close()
        for k, v in counts.items():
            want[k] = want.get(k, 0) + v
    if argv[1] == "tcp":
        # One client more than vqprobe serves (HEPIN_MAX_CLIENTS): closed.
        held = [socket.create_connection((host, port)) for _ in range(64)]
        extra = socket.create_connection((host, port))
        extra.settimeout(5)
        try:
            extra.recv(1)
        except OSError:
            pass
        extra.close()
        for h in held:
            h.close()
        want["connections"] = want.get("connections", 0) + 64
        want["connections_refused"] = 1
    print(json.dumps(want, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
