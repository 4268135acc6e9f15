#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t7000-heatmaps: perfwhiz-dash --heatmaps writes NAME-heatmaps.html: a hand-made capture whose every heatmap
# event is known, the page bytes (self-contained, deterministic, the data is --json's), -t and -f/-c, stderr
# saying what was binned, then Debian's headless chromium on a generated KVM capture (exact events), a larger
# generated one (binned) and a real perf recording: figures equal --json, zoom, tooltips, no network.
. "$(dirname "$0")/../lib.sh"

WEB=$SRCDIR/tests/browser
SHOTS=$BUILD/screenshots
TOOL=$BUILD/tests/cdict-from-text
py=/usr/bin/python3

# decode PAGE.html: the embedded document (or one member), as JSON
cat >decode.py <<'PY'
import base64, json, re, sys, zlib
html = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r'<script type="application/octet-stream" id="pw-data">([A-Za-z0-9+/=,]*)</script>', html)
doc = json.loads(b"".join(zlib.decompress(base64.b64decode(x)) for x in m.group(1).split(",")))
json.dump(doc[sys.argv[2]] if len(sys.argv) > 2 else doc, sys.stdout, sort_keys=True)
PY
# ORACLE: a heat document against its --json document: every series adds up
cat >oracle.py <<'PY'
import json, sys
heat, js = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
H, J = heat["runs"][0], js["runs"][0]
def total(s, kvm):
    if s["mode"] == "exact":
        return len(s["t"])
    c, i, n = s["cols"], 0, 0
    while i < len(c):
        i += 2 if kvm else 1
        ln = c[i + 1]; n += sum(c[i + 2:i + 2 + ln]); i += 2 + ln
    return n
jt = {(t["tid"], t["name"]): t for t in J["tasks"]}
binned = 0
for t in H["tasks"]:
    j = jt[(t["tid"], t["name"])]
    assert total(t["run"], False) == t["run"]["count"], t["name"]
    assert t["run"]["count"] + t["nostart"] == j["switches"], (t["name"], t["run"]["count"], j["switches"])
    binned += sum(t[k]["mode"] == "bins" for k in ("run", "sleep", "host", "guest"))
    ex = {}
    for r in t["reasons"]:
        ex[H["reasons"][r["key"]]] = r["timed"] + r["unpaired"]
        assert sum(r["hist"]) == r["timed"]
    assert ex == j["kvm"]["exits"], (t["name"], ex, j["kvm"]["exits"])
    assert total(t["host"], True) == sum(r["timed"] for r in t["reasons"])
    assert sum(t["rt"]) == j["runtime_ns"] and sum(t["sw"]) == j["switches"], (t["name"], sum(t["rt"]), j["runtime_ns"])
    core = t["core"]
    ran = sum(core["d"]) if core["mode"] == "exact" else sum(core["cells"][2::3])
    assert ran == j["runtime_ns"], (t["name"], ran, j["runtime_ns"])
for c in H["cpus"]:
    busy = sum(c["cells"][i + 3] for i in range(0, len(c["cells"]), 5))
    assert busy == next(x["busy_ns"] for x in J["cpus"] if x["cpu"] == c["cpu"]), c["cpu"]
print(sys.argv[1], "ok,", binned, "binned series")
PY
canon() { $py -c 'import json,sys; json.dump(json.load(open(sys.argv[1])), sys.stdout, sort_keys=True)' "$1"; }

