#!/usr/bin/env python3
"""hostile-gen: one capture per class of hostile input (docs/bad-input.md).

    python3 tests/hostile-gen.py OUT_DIR [CLASS...]
    python3 tests/hostile-gen.py --list

Each class writes one or more files into OUT_DIR, named after it, for
tests/hostile.test to run vqprobe on.  The files are not realistic traffic:
each is made to hit one bound of the probe (a table size, a byte limit, a
parser's cap) many times over, with a little well-formed traffic before and
after so that a test can tell the probe went on analysing.  Python 3
standard library only; frames are built with tests/capgen.py's helpers,
and the large captures are written as they are made (never held whole).
Deterministic: the same files every time.

Classes (see --list): capfile, giant-sip, via, sdp, ipfrag, tcp, ssrc,
invite, rtcp, text, reinvite, gtpu, ws.
"""

import argparse
import ipaddress
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from capgen import (BASE_EPOCH_S, LINKTYPE_ETHERNET, SNAPLEN, TCP_ACK,  # noqa: E402
                    TCP_PSH, TCP_SYN, US_PER_S, _pcapng_block,
                    _pcapng_option, ipv4_fragments, ipv4_packet,
                    ipv6_fragments, tcp_segment, udp_segment, write_hostile_html,
                    write_hostile_sip, write_pcap, ws_frame)

T0_US = BASE_EPOCH_S * US_PER_S

CALLER = ipaddress.ip_address("10.0.0.1")
CALLEE = ipaddress.ip_address("10.0.0.2")
COLLECTOR = ipaddress.ip_address("10.0.0.9")
CALLER6 = ipaddress.ip_address("2001:db8::1")
CALLEE6 = ipaddress.ip_address("2001:db8::2")
MAC_CALLER = bytes([2, 0, 0, 0, 0, 1])
MAC_CALLEE = bytes([2, 0, 0, 0, 0, 2])

# Largest UDP payload of one IPv4 datagram: 65535 - 20 - 8.
MAX_UDP_PAYLOAD = 65507


# ---------------------------------------------------------------------------
# Frames
# ---------------------------------------------------------------------------

def ether(ip, v6=False):
    """An Ethernet II frame around an IP packet, padded to 60 bytes."""
    frame = MAC_CALLEE + MAC_CALLER + struct.pack("!H", 0x86DD if v6 else 0x0800) + ip
    return frame + b"\0" * (60 - len(frame)) if len(frame) < 60 else frame


def ip_udp4(src, dst, sport, dport, payload, ident=1, tos=0):
    """An IPv4/UDP packet (to put in a frame or a tunnel)."""
    return ipv4_packet(src, dst, 17, udp_segment(src, dst, sport, dport, payload),
                       ident & 0xFFFF, tos)


def udp4(src, dst, sport, dport, payload, ident=1, tos=0):
    """A whole IPv4/UDP frame."""
    return ether(ip_udp4(src, dst, sport, dport, payload, ident, tos))


def udp4_fragments(src, dst, sport, dport, payload, ident, mtu=1500):
    """An IPv4/UDP datagram cut into fragments that fit mtu, as frames."""
    l4 = udp_segment(src, dst, sport, dport, payload)
    return [ether(p) for p in ipv4_fragments(src, dst, 17, l4, ident & 0xFFFF, 0, mtu)]


def tcp4(src, dst, sport, dport, seq, ack, flags, payload=b"", window=64240):
    return ether(ipv4_packet(src, dst, 6, tcp_segment(src, dst, sport, dport, seq, ack,
                                                      flags, payload, window), 1, 0x60))


