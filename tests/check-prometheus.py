#!/usr/bin/env python3
"""Checks of vqprobe --prometheus for tests/prometheus.test.

  check-prometheus.py exposition FILE [--label NAME]...
      FILE is a scrape of /metrics.  Parse it strictly as the text format
      0.0.4 and check vqprobe's conventions: names, types, units, the
      labels allowed (vqprobe's own and the NAMEs of the operator's), and
      that every histogram is consistent.
  check-prometheus.py selftest FILE [--label NAME]...
      FILE is a good scrape: each way of breaking it that the checks
      above look for must be refused.
  check-prometheus.py wait PROM_URL PROBE PACKETS TIMEOUT_S
      Wait until Prometheus has scraped the final figures of PROBE: its
      vqprobe_captured_packets_total equals PACKETS.
  check-prometheus.py compare PROM_URL PROBE JSON [SIP_TSV] [--label K=V]...
      Ask Prometheus (PromQL over its HTTP API) for PROBE's figures and
      compare them with vqprobe's JSON report of the same run: calls by
      state, captured packets, the MOS histogram's count per direction
      (the JSON's streams[].mos.intervals summed) and its low buckets
      (streams[].mos.min), SIP messages; per method and class with the
      SIP_TSV of tshark, when given.  Every sample carries the labels K=V.

Exit status: 0 all good, 1 a check failed.
"""

import collections
import json
import math
import re
import sys
import time
import urllib.parse
import urllib.request

PROBLEMS = []

NAME_RE = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*$")
LABEL_RE = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*$")
OWN_LABELS = {"probe", "direction", "codec", "state", "method", "class"}
DIRECTIONS = {"caller", "callee", "none"}
TYPES = {"counter", "gauge", "histogram", "summary", "untyped"}
# Units a name must not carry: Prometheus wants base units.
NOT_BASE_UNITS = re.compile(r"_(ms|milliseconds|us|percent|pct|kb|mb|kib|mib)(_|$)")


def problem(where, what):
    PROBLEMS.append("%s: %s" % (where, what))


def report(success):
    for p in PROBLEMS:
        print("FAIL: " + p)
    if PROBLEMS:
        return 1
    print("ok: " + success)
    return 0


# -------------------------------------------------------------- the format
def parse_labels(text, where):
    """'a="x",b="y"' -> [(a, x), (b, y)], with the escapes undone."""
    labels, i = [], 0
    while i < len(text):
        m = re.match(r"([^=]*)=\"", text[i:])
        if not m:
            problem(where, "bad label at %r" % text[i:i + 30])
            return None
        name, i, value = m.group(1), i + m.end(), []
        if not LABEL_RE.match(name):
            problem(where, "bad label name %r" % name)
        while True:
            if i >= len(text):
                problem(where, "unterminated label value")
                return None
            c = text[i]
            if c == "\\":
                nxt = text[i + 1:i + 2]
                if nxt not in ("\\", '"', "n"):
                    problem(where, "bad escape \\%s in a label value" % nxt)
                value.append("\n" if nxt == "n" else nxt)
                i += 2
            elif c == '"':
                i += 1
                break
            elif c == "\n":
                problem(where, "raw newline in a label value")
                i += 1
            else:
                value.append(c)
                i += 1
        labels.append((name, "".join(value)))
        if i < len(text):
            if text[i] != ",":
                problem(where, "expected ',' after a label, got %r" % text[i])
                return None
            i += 1
    names = [n for n, _ in labels]
    if len(set(names)) != len(names):
        problem(where, "a label name twice: %s" % names)
    return labels


