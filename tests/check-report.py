#!/usr/bin/env python3
"""Check vqprobe's evidence report (--report DIR) against the JSON report of
the same run, the capture it read and, when given, the capture's truth.

  check-report.py --dir DIR --json OUT.json --capture FILE [--truth T.json]
                  [--expect-impaired caller|callee|none] [--hostile]

What it asserts:
  * index.html links one page and one pcap per call of the JSON report, and
    every link resolves;
  * every page is self-contained: only the tags the report writes, no
    script, no reference to anything outside DIR, a Content-Security-Policy
    that forbids loading anything, inline SVG charts for calls with media;
  * each page has one verdict whose data-impaired names the directions that
    the figures (and, with --expect-impaired, the test's design) say;
    the verdict quotes the JSON's loss for an impaired direction;
  * with --truth: the impaired direction lost >= 1 % in the truth and the
    other nothing, so the verdict agrees with what was generated;
  * each call's pcap holds exactly the frames of the capture that belong to
    the call (its SIP by Call-ID, its media and RTCP by address and port),
    as tshark reads both files;
  * --hostile: the SIP text shows as text (no terminal escape byte, the
    markup it carried escaped).
Exit 0 when all hold, 1 otherwise (each failure on a line of its own).
"""
import argparse
import collections
import html.parser
import json
import os
import re
import subprocess
import sys

# Every element the report writes; anything else came from the input.
ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "p", "a", "h1", "h2",
    "h3", "b", "span", "br", "section", "table", "tr", "th", "td", "svg",
    "rect", "text", "line", "polyline", "polygon", "circle", "details",
    "summary", "pre",
}
URL_ATTRS = {"href", "src", "xlink:href", "action", "poster", "data"}

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg)


class Page(html.parser.HTMLParser):
    """The parts of a page the checks need."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = collections.Counter()
        self.links = []
        self.bad = []
        self.csp = None
        self.verdicts = []
        self.style = ""
        self._in_style = False
        self.text = []

    def handle_starttag(self, tag, attrs):
        self.tags[tag] += 1
        a = dict(attrs)
        if tag not in ALLOWED_TAGS:
            self.bad.append("tag <%s>" % tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.bad.append("event attribute %s" % name)
            if name in URL_ATTRS and value is not None:
                if re.match(r"^\s*([a-z][a-z0-9+.-]*:|//)", value, re.I):
                    self.bad.append("outside reference %s=%r" % (name, value))
                elif tag == "a" and name == "href":
                    self.links.append(value)
                else:
                    self.bad.append("%s=%r on <%s>" % (name, value, tag))
        if tag == "meta" and a.get("http-equiv", "").lower() == \
                "content-security-policy":
            self.csp = a.get("content", "")
        if tag == "section" and a.get("id") == "verdict":
            self.verdicts.append(a.get("data-impaired"))
        if tag == "style":
            self._in_style = True

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.style += data
        else:
            self.text.append(data)


def parse(path):
    with open(path, "rb") as f:
        raw = f.read()
    if b"\x1b" in raw:
        fail("%s: holds a terminal escape byte" % path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        fail("%s: not UTF-8 (%s)" % (path, e))
        text = raw.decode("utf-8", "replace")
    p = Page()
    p.feed(text)
    p.close()
    p.raw = text
    for b in p.bad:
        fail("%s: %s" % (path, b))
    if p.csp is None or "default-src 'none'" not in p.csp:
        fail("%s: no Content-Security-Policy forbidding loads" % path)
    if re.search(r"url\s*\(|@import", p.style, re.I):
        fail("%s: its CSS loads something" % path)
    if p.tags["script"] or p.tags["link"] or p.tags["img"] or p.tags["iframe"]:
        fail("%s: has script, link, img or iframe" % path)
    return p


def tshark(args):
    out = subprocess.run(["tshark"] + args, capture_output=True, text=True)
    if out.returncode != 0:
        fail("tshark %s: %s" % (" ".join(args), out.stderr.strip()[:300]))
    return out.stdout


def frames(capture):
    """The capture's UDP/TCP frames: (src, sport, dst, dport, Call-ID)."""
    out = tshark(["-r", capture, "-T", "fields", "-E", "separator=\t",
                  "-e", "ip.src", "-e", "ipv6.src", "-e", "udp.srcport",
                  "-e", "tcp.srcport", "-e", "ip.dst", "-e", "ipv6.dst",
                  "-e", "udp.dstport", "-e", "tcp.dstport", "-e", "sip.Call-ID",
                  "-e", "rtp.ssrc", "-e", "rtcp.pt"])
    rows = []
    for line in out.splitlines():
        f = line.split("\t")
        f += [""] * (11 - len(f))
        # Inner headers last: tunnels list the outer first.
        src = (f[0] or f[1]).split(",")[-1]
        dst = (f[4] or f[5]).split(",")[-1]
        sport = (f[2] or f[3]).split(",")[-1]
        dport = (f[6] or f[7]).split(",")[-1]
        # A TCP segment may end several SIP messages: one Call-ID each.
        rows.append(dict(src=src, sport=sport, dst=dst, dport=dport,
                         callids=f[8].split(",") if f[8] else [],
                         callid=f[8], ssrc=f[9], rtcp=f[10] != ""))
    return rows