def raw_fragment4(src, dst, proto, data, ident, offset_bytes, more):
    """One IPv4 fragment with exactly these bytes at this offset."""
    flags = (0x2000 if more else 0) | (offset_bytes // 8)
    return ether(ipv4_packet(src, dst, proto, data, ident & 0xFFFF, 0, flags_frag=flags))


# ---------------------------------------------------------------------------
# SIP and SDP text
# ---------------------------------------------------------------------------

def sdp(addr, port, extra=""):
    return ("v=0\r\no=- 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n"
            "m=audio %d RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n"
            "a=rtpmap:101 telephone-event/8000\r\n%s" % (addr, addr, port, extra))


def sip_request(method, call_id, n=1, body="", extra_headers="", via=None,
                transport="UDP", cseq=1):
    """A SIP request from the caller (10.0.0.1) to the callee (10.0.0.2)."""
    if via is None:
        via = "Via: SIP/2.0/%s 10.0.0.1:5060;branch=z9hG4bK%08x\r\n" % (transport, n)
    head = ("%s sip:bob@10.0.0.2 SIP/2.0\r\n%s"
            "Max-Forwards: 70\r\n"
            "From: <sip:alice@example.com>;tag=a%x\r\n"
            "To: <sip:bob@example.com>\r\n"
            "Call-ID: %s\r\n"
            "CSeq: %d %s\r\n"
            "Contact: <sip:alice@10.0.0.1:5060>\r\n%s" %
            (method, via, n, call_id, cseq, method, extra_headers))
    if body:
        head += "Content-Type: application/sdp\r\n"
    head += "Content-Length: %d\r\n\r\n" % len(body.encode())
    return (head + body).encode()


def sip_ok(call_id, n=1, body="", method="INVITE"):
    """The callee's 200 OK to the caller's request."""
    text = ("SIP/2.0 200 OK\r\n"
            "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK%08x\r\n"
            "From: <sip:alice@example.com>;tag=a%x\r\n"
            "To: <sip:bob@example.com>;tag=b%x\r\n"
            "Call-ID: %s\r\n"
            "CSeq: 1 %s\r\n"
            "Contact: <sip:bob@10.0.0.2:5060>\r\n" % (n, n, n, call_id, method))
    if body:
        text += "Content-Type: application/sdp\r\n"
    text += "Content-Length: %d\r\n\r\n" % len(body.encode())
    return (text + body).encode()


def one_call(t_us, call_id, caller_port=40000, callee_port=50000, n=1):
    """INVITE and 200 OK over UDP, each with SDP: (time, frame) records.
    Media then flows between 10.0.0.1:caller_port and 10.0.0.2:callee_port."""
    inv = sip_request("INVITE", call_id, n, sdp("10.0.0.1", caller_port))
    ok = sip_ok(call_id, n, sdp("10.0.0.2", callee_port))
    return [(t_us, udp4(CALLER, CALLEE, 5060, 5060, inv)),
            (t_us + 100000, udp4(CALLEE, CALLER, 5060, 5060, ok))]


def rtp(seq, ts, ssrc, pt=0, payload=b"\xff" * 160):
    return struct.pack("!BBHII", 0x80, pt, seq & 0xFFFF, ts & 0xFFFFFFFF, ssrc) + payload


def media(t_us, n, src=CALLER, sport=40000, dst=CALLEE, dport=50000, ssrc=0x1234):
    """n packets of a well-formed 20 ms G.711 stream."""
    return [(t_us + i * 20000, udp4(src, dst, sport, dport, rtp(i, i * 160, ssrc)))
            for i in range(n)]


# ---------------------------------------------------------------------------
# Class 1: capture files that lie
# ---------------------------------------------------------------------------

def pcap_header(snaplen=SNAPLEN, magic=0xA1B2C3D4, linktype=LINKTYPE_ETHERNET):
    return struct.pack("<IHHiIII", magic, 2, 4, 0, 0, snaplen, linktype)


def pcap_record(t_us, data, incl_len=None, orig_len=None):
    """A record header whose lengths may lie, then data as given."""
    incl = len(data) if incl_len is None else incl_len
    orig = len(data) if orig_len is None else orig_len
    return struct.pack("<IIII", t_us // US_PER_S, t_us % US_PER_S, incl, orig) + data


def good_frames(t_us, k=0):
    """Three well-formed frames: an OPTIONS and two RTP packets."""
    opt = sip_request("OPTIONS", "capfile-%d@10.0.0.1" % k, k)
    return [(t_us, udp4(CALLER, CALLEE, 5060, 5060, opt)),
            (t_us + 20000, udp4(CALLER, CALLEE, 40000, 50000, rtp(1, 160, 0x77))),
            (t_us + 40000, udp4(CALLER, CALLEE, 40000, 50000, rtp(2, 320, 0x77)))]


def records(frames):
    return b"".join(pcap_record(t, f) for t, f in frames)


def gen_capfile(out):
    """Classic pcap and pcapng files whose framing lies.  Each file says in
    its name what is wrong; tests/hostile.test knows what each must give."""
    t = T0_US
    good = records(good_frames(t))
    later = records(good_frames(t + 1000000, 1))
    big_invite = sip_request("INVITE", "snaplen-lie@10.0.0.1", 7,
                             sdp("10.0.0.1", 40000, "a=x-pad:%s\r\n" % ("p" * 1200)))
    files = {
        # incl_len above the file's snaplen (but sane): libpcap reads
        # snaplen bytes of it and skips the rest; the frame is cut.
        "capfile-incl-over-snaplen.pcap":
            pcap_header(snaplen=200) + good
            + pcap_record(t + 60000, udp4(CALLER, CALLEE, 5060, 5060, big_invite))
            + later,
        # incl_len of 2 GiB: libpcap refuses the record and stops there.
        "capfile-incl-huge.pcap":
            pcap_header() + good
            + pcap_record(t + 60000, b"\0" * 64, incl_len=0x7FFFFFF0, orig_len=0x7FFFFFF0)
            + later,
        # incl_len past the end of the file: the file is cut mid-record.
        "capfile-incl-past-eof.pcap":
            pcap_header() + good + pcap_record(t + 60000, b"\0" * 100, incl_len=60000),
        # incl_len larger than orig_len (more captured than was sent), and
        # an orig_len of 0, on SIP, RTP, RTCP and TCP.
        "capfile-incl-over-orig.pcap":
            pcap_header() + good
            + pcap_record(t + 60000, udp4(CALLER, CALLEE, 5060, 5060,
                                          sip_request("OPTIONS", "x@y", 9)), orig_len=42)
            + pcap_record(t + 80000, udp4(CALLER, CALLEE, 40000, 50000, rtp(3, 480, 0x77)),
                          orig_len=0)
            + pcap_record(t + 90000, udp4(CALLER, CALLEE, 40001, 50001,
                                          struct.pack("!BBHI", 0x81, 201, 7, 0x77)
                                          + b"\0" * 24), orig_len=50)
            + pcap_record(t + 95000, tcp4(CALLER, CALLEE, 5062, 5060, 1000, 0, TCP_PSH | TCP_ACK,
                                          sip_request("OPTIONS", "t@y", 10, transport="TCP")),
                          orig_len=54)
            + later,
        # Not a capture file at all (a wrong magic number).
        "capfile-bad-magic.pcap":
            pcap_header(magic=0xDEADBEEF) + good,
        # A file cut in the middle of a record.
        "capfile-cut.pcap":
            (pcap_header() + good + later)[:-30],
        # Timestamps that jump by decades both ways and a microsecond field
        # past one second: time must not run loops over the gap.
        "capfile-time-jumps.pcap":
            pcap_header() + good
            + pcap_record((2 ** 32 - 1) * US_PER_S, udp4(CALLER, CALLEE, 40000, 50000,
                                                           rtp(3, 480, 0x77)))
            + pcap_record(0, udp4(CALLER, CALLEE, 40000, 50000, rtp(4, 640, 0x77)))
            + struct.pack("<IIII", BASE_EPOCH_S, 0xFFFFFFFF, 60, 60)
            + udp4(CALLER, CALLEE, 40000, 50000, rtp(5, 800, 0x77, payload=b""))[:60]
            + later,
    }
    for name, data in files.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    gen_pcapng(out, t)


def gen_pcapng(out, t):
    """pcapng with blocks no reader knows (skipped), and with lengths that lie."""
    eoo = _pcapng_option(0, b"")
    shb = _pcapng_block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1) + eoo)
    idb = _pcapng_block(0x00000001, struct.pack("<HHI", LINKTYPE_ETHERNET, 0, SNAPLEN)
                        + _pcapng_option(9, bytes([6])) + eoo)

    def epb(t_us, data, caplen=None):
        cap = len(data) if caplen is None else caplen
        return _pcapng_block(0x00000006, struct.pack("<IIIII", 0, t_us >> 32,
                                                     t_us & 0xFFFFFFFF, cap, len(data)) + data)
    frames = good_frames(t) + good_frames(t + 1000000, 1)
    epbs = [epb(ts, f) for ts, f in frames]
    unknown = b"".join([
        _pcapng_block(0x0000BAD0, b"\xa5" * 40),           # unassigned type
        _pcapng_block(0x40000BAD, b"\x5a" * 400),          # reserved for local use
        _pcapng_block(0x00000BAD, struct.pack("<I", 32473) + b"vendor data!"),  # custom
        _pcapng_block(0x0000000A, struct.pack("<II", 0x544c534b, 8) + b"secrets!"),  # DSB
        _pcapng_block(0x00000004, struct.pack("<HH", 0, 0)),  # empty NRB
        _pcapng_block(0x00000005, struct.pack("<III", 0, t >> 32, t & 0xFFFFFFFF) + eoo),  # ISB
    ])
    files = {
        "capfile-pcapng-unknown-blocks.pcapng":
            shb + idb + b"".join(epbs[:3]) + unknown + b"".join(epbs[3:]),
        # A block whose total length claims 2 GiB.
        "capfile-pcapng-block-huge.pcapng":
            shb + idb + b"".join(epbs[:3])
            + struct.pack("<II", 0x00000006, 0x7FFFFFF0) + b"\0" * 64,
        # An EPB on an interface no IDB described.
        "capfile-pcapng-no-interface.pcapng":
            shb + idb + b"".join(epbs[:3])
            + _pcapng_block(0x00000006, struct.pack("<IIIII", 7, 0, 0, 4, 4) + b"\0" * 4)
            + b"".join(epbs[3:]),
        # An EPB whose captured length is larger than its block.
        "capfile-pcapng-caplen-over-block.pcapng":
            shb + idb + b"".join(epbs[:3]) + epb(t + 60000, b"\0" * 64, caplen=60000)
            + b"".join(epbs[3:]),
    }
    for name, data in files.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


