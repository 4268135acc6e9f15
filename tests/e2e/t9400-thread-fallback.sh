#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t9400-thread-fallback: every helper thread has a fallback, and it gives the
# same bytes. build/pw-failthread.so (tests/tools/failthread.c), preloaded,
# makes pthread_create() refuse the threads of perfwhiz.so or of
# perfwhiz-dash, all of them or the N-th, and logs each one asked for:
# - perfwhiz.so: its decoding thread (the first it starts) refused, perf's
#   thread decodes and the writer's thread compresses; every thread refused,
#   perf's thread does both. The .cdict is the threaded run's, byte for byte.
# - perfwhiz-dash: each of its threads refused in turn (the reader's
#   decoders: it decodes with the ones it has, or on the caller's thread;
#   the heatmaps' collector: the file is read a second time, and stderr
#   says so; the thread writing half of the heat document's tasks, the
#   deflate helpers of a big document: the caller does their part), or
#   every thread. The pages and --json are the threaded run's.
# - on one cpu (taskset to the first of this shell's): perfwhiz.so makes no
#   thread, perfwhiz-dash only the collector (pw_thread.h), same bytes.
. "$(dirname "$0")/../lib.sh"

GEN=$BUILD/mkperfdata
SHIM=$BUILD/pw-failthread.so

if [ "${PW_SANITIZE:-0}" = 1 ] || [ ! -f "$SHIM" ] || [ ! -x "$GEN" ]; then
	# the sanitizers' runtimes must come first in the preload list
	test_skip 'helper threads refused' "run in the plain pass only (or no $SHIM)"
	test_done
	exit 0
fi
if [ "$(nproc)" -lt 2 ]; then
	test_skip 'helper threads refused' "one usable cpu: no helper thread is made"
	test_done
	exit 0
fi
# the first cpu this shell may run on ("pid N's current affinity list: 0-1")
ONE=$(taskset -pc $$ | sed 's/.*: *//; s/[-,].*//')

# refuse IN WHICH CMD...: CMD with the shim preloaded; the log in refused.log
refuse() {
	local in=$1 which=$2
	shift 2
	rm -f refused.log
	LD_PRELOAD=$SHIM PW_FAIL_THREAD_IN=$in PW_FAIL_THREAD=$which \
		PW_FAIL_THREAD_LOG=$TRASH/refused.log "$@"
}

test_expect_success 'setup: a generated capture, converted with every thread' '
	"$GEN" -o g.data -n 400000 --cpus 8 --vms 2 --vcpus 4 --tasks 64 -s 9 >/dev/null &&
	refuse perfwhiz.so none perf script -i g.data --dlfilter "$BUILD/perfwhiz.so" \
		--dlarg out=plain.cdict --dlarg quiet &&
	test "$(cat refused.log)" = "1 started"
'

test_expect_success 'perfwhiz.so: no decoding thread: perf decodes, the writer thread compresses, same bytes' '
	refuse perfwhiz.so 1 perf script -i g.data --dlfilter "$BUILD/perfwhiz.so" \
		--dlarg out=nodq.cdict 2>nodq.err &&
	test "$(head -n 2 refused.log | tr "\n" " ")" = "1 refused 2 started " &&
	grep "^perfwhiz: 400000 samples" nodq.err &&
	cmp plain.cdict nodq.cdict
'

test_expect_success 'perfwhiz.so: no thread at all: perf decodes and compresses, same bytes' '
	refuse perfwhiz.so all perf script -i g.data --dlfilter "$BUILD/perfwhiz.so" \
		--dlarg out=none.cdict 2>none.err &&
	! grep started refused.log && test "$(grep -c refused refused.log)" -ge 2 &&
	grep "^perfwhiz: 400000 samples" none.err &&
	cmp plain.cdict none.cdict
'

test_expect_success 'setup: both pages and --json with every perfwhiz-dash thread' '
	mkdir base &&
	refuse perfwhiz-dash none perfwhiz-dash --headless --charts --heatmaps \
		--output-dir base plain.cdict 2>base.err &&
	! grep refused refused.log &&
	# the 2 decoders of the reader, the collector of the heatmaps, the
	# second half of the tasks of the heat document, and with 2 cpus or
	# more the deflate helpers of the big document
	n=$(grep -c started refused.log) && test "$n" -ge 4 && echo "$n" >nthreads &&
	grep "one reading" base.err &&
	perfwhiz-dash --json plain.cdict >base.json
'

# pages WHICH: both pages with thread WHICH refused give the threaded run's
# bytes; the shim says it refused WHICH
pages() {
	rm -rf "p$1" && mkdir "p$1" &&
	refuse perfwhiz-dash "$1" perfwhiz-dash --headless --charts --heatmaps \
		--output-dir "p$1" plain.cdict 2>"p$1.err" &&
	if [ "$1" = all ]; then ! grep started refused.log; else grep -x "$1 refused" refused.log; fi &&
	cmp base/plain-charts.html "p$1/plain-charts.html" &&
	cmp base/plain-heatmaps.html "p$1/plain-heatmaps.html"
}

test_expect_success 'perfwhiz-dash: no first decoder: the reader decodes on its caller, same pages' '
	pages 1 && grep -x "2 started" refused.log && grep "one reading" p1.err
'

test_expect_success 'perfwhiz-dash: no heatmap collector: the file is read twice, same pages' '
	pages 3 && grep "read twice" p3.err
'

test_expect_success 'perfwhiz-dash: each thread refused in turn: the same pages' '
	n=$(cat nthreads) && test "$n" -ge 4 &&
	for i in $(seq "$n"); do pages "$i" || exit 1; done
'

test_expect_success 'perfwhiz-dash: no thread at all: same pages, same --json' '
	pages all && grep "read twice" pall.err &&
	refuse perfwhiz-dash all perfwhiz-dash --json plain.cdict >all.json &&
	grep -q refused refused.log && ! grep started refused.log &&
	cmp base.json all.json
'

test_expect_success 'perfwhiz.so on one cpu: no thread, perf decodes and compresses, same bytes' '
	refuse perfwhiz.so none taskset -c "$ONE" perf script -i g.data \
		--dlfilter "$BUILD/perfwhiz.so" --dlarg out=one.cdict 2>one.err &&
	! test -s refused.log &&
	grep "^perfwhiz: 400000 samples" one.err &&
	cmp plain.cdict one.cdict
'

test_expect_success 'perfwhiz-dash on one cpu: the collector only, same pages, same --json' '
	rm -rf pone && mkdir pone &&
	refuse perfwhiz-dash none taskset -c "$ONE" perfwhiz-dash --headless --charts \
		--heatmaps --output-dir pone plain.cdict 2>pone.err &&
	test "$(cat refused.log)" = "1 started" && grep "one reading" pone.err &&
	cmp base/plain-charts.html pone/plain-charts.html &&
	cmp base/plain-heatmaps.html pone/plain-heatmaps.html &&
	refuse perfwhiz-dash none taskset -c "$ONE" perfwhiz-dash --json plain.cdict >one.json &&
	! test -s refused.log && cmp base.json one.json
'

test_done