# A capture where every interval is known (times in ns; the window is 1000..16000):
#   task 100 (a name with markup) on CPU 0: runs 2000-7000, sleeps 7000-9000 (wakeup), runs 9500-12000
#   (preempted), runs 15000-end; task 200 (a vCPU) on CPU 1: runs 3000-14000, exits HLT at 4000 (entry
#   4500: 500 ns host), EXTERNAL_INTERRUPT at 6000 (entry 6100), HLT at 8000 (no entry: another exit
#   comes at 13000), EXTERNAL_INTERRUPT at 13000 (no entry: the data ends). Guest runs: 4500-6000
#   (ended by EXTERNAL_INTERRUPT), 6100-8000 (ended by HLT).
cat >hand.txt <<'EOF'
meta nr_cpus 2
meta hostname hand
meta tracepoint sched:sched_switch
meta tracepoint sched:sched_wakeup
meta tracepoint kvm:kvm_exit
meta tracepoint kvm:kvm_entry
task 1000 0 100 100 </script><img src=x onerror=alert(1)>
task 1000 1 200 200 CPU 0/KVM
switch 2000 0 0 100 R
switch 3000 1 0 200 R
kvm_exit 4000 1 200 12 1
kvm_entry 4500 1 200
kvm_exit 6000 1 200 1 1
kvm_entry 6100 1 200
switch 7000 0 100 0 S
kvm_exit 8000 1 200 12 1
wakeup 9000 0 100
switch 9500 0 0 100 R
switch 12000 0 100 0 R
kvm_exit 13000 1 200 1 1
switch 14000 1 200 0 R
switch 15000 0 0 100 R
migrate 16000 1 200 1 1
EOF

test_expect_success 'a hand-made capture: every heatmap event is the one expected' '
	"$TOOL" hand.txt hand.cdict &&
	perfwhiz-dash --headless --heatmaps hand.cdict 2>err &&
	grep "^perfwhiz-dash: heatmaps .hand.cdict.: 2 tasks; 0 of 5 series binned (0 events)" err &&
	grep "^perfwhiz-dash: wrote .hand-heatmaps.html." err &&
	$py decode.py hand-heatmaps.html heat >heat.json &&
	jq -c ".runs[0] | [.start_ns, .end_ns, .reasons]" heat.json >got &&
	echo "[1000,16000,[\"HLT\",\"EXTERNAL_INTERRUPT\"]]" >want && test_cmp want got &&
	jq -c ".runs[0].tasks[] | [.name, .run.t, .run.d, .nostart, .sleep.t, .sleep.d, .host.t, .host.d, .host.k,
		.guest.t, .guest.d, .guest.k, [.reasons[] | [.key, .timed, .unpaired, .lo, .hist]],
		.core.t, .core.d, .core.cpu]" heat.json >got &&
	cat >want <<-\EOF &&
	["CPU 0/KVM",[13000],[11000],0,[],[],[3000,2000],[500,100],[0,1],[5000,2000],[1500,1900],[1,0],[[0,1,1,8,[1]],[1,1,1,5,[1]]],[2000],[11000],[1]]
	["</script><img src=x onerror=alert(1)>",[6000,5000],[5000,2500],0,[8000],[2000],[],[],[],[],[],[],[],[1000,7500,5500],[5000,2500,1000],[0,0,0]]
	EOF
	test_cmp want got &&
	jq -c ".runs[0].cpus[] | [.cpu, .mode, .t, .d, .id]" heat.json >got &&
	cat >want <<-\EOF &&
	[0,"exact",[1000,7500,5500],[5000,2500,1000],[1,1,1]]
	[1,"exact",[2000],[11000],[0]]
	EOF
	test_cmp want got
'
# (the buckets: 500 ns is bucket 8 = [10^(1+8/5), 10^(1+9/5)) = [398, 631); 100 ns is bucket 5 = [100, 158))

test_expect_success 'the hand-made page: the CPU view bins hold busy time, top task and task count' '
	jq -c ".runs[0] | .cpu_bin_ns as \$b | .cpus[] | [.cpu, ([.cells | range(0; length; 5) as \$i | .[\$i + 3]] | add)]" heat.json >got &&
	printf "[0,8500]\n[1,11000]\n" >want && test_cmp want got &&
	perfwhiz-dash -q --json hand.cdict >hand.json &&
	jq -c "[.runs[0].cpus[] | [.cpu, .busy_ns]]" hand.json >got && echo "[[0,8500],[1,11000]]" >want && test_cmp want got
'