# ---------------------------------------------------------------------------
# Class 2: giant SIP messages
# ---------------------------------------------------------------------------

def tcp_stream(t_us, src, dst, sport, dport, messages, isn=1000, mss=1460, step_us=10):
    """A handshake, then each message in mss-sized segments (a message
    starts a segment, as a sender that writes one at a time makes them).
    Returns the records and the time after the last."""
    out = [(t_us, tcp4(src, dst, sport, dport, isn - 1, 0, TCP_SYN)),
           (t_us + 1, tcp4(dst, src, dport, sport, 5000, isn, TCP_SYN | TCP_ACK)),
           (t_us + 2, tcp4(src, dst, sport, dport, isn, 5001, TCP_ACK))]
    t, seq = t_us + 3, isn
    for data in messages:
        for off in range(0, len(data), mss):
            out.append((t, tcp4(src, dst, sport, dport, seq + off, 5001, TCP_PSH | TCP_ACK,
                                data[off:off + mss])))
            t += step_us
        seq += len(data)
    return out, t


def gen_giant_sip(out):
    """A 1 MiB SIP message over TCP between ordinary ones, and as the first
    message of a connection; a header line that never ends; a 64 KiB SIP
    message in one UDP datagram (IP fragments) and in one unfragmented frame
    (as a capture with GRO sees it)."""
    t = T0_US
    text = (b"x" * 1022 + b"\r\n") * 1024                 # 1 MiB of text lines
    giant = sip_request("MESSAGE", "giant-tcp@10.0.0.1", 1, transport="TCP")
    giant = giant.replace(b"Content-Length: 0", b"Content-Type: text/plain\r\n"
                          b"Content-Length: %d" % len(text)) + text
    hello = sip_request("OPTIONS", "before-giant@10.0.0.1", 2, transport="TCP")

    def invite(call_id, n):
        return sip_request("INVITE", call_id, n, sdp("10.0.0.1", 40000 + 2 * n),
                           transport="TCP")
    # In a connection already carrying SIP: the INVITE after it is framed.
    frames, t = tcp_stream(t, CALLER, CALLEE, 5062, 5060,
                           [hello, giant, invite("after-giant@10.0.0.1", 3)])
    # As the first message: the connection is given up, then followed
    # again from the INVITE's segment.
    more, t = tcp_stream(t + 1000, CALLER, CALLEE, 5064, 5060,
                         [giant, invite("after-giant-first@10.0.0.1", 4)], isn=90000)
    frames += more
    # A header line of 1 MiB with no end (no LF at all).
    endless = b"INVITE sip:bob@10.0.0.2 SIP/2.0\r\nSubject: " + b"y" * (1 << 20)
    more, t = tcp_stream(t + 1000, CALLER, CALLEE, 5066, 5060, [endless])
    frames += more
    # Over UDP: 64 KiB of headers in one datagram, fragmented and whole.
    pad = "X-Pad: %s\r\n" % ("z" * 990)
    body = sdp("10.0.0.1", 40100)
    msg = sip_request("INVITE", "giant-udp@10.0.0.1", 5, body, extra_headers=pad * 64)
    while len(msg) > MAX_UDP_PAYLOAD:
        msg = msg.replace(pad.encode(), b"", 1)
    msg = msg.replace(b"X-Pad: z", b"X-Pad: " + b"z" * (MAX_UDP_PAYLOAD - len(msg) + 1), 1)
    assert len(msg) == MAX_UDP_PAYLOAD, len(msg)
    for i, f in enumerate(udp4_fragments(CALLER, CALLEE, 5060, 5060, msg, 77)):
        frames.append((t + 1000 + i, f))
    whole = msg.replace(b"giant-udp@", b"giant-gro@")
    frames.append((t + 5000, udp4(CALLER, CALLEE, 5060, 5060, whole, ident=78)))
    write_pcap(os.path.join(out, "giant-sip.pcap"), LINKTYPE_ETHERNET, frames)


# ---------------------------------------------------------------------------
# Class 3: 10 000 Via headers
# ---------------------------------------------------------------------------

def gen_via(out):
    """An INVITE with 10 000 Via header lines over TCP (about 450 KB: past the
    message limit), an INVITE with as many Vias as one UDP datagram holds
    (compact form, one per line, then comma-separated in one line), and an
    ordinary call after them."""
    t = T0_US
    vias = "".join("Via: SIP/2.0/TCP 192.0.2.%d:5060;branch=z9hG4bK%05d\r\n"
                   % (i % 250 + 1, i) for i in range(10000))
    tcp_msg = sip_request("INVITE", "via-tcp@10.0.0.1", 1, sdp("10.0.0.1", 40000),
                          via=vias, transport="TCP")
    after = sip_request("INVITE", "via-tcp-after@10.0.0.1", 2, sdp("10.0.0.1", 40010),
                        transport="TCP")
    frames, t = tcp_stream(t, CALLER, CALLEE, 5062, 5060, [tcp_msg, after])
    lines = "".join("v:SIP/2.0/UDP a%d\r\n" % (i % 10) for i in range(3400))
    msg = sip_request("INVITE", "via-lines@10.0.0.1", 3, sdp("10.0.0.1", 40020), via=lines)
    assert len(msg) <= MAX_UDP_PAYLOAD, len(msg)
    for i, f in enumerate(udp4_fragments(CALLER, CALLEE, 5060, 5060, msg, 91)):
        frames.append((t + 1000 + i, f))
    commas = "Via: " + ",".join("SIP/2.0/UDP b%d" % (i % 10) for i in range(4000)) + "\r\n"
    msg = sip_request("INVITE", "via-commas@10.0.0.1", 4, sdp("10.0.0.1", 40030), via=commas)
    assert len(msg) <= MAX_UDP_PAYLOAD, len(msg)
    for i, f in enumerate(udp4_fragments(CALLER, CALLEE, 5060, 5060, msg, 92)):
        frames.append((t + 2000 + i, f))
    frames += one_call(t + 10000, "via-after@10.0.0.1", 40040, 50040, 5)
    frames += media(t + 300000, 50, CALLER, 40040, CALLEE, 50040)
    write_pcap(os.path.join(out, "via.pcap"), LINKTYPE_ETHERNET, frames)


