#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t9721: what the release build refuses with a message, the sanitizer build
# (the second pass of tests/run) refuses the same way, never aborting on
# undefined behaviour of its own: an empty event chunk (memset of a NULL
# array), a time delta or a switch's prev of INT64_MIN (negated, or 1
# taken from it), a cpu of INT64_MIN. The fuzz replays (unit-replay-*)
# hold every target's corpus to the same.
. "$(dirname "$0")/../lib.sh"

py() { PYTHONPATH="$SRCDIR/tests/tools" /usr/bin/python3 -c "import cdict_craft as c
$1"; }

test_expect_success 'an event chunk of no rows between two others: read' '
	py "
f = c.File(); f.meta(nr_cpus=1)
f.events([c.switch(1000, 0, 2, 5, 1)])
f.events([])
f.events([c.switch(2000, 0, 0, 6, 1)])
f.trailer(2, 1000, 2000, tasks=3, chunks=3)
f.write(\"empty.cdict\")
" &&
	perfwhiz-dash -q --json empty.cdict >out.json &&
	test "$(jq .runs[0].events.read out.json)" = 2
'

test_expect_success 'only an event chunk of no rows: no events, one line' '
	py "
f = c.File(); f.meta(nr_cpus=1)
f.events([])
f.trailer(0, 0, 0, chunks=1)
f.write(\"none.cdict\")
" &&
	test_expect_code 1 perfwhiz-dash -q --json none.cdict >out 2>err &&
	echo "perfwhiz-dash: no events in '\''none.cdict'\''" >expect &&
	test_cmp expect err
'

test_expect_success 'a time delta of INT64_MIN: corrupt, one line' '
	py "
m = c.ev_chunk([c.switch(1000, 0, 2, 5, 1), c.switch(2000, 0, 0, 6, 1)])
m[\"dt\"] = c.planes([0, -2**63])
f = c.File(); f.meta(nr_cpus=1); f.chunk(m)
f.write(\"dt.cdict\")
" &&
	test_expect_code 1 perfwhiz-dash -q --json dt.cdict >out 2>err &&
	echo "perfwhiz-dash: corrupt input '\''dt.cdict'\'' at offset 0x50: event time out of range (0 to 9223372036854775807 ns) in row 1" >expect &&
	test_cmp expect err
'

test_expect_success 'a switch prev of INT64_MIN, first on its cpu or not: corrupt, one line' '
	py "
f = c.File(); f.meta(nr_cpus=1)
f.events([c.switch(1000, 0, 2, 5, 1), c.switch(2000, 0, -2**63, 6, 1)])
f.write(\"later.cdict\")
f = c.File(); f.meta(nr_cpus=1)
f.events([c.switch(1000, 0, 2, 5, 1)])
f.events([c.switch(2000, 1, -2**63, 6, 1)])
f.write(\"first.cdict\")
" &&
	for f in later first; do
		test_expect_code 1 perfwhiz-dash -q --json $f.cdict >out 2>err &&
		grep -q "^perfwhiz-dash: corrupt input '\''$f.cdict'\'' at offset 0x[0-9a-f]*: switch prev tid out of range$" err &&
		test_one_line err || exit 1
	done
'

test_expect_success 'a cpu of INT64_MIN: corrupt, one line' '
	py "
m = c.ev_chunk([c.switch(1000, 0, 2, 5, 1), c.switch(2000, 0, 0, 6, 1)])
m[\"cpu\"] = c.planes([0, -2**63])
f = c.File(); f.meta(nr_cpus=1); f.chunk(m)
f.write(\"cpu.cdict\")
" &&
	test_expect_code 1 perfwhiz-dash -q --json cpu.cdict >out 2>err &&
	echo "perfwhiz-dash: corrupt input '\''cpu.cdict'\'' at offset 0x50: cpu -9223372036854775808 out of range" >expect &&
	test_cmp expect err
'

test_done