test_expect_success 'one self-contained page; its data is the --json document, byte for byte' '
	grep -q "^<!DOCTYPE html>" hand-heatmaps.html &&
	test $(grep -o "<script" hand-heatmaps.html | wc -l) -eq 4 &&
	! grep -qi "<script[^>]* src=" hand-heatmaps.html &&
	! grep -qi "<link" hand-heatmaps.html &&
	grep -q "default-src '"'"'none'"'"'" hand-heatmaps.html &&
	! grep -qF "<img src=x" hand-heatmaps.html &&
	$py decode.py hand-heatmaps.html data >got.json &&
	canon hand.json >want.json && test_cmp want.json got.json &&
	$py decode.py hand-heatmaps.html page >page.json &&
	jq -r .kind page.json >got && echo heatmaps >want && test_cmp want got
'

test_expect_success 'same input, same bytes; --output-dir and --label name the page' '
	mkdir out &&
	perfwhiz-dash -q --headless --heatmaps --output-dir out --label "run/1" hand.cdict &&
	sleep 1 &&
	perfwhiz-dash -q --headless --heatmaps --output-dir out --label "run/1" hand.cdict &&
	test -f out/run_1-heatmaps.html &&
	perfwhiz-dash -q --headless --heatmaps --output-dir out hand.cdict &&
	cmp hand-heatmaps.html out/hand-heatmaps.html
'

# A count past 16 bits in one cell: task 100 runs 70,000 slices of exactly 1000 ns (bucket 10 =
# [10^3, 10^(3.2))) in the first 140 ms, then one last slice to 10^12 ns, so that the bins are 2.048 s
# wide (1 ms doubled until 512 of them hold the window; the last slice, ending 999,999,999,000 ns after
# the first event, is in bin 488, bucket 49, the last) and all 70,000 fall in bin 0: its cell must say
# 70000, not 70000 - 65536 (the grids keep 16-bit counts until one passes 65,535), in the single pass
# and in the two-pass reference.
cat >wide.py <<'PY'
print("meta nr_cpus 1\nmeta tracepoint sched:sched_switch\ntask 1000 0 100 100 busy\nswitch 1000 0 0 100 R")
for i in range(70000):
    a = 1000 + 2000 * i
    print("switch %d 0 100 0 R\nswitch %d 0 0 100 R" % (a + 1000, a + 2000))
print("switch 1000000000000 0 100 0 S")
PY
test_expect_success 'a heatmap cell of 70,000 events: counts past 16 bits are kept whole' '
	$py wide.py >wide.txt && "$TOOL" wide.txt wide.cdict &&
	for how in one two; do
		if [ $how = two ]; then export PERFWHIZ_HEAT_TWO_PASS=1; else unset PERFWHIZ_HEAT_TWO_PASS; fi &&
		mkdir -p $how && perfwhiz-dash --headless --heatmaps --output-dir $how wide.cdict 2>$how.err || return 1
	done &&
	unset PERFWHIZ_HEAT_TWO_PASS &&
	grep -q "; one reading" one.err && grep -q "; read twice" two.err &&
	cmp one/wide-heatmaps.html two/wide-heatmaps.html &&
	$py decode.py one/wide-heatmaps.html heat >wide.heat &&
	jq -c ".runs[0].tasks[] | select(.tid == 100) | [.run.mode, .run.count, .run.cols]" wide.heat >got &&
	echo "[\"bins\",70001,[0,10,1,70000,488,49,1,1]]" >want && test_cmp want got
'

