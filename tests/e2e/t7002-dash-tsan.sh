#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t7002-dash-tsan: perfwhiz-dash's threads under ThreadSanitizer (a build
# with -fsanitize=thread: make test-tsan-build, build/tsan/, named by
# PW_TSAN_BUILD): the reader's decoding threads, the heatmap collector's
# thread that borrows their decoded chunks (pw_reader_hold), the heatmap
# document's second half and the page's compression threads. No data race is
# reported, and the pages and --json are byte for byte the plain build's,
# in one pass and in two.
. "$(dirname "$0")/../lib.sh"

GEN=$BUILD/mkperfdata
TSAN_DASH=${PW_TSAN_BUILD:-}/perfwhiz-dash
# a report makes perfwhiz-dash exit 66, and goes to tsan.log.PID
TSAN_ENV="exitcode=66 log_path=$TRASH/tsan.log"

no_reports() {
	if ls "$TRASH"/tsan.log.* >/dev/null 2>&1; then
		cat "$TRASH"/tsan.log.* >&2
		return 1
	fi
}

if [ -z "${PW_TSAN_BUILD:-}" ] || [ ! -x "$TSAN_DASH" ] || [ "${PW_SANITIZE:-0}" = 1 ] ||
	[ ! -x "$GEN" ] || [ ! -f "$BUILD/perfwhiz.so" ]; then
	why="no ThreadSanitizer build (make test-tsan-build; PW_TSAN_BUILD)"
	[ "${PW_SANITIZE:-0}" = 1 ] && why="run in the plain pass only"
	test_skip 'perfwhiz-dash under ThreadSanitizer' "$why"
	test_done
	exit 0
fi

# both pages and --json of one file by a build, into DIR
pages() {	# pages BINARY DIR FILE
	mkdir -p "$2" &&
	TSAN_OPTIONS=$TSAN_ENV "$1" --headless --charts --heatmaps --output-dir "$2" \
		--json "$3" >"$2/out.json" 2>"$2/err"
}

same() {	# same DIR1 DIR2 NAME: the two builds wrote the same bytes
	cmp "$1/out.json" "$2/out.json" &&
	cmp "$1/$3-charts.html" "$2/$3-charts.html" &&
	cmp "$1/$3-heatmaps.html" "$2/$3-heatmaps.html"
}

# ~2.4 MB: past the reader's 1 MiB threshold for decoding threads, 10 chunks
test_expect_success 'a generated KVM capture of 600,000 events' '
	"$GEN" -o g.data -n 600000 --cpus 8 --vms 2 --vcpus 4 --tasks 64 -s 7 >/dev/null &&
	perf script -i g.data --dlfilter "$BUILD/perfwhiz.so" --dlarg out=g.cdict --dlarg quiet &&
	test "$(stat -c %s g.cdict)" -gt 1048576
'

test_expect_success 'one pass (batches lent to the heatmap collector): no race, the same bytes' '
	pages perfwhiz-dash plain g.cdict && pages "$TSAN_DASH" tsan g.cdict &&
	no_reports && same plain tsan g &&
	grep "^perfwhiz-dash: heatmaps .g.cdict.: .*; one reading" tsan/err &&
	jq -e ".runs[0].events | .read > 590000 and
		.read == ([to_entries[] | select(.key != \"read\") | .value] | add)" plain/out.json
'

test_expect_success 'two passes (PERFWHIZ_HEAT_TWO_PASS): no race, the same bytes' '
	PERFWHIZ_HEAT_TWO_PASS=1 pages "$TSAN_DASH" two g.cdict &&
	no_reports && same plain two g &&
	grep "^perfwhiz-dash: heatmaps .g.cdict.: .*; read twice" two/err
'

test_done
