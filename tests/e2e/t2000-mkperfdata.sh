#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t2000-mkperfdata: build/mkperfdata writes perf.data files that perf 6.1 reads
# without a warning, and its ground truth agrees with perf's own tools
# (perf script, perf sched timehist, perf kvm stat) as independent oracles.
. "$(dirname "$0")/../lib.sh"

# check.py MODE TRUTH INPUT: compares one oracle's output with the truth
cat >check.py <<'EOF'
import json, re, sys
mode, truth, inp = sys.argv[1], json.load(open(sys.argv[2])), sys.argv[3]
fail = []
def want(cond, msg):
    if not cond: fail.append(msg)
tasks = {t["tid"]: t for t in truth["tasks"]}
if mode == "script":      # perf script text: counts per event, states per task
    counts, vol, invol, mig = {}, {}, {}, {}
    for line in open(inp):
        m = re.search(r" (sched|kvm):(\w+): ", line)
        if not m: continue
        counts[m.group(2)] = counts.get(m.group(2), 0) + 1
        s = re.search(r"prev_pid=(\d+) prev_prio=\d+ prev_state=(\S+) ==>", line)
        if s and s.group(1) != "0":
            d = invol if s.group(2) in ("R", "R+") else vol
            d[int(s.group(1))] = d.get(int(s.group(1)), 0) + 1
        s = re.search(r"sched_migrate_task: comm=.* pid=(\d+) prio", line)
        if s: mig[int(s.group(1))] = mig.get(int(s.group(1)), 0) + 1
    want(counts == {k: v for k, v in truth["events"].items() if v}, "events %s != truth %s" % (counts, truth["events"]))
    want(sum(counts.values()) == truth["samples"], "samples %d != %d" % (sum(counts.values()), truth["samples"]))
    for tid, t in tasks.items():
        want(vol.get(tid, 0) == t["voluntary"], "tid %d voluntary %d != %d" % (tid, vol.get(tid, 0), t["voluntary"]))
        want(invol.get(tid, 0) == t["involuntary"], "tid %d involuntary %d != %d" % (tid, invol.get(tid, 0), t["involuntary"]))
        want(mig.get(tid, 0) == t["migrations"], "tid %d migrations %d != %d" % (tid, mig.get(tid, 0), t["migrations"]))
