#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t3000-plugin-timehist: perfwhiz.so on a real capture of pw-workload, per task
# against perf sched timehist -s on the same perf.data (runtime within 1% or
# 1 ms, sched-in within 1), plus what the workload's design fixes.
. "$(dirname "$0")/../lib.sh"

PLUGIN=$BUILD/perfwhiz.so
DUMP=$BUILD/tests/cdict-dump

test_expect_success 'record pw-workload with perf record -a' '
	perf record -q -e sched:sched_switch -e sched:sched_wakeup \
		-e sched:sched_migrate_task -a -o rec.data -- \
		"$BUILD"/pw-workload -d 1.5 2>record.err &&
	test -s rec.data
'

test_expect_success 'the plugin converts it, prints nothing on stdout, and a summary' '
	perf script -i rec.data --dlfilter "$PLUGIN" --dlarg out=rec.cdict \
		>out.txt 2>summary.txt &&
	test ! -s out.txt &&
	test -s rec.cdict &&
	grep "^perfwhiz: wrote .rec.cdict. from .rec.data.$" summary.txt &&
	grep "^perfwhiz: [0-9]* samples, [0-9]* events stored: sched_switch [0-9]* sched_wakeup [0-9]* " summary.txt &&
	grep "^perfwhiz: 0 samples failed validation$" summary.txt &&
	grep "^perfwhiz: output [0-9]* bytes, [0-9.]* bytes/event" summary.txt &&
	"$DUMP" rec.cdict >rec.json
'

test_expect_success 'every sample is accounted for: stored switches+wakeups+migrations = perf script counts' '
	perf script -i rec.data -F event 2>/dev/null | sort | uniq -c |
		awk "{print \$2, \$1}" | sort >expect.counts &&
	jq -r ".events | to_entries[] | select(.key != \"task\") | \"sched:\(.key): \(.value)\"" \
		rec.json | sort >actual.counts &&
	test_cmp expect.counts actual.counts &&
	samples=$(jq ".stats.plugin.samples" rec.json) &&
	test "$samples" -eq "$(awk "{s += \$2} END {print s}" expect.counts)"
'

test_expect_success 'per task: runtime and sched-in match perf sched timehist -s' '
	perf sched timehist -s -i rec.data >timehist.txt 2>/dev/null &&
	/usr/bin/python3 - rec.json timehist.txt <<-\PY
	import json, re, sys
	d = json.load(open(sys.argv[1]))
	th = {}
	for line in open(sys.argv[2]):
	    m = re.match(r"\s*(\S.*?)\[(\d+)(?:/(\d+))?\]\s+(\d+)\s+(\d+)\s+([\d.]+)\s", line)
	    if m:
	        th[int(m.group(2))] = (m.group(1), int(m.group(5)), float(m.group(6)))
	tasks = {t["tid"]: t for t in d["tasks"]}
	checked = 0
	for tid, t in tasks.items():
	    if not t["name"].startswith("pw-"):
	        continue
	    assert tid in th, "tid %d (%s) not in timehist" % (tid, t["name"])
	    comm, sched_in, run_ms = th[tid]
	    # timehist leaves out the last slice of a thread that exited (state X)
	    ours_in = t["switches"] - t["dead_switches"]
	    ours_ms = (t["runtime_ns"] - t["dead_runtime_ns"]) / 1e6
	    print(tid, t["name"], comm, "sched-in", ours_in, sched_in, "run ms", ours_ms, run_ms)
	    assert comm == t["name"], (comm, t["name"])
	    assert abs(ours_in - sched_in) <= 1, (tid, ours_in, sched_in)
	    assert abs(ours_ms - run_ms) <= max(1.0, 0.01 * run_ms), (tid, ours_ms, run_ms)
	    checked += 1
	assert checked == 6, checked
	PY
'

test_expect_success 'the workload threads: names, tgid, the rename, the spinner (born pinned) never migrates' '
	main=$(jq "[.tasks[] | select(.name == \"pw-workload\")][0].tid" rec.json) &&
	for n in pw-spin pw-duty pw-ping pw-pong pw-after; do
		jq -e --arg n "$n" --argjson p "$main" \
			"[.tasks[] | select(.name == \$n and .pid == \$p)] | length == 1" rec.json ||
		{ echo "no $n in process $main"; exit 1; }
	done &&
	jq -e "[.tasks[] | select(.name == \"pw-after\")][0].names[-2:] == [\"pw-before\", \"pw-after\"]" rec.json &&
	jq -e "[.tasks[] | select(.name == \"pw-spin\")][0].migrations == 0" rec.json &&
	pp=$(jq "[.tasks[] | select(.name == \"pw-pong\")][0].voluntary" rec.json) &&
	test "$pp" -gt 100
'

test_expect_success 'metadata comes from the perf.data header' '
	jq -e ".meta.hostname == \"$(hostname)\"" rec.json &&
	jq -e ".meta.kernel == \"$(uname -r)\"" rec.json &&
	jq -e ".meta.nr_cpus == $(nproc)" rec.json &&
	jq -e ".meta.source == \"rec.data\"" rec.json &&
	jq -e ".meta.capture_time == $(stat -c %Y rec.data)" rec.json &&
	jq -e ".meta.tracepoints == [\"sched:sched_switch\", \"sched:sched_wakeup\", \"sched:sched_migrate_task\"]" rec.json &&
	jq -e ".meta.cmdline | test(\"perf record .* -o rec.data\")" rec.json
'

test_expect_success 'deterministic: converting twice gives the same bytes' '
	perf script -i rec.data --dlfilter "$PLUGIN" --dlarg out=again.cdict --dlarg quiet 2>quiet.err &&
	test ! -s quiet.err &&
	cmp rec.cdict again.cdict
'

test_expect_success 'the input is found from perf -i, and out defaults beside it' '
	mkdir sub && cp rec.data sub/x.data &&
	perf script -i sub/x.data --dlfilter "$PLUGIN" --dlarg quiet &&
	test -s sub/x.cdict &&
	"$DUMP" sub/x.cdict | jq -e ".meta.source == \"sub/x.data\""
'

test_done
