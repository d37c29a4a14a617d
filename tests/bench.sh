#!/bin/sh
# make bench: how fast vqprobe reads, how much memory a call costs, and how
# many packets a second it captures live without dropping any.  Every
# figure read from a file is the median of BENCH_RUNS runs (default 5)
# with its spread (min-max): one run is not a figure, the same build's
# time on the same file varies by a factor of three on a busy machine.
#
#  1. Files.  Two captures of BENCH_CALLS concurrent G.711 calls (default
#     400) talking for BENCH_SECONDS (default 60), 2.4 million packets: a
#     clean one and an impaired one (capgen-bench.py --impair: random and
#     burst loss, jitter, reordering).  Once a file is in the page cache,
#     BENCH_RUNS rounds of vqprobe, bench-read (a bare libpcap loop that
#     touches every byte: the floor) and ndpiReader, taken in turn in the
#     same loop, so that each round's ratio to bench-read is of runs made
#     under the same load; tshark's RTP stream statistics in the first
#     BENCH_TSHARK_RUNS rounds (default 3: it takes 40 times as long).
#  2. Scale.  BENCH_SCALE concurrent calls (default 100 1000 10000), clean
#     and impaired, each file about BENCH_SCALE_PACKETS packets (default
#     2 000 000) but its calls at least BENCH_SCALE_MIN_SECONDS long
#     (default 5), so that the set-up is amortised: SIP under 2 % of the
#     packets.  vqprobe's time per packet, its peak RSS, the bytes each
#     stream costs over a one-call run, and the time per packet at the
#     most calls over that at the fewest.  With BENCH_SCALE_SPLIT=1 (the
#     default) each file has a twin with calls half as long, run as many
#     times: the two medians split the time into a cost per packet (the
#     slope) and a cost per call (set-up, hang-up, report: what is left),
#     which the time per packet of short calls mixes.
#  3. Live.  Root only: a network namespace of its own with a veth pair in
#     it, vqprobe capturing on one end.  (a) tcpreplay sends the clean file
#     into the other at rising rates (BENCH_RATES packets/s, `max` = as
#     fast as tcpreplay can, BENCH_RATE_SECONDS each).  (b) The ceiling:
#     trafgen (netsniff-ng) sends BENCH_CEILING_CALLS calls' set-up (50),
#     then their RTP at rising rates (BENCH_CEILING_RATES, trafgen's -b;
#     `max` = its TX_RING; BENCH_CEILING_SECONDS each, default 3) to
#     vqprobe --workers 1, until two rates in a row drop; once with each
#     kernel capture buffer of BENCH_CEILING_BUFFERS (`default` =
#     libpcap's, then 64 MiB).  After SIGTERM the report's
#     capture.kernel_drops (the capture socket's buffer overflowed: the
#     capture thread is the limit) and capture.probe_drops (the ring to
#     the worker was full: the worker is the limit) say who dropped.
#     Traffic never leaves that namespace, and the addresses are RFC
#     2544's benchmarking range (198.18.0.0/15).
#
# At the end the figures are printed as markdown tables under the command
# that made them, and written with every run's raw numbers, the machine
# and vqprobe's version as JSON to BENCH_JSON (default bench.json in the
# current folder).
#
# Run by `make bench` with VQPROBE, BENCH_READ, TOP_SRCDIR and PYTHON3 set;
# BENCH_LIVE=0 leaves the live series out.  Not part of make check.  Every
# tool missing is skipped with a message; so is a live series when not
# root, without ip(8), without its sender (tcpreplay, trafgen), or when
# vqprobe answers that live capture is not available in this build.
# Wall time is measured by python3 to the millisecond, peak RSS by GNU
# time (see measure below).  Scratch files go to a folder of TMPDIR that
# is removed at the end.
set -u

# The settings given, before the defaults fill in the rest: the command
# that reproduces this run.
given=$(env | grep '^BENCH_[A-Z_]*=' | grep -v '^BENCH_READ=' | sort)

TOP_SRCDIR=${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
VQPROBE=${VQPROBE:-$TOP_SRCDIR/vqprobe}
BENCH_READ=${BENCH_READ:-$TOP_SRCDIR/tests/bench-read}
PYTHON3=${PYTHON3:-$(command -v python3 || true)}
BENCH_RUNS=${BENCH_RUNS:-5}
BENCH_TSHARK_RUNS=${BENCH_TSHARK_RUNS:-3}
BENCH_ALLOW_FEW_RUNS=${BENCH_ALLOW_FEW_RUNS:-0}
BENCH_CALLS=${BENCH_CALLS:-400}
BENCH_SECONDS=${BENCH_SECONDS:-60}
BENCH_SCALE=${BENCH_SCALE:-100 1000 10000}
BENCH_SCALE_PACKETS=${BENCH_SCALE_PACKETS:-2000000}
BENCH_SCALE_MIN_SECONDS=${BENCH_SCALE_MIN_SECONDS:-5}
BENCH_SCALE_SPLIT=${BENCH_SCALE_SPLIT:-1}
BENCH_RATES=${BENCH_RATES:-50000 100000 200000 300000 max}
BENCH_RATE_SECONDS=${BENCH_RATE_SECONDS:-4}
BENCH_CEILING_CALLS=${BENCH_CEILING_CALLS:-50}
BENCH_CEILING_RATES=${BENCH_CEILING_RATES:-25000 50000 100000 150000 200000 300000 400000 600000 max}
BENCH_CEILING_BUFFERS=${BENCH_CEILING_BUFFERS:-default 64}
BENCH_CEILING_SECONDS=${BENCH_CEILING_SECONDS:-3}
BENCH_LIVE=${BENCH_LIVE:-1}
BENCH_JSON=${BENCH_JSON:-bench.json}

die() {
	echo "bench: $*" >&2
	exit 1
}

# whole NAME VALUE MIN: VALUE is a whole number of at least MIN.
whole() {
	case $2 in
	'' | *[!0-9]*) die "$1=$2: a whole number, please" ;;
	esac
	[ "$2" -ge "$3" ] || die "$1=$2: at least $3"
}

if [ -z "$PYTHON3" ] || [ ! -x "$PYTHON3" ]; then
	die "python3 not found"
