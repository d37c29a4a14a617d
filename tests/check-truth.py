#!/usr/bin/env python3
"""check-truth: compare a vqprobe JSON report with a capture's ground truth.

    python3 tests/check-truth.py [--strict] [-v] REPORT.json TRUTH.json

TRUTH.json is written by tests/capgen.py next to each capture.  The check:
  * every truth stream is found in the report by (src, dst, ssrc), with
    packets, expected, lost and duplicates exactly equal, codec, payload_type
    and clock_rate equal, and burst_ratio within 0.01;
  * every truth call is found by call_id, with final_code equal, pdd_ms and
    setup_ms within 1 ms and duration_s within 0.01 s (a null in the truth
    must be a null in the report, and the other way round);
  * the report holds no stream of more than 5 packets that the truth lacks;
  * where the truth has "apps" (the application counts of traffic no call
    explains), the report's "apps" equal them;
  * where the truth has it, each stream's max_delta_ms within 0.001 ms;
  * where the truth has it, each stream's far_end.vq_report (an endpoint's
    own RFC 6035 report): null as null, else every key equal, figures
    within 0.0005;
  * where the truth has it, each stream's segments: before_probe.lost the
    stream's lost with source "probe", after_probe.lost and .source equal
    (null when no receiver reported);
  * where the report has them: each stream's vlan, events and
    comfort_noise, and the capture's rtp_packets, sip_messages and
    not_rtp_packets, equal
    (a truth stream without vlan/events/comfort_noise is not checked for
    them; a report without the field is not checked either, unless
    --strict).
--strict also wants each stream's call_id, each call's from and to, and the
capture's packet count equal, the fields above present, and every other
key of the truth (those this script has no rule for, e.g. "rtcp",
"telephone_events", "encapsulation") present in the report with an equal
value.  Without --strict, -v lists such keys once as "not checked".

Prints one line per mismatch, then "PASS name" or "FAIL name".  Exit status:
0 pass, 1 fail, 2 unreadable input.
"""

import json
import math
import sys

STREAM_EXACT = ("packets", "expected", "lost", "duplicates", "codec",
                "payload_type", "clock_rate")
# Checked when the truth has them and the report has them (--strict: must).
STREAM_OPTIONAL = ("vlan", "events", "comfort_noise")
# Where the truth has it: within 1 us (the report prints 3 decimals), a
# null only as a null.
STREAM_CLOSE_MS = ("max_delta_ms",)
CAPTURE_OPTIONAL = ("rtp_packets", "sip_messages", "not_rtp_packets",
                    "vq_reports", "vq_reports_unmatched")
# Keys with a rule above (or identifying the entry); the others are unknown.
KNOWN_TOP = {"scenario", "linktype", "capture", "calls", "streams", "rtcp", "apps"}
KNOWN_CAPTURE = {"frames"} | set(CAPTURE_OPTIONAL)
KNOWN_STREAM = {"call_id", "src", "dst", "ssrc", "burst_ratio"} \
    | set(STREAM_EXACT) | set(STREAM_OPTIONAL) | set(STREAM_CLOSE_MS) \
    | {"vq_report", "segments"}
KNOWN_CALL = {"call_id", "from", "to", "final_code", "pdd_ms", "setup_ms",
              "duration_s"}
BURST_TOLERANCE = 0.01
MS_TOLERANCE = 1.0
DURATION_TOLERANCE_S = 0.01
EXTRA_STREAM_MAX_PACKETS = 5


def ssrc_value(ssrc):
    """SSRCs compare as numbers: "0x0000abcd", "0xABCD" and 43981 agree."""
    if isinstance(ssrc, int):
        return ssrc
    try:
        return int(str(ssrc), 16) if str(ssrc).lower().startswith("0x") else int(ssrc)
    except ValueError:
        return ssrc


def endpoint(text):
    """Normalise "ip:port" ("[v6]:port"): lower case, no spaces."""
    return str(text).strip().lower()


def stream_key(s):
    return (endpoint(s.get("src")), endpoint(s.get("dst")), ssrc_value(s.get("ssrc")))


def stream_name(s):
    return "stream %s->%s %s" % (s.get("src"), s.get("dst"), s.get("ssrc"))


