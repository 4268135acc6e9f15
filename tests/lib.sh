# SPDX-License-Identifier: Apache-2.0
# tests/lib.sh: the small end-to-end test library every tests/e2e/t*.sh sources
# (git's t/test-lib.sh model, much smaller).
#
#   . "$(dirname "$0")/../lib.sh"
#   test_expect_success 'what it checks' '
#       perfwhiz-dash --json x.cdict >out.json &&
#       test_cmp expect out.json
#   '
#   test_done
#
# Each test prints "ok N - what" or "not ok N - what"; tests/run counts them.
# Every script runs in its own scratch directory ($TRASH), with LANG=C TZ=UTC.

set -u
export LANG=C LC_ALL=C TZ=UTC
SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$SRCDIR/build}
TEST_NAME=$(basename "$0" .sh)
TRASH=$BUILD/trash/$TEST_NAME
PATH=$BUILD:$PATH
export SRCDIR BUILD TRASH PATH

rm -rf "$TRASH" && mkdir -p "$TRASH" && cd "$TRASH" || exit 1

# Under the sanitizer pass (tests/run sets PW_SANITIZE=1 with BUILD on the
# sanitized build), perf loads a sanitized perfwhiz.so: it needs the
# sanitizer runtimes preloaded, and perf's own leaks are not ours to report
# (the plugin's leaks are checked by valgrind in t9000).
if [ "${PW_SANITIZE:-0}" = 1 ]; then
	# a script, not a shell function, so that "perf ... &" backgrounds perf
	# itself (exec keeps the pid) and a test's kill reaches it
	real_perf=$(command -v perf)
	mkdir -p "$TRASH/.sanbin"
	cat >"$TRASH/.sanbin/perf" <<EOS
#!/bin/sh
LD_PRELOAD="$(gcc -print-file-name=libasan.so):$(gcc -print-file-name=libubsan.so)" \\
ASAN_OPTIONS=abort_on_error=1:detect_leaks=0 exec "$real_perf" "\$@"
EOS
	chmod +x "$TRASH/.sanbin/perf"
	PATH=$TRASH/.sanbin:$PATH
	export PATH
fi

test_count=0
test_failed=0
test_skipped=0

say() { printf '%s\n' "$*"; }

# test_expect_success DESC BODY: run BODY in a subshell (its variables do not
# reach the next test), in $TRASH; pass on exit 0.
test_expect_success() {
	test_count=$((test_count + 1))
	local desc=$1 body=$2 rc
	( set -e; [ -n "${PW_TEST_TRACE:-}" ] && set -x; cd "$TRASH" && eval "$body" ) >"$TRASH/.out.$test_count" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then
		say "ok $test_count - $desc"
	else
		test_failed=$((test_failed + 1))
		say "not ok $test_count - $desc (exit $rc)"
		sed 's/^/#   /' "$TRASH/.out.$test_count" | tail -n 40
	fi
}

# test_skip DESC REASON: counted as skipped, never as passed.
test_skip() {
	test_count=$((test_count + 1))
	test_skipped=$((test_skipped + 1))
	say "skip $test_count - $1 ($2)"
}

# test_must_fail CMD...: succeeds when CMD fails normally; a crash (signal,
# exit > 128) or a success is a failure.
test_must_fail() {
	local rc=0
	"$@" || rc=$?	# (a list: the body's set -e must not stop us here)
	if [ $rc -eq 0 ]; then
		echo "test_must_fail: command succeeded: $*" >&2; return 1
	elif [ $rc -gt 128 ]; then
		echo "test_must_fail: command died (exit $rc): $*" >&2; return 1
	elif [ $rc -eq 127 ]; then
		echo "test_must_fail: command not found: $*" >&2; return 1
	fi
	return 0
}

# test_expect_code N CMD...: succeeds when CMD exits with exactly N.
test_expect_code() {
	local want=$1 rc=0; shift
	"$@" || rc=$?
	[ $rc -eq "$want" ] && return 0
	echo "test_expect_code: want exit $want, got $rc: $*" >&2
	return 1
}

# test_cmp EXPECTED ACTUAL
test_cmp() { diff -u "$1" "$2"; }

# test_one_line FILE: FILE holds exactly one line (the one-clear-line rule).
test_one_line() {
	local n; n=$(wc -l <"$1")
	[ "$n" -eq 1 ] || { echo "want one line in $1, got $n:" >&2; cat "$1" >&2; return 1; }
}

# test_within A B ABS REL: |A-B| <= max(ABS, REL*|B|) (numbers may be floats).
test_within() {
	awk -v a="$1" -v b="$2" -v abs="$3" -v rel="$4" 'BEGIN {
		d = a - b; if (d < 0) d = -d; m = rel * (b < 0 ? -b : b); if (abs > m) m = abs;
		if (d <= m) exit 0; printf "not within: %s vs %s (|d|=%s > %s)\n", a, b, d, m > "/dev/stderr"; exit 1 }'
}

test_done() {
	local passed=$((test_count - test_failed - test_skipped))
	say "# $TEST_NAME: $passed passed, $test_failed failed, $test_skipped skipped"
	[ $test_failed -eq 0 ]
}
