#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t3002-plugin-kvm: perfwhiz.so on generated captures (build/mkperfdata): KVM
# exits per reason, host and guest time per vCPU thread, and switches,
# sched-in and migrations per task, equal to the generator's ground truth.
. "$(dirname "$0")/../lib.sh"

PLUGIN=$BUILD/perfwhiz.so
DUMP=$BUILD/tests/cdict-dump
GEN=$BUILD/mkperfdata

# compare NAME: NAME.cdict against the truth NAME.json, exactly
compare_truth() {
	"$DUMP" "$1.cdict" >"$1.dump" &&
	/usr/bin/python3 - "$1.dump" "$1.json" <<-\PY
	import json, sys
	ours = json.load(open(sys.argv[1]))
	truth = json.load(open(sys.argv[2]))
	tasks = {t["tid"]: t for t in ours["tasks"]}
	for k, v in truth["events"].items():
	    assert ours["events"].get(k, 0) == v, (k, ours["events"].get(k), v)
	kvm_tasks = 0
	for t in truth["tasks"]:
	    o = tasks[t["tid"]]
	    assert o["name"] == t["name"], (t["tid"], o["name"], t["name"])
	    assert o["pid"] == t["pid"] or o["pid"] == -1, (t["tid"], o["pid"], t["pid"])
	    for f in ("switches", "voluntary", "sched_in", "migrations"):
	        assert o[f] == t[f], (t["tid"], f, o[f], t[f])
	    k = t.get("kvm")
	    if k:
	        kvm_tasks += 1
	        assert o["kvm_exit_names"] == k["exits"], (t["tid"], o["kvm_exit_names"], k["exits"])
	        assert o["host_ns"] == k["host_ns"], (t["tid"], o["host_ns"], k["host_ns"])
	        assert o["guest_ns"] == k["guest_ns"], (t["tid"], o["guest_ns"], k["guest_ns"])
	    else:
	        assert not o["kvm_exits"], t["tid"]
	print("tasks", len(truth["tasks"]), "with kvm", kvm_tasks)
	PY
}

if ! test -x "$GEN"; then
	test_skip 'kvm exits, host and guest time against mkperfdata truth' 'build/mkperfdata missing'
	test_done
	exit 0
fi

test_expect_success 'VMX, new kvm_exit layout: exits per reason, host and guest ns exact' '
	"$GEN" -o vmx.data -t vmx.json -c 4 --vms 2 --vcpus 2 -d 100 -s 7 &&
	perf script -i vmx.data --dlfilter "$PLUGIN" --dlarg quiet &&
	compare_truth vmx >vmx.out &&
	grep "with kvm 4$" vmx.out
'

test_expect_success 'VMX, old 5-field kvm_exit layout' '
	"$GEN" -o old.data -t old.json -c 2 --vcpus 3 -d 60 -s 3 --kvm-exit-format old &&
	perf script -i old.data --dlfilter "$PLUGIN" --dlarg quiet &&
	compare_truth old >old.out &&
	grep "with kvm 3$" old.out
'

test_expect_success 'SVM exit reasons (decoded by isa)' '
	"$GEN" -o svm.data -t svm.json -c 2 --vcpus 2 -d 60 -s 5 --isa svm &&
	perf script -i svm.data --dlfilter "$PLUGIN" --dlarg quiet &&
	compare_truth svm >svm.out &&
	grep "with kvm 2$" svm.out &&
	"$DUMP" svm.cdict | jq -e "[.tasks[].kvm_exits | keys[]] | all(startswith(\"2:\"))"
'

test_expect_success 'the exits also match perf kvm stat report' '
	perf kvm -i vmx.data stat report --event=vmexit >kvmstat.txt 2>&1 &&
	/usr/bin/python3 - vmx.dump kvmstat.txt <<-\PY
	import json, re, sys
	ours = json.load(open(sys.argv[1]))
	tot = {}
	for t in ours["tasks"]:
	    for k, v in t["kvm_exit_names"].items():
	        tot[k] = tot.get(k, 0) + v
	rep = {}
	for line in open(sys.argv[2]):
	    m = re.match(r"\s*([A-Za-z_]+)\s+(\d+)\s+[\d.]+%", line)
	    if m:
	        rep[m.group(1)] = int(m.group(2))
	# perf kvm stat counts an exit once its entry follows: the last
	# exit of a vCPU may be missing there, so at most one per vCPU thread
	vcpus = sum(1 for t in ours["tasks"] if t["kvm_exit_names"])
	assert rep and set(rep) == set(tot), (rep, tot)
	assert all(0 <= tot[k] - rep[k] for k in tot), (rep, tot)
	assert sum(tot.values()) - sum(rep.values()) <= vcpus, (rep, tot)
	PY
'

test_expect_success 'a generated capture without kvm events, and one with only sched_switch' '
	"$GEN" -o nokvm.data -t nokvm.json -c 2 -d 40 --no-kvm &&
	perf script -i nokvm.data --dlfilter "$PLUGIN" --dlarg quiet &&
	compare_truth nokvm &&
	jq -e "(.events.kvm_exit // 0) == 0" nokvm.dump &&
	"$GEN" -o sw.data -t sw.json -c 2 -d 40 --only-switch &&
	perf script -i sw.data --dlfilter "$PLUGIN" --dlarg quiet &&
	compare_truth sw &&
	jq -e ".events | keys == [\"sched_switch\", \"task\"]" sw.dump
'

test_done