def endpoint(ep):
    """"ip:port" or "[v6]:port" -> (ip, port)."""
    host, _, port = ep.rpartition(":")
    return host.strip("[]"), port


def call_frames(rows, call, streams):
    """How many frames of the capture belong to the call: its SIP, and the
    UDP between its streams' endpoints (RTP, and RTCP on port + 1)."""
    pairs = set()
    for s in streams:
        (a, ap), (b, bp) = endpoint(s["src"]), endpoint(s["dst"])
        pairs.add((a, ap, b, bp))
        pairs.add((a, str(int(ap) + 1), b, str(int(bp) + 1)))
    n = collections.Counter()
    for r in rows:
        if r["callid"]:
            n["sip"] += r["callids"].count(call["call_id"])
        elif (r["src"], r["sport"], r["dst"], r["dport"]) in pairs:
            n["rtcp" if r["rtcp"] else "rtp"] += 1
    return n


def join_ep(host, port):
    """As the JSON writes an endpoint: IPv6 in brackets."""
    return ("[%s]:%s" if ":" in host else "%s:%s") % (host, port)


def rtp_streams(pcap):
    """tshark's RTP streams of a file: {(src, dst, ssrc): packets}."""
    out = tshark(["-r", pcap, "-q", "-z", "rtp,streams"])
    found = {}
    for line in out.splitlines():
        m = re.match(r"\s*[\d.]+\s+[\d.]+\s+(\S+)\s+(\d+)\s+(\S+)\s+(\d+)\s+"
                     r"(0x[0-9A-Fa-f]+)\s+.*?\s(\d+)\s+(-?\d+) \(", line)
        if m:
            found[(join_ep(m.group(1), m.group(2)),
                   join_ep(m.group(3), m.group(4)),
                   m.group(5).lower())] = int(m.group(6))
    return found


