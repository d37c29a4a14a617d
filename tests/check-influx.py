#!/usr/bin/env python3
"""Compare what an InfluxDB 1.x server holds with vqprobe's JSON report of
the same run.

usage: check-influx.py URL DB REPORT.json PROBE

Checks, each of which fails with a line saying what differs:
  - vq_call: one point per call of the report, at its end, with the same
    Call-ID, From, To, state, final code, timings; its per-direction MOS minimum
    and loss are those of the report's streams in that direction;
  - vq_stream: for every stream of the report, the points with its
    source, destination and SSRC add up to its packets, expected and lost,
    and the last of them says ended;
  - vq_sip: requests and responses add up to the report's SIP messages;
  - vq_probe: the last point has the report's packets, bytes, fragments
    and TCP bytes dropped, and SDP endpoints evicted;
  - every series carries probe=PROBE and site=lab.
"""
import json
import sys
import urllib.parse
import urllib.request

TOLERANCE = 1e-6


def query(url, db, q):
    data = urllib.parse.urlencode({"db": db, "q": q, "epoch": "ms"}).encode()
    with urllib.request.urlopen(url + "/query", data, timeout=30) as r:
        res = json.load(r)["results"][0]
    if "error" in res:
        raise RuntimeError("%s: %s" % (q, res["error"]))
    rows = []
    for s in res.get("series", []):
        for v in s["values"]:
            row = dict(zip(s["columns"], v))
            row.update(s.get("tags") or {})
            rows.append(row)
    return rows


def close(a, b, tol=TOLERANCE):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= tol * max(1.0, abs(b))


def main(argv):
    url, db, report_path, probe = argv[1:5]
    report = json.load(open(report_path))
    errors = []

    def err(msg):
        errors.append(msg)

    # Tags of every series.
    for row in query(url, db, "SHOW SERIES"):
        key = row["key"]
        if ",probe=%s" % probe not in key or ",site=lab" not in key:
            err("series without probe=%s,site=lab: %r" % (probe, key))

    calls = query(url, db, 'SELECT * FROM vq_call GROUP BY *')
    if len(calls) != len(report["calls"]):
        err("vq_call: %d points, the report has %d calls" %
            (len(calls), len(report["calls"])))
    by_id = {c["call_id"]: c for c in calls}
    streams = {s["id"]: s for s in report["streams"]}
    for c in report["calls"]:
        got = by_id.get(c["call_id"])
        if got is None:
            err("vq_call: no point for %r" % c["call_id"])
            continue
        for field in ("from", "to", "state", "final_code", "end_reason"):
            if got.get(field) != c[field]:
                err("vq_call %r: %s %r, report %r" %
                    (c["call_id"], field, got.get(field), c[field]))
        # Its time is the call's end: moved on by a millisecond or a few
        # only where another call of its series took that one.
        if c.get("end") is not None:
            want = int(c["end"] * 1000)
            if not want <= got["time"] < want + len(report["calls"]):
                err("vq_call %r: at %d ms, the call ended at %d" %
                    (c["call_id"], got["time"], want))
        for field in ("setup_ms", "pdd_ms", "duration_s"):
            if not close(got.get(field), c[field], 1e-3):
                err("vq_call %r: %s %r, report %r" %
                    (c["call_id"], field, got.get(field), c[field]))
        for direction in ("caller", "callee"):
            mine = [streams[i] for i in c["streams"]
                    if streams[i]["direction"] == direction]
            mos = [s["mos"]["min"] for s in mine
                   if s.get("mos") and s["mos"]["min"] is not None]
            want = min(mos) if mos else None
            if not close(got.get("mos_min_" + direction), want, 1e-3):
                err("vq_call %r: mos_min_%s %r, report %r" %
                    (c["call_id"], direction, got.get("mos_min_" + direction),
                     want))
            expected = sum(s["expected"] for s in mine)
            lost = sum(s["lost"] for s in mine)
            want = 100.0 * lost / expected if expected else None
            if not close(got.get("loss_pct_" + direction), want, 1e-9):
                err("vq_call %r: loss_pct_%s %r, report %r" %
                    (c["call_id"], direction, got.get("loss_pct_" + direction),
                     want))
            # The verdict: the same words and figures as the report's.
            v = c["verdict"][direction]
            if mine and got.get("impaired_" + direction) != v["impaired"]:
                err("vq_call %r: impaired_%s %r, report %r" %
                    (c["call_id"], direction,
                     got.get("impaired_" + direction), v["impaired"]))
            for field, key in (("mos", "mos_"), ("jitter_ms", "jitter_ms_"),
                               ("loss_pct", "loss_pct_")):
                if not close(got.get(key + direction), v[field], 1e-3):
                    err("vq_call %r: %s%s %r, report's verdict %r" %
                        (c["call_id"], key, direction,
                         got.get(key + direction), v[field]))
        if got.get("impaired") != c["verdict"]["impaired"]:
            err("vq_call %r: impaired %r, report %r" %
                (c["call_id"], got.get("impaired"), c["verdict"]["impaired"]))

    points = query(url, db, 'SELECT * FROM vq_stream GROUP BY *')
    for s in report["streams"]:
        mine = sorted((p for p in points if p["src"] == s["src"] and
                       p["dst"] == s["dst"] and p["ssrc"] == s["ssrc"]),
                      key=lambda p: p["time"])
        if not mine:
            err("vq_stream: no point for stream %d" % s["id"])
            continue
        for field in ("packets", "expected", "lost"):
            total = sum(p[field] for p in mine)
            if total != s[field]:
                err("vq_stream %d: %s add up to %d, report %d" %
                    (s["id"], field, total, s[field]))
        if mine[-1].get("ended") is not True:
            err("vq_stream %d: the last point does not say ended" % s["id"])
        if sum(p.get("ended") is True for p in mine) != 1:
            err("vq_stream %d: ended more than once" % s["id"])
        if mine[-1].get("codec", "") != s["codec"] and s["codec"]:
            err("vq_stream %d: codec %r, report %r" %
                (s["id"], mine[-1].get("codec"), s["codec"]))

    sip = query(url, db, 'SELECT * FROM vq_sip GROUP BY *')
    total = sum((p.get("requests") or 0) +
                sum(p.get("r%dxx" % k) or 0 for k in range(1, 7)) for p in sip)
    if total != report["capture"]["sip_messages"]:
        err("vq_sip: %d messages, the report has %d" %
            (total, report["capture"]["sip_messages"]))

    probe_fields = ("packets", "bytes", "ip_fragments_dropped",
                    "tcp_bytes_dropped", "media_routes_evicted")
    health = query(url, db, 'SELECT %s FROM vq_probe' % ", ".join(
        "last(%s) AS %s" % (f, f) for f in probe_fields))
    if not health:
        err("vq_probe: no point")
    else:
        for field in probe_fields:
            if health[0][field] != report["capture"][field]:
                err("vq_probe: last %s %r, report %r" %
                    (field, health[0][field], report["capture"][field]))

    for e in errors:
        print("check-influx: %s: %s" % (db, e), file=sys.stderr)
    print("%s: %d calls, %d stream points, %d SIP points checked, %d errors" %
          (db, len(calls), len(points), len(sip), len(errors)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