# ---- a generated KVM capture: 2 VMs x 2 vCPUs, every series exact ----------
have_gen=
if [ -x "$BUILD/mkperfdata" ] && [ -f "$BUILD/perfwhiz.so" ]; then
	test_expect_success 'generated captures: small (exact) and larger (binned)' '
		mkperfdata -o gen.data -c 4 --vms 2 --vcpus 2 -d 200 -s 11 >/dev/null &&
		perf script -i gen.data --dlfilter "$BUILD/perfwhiz.so" --dlarg out=gen.cdict --dlarg quiet >/dev/null 2>&1 &&
		rm gen.data &&
		mkperfdata -o genb.data -c 4 --vms 1 --vcpus 2 --tasks 3 -n 400000 -s 5 >/dev/null &&
		perf script -i genb.data --dlfilter "$BUILD/perfwhiz.so" --dlarg out=genb.cdict --dlarg quiet >/dev/null 2>&1 &&
		rm genb.data &&
		perfwhiz-dash --headless --heatmaps gen.cdict 2>gen.err && perfwhiz-dash -q --json gen.cdict >gen.json &&
		perfwhiz-dash --headless --heatmaps genb.cdict 2>genb.err && perfwhiz-dash -q --json genb.cdict >genb.json &&
		grep "heatmaps .gen.cdict.: .* 0 of [0-9]* series binned" gen.err &&
		grep "heatmaps .genb.cdict.: .* [1-9][0-9]* of [0-9]* series binned ([0-9]* events) in [0-9.]* ms x 1/5 decade cells" genb.err
	'
	[ -s gen-heatmaps.html ] && [ -s genb-heatmaps.html ] && [ -s genb.json ] && have_gen=1
else
	test_skip 'generated captures' 'needs build/mkperfdata and build/perfwhiz.so'
fi

if [ -n "$have_gen" ]; then
	test_expect_success 'the heatmaps add up to --json: slices = switches, exits per reason, busy time' '
		for n in gen genb; do
			$py decode.py $n-heatmaps.html heat >$n.heat &&
			$py oracle.py $n.heat $n.json || return 1
		done
	'

	test_expect_success '--merge-sys-tasks: folded per-CPU threads keep their series and events' '
		perfwhiz-dash -q --headless --heatmaps --merge-sys-tasks --label merged genb.cdict &&
		perfwhiz-dash -q --json --merge-sys-tasks --label merged genb.cdict >merged.json &&
		jq -e "[.runs[0].tasks[] | select((.merged // 1) > 1 and .idle_cpu == null)] | length > 0" merged.json &&
		$py decode.py merged-heatmaps.html heat >merged.heat &&
		$py oracle.py merged.heat merged.json
	'

	test_expect_success '-t and -f/-c select tasks and the window as --json does' '
		perfwhiz-dash -q --headless --heatmaps -t "CPU [0-9]+/KVM" -f 20 -c 100 --label sel gen.cdict &&
		perfwhiz-dash -q --json -t "CPU [0-9]+/KVM" -f 20 -c 100 --label sel gen.cdict >sel.json &&
		$py decode.py sel-heatmaps.html data >got.json && canon sel.json >want.json && test_cmp want.json got.json &&
		$py decode.py sel-heatmaps.html heat >sel.heat &&
		jq -r ".runs[0].tasks[].name" sel.heat | sort -u >got && echo "CPU 0/KVM" >want && echo "CPU 1/KVM" >>want && test_cmp want got &&
		jq -r ".runs[0] | [.start_ns, .end_ns] | @tsv" sel.heat >got &&
		jq -r ".runs[0] | [.start_ns, .end_ns] | @tsv" sel.json >want && test_cmp want got &&
		jq -e ".runs[0] | .end_ns - .start_ns == 100000000" sel.json &&
		$py oracle.py sel.heat sel.json
	'
fi

# ---- a real recording of this machine: pw-workload for 1 s ----------------
have_real=
if [ -f "$BUILD/perfwhiz.so" ] && [ -x "$BUILD/pw-workload" ] &&
   perf record -q -a -e sched:sched_switch -o probe.data -- true >/dev/null 2>&1; then
	test_expect_success 'a real recording (perf record of pw-workload -d 1)' '
		perf record -q -a -e sched:sched_switch -e sched:sched_wakeup -e sched:sched_migrate_task \
			-o rec.data -- "$BUILD/pw-workload" -d 1 >/dev/null 2>&1 &&
		perf script -i rec.data --dlfilter "$BUILD/perfwhiz.so" --dlarg out=rec.cdict --dlarg quiet >/dev/null 2>&1 &&
		rm -f rec.data probe.data &&
		perfwhiz-dash -q --headless --heatmaps -t "pw-" rec.cdict && perfwhiz-dash -q --json -t "pw-" rec.cdict >rec.json &&
		jq -e "[.runs[0].tasks[].name] | index(\"pw-spin\") != null" rec.json
	'
	[ -s rec-heatmaps.html ] && [ -s rec.json ] && have_real=1