def close(got, want, tolerance):
    """Equal within tolerance; None only matches None."""
    if want is None or got is None:
        return got is None and want is None
    if isinstance(got, bool) or not isinstance(got, (int, float)):
        return False
    return abs(got - want) <= tolerance + 1e-9


def check(report, truth, strict=False, unchecked=None):
    """Return the list of mismatch descriptions (empty when it passes).
    unchecked, a set, collects the truth keys left unchecked."""
    problems = []
    if unchecked is None:
        unchecked = set()

    def mismatch(what, field, got, want):
        problems.append("%s: %s %s: got %s want %s"
                        % (truth.get("scenario"), what, field,
                           json.dumps(got), json.dumps(want)))

    def optional(what, got, want, fields):
        """Fields compared where both sides have them (--strict: must)."""
        for field in fields:
            if field not in want:
                continue
            if field in got:
                if got[field] != want[field]:
                    mismatch(what, field, got[field], want[field])
            elif strict:
                mismatch(what, field, "(absent)", want[field])
            else:
                unchecked.add(field)

    def unknown(what, got, want, known):
        """Keys without a rule: equal under --strict, else only listed."""
        for field in sorted(set(want) - known):
            if not strict:
                unchecked.add(field)
            elif got.get(field, "(absent)") != want[field]:
                mismatch(what, field, got.get(field, "(absent)"), want[field])

    reported = {}
    for s in report.get("streams") or []:
        key = stream_key(s)
        if key in reported:
            mismatch(stream_name(s), "entry", "reported twice", "once")
        reported[key] = s
    wanted = set()
    for want in truth.get("streams", []):
        key = stream_key(want)
        wanted.add(key)
        name = stream_name(want)
        got = reported.get(key)
        if got is None:
            mismatch(name, "entry", "missing", "present")
            continue
        for field in STREAM_EXACT:
            if got.get(field, "(absent)") != want[field]:
                mismatch(name, field, got.get(field, "(absent)"), want[field])
        if not close(got.get("burst_ratio"), want["burst_ratio"], BURST_TOLERANCE):
            mismatch(name, "burst_ratio", got.get("burst_ratio"), want["burst_ratio"])
        if strict and got.get("call_id") != want["call_id"]:
            mismatch(name, "call_id", got.get("call_id"), want["call_id"])
        optional(name, got, want, STREAM_OPTIONAL)
        for field in STREAM_CLOSE_MS:
            if field in want and not close(got.get(field), want[field], 0.0011):
                mismatch(name, field, got.get(field, "(absent)"), want[field])
        if "vq_report" in want:
            check_vq_report(name, got, want["vq_report"], mismatch)
        if "segments" in want:
            check_segments(name, got, want, mismatch)
        unknown(name, got, want, KNOWN_STREAM)
    for key, got in reported.items():
        packets = got.get("packets")
        if key not in wanted and isinstance(packets, int) \
                and packets > EXTRA_STREAM_MAX_PACKETS:
            mismatch(stream_name(got), "entry", "reported (%d packets)" % packets,
                     "absent")

    calls = {}
    for c in report.get("calls") or []:
        calls.setdefault(c.get("call_id"), c)
    for want in truth.get("calls", []):
        name = "call %s" % want["call_id"]
        got = calls.get(want["call_id"])
        if got is None:
            mismatch(name, "entry", "missing", "present")
            continue
        if got.get("final_code", "(absent)") != want["final_code"]:
            mismatch(name, "final_code", got.get("final_code", "(absent)"),
                     want["final_code"])
        for field in ("pdd_ms", "setup_ms"):
            if field not in got or not close(got[field], want[field], MS_TOLERANCE):
                mismatch(name, field, got.get(field, "(absent)"), want[field])
        if "duration_s" not in got or not close(got["duration_s"], want["duration_s"],
                                                DURATION_TOLERANCE_S):
            mismatch(name, "duration_s", got.get("duration_s", "(absent)"),
                     want["duration_s"])
        if strict:
            for field in ("from", "to"):
                if got.get(field) != want[field]:
                    mismatch(name, field, got.get(field), want[field])
        unknown(name, got, want, KNOWN_CALL)

    if "capture" in truth:
        capture = report.get("capture") or {}
        if strict:
            got = capture.get("packets")
            if got != truth["capture"]["frames"]:
                mismatch("capture", "packets", got, truth["capture"]["frames"])
        optional("capture", capture, truth["capture"], CAPTURE_OPTIONAL)
        unknown("capture", capture, truth["capture"], KNOWN_CAPTURE)
    if "apps" in truth and (report.get("apps") or []) != truth["apps"]:
        mismatch("report", "apps", report.get("apps"), truth["apps"])
    check_rtcp(report, truth.get("rtcp"), mismatch)
    check_mos(report, mismatch)
    unknown("report", report, truth, KNOWN_TOP)
    return problems


