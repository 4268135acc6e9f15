#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t3003-plugin-tsan: perfwhiz.so's two threads (perf's, which routes, checks
# and copies each sample into a batch, and the decoding thread, which
# decodes, packs and compresses) under ThreadSanitizer: a build of the
# plugin with -fsanitize=thread (make test-tsan-build: build/tsan/, named by
# PW_TSAN_BUILD) loaded by perf with the TSan runtime preloaded. No data
# race is reported on a whole conversion, on a disk that fills mid-run (the
# decoding thread's error reaches perf's thread) or on a SIGINT mid-run, and
# the file is byte for byte the plain build's.
. "$(dirname "$0")/../lib.sh"

GEN=$BUILD/mkperfdata
TSAN_SO=${PW_TSAN_BUILD:-}/perfwhiz.so
TSAN_RT=$(gcc -print-file-name=libtsan.so.2 2>/dev/null)
# a report makes perf exit 66, and goes to tsan.log.PID
TSAN_ENV="exitcode=66 log_path=$TRASH/tsan.log"

no_reports() {
	if ls "$TRASH"/tsan.log.* >/dev/null 2>&1; then
		cat "$TRASH"/tsan.log.* >&2
		return 1
	fi
}

if [ -z "${PW_TSAN_BUILD:-}" ] || [ ! -f "$TSAN_SO" ] || [ ! -f "$TSAN_RT" ] ||
	[ "${PW_SANITIZE:-0}" = 1 ] || [ ! -x "$GEN" ]; then
	why="no ThreadSanitizer build (make test-tsan-build; PW_TSAN_BUILD)"
	[ "${PW_SANITIZE:-0}" = 1 ] && why="run in the plain pass only"
	test_skip 'the decoding thread under ThreadSanitizer' "$why"
	test_done
	exit 0
fi

test_expect_success 'a whole conversion: no race reported, the same bytes as the plain build' '
	"$GEN" -o g.data -n 300000 --cpus 8 --vms 2 --vcpus 4 --tasks 64 -s 5 >/dev/null &&
	perf script -i g.data --dlfilter "$BUILD/perfwhiz.so" --dlarg out=plain.cdict --dlarg quiet &&
	LD_PRELOAD=$TSAN_RT TSAN_OPTIONS=$TSAN_ENV \
		perf script -i g.data --dlfilter "$TSAN_SO" --dlarg out=tsan.cdict 2>tsan.err &&
	no_reports &&
	grep "^perfwhiz: 300000 samples" tsan.err &&
	cmp plain.cdict tsan.cdict
'

test_expect_success 'the disk fills mid-run: one line, non-zero exit, no race reported, no file' '
	rc=0 &&
	( ulimit -f 256 && LD_PRELOAD=$TSAN_RT TSAN_OPTIONS=$TSAN_ENV \
		perf script -i g.data --dlfilter "$TSAN_SO" --dlarg out=full.cdict ) 2>full.err || rc=$? &&
	test "$rc" -ne 0 && test "$rc" -ne 66 &&
	no_reports &&
	grep "^perfwhiz: cannot write .full.cdict.: File too large" full.err &&
	test "$(grep -c "^perfwhiz:" full.err)" = 1 &&
	! test -e full.cdict && ! ls -A | grep "^\.full\.cdict\."
'

test_expect_success 'SIGINT mid-run: no race reported, the samples up to then are read back' '
	"$GEN" -o big.data -n 3000000 --cpus 8 --vms 2 --vcpus 4 --tasks 64 -s 6 >/dev/null
	# perf alone in the background (not a function nor the tail of an
	# "a && b" list: either would be a subshell, and the signal would go to
	# it), a second after its temporary file appears; set -e stops above
	LD_PRELOAD=$TSAN_RT TSAN_OPTIONS=$TSAN_ENV \
		perf script -i big.data --dlfilter "$TSAN_SO" --dlarg out=int.cdict 2>int.err &
	pid=$! &&
	for i in $(seq 500); do ls -A | grep -q "^\.int\.cdict\." && break; sleep 0.02; done &&
	sleep 1 && kill -INT $pid && rc=0 && wait $pid || rc=$? &&
	test "$rc" -ne 66 &&
	no_reports &&
	grep "^perfwhiz: interrupted by SIGINT" int.err &&
	n=$(sed -n "s/^perfwhiz: \([0-9]*\) samples, .*/\1/p" int.err) &&
	test "$n" -gt 0 && test "$n" -lt 3000000 &&
	perfwhiz-dash --list int.cdict >int.list 2>int.dash &&
	grep "^perfwhiz-dash: int.cdict: [0-9]* events" int.dash
'

test_done