# ---------------------------------------------------------------------------
# Class 4: SDP with 1 000 m-lines
# ---------------------------------------------------------------------------

def gen_sdp(out):
    """An INVITE whose SDP has 1 000 m-lines (each with its own c=),
    answered by a 200 OK with 1 000 too; then RTP to the first
    m-line (followed) and to the last (past what is kept).  Then one
    m-line with 400 payload types."""
    t = T0_US

    def many(addr, base):
        body = "v=0\r\no=- 1 1 IN IP4 %s\r\ns=-\r\nt=0 0\r\n" % addr
        for i in range(1000):
            body += "m=audio %d RTP/AVP 0\r\nc=IN IP4 %s\r\n" % (base + 2 * i, addr)
        return body
    offer, answer = many("10.0.0.1", 20000), many("10.0.0.2", 30000)
    inv = sip_request("INVITE", "sdp-1000@10.0.0.1", 1, offer)
    ok = sip_ok("sdp-1000@10.0.0.1", 1, answer)
    assert len(inv) <= MAX_UDP_PAYLOAD and len(ok) <= MAX_UDP_PAYLOAD
    frames = [(t + i, f) for i, f in enumerate(udp4_fragments(CALLER, CALLEE, 5060, 5060,
                                                              inv, 11))]
    frames += [(t + 100000 + i, f) for i, f in
               enumerate(udp4_fragments(CALLEE, CALLER, 5060, 5060, ok, 12))]
    frames += media(t + 200000, 100, CALLER, 20000, CALLEE, 30000, ssrc=0x1111)
    frames += media(t + 200010, 100, CALLER, 21998, CALLEE, 31998, ssrc=0x2222)
    fmts = " ".join(str(i % 128) for i in range(400))
    wide = ("v=0\r\no=- 2 2 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
            "m=audio 42000 RTP/AVP %s\r\n" % fmts
            + "".join("a=rtpmap:%d X%d/8000\r\n" % (i, i) for i in range(128)))
    frames += [(t + 3000000, udp4(CALLER, CALLEE, 5060, 5060,
                                  sip_request("INVITE", "sdp-wide@10.0.0.1", 2, wide)))]
    frames.sort(key=lambda r: r[0])
    write_pcap(os.path.join(out, "sdp.pcap"), LINKTYPE_ETHERNET, frames)


# ---------------------------------------------------------------------------
# Class 5: IP fragment floods and overlaps
# ---------------------------------------------------------------------------

def gen_ipfrag(out, n_first=60000, n_holey=2000):
    """Datagrams that never complete, overlapping fragments, too many
    fragments, impossible ones; then a fragmented call that must still be
    reassembled."""
    def frames():
        t = T0_US
        chunk = b"\xab" * 1480
        small = b"\xcd" * 48
        # 60 000 first fragments, each of its own datagram, never completed.
        for i in range(n_first):
            src = ipaddress.ip_address(0x0A400000 + (i >> 16))
            yield t, raw_fragment4(src, CALLEE, 17, small, i, 0, True)
            t += 20
        # 2 000 datagrams of 8 fragments of 1480 bytes with holes between:
        # 23 MiB held if nothing were dropped.
        for i in range(n_holey):
            for k in range(8):
                yield t, raw_fragment4(CALLER, CALLEE, 17, chunk, 0x8000 + i, k * 2 * 1480, True)
                t += 20
        # Overlaps: the same range with other bytes, and a shifted one.
        for i in range(500):
            ident = 0x9000 + i
            yield t, raw_fragment4(CALLER, CALLEE, 17, b"\x01" * 64, ident, 0, True)
            yield t + 1, raw_fragment4(CALLER, CALLEE, 17, b"\x02" * 64, ident, 0, True)
            yield t + 2, raw_fragment4(CALLER, CALLEE, 17, b"\x03" * 64, ident + 1000, 0, True)
            yield t + 3, raw_fragment4(CALLER, CALLEE, 17, b"\x04" * 64, ident + 1000, 32, False)
            t += 20
        # 300 fragments of 8 bytes in one datagram: past the per-datagram cap.
        for k in range(300):
            yield t, raw_fragment4(CALLER, CALLEE, 17, b"\x05" * 8, 0xA000, k * 8, True)
            t += 5
        # Impossible: offset and length past 65535; a middle fragment of 7 bytes.
        yield t, raw_fragment4(CALLER, CALLEE, 17, b"\x06" * 800, 0xA001, 65528, False)
        yield t + 1, raw_fragment4(CALLER, CALLEE, 17, b"\x07" * 7, 0xA002, 0, True)
        # IPv6: 5 000 first fragments never completed.
        for i in range(5000):
            l4 = udp_segment(CALLER6, CALLEE6, 5060, 5060, b"\0" * 3000)
            first = ipv6_fragments(CALLER6, CALLEE6, 17, l4, 0x10000 + i, 0, 1280)[0]
            yield t, ether(first, v6=True)
            t += 20
        # After all that: an ordinary call whose SIP comes in fragments.
        t += 1000000
        inv = sip_request("INVITE", "after-frag@10.0.0.1", 1, sdp("10.0.0.1", 40000),
                          extra_headers="X-Pad: %s\r\n" % ("q" * 3000))
        for i, f in enumerate(udp4_fragments(CALLER, CALLEE, 5060, 5060, inv, 0xB000)):
            yield t + i, f
        ok = sip_ok("after-frag@10.0.0.1", 1, sdp("10.0.0.2", 50000))
        yield t + 100000, udp4(CALLEE, CALLER, 5060, 5060, ok)
        yield from media(t + 200000, 50)
    write_pcap(os.path.join(out, "ipfrag.pcap"), LINKTYPE_ETHERNET, frames())


# ---------------------------------------------------------------------------
# Class 6: TCP segment floods on one connection
# ---------------------------------------------------------------------------

