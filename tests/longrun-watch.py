#!/usr/bin/env python3
"""longrun-watch: a long run's memory, sampled as it goes.

    python3 tests/longrun-watch.py --calls N [--concurrent C] [--seconds D]
        [--at 10,50] -- VQPROBE-COMMAND...

Starts tests/capgen-longrun.py with --progress, pipes its capture into the
command (which should read "-r -"; its standard output goes to --stdout, by
default nowhere), and while both run reads the command's
VmRSS and VmHWM (/proc/PID/status) each time the generator passes one of
the --at percentages of its calls.  Prints one line per sample, then the
end: the command's peak RSS (from wait4, so nothing between two samples is
missed), its exit status and the wall time, as "key value" lines:

    at10 rss_kb 51234 hwm_kb 52000
    end hwm_kb 53000 status 0 wall_s 12.3

--at-probe P samples instead when the probe itself has ended P % of the
calls, as its info lines say ("interval ... ended_calls=N", which needs
"--log-level info" in the command): a probe that runs behind the generator
is then measured at its own progress, not at the generator's.  The
command's other standard error lines pass through.

Exits 0 when both processes exited 0.  Python 3 standard library only.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time


def status_kb(pid):
    """VmRSS and VmHWM of pid in kB, or None once it is gone."""
    rss = hwm = None
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
                elif line.startswith("VmHWM:"):
                    hwm = int(line.split()[1])
    except OSError:
        return None
    return rss, hwm


def read_progress(path):
    try:
        with open(path) as f:
            text = f.read().split()
    except OSError:
        return 0
    if not text:
        return 0
    return int(text[-1])


class EndedCalls(threading.Thread):
    """Sums the ended_calls of the probe's interval lines from its stderr."""

    def __init__(self, stream):
        super().__init__(daemon=True)
        self.stream = stream
        self.ended = 0

    def run(self):
        for line in self.stream:
            m = re.search(rb" interval .* ended_calls=(\d+)", line)
            if m:
                self.ended += int(m.group(1))
            else:
                sys.stderr.buffer.write(line)
                sys.stderr.flush()


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, required=True)
    ap.add_argument("--concurrent", type=int, default=200)
    ap.add_argument("--seconds", type=float, default=0.1)
    ap.add_argument("--at", default="10,50", help="percentages to sample at")
    ap.add_argument("--at-probe", default="",
                    help="percentages of calls the probe has ended to sample at")
    ap.add_argument("--progress", default=None, help="the generator's progress file")
    ap.add_argument("--long-call", action="store_true",
                    help="the generator's --long-call: one call up all along")
    ap.add_argument("--stdout", default=os.devnull,
                    help="where the command's standard output goes (default: nowhere)")
    ap.add_argument("command", nargs=argparse.REMAINDER)
    args = ap.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        ap.error("no command to run")
    here = os.path.dirname(os.path.abspath(__file__))
    progress = args.progress or os.path.join(tempfile.gettempdir(),
                                             "longrun-progress.%d" % os.getpid())
    points = sorted(int(p) for p in args.at.split(",") if p)

    started = time.monotonic()
    gen = subprocess.Popen([sys.executable, os.path.join(here, "capgen-longrun.py"),
                            "--calls", str(args.calls), "--concurrent",
                            str(args.concurrent), "--seconds", str(args.seconds),
                            "--progress", progress]
                           + (["--long-call"] if args.long_call else []),
                           stdout=subprocess.PIPE)
    probe_points = sorted(int(p) for p in args.at_probe.split(",") if p)
    with open(args.stdout, "wb") as out:
        probe = subprocess.Popen(command, stdin=gen.stdout, stdout=out,
                                 stderr=subprocess.PIPE if probe_points else None)
    gen.stdout.close()
    ended = None
    if probe_points:
        ended = EndedCalls(probe.stderr)
        ended.start()
    try:
        for pct in probe_points:
            want = args.calls * pct // 100
            while ended.ended < want and probe.poll() is None:
                time.sleep(0.05)
            kb = status_kb(probe.pid)
            if kb is None:
                break
            print("at%d rss_kb %d hwm_kb %d (the probe's progress)"
                  % (pct, kb[0], kb[1]), flush=True)
        for pct in points:
            want = args.calls * pct // 100
            while read_progress(progress) < want and gen.poll() is None:
                time.sleep(0.05)
            kb = status_kb(probe.pid)
            if kb is None:
                break
            print("at%d rss_kb %d hwm_kb %d" % (pct, kb[0], kb[1]), flush=True)
        gen_status = gen.wait()
        _, status, usage = os.wait4(probe.pid, 0)
        probe.returncode = os.waitstatus_to_exitcode(status)
        if ended is not None:
            ended.join(5)
    finally:
        for path in (progress, progress + ".new"):
            try:
                os.unlink(path)
            except OSError:
                pass
    print("end hwm_kb %d status %d wall_s %.1f"
          % (usage.ru_maxrss, probe.returncode, time.monotonic() - started), flush=True)
    return 0 if gen_status == 0 and probe.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