fi
[ -x "$VQPROBE" ] || die "no vqprobe binary at $VQPROBE"
[ -x "$BENCH_READ" ] || die "no bench-read binary at $BENCH_READ"
whole BENCH_RUNS "$BENCH_RUNS" 1
whole BENCH_TSHARK_RUNS "$BENCH_TSHARK_RUNS" 1
whole BENCH_CALLS "$BENCH_CALLS" 1
whole BENCH_SCALE_PACKETS "$BENCH_SCALE_PACKETS" 1
whole BENCH_SCALE_MIN_SECONDS "$BENCH_SCALE_MIN_SECONDS" 1
whole BENCH_RATE_SECONDS "$BENCH_RATE_SECONDS" 1
whole BENCH_CEILING_CALLS "$BENCH_CEILING_CALLS" 1
whole BENCH_CEILING_SECONDS "$BENCH_CEILING_SECONDS" 1
for buffer in $BENCH_CEILING_BUFFERS; do
	[ "$buffer" = default ] || whole "BENCH_CEILING_BUFFERS's" "$buffer" 1
done
for calls in $BENCH_SCALE; do
	whole "BENCH_SCALE's" "$calls" 1
done
# Fewer than five runs make a median that one slow run can move.
if [ "$BENCH_RUNS" -lt 5 ] && [ "$BENCH_ALLOW_FEW_RUNS" != 1 ]; then
	die "BENCH_RUNS=$BENCH_RUNS: at least 5 runs make a figure" \
	    "(BENCH_ALLOW_FEW_RUNS=1 for a trial)"
fi
[ "$BENCH_TSHARK_RUNS" -le "$BENCH_RUNS" ] || BENCH_TSHARK_RUNS=$BENCH_RUNS
case $BENCH_JSON in
/*) ;;
*) BENCH_JSON=$(pwd)/$BENCH_JSON ;;
esac

work=$(mktemp -d "${TMPDIR:-/tmp}/vqprobe-bench.XXXXXX") || die "no scratch folder"
netns=""
live_pid=""

# Stop what this script started (by process id), remove the namespace it
# made (which takes its veth pair along) and the scratch folder.
cleanup() {
	if [ -n "$live_pid" ]; then
		kill "$live_pid" 2> /dev/null
		wait "$live_pid" 2> /dev/null
		live_pid=""
	fi
	if [ -n "$netns" ]; then
		ip netns delete "$netns" 2> /dev/null
		netns=""
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

# Every measurement and every fact about a capture is one JSON object a
# line in $records; summarise (at the end) makes the tables and the JSON
# file from them.
records=$work/records.jsonl
: > "$records"

# rec KEY=VALUE...: append a record.  Values that read as numbers are
# numbers, `null` is null, `-` alone is skipped.
cat > "$work/rec.py" << 'EOF'
import json
import sys

def value(text):
    if text == "null":
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text

out, pairs = sys.argv[1], sys.argv[2:]
record = {}
for pair in pairs:
    key, _, text = pair.partition("=")
    record[key] = value(text)
with open(out, "a") as f:
    f.write(json.dumps(record) + "\n")
EOF
rec() {
	"$PYTHON3" "$work/rec.py" "$records" "$@"
}

# measure LOG KEY=VALUE... -- CMD...: run CMD once, its output to LOG, and
# append a run record with the keys given (peak RSS among them); set rc and
# wall_s.  The
# wall clock is python3's, to the millisecond.  The peak RSS comes from
# GNU time (package time) when it is there: getrusage of a child counts
# the memory it had before exec, i.e. a copy of the python3 that forked
# it, which would hide how little a small program takes.
cat > "$work/measure.py" << 'EOF'
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

log_path, time_bin, records = sys.argv[1:4]
args = sys.argv[4:]
cut = args.index("--")
tags, cmd = args[:cut], args[cut + 1:]
rss_file = None
run = cmd
if time_bin:
    fd, rss_file = tempfile.mkstemp()
    os.close(fd)
    run = [time_bin, "-f", "%M", "-o", rss_file, "--"] + cmd
with open(log_path, "wb") as log:
    t0 = time.monotonic()
    rc = subprocess.call(run, stdin=subprocess.DEVNULL, stdout=log,
                         stderr=subprocess.STDOUT)
    wall = time.monotonic() - t0
rss_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
if rss_file:
    with open(rss_file) as f:
        lines = f.read().split()
    os.unlink(rss_file)
    rss_kb = int(lines[-1]) if lines and lines[-1].isdigit() else 0
record = dict(t.partition("=")[::2] for t in tags)
if "run" in record:
    record["run"] = int(record["run"])
record.update(kind="run", rc=rc, wall_s=round(wall, 4), rss_kb=rss_kb)
with open(records, "a") as f:
    f.write(json.dumps(record) + "\n")
print(rc, "%.3f" % wall, rss_kb)
EOF
gnu_time=""
if [ -x /usr/bin/time ] && /usr/bin/time -f %M -o /dev/stdout true 2> /dev/null |
    grep -q '^[0-9][0-9]*$'; then
	gnu_time=/usr/bin/time
else
	echo "bench: GNU time not found (apt-get install time): peak RSS below" \
	    "includes python3's own, some 10 MB" >&2
fi
measure() {
	log=$1
	shift
	# shellcheck disable=SC2046 # three numbers, meant to be split
	set -- $("$PYTHON3" "$work/measure.py" "$log" "$gnu_time" "$records" "$@")
	rc=${1:-127} wall_s=${2:-0}
}

# json_get FILE EXPR: a value from a vqprobe report (r is the report).
json_get() {
	"$PYTHON3" -c 'import json, sys
r = json.load(open(sys.argv[1]))
v = eval(sys.argv[2], {"r": r, "len": len, "min": min, "max": max})
print("null" if v is None else v)' "$1" "$2" 2> /dev/null || echo "?"
}

# generate FILE CALLS SECONDS NAME SECTION [--impair]: write a capture and
# record what it holds; set gen_packets and gen_sip.
generate() {
	gen_out=$("$PYTHON3" "$TOP_SRCDIR/tests/capgen-bench.py" --calls "$2" \
	    --seconds "$3" ${6:+"$6"} --out "$1") || die "capgen-bench.py failed"
	first=$(echo "$gen_out" | head -n 1)
	gen_packets=$(echo "$first" | sed -n 's/.* \([0-9]*\) packets (.*/\1/p')
	gen_sip=$(echo "$first" | sed -n 's/.* packets (\([0-9]*\) SIP).*/\1/p')
	if [ -z "$gen_packets" ] || [ -z "$gen_sip" ]; then
		die "capgen-bench.py said: $gen_out"
	fi
	impairment=$(echo "$gen_out" | sed -n 's/^impaired: //p')
	rec kind=capture name="$4" section="$5" calls="$2" seconds="$3" \
	    packets="$gen_packets" sip="$gen_sip" bytes="$(wc -c < "$1")" \
	    impairment="${impairment:-null}"
	echo "   ${first#"$work"/}"
	[ -z "$impairment" ] || echo "   impaired: $impairment"
	# Read it once, so that every run below finds it in the page cache.
	cat "$1" > /dev/null
}