def gen_tcp(out, n_segments=100000):
    """One SIP connection: a first message, then a hole that is never
    filled and 100 000 segments beyond it (across a window of 1 GiB, many
    overlapping), then segments near 2^31 ahead; and a second connection
    that carries an ordinary call after it all."""
    def frames():
        t = T0_US
        first = sip_request("OPTIONS", "tcp-flood@10.0.0.1", 1, transport="TCP")
        hs, t = tcp_stream(t, CALLER, CALLEE, 5062, 5060, [first])
        yield from hs
        base = 1000 + len(first)
        payload = b"SIP/2.0 200 OK\r\n" + b"w" * 484      # 500 bytes
        for i in range(n_segments):
            # A hole of 1 byte at base, then segments spread over 1 GiB, a
            # tenth of them inside the first 256 KiB, reordered.
            if i % 10 == 0:
                off = 1 + (i * 7919) % (256 * 1024)
            else:
                off = 1 + (i * 2654435761) % (1 << 30)
            yield t, tcp4(CALLER, CALLEE, 5062, 5060, base + off, 5001, TCP_ACK, payload,
                          window=65535)
            t += 10
        # Beyond any window, and the sequence space's far side.
        for k in range(1000):
            yield t, tcp4(CALLER, CALLEE, 5062, 5060, base + (1 << 31) - 1000 * k, 5001,
                          TCP_ACK, payload)
            t += 10
        # A new connection with an ordinary call on it.
        inv = sip_request("INVITE", "after-tcp@10.0.0.1", 2, sdp("10.0.0.1", 40000),
                          transport="TCP")
        hs, t = tcp_stream(t + 100000, CALLER, CALLEE, 5066, 5060, [inv], isn=7000)
        yield from hs
        ok = sip_ok("after-tcp@10.0.0.1", 2, sdp("10.0.0.2", 50000))
        yield t + 100000, tcp4(CALLEE, CALLER, 5060, 5066, 5001, 7000 + len(inv),
                               TCP_PSH | TCP_ACK, ok)
        yield from media(t + 200000, 50)
    write_pcap(os.path.join(out, "tcp.pcap"), LINKTYPE_ETHERNET, frames())


# ---------------------------------------------------------------------------
# Class 7: a new SSRC on every RTP packet
# ---------------------------------------------------------------------------

def gen_ssrc(out, n_signalled=5000, n_pairs=2500, n_singles=20000, n_sip_heavy=500):
    """A call, then RTP to its media endpoint with a new SSRC on every
    packet; then RTP that no SDP announced with a new SSRC and source port
    on every pair of packets (each pair would make a stream), and single
    packets with a new SSRC each (each a candidate that never becomes a
    stream); then the call's own media and a stream no SDP announced,
    which must both still be measured.  ssrc-sip.pcap: a call that kept
    64 SIP messages of 4 KB (what the views show), then a new SSRC on
    every packet, for a run with --report."""
    def frames():
        t = T0_US
        yield from one_call(t, "ssrc-flood@10.0.0.1")
        t += 200000
        for i in range(n_signalled):
            yield t, udp4(CALLER, CALLEE, 40000, 50000, rtp(i, i * 160, 0x10000000 + i))
            t += 100
        for i in range(n_pairs):
            sport = 10000 + 2 * (i % 25000)
            for k in range(2):
                yield t, udp4(CALLEE, CALLER, sport, 60000, rtp(k, k * 160, 0x20000000 + i))
                t += 50
        for i in range(n_singles):
            yield t, udp4(CALLEE, CALLER, 61000, 62000, rtp(i, i * 160, 0x30000000 + i))
            t += 50
        # The call's own media, and media no SDP announced, after the flood.
        fwd = media(t, 50, CALLER, 40000, CALLEE, 50000, ssrc=0xABCD)
        rev = media(t + 1, 50, CALLEE, 63000, CALLER, 64000, ssrc=0xDCBA)
        for pair in zip(fwd, rev):
            yield from pair
    write_pcap(os.path.join(out, "ssrc.pcap"), LINKTYPE_ETHERNET, frames())

    def sip_heavy():
        t = T0_US
        yield from one_call(t, "ssrc-sip@10.0.0.1")
        t += 200000
        pad = "X-Pad: %s\r\n" % ("k" * 4000)
        for i in range(64):
            info = sip_request("INFO", "ssrc-sip@10.0.0.1", 1, extra_headers=pad, cseq=2 + i)
            for k, f in enumerate(udp4_fragments(CALLER, CALLEE, 5060, 5060, info, 500 + i)):
                yield t + k, f
            t += 1000
        for i in range(n_sip_heavy):
            yield t, udp4(CALLER, CALLEE, 40000, 50000, rtp(i, i * 160, 0x40000000 + i))
            t += 100
    write_pcap(os.path.join(out, "ssrc-sip.pcap"), LINKTYPE_ETHERNET, sip_heavy())


# ---------------------------------------------------------------------------
# Class 8: an INVITE flood
# ---------------------------------------------------------------------------

def gen_invite(out, n=60000, rate=100000):
    """n INVITEs with distinct Call-IDs and SDP endpoints, `rate` a second
    of capture time, none answered, across a second boundary (where the
    probe's tables are swept); then one ordinary call."""
    step_us = US_PER_S // rate

    def frames():
        t = T0_US + 700000
        for i in range(n):
            addr = "10.%d.%d.%d" % (64 + (i >> 16), (i >> 8) & 255, i & 255)
            body = ("v=0\r\no=- 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n"
                    "m=audio %d RTP/AVP 0\r\n" % (addr, addr, 20000 + 2 * (i % 20000)))
            # Compact header forms (RFC 3261 7.3.3): the file stays small.
            inv = ("INVITE sip:b@10.0.0.2 SIP/2.0\r\n"
                   "v:SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK%07d\r\n"
                   "f:<sip:a@x>;tag=%x\r\nt:<sip:b@x>\r\n"
                   "i:flood-%07d@10.0.0.1\r\nCSeq:1 INVITE\r\n"
                   "c:application/sdp\r\nl:%d\r\n\r\n%s"
                   % (i, i, i, len(body), body)).encode()
            yield t, udp4(CALLER, CALLEE, 5060, 5060, inv, ident=i)
            t += step_us
        yield from one_call(t + 1000, "after-flood@10.0.0.1")
        yield from media(t + 200000, 50)
    write_pcap(os.path.join(out, "invite.pcap"), LINKTYPE_ETHERNET, frames())


# ---------------------------------------------------------------------------
# Class 9: RTCP whose lengths lie
# ---------------------------------------------------------------------------

def rtcp_hdr(count, pt, length_words):
    return struct.pack("!BBH", 0x80 | count, pt, length_words)


def report_block(ssrc):
    return struct.pack("!IIIIII", ssrc, 0, 0, 0, 0, 0)


