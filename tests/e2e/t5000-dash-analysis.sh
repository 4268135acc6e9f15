#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t5000-dash-analysis.sh: perfwhiz-dash figures on hand-made .cdict files, against hand-computed values.
. "$(dirname "$0")/../lib.sh"

TOOL=$BUILD/tests/cdict-from-text
j() { jq -r "$1" out.json; }

# cpu0: swapper/0 -> alpha(100) @1000, alpha -R-> beta @5000, beta -S-> alpha
# @8000, alpha -S-> swapper @11000; cpu1: kworker/1:0(300) 1000-3000 and
# 10000-11000; beta woken @4000; alpha exits HLT @8500 (entry 9000) and
# EPT_VIOLATION @9500 (entry 10500). Window bounds are inclusive: the
# kworker switch-out at 3000 counts in [3000, 9000].
cat >a.txt <<'EOF'
meta nr_cpus 2
meta hostname testhost
task 1000 0 100 100 alpha
task 1000 0 200 200 beta
task 1000 1 300 300 kworker/1:0
switch 1000 0 0 100 R
switch 1000 1 0 300 R
switch 3000 1 300 0 S
wakeup 4000 0 200
switch 5000 0 100 200 R
migrate 6000 1 100 1 0
switch 8000 0 200 100 S
kvm_exit 8500 0 100 12 1
kvm_entry 9000 0 100
kvm_exit 9500 0 100 48 1
switch 10000 1 0 300 R
kvm_entry 10500 0 100
switch 11000 0 100 0 S
EOF

test_expect_success 'make the input' '
	"$TOOL" a.txt a.cdict
'

test_expect_success 'whole window: per task figures' '
	perfwhiz-dash -q --json a >out.json &&
	test "$(j ".runs[0].window_ns")" = 10000 &&
	test "$(j ".runs[0].nr_cpus")" = 2 &&
	test "$(j ".runs[0].name")" = a &&
	test "$(j ".runs[0].meta.hostname")" = testhost &&
	j ".runs[0].tasks[] | [.tid,.name,.runtime_ns,.switches,.voluntary,.involuntary,.sched_in,.migrations,.preempted_ns,.wait_ns] | @tsv" >got &&
	printf "%s\n" \
		"0	swapper/1	7000	2	0	2	1	0	0	0" \
		"100	alpha	7000	2	1	1	2	1	3000	0" \
		"200	beta	3000	1	1	0	1	0	0	1000" \
		"300	kworker/1:0	3000	1	1	0	2	0	0	0" \
		"0	swapper/0	0	1	0	1	1	0	0	0" >want &&
	test_cmp want got
'

test_expect_success 'cpu %, per cpu, task x cpu' '
	test "$(j ".runs[0].tasks[1].cpu_pct")" = 70 &&
	j ".runs[0].cpus[] | [.cpu,.busy_ns,.idle_ns,.switches] | @tsv" >got &&
	printf "0\t10000\t0\t4\n1\t3000\t7000\t3\n" >want && test_cmp want got &&
	test "$(j ".runs[0].tasks[] | select(.tid==100) | .cpus | tojson")" = "[{\"cpu\":0,\"runtime_ns\":7000,\"switches\":2,\"sched_in\":2}]"
'

test_expect_success 'kvm: exits by reason, host and guest time' '
	j ".runs[0].tasks[] | select(.tid==100) | .kvm" >k.json &&
	test "$(jq -c .exits k.json)" = "{\"EPT_VIOLATION\":1,\"HLT\":1}" &&
	test "$(jq .host_ns k.json)" = 1500 &&
	test "$(jq .guest_ns k.json)" = 500 &&
	test "$(jq -c ".reasons.HLT | [.count,.host_ns,.p50_ns,.p99_ns,.max_ns]" k.json)" = "[1,500,500,500,500]" &&
	test "$(jq -c ".reasons.EPT_VIOLATION | [.count,.host_ns,.max_ns]" k.json)" = "[1,1000,1000]" &&
	test "$(j ".runs[0].quality.clipped_end")" = 1 &&
	test "$(j ".runs[0].events.sched_switch")" = 7
'

test_expect_success '--from/--cap clip slices to the window [3000, 9000]' '
	perfwhiz-dash -q --json -f 0.002 -c 0.006 a.cdict >out.json &&
	test "$(j ".runs[0].window_ns")" = 6000 &&
	j ".runs[0].tasks[] | select(.tid!=0) | [.name,.runtime_ns,.switches,.involuntary,.sched_in,.preempted_ns,.kvm.host_ns,.kvm.guest_ns] | @tsv" >got &&
	printf "%s\n" "alpha	3000	1	1	1	3000	500	0" "beta	3000	1	0	1	0	0	0" "kworker/1:0	0	1	0	0	0	0	0" >want &&
	test_cmp want got &&
	test "$(j ".runs[0].tasks[] | select(.tid==100) | .cpu_pct")" = 50 &&
	test "$(j ".runs[0].tasks[] | select(.tid==100) | .kvm.exits | tojson")" = "{\"HLT\":1}"
