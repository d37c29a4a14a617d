#!/usr/bin/env python3
"""Compare vqprobe's JSON report with tshark's RTP stream statistics.

usage: check-tshark.py [--tshark PATH] [--heuristic] CAPTURE REPORT.json
       check-tshark.py [--tshark PATH] [--heuristic] --dump CAPTURE

Runs `tshark -n -r CAPTURE -q -z rtp,streams` and checks every stream it lists
against the report stream with the same src, dst and SSRC: packet count, loss
and jitter (mean and max).  Exit 0 PASS, 1 FAIL, 2 bad usage or unreadable
input, 77 (automake SKIP) when tshark is not installed.

Where vqprobe deliberately differs from tshark:
- loss: tshark prints lost = expected - packets, counting duplicates and the
  repeated RFC 4733 end packets as received, so it can go negative (e.g.
  "-2 (-25.0%)").  vqprobe reports lost = expected - distinct packets, never
  negative.  So tshark's figure is derived from the report as
  expected - packets, and report.lost is only required to be >= 0.
- jitter with RFC 4733 events: an event packet carries the event's start
  timestamp, not a sampling instant, so vqprobe leaves it out of jitter
  entirely, where tshark takes it as a jitter spike.  For a stream whose
  report counts "events", the jitter is compared with tshark's on a copy of
  the capture without its telephone-event packets (-Y '!rtpevent'); packets
  and loss are still compared with tshark on the whole capture.
- jitter: tshark prints a min jitter of -1 and jitter 0 when it does not know
  the payload's clock rate (dynamic payload types without SDP, events); then
  there is no tshark jitter to compare with and the jitter check is skipped.
"""
import argparse
import ipaddress
import json
import os
import shutil
import subprocess
import sys
import tempfile

JITTER_REL = 0.02   # 2 % of tshark's value ...
JITTER_ABS = 0.02   # ... or 0.02 ms, whichever is looser


def die(msg, code=2):
    print("check-tshark: " + msg, file=sys.stderr)
    sys.exit(code)


def endpoint(ip, port):
    """Canonical "ip:port" / "[v6]:port" text (IPv6 compressed form)."""
    addr = ipaddress.ip_address(ip)
    port = int(port)
    if addr.version == 6:
        return "[%s]:%d" % (addr.compressed, port)
    return "%s:%d" % (addr, port)


def report_endpoint(text):
    """Parse the report's "ip:port" or "[v6]:port" into canonical form."""
    if text.startswith("["):
        ip, _, port = text[1:].partition("]:")
    else:
        ip, _, port = text.rpartition(":")
    return endpoint(ip, port)


def parse_row(line):
    """One tshark rtp,streams row -> dict.  Payload may contain spaces and
    commas, so split the fixed fields from the left and the numbers from the
    right; what remains in the middle is the payload."""
    tok = line.split()
    problem = tok[-1] == "X"
    if problem:
        tok = tok[:-1]
    if len(tok) < 7 + 1 + 9 or not tok[6].lower().startswith("0x"):
        raise ValueError("unexpected tshark row: " + line.strip())
    head, tail = tok[:7], tok[-9:]
    payload = " ".join(tok[7:-9])
    pct = tail[2]
    if not (pct.startswith("(") and pct.endswith("%)")):
        raise ValueError("unexpected Lost column in: " + line.strip())
    num = [float(x) for x in tail[3:]]
    return {
        "start": float(head[0]), "end": float(head[1]),
        "src": endpoint(head[2], head[3]), "dst": endpoint(head[4], head[5]),
        "ssrc": int(head[6], 16), "payload": payload,
        "packets": int(tail[0]), "lost": int(tail[1]),
        "lost_pct": float(pct[1:-2]),
        "delta_ms": {"min": num[0], "mean": num[1], "max": num[2]},
        "jitter_ms": {"min": num[3], "mean": num[4], "max": num[5]},
        "problem": problem,
    }


def run_tshark(tshark, capture, heuristic):
    cmd = [tshark, "-n", "-r", capture, "-q", "-z", "rtp,streams"]
    if heuristic:
        cmd += ["--enable-heuristic", "rtp_udp"]
    env = dict(os.environ, LC_ALL="C")
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True, env=env)
    if p.returncode != 0:
        err = [l for l in p.stderr.splitlines() if l.strip()]
        die("tshark failed on %s: %s" % (capture, err[-1] if err else
                                         "exit %d" % p.returncode))
    rows, in_table = [], False
    for line in p.stdout.splitlines():
        if "Start time" in line:
            in_table = True
        elif line.startswith("="):
            if in_table:
                break
        elif in_table and line.strip():
            try:
                rows.append(parse_row(line))
            except ValueError as e:
                die(str(e))
    return rows


def without_events(tshark, capture, heuristic, tmpdir):
    """tshark's streams on a copy of the capture without RFC 4733 packets."""
    copy = os.path.join(tmpdir, "no-events.pcapng")
    cmd = [tshark, "-n", "-r", capture, "-Y", "!rtpevent", "-w", copy]
    if heuristic:
        cmd += ["--enable-heuristic", "rtp_udp"]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True,
                       env=dict(os.environ, LC_ALL="C"))
    if p.returncode != 0:
        die("tshark could not filter %s: %s" % (capture, p.stderr.strip()))
    return {(t["src"], t["dst"], t["ssrc"]): t
            for t in run_tshark(tshark, copy, heuristic)}


