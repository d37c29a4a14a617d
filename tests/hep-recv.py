#!/usr/bin/env python3
"""A HEPv3 collector for the tests: listens on loopback (UDP or TCP),
decodes every packet strictly, as heplify-server checks it, and writes one
JSON line per packet (or per error) to --out.

Strict: "HEP3", the header's length equal to the datagram (UDP) or framing
the stream (TCP), every chunk at least 6 bytes and inside the packet, each
generic chunk of its type's exact size.  A packet that breaks a rule is an
"error" line, never decoded half.  Stops on SIGTERM or SIGINT, once
what the socket holds by then is read.
"""
import argparse
import json
import select
import signal
import socket
import struct
import sys

# Generic chunks of a fixed size (header included), by type.
SIZES = {1: 7, 2: 7, 11: 7, 7: 8, 8: 8, 18: 8, 3: 10, 4: 10, 9: 10, 10: 10,
         12: 10, 5: 22, 6: 22, 13: 8, 23: 7, 24: 7, 32: 8, 33: 8, 35: 10}


class HepError(Exception):
    pass


def decode(pkt):
    """One HEPv3 packet to a dict of its chunks, or HepError."""
    if len(pkt) < 6 or pkt[:4] != b"HEP3":
        raise HepError("not HEP3")
    (total,) = struct.unpack("!H", pkt[4:6])
    if total != len(pkt):
        raise HepError("header length %d, packet %d" % (total, len(pkt)))
    out = {"chunks": []}
    off = 6
    while off < total:
        if total - off < 6:
            raise HepError("chunk header cut at %d" % off)
        vendor, ctype, clen = struct.unpack("!HHH", pkt[off:off + 6])
        if clen < 6 or off + clen > total:
            raise HepError("chunk %d length %d at %d" % (ctype, clen, off))
        value = pkt[off + 6:off + clen]
        if vendor == 0 and ctype in SIZES and clen != SIZES[ctype]:
            raise HepError("chunk %d of %d bytes" % (ctype, clen))
        out["chunks"].append([vendor, ctype])
        if vendor == 0:
            put(out, ctype, value)
        off += clen
    for need in ("family", "ip_proto", "src", "dst", "sport", "dport",
                 "ts_sec", "type", "capture_id", "payload"):
        if need not in out:
            raise HepError("no " + need)
    return out


def put(out, ctype, v):
    if ctype == 1:
        out["family"] = v[0]
    elif ctype == 2:
        out["ip_proto"] = v[0]
    elif ctype in (3, 4):
        out["src" if ctype == 3 else "dst"] = socket.inet_ntop(
            socket.AF_INET, v)
    elif ctype in (5, 6):
        out["src" if ctype == 5 else "dst"] = socket.inet_ntop(
            socket.AF_INET6, v)
    elif ctype in (7, 8):
        out["sport" if ctype == 7 else "dport"] = struct.unpack("!H", v)[0]
    elif ctype == 9:
        out["ts_sec"] = struct.unpack("!I", v)[0]
    elif ctype == 10:
        out["ts_usec"] = struct.unpack("!I", v)[0]
    elif ctype == 11:
        out["type"] = v[0]
    elif ctype == 12:
        out["capture_id"] = struct.unpack("!I", v)[0]
    elif ctype == 14:
        out["auth_key"] = v.hex()
    elif ctype == 15:
        out["payload"] = v.hex()
    elif ctype == 17:
        out["correlation"] = v.hex()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--proto", choices=("udp", "tcp"), required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file", help="write the port listened on here")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    out = open(args.out, "w")
    running = [True]

    def stop(*_):
        running[0] = False
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    def emit(pkt):
        try:
            rec = decode(pkt)
        except HepError as e:
            rec = {"error": str(e), "raw": pkt.hex()}
        out.write(json.dumps(rec) + "\n")
        out.flush()

    kind = socket.SOCK_DGRAM if args.proto == "udp" else socket.SOCK_STREAM
    s = socket.socket(socket.AF_INET, kind)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if args.proto == "udp":
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind(("127.0.0.1", args.port))
    if args.port_file:
        with open(args.port_file, "w") as f:
            f.write("%d\n" % s.getsockname()[1])
    s.settimeout(0.2)
    if args.proto == "udp":
        # After the stop, what waits in the socket is still read.
        while True:
            try:
                emit(s.recv(65536))
            except socket.timeout:
                if not running[0]:
                    return 0
    s.listen(4)
    conns = {}              # socket: bytes of a packet not yet whole
    # After the stop, the connections are read until they are quiet.
    while True:
        ready, _, _ = select.select([s] + list(conns), [], [], 0.2)
        if not ready and not running[0]:
            break
        for sock in ready:
            if sock is s:
                c, _ = s.accept()
                conns[c] = b""
                out.write(json.dumps({"connection": len(conns)}) + "\n")
                out.flush()
                continue
            data = sock.recv(65536)
            if not data:
                if conns[sock]:
                    emit(conns[sock])   # a packet cut by the close
                del conns[sock]
                sock.close()
                continue
            buf = conns[sock] + data
            while len(buf) >= 6:
                if buf[:4] != b"HEP3":
                    emit(buf)
                    buf = b""
                    break
                (total,) = struct.unpack("!H", buf[4:6])
                if total < 6 or len(buf) < total:
                    break
                emit(buf[:total])
                buf = buf[total:]
            conns[sock] = buf
    return 0


if __name__ == "__main__":
    sys.exit(main())
