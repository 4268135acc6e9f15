#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t3001-plugin-modes: perfwhiz.so in pipe mode, on a sched_switch-only capture,
# on tracing data that lacks an event, and its dlargs (map=, autoname,
# tasks=, keep, help, unknown ones); counts held to perf script's own.
. "$(dirname "$0")/../lib.sh"

PLUGIN=$BUILD/perfwhiz.so
DUMP=$BUILD/tests/cdict-dump

# counts "sched:NAME: N" of a perf.data (or of stdin with -i -), sorted
perf_counts() {
	perf script "$@" -F event 2>/dev/null | sort | uniq -c | awk '{print $2, $1}' | sort
}
cdict_counts() {
	"$DUMP" "$1" | jq -r '.events | to_entries[] | select(.key != "task") | "sched:\(.key): \(.value)"' | sort
}

test_expect_success 'pipe mode: perf record -o - | perf script -i - --dlfilter' '
	perf record -q -e sched:sched_switch -e sched:sched_wakeup -a -o - -- \
		"$BUILD"/pw-workload -d 0.5 2>/dev/null |
	perf script -i - --dlfilter "$PLUGIN" --dlarg out=pipe.cdict 2>pipe.err &&
	grep "^perfwhiz: wrote .pipe.cdict. from .-.$" pipe.err &&
	"$DUMP" pipe.cdict >pipe.json &&
	jq -e ".events.sched_switch > 100 and .events.sched_wakeup > 10" pipe.json &&
	jq -e ".stats.plugin.invalid == 0 and .meta.source == \"-\"" pipe.json &&
	jq -e "[.tasks[] | select(.name == \"pw-spin\")] | length == 1" pipe.json
'

test_expect_success 'pipe mode: stored counts equal perf script -i - counts' '
	perf record -q -e sched:sched_switch -e sched:sched_wakeup -a -o - -- \
		"$BUILD"/pw-workload -d 0.3 >pipe.data 2>/dev/null &&
	perf_counts -i - <pipe.data >expect &&
	perf script -i - --dlfilter "$PLUGIN" --dlarg out=pipe2.cdict --dlarg quiet <pipe.data &&
	cdict_counts pipe2.cdict >actual &&
	test_cmp expect actual
'

test_expect_success 'a capture of sched_switch only (no wakeups, no kvm)' '
	perf record -q -e sched:sched_switch -a -o sw.data -- "$BUILD"/pw-workload -d 0.5 2>/dev/null &&
	perf script -i sw.data --dlfilter "$PLUGIN" --dlarg quiet &&
	perf_counts -i sw.data >expect &&
	cdict_counts sw.cdict >actual &&
	test_cmp expect actual &&
	"$DUMP" sw.cdict >sw.json &&
	jq -e ".events | keys == [\"sched_switch\", \"task\"]" sw.json &&
	jq -e "[.tasks[] | select(.name | startswith(\"pw-\"))] | length == 6" sw.json
'

test_expect_success 'record sched_switch and sched_wakeup for the dlarg tests' '
	perf record -q -e sched:sched_switch -e sched:sched_wakeup -a -o rec.data -- \
		"$BUILD"/pw-workload -d 0.5 2>/dev/null &&
	perf script -i rec.data --dlfilter "$PLUGIN" --dlarg quiet &&
	"$DUMP" rec.cdict >rec.json
'

# samples are taken in filter_event_early() unless an option of perf's may
# filter them (docs/plugin.md): then after perf's filters, in filter_event()
test_expect_success 'early and late taking store the same; perf -C still filters' '
	perf script -f -i rec.data --dlfilter "$PLUGIN" --dlarg out=early.cdict --dlarg quiet &&
	perf script -i rec.data -F event,cpu --dlfilter "$PLUGIN" --dlarg out=late.cdict \
		--dlarg quiet >/dev/null &&
	cmp rec.cdict early.cdict && cmp rec.cdict late.cdict &&
	perf script -i rec.data -C 0 --dlfilter "$PLUGIN" --dlarg out=cpu0.cdict --dlarg quiet &&
	perf script -i rec.data -C 0 -F event 2>/dev/null | wc -l >expect &&
	"$DUMP" cpu0.cdict | jq ".events | to_entries | map(select(.key != \"task\") | .value) | add" >actual &&
	test_cmp expect actual &&
	test "$(cat expect)" -lt "$(jq ".events.sched_switch + .events.sched_wakeup" rec.json)"