# check_report JSON PACKETS CALLS NAME: say so when vqprobe missed
# something, so that a fast run that analysed less does not pass for a
# good one; the note goes into the JSON too.
check_report() {
	got=$(json_get "$1" '"%s %d %d" % (r["capture"]["packets"], len(r["calls"]), len(r["streams"]))')
	want="$2 $3 $(($3 * 2))"
	if [ "$got" != "$want" ]; then
		echo "   NOTE: vqprobe reported packets/calls/streams $got, the file has $want"
		rec kind=note capture="$4" \
		    note="vqprobe reported packets/calls/streams $got, the file has $want"
	fi
}

# tail_log NAME LOG: say that NAME failed and show the end of its log.
tail_log() {
	echo "   $1 exited $rc; its last lines:"
	tail -n 5 "$2" | sed 's/^/   | /'
}

# ---------------------------------------------------------------------------
# 1. Files: every tool, in turn, BENCH_RUNS rounds
# ---------------------------------------------------------------------------
have_tshark=0 have_ndpi=0
command -v tshark > /dev/null 2>&1 && have_tshark=1
command -v ndpiReader > /dev/null 2>&1 && have_ndpi=1
[ $have_tshark = 1 ] || echo "bench: tshark not found: skipped (apt-get install tshark)"
[ $have_ndpi = 1 ] ||
    echo "bench: ndpiReader not found: skipped (apt-get install libndpi-bin)"

# file_series NAME [--impair]: the capture and its rounds.
file_series() {
	name=$1
	file=$work/file-$name.pcap
	echo "== File, $name: $BENCH_CALLS calls x $BENCH_SECONDS s; $BENCH_RUNS rounds" \
	    "(tshark in the first $BENCH_TSHARK_RUNS)"
	generate "$file" "$BENCH_CALLS" "$BENCH_SECONDS" "$name" file ${2:+"$2"}
	packets=$gen_packets
	i=1
	while [ $i -le "$BENCH_RUNS" ]; do
		line="   round $i:"
		measure "$work/vqprobe.log" section=file capture="$name" tool=vqprobe \
		    run=$i -- "$VQPROBE" -r "$file" --no-tui --json "$work/vqprobe.json"
		[ "$rc" -eq 0 ] || { tail_log vqprobe "$work/vqprobe.log"; die "vqprobe failed"; }
		line="$line vqprobe $wall_s s"
		[ $i -gt 1 ] || check_report "$work/vqprobe.json" "$packets" "$BENCH_CALLS" "$name"
		vq_s=$wall_s
		measure "$work/bench-read.log" section=file capture="$name" tool=bench-read \
		    run=$i -- "$BENCH_READ" "$file"
		[ "$rc" -eq 0 ] || { tail_log bench-read "$work/bench-read.log"; die "bench-read failed"; }
		line="$line, bench-read $wall_s s (vqprobe x$(awk -v a="$vq_s" -v b="$wall_s" \
		    'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'))"
		if [ $have_ndpi = 1 ]; then
			# -q: no per-flow output, the same work.
			measure "$work/ndpiReader.log" section=file capture="$name" \
			    tool=ndpiReader run=$i -- ndpiReader -q -i "$file"
			if [ "$rc" -eq 0 ]; then
				line="$line, ndpiReader $wall_s s"
			else
				tail_log ndpiReader "$work/ndpiReader.log"
			fi
		fi
		if [ $have_tshark = 1 ] && [ $i -le "$BENCH_TSHARK_RUNS" ]; then
			measure "$work/tshark.log" section=file capture="$name" tool=tshark \
			    run=$i -- tshark -q -z rtp,streams -r "$file"
			if [ "$rc" -eq 0 ]; then
				line="$line, tshark $wall_s s"
			else
				tail_log tshark "$work/tshark.log"
			fi
		fi
		echo "$line"
		i=$((i + 1))
	done
	echo
}
file_series clean
# The clean file stays for the live series.
bench=$work/file-clean.pcap
bench_packets=$packets
file_series impaired --impair
rm -f "$work/file-impaired.pcap"

# ---------------------------------------------------------------------------
# 2. Scale: more concurrent calls, set-up amortised
# ---------------------------------------------------------------------------
echo "== Scale: concurrent calls, ~$BENCH_SCALE_PACKETS packets each," \
    "calls at least $BENCH_SCALE_MIN_SECONDS s long; $BENCH_RUNS runs each"
tiny=$work/tiny.pcap
generate "$tiny" 1 1 one-call baseline
i=1
while [ $i -le "$BENCH_RUNS" ]; do
	measure "$work/tiny.log" section=baseline capture=one-call tool=vqprobe run=$i -- \
	    "$VQPROBE" -r "$tiny" --no-tui --json "$work/tiny.json"
	[ "$rc" -eq 0 ] || die "vqprobe failed on a one-call capture"
	i=$((i + 1))
