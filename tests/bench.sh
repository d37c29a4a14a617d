#!/bin/sh
# make bench: how fast vqprobe reads, how much memory a call costs, and how
# many packets a second it captures live without dropping any.
#
#  1. Files.  A capture of BENCH_CALLS concurrent G.711 calls (default 400)
#     talking for BENCH_SECONDS (default 60): 2.4 million packets.  Once
#     the file is in the page cache, one run each of vqprobe, bench-read (a
#     bare libpcap loop that touches every byte: the floor), tshark's RTP
#     stream statistics and ndpiReader; wall time, peak RSS, packets per
#     second, and how many times bench-read's time each took.
#  2. Scale.  100, 1 000 and 10 000 concurrent calls (BENCH_SCALE), each
#     file about BENCH_SCALE_PACKETS packets (default 1 000 000): vqprobe's
#     time per packet, its peak RSS, and the bytes each active stream costs
#     (peak RSS less that of a one-call capture, over 2 x calls streams).
#  3. Live.  Root only: a network namespace of its own with a veth pair in
#     it; vqprobe captures on one end while tcpreplay sends the file into
#     the other at rising rates (BENCH_RATES packets/s, `max` = as fast as
#     tcpreplay can, BENCH_RATE_SECONDS each); after SIGTERM the report's
#     capture.kernel_drops and capture.probe_drops tell whether the probe
#     kept up.  Traffic never leaves that namespace, and the file's
#     addresses are RFC 2544's benchmarking range (198.18.0.0/15).
#
# Run by `make bench` with VQPROBE, BENCH_READ, TOP_SRCDIR and PYTHON3 set;
# BENCH_LIVE=0 leaves the live series out.  Not part of make check.  Every
# tool missing is skipped with a message; so is the live series when not
# root, without ip(8) or tcpreplay, or when vqprobe answers that live
# capture is not available in this build.
# Wall time is measured by python3 to the millisecond, peak RSS by GNU
# time (see measure below).
set -u

TOP_SRCDIR=${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
VQPROBE=${VQPROBE:-$TOP_SRCDIR/vqprobe}
BENCH_READ=${BENCH_READ:-$TOP_SRCDIR/tests/bench-read}
PYTHON3=${PYTHON3:-$(command -v python3 || true)}
BENCH_CALLS=${BENCH_CALLS:-400}
BENCH_SECONDS=${BENCH_SECONDS:-60}
BENCH_SCALE=${BENCH_SCALE:-100 1000 10000}
BENCH_SCALE_PACKETS=${BENCH_SCALE_PACKETS:-1000000}
BENCH_RATES=${BENCH_RATES:-50000 100000 200000 300000 max}
BENCH_RATE_SECONDS=${BENCH_RATE_SECONDS:-4}
BENCH_LIVE=${BENCH_LIVE:-1}

die() {
	echo "bench: $*" >&2
	exit 1
}

if [ -z "$PYTHON3" ] || [ ! -x "$PYTHON3" ]; then
	die "python3 not found"
fi
[ -x "$VQPROBE" ] || die "no vqprobe binary at $VQPROBE"
[ -x "$BENCH_READ" ] || die "no bench-read binary at $BENCH_READ"

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

# measure LOG CMD...: run CMD once, its output to LOG; set rc, wall_s and
# rss_kb.  The wall clock is python3's, to the millisecond.  The peak RSS
# comes from GNU time (package time) when it is there: getrusage of a
# child counts the memory it had before exec, i.e. a copy of the python3
# that forked it, which would hide how little a small program takes.
cat > "$work/measure.py" << 'EOF'
import os
import resource
import subprocess
import sys
import tempfile
import time

log_path, time_bin, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
rss_file = None
if time_bin:
    fd, rss_file = tempfile.mkstemp()
    os.close(fd)
    cmd = [time_bin, "-f", "%M", "-o", rss_file, "--"] + cmd
with open(log_path, "wb") as log:
    t0 = time.monotonic()
    rc = subprocess.call(cmd, stdin=subprocess.DEVNULL, stdout=log,
                         stderr=subprocess.STDOUT)
    wall = time.monotonic() - t0
rss_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
if rss_file:
    with open(rss_file) as f:
        lines = f.read().split()
    os.unlink(rss_file)
    rss_kb = int(lines[-1]) if lines and lines[-1].isdigit() else 0
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
	set -- $("$PYTHON3" "$work/measure.py" "$log" "$gnu_time" "$@")
	rc=${1:-127} wall_s=${2:-0} rss_kb=${3:-0}
}

# json_get FILE EXPR: a value from a vqprobe report (r is the report).
json_get() {
	"$PYTHON3" -c 'import json, sys
r = json.load(open(sys.argv[1]))
v = eval(sys.argv[2], {"r": r, "len": len})
print("null" if v is None else v)' "$1" "$2" 2> /dev/null || echo "?"
}

