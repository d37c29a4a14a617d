#!/usr/bin/env python3
"""Remake the SLA list of a vqprobe JSON report from its calls and streams.

usage: check-sla.py REPORT.json [SLA.html]

Every entry of "sla" is recomputed per label value from the report's own
calls[] and streams[] (their "labels"), the way docs/metrics.md defines
it, and compared exactly: the figures are read as the report prints them
(decimal text, not floats), percentiles are nearest-rank, minutes are sums
of microseconds.  With SLA.html, the page's tables must show the same
figures, the same worst calls, and link each to a page that exists.
Exit 0 when everything agrees, 1 with one line per difference.
"""

import html.parser
import json
import os
import sys
from decimal import Decimal

# Final responses E.425 counts as effective though not answered (kpi.c).
USER_CODES = {480, 486, 487, 600, 603}
WORST = 5

problems = []


def problem(msg):
    problems.append(msg)


def fmt(v, decimals):
    """A figure as the report prints it, from a double."""
    return None if v is None else Decimal("%.*f" % (decimals, v))


def nearest_rank(values, pct):
    if not values:
        return None
    values = sorted(values)
    rank = max(1, (pct * len(values) + 99) // 100)
    return values[rank - 1]


def micro(d):
    return int(d * 1000000)


class Group:
    def __init__(self):
        self.calls = []      # (index, call)
        self.streams = []


def call_mos(call):
    v = call.get("verdict") or {}
    got = [v[k]["mos"] for k in ("caller", "callee")
           if v.get(k) and v[k].get("mos") is not None]
    return min(got) if got else None


def expected(report):
    calls, streams = report["calls"], report["streams"]
    target = report["sla_targets"]["mos"]
    by_stream = {}
    for i, c in enumerate(calls):
        if not isinstance(c.get("labels"), dict):
            problem("call %d: no labels object" % i)
            c["labels"] = {}
        for sid in c["streams"]:
            by_stream[sid] = c
    groups = {(None, None): Group()}

    def groups_of(labels):
        out = [groups[(None, None)]]
        for k, v in labels.items():
            out.append(groups.setdefault((k, v), Group()))
        return out

    for i, c in enumerate(calls):
        for g in groups_of(c["labels"]):
            g.calls.append((i, c))
    for s in streams:
        if not isinstance(s.get("labels"), dict):
            problem("stream %s: no labels object" % s["id"])
            s["labels"] = {}
        call = by_stream.get(s["id"])
        labels = call["labels"] if call is not None else s["labels"]
        for g in groups_of(labels):
            g.streams.append(s)

    out = []
    for key in [(None, None)] + sorted(k for k in groups if k[0] is not None):
        g = groups[key]
        answered = attempts = effective = 0
        for _, c in g.calls:
            code = c.get("final_code")
            if code is None or code < 200:
                continue
            attempts += 1
            if code < 300:
                answered += 1
            if code < 300 or code in USER_CODES:
                effective += 1
        us = us_below = below = 0
        loss, jitter = [], []
        for s in g.streams:
            d = max(0, micro(s["end"]) - micro(s["start"]))
            us += d
            loss.append(s["loss_pct"])
            if s.get("jitter_ms") is not None:
                jitter.append(s["jitter_ms"]["mean"])
            mos = s["mos"]["call"]
            if mos is not None and target is not None and mos < target:
                below += 1
                us_below += d
        ranked = sorted(((m, i, c) for i, c in g.calls
                         for m in [call_mos(c)] if m is not None),
                        key=lambda t: (t[0], t[1]))[:WORST]
        out.append({
            "label": key[0], "value": key[1],
            "calls": len(g.calls), "answered": answered,
            "asr_pct": fmt(100.0 * answered / attempts, 2) if attempts else None,
            "ner_pct": fmt(100.0 * effective / attempts, 2) if attempts else None,
            "streams": len(g.streams), "streams_below_mos": below,
            "minutes": fmt(float(us) / 60e6, 3),
            "minutes_below_mos": fmt(float(us_below) / 60e6, 3),
            "loss_pct": {"p50": nearest_rank(loss, 50),
                         "p95": nearest_rank(loss, 95)},
            "jitter_ms": {"p50": nearest_rank(jitter, 50),
                          "p95": nearest_rank(jitter, 95)},
            "worst_calls": [(c["call_id"], m) for m, _, c in ranked],
        })
    return out


def same(a, b):
    if a is None or b is None:
        return a is None and b is None
    return Decimal(a) == Decimal(b)


def compare(report):
    want = expected(report)
    got = report.get("sla")
    if not isinstance(got, list):
        problem("no sla list")
        return
    if len(got) != len(want):
        problem("sla: %d entries, want %d (%s)" % (
            len(got), len(want), [(w["label"], w["value"]) for w in want]))
    if report.get("kpis") and got:
        if not same(got[0].get("asr_pct"), report["kpis"].get("asr_pct")):
            problem("sla every call: asr_pct differs from kpis")
    for g, w in zip(got, want):
        name = "%s=%s" % (w["label"], w["value"])
        for k in ("label", "value", "calls", "answered", "streams",
                  "streams_below_mos"):
            if g.get(k) != w[k]:
                problem("%s: %s %r, want %r" % (name, k, g.get(k), w[k]))
        for k in ("asr_pct", "ner_pct", "minutes", "minutes_below_mos"):
            if not same(g.get(k), w[k]):
                problem("%s: %s %s, want %s" % (name, k, g.get(k), w[k]))
        for k in ("loss_pct", "jitter_ms"):
            for p in ("p50", "p95"):
                if not same(g[k][p], w[k][p]):
                    problem("%s: %s.%s %s, want %s" % (
                        name, k, p, g[k][p], w[k][p]))
        gw = [(c["call_id"], c["mos"]) for c in g["worst_calls"]]
        if len(gw) != len(w["worst_calls"]) or any(
                a[0] != b[0] or not same(a[1], b[1])
                for a, b in zip(gw, w["worst_calls"])):
            problem("%s: worst_calls %s, want %s" % (
                name, gw, w["worst_calls"]))


def html_text(s):
    """Text as probe/output/html.c escapes it (after entities are undone)."""
    return "".join(chr(b) if 0x20 <= b <= 0x7e else "%%%02X" % b
                   for b in s.encode())


class Page(html.parser.HTMLParser):
    """The rows of the tables of class "sla": {(label, value): cells}."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows = {}
        self.label = None
        self.row = None
        self.key = None
        self.worst = None
        self.text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and a.get("class") == "sla":
            self.label = None if a.get("data-all") else a.get("data-label")
        elif tag == "tr" and ("data-value" in a or "data-all" in a):
            key = (None, None) if "data-all" in a else (self.label,
                                                        a["data-value"])
            if key in self.rows:
                problem("html: row %s twice" % (key,))
            self.row = self.rows[key] = {"worst_calls": []}
        elif tag == "td" and self.row is not None and "data-key" in a:
            self.key = a["data-key"]
            self.text = ""
        elif tag == "span" and self.key == "worst_calls":
            self.worst = {"mos": a.get("data-mos"), "href": None, "text": ""}
        elif tag == "a" and self.worst is not None:
            self.worst["href"] = a.get("href")

    def handle_data(self, data):
        if self.worst is not None:
            self.worst["text"] += data
        elif self.key is not None:
            self.text += data

    def handle_endtag(self, tag):
        if tag == "span" and self.worst is not None:
            self.row["worst_calls"].append(self.worst)
            self.worst = None
        elif tag == "td" and self.key is not None:
            if self.key != "worst_calls":
                self.row[self.key] = self.text.strip()
            self.key = None
        elif tag == "tr":
            self.row = None


def cell(v, decimals):
    if v is None:
        return "-"
    if decimals is None:
        return str(v)
    return "%.*f" % (decimals, Decimal(v))


def compare_html(report, path):
    page = Page()
    with open(path, encoding="ascii") as f:
        page.feed(f.read())
    folder = os.path.dirname(os.path.abspath(path))
    entries = report.get("sla") or []
    keys = [(e["label"], e["value"]) for e in entries]
    esc = [(None, None) if k[0] is None else (html_text(k[0]), html_text(k[1]))
           for k in keys]
    if sorted(map(str, page.rows)) != sorted(map(str, esc)):
        problem("html: rows %s, want %s" % (sorted(page.rows, key=str),
                                            sorted(esc, key=str)))
    for e, k in zip(entries, esc):
        row = page.rows.get(k)
        if row is None:
            continue
        for key, v, dec in (
                ("calls", e["calls"], None), ("answered", e["answered"], None),
                ("asr_pct", e["asr_pct"], 2), ("ner_pct", e["ner_pct"], 2),
                ("streams", e["streams"], None),
                ("streams_below_mos", e["streams_below_mos"], None),
                ("minutes", e["minutes"], 3),
                ("minutes_below_mos", e["minutes_below_mos"], 3),
                ("loss_pct.p50", e["loss_pct"]["p50"], 3),
                ("loss_pct.p95", e["loss_pct"]["p95"], 3),
                ("jitter_ms.p50", e["jitter_ms"]["p50"], 3),
                ("jitter_ms.p95", e["jitter_ms"]["p95"], 3)):
            if row.get(key) != cell(v, dec):
                problem("html %s: %s %r, want %r" % (k, key, row.get(key),
                                                     cell(v, dec)))
        if len(row["worst_calls"]) != len(e["worst_calls"]):
            problem("html %s: %d worst calls, want %d" % (
                k, len(row["worst_calls"]), len(e["worst_calls"])))
        for hw, jw in zip(row["worst_calls"], e["worst_calls"]):
            call_id = hw["text"].rsplit(" (", 1)[0]
            if call_id != html_text(jw["call_id"]) or \
                    hw["mos"] != cell(jw["mos"], 3):
                problem("html %s: worst call %r %s, want %r %s" % (
                    k, call_id, hw["mos"], jw["call_id"], jw["mos"]))
            if hw["href"] != jw["page"]:
                problem("html %s: link %r, want %r" % (k, hw["href"],
                                                        jw["page"]))
            elif jw["page"] is not None and not os.path.isfile(
                    os.path.join(folder, jw["page"])):
                problem("html %s: no page %s" % (k, jw["page"]))


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__.strip().splitlines()[2])
    with open(sys.argv[1]) as f:
        report = json.load(f, parse_float=Decimal)
    compare(report)
    if len(sys.argv) == 3:
        compare_html(report, sys.argv[2])
    for p in problems[:50]:
        print(p)
    if problems:
        print("%d difference(s)" % len(problems))
        sys.exit(1)


if __name__ == "__main__":
    main()