done
for calls in $BENCH_SCALE; do
	# 2 directions x 50 packets a second per call.
	seconds=$(awk -v p="$BENCH_SCALE_PACKETS" -v c="$calls" -v m="$BENCH_SCALE_MIN_SECONDS" \
	    'BEGIN { s = p / (100 * c); if (s < m) s = m; printf "%g", s }')
	half=$(awk -v s="$seconds" 'BEGIN { printf "%g", s / 2 }')
	for name in clean impaired; do
		impair="" impaired=0
		[ $name = clean ] || impair=--impair impaired=1
		for part in full half; do
			[ $part = full ] || [ "$BENCH_SCALE_SPLIT" = 1 ] || continue
			tag=scale-$calls-$name section=scale secs=$seconds
			[ $part = full ] || tag=$tag-half section=scale-half secs=$half
			file=$work/$tag.pcap
			generate "$file" "$calls" "$secs" "$tag" $section "$impair"
			share=$(awk -v s="$gen_sip" -v p="$gen_packets" \
			    'BEGIN { printf "%.2f", 100 * s / p }')
			line="   $calls calls, $name, $secs s, SIP $share % of the packets; ns/packet:"
			i=1
			while [ $i -le "$BENCH_RUNS" ]; do
				measure "$work/scale.log" section=$section capture="$tag" \
				    calls="$calls" impaired=$impaired \
				    tool=vqprobe run=$i -- "$VQPROBE" -r "$file" --no-tui \
				    --json "$work/scale.json"
				if [ "$rc" -ne 0 ]; then
					tail_log vqprobe "$work/scale.log"
					break
				fi
				[ $i -gt 1 ] || check_report "$work/scale.json" "$gen_packets" \
				    "$calls" "$tag"
				line="$line $(awk -v w="$wall_s" -v p="$gen_packets" \
				    'BEGIN { printf "%.0f", w * 1e9 / p }')"
				i=$((i + 1))
			done
			echo "$line"
			rm -f "$file"
		done
	done
done
echo

# ---------------------------------------------------------------------------
# 3. Live: a veth pair inside a network namespace of our own
# ---------------------------------------------------------------------------