def stem_links(index, kind):
    return sorted(l for l in index.links if l.startswith(kind + "/"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--json", required=True)
    ap.add_argument("--capture", required=True)
    ap.add_argument("--truth")
    ap.add_argument("--expect-impaired")
    ap.add_argument("--hostile", action="store_true")
    args = ap.parse_args()

    with open(args.json) as f:
        report = json.load(f)
    calls = report["calls"]
    streams = {s["id"]: s for s in report["streams"]}
    truth = None
    if args.truth:
        with open(args.truth) as f:
            truth = json.load(f)

    index = parse(os.path.join(args.dir, "index.html"))
    pages = stem_links(index, "calls")
    pcaps = stem_links(index, "pcap")
    if len(pages) != len(calls) or len(pcaps) != len(calls):
        fail("index.html links %d pages and %d pcaps for %d calls"
             % (len(pages), len(pcaps), len(calls)))
    for link in pages + pcaps:
        if not os.path.isfile(os.path.join(args.dir, link)):
            fail("index.html links %s, which is not there" % link)

    rows = frames(args.capture)
    by_callid = {}
    for link in pages:
        page = parse(os.path.join(args.dir, link))
        stem = os.path.basename(link)[:-len(".html")]
        if len(page.verdicts) != 1:
            fail("%s: %d verdicts" % (link, len(page.verdicts)))
            continue
        # The call this page is about: the JSON call whose Call-ID it shows.
        text = " ".join(page.text)
        mine = [c for c in calls if "Call-ID " + c["call_id"] in text]
        if len(mine) != 1:
            fail("%s: shows %d of the JSON's Call-IDs" % (link, len(mine)))
            continue
        call = mine[0]
        by_callid[call["call_id"]] = stem
        cs = [streams[i] for i in call["streams"]]
        impaired = []
        for d in ("caller", "callee"):
            ds = [s for s in cs if s["direction"] == d]
            lost = sum(s["lost"] for s in ds)
            expected = sum(s["expected"] for s in ds)
            pct = 100.0 * lost / expected if expected else 0.0
            mos = min((s["mos"]["call"] for s in ds
                       if s["mos"]["call"] is not None), default=None)
            jit = max((s["jitter_ms"]["mean"] for s in ds), default=0.0)
            if ds and (pct >= 1.0 or (mos is not None and mos < 3.6) or jit > 30):
                impaired.append(d)
                if "%.2f %%" % pct not in text:
                    fail("%s: the verdict does not quote the %s's loss %.2f %%"
                         % (link, d, pct))
        want = " ".join(impaired) or "none"
        if page.verdicts[0] != want:
            fail("%s: data-impaired=%r, the figures say %r"
                 % (link, page.verdicts[0], want))
        if args.expect_impaired and page.verdicts[0] != args.expect_impaired:
            fail("%s: data-impaired=%r, the test made %r impaired"
                 % (link, page.verdicts[0], args.expect_impaired))
        if cs and page.tags["svg"] < 4:
            fail("%s: %d inline SVGs (3 charts and the ladder wanted)"
                 % (link, page.tags["svg"]))
        if truth is not None:
            ts = {(s["src"], s["dst"], s["ssrc"]): s for s in truth["streams"]}
            for s in cs:
                t = ts.get((s["src"], s["dst"], s["ssrc"]))
                if t is None:
                    fail("%s: stream %s not in the truth" % (link, s["src"]))
                    continue
                tpct = 100.0 * t["lost"] / t["expected"] if t["expected"] else 0
                if args.expect_impaired == s["direction"] and tpct < 1.0:
                    fail("%s: truth loss of the %s only %.2f %%"
                         % (link, s["direction"], tpct))
                if args.expect_impaired and \
                        args.expect_impaired != s["direction"] and t["lost"]:
                    fail("%s: truth has the clean %s losing %d"
                         % (link, s["direction"], t["lost"]))
        # Its pcap: the call's frames, no more, no fewer.  (A hostile
        # Call-ID reads differently in tshark and in the JSON.)
        pcap = os.path.join(args.dir, "pcap", stem + ".pcap")
        if args.hostile:
            continue
        if not os.path.isfile(pcap):
            fail("%s: no pcap %s" % (link, pcap))
            continue
        want_n = call_frames(rows, call, cs)
        got = frames(pcap)
        got_sip = [r for r in got if r["callid"]]
        got_n = collections.Counter(sip=sum(r["callid"] == call["call_id"]
                                            for r in got_sip))
        # Headers the probe rebuilt must read as a clean stream.
        bad = tshark(["-r", pcap, "-o", "tcp.check_checksum:TRUE",
                      "-o", "udp.check_checksum:TRUE",
                      "-o", "ip.check_checksum:TRUE", "-Y",
                      "tcp.checksum.status == 0 || udp.checksum.status == 0"
                      " || ip.checksum.status == 0 || tcp.analysis.flags"
                      " || _ws.malformed"])
        if bad.strip():
            fail("%s: tshark finds bad checksums or TCP trouble:\n%s"
                 % (pcap, bad.strip()[:500]))
        got_n["rtcp"] = sum(1 for r in got if not r["callid"] and r["rtcp"])
        got_n["rtp"] = sum(1 for r in got if not r["callid"] and not r["rtcp"])
        if len(got_sip) != got_n["sip"]:
            fail("%s: holds SIP of other calls" % pcap)
        # SIP: every message the page shows, once.  tshark on the original
        # may miss a message its own TCP reassembly cannot rebuild (never
        # find more), so the capture's count is a floor.
        shown = page.tags["pre"]
        if got_n["sip"] != shown or got_n["sip"] < want_n["sip"]:
            fail("%s: %d SIP messages; the page shows %d, tshark finds %d "
                 "in the capture" % (pcap, got_n["sip"], shown, want_n["sip"]))
        want_n["sip"] = got_n["sip"]
        if got_n != want_n:
            fail("%s: %s, the capture has %s for the call"
                 % (pcap, dict(got_n), dict(want_n)))
        rtp = rtp_streams(pcap)
        for s in cs:
            key = (s["src"], s["dst"], s["ssrc"].lower())
            if rtp.get(key) != s["packets"]:
                fail("%s: tshark sees %s packets of %s -> %s, the JSON %d"
                     % (pcap, rtp.get(key), s["src"], s["dst"], s["packets"]))
        print("%s: verdict %s, pcap %s" % (stem, page.verdicts[0],
                                           dict(got_n)))

    if args.hostile:
        for link in pages:
            raw = open(os.path.join(args.dir, link), encoding="utf-8").read()
            for needle in ("&lt;script&gt;", "&lt;iframe"):
                if needle not in raw:
                    fail("%s: the hostile text %r is not shown escaped"
                         % (link, needle))
    if failures:
        print("%d failures" % len(failures))
        return 1
    print("evidence report: %d calls, %d pages, %d pcaps: all checks hold"
          % (len(calls), len(pages), len(pcaps)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
