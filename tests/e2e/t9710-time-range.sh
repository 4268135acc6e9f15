#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t9710: event times are 0 to 2^63 - 1 ns (PW_TIME_MAX) on both sides: a
# reader refuses a later one as corrupt where it is, with or without a
# trailer (a file without one printed last_ns 18446744073709551615); time
# going back on a cpu is counted (quality.time_backwards: --json, --csv,
# stderr even with -q) and never makes a cpu busier than the window.
. "$(dirname "$0")/../lib.sh"

py() { PYTHONPATH="$SRCDIR/tests/tools" /usr/bin/python3 -c "import cdict_craft as c
$1"; }

test_expect_success 'an event at 2^63 ns: corrupt at its chunk, with and without a trailer' '
	py "
f = c.File(); f.meta(nr_cpus=1)
f.events([c.switch(1000, 0, 2, 5, 1), c.switch(2**63, 0, 0, 6, 1)])
f.write(\"cut.cdict\")
f.trailer(2, 1000, 2**63 - 1, tasks=3)
f.write(\"whole.cdict\")
" &&
	for f in cut whole; do
		test_expect_code 1 perfwhiz-dash -q --json $f.cdict >out 2>err &&
		echo "perfwhiz-dash: corrupt input '\''$f.cdict'\'' at offset 0x50: event time out of range (0 to 9223372036854775807 ns) in row 1" >expect &&
		test_cmp expect err && test ! -s out || exit 1
	done
'

test_expect_success 'an event at 2^63 - 1 ns: the last valid time, read' '
	py "
f = c.File(); f.meta(nr_cpus=1)
f.events([c.switch(1000, 0, 2, 5, 1), c.switch(2**63 - 1, 0, 0, 6, 1)])
f.write(\"max.cdict\")
" &&
	perfwhiz-dash -q --json max.cdict >max.json 2>err &&
	grep -q "\"last_ns\":9223372036854775807," max.json &&
	test "$(jq .runs[0].quality.truncated max.json)" = true
'

# cpu 0: switches at 1000, 3000, then 2000 (first row of the second chunk:
# back across chunks), 4000; cpu 1: wakeups at 1500 then 1200 (back within
# a chunk)
test_expect_success 'time going back on a cpu: counted, and the cpu at most 100 % busy' '
	py "
f = c.File(); f.meta(nr_cpus=2)
f.events([c.switch(1000, 0, 2, 5, 1), c.wakeup(1100, 1, 9), c.wakeup(1500, 1, 6),
          c.wakeup(1200, 1, 7), c.switch(3000, 0, 0, 6, 1)])
f.events([c.switch(2000, 0, 0, 7, 1), c.switch(4000, 0, 0, 1, 1)])
f.trailer(7, 1000, 4000, tasks=6, chunks=2)
f.write(\"back.cdict\")
" &&
	perfwhiz-dash -q --json back.cdict >back.json 2>err &&
	echo "perfwhiz-dash: warning: '\''back.cdict'\'': 2 events earlier than the one before them on their cpu" >expect &&
	test_cmp expect err &&
	test "$(jq .runs[0].quality.time_backwards back.json)" = 2 &&
	test "$(jq .runs[0].covered_ns back.json)" = 3000 &&
	test "$(jq ".runs[0].cpus[] | select(.cpu == 0) | .busy_ns" back.json)" = 3000 &&
	test "$(jq "[.runs[0].tasks[].cpu_pct] | max <= 100" back.json)" = true &&
	test "$(jq ".runs[0].tasks[] | select(.tid == 7) | .runtime_ns" back.json)" = 1000 &&
	mkdir csv && perfwhiz-dash -q --csv csv back.cdict 2>/dev/null &&
	tr -d "\r" <csv/quality.csv | grep -qx "back,time_backwards,2"
'

test_done
