#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t5004-dash-truth.sh: mkperfdata -> perf script --dlfilter perfwhiz.so -> perfwhiz-dash --json equals the generator's ground truth exactly.
. "$(dirname "$0")/../lib.sh"

if ! [ -x "$BUILD/mkperfdata" ] || ! [ -f "$BUILD/perfwhiz.so" ] || ! command -v perf >/dev/null; then
	test_skip 'dash equals ground truth' 'needs build/mkperfdata, build/perfwhiz.so and perf'
	test_done; exit 0
fi

# compare TRUTH DASH: every task's runtime, switches (voluntary, involuntary),
# sched-in, migrations, name, KVM exits per reason, host and guest time, idle
# per cpu and the window, to the ns and the count
cat >cmp.py <<'EOF'
import json, sys
truth = json.load(open(sys.argv[1])); got = json.load(open(sys.argv[2]))
run = got["runs"][0]
tasks = {t["tid"]: t for t in run["tasks"] if t["tid"] != 0}
bad = 0
def no(*a):
    global bad
    print(*a); bad += 1
for t in truth["tasks"]:
    g = tasks.get(t["tid"])
    if g is None:
        no("missing tid", t["tid"]); continue
    for k in ("runtime_ns", "switches", "voluntary", "involuntary", "sched_in", "migrations", "name"):
        if g[k] != t[k]:
            no(t["tid"], k, "want", t[k], "got", g[k])
    if "kvm" in t:
        for k in ("host_ns", "guest_ns", "exits"):
            if g["kvm"][k] != t["kvm"][k]:
                no(t["tid"], "kvm", k, "want", t["kvm"][k], "got", g["kvm"][k])
    elif g["kvm"]["count"]:
        no(t["tid"], "unexpected kvm exits")
idle = {t["idle_cpu"]: t["runtime_ns"] for t in run["tasks"] if t["tid"] == 0}
for c in truth["idle"]:
    if idle.get(c["cpu"]) != c["runtime_ns"]:
        no("idle cpu", c["cpu"], "want", c["runtime_ns"], "got", idle.get(c["cpu"]))
if run["window_ns"] != truth["window_ns"]:
    no("window want", truth["window_ns"], "got", run["window_ns"])
print("tasks compared:", len(truth["tasks"]), "mismatches:", bad)
sys.exit(1 if bad else 0)
EOF

check() {
	mkperfdata -o gen.data -t truth.json "$@" &&
	perf script -i gen.data --dlfilter "$BUILD/perfwhiz.so" --dlarg out=gen.cdict --dlarg quiet >/dev/null 2>perf.err &&
	perfwhiz-dash -q --json gen.cdict >dash.json &&
	/usr/bin/python3 cmp.py truth.json dash.json
}

test_expect_success 'vmx, 2 cpus, one VM' 'check -c 2 --vms 1 --vcpus 2 --tasks 2 -d 20 -s 3'
test_expect_success 'svm, 4 cpus, two VMs' 'check --isa svm -c 4 --vms 2 --vcpus 3 --tasks 5 -d 50 -s 7'
test_expect_success 'old kvm_exit layout, 20000 samples' 'check --kvm-exit-format old -c 3 -n 20000 -s 11'
test_expect_success 'no kvm tracepoints' 'check --no-kvm -c 2 --tasks 6 -d 30 -s 5'
test_expect_success 'sched_switch only' 'check --only-switch -c 2 --tasks 3 -d 30 -s 9'

test_done
