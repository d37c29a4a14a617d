# A private InfluxDB 1.x for the tests that need a real server.  Source it
# after lib.sh: it uses lib.sh's $scratch, $PYTHON3, skip and fail.
#
#   influxd_start          Start influxd in $scratch/influxd on free ports of
#                          127.0.0.1, every listener but HTTP and the RPC
#                          service off, nothing reported home, and wait for
#                          /ping.  Sets INFLUXD_URL (http://127.0.0.1:PORT)
#                          and INFLUXD_PID, and replaces the EXIT trap with
#                          one that calls influxd_stop and removes $scratch
#                          (a test with more to clean up sets its own trap
#                          and calls influxd_stop from it).  SKIPs (77) when
#                          influxd or python3 is missing; fails the test
#                          (exit 1) when it does not answer within about
#                          INFLUXD_WAIT seconds (default 30).  Called again
#                          after influxd_stop, it restarts the same server:
#                          same ports, same data.
#   influxd_stop           Stop it, by its process id only, and wait for it.
#                          Safe to call when it is not running.
#   influxd_query DB Q     Run the InfluxQL statement Q through POST /query
#                          (DB may be empty) and print the JSON answer.
#                          Returns 1 if the HTTP status is not 200.
#   influxd_write DB FILE [PRECISION]
#                          POST FILE (line protocol) to /write?db=DB with
#                          precision PRECISION (default ms).  Prints the HTTP
#                          status, then the body if there is one (the
#                          server's error), on stdout.
#   influxd_log            Print the end of the server's log (for a failure).
# shellcheck shell=sh disable=SC2154 # $scratch comes from lib.sh

INFLUXD_PID=""
INFLUXD_URL=""
INFLUXD_WAIT=${INFLUXD_WAIT:-30}

# One HTTP request with python3's urllib: METHOD URL [BODY-FILE].  Prints
# the status on the first line, then the body.
influxd_http() {
	"$PYTHON3" - "$@" << 'EOF'
import sys, urllib.request, urllib.error
method, url = sys.argv[1], sys.argv[2]
data = open(sys.argv[3], "rb").read() if len(sys.argv) > 3 else None
req = urllib.request.Request(url, data=data, method=method)
try:
    with urllib.request.urlopen(req, timeout=30) as r:
        status, body = r.status, r.read()
except urllib.error.HTTPError as e:
    status, body = e.code, e.read()
except OSError as e:
    status, body = 0, str(e).encode()
sys.stdout.write("%d\n" % status)
sys.stdout.write(body.decode("utf-8", "replace"))
EOF
}

influxd_start() {
	command -v influxd > /dev/null 2>&1 \
		|| skip "influxd not found (apt-get install influxdb)"
	need_python
	influxd_dir=$scratch/influxd
	[ -f "$influxd_dir/influxdb.conf" ] || influxd_configure
	influxd run -config "$influxd_dir/influxdb.conf" \
		>> "$influxd_dir/log" 2>&1 &
	INFLUXD_PID=$!
	trap 'influxd_stop; rm -rf "$scratch"' EXIT
	trap 'exit 1' HUP INT TERM
	waited=0
	while :; do
		status=$(influxd_http GET "$INFLUXD_URL/ping" | head -n 1)
		[ "$status" = 204 ] && break
		if ! kill -0 "$INFLUXD_PID" 2> /dev/null; then
			INFLUXD_PID=""
			influxd_log
			echo "FAIL: influxd exited at start"
			exit 1
		fi
		waited=$((waited + 1))
		if [ "$waited" -gt $((INFLUXD_WAIT * 5)) ]; then
			influxd_log
			echo "FAIL: influxd did not answer /ping in $INFLUXD_WAIT s"
			exit 1
		fi
		"$PYTHON3" -c 'import time; time.sleep(0.2)'
	done
}

# Pick the ports and write the configuration, once per test.
influxd_configure() {
	# Two free TCP ports: HTTP and the RPC service (backup and restore),
	# which would otherwise take 8088 on every address.
	# shellcheck disable=SC2046 # the two numbers are meant to be split
	set -- $("$PYTHON3" -c '
import socket
socks = []
for _ in range(2):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
')
	[ $# -eq 2 ] || skip "no free ports on 127.0.0.1"
	mkdir -p "$influxd_dir" || exit 1
	INFLUXD_URL=http://127.0.0.1:$1
	# Both spellings of the reporting switch: upstream's and Debian's.
	cat > "$influxd_dir/influxdb.conf" << EOF
reporting-disabled = true
reporting-enabled = false
bind-address = "127.0.0.1:$2"

[meta]
  dir = "$influxd_dir/meta"
  logging-enabled = false

[data]
  dir = "$influxd_dir/data"
  wal-dir = "$influxd_dir/wal"
  query-log-enabled = false
  trace-logging-enabled = false

[monitor]
  store-enabled = false

[http]
  enabled = true
  bind-address = "127.0.0.1:$1"
  auth-enabled = false
  log-enabled = false

[ifql]
  enabled = false

[continuous_queries]
  enabled = false

[subscriber]
  enabled = false

[[graphite]]
  enabled = false

[[collectd]]
  enabled = false

[[opentsdb]]
  enabled = false

[[udp]]
  enabled = false
EOF
}

influxd_stop() {
	[ -n "$INFLUXD_PID" ] || return 0
	kill "$INFLUXD_PID" 2> /dev/null
	wait "$INFLUXD_PID" 2> /dev/null
	INFLUXD_PID=""
}

influxd_query() {
	q=$("$PYTHON3" -c '
import sys, urllib.parse
print(urllib.parse.urlencode({"db": sys.argv[1], "q": sys.argv[2]}))
' "$1" "$2")
	influxd_http POST "$INFLUXD_URL/query?$q" > "$scratch/influxd.answer"
	status=$(head -n 1 "$scratch/influxd.answer")
	tail -n +2 "$scratch/influxd.answer"
	[ "$status" = 200 ]
}

influxd_write() {
	influxd_http POST \
		"$INFLUXD_URL/write?db=$1&precision=${3:-ms}" "$2"
}

influxd_log() {
	[ -f "$scratch/influxd/log" ] || return 0
	echo "--- influxd log (end)"
	tail -n 20 "$scratch/influxd/log"
}