# descendants PID: the process ids under PID, children first.
descendants() {
	for child in $(cat /proc/"$1"/task/*/children 2> /dev/null); do
		echo "$child"
		descendants "$child"
	done
}

# capturing PID: whether PID or a process under it holds a packet socket,
# i.e. libpcap has opened the interface.  /proc/PID/net is the network
# namespace PID lives in.
capturing() {
	for p in "$1" $(descendants "$1"); do
		for inode in $(for fd in /proc/"$p"/fd/*; do
			readlink "$fd" 2> /dev/null
		done | sed -n 's/^socket:\[\([0-9]*\)\]$/\1/p'); do
			awk -v i="$inode" 'NR > 1 && $9 == i { found = 1 }
			    END { exit !found }' /proc/"$1"/net/packet 2> /dev/null &&
			    return 0
		done
	done
	return 1
}

# probe_start JSON LOG ARGS...: start vqprobe on the probe's end of the
# veth pair and wait until it captures; 0 when it does, 1 when it did not
# (its log says why), 2 when this build cannot capture live.
probe_start() {
	json=$1 log=$2
	shift 2
	ip netns exec "$netns" "$VQPROBE" -i vqb-probe --no-tui --json "$json" "$@" \
	    > "$log" 2>&1 &
	live_pid=$!
	n=0
	until capturing "$live_pid"; do
		n=$((n + 1))
		if [ $n -gt 100 ] || ! kill -0 "$live_pid" 2> /dev/null; then
			probe_stop
			# A build without live capture says so and exits 2.
			grep -q "not available" "$log" && return 2
			echo "   vqprobe did not start capturing:"
			tail -n 5 "$log" | sed 's/^/   | /'
			return 1
		fi
		sleep 0.1
	done
	sleep 0.3
	return 0
}

# probe_stop: let the probe drain what is queued, then stop it as an
# operator would, with SIGTERM.
probe_stop() {
	[ -n "$live_pid" ] || return 0
	sleep 1
	kill -TERM "$live_pid" 2> /dev/null
	n=0
	while kill -0 "$live_pid" 2> /dev/null && [ $n -lt 100 ]; do
		n=$((n + 1))
		sleep 0.1
	done
	if kill -0 "$live_pid" 2> /dev/null; then
		echo "   vqprobe did not exit within 10 s of SIGTERM"
		kill -KILL "$live_pid" 2> /dev/null
	fi
	wait "$live_pid" 2> /dev/null
	live_pid=""
}

# drops_of JSON: set captured, kdrops and pdrops from a live report.
drops_of() {
	# shellcheck disable=SC2046 # three values, meant to be split
	set -- $(json_get "$1" \
	    '"%s %s %s" % (r["capture"]["packets"], r["capture"]["kernel_drops"], r["capture"]["probe_drops"])')
	captured=${1:-?} kdrops=${2:-?} pdrops=${3:-?}
}

# who_dropped: which part of the probe the drops point at.
who_dropped() {
	if [ "$kdrops" != 0 ] && [ "$pdrops" != 0 ]; then
		echo "both: kernel buffer and worker ring"
	elif [ "$kdrops" != 0 ]; then
		echo "kernel buffer full: capture thread"
	elif [ "$pdrops" != 0 ]; then
		echo "worker ring full: the worker"
	fi
}

# 3a. tcpreplay: the clean file at rising rates.
live_tcpreplay() {
	if ! command -v tcpreplay > /dev/null 2>&1; then
		echo "== Live, tcpreplay: skipped: tcpreplay not found (apt-get install tcpreplay)"
		rec kind=skip section=live-tcpreplay why="tcpreplay not found"
		return 0
	fi
	echo "== Live, tcpreplay: the clean file into a veth pair, vqprobe -i on its peer," \
	    "${BENCH_RATE_SECONDS} s per rate, one run per rate"
	printf '   %10s %10s %10s %10s %13s %12s  %s\n' "asked pps" "sent pps" \
	    sent captured kernel_drops probe_drops verdict
	for rate in $BENCH_RATES; do
		if [ "$rate" = max ]; then
			limit=$((300000 * BENCH_RATE_SECONDS))
			pace=--topspeed
		else
			limit=$((rate * BENCH_RATE_SECONDS))
			pace=--pps=$rate
		fi
		[ "$limit" -le "$bench_packets" ] || limit=$bench_packets
		json=$work/live-$rate.json
		probe_start "$json" "$work/live-$rate.log"
		case $? in
		1) return 0 ;;
		2) return 2 ;;
		esac
		ip netns exec "$netns" tcpreplay -i vqb-send "$pace" --limit="$limit" "$bench" \
		    > "$work/tcpreplay-$rate.log" 2>&1
		sent=$(sed -n 's/^Actual: \([0-9]*\) packets.*/\1/p' "$work/tcpreplay-$rate.log")
		sent_pps=$(sed -n 's/^Rated:.* \([0-9.]*\) pps.*/\1/p' "$work/tcpreplay-$rate.log")
		if [ -z "$sent" ] || [ -z "$sent_pps" ]; then
			echo "   tcpreplay did not say what it sent at $rate pps:"
			tail -n 5 "$work/tcpreplay-$rate.log" | sed 's/^/   | /'
			sent="?" sent_pps=0
		fi
		probe_stop
		if [ ! -s "$json" ]; then
			echo "   no report from vqprobe at $rate pps:"
			tail -n 5 "$work/live-$rate.log" | sed 's/^/   | /'
			continue
		fi
		drops_of "$json"
		# Clean: no drop counted, and every packet sent was captured (the
		# veth itself may drop when its backlog overflows: that shows as
		# fewer).
		if [ "$kdrops" != 0 ] || [ "$pdrops" != 0 ]; then
			verdict="drops ($(who_dropped))"
		elif [ "$captured" != "$sent" ]; then
			verdict="$captured of $sent captured"
		else
			verdict=clean
		fi
		printf '   %10s %10.0f %10s %10s %13s %12s  %s\n' "$rate" "${sent_pps:-0}" \
		    "$sent" "$captured" "$kdrops" "$pdrops" "$verdict"
		rec kind=live series=tcpreplay asked="$rate" sent_pps="$sent_pps" sent="$sent" \
		    captured="$captured" kernel_drops="$kdrops" probe_drops="$pdrops" \
		    verdict="$verdict" \
		    command="tcpreplay -i IFACE $pace --limit=$limit FILE; vqprobe -i IFACE --no-tui --json FILE"
	done
	echo
	return 0
}

# 3b. trafgen: the ceiling of one worker.  capgen-bench.py --trafgen
# writes the calls' set-up as a pcap (trafgen sends it, slowly) and their
# media as a trafgen configuration: coherent RTP of the calls the SDP
# announced, so the probe does its full work per packet.  Each stream's
# packets come as fast as the rate asks, not every 20 ms: the jitter it
# reports is that of the pace, not of a network.  trafgen's rate (-b) is
# what it aims at; what arrived is measured by the capture's clock.
live_ceiling() {
	if ! command -v trafgen > /dev/null 2>&1; then
		echo "== Live, ceiling: skipped: trafgen not found (apt-get install netsniff-ng)"
		rec kind=skip section=live-ceiling why="trafgen not found"
		return 0
	fi
	setup=$work/ceiling-setup.pcap
	cfg=$work/ceiling.cfg
	gen_out=$("$PYTHON3" "$TOP_SRCDIR/tests/capgen-bench.py" \
	    --calls "$BENCH_CEILING_CALLS" --trafgen "$cfg" --out "$setup") ||
	    die "capgen-bench.py --trafgen failed"
	setup_packets=$(echo "$gen_out" | sed -n "s/.*set-up, \([0-9]*\) SIP messages.*/\1/p")
	for buffer in $BENCH_CEILING_BUFFERS; do
		ceiling_series "$buffer" || return $?
	done
	return 0
}

# ceiling_series BUFFER: one series of rates with the kernel buffer
# BUFFER MiB (`default`: libpcap's), until two rates in a row drop.
ceiling_series() {
	buffer=$1
	if [ "$buffer" = default ]; then
		buffer_opt=""
	else
		buffer_opt="-B $buffer"
	fi
	echo "== Live, ceiling: trafgen, $BENCH_CEILING_CALLS calls' set-up then their RTP" \
	    "at rising rates, vqprobe -i --workers 1${buffer_opt:+ $buffer_opt}" \
	    "(kernel buffer: $buffer${buffer_opt:+ MiB}), ${BENCH_CEILING_SECONDS} s per rate"
	printf '   %10s %10s %10s %10s %13s %12s  %s\n' "trafgen -b" "sent pps" \
	    sent captured kernel_drops probe_drops verdict
	# --no-sock-mem: leave the system's socket memory settings alone
	# (the namespace cannot change them anyway).  -P 1: one process, so
	# that the streams' packets go in order.  TX_RING when no rate is
	# asked, sendto(2) at a rate.
	tg="trafgen --no-sock-mem -P 1 -C -o vqb-send"
	highest="" first_drop="" limiter="" dropping=0
	for rate in $BENCH_CEILING_RATES; do
		if [ "$rate" = max ]; then
			limit=$((1000000 * BENCH_CEILING_SECONDS))
			pace=""
		else
			limit=$((rate * BENCH_CEILING_SECONDS))
			pace="-b ${rate}pps"
		fi
		json=$work/ceiling-$rate.json
		# shellcheck disable=SC2086 # options, meant to be split
		probe_start "$json" "$work/ceiling-$rate.log" --workers 1 $buffer_opt
		case $? in
		1) return 0 ;;
		2) return 2 ;;
		esac
		# trafgen does not always leave at SIGTERM: timeout sends KILL.
		# shellcheck disable=SC2086 # options, meant to be split
		ip netns exec "$netns" timeout -s KILL 60 $tg -i "$setup" -t 20us \
		    > "$work/trafgen-setup.log" 2>&1
		# shellcheck disable=SC2086
		ip netns exec "$netns" timeout -s KILL $((BENCH_CEILING_SECONDS * 10 + 120)) \
		    $tg -i "$cfg" -n "$limit" $pace > "$work/trafgen-$rate.log" 2>&1
		# trafgen starts its last lines with a carriage return.
		sent=$(tr -d '\r' < "$work/trafgen-$rate.log" |
		    sed -n 's/^ *\([0-9][0-9]*\) packets outgoing.*/\1/p')
		probe_stop
		if [ -z "$sent" ] || [ ! -s "$json" ]; then
			echo "   no figures at $rate; trafgen's and vqprobe's last lines:"
			tail -n 3 "$work/trafgen-$rate.log" "$work/ceiling-$rate.log" | sed 's/^/   | /'
			continue
		fi
		drops_of "$json"
		# The rate achieved: RTP packets sent over the time from the
		# first to the last one captured, by the capture's clock.
		span=$(json_get "$json" \
		    'max(s["end"] for s in r["streams"]) - min(s["start"] for s in r["streams"])')
		sent_pps=$(awk -v n="$sent" -v s="$span" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }')
		total=$((sent + setup_packets))
		calls_seen=$(json_get "$json" 'len(r["calls"])')
		if [ "$kdrops" != 0 ] || [ "$pdrops" != 0 ]; then
			verdict="drops ($(who_dropped))"
		elif [ "$captured" != "$total" ]; then
			verdict="$captured of $total captured"
		elif [ "$calls_seen" != "$BENCH_CEILING_CALLS" ]; then
			verdict="$calls_seen of $BENCH_CEILING_CALLS calls seen"
		else
			verdict=clean
		fi
		printf '   %10s %10s %10s %10s %13s %12s  %s\n' "$rate" "$sent_pps" \
		    "$total" "$captured" "$kdrops" "$pdrops" "$verdict"
		rec kind=live series=ceiling buffer="$buffer" asked="$rate" sent_pps="$sent_pps" \
		    sent="$total" captured="$captured" kernel_drops="$kdrops" \
		    probe_drops="$pdrops" calls="$calls_seen" verdict="$verdict" \
		    command="trafgen --no-sock-mem -P 1 -C -o IFACE -i CFG -n $limit${pace:+ $pace}; vqprobe -i IFACE --workers 1${buffer_opt:+ $buffer_opt} --no-tui --json FILE"
		case $verdict in
		clean)
			dropping=0
			highest=$sent_pps
			;;
		drops*)
			if [ -z "$first_drop" ]; then
				first_drop=$sent_pps
				limiter=$(who_dropped)
			fi
			dropping=$((dropping + 1))
			# Two in a row: not a blip from something else on the machine.
			[ $dropping -lt 2 ] || break
			;;
		esac
	done
	rec kind=ceiling buffer="$buffer" calls="$BENCH_CEILING_CALLS" \
	    highest_clean_pps="${highest:-null}" first_drop_pps="${first_drop:-null}" \
	    limiter="${limiter:-null}"
	if [ -n "$first_drop" ]; then
		echo "   One worker first dropped at $first_drop packets/s ($limiter);" \
		    "highest rate without a drop: ${highest:-none below it}"
	else
		echo "   No drop up to ${highest:-?} packets/s: the sender was the limit"
	fi
	echo
	return 0
}

