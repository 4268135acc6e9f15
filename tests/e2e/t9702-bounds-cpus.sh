#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t9702: cpu numbers are bounded (< 65,536, PW_MAX_CPUS) and cost what the
# cpus with events need, not the highest number: a file naming cpu 65,535
# took 1 GB with --heatmaps; 32 tasks on 65,536 cpus took 104 s for --list
# (a linear search of a task's cpus at every new one).
. "$(dirname "$0")/../lib.sh"
. "$SRCDIR/tests/tools/bounds.sh"

test_expect_success 'two switches on cpu 65,535: every output small' '
	craft <<-\EOF &&
	f = c.File(); f.meta(nr_cpus=4)
	f.events([c.switch(1000, 65535, 2, 5, 1), c.switch(2000, 65535, 0, 6, 1)])
	f.trailer(2, 1000, 2000, tasks=3)
	f.write("high.cdict")
	EOF
	run_bounded 60000 10 perfwhiz-dash -q --headless --charts --heatmaps --output-dir . high.cdict &&
	test -s high-heatmaps.html && test -s high-charts.html &&
	run_bounded 60000 10 perfwhiz-dash -q --json high.cdict >high.json &&
	test "$(jq -c "[.runs[0].cpus[].cpu]" high.json)" = "[65535]" &&
	test "$(jq .runs[0].nr_cpus high.json)" = 65536
'

test_expect_success 'cpu 65,536: corrupt, named with its chunk' '
	craft <<-\EOF &&
	f = c.File(); f.meta(nr_cpus=4)
	f.events([c.switch(1000, 1, 2, 5, 1), c.switch(2000, 65536, 2, 6, 1)])
	f.write("over.cdict")
	EOF
	test_expect_code 1 perfwhiz-dash -q --json over.cdict >out 2>err &&
	echo "perfwhiz-dash: corrupt input '\''over.cdict'\'' at offset 0x50: cpu 65536 out of range" >expect &&
	test_cmp expect err
'

test_expect_success '32 tasks on each of 65,536 cpus: --list and --json in seconds' '
	craft <<-\EOF &&
	f = c.File(); f.meta(nr_cpus=1)
	evs, t = [], 1000
	for cpu in range(65536):
	    for k in range(33):
	        t += 1
	        evs.append(c.switch(t, cpu, 0 if k else 1 + 1, 1 + (k % 32) + 1, 1))
	for i in range(0, len(evs), 65536):
	    f.events(evs[i:i + 65536])
	f.trailer(len(evs), 1001, t, tasks=33)
	f.write("wide.cdict")
	EOF
	test $(stat -c %s wide.cdict) -lt 300000 &&
	run_bounded 300000 20 perfwhiz-dash -q --list wide.cdict >list &&
	test "$(sed -n 4p list)" = "     65536        1       -1  :1" &&
	run_bounded 500000 30 perfwhiz-dash -q --json wide.cdict >wide.json &&
	test "$(jq ".runs[0].cpus | length" wide.json)" = 65536 &&
	test "$(jq "[.runs[0].tasks[].cpus | length] | max" wide.json)" = 65536
'

test_expect_success '64 tasks on each of 4,096 cpus: --heatmaps refused past 512 MiB (PW_HM_BYTES_MAX)' '
	craft <<-\EOF &&
	f = c.File(); f.meta(nr_cpus=1)
	evs, t = [], 1000
	for cpu in range(4096):
	    for k in range(65):
	        t += 1
	        evs.append(c.switch(t, cpu, 0 if k else 1 + 1, 1 + (k % 64) + 1, 1))
	for i in range(0, len(evs), 65536):
	    f.events(evs[i:i + 65536])
	f.trailer(len(evs), 1001, t, tasks=65)
	f.write("maps.cdict")
	EOF
	test_expect_code 1 run_bounded 900000 30 perfwhiz-dash -q --headless --heatmaps maps.cdict >out 2>err &&
	echo "perfwhiz-dash: the heatmaps of '\''maps.cdict'\'' need more than 512 MiB (the limit): select fewer tasks with -t" >expect &&
	test_cmp expect err && test ! -e maps-heatmaps.html &&
	run_bounded 300000 30 perfwhiz-dash -q --headless --heatmaps -t 2 maps.cdict &&
	test -s maps-heatmaps.html
'

test_expect_success '50,000 chunks of one event, cpu 65,535 among them: --heatmaps in seconds' '
	craft <<-\EOF &&
	f = c.File(); f.meta(nr_cpus=1)
	t = 1000
	f.events([c.switch(t, 65535, 2, 5, 1)])
	for k in range(50000):
	    t += 10
	    f.events([c.switch(t, k % 2, 0 if k >= 2 else 2, 5 + (k % 7), 1)])
	f.trailer(50001, 1000, t, tasks=8, chunks=50001)
	f.write("tiny.cdict")
	EOF
	run_bounded 200000 30 perfwhiz-dash -q --headless --heatmaps tiny.cdict &&
	test -s tiny-heatmaps.html
'

test_done