'

test_expect_success '-t regex from the start, leading *, tid' '
	perfwhiz-dash -q --json -t "al" a >out.json &&
	test "$(j "[.runs[0].tasks[].name] | join(\",\")")" = alpha &&
	perfwhiz-dash -q --json -t "*ta" a >out.json &&
	test "$(j "[.runs[0].tasks[].name] | join(\",\")")" = beta &&
	perfwhiz-dash -q --json -t "(alpha|beta)$" a >out.json &&
	test "$(j "[.runs[0].tasks[].name] | join(\",\")")" = alpha,beta &&
	perfwhiz-dash -q --json -t 300 a >out.json &&
	test "$(j "[.runs[0].tasks[].name] | join(\",\")")" = kworker/1:0
'

test_expect_success '--merge-sys-tasks and --append-tid' '
	perfwhiz-dash -q --json --merge-sys-tasks a >out.json &&
	test "$(j ".runs[0].tasks[] | select(.name==\"swapper\") | [.runtime_ns,.switches,.merged] | @tsv")" = "$(printf "7000\t3\t2")" &&
	test "$(j ".runs[0].tasks[] | select(.tid==300) | .name")" = kworker &&
	perfwhiz-dash -q --json --append-tid a >out.json &&
	test "$(j ".runs[0].tasks[] | select(.tid==100) | .name")" = alpha:100
'

test_expect_success '--map names tasks' '
	printf "100,instance-1,vcpu0,uuid-1,tenant,3,web\n" >map.csv &&
	perfwhiz-dash -q --json --map map.csv a >out.json &&
	test "$(j ".runs[0].tasks[] | select(.tid==100) | .name")" = web.03.vcpu0
'

test_expect_success '--map reads RFC 4180 quoted fields (as Python csv writes them)' '
	/usr/bin/python3 -c "