def gen_rtcp(out, repeat=2000):
    """A call with RTP both ways and its RTCP, among which compounds whose
    length fields lie: past the packet, zero, counts larger than the
    packet, SDES items and XR blocks that run past their packet."""
    def lies():
        sr_body = struct.pack("!IIIIII", 0x1234, 0, 0, 0, 0, 0)
        good_sr = rtcp_hdr(1, 200, 12) + sr_body + report_block(0x5678)
        yield "good", good_sr
        # A length of 1000 words in a 28-byte packet.
        yield "past", rtcp_hdr(0, 201, 1000) + struct.pack("!I", 0x1234) + b"\0" * 20
        # A second packet of the compound claims more than is left.
        yield "past2", good_sr + rtcp_hdr(0, 201, 200) + struct.pack("!I", 0x1234)
        # Length 0 with 31 report blocks announced.
        yield "zero", rtcp_hdr(31, 201, 0) + struct.pack("!I", 0x1234)
        # Length 0 at the start of a long datagram, and 65535 words.
        yield "zero-long", rtcp_hdr(0, 200, 0) + b"\0" * 200
        yield "max", rtcp_hdr(0, 200, 65535) + b"\0" * 200
        # 31 report blocks announced, 1 present (length agrees with 1).
        yield "count", rtcp_hdr(31, 201, 7) + struct.pack("!I", 0x1234) + report_block(0x5678)
        # An SR too short for its sender info.
        yield "short-sr", rtcp_hdr(0, 200, 2) + struct.pack("!II", 0x1234, 0)
        # SDES: 31 chunks announced; an item whose length runs out.
        yield "sdes", (rtcp_hdr(31, 202, 3) + struct.pack("!I", 0x1234)
                       + struct.pack("!BB", 1, 250) + b"cname!")
        # BYE with a reason length past the end.
        yield "bye", (rtcp_hdr(1, 203, 2) + struct.pack("!I", 0x1234)
                      + struct.pack("!B", 200) + b"why")
        # XR: a VoIP Metrics block (type 7) whose length says 1000 words,
        # then a block of length 0 repeated.
        yield "xr", (rtcp_hdr(0, 207, 5) + struct.pack("!I", 0x1234)
                     + struct.pack("!BBH", 7, 0, 1000) + struct.pack("!I", 0x5678) + b"\0" * 8)
        yield "xr0", (rtcp_hdr(0, 207, 9) + struct.pack("!I", 0x1234)
                      + struct.pack("!BBH", 4, 0, 0) * 8)
        # Version 2 padding bit with a padding count past the packet.
        yield "pad", struct.pack("!BBH", 0xA0, 201, 1) + struct.pack("!I", 0x1234)[:3] + b"\xff"

    def frames():
        t = T0_US
        yield from one_call(t, "rtcp-lies@10.0.0.1")
        t += 200000
        rows = list(lies())
        fwd = media(t, repeat, CALLER, 40000, CALLEE, 50000, ssrc=0x1234)
        rev = media(t + 5000, repeat, CALLEE, 50000, CALLER, 40000, ssrc=0x5678)
        for i in range(repeat):
            yield fwd[i]
            _, payload = rows[i % len(rows)]
            # To the callee's RTCP port (announced: RTP + 1), and as RTCP
            # no SDP announced.
            yield fwd[i][0] + 1, udp4(CALLER, CALLEE, 40001, 50001, payload)
            yield fwd[i][0] + 2, udp4(CALLER, CALLEE, 41001, 51001, payload)
            yield rev[i]
    write_pcap(os.path.join(out, "rtcp.pcap"), LINKTYPE_ETHERNET, frames())


# ---------------------------------------------------------------------------
# Class 11: one dialog that keeps renegotiating
# ---------------------------------------------------------------------------

def gen_reinvite(out, n=20000):
    """A call, then n re-INVITEs in its dialog, each announcing 8 new media
    endpoints (8 m-lines on new ports of a new address); then RTP to the
    last one announced, which must be the call's."""
    def frames():
        t = T0_US
        yield from one_call(t, "reinvite@10.0.0.1")
        t += 200000
        for i in range(n):
            addr = "10.%d.%d.%d" % (128 + (i >> 16), (i >> 8) & 255, i & 255)
            body = ("v=0\r\no=- 1 %d IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n"
                    % (i + 2, addr, addr)
                    + "".join("m=audio %d RTP/AVP 0\r\n" % (30000 + 2 * k) for k in range(8)))
            msg = sip_request("INVITE", "reinvite@10.0.0.1", 1, body, cseq=2 + i)
            msg = msg.replace(b"To: <sip:bob@example.com>", b"To: <sip:bob@example.com>;tag=b1")
            yield t, udp4(CALLER, CALLEE, 5060, 5060, msg, ident=i)
            t += 100
        last = ipaddress.ip_address("10.%d.%d.%d" % (128 + ((n - 1) >> 16), ((n - 1) >> 8) & 255,
                                                     (n - 1) & 255))
        yield from media(t, 50, CALLEE, 50000, last, 30000, ssrc=0xFEED)
    write_pcap(os.path.join(out, "reinvite.pcap"), LINKTYPE_ETHERNET, frames())


# ---------------------------------------------------------------------------
# Class 10: SIP text made to break outputs
# ---------------------------------------------------------------------------

def gen_text(out):
    """capgen.py's two calls whose SIP text holds terminal escapes,
    line-protocol, JSON and HTML metacharacters and bytes that are not UTF-8."""
    write_hostile_sip(os.path.join(out, "text-sip.pcap"))
    write_hostile_html(os.path.join(out, "text-html.pcap"))


# ---------------------------------------------------------------------------
# Class 12: GTP-U whose lengths and chains lie
# ---------------------------------------------------------------------------

ENB = ipaddress.ip_address("192.0.2.101")
SGW = ipaddress.ip_address("192.0.2.102")


def gtpu4(inner, flags=0x30, mtype=255, opt=b"", length=None, up=True):
    """Ethernet / IPv4 / UDP 2152 / a GTP-U header (length as given, else
    true) / opt (the optional word and extensions) / inner."""
    body = opt + inner
    hdr = struct.pack("!BBHI", flags, mtype, len(body) if length is None else length, 7)
    src, dst = (ENB, SGW) if up else (SGW, ENB)
    return ether(ip_udp4(src, dst, 2152, 2152, hdr + body))


