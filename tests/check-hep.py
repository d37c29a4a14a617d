#!/usr/bin/env python3
"""Compare the report of a run over HEP with the report of the file it came from.

usage: check-hep.py [--sip-only | --sip-ids] FILE.json HEP.json

--sip-only: the sender mirrored SIP only (sngrep): each call's figures that
come from SIP alone must be equal (Call-ID, parties, times, state, codes,
timings, end reason, dialogs), in the same order.  --sip-ids: the same
without the times and timings, for a sender that stamps messages its own
way.  Without it, the sender
mirrored every payload: the calls, KPIs, streams and SLA must be equal
whole, but for what raw IP cannot carry (a stream's VLAN tag).
Prints the first differences and exits 1 when there are any.
"""
import json
import sys

# What a call's report holds that SIP alone decides.
SIP_KEYS = ("call_id", "labels", "from", "to", "start", "state", "final_code",
            "pdd_ms", "setup_ms", "duration_s", "end_reason", "q850_cause",
            "dialogs")
# What identifies a call and its outcome, whatever the times.
ID_KEYS = ("call_id", "labels", "from", "to", "state", "final_code",
           "end_reason", "q850_cause", "dialogs")
# Set by the link layer, which HEP does not carry.
LINK_KEYS = ("vlan",)


def diff(path, a, b, out):
    """Append 'path: a != b' for every leaf that differs."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            diff("%s.%s" % (path, k), a.get(k, "<absent>"),
                 b.get(k, "<absent>"), out)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            diff("%s[%d]" % (path, i), x, y, out)
    elif a != b:
        out.append("%s: file %s, hep %s" % (path, json.dumps(a)[:120],
                                            json.dumps(b)[:120]))


def sip_view(call):
    v = {k: call.get(k, "<absent>") for k in SIP_KEYS}
    # A call's end is its BYE or its failure response only when SIP ended
    # it ("bye_caller", "486 Busy Here"); a call ended by time ends by
    # the clock, which media moves too.
    reason = call.get("end_reason") or ""
    if reason.startswith("bye") or reason[:1].isdigit():
        v["end"] = call.get("end")
    return v


def main(argv):
    args = argv[1:]
    sip_only = "--sip-only" in args
    sip_ids = "--sip-ids" in args
    args = [a for a in args if a not in ("--sip-only", "--sip-ids")]
    if len(args) != 2:
        sys.stderr.write(__doc__)
        return 2
    with open(args[0]) as f:
        ref = json.load(f)
    with open(args[1]) as f:
        got = json.load(f)
    out = []
    if len(ref["calls"]) != len(got["calls"]):
        out.append("calls: file %d, hep %d" % (len(ref["calls"]),
                                               len(got["calls"])))
    if sip_ids:
        diff("calls", [{k: c.get(k) for k in ID_KEYS} for c in ref["calls"]],
             [{k: c.get(k) for k in ID_KEYS} for c in got["calls"]], out)
    elif sip_only:
        diff("calls", [sip_view(c) for c in ref["calls"]],
             [sip_view(c) for c in got["calls"]], out)
    else:
        for s in ref["streams"] + got["streams"]:
            for k in LINK_KEYS:
                s.pop(k, None)
        for key in ("calls", "kpis", "streams", "sla"):
            if key == "streams" and len(ref[key]) != len(got[key]):
                out.append("streams: file %d, hep %d" % (len(ref[key]),
                                                         len(got[key])))
            diff(key, ref.get(key), got.get(key), out)
    for line in out[:15]:
        print(line)
    if len(out) > 15:
        print("... %d more" % (len(out) - 15))
    return 1 if out else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
