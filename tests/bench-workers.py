#!/usr/bin/env python3
"""How vqprobe's reading of a file scales with its workers.

Makes (or takes) captures with tests/capgen-bench.py, then runs
`vqprobe -r FILE --no-tui --no-table --json FILE --workers N` for each N
of --workers, --runs times each, the worker counts in turn within each
round so that a passing load touches them all alike; the bare libpcap read
(tests/bench-read) runs in every round too, as the floor.  Prints one
markdown table per capture: wall time (median, min-max), packets per
second, speed-up over one worker (per round, then median and min-max) and
x bare read; writes every run and figure as JSON (--json).

Meant for a machine with many cores (the file series of `make bench` runs
on 2, where one worker is the default and more cannot help): with N
workers the probe has N + 2 threads (capture, workers, aggregator), so a
machine of C cores shows scaling up to N = C - 2 or so.  Workers beyond
the cores are still run and marked, since oversubscription is a
configuration users make.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def run(cmd):
    """Wall seconds of one run of cmd; its output is discarded."""
    t0 = time.monotonic()
    rc = subprocess.call(cmd, stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.monotonic() - t0
    if rc != 0:
        sys.exit("bench-workers: %s exited %d" % (" ".join(cmd), rc))
    return wall


def spread(values):
    return {"median": statistics.median(values), "min": min(values),
            "max": max(values)}


def fmt(s, digits=3):
    f = "%%.%df" % digits
    return (f + " (" + f + "–" + f + ")") % (s["median"], s["min"], s["max"])


def generate(path, calls, seconds, impair):
    cmd = [sys.executable, os.path.join(HERE, "capgen-bench.py"),
           "--calls", str(calls), "--seconds", str(seconds), "--out", path]
    if impair:
        cmd.append("--impair")
    out = subprocess.run(cmd, check=True, capture_output=True,
                         text=True).stdout
    # "FILE: N calls, D s, P packets (S SIP), B bytes"
    packets = int(out.split(" s, ")[1].split(" packets")[0])
    return packets, out.strip().splitlines()[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vqprobe", required=True)
    ap.add_argument("--bench-read", required=True)
    ap.add_argument("--workers", default="1 2 4 8 15",
                    help="worker counts (default: 1 2 4 8 15)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--captures", default="400x60 10000x5",
                    help="CALLSxSECONDS each, made by capgen-bench.py "
                    "(default: 400x60 10000x5); add i for impaired: 400x60i")
    ap.add_argument("--json", default="bench-workers.json")
    ap.add_argument("--tmp", default=None)
    args = ap.parse_args()
    if args.runs < 5:
        sys.exit("bench-workers: --runs %d: at least 5 make a median"
                 % args.runs)
    workers = [int(w) for w in args.workers.split()]
    cores = os.cpu_count() or 1
    tmp = tempfile.mkdtemp(prefix="vqprobe-scaling.", dir=args.tmp)
    result = {"command": " ".join(sys.argv), "cores": cores,
              "cpu_model": "", "workers": workers, "runs": args.runs,
              "captures": []}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    result["cpu_model"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    print("vqprobe scaling over workers; %d cores (%s); median of %d runs"
          " (min–max)\n" % (cores, result["cpu_model"], args.runs))
    try:
        for spec in args.captures.split():
            impair = spec.endswith("i")
            calls, seconds = spec.rstrip("i").split("x")
            path = os.path.join(tmp, "c%s.pcap" % spec)
            packets, made = generate(path, int(calls), float(seconds), impair)
            run([args.bench_read, path])        # into the page cache
            walls = {w: [] for w in workers}
            reads = []
            for _ in range(args.runs):
                reads.append(run([args.bench_read, path]))
                for w in workers:
                    walls[w].append(run([
                        args.vqprobe, "-r", path, "--no-tui", "--no-table",
                        "--workers", str(w), "--json",
                        os.path.join(tmp, "r.json")]))
            cap = {"capture": spec, "made": made, "packets": packets,
                   "bare_read_s": reads, "bare_read": spread(reads),
                   "points": []}
            print("**%s** (%d packets)\n" % (made, packets))
            print("| workers | wall s | packets/s | speed-up over 1 worker | "
                  "× bare read |")
            print("|---|---|---|---|---|")
            for w in workers:
                speedup = [a / b for a, b in zip(walls[workers[0]],
                                                  walls[w])]
                x_read = [a / b for a, b in zip(walls[w], reads)]
                wall = spread(walls[w])
                point = {"workers": w, "wall_s": walls[w],
                         "wall": wall, "speedup": spread(speedup),
                         "x_read": spread(x_read),
                         "packets_per_s": packets / wall["median"],
                         "oversubscribed": w + 2 > cores}
                cap["points"].append(point)
                print("| %d%s | %s | %s | %s | %s |" % (
                    w, " (more threads than cores)"
                    if point["oversubscribed"] else "", fmt(wall),
                    "{:,}".format(int(point["packets_per_s"])).replace(
                        ",", " "),
                    fmt(point["speedup"], 2), fmt(point["x_read"], 2)))
            print()
            result["captures"].append(cap)
            os.unlink(path)
    finally:
        for name in os.listdir(tmp):
            os.unlink(os.path.join(tmp, name))
        os.rmdir(tmp)
    with open(args.json, "w") as f:
        json.dump(result, f, indent=1)
    print("figures as JSON: %s" % args.json)


if __name__ == "__main__":
    main()