def check_segments(name, got, want, mismatch):
    """The stream's segments: before the probe, the probe's own count (its
    lost, exactly); after it, the receiver's count less the probe's, with
    its source, or null and no source when no receiver said anything."""
    segments = got.get("segments") or {}
    before = segments.get("before_probe") or {}
    after = segments.get("after_probe") or {}
    if before.get("lost") != want["lost"] or before.get("source") != "probe":
        mismatch(name, "segments.before_probe", [before.get("lost"), before.get("source")],
                 [want["lost"], "probe"])
    truth = want["segments"]
    if after.get("lost") != truth["after_lost"] \
            or after.get("source") != truth["after_source"]:
        mismatch(name, "segments.after_probe", [after.get("lost"), after.get("source")],
                 [truth["after_lost"], truth["after_source"]])


def check_vq_report(name, got, want, mismatch):
    """The stream's far_end.vq_report against the truth's: null as null,
    else the same keys, strings equal and figures within 0.0005 (the
    report prints 3 decimals)."""
    far = got.get("far_end")
    have = far.get("vq_report", "(absent)") if isinstance(far, dict) else None
    if want is None or not isinstance(have, dict):
        if have != want:
            mismatch(name, "vq_report", json.dumps(have), json.dumps(want))
        return
    for key in sorted(set(want) | set(have)):
        a, b = have.get(key, "(absent)"), want.get(key, "(absent)")
        if isinstance(a, (int, float)) and isinstance(b, (int, float)) \
                and not isinstance(a, bool):
            if abs(a - b) > 0.0005:
                mismatch(name, "vq_report." + key, a, b)
        elif a != b:
            mismatch(name, "vq_report." + key, a, b)


# G.113 Appendix I (Ie, Bpl) of the narrowband codecs whose figures are
# confirmed there; G.711 as vqprobe rates it by default, with PLC.
G113 = {"PCMU": (0.0, 25.1), "PCMA": (0.0, 25.1), "G729": (11.0, 19.0)}
MOS_TOLERANCE = 0.05


def g107_mos(codec, loss_fraction, burst_ratio, ta_ms):
    """ITU-T G.107 written out again, independently of metrics/emodel.c:
    R = 93.2 - Idd - Ie,eff, then MOS by Annex B."""
    ie, bpl = G113[codec]
    ppl = 100.0 * loss_fraction
    burst = burst_ratio if burst_ratio and burst_ratio > 0 else 1.0
    ie_eff = ie + (95.0 - ie) * ppl / (ppl / burst + bpl) if ppl > 0 else ie
    idd = 0.0
    if ta_ms > 100.0:
        x = math.log2(ta_ms / 100.0)
        idd = 25.0 * ((1 + x ** 6) ** (1 / 6.0)
                      - 3 * (1 + (x / 3.0) ** 6) ** (1 / 6.0) + 2)
    r = 93.2 - idd - ie_eff
    if r <= 0:
        return 1.0
    if r >= 100:
        return 4.5
    return max(1.0, 1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r))


def check_mos(report, mismatch):
    """mos.call must be G.107 on the stream's own effective loss (lost and
    discarded), BurstR, codec and delay, within MOS_TOLERANCE."""
    for s in report.get("streams") or []:
        pattern, mos = s.get("loss_pattern") or {}, s.get("mos") or {}
        if s.get("codec") not in G113 or not pattern.get("sequence_numbers"):
            continue
        fraction = (pattern["lost"] + pattern["discarded"]) \
            / float(pattern["sequence_numbers"])
        want = g107_mos(s["codec"], fraction, pattern["burst_ratio"],
                        s["delay_ms"])
        if not close(mos.get("call"), want, MOS_TOLERANCE):
            mismatch(stream_name(s), "mos.call (G.107 from its own figures)",
                     mos.get("call"), round(want, 3))


