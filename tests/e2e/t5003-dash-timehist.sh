#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t5003-dash-timehist.sh: a real recording: perfwhiz-dash per task against perf sched timehist -s (runtime within 1% or 1 ms, sched-in within 1).
. "$(dirname "$0")/../lib.sh"

if ! [ -f "$BUILD/perfwhiz.so" ] || ! command -v perf >/dev/null ||
   ! perf record -q -a -e sched:sched_switch -o probe.data -- true >/dev/null 2>&1; then
	test_skip 'dash vs perf sched timehist' 'needs build/perfwhiz.so and perf record -a'
	test_done; exit 0
fi

test_expect_success 'record a small workload' '
	perf record -q -a -e sched:sched_switch -e sched:sched_wakeup -e sched:sched_migrate_task \
		-o rec.data -- sh -c "i=0; while [ \$i -lt 100000 ]; do i=\$((i+1)); done; sleep 0.2" \
		>/dev/null 2>&1 &&
	perf script -i rec.data --dlfilter "$BUILD/perfwhiz.so" --dlarg out=rec.cdict --dlarg quiet >/dev/null 2>&1 &&
	perfwhiz-dash -q --json rec.cdict >dash.json &&
	perf sched timehist -s -i rec.data 2>/dev/null >timehist.txt &&
	perf sched timehist -i rec.data 2>/dev/null >timehist-events.txt &&
	perf script -i rec.data -F cpu,time,trace 2>/dev/null >switches.txt
'

# timehist counts only slices that end inside the capture (docs/architecture.md, "Reduction semantics"): a task
# still running at the end has one sched-in less and lacks its open slice,
# from its last switch-in to the last event; add those back before comparing.
# It also skips each CPU's first slice (its start is unknown), which
# perfwhiz-dash counts from the first event: take those off.
# And when a task's EXIT record sorts before its last switch-out (prev_state
# X), timehist no longer finds the thread and books that slice to ":-1[-1]":
# give each such slice back to the prev_pid of the switch at that cpu and time.
cat >cmp.py <<'EOF'
import json, re, sys
dash = json.load(open("dash.json"))["runs"][0]
end_ns = dash["last_ns"]
first_ns = dash["first_ns"]
last_in = {}
first_slice = {}
first_count = {}
seen_cpu = set()
switch_prev = {}
for line in open("switches.txt"):
    m = re.match(r"\s*\[(\d+)\]\s+(\d+)\.(\d+):.*prev_pid=(\d+).*next_pid=(\d+)", line)
    if m:
        cpu = int(m.group(1))
        t = int(m.group(2)) * 10**9 + int(m.group(3)) * 10**(9 - len(m.group(3)))
        if cpu not in seen_cpu:
            seen_cpu.add(cpu)
            prev = int(m.group(4))
            first_slice[prev] = first_slice.get(prev, 0) + (t - first_ns)
            first_count[prev] = first_count.get(prev, 0) + 1
        last_in[cpu] = (int(m.group(5)), t)
        switch_prev[(cpu, m.group(2) + "." + m.group(3))] = int(m.group(4))
orphan = {}
for line in open("timehist-events.txt"):
    m = re.match(r"^\s*(\d+\.\d+)\s+\[(\d+)\]\s+:-1\[-1\]\s+\S+\s+\S+\s+([\d.]+)\s*$", line)
    if m:
        tid = switch_prev.get((int(m.group(2)), m.group(1)))
        if tid is None:
            print("timehist :-1 slice at", m.group(1), "cpu", m.group(2), "has no switch"); sys.exit(1)
        s, r = orphan.get(tid, (0, 0))
        orphan[tid] = (s + 1, r + float(m.group(3)) * 1e6)
open_slice = {}
for cpu, (tid, t) in last_in.items():
    if tid:
        open_slice[tid] = open_slice.get(tid, 0) + (end_ns - t)
th = {}
for line in open("timehist.txt"):
    m = re.match(r"^\s*(.*)\[(\d+)(?:/\d+)?\]\s+(-?\d+)\s+(\d+)\s+([\d.]+)\s", line)
    if m and int(m.group(2)):
        tid = int(m.group(2))
        s, r = th.get(tid, (0, 0))
        th[tid] = (s + int(m.group(4)), r + float(m.group(5)) * 1e6)
for tid, (s, r) in orphan.items():
    if tid in th:
        th[tid] = (th[tid][0] + s, th[tid][1] + r)
tasks = {t["tid"]: t for t in dash["tasks"] if t["tid"]}
bad = n = 0
for tid, (sched_in, run_ns) in th.items():
    g = tasks.get(tid)
    if g is None:
        print("tid", tid, "missing"); bad += 1; continue
    n += 1
    want_rt = run_ns + open_slice.get(tid, 0) + first_slice.get(tid, 0)
    # timehist counts a sched-in per slice that ends; a CPU's first slice
    # ends without a switch-in inside the capture
    want_in = sched_in + (1 if tid in open_slice else 0) - first_count.get(tid, 0)
    if abs(g["runtime_ns"] - want_rt) > max(1e6, 0.01 * want_rt):
        print("tid", tid, g["name"], "runtime", g["runtime_ns"], "timehist", run_ns, "+open", open_slice.get(tid, 0), "+first", first_slice.get(tid, 0)); bad += 1
    # timehist really counts switch-outs; with lost events (a busy shared
    # machine) switch-ins and -outs differ by the switches perfwhiz-dash
    # reports as quality.switch_mismatch
    if abs(g["sched_in"] - want_in) > 1 + dash["quality"]["switch_mismatch"]:
        print("tid", tid, g["name"], "sched_in", g["sched_in"], "timehist", sched_in); bad += 1
print("tasks compared:", n, "mismatches:", bad)
sys.exit(1 if bad or n < 3 else 0)
EOF

test_expect_success 'per task runtime and sched-in match perf sched timehist -s' '
	/usr/bin/python3 cmp.py
'

test_expect_success 'per cpu busy + idle covers the window' '
	jq -e ".runs[0] | .window_ns as \$w | all(.cpus[]; (.busy_ns + .idle_ns) <= \$w)" dash.json >/dev/null
'

test_done
