#!/usr/bin/env python3
"""Every output gives every call of a capture the same verdict and figures.

    check-verdict.py REPORT.json TABLE.txt EVIDENCE-DIR VIEW.json URL DB

REPORT.json is vqprobe's --json report, TABLE.txt the table it printed,
EVIDENCE-DIR its --report folder, VIEW.json what the terminal view's list
shows of each call (tui-drive --dump), URL and DB the InfluxDB it wrote
vq_call to.  The report's "verdict" is the reference: each other output
must name the same sides impaired, for the same reasons where it says
them, with the same figures to the decimals it prints.  Exit 0 when they
all agree, 1 with one line per disagreement.
"""
import glob
import html
import json
import os
import re
import sys
import urllib.parse
import urllib.request

SIDES = ("caller", "callee")
problems = []


def err(msg):
    problems.append(msg)


def near(shown, want, decimals):
    """A figure printed with DECIMALS decimals equals the report's."""
    if want is None:
        return shown is None
    if shown is None:
        return False
    # The report rounds to 3 decimals itself: allow both roundings.
    return abs(shown - want) <= 0.5 * 10 ** -decimals + 0.0005 + 1e-9


def number(text):
    text = text.strip()
    return None if text in ("-", "") else float(text)


def check_table(calls, path):
    """The table: one block per call in the report's order, its verdict line."""
    lines = open(path).read().splitlines()
    verdicts = [l.strip()[len("verdict: "):] for l in lines
                if l.startswith("    verdict: ")]
    if len(verdicts) != len(calls):
        err("table: %d verdict lines, the report has %d calls"
            % (len(verdicts), len(calls)))
        return
    for c, text in zip(calls, verdicts):
        v = c["verdict"]
        where = "table, call %r" % c["call_id"]
        if text == "no media":
            for side in SIDES:
                if v[side]["loss_pct"] is not None or v[side]["impaired"]:
                    err("%s: 'no media', the report has %s media" % (where, side))
            continue
        m = re.match(r"^(clean|IMPAIRED); caller's media (.*); callee's media (.*)$",
                     text)
        if m is None:
            err("%s: cannot read %r" % (where, text))
            continue
        if (m.group(1) == "IMPAIRED") != v["impaired"]:
            err("%s: %s, the report's impaired is %r"
                % (where, m.group(1), v["impaired"]))
        for side, words in zip(SIDES, (m.group(2), m.group(3))):
            d = v[side]
            if not words.startswith("impaired:"):
                if d["impaired"]:
                    err("%s: %s %r, the report says impaired" % (where, side, words))
                continue
            if not d["impaired"]:
                err("%s: %s impaired, the report says clean" % (where, side))
            reasons = []
            for part in words[len("impaired:"):].split(","):
                f = part.split()
                name = {"loss": "loss", "MOS": "mos", "jitter": "jitter"}.get(f[0])
                reasons.append(name)
                key = {"loss": "loss_pct", "mos": "mos", "jitter": "jitter_ms"}.get(name)
                if key is None or not near(float(f[1]), d[key], 2):
                    err("%s: %s %r, the report's %s is %r"
                        % (where, side, part.strip(), key, d.get(key)))
            if reasons != d["reasons"]:
                err("%s: %s reasons %r, the report's %r"
                    % (where, side, reasons, d["reasons"]))


def read_page(path):
    text = open(path, encoding="utf-8").read()
    m = re.search(r'<p class="meta">Call-ID (.*?)<br>', text)
    imp = re.search(r'<section id="verdict" class="(\w+)" data-impaired="([^"]*)"', text)
    rows = {}
    for side, cells in re.findall(r"<tr><td>(caller|callee)</td>(.*?)</tr>", text):
        found = re.findall(r'<td class="n( bad)?">([^<]*)</td>', cells)
        if len(found) >= 8 and "/" in found[6][1] + found[7][1] + "/":
            rows[side] = found
    return (html.unescape(m.group(1)) if m else None,
            imp.group(1) if imp else None,
            imp.group(2) if imp else None, rows)


