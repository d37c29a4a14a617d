#!/usr/bin/env python3
"""check-compare: compare vqprobe --compare's JSON with a two-point truth.

    python3 tests/check-compare.py [--points NAME_A,NAME_B] TRUTH JSON

TRUTH is written by tests/capgen-compare.py beside NAME-a.pcap and
NAME-b.pcap.  NAME_A and NAME_B are the names the JSON gives the truth's
point A (the file NAME-a.pcap) and point B, whichever was given first on
the command line; without --points they are found by the points' file
names.  The check:
  * each point: file (its base name), packets, rtp_packets and streams;
  * every stream the truth pairs is one pair, found by its src, dst and
    ssrc at point A: its src, dst, packets, first_seq and last_seq at both
    points, payload_type, call_id, upstream (the name of the point the
    truth says), nat, lost_before, lost_between, lost_after,
    lost_after_source, duplicated_between and reordered_between exactly;
    delay_variation_ms a number >= 0; where the truth has
    one_way_delay_min_ms, one_way_delay_ms.min within 0.5 ms of it;
  * clock.offset_ms, when the truth pairs both directions of a call, within
    0.5 ms of the second point's clock minus the first's;
  * every stream the truth leaves unpaired ("no_candidate") or ambiguous is
    in "unpaired" at each point where it is seen, with that reason, its
    payload_type and packets, and, where the truth gives them, candidates;
  * no other pair and no other unpaired entry.
Prints each difference; exit 1 on any, 2 on unreadable input.
"""