def load_report(path):
    try:
        with open(path) as f:
            report = json.load(f)
    except (OSError, ValueError) as e:
        die("cannot read report %s: %s" % (path, e))
    streams = report.get("streams") if isinstance(report, dict) else None
    if not isinstance(streams, list):
        die("report %s has no \"streams\" list" % path)
    by_key = {}
    for s in streams:
        try:
            ssrc = s["ssrc"]
            ssrc = int(ssrc, 16) if isinstance(ssrc, str) else int(ssrc)
            key = (report_endpoint(s["src"]), report_endpoint(s["dst"]), ssrc)
        except (KeyError, TypeError, ValueError) as e:
            die("report %s: bad stream entry %r (%s)" % (path, s, e))
        by_key.setdefault(key, s)
    return by_key


def jitter_ok(t, r):
    return abs(t - r) <= max(JITTER_ABS, JITTER_REL * abs(t))


def check(t, r, jitter_ref):
    """Return (summary text, list of mismatching fields).

    jitter_ref is the tshark row whose jitter is the reference: t itself,
    or t's stream in the capture without telephone-event packets."""
    bad = []
    try:
        pkts, expected, lost = int(r["packets"]), int(r["expected"]), int(r["lost"])
        if r["jitter_ms"] is None:
            jm = jx = None      # no clock rate known: no jitter in the report
        else:
            jm, jx = float(r["jitter_ms"]["mean"]), float(r["jitter_ms"]["max"])
    except (KeyError, TypeError, ValueError) as e:
        return "", ["report field missing or not a number: %s" % e]
    if pkts != t["packets"]:
        bad.append("packets tshark=%d report=%d" % (t["packets"], pkts))
    if expected - pkts != t["lost"]:
        bad.append("lost tshark=%d report expected-packets=%d"
                   % (t["lost"], expected - pkts))
    if lost < 0:
        bad.append("lost report=%d is negative" % lost)
    tj = jitter_ref["jitter_ms"]
    if tj["min"] < 0:   # tshark did not compute jitter (unknown clock rate)
        if jm is None:
            jit = "jitter n/a (no clock rate: tshark -1, report null)"
        else:
            jit = "jitter n/a (tshark has no clock rate) report mean %.3f max %.3f" % (
                jm, jx)
    elif jm is None:
        bad.append("jitter: tshark has it, the report has none")
        jit = "jitter report null"
    else:
        jit = "jitter mean %.3f/%.3f max %.3f/%.3f" % (tj["mean"], jm, tj["max"], jx)
        if not jitter_ok(tj["mean"], jm):
            bad.append("jitter_mean tshark=%.3f report=%.3f" % (tj["mean"], jm))
        if not jitter_ok(tj["max"], jx):
            bad.append("jitter_max tshark=%.3f report=%.3f" % (tj["max"], jx))
    return "pkts=%d lost=%d %s" % (t["packets"], t["lost"], jit), bad


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tshark", default="tshark", help="tshark binary")
    ap.add_argument("--heuristic", action="store_true",
                    help="enable tshark's rtp_udp heuristic (RTP with no SDP)")
    ap.add_argument("--dump", action="store_true",
                    help="only run tshark and print its parsed streams as JSON")
    ap.add_argument("capture")
    ap.add_argument("report", nargs="?")
    a = ap.parse_args()
    if not a.dump and a.report is None:
        ap.error("REPORT.json is required unless --dump")

    tshark = shutil.which(a.tshark)
    if tshark is None:
        print("SKIP: tshark not found (%s)" % a.tshark)
        sys.exit(77)
    try:
        with open(a.capture, "rb"):
            pass
    except OSError as e:
        die("cannot read capture %s: %s" % (a.capture, e))

    if a.dump:
        rows = run_tshark(tshark, a.capture, a.heuristic)
        for r in rows:
            r["ssrc"] = "0x%08x" % r["ssrc"]
        print(json.dumps(rows, indent=2))
        return 0

    report = load_report(a.report)   # read before the slow tshark run
    rows = run_tshark(tshark, a.capture, a.heuristic)
    no_events = None
    if any(int(r.get("events") or 0) > 0 for r in report.values()):
        with tempfile.TemporaryDirectory() as tmpdir:
            no_events = without_events(tshark, a.capture, a.heuristic, tmpdir)
    failed, seen = False, set()
    for t in rows:
        key = (t["src"], t["dst"], t["ssrc"])
        name = "%s -> %s 0x%08x" % key
        r = report.get(key)
        if r is None:
            print("MISMATCH %s not in report" % name)
            failed = True
            continue
        seen.add(key)
        ref = t
        events = int(r.get("events") or 0)
        if events > 0 and events == int(r.get("packets") or 0):
            # Nothing but events: no voice, so no jitter on either side.
            ref = dict(t, jitter_ms=dict(t["jitter_ms"], min=-1))
        elif events > 0:
            ref = no_events.get(key) if no_events else None
            if ref is None:
                print("MISMATCH %s: no events-free tshark row" % name)
                failed = True
                continue
        text, bad = check(t, r, ref)
        if ref is not t:
            text += " (jitter without events)"
        if bad:
            failed = True
            print("MISMATCH %s %s: %s" % (name, text, "; ".join(bad)))
        else:
            print("OK %s %s" % (name, text))
    if not rows:
        print("NOTE tshark lists no RTP streams")
    for key in sorted(set(report) - seen):
        print("NOTE %s -> %s 0x%08x in report only (tshark did not see it)" % key)
    print("FAIL" if failed else "PASS")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