# live: both series, or why not.
live() {
	if [ "$BENCH_LIVE" != 1 ]; then
		live_skip "BENCH_LIVE=$BENCH_LIVE"
		return
	fi
	if [ "$(id -u)" -ne 0 ]; then
		live_skip "needs root (a namespace, a veth pair, capture)"
		return
	fi
	if ! command -v ip > /dev/null 2>&1; then
		live_skip "ip not found (apt-get install iproute2)"
		return
	fi
	if ! command -v tcpreplay > /dev/null 2>&1 && ! command -v trafgen > /dev/null 2>&1; then
		live_skip "neither tcpreplay nor trafgen found (apt-get install tcpreplay netsniff-ng)"
		return
	fi
	netns=vqbench$$
	if ! ip netns add "$netns" 2> "$work/netns.log"; then
		netns=""
		live_skip "cannot make a network namespace: $(cat "$work/netns.log")"
		return
	fi
	# No IPv6 in the namespace: the veths would send router and neighbour
	# solicitations of their own, and every packet captured should be ours.
	ip netns exec "$netns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
	    net.ipv6.conf.default.disable_ipv6=1 > /dev/null 2>&1
	if ! ip -n "$netns" link add vqb-send type veth peer name vqb-probe ||
	    ! ip -n "$netns" link set vqb-send up ||
	    ! ip -n "$netns" link set vqb-probe up; then
		live_skip "cannot make a veth pair in the namespace"
		return
	fi
	live_tcpreplay
	if [ $? -eq 2 ]; then
		live_skip "$(head -n 1 "$work"/live-*.log)"
		return
	fi
	live_ceiling
	if [ $? -eq 2 ]; then
		live_skip "$(head -n 1 "$work"/ceiling-*.log)"
		return
	fi
}

live_skip() {
	echo "== Live series skipped: $*"
	echo
	rec kind=skip section=live why="$*"
}

live

# ---------------------------------------------------------------------------
# The tables and the JSON file
# ---------------------------------------------------------------------------
cat > "$work/summarise.py" << 'EOF'
"""Make the markdown tables and the JSON file from the records."""
import json
import os
import platform
import shlex
import statistics
import sys
import time

records_path, json_path, version, how, given, settings_text = sys.argv[1:7]
# The command, with the settings that were given to it.
command = " ".join(["%s=%s" % (g.partition("=")[0], shlex.quote(g.partition("=")[2]))
                    for g in given.split("\n") if g] + [how])
records = [json.loads(line) for line in open(records_path)]


def spread(values):
    """Median, min and max of values (None when there are none)."""
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values),
            "max": max(values), "n": len(values)}


def fmt(s, digits):
    """'median (min–max)' of a spread."""
    if s is None:
        return "–"
    f = "%%.%df" % digits
    text = f % s["median"]
    if s["n"] > 1:
        text += " (" + f % s["min"] + "–" + f % s["max"] + ")"
    return text


def thousands(n):
    return "{:,}".format(int(round(n))).replace(",", " ")


def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


runs = [r for r in records if r["kind"] == "run" and r["rc"] == 0]
captures = {r["name"]: r for r in records if r["kind"] == "capture"}
notes = [r for r in records if r["kind"] == "note"]
settings = dict(p.partition("=")[::2] for p in settings_text.split("\n") if p)
machine = {"nproc": os.cpu_count(), "cpu_model": cpu_model(),
           "kernel": "%s %s" % (platform.system(), platform.release()),
           "kernel_version": platform.version(),
           "load_average_at_end": list(os.getloadavg())}
out = {"vqprobe_version": version, "command": command, "settings": settings,
       "machine": machine, "finished": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
       "notes": [n["note"] + " (" + n["capture"] + ")" for n in notes]}
md = []
md.append("```sh")
md.append(command)
md.append("```")
md.append("")
md.append("vqprobe %s; %d × %s; %s. Median of the runs (min–max in brackets)."
          % (version, machine["nproc"], machine["cpu_model"], machine["kernel"]))
md.append("")

# 1. Files.
tool_names = {"bench-read": "bare libpcap read (`tests/bench-read`)",
              "vqprobe": "vqprobe (full analysis, JSON report)",
              "ndpiReader": "`ndpiReader -q`",
              "tshark": "`tshark -q -z rtp,streams`"}
tool_commands = {"bench-read": "tests/bench-read FILE",
                 "vqprobe": "vqprobe -r FILE --no-tui --json FILE",
                 "ndpiReader": "ndpiReader -q -i FILE",
                 "tshark": "tshark -q -z rtp,streams -r FILE"}