def gen_gtpu(out, repeat=2000):
    """A call carried in GTP-U, its packets between G-PDUs whose headers
    lie: a length past the datagram; an extension header of length 0 (a
    walk that never moves); an extension chain past the length; E set
    with no room for the chain; a G-PDU with no packet; a header cut
    short; GTP-U in GTP-U nine deep (past the tunnel limit); echo
    requests.  Every hundredth of the caller's RTP packets comes behind a
    chain of 16 000 extension headers, which is walked and delivered."""
    probe = ip_udp4(CALLER, CALLEE, 7, 7, b"x" * 20)

    def lies():
        yield "past", gtpu4(probe, length=4000)
        yield "ext0", gtpu4(probe, 0x34, opt=struct.pack("!HBB", 1, 0, 0x85) + b"\0\0\0\0")
        yield "extpast", gtpu4(probe, 0x34, opt=struct.pack("!HBB", 1, 0, 0x85)
                               + bytes([200, 0, 0, 0]))
        yield "noroom", gtpu4(b"", 0x34, opt=struct.pack("!HBB", 1, 0, 0x85))
        yield "empty", gtpu4(b"")
        yield "short", ether(ip_udp4(ENB, SGW, 2152, 2152, b"\x30\xff\x00"))
        nested = probe
        for _ in range(9):
            nested = ip_udp4(SGW, ENB, 2152, 2152, struct.pack(
                "!BBHI", 0x30, 255, len(nested), 7) + nested)
        yield "deep", ether(nested)
        yield "echo", gtpu4(b"", 0x32, 1, opt=struct.pack("!HBB", 9, 0, 0))

    def long_chain(inner):
        # 16 000 headers of one unit (4 bytes), each naming the next.
        chain = bytes([1, 0, 0, 0x40]) * 15999 + bytes([1, 0, 0, 0])
        return gtpu4(inner, 0x34, opt=struct.pack("!HBB", 1, 0, 0x40) + chain)

    def frames():
        t = T0_US
        for t_us, frame in one_call(t, "gtpu-lies@10.0.0.1"):
            yield t_us, gtpu4(frame[14:], up=frame[26:30] == CALLER.packed)
        t += 200000
        rows = list(lies())
        fwd = media(t, repeat, CALLER, 40000, CALLEE, 50000, ssrc=0x1234)
        rev = media(t + 5000, repeat, CALLEE, 50000, CALLER, 40000, ssrc=0x5678)
        for i in range(repeat):
            # Every hundredth of the caller's packets behind the long chain.
            if i % 100 == 0:
                yield fwd[i][0], long_chain(fwd[i][1][14:])
            else:
                yield fwd[i][0], gtpu4(fwd[i][1][14:])
            _, lie = rows[i % len(rows)]
            yield fwd[i][0] + 1, lie
            yield rev[i][0], gtpu4(rev[i][1][14:], up=False)
    write_pcap(os.path.join(out, "gtpu.pcap"), LINKTYPE_ETHERNET, frames())


# ---------------------------------------------------------------------------
# Class 13: SIP over WebSocket whose frames lie
# ---------------------------------------------------------------------------

WS_UPGRADE = (b"GET / HTTP/1.1\r\nHost: 10.0.0.2:8080\r\nUpgrade: websocket\r\n"
              b"Connection: Upgrade\r\nSec-WebSocket-Protocol: sip\r\n\r\n")
WS_ACCEPT = (b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
             b"Connection: Upgrade\r\nSec-WebSocket-Protocol: sip\r\n\r\n")


def ws(opcode, payload, fin=True, masked=True, rsv=0):
    """One frame, masked as a client's unless told otherwise."""
    return ws_frame(opcode, payload, fin, b"\x5a\xa5\x3c\xc3" if masked else None, rsv)


def gen_ws(out):
    """Connections that open with a WebSocket upgrade, each with one lie
    in its frames: a length not in its minimal form, a 64-bit length of
    2^62, a ping of 128 bytes (each breaks the connection's framing, so
    the OPTIONS after it is lost); a continuation frame with no start, a
    compressed frame (RSV1), a message of 160 000 bytes in 40 fragments
    (past the 64 KiB a SIP message may have), a text frame that is no SIP
    (each dropped alone: the OPTIONS after it counts).  Then a call whose
    INVITE, 200 OK and ACK go over WebSocket and its media over UDP."""
    def frames():
        t = T0_US
        options = ws(1, sip_request("OPTIONS", "ws-options@10.0.0.1", transport="WS"))
        lies = [
            b"\x81\xfe\x00\x10" + b"\x00" * 16,
            b"\x81\xff" + struct.pack("!Q", 1 << 62),
            ws(9, b"p" * 128),
            ws(0, b"orphan continuation"),
            ws(1, b"\x00\xff compressed", rsv=0x40),
            b"".join(ws(1 if i == 0 else 0, b"x" * 4000, fin=i == 39) for i in range(40)),
            ws(1, b"hello, not SIP"),
        ]
        for i, lie in enumerate(lies):
            recs, t = tcp_stream(t, CALLER, CALLEE, 52000 + i, 8080,
                                 [WS_UPGRADE + lie + options], step_us=50)
            yield from recs
            t += 1000
        # The call: the client's and the proxy's halves of one connection.
        inv = sip_request("INVITE", "ws-call@10.0.0.1", body=sdp("10.0.0.1", 40000),
                          transport="WS")
        ok = sip_ok("ws-call@10.0.0.1", body=sdp("10.0.0.2", 50000))
        ack = sip_request("ACK", "ws-call@10.0.0.1", transport="WS")
        recs, t = tcp_stream(t, CALLER, CALLEE, 53000, 8080, [WS_UPGRADE], step_us=50)
        yield from recs
        a, b = 1000 + len(WS_UPGRADE), 5001
        for src, sport, dport, data, mine in (
                (CALLEE, 8080, 53000, WS_ACCEPT, False),
                (CALLER, 53000, 8080, ws(1, inv), True),
                (CALLEE, 8080, 53000, ws(1, ok, masked=False), False),
                (CALLER, 53000, 8080, ws(1, ack), True)):
            dst = CALLEE if src == CALLER else CALLER
            seq, ack_no = (a, b) if mine else (b, a)
            t += 20000
            yield t, tcp4(src, dst, sport, dport, seq, ack_no, TCP_PSH | TCP_ACK, data)
            if mine:
                a += len(data)
            else:
                b += len(data)
        t += 20000
        fwd = media(t, 500, CALLER, 40000, CALLEE, 50000, ssrc=0x1234)
        rev = media(t + 5000, 500, CALLEE, 50000, CALLER, 40000, ssrc=0x5678)
        for i in range(500):
            yield fwd[i]
            yield rev[i]
    write_pcap(os.path.join(out, "ws.pcap"), LINKTYPE_ETHERNET, frames())


def vq_publish(n, body, content_length=None):
    """A PUBLISH from the caller to a collector with an RFC 6035 body (bytes);
    content_length: the header's value when it lies."""
    head = ("PUBLISH sip:collector@10.0.0.9 SIP/2.0\r\n"
            "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKvq%08x\r\n"
            "Max-Forwards: 70\r\n"
            "From: <sip:alice@example.com>;tag=v%x\r\n"
            "To: <sip:collector@example.com>\r\n"
            "Call-ID: vq-publish-%d@10.0.0.1\r\n"
            "CSeq: 1 PUBLISH\r\n"
            "Event: vq-rtcpxr\r\n"
            "Content-Type: application/vq-rtcpxr\r\n"
            "Content-Length: %d\r\n\r\n" %
            (n, n, n, len(body) if content_length is None else content_length))
    return head.encode() + body