import csv, sys
w = csv.writer(open(\"quoted.csv\", \"w\", newline=\"\"), quoting=csv.QUOTE_MINIMAL)
w.writerow([\"tid\", \"libvirt-name\", \"type\", \"uuid\", \"group-type\", \"group-id\", \"task-name\"])
w.writerow([100, \"inst, 1\", \"vcpu0\", \"u-1\", \"tenant\", 3, \"web, \\\"front\\\"\"])
" &&
	grep -q "\"web, \"\"front\"\"\"" quoted.csv &&
	perfwhiz-dash -q --json --map quoted.csv a >out.json &&
	test "$(j ".runs[0].tasks[] | select(.tid==100) | .name")" = "web, \"front\".03.vcpu0" &&
	mkdir qcsv && perfwhiz-dash -q --csv qcsv --map quoted.csv a &&
	/usr/bin/python3 -c "
import csv
rows = [r for r in csv.DictReader(open(\"qcsv/tasks.csv\", newline=\"\")) if r[\"tid\"] == \"100\"]
assert [r[\"name\"] for r in rows] == [\"web, \\\"front\\\".03.vcpu0\"], rows
" &&
	printf "100,\"inst,vcpu0,u,g,1,x\n" >open.csv &&
	test_expect_code 1 perfwhiz-dash -q --json --map open.csv a >/dev/null 2>err &&
	grep "^perfwhiz-dash: bad map .open.csv.: line 1: " err
'

test_expect_success '--list sorted by event count' '
	perfwhiz-dash -q --list a >got &&
	sed -n 4p got | awk "{print \$1, \$2, \$4}" >first &&
	echo "7 100 alpha" >want && test_cmp want first
'

test_expect_success '--successors-of by name and by tid' '
	perfwhiz-dash -q --successors-of alpha a >got &&
	grep -q "Successors of alpha:100" got &&
	grep -E "^ +1 +50.00%  beta$" got && grep -E "^ +1 +50.00%  swapper$" got &&
	perfwhiz-dash -q --successors-of 200 a >got &&
	grep -E "^ +1 +100.00%  alpha$" got
'

test_expect_success 'wait percentiles, tid reuse, exec, unknown name' '
	cat >b.txt <<-EOF &&
	task 0 0 10 10 w
	switch 0 0 0 20 R
	wakeup 100 0 10
	switch 200 0 20 10 S
	switch 300 0 10 20 S
	wakeup 400 0 10
	switch 1400 0 20 10 S
	switch 1500 0 10 20 S
	wakeup 1600 0 10
	switch 11600 0 20 10 S
	task 11700 0 10 99 w2
	exec 11800 0 10 99 w3
	EOF
	"$TOOL" b.txt b.cdict &&
	perfwhiz-dash -q --json b.cdict >out.json &&
	j ".runs[0].tasks[] | select(.tid==10) | [.name,.waits,.wait_ns,.max_wait_ns,.wait_p99_ns] | @tsv" >got &&
	printf "w3\t3\t11100\t10000\t10000\n" >want && test_cmp want got &&
	# waits 100, 1000, 10000: p50 is 1000 within the histogram precision (1/128)
	test_within "$(j ".runs[0].tasks[] | select(.tid==10) | .wait_p50_ns")" 1000 0 0.0079 &&
	test "$(j ".runs[0].tasks[] | select(.tid==20) | .name")" = ":20" &&
	test "$(j ".runs[0].quality.tid_reuse")" = 1 &&
	test "$(j ".runs[0].quality.exec")" = 1
'

test_expect_success 'untrusted names: JSON escapes <, control chars, bad UTF-8' '
	{ printf "task 0 0 7 7 </script><img src=x onerror=alert(1)>\n";
	  printf "task 0 0 8 8 a\001b\377c,\"q\"\n";
	  printf "switch 0 0 0 7 R\nswitch 10 0 7 8 R\nswitch 30 0 8 0 R\n"; } >c.txt &&
	"$TOOL" c.txt c.cdict &&
	perfwhiz-dash -q --json c.cdict >out.json &&
	! grep -q "<" out.json &&
	grep -q "\\\\u003c/script\\\\u003e" out.json &&
	test "$(j ".runs[0].tasks[] | select(.tid==7) | .name")" = "</script><img src=x onerror=alert(1)>" &&
	/usr/bin/python3 -c "import json,sys; t=[x for x in json.load(open(\"out.json\"))[\"runs\"][0][\"tasks\"] if x[\"tid\"]==8][0]; sys.exit(t[\"name\"] != \"a\x01b\ufffdc,\\\"q\\\"\")"
'

test_expect_success '--csv writes the same tables, RFC 4180 quoted' '
	mkdir csv &&
	perfwhiz-dash -q --csv csv c.cdict &&
	ls csv >got && printf "%s\n" cpus.csv events.csv kvm.csv quality.csv runs.csv task_cpus.csv tasks.csv >want && test_cmp want got &&
	/usr/bin/python3 -c "
import csv, sys
rows = list(csv.DictReader(open(\"csv/tasks.csv\", newline=\"\", encoding=\"utf-8\")))
t = {r[\"tid\"]: r for r in rows}
assert t[\"8\"][\"name\"] == \"a\x01b\ufffdc,\\\"q\\\"\", t[\"8\"][\"name\"]
assert t[\"7\"][\"runtime_ns\"] == \"10\" and t[\"8\"][\"runtime_ns\"] == \"20\"
" &&
	perfwhiz-dash -q --csv csv a.cdict &&
	grep -q "^a,100,alpha,EPT_VIOLATION,vmx,48,1,1000," csv/kvm.csv &&
	! ls -A csv | grep -q "^\\."
'

test_expect_success 'same input, same bytes' '
	perfwhiz-dash -q --json a.cdict >one.json &&
	perfwhiz-dash -q --json a.cdict >two.json &&
	test_cmp one.json two.json
'

test_expect_success 'several runs: short names, common window, scaled run' '
	mkdir -p r && cp a.cdict r/host01-x.cdict && cp b.cdict r/host02-x.cdict &&
	perfwhiz-dash -q --json r/host01-x r/host02-x >out.json &&
	test "$(j "[.runs[].name] | join(\",\")")" = "01,02" &&
	test "$(j "[.runs[].window_ns] | join(\",\")")" = "10000,10000" &&
	perfwhiz-dash --json -c 0.020 a.cdict >out.json 2>err &&
	grep -q "warning: .a.cdict. covers 0.010 ms of the 0.020 ms window" err &&
	test "$(j ".runs[0].scale")" = 2 &&
	test "$(j ".runs[0].covered_ns")" = 10000
'

# The analysis has a fast path for a whole capture in time order (nothing to
# clip) and a general one, taken with -f/-c or from the first event out of
# order: a -c of exactly the capture's span must give the same figures.
cat >ooo.txt <<'EOF'
meta nr_cpus 2
meta hostname ooo
task 1000 0 100 100 alpha
task 1000 1 200 200 CPU 0/KVM
switch 2000 0 0 100 R
switch 3000 1 0 200 R
kvm_exit 4000 1 200 12 1
kvm_entry 4500 1 200
switch 7000 0 100 0 S
kvm_exit 6000 1 200 1 1
wakeup 9000 0 100
kvm_entry 6100 1 200
switch 9500 0 0 100 R
switch 12000 0 100 0 R
switch 1500 1 200 0 R
switch 15000 0 0 100 R
kvm_exit 13000 1 0 1 1
EOF

test_expect_success 'whole capture, in order or not: the same figures as a -c of its span' '
	"$TOOL" ooo.txt ooo.cdict &&
	for f in a ooo; do
		perfwhiz-dash -q --json $f.cdict | jq -S "del(.cap_ns)" >whole.json &&
		span=$(jq -r ".runs[0] | (.last_ns - .first_ns) / 1e6" whole.json) &&
		perfwhiz-dash -q --json -c "$span" $f.cdict | jq -S "del(.cap_ns)" >capped.json &&
		test_cmp whole.json capped.json || return 1
	done &&
	test "$(jq -r ".runs[0].tasks | map(select(.name == \"alpha\")) | .[0].switches" capped.json)" = 2
'

test_done
