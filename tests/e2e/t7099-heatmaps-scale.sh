#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t7099-heatmaps-scale: NAME-heatmaps.html of a generated 10^7-event capture (8 CPUs, 64 tasks, 16 vCPUs):
# the page stays bounded (<= 8 MiB), says what it binned, adds up to --json and opens in headless chromium;
# its size and first-paint time are recorded in build/heatmaps-scale.txt (recorded, not asserted: the
# machine is shared and noisy).
. "$(dirname "$0")/../lib.sh"

WEB=$SRCDIR/tests/browser
OUT=$BUILD/heatmaps-scale.txt
EVENTS=${PW_SCALE_EVENTS:-10000000}

if [ "${PW_SANITIZE:-0}" = 1 ]; then
	test_skip 'the 10^7-event page' 'a size and speed measure: not run on the sanitizer build'
	test_done; exit 0
fi
if ! [ -x "$BUILD/mkperfdata" ] || ! [ -f "$BUILD/perfwhiz.so" ]; then
	test_skip 'the 10^7-event page' 'needs build/mkperfdata and build/perfwhiz.so'
	test_done; exit 0
fi

now() { date +%s.%N; }
test_expect_success "a generated capture of $EVENTS events, converted (the perf.data deleted at once)" '
	t0=$(now) &&
	mkperfdata -o big.data -c 8 --vms 4 --vcpus 4 --tasks 16 -n $EVENTS -s 3 >/dev/null &&
	perf script -i big.data --dlfilter "$BUILD/perfwhiz.so" --dlarg out=big.cdict --dlarg quiet >/dev/null 2>&1 &&
	rm -f big.data &&
	echo "$t0 $(now)" >conv.time &&
	perfwhiz-dash -q --json big.cdict >big.json &&
	jq -e ".runs[0].events.read >= $EVENTS" big.json &&
	jq -e "[.runs[0].tasks[] | select(.idle_cpu == null)] | length == 56" big.json &&
	jq -e ".runs[0].tasks | length == 64" big.json
'
rm -f big.data

test_expect_success 'perfwhiz-dash --heatmaps: a bounded page that says what it binned' '
	t0=$(now) &&
	perfwhiz-dash --headless --heatmaps big.cdict 2>err &&
	echo "$t0 $(now)" >gen.time &&
	cat err &&
	grep "^perfwhiz-dash: heatmaps .big.cdict.: 56 tasks; [0-9]* of [0-9]* series binned ([0-9]* events) in [0-9.]* ms x 1/5 decade cells" err &&
	size=$(stat -c %s big-heatmaps.html) &&
	echo "page $size bytes" &&
	test "$size" -le $((8 * 1024 * 1024)) &&
	# a document this big is deflated in parts (the page joins them)
	parts=$(sed -n "s/.*id=\"pw-data\">\([^<]*\)<.*/\1/p" big-heatmaps.html | tr -cd , | wc -c) &&
	echo "$((parts + 1)) parts" && test "$parts" -ge 1
'

if ! [ -x /usr/bin/chromium ] || ! [ -d "$WEB/node_modules/playwright-core" ]; then
	test_skip 'the page in chromium' 'needs /usr/bin/chromium and tests/browser/node_modules (make deps)'
	test_done; exit 0
fi
(cd "$WEB" && node heatmaps.test.js "$BUILD/screenshots" "scale-heatmaps=$TRASH/big-heatmaps.html:$TRASH/big.json:big") >browser.out 2>&1
echo "browser exit $?" >>browser.out
grep '^#' browser.out || true
test_expect_success 'in chromium: figures equal --json, zoom, tooltips, no error, no network' '
	grep "^ok scale-heatmaps: the page renders" browser.out &&
	grep "^ok scale-heatmaps: per task, the heatmap events add up to --json" browser.out &&
	grep "^ok scale-heatmaps: per CPU, the CPU view.s busy time equals --json busy_ns" browser.out &&
	grep "^ok scale-heatmaps: a wheel on a panel zooms every panel of the task alike" browser.out &&
	grep "^ok scale-heatmaps: no console error, no page error" browser.out &&
	! grep "^not ok" browser.out &&
	grep "^browser exit 0" browser.out
'

test_expect_success "record the page size and first paint in build/heatmaps-scale.txt" '
	paint=$(sed -n "s/^# scale-heatmaps: first paint \([0-9]*\) ms.*/\1/p" browser.out) &&
	ready=$(sed -n "s/.*(load to ready \([0-9]*\) ms).*/\1/p" browser.out) &&
	test -n "$paint" &&
	{
		echo "# perfwhiz-dash --heatmaps on a generated capture (tests/e2e/t7099-heatmaps-scale.sh)"
		echo "events $EVENTS"
		echo "tasks $(jq ".runs[0].tasks | length" big.json) (non-idle: $(jq "[.runs[0].tasks[] | select(.idle_cpu == null)] | length" big.json))"
		echo "cpus $(jq ".runs[0].nr_cpus" big.json)"
		echo "cdict_bytes $(stat -c %s big.cdict)"
		echo "page_bytes $(stat -c %s big-heatmaps.html)"
		echo "first_paint_ms $paint"
		echo "load_to_ready_ms $ready"
		echo "generate_and_convert_s $(awk "{ printf \"%.1f\", \$2 - \$1 }" conv.time)"
		echo "perfwhiz_dash_heatmaps_s $(awk "{ printf \"%.1f\", \$2 - \$1 }" gen.time)"
		grep "^perfwhiz-dash: heatmaps" err | sed "s/^perfwhiz-dash: /summary /"
		echo "machine $(nproc) cpus, load $(cut -d" " -f1-3 /proc/loadavg)"
	} >"$OUT" &&
	cat "$OUT"
'
rm -f big.cdict

test_done