# generate FILE CALLS SECONDS: write a capture; set gen_packets.
generate() {
	gen_out=$("$PYTHON3" "$TOP_SRCDIR/tests/capgen-bench.py" --calls "$2" \
	    --seconds "$3" --out "$1") || die "capgen-bench.py failed"
	gen_packets=$(echo "$gen_out" | sed -n 's/.* \([0-9]*\) packets.*/\1/p')
	# Read it once, so that every run below finds it in the page cache.
	cat "$1" > /dev/null
}

# check_report JSON PACKETS CALLS: say so when vqprobe missed something,
# so that a fast run that analysed less does not pass for a good one.
check_report() {
	got=$(json_get "$1" '"%s %d %d" % (r["capture"]["packets"], len(r["calls"]), len(r["streams"]))')
	want="$2 $3 $(($3 * 2))"
	[ "$got" = "$want" ] ||
	    echo "  NOTE: vqprobe reported packets/calls/streams $got, the file has $want"
}

mb() {
	awk -v kb="$1" 'BEGIN { printf "%.1f", kb / 1024 }'
}

# ---------------------------------------------------------------------------
# 1. One file, every tool
# ---------------------------------------------------------------------------
bench=$work/bench.pcap
echo "== Generating $BENCH_CALLS calls x $BENCH_SECONDS s"
generate "$bench" "$BENCH_CALLS" "$BENCH_SECONDS"
bench_packets=$gen_packets
echo "   $gen_out"
echo

results=$work/results
: > "$results"
# run_tool NAME CMD...: measure and append a row to the results.
run_tool() {
	name=$1
	shift
	measure "$work/$name.log" "$@"
	if [ "$rc" -ne 0 ]; then
		echo "   $name exited $rc; its last lines:"
		tail -n 5 "$work/$name.log" | sed 's/^/   | /'
		return 1
	fi
	echo "$name $wall_s $rss_kb" >> "$results"
}

run_tool bench-read "$BENCH_READ" "$bench" || die "bench-read failed"
read_s=$wall_s
run_tool vqprobe "$VQPROBE" -r "$bench" --no-tui --json "$work/vqprobe.json" &&
    check_report "$work/vqprobe.json" "$bench_packets" "$BENCH_CALLS"
if command -v tshark > /dev/null 2>&1; then
	run_tool tshark tshark -q -z rtp,streams -r "$bench"
else
	echo "   tshark not found: skipped (apt-get install tshark)"
fi
if command -v ndpiReader > /dev/null 2>&1; then
	# -q: no per-flow output, the same work.
	run_tool ndpiReader ndpiReader -q -i "$bench"
else
	echo "   ndpiReader not found: skipped (apt-get install libndpi-bin)"
fi

echo "== $bench_packets packets, $BENCH_CALLS calls, file in the page cache, one run each"
printf '%-12s %9s %12s %13s %12s\n' tool "wall s" "peak RSS MB" packets/s "x bench-read"
while read -r name wall rss; do
	awk -v n="$name" -v w="$wall" -v r="$rss" -v p="$bench_packets" -v f="$read_s" \
	    'BEGIN { printf "%-12s %9.3f %12.1f %13.0f %12.2f\n", n, w, r / 1024,
	             (w > 0 ? p / w : 0), (f > 0 ? w / f : 0) }'
done < "$results"
echo

# ---------------------------------------------------------------------------
# 2. Scale: more concurrent calls, about as many packets
# ---------------------------------------------------------------------------
echo "== Scale: concurrent calls, ~$BENCH_SCALE_PACKETS packets each"
tiny=$work/tiny.pcap
generate "$tiny" 1 1
measure "$work/tiny.log" "$VQPROBE" -r "$tiny" --no-tui --json "$work/tiny.json"
[ "$rc" -eq 0 ] || die "vqprobe failed on a one-call capture"
base_kb=$rss_kb
echo "   baseline (one call): peak RSS $(mb "$base_kb") MB"
printf '%8s %9s %10s %18s %12s %17s\n' calls seconds packets "vqprobe ns/packet" \
    "peak RSS MB" "bytes per stream"
for calls in $BENCH_SCALE; do
	# 2 directions x 50 packets a second per call.
	seconds=$(awk -v p="$BENCH_SCALE_PACKETS" -v c="$calls" \
	    'BEGIN { s = p / (100 * c); if (s < 0.2) s = 0.2; printf "%g", s }')
	file=$work/scale-$calls.pcap
	generate "$file" "$calls" "$seconds"
	measure "$work/scale-$calls.log" "$VQPROBE" -r "$file" --no-tui \
	    --json "$work/scale-$calls.json"
	if [ "$rc" -ne 0 ]; then
		echo "   vqprobe exited $rc on $calls calls"
	else
		awk -v c="$calls" -v s="$seconds" -v p="$gen_packets" -v w="$wall_s" \
		    -v r="$rss_kb" -v b="$base_kb" 'BEGIN {
			printf "%8d %9s %10d %18.0f %12.1f %17.0f\n", c, s, p,
			    w * 1e9 / p, r / 1024, (r - b) * 1024 / (2 * c) }'
		check_report "$work/scale-$calls.json" "$gen_packets" "$calls"
	fi
	rm -f "$file"
done
echo

