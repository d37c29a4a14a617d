#!/usr/bin/env python3
"""Checks of grafana/ for tests/grafana.test.

  check-grafana.py schema SCHEMA DASHBOARD...
      Validate each dashboard JSON against the JSON schema (draft-07).
  check-grafana.py structure GRAFANA_DIR
      The provisioning files and dashboards hold what Grafana needs and
      agree with each other (uids, data source, queries' macros).
  check-grafana.py promql GRAFANA_DIR PROM_URL PROBE...
      Run every PromQL expression of the dashboards for Prometheus against
      the Prometheus at PROM_URL, now, with all the PROBEs selected and
      Grafana's range macros set to 5m; each must return a number (NaN
      is no data).  The probe variable must list every PROBE.
  check-grafana.py range URL DB
      Print the first and the last timestamp (epoch ms) of vqprobe's
      points in DB.
  check-grafana.py queries GRAFANA_DIR URL DB FROM_MS TO_MS PROBE... \\
          [--firing RULE:LABEL=VALUE[,...]]... [--quiet RULE:LABEL=VALUE...]...
      Run every InfluxQL query of the dashboards and alert rules against
      the InfluxDB 1.x at URL, with Grafana's macros replaced as Grafana
      would for the absolute time range FROM_MS..TO_MS (epoch ms) and all
      the PROBEs selected; each must parse and return data.  The alert
      rules' reduce and threshold expressions are then applied to their
      query's answer: --firing names an alert instance (its labels) that
      must fire, --quiet one that must not.

Exit status: 0 all good, 1 a check failed, 77 a Python module is missing.
"""

import glob
import json
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request

PROBLEMS = []
URL_DB = [None, None]

# What the dashboards' queries must contain, and what Grafana puts there.
PROBE_FILTER = '"probe" =~ /^$probe$/'
PROM_PROBE_FILTER = 'probe=~"$probe"'
PROM_VARIABLE = "label_values(vqprobe_captured_packets_total, probe)"
EXPR_UID = "__expr__"


def problem(where, what):
    PROBLEMS.append("%s: %s" % (where, what))


def load_yaml(path):
    try:
        import yaml
    except ImportError:
        print("SKIP: python3 yaml module missing (Debian python3-yaml)")
        sys.exit(77)
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def is_prometheus(dash):
    """A dashboard for a Prometheus data source (its probe variable's)."""
    for var in dash.get("templating", {}).get("list", []):
        if var.get("name") == "probe":
            return (var.get("datasource") or {}).get("type") == "prometheus"
    return False


def dashboards(grafana, prometheus=False):
    """(file name, dashboard) of the InfluxQL ones, or the Prometheus ones."""
    out = []
    for path in sorted(glob.glob(os.path.join(grafana, "dashboards", "*.json"))):
        with open(path, encoding="utf-8") as f:
            dash = json.load(f)
        if is_prometheus(dash) == prometheus:
            out.append((os.path.basename(path), dash))
    return out


def all_panels(dash):
    """Every panel, those inside rows included."""
    for panel in dash.get("panels", []):
        yield panel
        for inner in panel.get("panels", []) if panel.get("type") == "row" else []:
            yield inner


def dashboard_queries(name, dash):
    """(where, query) of every InfluxQL query of a dashboard."""
    for var in dash.get("templating", {}).get("list", []):
        if var.get("type") == "query":
            yield "%s variable %s" % (name, var["name"]), var.get("query", "")
    for panel in all_panels(dash):
        for target in panel.get("targets", []):
            yield ("%s panel %r %s" % (name, panel.get("title"), target.get("refId")),
                   target.get("query", ""))


def rules(grafana):
    """(file, group, rule) of every alert rule."""
    for path in sorted(glob.glob(os.path.join(grafana, "provisioning", "alerting", "*.yaml"))):
        doc = load_yaml(path) or {}
        for group in doc.get("groups") or []:
            for rule in group.get("rules") or []:
                yield os.path.basename(path), group, rule


# ------------------------------------------------------------------ schema
def closest(error):
    """The errors worth showing for one schema error.  A panel is one of
    two kinds (oneOf: panel or row): show the errors of the kind it came
    closest to, rather than the whole panel."""
    if not error.context:
        return [error]
    branches = {}
    for e in error.context:
        branches.setdefault(e.relative_schema_path[0], []).append(e)
    best = min(branches.values(), key=len)
    return [x for e in best for x in closest(e)]