'

test_expect_success 'tracing data without sched_wakeup: one clear line, switches still reduced' '
	/usr/bin/python3 -c "import sys; d = open(\"rec.data\", \"rb\").read(); \
		assert d.count(b\"name: sched_wakeup\\n\") == 1; \
		open(\"miss.data\", \"wb\").write(d.replace(b\"name: sched_wakeup\\n\", b\"name: sched_wakeuX\\n\"))" &&
	perf script -i miss.data --dlfilter "$PLUGIN" --dlarg quiet 2>miss.err &&
	n=$(perf_counts -i rec.data | sed -n "s/^sched:sched_wakeup: //p") &&
	id=$(cat /sys/kernel/tracing/events/sched/sched_wakeup/id) &&
	echo "perfwhiz: sched:sched_wakeup: $n samples not decoded: no format for event id $id in the tracing data of the input" >expect &&
	test_cmp expect miss.err &&
	"$DUMP" miss.cdict >miss.json &&
	jq -e ".events.sched_switch == $(jq .events.sched_switch rec.json)" miss.json &&
	jq -e "(.events.sched_wakeup // 0) == 0 and .stats.invalid[\"sched:sched_wakeup\"] == $n" miss.json
'

test_expect_success 'an unknown dlarg is refused with the list of valid ones' '
	if perf script -i rec.data --dlfilter "$PLUGIN" --dlarg bogus=1 >out 2>err; then
		echo "accepted"; exit 1
	fi &&
	grep -v "^ *$" err >err.lines &&
	echo "perfwhiz: unknown dlarg '"'"'bogus=1'"'"': valid ones are out=FILE, input=FILE, map=CSV, tasks=REGEX, autoname, keep, quiet, help" >expect &&
	test_cmp expect err.lines
'

test_expect_success 'help lists the dlargs' '
	! perf script -i rec.data --dlfilter "$PLUGIN" --dlarg help 2>err &&
	grep "^  out=FILE" err && grep "^  tasks=REGEX" err && grep "^  map=CSV" err
'

test_expect_success 'map= names tasks task-name.GG.type' '
	spin=$(jq "[.tasks[] | select(.name == \"pw-spin\")][0].tid" rec.json) &&
	printf "tid,libvirt-name,type,uuid,group-type,group-id,task-name\n%s,instance-1,vcpu0,u-1,tenant,3,spinner\n" \
		"$spin" >map.csv &&
	perf script -i rec.data --dlfilter "$PLUGIN" --dlarg map=map.csv --dlarg out=map.cdict --dlarg quiet &&
	"$DUMP" map.cdict >map.json &&
	jq -e ".tasks[] | select(.tid == $spin) | .names == [\"spinner.03.vcpu0\"]" map.json &&
	jq -e "[.tasks[] | select(.tid == $spin)][0].switches == [.tasks[] | select(.tid == $spin)][0].switches" map.json &&
	test "$(jq "[.tasks[] | select(.tid == $spin)][0].switches" map.json)" = \
	     "$(jq "[.tasks[] | select(.tid == $spin)][0].switches" rec.json)"
'

# A stand-in for QEMU: argv[0] qemu-system-x86_64 and -name guest=vm-t (what
# autoname reads in /proc/PID/cmdline), two threads named "CPU N/KVM" and a
# main thread (its tid is the process id), all switching until qemu.stop
# appears; their tids in qemu.tids.
FAKE_QEMU='
import ctypes, os, threading, time
libc = ctypes.CDLL(None)
def name(n): libc.prctl(15, ctypes.c_char_p(n.encode()), 0, 0, 0)
end, tids = time.time() + 10, {}
def run():
    while not os.path.exists("qemu.stop") and time.time() < end:
        t = time.time() + 0.001
        while time.time() < t: pass
        time.sleep(0.002)
def vcpu(i):
    name("CPU %d/KVM" % i)
    tids["vcpu%d" % i] = threading.get_native_id()
    run()
th = [threading.Thread(target=vcpu, args=(i,)) for i in range(2)]
for t in th: t.start()
while len(tids) < 2: time.sleep(0.01)
tids["main"] = threading.get_native_id()
open("qemu.tids.tmp", "w").write("".join("q_%s=%d\n" % kv for kv in sorted(tids.items())))
os.rename("qemu.tids.tmp", "qemu.tids")
run()
for t in th: t.join()
'