import argparse
import json
import os
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--points", help="NAME_A,NAME_B: the JSON's names of the "
                    "truth's points A and B")
    ap.add_argument("truth")
    ap.add_argument("report")
    args = ap.parse_args()
    try:
        truth = json.load(open(args.truth))
        rep = json.load(open(args.report))
    except (OSError, ValueError) as e:
        print("check-compare: %s" % e)
        return 2
    diffs = []

    def diff(fmt, *a):
        diffs.append(fmt % a)

    points = rep.get("points") or []
    if len(points) != 2:
        print("check-compare: %d points in the report, 2 wanted" % len(points))
        return 2
    if args.points:
        names = args.points.split(",")
    else:
        names = []
        for p in ("a", "b"):
            f = truth["points"][p]["file"]
            names.append(next((q.get("name") for q in points
                               if os.path.basename(str(q.get("file"))) == f), p))
    name = {"a": names[0], "b": names[1]}
    by_name = {q.get("name"): q for q in points}
    for p in ("a", "b"):
        q = by_name.get(name[p])
        if q is None:
            diff("point %s (%s): not in the report's points %r", p, name[p],
                 [x.get("name") for x in points])
            continue
        want = truth["points"][p]
        if os.path.basename(str(q.get("file"))) != want["file"]:
            diff("point %s: file %r, want %s", name[p], q.get("file"), want["file"])
        for k in ("packets", "rtp_packets", "streams"):
            if q.get(k) != want[k]:
                diff("point %s: %s %r, want %r", name[p], k, q.get(k), want[k])
    if not isinstance(rep.get("version"), str):
        diff("version %r, want a string", rep.get("version"))

    pairs = list(rep.get("pairs") or [])
    used = set()

    def find_pair(e):
        for i, pr in enumerate(pairs):
            at = (pr.get("at") or {}).get(name["a"]) or {}
            if at.get("src") == e["a"]["src"] and at.get("dst") == e["a"]["dst"] \
                    and str(pr.get("ssrc")).lower() == e["ssrc"]:
                return i, pr
        return None, None

    both_ways = False
    for e in truth["streams"]:
        if e["expect"] != "paired":
            continue
        label = "%s %s -> %s" % (e["ssrc"], e["a"]["src"], e["a"]["dst"])
        i, pr = find_pair(e)
        if pr is None:
            diff("%s: no pair", label)
            continue
        if i in used:
            diff("%s: the pair is matched twice", label)
        used.add(i)
        for p in ("a", "b"):
            at = (pr.get("at") or {}).get(name[p]) or {}
            for k in ("src", "dst", "packets", "first_seq", "last_seq"):
                if at.get(k) != e[p][k]:
                    diff("%s: at %s: %s %r, want %r", label, name[p], k, at.get(k),
                         e[p][k])
        if pr.get("upstream") != name[e["upstream"]]:
            diff("%s: upstream %r, want %r", label, pr.get("upstream"),
                 name[e["upstream"]])
        for k in ("payload_type", "call_id", "nat", "lost_before", "lost_between",
                  "lost_after", "lost_after_source", "duplicated_between",
                  "reordered_between"):
            if pr.get(k) != e[k] or type(pr.get(k)) is not type(e[k]):
                diff("%s: %s %r, want %r", label, k, pr.get(k), e[k])
        dv = pr.get("delay_variation_ms")
        if not isinstance(dv, (int, float)) or isinstance(dv, bool) or dv < 0:
            diff("%s: delay_variation_ms %r, want a number >= 0", label, dv)
        if e.get("one_way_delay_min_ms") is not None:
            both_ways = True
            owd = pr.get("one_way_delay_ms")
            got = owd.get("min") if isinstance(owd, dict) else None
            if not isinstance(got, (int, float)) or \
                    abs(got - e["one_way_delay_min_ms"]) > 0.5:
                diff("%s: one_way_delay_ms %r, want min %.3f ms", label, owd,
                     e["one_way_delay_min_ms"])
    for i, pr in enumerate(pairs):
        if i not in used:
            diff("extra pair: %s %s", pr.get("ssrc"), json.dumps(pr.get("at"),
                                                                 sort_keys=True))

    if both_ways:
        clock = rep.get("clock") or {}
        want = truth["clock_offset_ms"]
        if points[0].get("name") == name["b"]:
            want = -want
        got = clock.get("offset_ms")
        if not isinstance(got, (int, float)) or abs(got - want) > 0.5:
            hint = ""
            if isinstance(got, (int, float)) and abs(got + want) <= 0.5:
                hint = " (the sign is the other way: first minus second)"
            diff("clock.offset_ms %r, want %.3f: the second point's clock minus "
                 "the first's%s", got, want, hint)

    unpaired = list(rep.get("unpaired") or [])
    seen = set()
    for e in truth["streams"]:
        if e["expect"] == "paired":
            continue
        for p in ("a", "b"):
            if p not in e:
                continue
            label = "%s %s -> %s at %s" % (e["ssrc"], e[p]["src"], e[p]["dst"], name[p])
            hit = [i for i, u in enumerate(unpaired)
                   if u.get("point") == name[p] and u.get("src") == e[p]["src"]
                   and u.get("dst") == e[p]["dst"]
                   and str(u.get("ssrc")).lower() == e["ssrc"]]
            if len(hit) != 1:
                diff("%s: %d unpaired entries, want one (%s)", label, len(hit),
                     e["reason"])
                if any(((pr.get("at") or {}).get(name[p]) or {}).get("src")
                       == e[p]["src"] and str(pr.get("ssrc")).lower() == e["ssrc"]
                       for pr in pairs):
                    diff("%s: paired, which the truth forbids (%s)", label,
                         e["reason"])
                continue
            seen.add(hit[0])
            u = unpaired[hit[0]]
            if u.get("reason") != e["reason"]:
                diff("%s: reason %r, want %r", label, u.get("reason"), e["reason"])
            for k in ("payload_type",):
                if u.get(k) != e[k]:
                    diff("%s: %s %r, want %r", label, k, u.get(k), e[k])
            if u.get("packets") != e[p]["packets"]:
                diff("%s: packets %r, want %r", label, u.get("packets"), e[p]["packets"])
            if p == e["point"] and e.get("candidates") is not None \
                    and u.get("candidates") != e["candidates"]:
                diff("%s: candidates %r, want %r", label, u.get("candidates"),
                     e["candidates"])
    for i, u in enumerate(unpaired):
        if i not in seen:
            diff("extra unpaired: %s", json.dumps(u, sort_keys=True))

    for d in diffs:
        print(d)
    print("%s %s: %d difference(s)" % ("FAIL" if diffs else "PASS",
                                       truth.get("scenario"), len(diffs)))
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