else
	test_skip 'a real recording' 'needs perfwhiz.so, pw-workload and perf record -a'
fi

# ---- the browser ---------------------------------------------------------------
if ! [ -x /usr/bin/chromium ] || ! [ -d "$WEB/node_modules/playwright-core" ]; then
	test_skip 'the pages in chromium' 'needs /usr/bin/chromium and tests/browser/node_modules (make deps)'
	test_done; exit 0
fi
pages="hand-heatmaps=$TRASH/hand-heatmaps.html:$TRASH/hand.json"
[ -n "$have_gen" ] && pages="$pages gen-heatmaps=$TRASH/gen-heatmaps.html:$TRASH/gen.json genb-heatmaps=$TRASH/genb-heatmaps.html:$TRASH/genb.json"
[ -n "$have_real" ] && pages="$pages real-heatmaps=$TRASH/rec-heatmaps.html:$TRASH/rec.json"
rm -f "$SHOTS"/*-heatmaps-*.png
# shellcheck disable=SC2086
(cd "$WEB" && node heatmaps.test.js "$SHOTS" $pages) >browser.out 2>&1
echo "browser exit $?" >>browser.out
grep '^#' browser.out || true

for p in $pages; do
	n=${p%%=*}
	test_expect_success "$n: every browser check passes" '
		grep "^ok $n: the page renders" browser.out &&
		grep "^ok $n: no console error, no page error" browser.out &&
		grep "^ok $n: no network request" browser.out &&
		! grep "^not ok $n:" browser.out
	'
done
test_expect_success 'figures equal --json, zoom, tooltips, nothing injected' '
	grep "^ok hand-heatmaps: task names with markup show as text, nothing is injected" browser.out &&
	for n in ${pages}; do n=${n%%=*};
		grep "^ok $n: per task, the heatmap events add up to --json" browser.out &&
		grep "^ok $n: the page.s per-task totals (summed over its bins) equal --json" browser.out &&
		grep "^ok $n: a wheel on a panel zooms every panel of the task alike" browser.out &&
		grep "^ok $n: a heatmap cell.s tooltip gives its exact count" browser.out || return 1
	done &&
	if [ -n "$have_gen" ]; then
		grep "^ok gen-heatmaps: KVM histograms: per reason, bars add up" browser.out &&
		grep "^ok genb-heatmaps: the KVM reason filter shows one reason.s exits" browser.out &&
		grep "^ok genb-heatmaps: the \"end of sleep\" toggle takes sleeps off the heatmap" browser.out
	fi &&
	grep "^browser exit 0" browser.out
'
test_expect_success 'screenshots at three zoom levels' '
	for n in hand gen genb real; do
		case " $pages " in *" $n-heatmaps="*) ;; *) continue ;; esac
		for z in zoom1 zoom2 zoom3 cpus; do test -s "$SHOTS/$n-heatmaps-$z.png" || return 1; done
	done
'

# the checker itself: a page checked against a document it was not made from fails
if [ -n "$have_gen" ]; then
	test_expect_success 'the browser check catches a figure that differs from the JSON' '
		jq "(.runs[0].tasks[] | select(.name == \"CPU 0/KVM\") | .switches) += 1" gen.json >tampered.json &&
		(cd "$WEB" && test_expect_code 1 node heatmaps.test.js "$TRASH/shots-neg" "neg=$TRASH/gen-heatmaps.html:$TRASH/tampered.json") >neg.out 2>&1 &&
		grep "^not ok neg: per task, the heatmap events add up to --json: .*slices + unknown start = switches: got" neg.out
	'
fi

test_done
