#!/usr/bin/env python3
"""Compare what VictoriaMetrics holds with what an InfluxDB 1.x server
holds of the same capture, sent by vqprobe to each.

usage: check-victoria.py INFLUX_URL DB VM_URL PROBE [VM_PROBE [VM_DB]]

VM_PROBE: the probe tag the same points have in VictoriaMetrics, when it
was given another (default PROBE).  VM_DB: the database they were written
to through VictoriaMetrics's v1 API (/write?db=), which it adds as the
label db; none through the v2 API.

VictoriaMetrics keeps numbers only: a field F of measurement M becomes
the series M_F with the point's tags as labels, a boolean 1 or 0, and a
string field a 0 (its text is lost).  So:
  - every numeric or boolean field of every point InfluxDB holds (tag
    probe=PROBE) is in VictoriaMetrics at the same millisecond, with the
    same value (integers exactly, floats to 1e-9 relative);
  - VictoriaMetrics holds no sample InfluxDB does not (same count per
    series);
  - a string field (call_id, from, to, ...) is there as 0 and nothing
    else.
Prints one line per difference and exits 1 if there is any.
"""
import json
import sys
import urllib.parse
import urllib.request

TOLERANCE = 1e-9
# What waited in the exporter's queue as the point was made: a moment of
# the transport (how fast this server answered), not of the capture.
# Its points must be there; their values differ from run to run.
MOMENTARY = {("vq_probe", "export_queue_bytes")}


def influx_query(url, db, q):
    data = urllib.parse.urlencode({"db": db, "q": q, "epoch": "ms"}).encode()
    with urllib.request.urlopen(url + "/query", data, timeout=60) as r:
        res = json.load(r)["results"][0]
    if "error" in res:
        raise RuntimeError("%s: %s" % (q, res["error"]))
    return res.get("series", [])


def influx_points(url, db, probe, vm_labels):
    """{(series name, labels): {ms: value}}, the string fields seen and
    the number of points."""
    points, strings, n = {}, set(), 0
    # One measurement a query: across several, a field name that is a
    # boolean in one and a number in another (answered) comes back null.
    names = [v[0] for s in influx_query(url, db, "SHOW MEASUREMENTS")
             for v in s["values"]]
    for name in names:
        q = "SELECT * FROM \"%s\" WHERE probe = '%s' GROUP BY *" % (name,
                                                                    probe)
        for s in influx_query(url, db, q):
            n += add_series(s, vm_labels, points, strings)
    return points, strings, n


def add_series(s, vm_labels, points, strings):
    tags = dict((k, v) for k, v in (s.get("tags") or {}).items() if v != "")
    tags.update(vm_labels)
    tags = tuple(sorted(tags.items()))
    for row in s["values"]:
        rec = dict(zip(s["columns"], row))
        ms = rec.pop("time")
        for field, value in rec.items():
            if value is None or field in dict(tags):
                continue
            if isinstance(value, str):
                strings.add("%s_%s" % (s["name"], field))
                value = 0
            if isinstance(value, bool):
                value = 1 if value else 0
            if (s["name"], field) in MOMENTARY:
                value = None
            key = ("%s_%s" % (s["name"], field), tags)
            points.setdefault(key, {})[ms] = value
    return len(s["values"])


def vm_points(url, probe):
    match = '{__name__=~"vq_.*",probe="%s"}' % probe
    data = urllib.parse.urlencode({"match[]": match}).encode()
    with urllib.request.urlopen(url + "/api/v1/export", data,
                                timeout=60) as r:
        lines = r.read().decode().splitlines()
    points = {}
    for line in lines:
        if not line.strip():
            continue
        s = json.loads(line)
        metric = dict(s["metric"])
        name = metric.pop("__name__")
        key = (name, tuple(sorted(metric.items())))
        got = points.setdefault(key, {})
        for ms, value in zip(s["timestamps"], s["values"]):
            if ms in got:
                raise RuntimeError("%s %s: two samples at %d" %
                                   (name, key[1], ms))
            got[ms] = value
    return points


def same(a, b):
    if isinstance(a, int) and float(b).is_integer():
        return a == int(b)
    return abs(a - b) <= TOLERANCE * max(1.0, abs(a))


def main(argv):
    influx_url, db, vm_url, probe = argv[1:5]
    vm_probe = argv[5] if len(argv) > 5 else probe
    vm_labels = {"probe": vm_probe}
    if len(argv) > 6:
        vm_labels["db"] = argv[6]
    want, strings, n_points = influx_points(influx_url, db, probe, vm_labels)
    got = vm_points(vm_url, vm_probe)
    errors = []
    samples = 0
    for key, series in sorted(want.items()):
        have = got.get(key)
        if have is None:
            errors.append("%s %s: not in VictoriaMetrics" % key)
            continue
        for ms, value in sorted(series.items()):
            samples += 1
            if ms not in have:
                errors.append("%s %s @%d: missing" % (key[0], key[1], ms))
            elif value is not None and not same(value, have[ms]):
                errors.append("%s %s @%d: %r, InfluxDB has %r" %
                              (key[0], key[1], ms, have[ms], value))
        extra = sorted(set(have) - set(series))
        if extra:
            errors.append("%s %s: %d samples InfluxDB lacks, first @%d" %
                          (key[0], key[1], len(extra), extra[0]))
    for key in sorted(set(got) - set(want)):
        errors.append("%s %s: only in VictoriaMetrics" % key)
    if n_points == 0:
        errors.append("InfluxDB holds no point of probe %s" % probe)
    for e in errors[:40]:
        print(e)
    if len(errors) > 40:
        print("... and %d more" % (len(errors) - 40))
    print("%s: %d points, %d numeric samples in %d series; %d string "
          "fields kept as 0; %d differences" %
          (probe, n_points, samples, len(want), len(strings), len(errors)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