# ---------------------------------------------------------------------------
# 3. Live: tcpreplay into a veth pair inside a namespace of our own
# ---------------------------------------------------------------------------
live_skip() {
	echo "== Live series skipped: $*"
	exit 0
}

[ "$BENCH_LIVE" = 1 ] || live_skip "BENCH_LIVE=$BENCH_LIVE"
[ "$(id -u)" -eq 0 ] || live_skip "needs root (a namespace, a veth pair, capture)"
command -v ip > /dev/null 2>&1 || live_skip "ip not found (apt-get install iproute2)"
command -v tcpreplay > /dev/null 2>&1 || live_skip "tcpreplay not found (apt-get install tcpreplay)"

# descendants PID: the process ids under PID, children first.
descendants() {
	for child in $(cat /proc/"$1"/task/*/children 2> /dev/null); do
		echo "$child"
		descendants "$child"
	done
}

# capturing PID: whether PID or a process under it (a timeout(1) wrapper
# runs vqprobe as its child) holds a packet socket, i.e. libpcap has opened
# the interface.  /proc/PID/net is the network namespace PID lives in.
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

netns=vqbench$$
ip netns add "$netns" 2> "$work/netns.log" || {
	netns=""
	live_skip "cannot make a network namespace: $(cat "$work/netns.log")"
}
# No IPv6 in the namespace: the veths would send router and neighbour
# solicitations of their own, and every packet captured should be the file's.
ip netns exec "$netns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
    net.ipv6.conf.default.disable_ipv6=1 > /dev/null 2>&1
if ! ip -n "$netns" link add vqb-send type veth peer name vqb-probe ||
    ! ip -n "$netns" link set vqb-send up ||
    ! ip -n "$netns" link set vqb-probe up; then
	live_skip "cannot make a veth pair in the namespace"
fi

echo "== Live: tcpreplay into a veth pair, vqprobe -i on its peer, ${BENCH_RATE_SECONDS} s per rate"
best=""
header=""
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
	ip netns exec "$netns" "$VQPROBE" -i vqb-probe --no-tui --json "$json" \
	    > "$work/live-$rate.log" 2>&1 &
	live_pid=$!
	n=0
	until capturing "$live_pid"; do
		n=$((n + 1))
		if [ $n -gt 100 ] || ! kill -0 "$live_pid" 2> /dev/null; then
			# A build without live capture says so and exits 2.
			grep -q "not available" "$work/live-$rate.log" &&
			    live_skip "$(head -n 1 "$work/live-$rate.log")"
			echo "   vqprobe did not start capturing:"
			tail -n 5 "$work/live-$rate.log" | sed 's/^/   | /'
			break 2
		fi
		sleep 0.1
	done
	sleep 0.3
	ip netns exec "$netns" tcpreplay -i vqb-send "$pace" --limit="$limit" "$bench" \
	    > "$work/tcpreplay-$rate.log" 2>&1
	sent=$(sed -n 's/^Actual: \([0-9]*\) packets.*/\1/p' "$work/tcpreplay-$rate.log")
	sent_pps=$(sed -n 's/^Rated:.* \([0-9.]*\) pps.*/\1/p' "$work/tcpreplay-$rate.log")
	if [ -z "$sent" ] || [ -z "$sent_pps" ]; then
		echo "   tcpreplay did not say what it sent at $rate pps:"
		tail -n 5 "$work/tcpreplay-$rate.log" | sed 's/^/   | /'
		sent="?" sent_pps=0
	fi
	# Let the probe drain what is queued, then stop it as an operator would.
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
	if [ ! -s "$json" ]; then
		echo "   no report from vqprobe at $rate pps:"
		tail -n 5 "$work/live-$rate.log" | sed 's/^/   | /'
		continue
	fi
	# shellcheck disable=SC2046 # three values, meant to be split
	set -- $(json_get "$json" \
	    '"%s %s %s" % (r["capture"]["packets"], r["capture"]["kernel_drops"], r["capture"]["probe_drops"])')
	captured=${1:-?} kdrops=${2:-?} pdrops=${3:-?}
	# Clean: no drop counted, and every packet sent was captured (the veth
	# itself may drop when its backlog overflows: that shows as fewer).
	if [ "$kdrops" != 0 ] || [ "$pdrops" != 0 ]; then
		verdict=drops
	elif [ "$captured" != "$sent" ]; then
		verdict="$captured of $sent captured"
	else
		verdict=clean
		if [ -z "$best" ] || [ "${sent_pps%.*}" -gt "$best" ]; then
			best=${sent_pps%.*}
		fi
	fi
	if [ -z "$header" ]; then
		printf '%10s %10s %10s %10s %13s %12s  %s\n' "asked pps" "sent pps" \
		    sent captured kernel_drops probe_drops verdict
		header=yes
	fi
	printf '%10s %10.0f %10s %10s %13s %12s  %s\n' "$rate" "${sent_pps:-0}" \
	    "$sent" "$captured" "$kdrops" "$pdrops" "$verdict"
done
echo
if [ -n "$best" ]; then
	echo "Highest rate captured without a drop: $best packets/s"
else
	echo "No rate was captured without a drop"
fi