def check_rtcp(report, rtcp, mismatch):
    """The far end's view: each stream's last RTCP report block and XR
    VoIP Metrics block as the generator wrote them, and each leg's
    end-to-end round trip as the sum of its two directions' probe-to-
    receiver RTTs.  A block is about the stream of its SSRC that the
    reporter receives (the stream's destination is the RTCP's source):
    a relay keeps one SSRC on both of its legs."""
    if not rtcp:
        return

    def ip(hostport):
        return endpoint(hostport).rsplit(":", 1)[0]

    by_ssrc = {}
    for s in report.get("streams") or []:
        by_ssrc.setdefault(ssrc_value(s["ssrc"]), []).append(s)

    def stream_for(ssrc, reporter):
        cands = by_ssrc.get(ssrc, [])
        mine = [s for s in cands if ip(s["dst"]) == reporter]
        if len(mine) == 1:
            return mine[0]
        return cands[0] if len(cands) == 1 else None

    def leg(a, b):
        return tuple(sorted((a, b)))

    last_block, last_xr, last_rtt = {}, {}, {}
    for pkt in rtcp:
        reporter = ip(pkt["src"])
        for b in pkt.get("report_blocks", []):
            last_block[(ssrc_value(b["ssrc"]), reporter)] = b
            if b.get("rtt_ms") is not None:
                last_rtt[leg(reporter, ip(pkt["dst"]))] = b["rtt_ms"]
        for x in pkt.get("xr", []):
            last_xr[(ssrc_value(x["ssrc"]), reporter)] = x
    rtts = {}
    for (ssrc, reporter), b in last_block.items():
        name = "stream 0x%08x far_end (reported by %s)" % (ssrc, reporter)
        stream = stream_for(ssrc, reporter) or {}
        far = stream.get("far_end")
        if not far:
            mismatch(name, "entry", "missing", "present")
            continue
        if far.get("cumulative_lost") != b["cumulative_lost"]:
            mismatch(name, "cumulative_lost", far.get("cumulative_lost"),
                     b["cumulative_lost"])
        if not close(far.get("fraction_lost_pct"),
                     b["fraction_lost"] * 100.0 / 256, 0.01):
            mismatch(name, "fraction_lost_pct", far.get("fraction_lost_pct"),
                     b["fraction_lost"] * 100.0 / 256)
        if far.get("rtt_ms") is not None:
            rtts.setdefault(leg(ip(stream["src"]), ip(stream["dst"])),
                            []).append(far["rtt_ms"])
        x = last_xr.get((ssrc, reporter))
        if x is not None:
            xr = far.get("xr") or {}
            for field, want in (("r_factor", x["r_factor"]),
                                ("mos_lq", x["mos_lq"]),
                                ("mos_cq", x["mos_cq"]),
                                ("end_system_delay_ms", x["end_system_delay_ms"])):
                if xr.get(field) != want:
                    mismatch(name, "xr." + field, xr.get(field), want)
            if not close(xr.get("loss_pct"), x["loss_rate"] * 100.0 / 256, 0.01):
                mismatch(name, "xr.loss_pct", xr.get("loss_pct"),
                         x["loss_rate"] * 100.0 / 256)
    for which, want in sorted(last_rtt.items()):
        got = rtts.get(which, [])
        if len(got) != 2 or not close(sum(got), want, 1.0):
            mismatch("rtcp %s-%s" % which, "round trip (sum of both directions)",
                     got, want)


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def main(argv):
    args = [a for a in argv if a not in ("--strict", "-v")]
    strict = "--strict" in argv
    verbose = "-v" in argv
    if len(args) != 2:
        print("usage: check-truth.py [--strict] [-v] REPORT.json TRUTH.json",
              file=sys.stderr)
        return 2
    try:
        report, truth = load(args[0]), load(args[1])
    except (OSError, ValueError) as e:
        print("check-truth: %s" % e, file=sys.stderr)
        return 2
    name = truth.get("scenario", args[1])
    unchecked = set()
    problems = check(report, truth, strict, unchecked)
    for line in problems:
        print(line)
    if unchecked and verbose:
        print("%s: not checked (not in the report, or no rule): %s"
              % (name, ", ".join(sorted(unchecked))))
    print("%s %s" % ("FAIL" if problems else "PASS", name))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