elif mode == "timehist":  # perf sched timehist -s -M: sched-in, run time (ms), migrations
    th = {t["tid"]: t for t in truth["oracles"]["perf_sched_timehist"]}
    seen = set()
    for line in open(inp):
        m = re.match(r"^\s*(.*)\[(\d+)(?:/(\d+))?\]\s+-?\d+\s+(\d+)\s+([\d.]+)\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+(\d+)\s*$", line)
        if not m: continue
        tid, n, ms, migr = int(m.group(2)), int(m.group(4)), float(m.group(5)), int(m.group(6))
        seen.add(tid)
        want(tid in th, "timehist lists tid %d, truth does not" % tid)
        if tid not in th: continue
        want(m.group(1) == tasks[tid]["name"], "tid %d name %r != %r" % (tid, m.group(1), tasks[tid]["name"]))
        want(n == th[tid]["sched_in"], "tid %d sched-in %d != %d" % (tid, n, th[tid]["sched_in"]))
        # timehist prints whole microseconds, truncated
        want(round(ms * 1000) == th[tid]["runtime_ns"] // 1000, "tid %d run-time %.3f ms != %d ns" % (tid, ms, th[tid]["runtime_ns"]))
        want(migr == tasks[tid]["migrations"], "tid %d migrations %d != %d" % (tid, migr, tasks[tid]["migrations"]))
        # timehist counts each closed slice: one per switch-out
        want(n == tasks[tid]["switches"], "tid %d sched-in %d != switches %d" % (tid, n, tasks[tid]["switches"]))
        want(th[tid]["runtime_ns"] <= tasks[tid]["runtime_ns"], "tid %d timehist runtime above truth" % tid)
    want(seen == set(th), "timehist tids %s != truth %s" % (sorted(seen), sorted(th)))
elif mode == "kvmstat":   # perf kvm stat report --event=vmexit
    ks = truth["oracles"]["perf_kvm_stat"]
    got, total = {}, None
    for line in open(inp):
        m = re.match(r"^\s*(\S+)\s+(\d+)\s+[\d.]+%\s+[\d.]+%", line)
        if m: got[m.group(1)] = int(m.group(2))
        m = re.search(r"Total Samples:(\d+), Total events handled time:([\d.]+)us", line)
        if m: total = (int(m.group(1)), float(m.group(2)))
    want(got == ks["exits"], "exits %s != %s" % (got, ks["exits"]))
    want(total is not None and total[0] == sum(ks["exits"].values()), "total samples %s" % (total,))
    want(total is not None and abs(total[1] * 1000 - ks["time_ns"]) <= 6, "total time %s us != %d ns" % (total, ks["time_ns"]))
    # perf counts an exit only with its entry, and only after the thread's
    # first entry: at most two exits per vCPU thread fewer than the truth
    exits, nv = {}, 0
    for t in truth["tasks"]:
        if "kvm" not in t: continue
        nv += 1
        for r, n in t["kvm"]["exits"].items(): exits[r] = exits.get(r, 0) + n
    want(sum(exits.values()) == truth["events"]["kvm_exit"], "per-task exits do not add up to kvm_exit")
    for r, n in exits.items():
        want(0 <= n - got.get(r, 0), "reason %s: perf %d > truth %d" % (r, got.get(r, 0), n))
    want(0 <= sum(exits.values()) - sum(got.values()) <= 2 * nv, "too many unpaired exits")
    host = sum(t["kvm"]["host_ns"] for t in truth["tasks"] if "kvm" in t)
    want(ks["time_ns"] <= host, "perf time above truth host time")
elif mode == "window":    # every CPU's window is shared out among its tasks and idle
    ncpu_seen = len(truth["idle"])
    total = sum(t["runtime_ns"] for t in truth["tasks"]) + sum(i["runtime_ns"] for i in truth["idle"])
    cpus = set(int(l) for l in open(inp).read().split())
    want(total == len(cpus) * truth["window_ns"], "runtime sum %d != %d cpus x %d" % (total, len(cpus), truth["window_ns"]))
    want(truth["window_ns"] == truth["last_ns"] - truth["first_ns"], "window")
for f in fail: print(f)
sys.exit(1 if fail else 0)
EOF

# perf_ok FILE: perf script reads FILE with nothing on stderr, output in FILE.txt
perf_ok() {
	perf script -i "$1" >"$1.txt" 2>"$1.err" &&
	if [ -s "$1.err" ]; then cat "$1.err" >&2; return 1; fi
}

test_expect_success '--help lists every option the code accepts' '
	mkperfdata --help >help.txt &&
	sed -n "/static const struct option lo\[\]/,/};/p" "$SRCDIR/tests/tools/mkperfdata.c" |
		grep -o "{ \"[a-z-]*\"" | sed "s/{ \"//; s/\"//" >longopts &&
	test $(wc -l <longopts) -ge 14 &&
	while read -r o; do
		grep -q -- "--$o\b" help.txt || { echo "missing --$o in --help"; exit 1; }
		grep -q -- "--$o\b" "$SRCDIR/docs/mkperfdata.md" || { echo "missing --$o in the man page"; exit 1; }
	done <longopts &&
	for s in o t c d n s h; do grep -q -- "-$s, --" help.txt || { echo "missing -$s"; exit 1; }; done
'

test_expect_success 'bad options give one line on stderr and exit 2' '
	for args in "--cpus 0" "--cpus x" "--vms 65" "--isa arm" "--exit-mix FOO:1" \
		"--exit-mix HLT" "--exit-mix HLT:0" "--exit-mix HLT:1,HLT:2" "--kvm-exit-format mid" \
		"--events 0" "--bogus" "-q" "--output" "extra" "--isa svm --exit-mix HLT:1"; do
		test_expect_code 2 mkperfdata -o bad.data $args 2>err &&
		test_one_line err && grep -q "^mkperfdata: " err || { echo "args: $args"; exit 1; }
	done
'

test_expect_success 'default capture: perf script reads it, counts and states match the truth' '
	mkperfdata -o gen.data -t gen.json &&
	perf_ok gen.data &&
	python3 check.py script gen.json gen.data.txt &&
	grep -q "prev_state=R+ ==>" gen.data.txt &&
	grep -q "prev_state=R ==>" gen.data.txt &&
	grep -q "prev_state=D ==>" gen.data.txt &&
	grep -q "next_comm=CPU 1/KVM" gen.data.txt &&
	grep -q "comm=IO mon_iothread" gen.data.txt &&
	seq 0 3 >cpus && python3 check.py window gen.json cpus
'

test_expect_success 'same seed, same bytes; another seed, other bytes' '
	mkperfdata -o a.data -t a.json --seed 7 --cpus 3 &&
	mkperfdata -o b.data -t b.json --seed 7 --cpus 3 &&
	mkperfdata -o c.data --seed 8 --cpus 3 &&
	cmp a.data b.data && cmp a.json b.json &&
	! cmp -s a.data c.data
'

test_expect_success 'perf sched timehist agrees with the truth per task' '
	mkperfdata -o th.data -t th.json --cpus 3 --tasks 6 --vms 2 --vcpus 2 --duration 80 --seed 3 &&
	perf sched timehist -s -M -i th.data >th.txt 2>th.err &&
	python3 check.py timehist th.json th.txt
'

test_expect_success 'perf kvm stat agrees with the truth (vmx, new kvm_exit)' '
	mkperfdata -o kv.data -t kv.json --vcpus 3 --seed 5 &&
	perf kvm -i kv.data stat report --event=vmexit >kv.txt 2>&1 &&
	python3 check.py kvmstat kv.json kv.txt
'

test_expect_success 'old 5-field kvm_exit: perf script and perf kvm stat agree' '
	mkperfdata -o old.data -t old.json --kvm-exit-format old --seed 9 &&
	perf_ok old.data &&
	grep "kvm:kvm_exit:" old.data.txt >old.exits &&
	! grep -q intr_info old.exits &&
	grep -q "kvm:kvm_exit: reason EXTERNAL_INTERRUPT rip 0x[0-9a-f]* info 0 0$" old.exits &&
	python3 check.py script old.json old.data.txt &&
	perf kvm -i old.data stat report --event=vmexit >old.txt 2>&1 &&
	python3 check.py kvmstat old.json old.txt
'

test_expect_success 'svm: AMD CPUID, svm reason names in perf kvm stat' '
	mkperfdata -o svm.data -t svm.json --isa svm --seed 4 &&
	perf_ok svm.data &&
	python3 check.py script svm.json svm.data.txt &&
	perf kvm -i svm.data stat report --event=vmexit >svm.txt 2>&1 &&
	grep -q "^ *hlt " svm.txt && grep -q "^ *npf " svm.txt &&
	python3 check.py kvmstat svm.json svm.txt &&
	mkperfdata -o svmo.data -t svmo.json --isa svm --kvm-exit-format old --exit-mix msr:3,io:1,hlt:1 &&
	perf kvm -i svmo.data stat report --event=vmexit >svmo.txt 2>&1 &&
	python3 check.py kvmstat svmo.json svmo.txt
'

test_expect_success '--exit-mix: only the reasons given, in about their weights' '
	mkperfdata -o mix.data -t mix.json --exit-mix EPT_VIOLATION:3,HLT:1 --vcpus 4 --duration 100 &&
	jq -r ".oracles.perf_kvm_stat.exits | keys | join(\",\")" mix.json >keys &&
	echo EPT_VIOLATION,HLT >expect && test_cmp expect keys &&
	jq -e "([.tasks[] | select(.kvm) | .kvm.exits.EPT_VIOLATION] | add) > 2 * ([.tasks[] | select(.kvm) | .kvm.exits.HLT] | add)" mix.json
'

test_expect_success '--no-kvm and --only-switch record only what they say' '
	mkperfdata -o nk.data -t nk.json --no-kvm &&
	perf_ok nk.data && python3 check.py script nk.json nk.data.txt &&
	! grep -q "kvm:" nk.data.txt && grep -q "CPU 0/KVM" nk.data.txt &&
	jq -e ".events | keys == [\"sched_migrate_task\", \"sched_switch\", \"sched_wakeup\"]" nk.json &&
	jq -e "[.tasks[] | select(.kvm)] | length == 0" nk.json &&
	mkperfdata -o sw.data -t sw.json --only-switch --cpus 2 &&
	perf_ok sw.data && python3 check.py script sw.json sw.data.txt &&
	jq -e ".events | keys == [\"sched_switch\"]" sw.json &&
	jq -e "[.tasks[].migrations] | add == 0" sw.json &&
	perf sched timehist -s -i sw.data >sw.txt 2>&1 && python3 check.py timehist sw.json sw.txt
'

test_expect_success '--events: a few samples, exactly' '
	mkperfdata -o few.data -t few.json --events 5 &&
	perf_ok few.data &&
	test $(grep -c . few.data.txt) -eq 5 &&
	jq -e ".samples == 5" few.json && python3 check.py script few.json few.data.txt
'

test_expect_success '--events 100000 with --duration: exact count, about that span, perf agrees' '
	mkperfdata -o big.data -t big.json --events 100000 --duration 200 --cpus 8 --vms 2 --vcpus 4 --tasks 20 &&
	jq -e ".samples == 100000 and .window_ns > 100000000 and .window_ns < 400000000" big.json &&
	perf_ok big.data && python3 check.py script big.json big.data.txt &&
	seq 0 7 >cpus8 && python3 check.py window big.json cpus8 &&
	perf kvm -i big.data stat report --event=vmexit >big.txt 2>&1 &&
	python3 check.py kvmstat big.json big.txt
'

test_done