def check_evidence(calls, folder):
    pages = {}
    for path in glob.glob(os.path.join(folder, "calls", "*.html")):
        call_id, cls, dirs, rows = read_page(path)
        pages.setdefault(call_id, []).append((cls, dirs, rows, path))
    if sum(len(p) for p in pages.values()) != len(calls):
        err("evidence: %d pages, the report has %d calls"
            % (sum(len(p) for p in pages.values()), len(calls)))
    ids = [c["call_id"] for c in calls]
    for c in calls:
        if ids.count(c["call_id"]) > 1:
            continue        # two calls of one Call-ID: no page to tell apart
        where = "evidence, call %r" % c["call_id"]
        got = pages.get(c["call_id"])
        if not got:
            err("%s: no page" % where)
            continue
        cls, dirs, rows, path = got[0]
        v = c["verdict"]
        want = " ".join(s for s in SIDES if v[s]["impaired"]) or "none"
        if dirs != want or (cls == "impaired") != v["impaired"]:
            err("%s: page says %s (%s), the report %s" % (where, cls, dirs, want))
        for side in SIDES:
            d = v[side]
            row = rows.get(side)
            if row is None:
                if d["loss_pct"] is not None:
                    err("%s: no %s row, the report has its media" % (where, side))
                continue
            # cells: streams packets expected lost loss burst jitter late mos r
            loss, jitter, mos = row[4], row[6], row[8]
            if not near(number(loss[1]), d["loss_pct"], 2):
                err("%s: %s loss %s, the report %r" % (where, side, loss[1], d["loss_pct"]))
            shown = number(jitter[1].split("/")[0]) if jitter[1] != "-" else None
            if not near(shown, d["jitter_ms"], 2):
                err("%s: %s jitter %s, the report %r" % (where, side, jitter[1], d["jitter_ms"]))
            shown = number(mos[1].split("/")[0]) if mos[1] != "-" else None
            if not near(shown, d["mos"], 2):
                err("%s: %s MOS %s, the report %r" % (where, side, mos[1], d["mos"]))
            for cell, reason in ((loss, "loss"), (jitter, "jitter"), (mos, "mos")):
                if bool(cell[0]) != (reason in d["reasons"]):
                    err("%s: %s %s marked %s, the report's reasons %r"
                        % (where, side, reason, "bad" if cell[0] else "fine",
                           d["reasons"]))
    index = open(os.path.join(folder, "index.html"), encoding="utf-8").read()
    m = re.search(r"<b>(\d+) impaired</b>", index)
    bad = sum(1 for c in calls if c["verdict"]["impaired"])
    if m is None or int(m.group(1)) != bad:
        err("evidence index: %s impaired, the report %d"
            % (m.group(1) if m else "no count", bad))


def check_view(calls, path):
    view = json.load(open(path))
    if len(view) != len(calls):
        err("view: %d calls, the report %d" % (len(view), len(calls)))
        return
    for c, row in zip(calls, view):
        where = "view, call %r" % c["call_id"]
        if row["call_id"] != c["call_id"]:
            err("%s: the view's call is %r" % (where, row["call_id"]))
            continue
        for side in SIDES:
            d, shown = c["verdict"][side], row[side]
            if shown["impaired"] != d["impaired"]:
                err("%s: %s impaired %r, the report %r"
                    % (where, side, shown["impaired"], d["impaired"]))
            for key in ("loss_pct", "mos", "jitter_ms"):
                text = shown[key]
                got = None if text == "-" else float(text)
                decimals = len(text.partition(".")[2])
                if not near(got, d[key], decimals):
                    err("%s: %s %s shows %s, the report %r"
                        % (where, side, key, text, d[key]))
            for reason in ("loss", "mos", "jitter"):
                red = shown["poor"][reason]
                if red != (reason in d["reasons"]):
                    err("%s: %s %s %s, the report's reasons %r"
                        % (where, side, reason, "red" if red else "not red",
                           d["reasons"]))


def query(url, db, q):
    data = urllib.parse.urlencode({"db": db, "q": q, "epoch": "ms"}).encode()
    with urllib.request.urlopen(url + "/query", data, timeout=30) as r:
        res = json.load(r)["results"][0]
    rows = []
    for s in res.get("series", []):
        for v in s["values"]:
            rows.append(dict(zip(s["columns"], v)))
    return rows


def check_points(calls, url, db):
    points = query(url, db, "SELECT * FROM vq_call")
    if len(points) != len(calls):
        err("vq_call: %d points, the report %d calls" % (len(points), len(calls)))
    by_id = {}
    for p in points:
        by_id.setdefault(p["call_id"], []).append(p)
    for c in calls:
        where = "vq_call %r" % c["call_id"]
        got = by_id.get(c["call_id"])
        if not got or len(got) > 1:
            if not got:
                err("%s: no point" % where)
            continue
        p, v = got[0], c["verdict"]
        if p.get("impaired") != v["impaired"]:
            err("%s: impaired %r, the report %r" % (where, p.get("impaired"), v["impaired"]))
        for side in SIDES:
            d = v[side]
            has_media = d["loss_pct"] is not None or d["mos"] is not None
            if has_media and p.get("impaired_" + side) != d["impaired"]:
                err("%s: impaired_%s %r, the report %r"
                    % (where, side, p.get("impaired_" + side), d["impaired"]))
            for key, field in (("loss_pct", "loss_pct_"), ("mos", "mos_"),
                               ("jitter_ms", "jitter_ms_")):
                if not near(p.get(field + side), d[key], 3):
                    err("%s: %s%s %r, the report %r"
                        % (where, field, side, p.get(field + side), d[key]))


def main(argv):
    report, table, evidence, view, url, db = argv[1:7]
    calls = json.load(open(report))["calls"]
    check_table(calls, table)
    check_evidence(calls, evidence)
    check_view(calls, view)
    check_points(calls, url, db)
    for p in problems:
        print("FAIL: " + p)
    print("%d calls, %d impaired: %s" % (
        len(calls), sum(1 for c in calls if c["verdict"]["impaired"]),
        "every output agrees" if not problems else "%d disagreements" % len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