def cmd_schema(schema_path, paths):
    try:
        import jsonschema
    except ImportError:
        print("SKIP: python3 jsonschema module missing (Debian python3-jsonschema)")
        return 77
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    validator = jsonschema.Draft7Validator(schema)
    for path in paths:
        with open(path, encoding="utf-8") as f:
            dash = json.load(f)
        errors = []
        for e in validator.iter_errors(dash):
            errors += closest(e)
        errors.sort(key=lambda e: [str(p) for p in e.absolute_path])
        for e in errors[:10]:
            problem(os.path.basename(path), "/%s: %s" % (
                "/".join(str(p) for p in e.absolute_path), e.message[:200]))
        if len(errors) > 10:
            problem(os.path.basename(path), "%d more schema errors" % (len(errors) - 10))
    return report("%d dashboard(s) valid against the schema" % len(paths))


# --------------------------------------------------------------- structure
def check_datasource(grafana):
    path = os.path.join(grafana, "provisioning", "datasources", "vqprobe.yaml")
    doc = load_yaml(path) or {}
    where = "datasources/vqprobe.yaml"
    if doc.get("apiVersion") != 1:
        problem(where, "apiVersion is not 1")
    sources = doc.get("datasources") or []
    influx = [s for s in sources if s.get("type") == "influxdb"]
    if len(influx) != 1:
        problem(where, "%d InfluxDB data sources, not 1" % len(influx))
        return None
    ds = influx[0]
    for key in ("name", "uid", "url", "access"):
        if not ds.get(key):
            problem(where, "no %s" % key)
    if not ds.get("database") and not (ds.get("jsonData") or {}).get("dbName"):
        problem(where, "no database")
    if (ds.get("jsonData") or {}).get("version", "InfluxQL") != "InfluxQL":
        problem(where, "not an InfluxQL data source")
    if "$VQPROBE_INFLUX_URL" not in str(ds.get("url")):
        problem(where, "url does not come from $VQPROBE_INFLUX_URL")
    if "$VQPROBE_INFLUX_DB" not in str(ds.get("database")):
        problem(where, "database does not come from $VQPROBE_INFLUX_DB")
    return ds.get("uid")


def check_provider(grafana):
    path = os.path.join(grafana, "provisioning", "dashboards", "vqprobe.yaml")
    doc = load_yaml(path) or {}
    where = "dashboards/vqprobe.yaml"
    if doc.get("apiVersion") != 1:
        problem(where, "apiVersion is not 1")
    providers = doc.get("providers") or []
    if not providers:
        problem(where, "no providers")
    for p in providers:
        if p.get("type") != "file":
            problem(where, "provider %r is not of type file" % p.get("name"))
        if not p.get("name"):
            problem(where, "a provider has no name")
        dest = (p.get("options") or {}).get("path", "")
        if not str(dest).startswith("/"):
            problem(where, "provider %r: options.path %r is not absolute"
                    % (p.get("name"), dest))


def check_variable(name, dash, ds_uid):
    probe = [v for v in dash.get("templating", {}).get("list", []) if v.get("name") == "probe"]
    if len(probe) != 1:
        problem(name, "no single template variable 'probe'")
        return
    var = probe[0]
    if var.get("type") != "query" or not var.get("multi") or not var.get("includeAll"):
        problem(name, "variable probe: not a multi-value query variable with All")
    if (var.get("datasource") or {}).get("uid") != ds_uid:
        problem(name, "variable probe: not on data source %s" % ds_uid)
    if not re.match(r'SHOW TAG VALUES FROM "?vq_probe"? WITH KEY = "probe"$',
                    var.get("query", "")):
        problem(name, "variable probe: unexpected query %r" % var.get("query"))


