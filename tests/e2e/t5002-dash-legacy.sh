#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t5002-dash-legacy.sh: a file of the original perfwhiz (zlib + msgpack columns), figures computed by hand.
. "$(dirname "$0")/../lib.sh"

if ! /usr/bin/python3 -c "import msgpack" 2>/dev/null; then
	test_skip 'legacy file' 'needs python3-msgpack'
	test_done; exit 0
fi
j() { jq -r "$1" out.json; }

# the rows are listed in tests/fixtures/legacy/make-small.py (times in µs):
# cpu0: swapper/0 -> app(10) @0, app -> swapper/0 @400; cpu1: swapper/1 ->
# db(20) @50, db -> app @700, app -> swapper/1 @1000; app exits HLT @100
# (entry @130) and IO_INSTRUCTION @200 (entry @260); one sched_wakeup row
# (not a legacy event type) is skipped.
test_expect_success 'make the legacy file with python3 + msgpack' '
	/usr/bin/python3 "$SRCDIR/tests/fixtures/legacy/make-small.py" small.cdict &&
	cmp small.cdict "$SRCDIR/tests/fixtures/legacy/small.cdict"
'

test_expect_success 'per task figures' '
	perfwhiz-dash -q --json small >out.json &&
	test "$(j .runs[0].window_ns)" = 1000000 &&
	test "$(j .runs[0].quality.legacy)" = true &&
	j ".runs[0].tasks[] | [.tid,.name,.runtime_ns,.switches,.voluntary,.involuntary,.sched_in] | @tsv" >got &&
	printf "%s\n" "10	app	700000	2	0	0	2" "20	db	650000	1	0	0	1" \
		"0	swapper/0	600000	1	0	0	1" "0	swapper/1	50000	1	0	0	1" >want &&
	test_cmp want got
'

test_expect_success 'kvm exits, host and guest time' '
	test "$(j ".runs[0].tasks[0].kvm | [.exits.HLT, .exits.IO_INSTRUCTION, .host_ns, .guest_ns] | @tsv")" = "$(printf "1\t1\t90000\t70000")" &&
	test "$(j ".runs[0].tasks[0].kvm.reasons.IO_INSTRUCTION.max_ns")" = 60000
'

test_expect_success 'quality: switches without state, skipped rows' '
	test "$(j .runs[0].quality.unknown_state_switches)" = 5 &&
	test "$(j .runs[0].quality.legacy_skipped)" = 1 &&
	perfwhiz-dash --json small >/dev/null 2>err &&
	grep -q "5 switches without prev_state" err
'

test_expect_success 'task x cpu and per cpu' '
	test "$(j ".runs[0].tasks[0].cpus | map([.cpu,.runtime_ns]) | tojson")" = "[[0,400000],[1,300000]]" &&
	test "$(j ".runs[0].cpus | map([.cpu,.busy_ns,.idle_ns]) | tojson")" = "[[0,400000,600000],[1,950000,50000]]"
'

test_done