def parse_value(text, where):
    if text in ("NaN", "+Inf", "-Inf"):
        return float(text.replace("Inf", "inf").replace("NaN", "nan"))
    if not re.match(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$", text):
        problem(where, "bad value %r" % text)
        return None
    return float(text)


def family_of(name, types):
    """The metric family a sample name belongs to."""
    for suffix in ("_bucket", "_sum", "_count"):
        base = name[:-len(suffix)] if name.endswith(suffix) else None
        if base and types.get(base) in ("histogram", "summary"):
            return base
    return name


def parse_exposition(raw):
    """{family: {"type", "help", "samples": [(name, labels, value)]}}."""
    where = "exposition"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        problem(where, "not UTF-8: %s" % e)
        return {}
    if not text.endswith("\n"):
        problem(where, "the last line has no newline")
    if "\r" in text:
        problem(where, "a carriage return")
    families, types, helps, order = {}, {}, {}, []
    closed, current, seen = set(), None, set()
    for n, line in enumerate(text[:-1].split("\n"), 1):
        at = "line %d" % n
        if line == "":
            problem(at, "empty line")
            continue
        if line.startswith("#"):
            m = re.match(r"^# (HELP|TYPE) (\S+) ?(.*)$", line)
            if not m:
                if line.startswith("# HELP") or line.startswith("# TYPE"):
                    problem(at, "bad %s line" % line[2:6])
                continue
            kind, name, rest = m.groups()
            if not NAME_RE.match(name):
                problem(at, "bad metric name %r" % name)
            table = helps if kind == "HELP" else types
            if name in table:
                problem(at, "second %s for %s" % (kind, name))
            if kind == "TYPE":
                if rest not in TYPES:
                    problem(at, "unknown type %r" % rest)
                if any(family_of(s, {name: rest}) == name for s, _ in seen):
                    problem(at, "TYPE of %s after its samples" % name)
            else:
                if re.search(r"\\[^\\n]", rest):
                    problem(at, "bad escape in HELP of %s" % name)
            table[name] = rest
            fam = name
        else:
            m = re.match(r"^([^{\s]+)(?:\{(.*)\})? (\S+)( \S+)?$", line)
            if not m:
                problem(at, "not a sample line: %r" % line[:80])
                continue
            name, label_text, value_text, stamp = m.groups()
            if not NAME_RE.match(name):
                problem(at, "bad metric name %r" % name)
            if stamp:
                problem(at, "a timestamp (exporters should not set them)")
            labels = parse_labels(label_text or "", at)
            value = parse_value(value_text, at)
            if labels is None or value is None:
                continue
            fam = family_of(name, types)
            if fam not in types:
                problem(at, "sample of %s before its TYPE" % fam)
            key = (name, frozenset(labels))
            if key in seen:
                problem(at, "the same series twice: %s %s" % (name, labels))
            seen.add(key)
            families.setdefault(fam, []).append((name, dict(labels), value))
        # One family's lines stay together.
        if fam != current:
            if fam in closed:
                problem(at, "lines of %s are not grouped" % fam)
            if current is not None:
                closed.add(current)
            current = fam
            order.append(fam)
    out = {}
    for fam in order:
        out[fam] = {"type": types.get(fam), "help": helps.get(fam),
                    "samples": families.get(fam, [])}
    return out


# ----------------------------------------------------------- conventions
def check_names(fam, info):
    kind = info["type"]
    if not fam.startswith("vqprobe_"):
        problem(fam, "not under the vqprobe_ prefix")
    if ":" in fam or fam != fam.lower():
        problem(fam, "not snake_case")
    if NOT_BASE_UNITS.search(fam):
        problem(fam, "not in base units")
    if kind == "counter" and not fam.endswith("_total"):
        problem(fam, "a counter without _total")
    if kind != "counter" and fam.endswith("_total"):
        problem(fam, "_total on a %s" % kind)
    if kind not in ("histogram", "summary") and re.search(r"_(sum|count|bucket)$", fam):
        problem(fam, "a suffix kept for histograms on a %s" % kind)
    if not info["help"]:
        problem(fam, "no HELP")
    for name, _labels, _value in info["samples"]:
        if kind == "histogram" and name not in (fam + "_bucket", fam + "_sum", fam + "_count"):
            problem(fam, "sample %s in a histogram" % name)
        if kind in ("counter", "gauge") and name != fam:
            problem(fam, "sample %s in a %s" % (name, kind))


def check_labels(fam, info, operator):
    allowed = OWN_LABELS | set(operator)
    for name, labels, value in info["samples"]:
        for key in labels:
            if key == "le" and info["type"] == "histogram" and name.endswith("_bucket"):
                continue
            if key not in allowed:
                problem(fam, "label %r is neither vqprobe's nor the operator's" % key)
        if "probe" not in labels:
            problem(fam, "a sample without the probe label")
        for key in operator:
            if key not in labels:
                problem(fam, "a sample without the operator's label %s" % key)
        if "direction" in labels and labels["direction"] not in DIRECTIONS:
            problem(fam, "direction %r" % labels["direction"])
        if info["type"] == "counter" and (value < 0 or math.isnan(value)):
            problem(fam, "a counter at %r" % value)


def check_histogram(fam, info):
    series = collections.defaultdict(lambda: {"buckets": [], "sum": None, "count": None})
    for name, labels, value in info["samples"]:
        rest = frozenset((k, v) for k, v in labels.items() if k != "le")
        s = series[rest]
        if name == fam + "_bucket":
            if "le" not in labels:
                problem(fam, "a bucket without le")
                continue
            s["buckets"].append((parse_value(labels["le"], fam), value))
        elif name == fam + "_sum":
            s["sum"] = value
        elif name == fam + "_count":
            s["count"] = value
    for labels, s in series.items():
        where = "%s{%s}" % (fam, ",".join("%s=%s" % kv for kv in sorted(labels)))
        les = [le for le, _ in s["buckets"]]
        counts = [c for _, c in s["buckets"]]
        if not les or les[-1] != math.inf:
            problem(where, "no le=\"+Inf\" bucket last")
        if les != sorted(les) or len(set(les)) != len(les):
            problem(where, "buckets not in increasing le")
        if counts != sorted(counts):
            problem(where, "buckets not cumulative")
        if s["count"] is None or s["sum"] is None:
            problem(where, "no _count or no _sum")
        elif counts and counts[-1] != s["count"]:
            problem(where, "+Inf bucket %r differs from _count %r" % (counts[-1], s["count"]))
        if s["count"] == 0 and s["sum"] not in (0, None):
            problem(where, "a _sum without observations")


def cmd_exposition(path, operator):
    with open(path, "rb") as f:
        fams = parse_exposition(f.read())
    for fam, info in fams.items():
        check_names(fam, info)
        check_labels(fam, info, operator)
        if info["type"] == "histogram":
            check_histogram(fam, info)
    for need in ("vqprobe_interval_mos", "vqprobe_interval_loss_ratio",
                 "vqprobe_interval_jitter_seconds"):
        if (fams.get(need) or {}).get("type") != "histogram":
            problem(need, "missing, or not a histogram")
    for need in ("vqprobe_calls_total", "vqprobe_sip_requests_total",
                 "vqprobe_sip_responses_total", "vqprobe_captured_packets_total"):
        if (fams.get(need) or {}).get("type") != "counter":
            problem(need, "missing, or not a counter")
    samples = sum(len(i["samples"]) for i in fams.values())
    return report("%d metric families, %d samples, format and conventions"
                  % (len(fams), samples))


def cmd_selftest(path, operator):
    """The parser must refuse a scrape broken in each way it checks."""
    with open(path, "rb") as f:
        good = f.read().decode("utf-8")
    lines = good.split("\n")[:-1]
    first_bucket = next(i for i, l in enumerate(lines) if "_bucket{" in l)
    first_type = next(i for i, l in enumerate(lines) if l.startswith("# TYPE"))
    inf = next(i for i, l in enumerate(lines) if 'le="+Inf"' in l)
    sample = next(i for i, l in enumerate(lines) if l.startswith("vqprobe_calls_total"))
    broken = {
        "no final newline": good[:-1],
        "TYPE twice": "\n".join(lines[:first_type + 1] + [lines[first_type]]
                                 + lines[first_type + 1:]) + "\n",
        "sample before TYPE": "\n".join([lines[sample]] + lines) + "\n",
        "groups split": "\n".join(lines + [lines[first_bucket].replace(
            'le="', 'le="0.0')]) + "\n",
        "+Inf differs from _count": "\n".join(
            lines[:inf] + [re.sub(r" \d+$", " 999999", lines[inf])] + lines[inf + 1:]) + "\n",
        "an unescaped quote": good.replace('direction="', 'direction="x"y', 1),
        "a forbidden label": good.replace('state="', 'call_id="x",state="', 1),
        "a timestamp": "\n".join(lines[:sample] + [lines[sample] + " 1700000000000"]
                                  + lines[sample + 1:]) + "\n",
        "a counter without _total": good.replace("vqprobe_calls_total", "vqprobe_calls"),
    }
    failed = []
    for what, text in broken.items():
        del PROBLEMS[:]
        fams = parse_exposition(text.encode("utf-8"))
        for fam, info in fams.items():
            check_names(fam, info)
            check_labels(fam, info, operator)
            if info["type"] == "histogram":
                check_histogram(fam, info)
        if not PROBLEMS:
            failed.append(what)
    del PROBLEMS[:]
    for what in failed:
        problem("selftest", "a scrape with %s passes" % what)
    return report("the parser refuses %d broken scrapes" % len(broken))


# ---------------------------------------------------------------- PromQL
def promql(url, query):
    """The instant vector of a query: [(labels, value)]."""
    params = urllib.parse.urlencode({"query": query})
    try:
        with urllib.request.urlopen(url + "/api/v1/query?" + params, timeout=30) as r:
            answer = json.load(r)
    except (OSError, ValueError) as e:
        problem("promql", "%s: %s" % (query, e))
        return []
    if answer.get("status") != "success":
        problem("promql", "%s: %s" % (query, answer))
        return []
    data = answer["data"]
    if data["resultType"] != "vector":
        problem("promql", "%s: a %s, not a vector" % (query, data["resultType"]))
        return []
    return [(r["metric"], float(r["value"][1])) for r in data["result"]]


def by_label(url, query, label):
    return {m.get(label): v for m, v in promql(url, query)}


def cmd_wait(url, probe, packets, timeout_s):
    deadline = time.time() + timeout_s
    query = 'vqprobe_captured_packets_total{probe="%s"}' % probe
    last = None
    while time.time() < deadline:
        answer = promql(url, query)
        del PROBLEMS[:]
        last = [v for _, v in answer]
        if last == [float(packets)]:
            print("ok: Prometheus has %s's %d packets" % (probe, packets))
            return 0
        time.sleep(0.5)
    print("FAIL: %s: Prometheus has %r packets, the report %d" % (probe, last, packets))
    return 1


def compare(where, got, want):
    if got != want:
        problem(where, "Prometheus %r, the JSON report %r" % (got, want))
    else:
        print("  %-44s %r" % (where, got))


def cmd_compare(url, probe, json_path, sip_tsv, labels):
    with open(json_path, encoding="utf-8") as f:
        rep = json.load(f)
    sel = 'probe="%s"' % probe
    # Calls by final state: every state the report names, and 0 elsewhere.
    got = by_label(url, "vqprobe_calls_total{%s}" % sel, "state")
    want = collections.Counter(c["state"] for c in rep["calls"])
    for state in set(got) | set(want):
        compare("%s calls state=%s" % (probe, state), got.get(state, 0.0),
                float(want.get(state, 0)))
    compare("%s captured packets" % probe,
            sum(v for _, v in promql(url, "vqprobe_captured_packets_total{%s}" % sel)),
            float(rep["capture"]["packets"]))
    # The MOS histogram counts each rated MOS interval once.
    got = by_label(url, "sum by (direction) (vqprobe_interval_mos_count{%s})" % sel,
                   "direction")
    want = collections.Counter()
    for s in rep["streams"]:
        want[s["direction"] or "none"] += s["mos"]["intervals"]
    for d in set(got) | set(k for k, v in want.items() if v):
        compare("%s MOS intervals direction=%s" % (probe, d), got.get(d, 0.0),
                float(want.get(d, 0)))
    # The lowest interval of a direction below a bound puts it in that
    # bucket; none below, the bucket is empty.
    for bound in ("3.6", "4"):
        got = by_label(url, 'sum by (direction) (vqprobe_interval_mos_bucket{%s,le="%s"})'
                       % (sel, bound), "direction")
        lows = collections.defaultdict(list)
        for s in rep["streams"]:
            if s["mos"]["min"] is not None:
                lows[s["direction"] or "none"].append(s["mos"]["min"])
        for d, mins in lows.items():
            below = any(m <= float(bound) for m in mins)
            compare("%s MOS le=%s direction=%s has some" % (probe, bound, d),
                    got.get(d, 0.0) > 0, below)
    # SIP: every message counted once, as a request or as a response.
    req = sum(v for _, v in promql(url, "vqprobe_sip_requests_total{%s}" % sel))
    resp = sum(v for _, v in promql(url, "vqprobe_sip_responses_total{%s}" % sel))
    compare("%s SIP requests + responses" % probe, req + resp,
            float(rep["capture"]["sip_messages"]))
    if sip_tsv:
        got = {(m.get("method"), m.get("class")): v for m, v in
               promql(url, "vqprobe_sip_responses_total{%s} > 0" % sel)}
        want = collections.Counter()
        with open(sip_tsv, encoding="utf-8") as f:
            for line in f:
                fields = line.rstrip("\n").split("\t")
                if len(fields) >= 2 and fields[0]:
                    want[(fields[1], "%sxx" % fields[0][0])] += 1
        for key in set(got) | set(want):
            compare("%s SIP responses %s %s (tshark)" % ((probe,) + key),
                    got.get(key, 0.0), float(want.get(key, 0)))
    # The operator's labels on every series of the probe.
    for kv in labels:
        k, v = kv.split("=", 1)
        everything = promql(url, 'count({__name__=~"vqprobe_.+",%s})' % sel)
        missing = promql(url, 'count({__name__=~"vqprobe_.+",%s,%s!="%s"})'
                         % (sel, k, v.replace("\\", "\\\\").replace('"', '\\"')))
        if not everything or everything[0][1] == 0:
            problem(probe, "no series")
        if missing:
            problem(probe, "%d series without %s=%r" % (missing[0][1], k, v))
    return report("%s: Prometheus agrees with the JSON report" % probe)


def main(argv):
    if len(argv) >= 3 and argv[1] == "exposition":
        operator = [argv[i + 1] for i in range(3, len(argv) - 1) if argv[i] == "--label"]
        return cmd_exposition(argv[2], operator)
    if len(argv) >= 3 and argv[1] == "selftest":
        operator = [argv[i + 1] for i in range(3, len(argv) - 1) if argv[i] == "--label"]
        return cmd_selftest(argv[2], operator)
    if len(argv) == 6 and argv[1] == "wait":
        return cmd_wait(argv[2], argv[3], int(argv[4]), float(argv[5]))
    if len(argv) >= 5 and argv[1] == "compare":
        rest = argv[5:]
        labels = [rest[i + 1] for i in range(len(rest) - 1) if rest[i] == "--label"]
        positional = [a for i, a in enumerate(rest)
                      if a != "--label" and (i == 0 or rest[i - 1] != "--label")]
        return cmd_compare(argv[2], argv[3], argv[4],
                           positional[0] if positional else None, labels)
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