out["files"] = []
for name in ("clean", "impaired"):
    cap = captures.get(name)
    if cap is None:
        continue
    mine = [r for r in runs if r.get("section") == "file" and r["capture"] == name]
    reads = {r["run"]: r["wall_s"] for r in mine if r["tool"] == "bench-read"}
    entry = {"capture": cap, "tools": {},
             "made_by": "capgen-bench.py --calls %d --seconds %g%s --out FILE"
             % (cap["calls"], cap["seconds"], " --impair" if cap["impairment"] else "")}
    tshark_runs = len([r for r in mine if r["tool"] == "tshark"])
    md.append("**%s file**: %s packets, %d calls × %g s%s; page cache warm; the tools "
              "in turn in each round, and each round's time over its bare read%s."
              % (name.capitalize(), thousands(cap["packets"]), cap["calls"],
                 cap["seconds"], ", " + cap["impairment"] if cap["impairment"] else "",
                 "; tshark in %d of the %d rounds only (it is slow)"
                 % (tshark_runs, len(reads))
                 if tshark_runs and tshark_runs < len(reads) else ""))
    md.append("")
    md.append("| tool | runs | wall s | × bare read (per run) | packets/s | peak RSS MB |")
    md.append("|---|---|---|---|---|---|")
    for tool in ("bench-read", "vqprobe", "ndpiReader", "tshark"):
        tr = sorted((r for r in mine if r["tool"] == tool), key=lambda r: r["run"])
        if not tr:
            continue
        raw = [{"run": r["run"], "wall_s": r["wall_s"], "rss_kb": r["rss_kb"],
                "x_read": (r["wall_s"] / reads[r["run"]]
                           if reads.get(r["run"]) else None)} for r in tr]
        wall = spread([r["wall_s"] for r in tr])
        ratio = spread([x["x_read"] for x in raw if x["x_read"] is not None])
        rss = spread([r["rss_kb"] / 1024 for r in tr])
        pps = cap["packets"] / wall["median"] if wall["median"] > 0 else None
        entry["tools"][tool] = {"command": tool_commands[tool], "runs": raw, "wall_s": wall, "x_read": ratio,
                                "rss_mb": rss, "packets_per_s": pps}
        md.append("| %s | %d | %s | %s | %s | %s |"
                  % (tool_names[tool], len(tr), fmt(wall, 3), fmt(ratio, 2),
                     thousands(pps) if pps else "–", fmt(rss, 1)))
    out["files"].append(entry)
    md.append("")

# 2. Scale.
base = spread([r["rss_kb"] for r in runs if r.get("section") == "baseline"])
points = []
for r in records:
    if r["kind"] != "capture" or r["section"] != "scale":
        continue
    mine = sorted((x for x in runs if x.get("section") == "scale"
                   and x["capture"] == r["name"]), key=lambda x: x["run"])
    ns = spread([x["wall_s"] * 1e9 / r["packets"] for x in mine])
    rss = spread([x["rss_kb"] / 1024 for x in mine])
    per_stream = None
    if base and rss:
        per_stream = (rss["median"] * 1024 - base["median"]) * 1024 / (2 * r["calls"])
    points.append({"calls": r["calls"], "impaired": r["name"].endswith("-impaired"),
                   "command": tool_commands["vqprobe"],
                   "made_by": "capgen-bench.py --calls %d --seconds %g%s --out FILE"
                   % (r["calls"], r["seconds"], " --impair" if r["impairment"] else ""),
                   "capture": r, "sip_share_pct": 100.0 * r["sip"] / r["packets"],
                   "runs": [{"run": x["run"], "wall_s": x["wall_s"], "rss_kb": x["rss_kb"],
                             "ns_per_packet": x["wall_s"] * 1e9 / r["packets"]}
                            for x in mine],
                   "ns_per_packet": ns, "rss_mb": rss, "bytes_per_stream": per_stream})
out["scale"] = {"baseline_rss_kb": base, "points": points, "ratios": {}}
if points:
    md.append("**Concurrent calls**: one-call baseline peak RSS %s MB."
              % fmt(spread([b / 1024 for b in
                            [r["rss_kb"] for r in runs if r.get("section") == "baseline"]]), 1))
    md.append("")
    md.append("| calls | capture | media s | packets | SIP share | ns/packet | peak RSS MB | bytes/stream |")
    md.append("|---|---|---|---|---|---|---|---|")
    for p in points:
        share = "%.2f %%" % p["sip_share_pct"]
        if p["sip_share_pct"] >= 2:
            share += " (over 2 %: set-up not amortised)"
        md.append("| %s | %s | %g | %s | %s | %s | %s | %s |"
                  % (thousands(p["calls"]), "impaired" if p["impaired"] else "clean",
                     p["capture"]["seconds"], thousands(p["capture"]["packets"]), share,
                     fmt(p["ns_per_packet"], 0), fmt(p["rss_mb"], 1),
                     thousands(p["bytes_per_stream"]) if p["bytes_per_stream"] else "–"))
    md.append("")
    for impaired in (False, True):
        mine = [p for p in points if p["impaired"] == impaired and p["ns_per_packet"]]
        if len(mine) < 2:
            continue
        lo = min(mine, key=lambda p: p["calls"])
        hi = max(mine, key=lambda p: p["calls"])
        a, b = lo["ns_per_packet"], hi["ns_per_packet"]
        ratio = {"calls": [lo["calls"], hi["calls"]], "median": b["median"] / a["median"],
                 "min": b["min"] / a["max"], "max": b["max"] / a["min"]}
        out["scale"]["ratios"]["impaired" if impaired else "clean"] = ratio
        md.append("ns/packet at %s calls over that at %s, %s: %.2f (%.2f–%.2f from the spreads)."
                  % (thousands(hi["calls"]), thousands(lo["calls"]),
                     "impaired" if impaired else "clean",
                     ratio["median"], ratio["min"], ratio["max"]))
    if out["scale"]["ratios"]:
        md.append("")