def overlap(a, b):
    return (a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"]
            and a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"])


def panel_targets(name, dash, ds_uid):
    """Check what every dashboard must be (a fixed uid, a title, panels
    with distinct ids that do not overlap, each on the data source with a
    query) and yield (where, target) for each query of each panel."""
    if not re.match(r"^[A-Za-z0-9_-]{8,40}$", str(dash.get("uid"))):
        problem(name, "uid %r is not a fixed 8 to 40 character uid" % dash.get("uid"))
    if not dash.get("title"):
        problem(name, "no title")
    ids, boxes = set(), []
    for panel in all_panels(dash):
        title = panel.get("title")
        if panel.get("id") in ids:
            problem(name, "panel id %s used twice" % panel.get("id"))
        ids.add(panel.get("id"))
        box = panel.get("gridPos")
        if box:
            for other_title, other in boxes:
                if overlap(box, other):
                    problem(name, "panels %r and %r overlap" % (title, other_title))
            boxes.append((title, box))
        if panel.get("type") == "row":
            continue
        if (panel.get("datasource") or {}).get("uid") != ds_uid:
            problem(name, "panel %r: not on data source %s" % (title, ds_uid))
        targets = panel.get("targets") or []
        if not targets:
            problem(name, "panel %r: no query" % title)
        for t in targets:
            where = "panel %r %s" % (title, t.get("refId"))
            if (t.get("datasource") or {}).get("uid") != ds_uid:
                problem(name, "%s: not on data source %s" % (where, ds_uid))
            yield where, t


def check_dashboard(name, dash, ds_uid):
    check_variable(name, dash, ds_uid)
    for where, t in panel_targets(name, dash, ds_uid):
        if t.get("rawQuery") is not True:
            problem(name, "%s: not a raw InfluxQL query" % where)
        query = t.get("query", "")
        if "$timeFilter" not in query:
            problem(name, "%s: no $timeFilter" % where)
        if PROBE_FILTER not in query:
            problem(name, "%s: no %s" % (where, PROBE_FILTER))
        if "GROUP BY time(" in query and "GROUP BY time($__interval)" not in query:
            problem(name, "%s: groups by a fixed time, not $__interval" % where)


def check_rules(grafana, ds_uid):
    uids, titles, count = set(), set(), 0
    for path in sorted(glob.glob(os.path.join(grafana, "provisioning", "alerting", "*.yaml"))):
        doc = load_yaml(path) or {}
        if doc.get("apiVersion") != 1:
            problem(os.path.basename(path), "apiVersion is not 1")
        if not doc.get("groups"):
            problem(os.path.basename(path), "no groups")
    for fname, group, rule in rules(grafana):
        count += 1
        where = "%s rule %r" % (fname, rule.get("uid"))
        for key in ("name", "folder", "interval"):
            if not group.get(key):
                problem(where, "its group has no %s" % key)
        for key in ("uid", "title", "condition", "data", "for", "labels", "annotations"):
            if key not in rule:
                problem(where, "no %s" % key)
        uid = str(rule.get("uid"))
        if uid in uids:
            problem(where, "uid used twice")
        if not re.match(r"^[A-Za-z0-9_-]{1,40}$", uid):
            problem(where, "uid is not 1 to 40 letters, digits, - or _")
        uids.add(uid)
        if rule.get("title") in titles:
            problem(where, "title used twice")
        titles.add(rule.get("title"))
        if not re.match(r"^\d+[smh]$", str(rule.get("for"))):
            problem(where, "for %r is not a duration" % rule.get("for"))
        if not (rule.get("annotations") or {}).get("summary"):
            problem(where, "no summary annotation")
        refs = {}
        for item in rule.get("data") or []:
            ref = item.get("refId")
            model = item.get("model") or {}
            if not ref or ref in refs:
                problem(where, "a query without refId, or two with %r" % ref)
            refs[ref] = item
            if model.get("refId") != ref:
                problem(where, "%s: model.refId differs" % ref)
            if item.get("datasourceUid") == EXPR_UID:
                if model.get("type") not in ("reduce", "threshold", "math", "classic_conditions"):
                    problem(where, "%s: unknown expression type %r" % (ref, model.get("type")))
                continue
            if item.get("datasourceUid") != ds_uid:
                problem(where, "%s: datasourceUid %r is not %s"
                        % (ref, item.get("datasourceUid"), ds_uid))
            rtr = item.get("relativeTimeRange") or {}
            if not isinstance(rtr.get("from"), int) or rtr.get("from", 0) <= 0:
                problem(where, "%s: no relativeTimeRange.from" % ref)
            if model.get("rawQuery") is not True or "$timeFilter" not in model.get("query", ""):
                problem(where, "%s: not a raw InfluxQL query with $timeFilter" % ref)
            if "$probe" in model.get("query", ""):
                problem(where, "%s: uses the dashboards' $probe variable" % ref)
        for ref, item in refs.items():
            expr = (item.get("model") or {}).get("expression")
            if item.get("datasourceUid") == EXPR_UID and expr not in refs:
                problem(where, "%s: reads %r, which is not a query of the rule" % (ref, expr))
        if rule.get("condition") not in refs:
            problem(where, "condition %r is not a refId" % rule.get("condition"))
    if count == 0:
        problem("alerting", "no rules")
    return count


# The alert rules that carry the probe's verdict: uid -> (the constant of
# metrics/verdict.h, the comparison that verdict.c makes with it).
VERDICT_RULES = {
    "vqprobe-mos-low": ("VERDICT_MOS", "lt"),
    "vqprobe-loss-high": ("VERDICT_LOSS_PCT", "gte"),
    "vqprobe-jitter-high": ("VERDICT_JITTER_MS", "gt"),
}


# Panels coloured by the verdict's bands: title -> (colour, constant).
VERDICT_PANELS = {
    "MOS per direction": (("yellow", "VERDICT_MOS"),
                          ("green", "VERDICT_MOS_GOOD")),
    "Packet loss per direction": (("red", "VERDICT_LOSS_PCT"),),
    "Jitter per direction": (("yellow", "VERDICT_JITTER_FAIR_MS"),
                             ("red", "VERDICT_JITTER_MS")),
}


def check_verdict_rules(grafana):
    """The quality rules alert where the probe's verdict says impaired."""
    header = os.path.join(grafana, os.pardir, "metrics", "verdict.h")
    try:
        text = open(header).read()
    except OSError as e:
        problem("verdict", "cannot read %s: %s" % (header, e))
        return
    consts = dict((m.group(1), float(m.group(2))) for m in re.finditer(
        r"^#define\s+(VERDICT_\w+)\s+([0-9.]+)", text, re.M))
    seen = set()
    for fname, _group, rule in rules(grafana):
        want = VERDICT_RULES.get(rule.get("uid"))
        if want is None:
            continue
        seen.add(rule["uid"])
        where = "%s rule %r" % (fname, rule["uid"])
        name, kind = want
        for item in rule.get("data") or []:
            model = item.get("model") or {}
            if model.get("type") != "threshold":
                continue
            ev = model["conditions"][0]["evaluator"]
            if ev.get("type") != kind or name not in consts or \
                    float(ev["params"][0]) != consts[name]:
                problem(where, "threshold %s %r, the verdict's is %s %r"
                        % (ev.get("type"), ev.get("params"), kind,
                           consts.get(name)))
    for uid in sorted(set(VERDICT_RULES) - seen):
        problem("alerting", "no rule %r for the verdict" % uid)
    # The dashboards colour by the verdict's bands: the step where a
    # panel turns red (and yellow, for MOS and jitter) is its constant.
    for name, dash in dashboards(grafana):
        for panel in all_panels(dash):
            want = VERDICT_PANELS.get(panel.get("title"))
            if want is None:
                continue
            steps = {s.get("color"): s.get("value") for s in
                     panel["fieldConfig"]["defaults"]["thresholds"]["steps"]}
            for color, const in want:
                if steps.get(color) != consts.get(const):
                    problem("%s panel %r" % (name, panel["title"]),
                            "%s from %r, the verdict's %s is %r"
                            % (color, steps.get(color), const,
                               consts.get(const)))


def check_prom_datasource(grafana):
    path = os.path.join(grafana, "provisioning", "datasources", "vqprobe-prometheus.yaml")
    where = "datasources/vqprobe-prometheus.yaml"
    if not os.path.exists(path):
        problem(where, "missing")
        return None
    doc = load_yaml(path) or {}
    if doc.get("apiVersion") != 1:
        problem(where, "apiVersion is not 1")
    sources = [s for s in doc.get("datasources") or [] if s.get("type") == "prometheus"]
    if len(sources) != 1:
        problem(where, "%d Prometheus data sources, not 1" % len(sources))
        return None
    ds = sources[0]
    for key in ("name", "uid", "url", "access"):
        if not ds.get(key):
            problem(where, "no %s" % key)
    if "$VQPROBE_PROMETHEUS_URL" not in str(ds.get("url")):
        problem(where, "url does not come from $VQPROBE_PROMETHEUS_URL")
    return ds.get("uid")


def check_prom_dashboard(name, dash, ds_uid):
    """A Prometheus dashboard: fixed uid, a probe variable from vqprobe's
    metrics, every query PromQL on the data source, filtered on $probe."""
    var = [v for v in dash["templating"]["list"] if v.get("name") == "probe"][0]
    if var.get("type") != "query" or not var.get("multi") or not var.get("includeAll"):
        problem(name, "variable probe: not a multi-value query variable with All")
    if (var.get("datasource") or {}).get("uid") != ds_uid:
        problem(name, "variable probe: not on data source %s" % ds_uid)
    if var.get("query") != PROM_VARIABLE:
        problem(name, "variable probe: unexpected query %r" % var.get("query"))
    for where, t in panel_targets(name, dash, ds_uid):
        expr = t.get("expr", "")
        if not expr:
            problem(name, "%s: no PromQL expression" % where)
        names = re.findall(r"\b(vqprobe_[a-z_]+)\{", expr) + \
            re.findall(r"\{__name__=~", expr)
        if expr.count(PROM_PROBE_FILTER) < len(names):
            problem(name, "%s: a selector without %s" % (where, PROM_PROBE_FILTER))
        if re.search(r"\[\d+[smhd]\]", expr):
            problem(name, "%s: a fixed range, not $__rate_interval or $__range" % where)


def cmd_structure(grafana):
    ds_uid = check_datasource(grafana)
    check_provider(grafana)
    dash_uids = {}
    prom = dashboards(grafana, prometheus=True)
    prom_uid = check_prom_datasource(grafana) if prom else None
    for name, dash in prom:
        check_prom_dashboard(name, dash, prom_uid)
        uid = dash.get("uid")
        if uid in dash_uids:
            problem(name, "uid %r also in %s" % (uid, dash_uids[uid]))
        dash_uids[uid] = name
    for name, dash in dashboards(grafana):
        check_dashboard(name, dash, ds_uid)
        uid = dash.get("uid")
        if uid in dash_uids:
            problem(name, "uid %r also in %s" % (uid, dash_uids[uid]))
        dash_uids[uid] = name
    if not dash_uids:
        problem("dashboards", "none")
    count = check_rules(grafana, ds_uid)
    check_verdict_rules(grafana)
    return report("data source %s, %d dashboard(s), %d alert rule(s)"
                  % (ds_uid, len(dash_uids), count))


# ----------------------------------------------------------------- queries
def influx_query(url, db, query):
    params = urllib.parse.urlencode({"db": db, "q": query, "epoch": "ms"})
    req = urllib.request.Request(url + "/query?" + params, data=b"", method="POST")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.load(r)
    except urllib.error.HTTPError as e:
        return {"error": "HTTP %d: %s" % (
            e.code, e.read().decode("utf-8", "replace").strip()[:300])}
    except (OSError, ValueError) as e:
        return {"error": str(e)}


def regex_escape(value):
    """Grafana's escaping of a variable's value inside an InfluxQL regex."""
    return re.sub(r"([\\^$*+?.()|{}\[\]/])", r"\\\1", value)


def expand_others(query, dash):
    """A dashboard's other variables (such as $site) with All selected:
    their allValue, as Grafana puts it in (a regex matching every value)."""
    for var in dash.get("templating", {}).get("list", []):
        if var.get("name") != "probe" and var.get("allValue") is not None:
            query = query.replace("${%s}" % var["name"], var["allValue"])
            query = re.sub(r"\$%s\b" % re.escape(var["name"]), lambda m: var["allValue"], query)
    return query


def expand(query, from_ms, to_ms, probes):
    """Grafana's macros for an absolute range and all probes selected."""
    values = [regex_escape(p) for p in probes]
    probe = values[0] if len(values) == 1 else "(" + "|".join(values) + ")"
    query = query.replace("$timeFilter", "time >= %dms and time <= %dms" % (from_ms, to_ms))
    for macro in ("$__interval", "$interval"):
        query = query.replace(macro, "10s")
    return query.replace("${probe}", probe).replace("$probe", probe)


def answer_series(where, query, answer):
    """The series of an answer; a problem if it holds an error or no data."""
    if "error" in answer:
        problem(where, "%s\n    query: %s" % (answer["error"], query))
        return []
    results = answer.get("results") or [{}]
    if "error" in results[0]:
        problem(where, "%s\n    query: %s" % (results[0]["error"], query))
        return []
    series = results[0].get("series") or []
    with_data = [s for s in series
                 if any(v is not None for row in s.get("values") or [] for v in row[1:])]
    if not with_data:
        problem(where, "no data%s\n    query: %s" % (unknown_keys(query), query))
    return series


KEYS = None


def unknown_keys(query):
    """', not in the database: KEY...' for the quoted names of a query
    (aliases aside) that are no measurement, tag key or field key there."""
    global KEYS
    if KEYS is None:
        KEYS = set()
        for q in ("SHOW MEASUREMENTS", "SHOW FIELD KEYS", "SHOW TAG KEYS"):
            answer = influx_query(URL_DB[0], URL_DB[1], q)
            for s in (answer.get("results") or [{}])[0].get("series") or []:
                KEYS.add(s.get("name"))
                KEYS.update(row[0] for row in s.get("values") or [])
    names = {m.group(1) for m in re.finditer(r'"([^"]*)"', query)
             if not query[:m.start()].endswith("AS ")}
    unknown = sorted(names - KEYS)
    return ", not in the database: " + ", ".join(unknown) if unknown else ""


REDUCERS = {
    "last": lambda v: v[-1], "mean": lambda v: sum(v) / len(v),
    "min": min, "max": max, "sum": sum, "count": len,
}


def evaluate(rule, series_of):
    """Apply a rule's expressions to its queries' series: {labels: firing}."""
    values = {}
    for item in rule["data"]:
        model, ref = item["model"], item["refId"]
        if item.get("datasourceUid") != EXPR_UID:
            values[ref] = series_of[ref]
            continue
        source = values[model["expression"]]
        if model["type"] == "reduce":
            out = {}
            for labels, points in source.items():
                points = [p for p in points if p is not None]
                if points or (model.get("settings") or {}).get("mode") != "dropNN":
                    out[labels] = REDUCERS[model["reducer"]](points) if points else None
            values[ref] = out
        elif model["type"] == "threshold":
            ev = model["conditions"][0]["evaluator"]
            kind, params = ev["type"], ev["params"]
            test = {"gt": lambda x: x > params[0], "lt": lambda x: x < params[0],
                    "gte": lambda x: x >= params[0], "lte": lambda x: x <= params[0],
                    "within_range": lambda x: params[0] < x < params[1],
                    "outside_range": lambda x: x < params[0] or x > params[1]}[kind]
            values[ref] = {labels: x is not None and test(x) for labels, x in source.items()}
        else:
            raise ValueError("expression type %r not handled" % model["type"])
    return values[rule["condition"]]


def parse_instance(text):
    uid, _, labels = text.partition(":")
    return uid, frozenset(tuple(kv.split("=", 1)) for kv in labels.split(",") if kv)


def cmd_queries(grafana, url, db, from_ms, to_ms, args):
    probes, expect = [], []
    while args:
        arg = args.pop(0)
        if arg in ("--firing", "--quiet"):
            expect.append((arg == "--firing",) + parse_instance(args.pop(0)))
        else:
            probes.append(arg)
    URL_DB[:] = [url, db]
    count = 0
    for name, dash in dashboards(grafana):
        for where, query in dashboard_queries(name, dash):
            count += 1
            q = expand(expand_others(query, dash), from_ms, to_ms, probes)
            series = answer_series(where, q, influx_query(url, db, q))
            if where.endswith("variable probe"):
                found = {row[1] for s in series for row in s.get("values") or []}
                for p in probes:
                    if p not in found:
                        problem(where, "probe %r not listed" % p)
    firing = {}
    for fname, _group, rule in rules(grafana):
        series_of = {}
        for item in rule["data"]:
            if item.get("datasourceUid") == EXPR_UID:
                continue
            count += 1
            where = "%s rule %s %s" % (fname, rule["uid"], item["refId"])
            q = expand(item["model"]["query"], from_ms, to_ms, probes)
            found = {}
            for s in answer_series(where, q, influx_query(url, db, q)):
                labels = frozenset((s.get("tags") or {}).items())
                found[labels] = [row[1] for row in s.get("values") or []]
            series_of[item["refId"]] = found
        if len(series_of) == len([d for d in rule["data"] if d.get("datasourceUid") != EXPR_UID]):
            result = evaluate(rule, series_of)
            firing[rule["uid"]] = result
            for labels, fires in sorted(result.items(), key=lambda kv: sorted(kv[0])):
                print("  %-24s %-40s %s" % (rule["uid"], ",".join(
                    "%s=%s" % kv for kv in sorted(labels)), "FIRING" if fires else "ok"))
    for want, uid, labels in expect:
        result = firing.get(uid, {})
        matches = [fires for lab, fires in result.items() if labels <= lab]
        text = "%s:%s" % (uid, ",".join("%s=%s" % kv for kv in sorted(labels)))
        if not matches:
            problem("alert " + text, "no such alert instance")
        elif want and not any(matches):
            problem("alert " + text, "does not fire")
        elif not want and any(matches):
            problem("alert " + text, "fires")
    return report("%d queries answered with data" % count)


def prom_query(url, expr):
    """The answer of an instant PromQL query: [(labels, value)], or a
    problem text."""
    params = urllib.parse.urlencode({"query": expr})
    try:
        with urllib.request.urlopen(url + "/api/v1/query?" + params, timeout=30) as r:
            answer = json.load(r)
    except urllib.error.HTTPError as e:
        return "HTTP %d: %s" % (e.code, e.read().decode("utf-8", "replace")[:300])
    except (OSError, ValueError) as e:
        return str(e)
    if answer.get("status") != "success":
        return str(answer)[:300]
    data = answer["data"]
    if data["resultType"] == "scalar":
        return [({}, float(data["result"][1]))]
    if data["resultType"] != "vector":
        return "a %s, not a vector" % data["resultType"]
    return [(r["metric"], float(r["value"][1])) for r in data["result"]]


def cmd_promql(grafana, url, probes):
    import math
    probe = "(" + "|".join(regex_escape(p) for p in probes) + ")"
    count = 0
    for name, dash in dashboards(grafana, prometheus=True):
        for var in dash["templating"]["list"]:
            if var.get("name") != "probe":
                continue
            count += 1
            found = prom_query(url, "count by (probe) (vqprobe_captured_packets_total)")
            listed = {m.get("probe") for m, _ in found} if isinstance(found, list) else set()
            for p in probes:
                if p not in listed:
                    problem("%s variable probe" % name, "probe %r not listed" % p)
        for panel in all_panels(dash):
            for t in panel.get("targets") or []:
                count += 1
                where = "%s panel %r %s" % (name, panel.get("title"), t.get("refId"))
                expr = t.get("expr", "").replace("$probe", probe)
                for macro in ("$__rate_interval", "$__range", "$__interval"):
                    expr = expr.replace(macro, "5m")
                answer = prom_query(url, expr)
                if not isinstance(answer, list):
                    problem(where, "%s\n    query: %s" % (answer, expr))
                elif not any(math.isfinite(v) for _, v in answer):
                    problem(where, "no data\n    query: %s" % expr)
                else:
                    print("  %-60s %d series" % (where[:60], len(answer)))
    if count == 0:
        problem("dashboards", "none for Prometheus")
    return report("%d PromQL expressions answered with data" % count)


def cmd_range(url, db):
    query = 'SELECT * FROM /^vq_/ ORDER BY time %s LIMIT 1'
    times = []
    for order in ("ASC", "DESC"):
        answer = influx_query(url, db, query % order)
        series = (answer.get("results") or [{}])[0].get("series") or []
        times += [s["values"][0][0] for s in series if s.get("values")]
    if not times:
        print("FAIL: no vq_ point in %s: %s" % (db, json.dumps(answer)[:300]))
        return 1
    print(min(times), max(times))
    return 0


def report(success):
    for p in PROBLEMS:
        print("FAIL: " + p)
    if PROBLEMS:
        return 1
    print("ok: " + success)
    return 0


def main(argv):
    if len(argv) >= 3 and argv[1] == "schema":
        return cmd_schema(argv[2], argv[3:])
    if len(argv) == 3 and argv[1] == "structure":
        return cmd_structure(argv[2])
    if len(argv) >= 5 and argv[1] == "promql":
        return cmd_promql(argv[2], argv[3], argv[4:])
    if len(argv) == 4 and argv[1] == "range":
        return cmd_range(argv[2], argv[3])
    if len(argv) >= 7 and argv[1] == "queries":
        return cmd_queries(argv[2], argv[3], argv[4], int(argv[5]), int(argv[6]), argv[7:])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
