#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t9701: the tasks a file names bound what perfwhiz-dash holds: past
# PW_AN_TASKS_MAX (262,144) the file is refused, naming the limit; below,
# every output is made in memory that follows the tasks (the heatmaps'
# series halve their bins rather than take 6 KiB a task: PW_AN_SERIES_BYTES).
# A 26 KB file naming a million tasks took 7.4 GB with --heatmaps.
. "$(dirname "$0")/../lib.sh"
. "$SRCDIR/tests/tools/bounds.sh"

# tasks.cdict: N tids, each switched in once on one of 4 cpus
mk_tasks() {
	craft <<-EOF
	f = c.File(); f.meta(nr_cpus=4)
	evs, t = [], 1000
	for tid in range(1, $1 + 1):
	    t += 1
	    evs.append(c.switch(t, tid % 4, 0 if tid > 4 else 1, tid, 0))
	for i in range(0, len(evs), 65536):
	    f.events(evs[i:i + 65536])
	f.trailer(len(evs), 1001, t, tasks=$1 + 1, chunks=(len(evs) + 65535) // 65536)
	f.write("$2")
	EOF
}

test_expect_success 'a file naming a million tasks: refused at the 262,145th, every output' '
	craft <<-\EOF &&
	f = c.File(); f.meta(nr_cpus=1)
	evs = [c.switch(1000, 0, 1, 0, 0)] + [c.wakeup(1000 + k, 0, k) for k in range(1, 1000001)]
	for i in range(0, len(evs), 65536):
	    f.events(evs[i:i + 65536])
	f.trailer(len(evs), 1000, 1000000 + 1000, tasks=1000001, chunks=(len(evs) + 65535) // 65536)
	f.write("million.cdict")
	EOF
	test $(stat -c %s million.cdict) -lt 100000 &&
	echo "perfwhiz-dash: too many tasks in '\''million.cdict'\'': more than 262144 (the limit)" >expect &&
	for o in --json --list --heatmaps --charts; do
		test_expect_code 1 run_bounded 600000 30 perfwhiz-dash -q --headless $o million.cdict >out 2>err &&
		test_cmp expect err && test ! -s out || exit 1
	done &&
	test ! -e million-heatmaps.html && test ! -e million-charts.html
'

test_expect_success '262,141 tids and 4 idle tasks: refused; 262,140 and 4: read' '
	mk_tasks 262141 over.cdict &&
	test_expect_code 1 run_bounded 600000 30 perfwhiz-dash -q --json over.cdict >out 2>err &&
	echo "perfwhiz-dash: too many tasks in '\''over.cdict'\'': more than 262144 (the limit)" >expect &&
	test_cmp expect err &&
	mk_tasks 262140 at.cdict &&
	run_bounded 800000 30 perfwhiz-dash -q --json at.cdict >at.json &&
	test "$(jq ".runs[0].tasks | length" at.json)" = 262144
'

test_expect_success '200,000 tasks: --heatmaps and --list in bounded memory and time' '
	mk_tasks 200000 many.cdict &&
	run_bounded 1000000 60 perfwhiz-dash -q --headless --heatmaps --output-dir . many.cdict 2>err &&
	echo "perfwhiz-dash: note: '\''many.cdict'\'': 199936 more selected tasks have no heatmaps (at most 64 per page): select them with -t" >expect &&
	test_cmp expect err &&
	test -s many-heatmaps.html &&
	run_bounded 600000 60 perfwhiz-dash -q --list many.cdict >list &&
	test $(wc -l <list) = 200007
'

# each task woken twice: a wait of 1 ns, then one of about 2^62 ns; a
# histogram allocated every bucket between its values (15 KB a task)
test_expect_success '50,000 tasks with waits 2^62 apart: their histograms small' '
	craft <<-\EOF &&
	f = c.File(); f.meta(nr_cpus=1)
	N = 50000
	evs, t = [c.switch(1000, 0, 1, 0, 1)], 1000
	for tid in range(1, N + 1):
	    evs += [c.wakeup(t + 1, 0, tid), c.switch(t + 2, 0, 0, tid, 1),
	            c.switch(t + 3, 0, 0, 0, 1), c.wakeup(t + 4, 0, tid)]
	    t += 4
	t = 2**62
	for tid in range(1, N + 1):
	    evs += [c.switch(t + 1, 0, 0, tid, 1), c.switch(t + 2, 0, 0, 0, 1)]
	    t += 2
	for i in range(0, len(evs), 65536):
	    f.events(evs[i:i + 65536])
	f.trailer(len(evs), 1000, t, tasks=N + 1, chunks=(len(evs) + 65535) // 65536)
	f.write("waits.cdict")
	EOF
	test $(stat -c %s waits.cdict) -lt 50000 &&
	run_bounded 300000 30 perfwhiz-dash -q --json waits.cdict >waits.json &&
	test "$(jq -c "[.runs[0].tasks[] | select(.tid == 7) | .waits, .wait_p50_ns][]" waits.json | tr "\n" " ")" = "2 1 " &&
	grep -q "\"max_wait_ns\":46116860184273[0-9]*," waits.json
'

test_done