def gen_vqreport(out, repeat=250):
    """The phones' own reports (RFC 6035) made to hurt, about a call whose
    media flows meanwhile: 8 kinds, each sent `repeat` times after the
    call's media (in its linger): a body of one 48 000-byte line of
    NLR pairs; 4 000 metric lines; NUL bytes and terminal escapes in
    every field, values past their ranges, exponents, NaN, 400 digits,
    an unterminated quote; a CallID of escapes and quotes naming no call;
    no CallID (malformed); a first line that is no report (malformed);
    a Content-Length past the body (truncated); addresses that do not
    parse (no stream fits: unmatched).  Then one honest report.  The
    figures kept must be the honest report's, in range."""
    cid = "vq-call@10.0.0.1"
    addrs = ("LocalAddr: IP=10.0.0.2 PORT=50000 SSRC=0x00005678\r\n"
             "RemoteAddr: IP=10.0.0.1 PORT=40000 SSRC=0x00001234\r\n")
    head = "VQSessionReport: CallTerm\r\nCallID: %s\r\n" % cid
    kinds = [
        ("ok", (head + addrs + "LocalMetrics:\r\nPacketLoss: " +
                " ".join("NLR=%d.5" % (i % 90) for i in range(6000)) + "\r\n").encode()),
        ("ok", (head + addrs + "LocalMetrics:\r\n" +
                "Delay: RTD=7\r\n" * 4000).encode()),
        ("ok", (head + addrs).encode() + b"LocalMetrics:\r\nPacketLoss: NLR=\x00 "
         b"JDR=101 \x1b[2J\r\nQualityEst: MOSLQ=nan MOSCQ=5.1 RLQ=1e2 RCQ=" +
         b"9" * 400 + b"\r\nDelay: RTD=-1 ESD=65536 IAJ=\"7 MAJ=1\r\n"
         b"\x1b]0;pwned\x07: \x00\x00\r\n"),
        ("unmatched", ("VQSessionReport\r\nCallID: \x1b[31m\"<b>x</b>\\\r\n" + addrs +
                       "LocalMetrics:\r\nPacketLoss: NLR=1.0\r\n").encode()),
        ("malformed", ("VQSessionReport\r\n" + addrs +
                       "LocalMetrics:\r\nPacketLoss: NLR=1.0\r\n").encode()),
        ("malformed", ("HTTP/1.1 200 OK\r\nCallID: %s\r\n" % cid).encode()),
        ("truncated", (head + addrs + "LocalMetrics:\r\nPacketLoss: NLR=1.0\r\n").encode()),
        ("unmatched", (head + "LocalAddr: IP=999.0.0.1 PORT=70000 SSRC=0xZZ\r\n"
                       "RemoteAddr: IP=[::1 PORT=-1 SSRC=\r\n"
                       "LocalMetrics:\r\nPacketLoss: NLR=1.0\r\n").encode()),
    ]
    honest = (head + addrs + "LocalMetrics:\r\nPacketLoss: NLR=2.5 JDR=0.5\r\n"
              "QualityEst: MOSLQ=3.9 RLQ=80\r\n").encode()

    def frames():
        t = T0_US
        yield from one_call(t, cid)
        t += 200000
        fwd = media(t, 500, CALLER, 40000, CALLEE, 50000, ssrc=0x1234)
        rev = media(t + 5000, 500, CALLEE, 50000, CALLER, 40000, ssrc=0x5678)
        for i in range(500):
            yield fwd[i]
            yield rev[i]
        t += 500 * 20000
        n = 0
        for k in range(repeat):
            for kind, body in kinds:
                n += 1
                msg = vq_publish(n, body, len(body) + 100 if kind == "truncated" else None)
                t += 100
                if len(msg) > 1400:
                    for fr in udp4_fragments(CALLER, COLLECTOR, 5060, 5060, msg,
                                             ident=n & 0xFFFF):
                        yield t, fr
                else:
                    yield t, udp4(CALLER, COLLECTOR, 5060, 5060, msg, ident=n & 0xFFFF)
        t += 1000
        yield t, udp4(CALLEE, COLLECTOR, 5060, 5060, vq_publish(n + 1, honest))
    write_pcap(os.path.join(out, "vqreport.pcap"), LINKTYPE_ETHERNET, frames())


CLASSES = {
    "capfile": (gen_capfile, "pcap and pcapng files whose framing lies"),
    "giant-sip": (gen_giant_sip, "1 MiB SIP over TCP, 64 KiB SIP over UDP"),
    "via": (gen_via, "10 000 Via headers"),
    "sdp": (gen_sdp, "SDP with 1 000 m-lines"),
    "ipfrag": (gen_ipfrag, "IP fragments never completed, overlapping, too many"),
    "tcp": (gen_tcp, "100 000 segments past a hole on one connection"),
    "ssrc": (gen_ssrc, "a new SSRC on every RTP packet"),
    "invite": (gen_invite, "60 000 INVITEs at 100 000 a second of capture time"),
    "rtcp": (gen_rtcp, "RTCP with lying length fields"),
    "reinvite": (gen_reinvite, "20 000 re-INVITEs in one dialog, 8 new endpoints each"),
    "text": (gen_text, "SIP text with escapes and metacharacters (capgen.py's)"),
    "gtpu": (gen_gtpu, "GTP-U with lying lengths and chains, nested past the limit"),
    "ws": (gen_ws, "SIP over WebSocket with lying frames, then a call over it"),
    "vqreport": (gen_vqreport, "RFC 6035 reports with lying bodies about a call"),
}


def main(argv=None):
    ap = argparse.ArgumentParser(description="Write hostile captures, one class per file.")
    ap.add_argument("--list", action="store_true", help="print the classes")
    ap.add_argument("out_dir", nargs="?")
    ap.add_argument("classes", nargs="*", metavar="CLASS")
    args = ap.parse_args(argv)
    if args.list:
        for name, (_, doc) in CLASSES.items():
            print("%-10s %s" % (name, doc))
        return 0
    if args.out_dir is None:
        ap.error("OUT_DIR is required")
    unknown = [c for c in args.classes if c not in CLASSES]
    if unknown:
        print("hostile-gen: unknown class: %s (see --list)" % ", ".join(unknown),
              file=sys.stderr)
        return 2
    os.makedirs(args.out_dir, exist_ok=True)
    for name in args.classes or CLASSES:
        CLASSES[name][0](args.out_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
