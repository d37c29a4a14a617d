# Shared by the shell tests: where things are, how to skip, how to fail.
# Run by automake with VQPROBE and TOP_SRCDIR set (see Makefile.am); by hand,
# from the source tree, they default to ./vqprobe and the current folder.

set -u
TOP_SRCDIR=${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
VQPROBE=${VQPROBE:-$TOP_SRCDIR/vqprobe}
PYTHON3=${PYTHON3:-$(command -v python3 || true)}
SHARED_PCAPS=${SHARED_PCAPS:-$TOP_SRCDIR/../shared/pcaps}
failures=0

skip() {
	echo "SKIP: $*"
	exit 77
}

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

need_python() {
	[ -n "$PYTHON3" ] && [ -x "$PYTHON3" ] || skip "python3 not found"
}

# A scratch folder removed when the test ends.
scratch=$(mktemp -d "${TMPDIR:-/tmp}/vqprobe-test.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

# The project's own captures, one per line.
own_captures() {
	ls "$TOP_SRCDIR"/pcaps/*.pcap "$TOP_SRCDIR"/pcaps/*.pcapng 2>/dev/null
}

# The issue a capture waits for (tests/pending.list), or nothing.
pending_issue() {
	awk -v n="$1" '$1 == n { print $2 }' "$TOP_SRCDIR/tests/pending.list"
}

# judge NAME OK?: count a result, allowing for captures still pending.
judge() {
	issue=$(pending_issue "$1")
	if [ -z "$issue" ]; then
		[ "$2" -eq 0 ] || fail "$1: differs"
	elif [ "$2" -eq 0 ]; then
		fail "$1 now passes: remove it from tests/pending.list"
	else
		echo "PENDING $1: waits for issue $issue"
	fi
}

finish() {
	if [ "$failures" -ne 0 ]; then
		echo "$failures failure(s)"
		exit 1
	fi
	exit 0
}