test_expect_success 'autoname: a live QEMU process names its vCPU and emulator threads; map= wins' '
	rm -f qemu.stop qemu.tids &&
	( exec -a qemu-system-x86_64 /usr/bin/python3 -c "$FAKE_QEMU" -name guest=vm-t,debug-threads=on ) &
	qpid=$! &&
	for i in $(seq 200); do [ -s qemu.tids ] && break; sleep 0.05; done &&
	. ./qemu.tids &&
	tr "\0\n" "  " </proc/$q_main/cmdline | grep "^qemu-system-x86_64 .* -name guest=vm-t,debug-threads=on" &&
	perf record -q -e sched:sched_switch -e sched:sched_wakeup -a -o qemu.data -- sleep 0.3 &&
	perf script -i qemu.data --dlfilter "$PLUGIN" --dlarg autoname --dlarg out=qemu.cdict --dlarg quiet &&
	printf "%s,inst-1,vcpu1,u-1,tenant,7,mapped\n" "$q_vcpu1" >qmap.csv &&
	perf script -i qemu.data --dlfilter "$PLUGIN" --dlarg autoname --dlarg map=qmap.csv \
		--dlarg out=qemu2.cdict --dlarg quiet &&
	touch qemu.stop && wait $qpid &&
	"$DUMP" qemu.cdict >qemu.json && "$DUMP" qemu2.cdict >qemu2.json &&
	jq -e ".tasks[] | select(.tid == $q_vcpu0) | .names == [\"vm-t.vcpu0\"]" qemu.json &&
	jq -e ".tasks[] | select(.tid == $q_vcpu1) | .names == [\"vm-t.vcpu1\"]" qemu.json &&
	jq -e ".tasks[] | select(.tid == $q_main) | .names == [\"vm-t.emu\"]" qemu.json &&
	jq -e "[.tasks[] | select(.names | index(\"vm-t.vcpu0\"))] | length == 1" qemu.json &&
	jq -e ".tasks[] | select(.tid == $q_vcpu1) | .names == [\"mapped.07.vcpu1\"]" qemu2.json &&
	jq -e ".tasks[] | select(.tid == $q_vcpu0) | .names == [\"vm-t.vcpu0\"]" qemu2.json
'

test_expect_success 'a bad map line is refused with its line number' '
	printf "1,a,vcpu0,u,g,1,x\n2,a,vcpu1,u,g\n" >bad.csv &&
	! perf script -i rec.data --dlfilter "$PLUGIN" --dlarg map=bad.csv 2>err &&
	grep "^perfwhiz: bad map .bad.csv.: line 2: " err
'

test_expect_success 'tasks= keeps the matching tasks and the switches involving them' '
	perf script -i rec.data --dlfilter "$PLUGIN" --dlarg "tasks=^pw-p[io]ng$" \
		--dlarg out=tasks.cdict --dlarg quiet &&
	"$DUMP" tasks.cdict >tasks.json &&
	# a task matches by its name at the time of the record
	want=$(perf script -i rec.data -F trace 2>/dev/null | grep -cE \
		"(prev_comm|next_comm)=pw-p[io]ng (prev|next)_pid=") &&
	wantwk=$(perf script -i rec.data -F trace 2>/dev/null | grep -v prev_pid |
		grep -cE "^ *comm=pw-p[io]ng pid=") &&
	jq -e ".events.sched_switch == $want and .events.sched_wakeup == $wantwk" tasks.json
'

test_expect_success 'keep lets perf print the samples' '
	perf script -i rec.data --dlfilter "$PLUGIN" --dlarg keep --dlarg quiet \
		--dlarg out=keep.cdict >keep.txt &&
	test "$(wc -l <keep.txt)" -eq "$(perf script -i rec.data 2>/dev/null | wc -l)" &&
	cmp keep.cdict rec.cdict
'

test_expect_success 'a perf.data without tracing data: one clear error' '
	perf record -q -e cpu-clock -a -o cc.data -- sleep 0.1 2>/dev/null &&
	! perf script -i cc.data --dlfilter "$PLUGIN" 2>err &&
	grep "^perfwhiz: no tracepoint formats: .cc.data. has no tracing data" err &&
	test ! -e cc.cdict
'

test_done