# The split: the same calls for half as long.  Two medians make a line,
# time = start + per_packet * packets + per_call * calls, where start is
# the one-call run's time (a process's start and end, whatever the file);
# the spread is the line's through the two files' fastest and slowest runs.
start_s = spread([r["wall_s"] for r in runs if r.get("section") == "baseline"])
start_s = start_s["median"] if start_s else 0.0
split = []
for p in points:
    name = p["capture"]["name"] + "-half"
    cap = next((r for r in records if r["kind"] == "capture" and r["name"] == name), None)
    walls = [x["wall_s"] for x in runs if x.get("section") == "scale-half"
             and x["capture"] == name]
    if cap is None or not walls or not p["runs"]:
        continue
    full_w = spread([x["wall_s"] for x in p["runs"]])
    half_w = spread(walls)
    dp = p["capture"]["packets"] - cap["packets"]
    if dp <= 0:
        continue
    def line(tf, th):
        slope = (tf - th) / dp
        return slope * 1e9, (th - start_s - slope * cap["packets"]) * 1e6 / p["calls"]
    med = line(full_w["median"], half_w["median"])
    lo = line(full_w["min"], half_w["max"])
    hi = line(full_w["max"], half_w["min"])
    split.append({"calls": p["calls"], "impaired": p["impaired"],
                  "half_capture": cap, "half_runs": walls,
                  "ns_per_packet": {"median": med[0], "n": len(walls), "min": min(lo[0], hi[0]),
                                    "max": max(lo[0], hi[0])},
                  "us_per_call": {"median": med[1], "n": len(walls), "min": min(lo[1], hi[1]),
                                  "max": max(lo[1], hi[1])}})
out["scale"]["split"] = split
out["scale"]["start_s"] = start_s
if split:
    md.append("**Cost per packet and per call**: each file above against its twin "
              "with calls half as long (same calls, same seed), medians of the runs, "
              "less the one-call run's %.3f s (starting and ending the process); "
              "the spread is that of the line through the two files' extreme runs."
              % start_s)
    md.append("")
    md.append("| calls | capture | half: media s, packets | ns/packet, marginal | µs/call |")
    md.append("|---|---|---|---|---|")
    for x in split:
        md.append("| %s | %s | %g, %s | %s | %s |"
                  % (thousands(x["calls"]), "impaired" if x["impaired"] else "clean",
                     x["half_capture"]["seconds"], thousands(x["half_capture"]["packets"]),
                     fmt(x["ns_per_packet"], 0), fmt(x["us_per_call"], 1)))
    md.append("")
    for impaired in (False, True):
        mine = [x for x in split if x["impaired"] == impaired]
        if len(mine) < 2:
            continue
        lo = min(mine, key=lambda x: x["calls"])
        hi = max(mine, key=lambda x: x["calls"])
        md.append("Marginal ns/packet at %s calls over that at %s, %s: %.2f."
                  % (thousands(hi["calls"]), thousands(lo["calls"]),
                     "impaired" if impaired else "clean",
                     hi["ns_per_packet"]["median"] / lo["ns_per_packet"]["median"]))
    md.append("")

# 3. Live.
live = {"skipped": [{"section": r["section"], "why": r["why"]}
                    for r in records if r["kind"] == "skip"]}
def live_table(rows, first):
    """The markdown rows of one live series."""
    md.append("")
    md.append("| %s | sent pps | sent | captured | kernel drops | probe drops | verdict |" % first)
    md.append("|---|---|---|---|---|---|---|")
    for r in rows:
        md.append("| %s | %s | %s | %s | %s | %s | %s |"
                  % (r["asked"] if r["asked"] == "max" else thousands(r["asked"]),
                     thousands(r["sent_pps"]) if isinstance(r["sent_pps"], (int, float)) else "?",
                     r["sent"], r["captured"], r["kernel_drops"], r["probe_drops"],
                     r["verdict"]))
    md.append("")


rows = [r for r in records if r["kind"] == "live" and r["series"] == "tcpreplay"]
live["tcpreplay"] = rows
if rows:
    md.append("**Live, tcpreplay**: the clean file into a veth pair, `vqprobe -i`, "
              "one run a rate:")
    live_table(rows, "asked pps")
live["ceiling"] = []
for c in (r for r in records if r["kind"] == "ceiling"):
    rows = [r for r in records if r["kind"] == "live" and r["series"] == "ceiling"
            and r["buffer"] == c["buffer"]]
    live["ceiling"].append({"result": c, "rows": rows})
    buffer = ("libpcap's default kernel buffer" if c["buffer"] == "default"
              else "`-B %s` (MiB of kernel buffer)" % c["buffer"])
    md.append("**Live, ceiling of one worker**: trafgen, %d calls, `--workers 1`, %s; "
              "one run a rate:" % (c["calls"], buffer))
    live_table(rows, "trafgen -b")
    if c["first_drop_pps"] is not None:
        md.append("First drop at %s packets/s (%s); highest rate without a drop: %s."
                  % (thousands(c["first_drop_pps"]), c["limiter"],
                     thousands(c["highest_clean_pps"]) + " packets/s"
                     if c["highest_clean_pps"] else "none of those tried"))
    else:
        md.append("No drop up to %s packets/s: the sender, not the probe, was the limit."
                  % (thousands(c["highest_clean_pps"]) if c["highest_clean_pps"] else "?"))
    md.append("")
for s in live["skipped"]:
    md.append("Live (%s) skipped: %s." % (s["section"], s["why"]))
out["live"] = live
if out["notes"]:
    md.append("Notes: " + "; ".join(out["notes"]) + ".")
    md.append("")

with open(json_path + ".tmp", "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
os.rename(json_path + ".tmp", json_path)
print("\n".join(md).rstrip())
EOF

if [ -n "${MAKELEVEL:-}" ]; then
	how="make bench"
else
	how="sh tests/bench.sh"
fi
settings=$(for v in BENCH_RUNS BENCH_TSHARK_RUNS BENCH_CALLS BENCH_SECONDS BENCH_SCALE \
    BENCH_SCALE_PACKETS BENCH_SCALE_MIN_SECONDS BENCH_SCALE_SPLIT BENCH_RATES BENCH_RATE_SECONDS \
    BENCH_CEILING_CALLS BENCH_CEILING_RATES BENCH_CEILING_BUFFERS BENCH_CEILING_SECONDS \
    BENCH_LIVE; do
	eval "echo \"$v=\$$v\""
done)
version=$("$VQPROBE" --version 2> /dev/null | head -n 1 | sed 's/^vqprobe //')
echo "== The figures (markdown), also in $BENCH_JSON"
echo
"$PYTHON3" "$work/summarise.py" "$records" "$BENCH_JSON" "${version:-unknown}" \
    "$how" "$given" "$settings" || die "could not summarise"
