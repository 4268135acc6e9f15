#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t9703: KVM exit reasons are any uint32 a file holds; perfwhiz-dash keeps
# at most 1,024 distinct ones per file (PW_AN_REASONS_MAX, refused past
# it) and finds a task's without a search through them all (a hash past
# the codes below 128).
. "$(dirname "$0")/../lib.sh"
. "$SRCDIR/tests/tools/bounds.sh"

# reasons.cdict: a vCPU thread (tid 7) on cpu 0 exiting with reasons
# 1000 .. 1000 + N - 1, in turn, each followed by an entry, R rounds
mk_reasons() {
	craft <<-EOF
	f = c.File(); f.meta(nr_cpus=1)
	evs, t = [c.task(1000, 0, 7, 7, 0), c.switch(1000, 0, 1, 7, 0)], 1000
	for r in range($2):
	    for k in range($1):
	        t += 10
	        evs.append(c.kvm_exit(t, 0, 7, 1000 + k, 1 + (k & 1)))
	        t += 10
	        evs.append(c.kvm_entry(t, 0, 7))
	for i in range(0, len(evs), 65536):
	    f.events(evs[i:i + 65536], strs=["CPU 0/KVM"] if i == 0 else None)
	f.trailer(len(evs), 1000, t, tasks=2, chunks=(len(evs) + 65535) // 65536)
	f.write("$3")
	EOF
}

test_expect_success '1,025 distinct exit reasons: refused, naming the limit' '
	mk_reasons 1025 1 over.cdict &&
	test_expect_code 1 run_bounded 100000 10 perfwhiz-dash -q --json over.cdict >out 2>err &&
	echo "perfwhiz-dash: too many kvm exit reasons in '\''over.cdict'\'': more than 1024 distinct (the limit)" >expect &&
	test_cmp expect err
'

test_expect_success '1,024 distinct reasons, 100 exits each: every output in bounded time and memory' '
	mk_reasons 1024 100 many.cdict &&
	run_bounded 200000 20 perfwhiz-dash -q --json many.cdict >many.json &&
	test "$(jq "[.runs[0].tasks[] | select(.tid == 7) | .kvm.reasons | length] | .[0]" many.json)" = 1024 &&
	test "$(jq "[.runs[0].tasks[] | select(.tid == 7) | .kvm.reasons[] | .count] | add" many.json)" = 102400 &&
	run_bounded 600000 60 perfwhiz-dash -q --headless --charts --heatmaps many.cdict &&
	test -s many-heatmaps.html && test -s many-charts.html
'

test_done
