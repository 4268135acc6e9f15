#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t1000-golden.sh: every output of the plugin and perfwhiz-dash on fixed inputs, held byte for byte to tests/golden/SHA256SUMS.
#
# The inputs are made here, the same bytes on every machine: hand-written
# event lists (cdict-from-text), the original perfwhiz's file, and
# generated perf.data (mkperfdata, fixed seeds, fixed mtime) converted by
# the plugin. Every output (the .cdict files, --json, --csv, --list,
# --successors-of, both pages) is hashed; a case fails when one of its
# files differs from the reference, is missing, or is new.
#
# After an intended change of output, `make golden` rewrites the reference
# (PW_GOLDEN_UPDATE=1); its diff belongs in the commit that changes the output.
. "$(dirname "$0")/../lib.sh"

G=$SRCDIR/tests/golden
SUMS=$G/SHA256SUMS
TOOL=$BUILD/tests/cdict-from-text

if ! /usr/bin/python3 -c "import msgpack" 2>/dev/null; then
	test_skip 'golden outputs' 'needs python3-msgpack (the legacy input)'
	test_done; exit 0
fi

# dash CASE ARGS...: perfwhiz-dash with pages into out/CASE, stdout into out/CASE/stdout
dash() {
	local c=$1; shift
	mkdir -p "out/$c"
	perfwhiz-dash -q --headless --output-dir "out/$c" "$@" >"out/$c/stdout"
}

# convert NAME DLARGS...: in/NAME.data -> out/plugin/NAME.cdict (and in/NAME.cdict)
convert() {
	local n=$1; shift
	mkdir -p out/plugin
	(cd in && perf script -i "$n.data" --dlfilter "$BUILD/perfwhiz.so" \
		--dlarg quiet "$@" --dlarg "out=$n.cdict") &&
	cp "in/$n.cdict" "out/plugin/$n.cdict"
}

# check CASE: the case's files and hashes against the reference's lines for it
check() {
	(cd out && find "$1" -type f | LC_ALL=C sort | xargs sha256sum) >"sums.$1" &&
	if [ "${PW_GOLDEN_UPDATE:-0}" = 1 ]; then
		return 0
	fi
	grep "  $1/" "$SUMS" >"want.$1" || true
	test_cmp "want.$1" "sums.$1"
}

test_expect_success 'inputs: hand-made, legacy, generated (vmx, svm old layout, hypervisor shape)' '
	mkdir -p in &&
	"$TOOL" "$G/a.txt" in/a.cdict &&
	cp "$SRCDIR/tests/fixtures/legacy/small.cdict" in/small.cdict &&
	mkperfdata -o in/vmx.data -c 8 --vms 2 --vcpus 4 --tasks 24 -n 300000 -s 7 &&
	mkperfdata -o in/svm.data -c 4 --vms 1 --vcpus 2 --tasks 6 --isa svm \
		--kvm-exit-format old -n 50000 -s 3 &&
	mkperfdata -o in/hv.data -c 64 --vms 8 --vcpus 8 --tasks 600 -n 1000000 -s 11 &&
	touch -d @1700000000 in/vmx.data in/svm.data in/hv.data
'

test_expect_success 'plugin: the .cdict of each capture, with tasks= and map=' '
	convert vmx && convert svm && convert hv &&
	cp in/vmx.data in/vmxsel.data && touch -d @1700000000 in/vmxsel.data &&
	convert vmxsel --dlarg "tasks=CPU|qemu" --dlarg "map=$G/vms.csv" &&
	check plugin
'

test_expect_success 'hand-made: json, csv, pages, window, list, successors' '
	dash a --json in/a.cdict &&
	mv out/a/stdout out/a/a.json &&
	mkdir -p out/a/csv && dash a --csv out/a/csv in/a.cdict &&
	dash a --charts --heatmaps in/a.cdict &&
	dash a-win --json -f 0.002 -c 0.006 in/a.cdict &&
	mv out/a-win/stdout out/a-win/a.json &&
	dash a-win --charts --heatmaps --label win -f 0.002 -c 0.006 in/a.cdict &&
	dash a-list --list in/a.cdict &&
	dash a-succ --successors-of alpha in/a.cdict &&
	check a && check a-win && check a-list && check a-succ
'

test_expect_success 'legacy: json and pages' '
	dash legacy --json in/small.cdict && mv out/legacy/stdout out/legacy/small.json &&
	dash legacy --charts --heatmaps in/small.cdict &&
	check legacy
'

test_expect_success 'vmx: json, csv, pages' '
	dash vmx --json in/vmx.cdict && mv out/vmx/stdout out/vmx/vmx.json &&
	mkdir -p out/vmx/csv && dash vmx --csv out/vmx/csv in/vmx.cdict &&
	dash vmx --charts --heatmaps in/vmx.cdict &&
	check vmx
'

test_expect_success 'vmx: -t, window, map, merge and append-tid, list, successors' '
	dash vmx-t --json -t CPU in/vmx.cdict && mv out/vmx-t/stdout out/vmx-t/vmx.json &&
	dash vmx-t --charts --heatmaps -t CPU in/vmx.cdict &&
	dash vmx-win --json -f 5 -c 10 in/vmx.cdict && mv out/vmx-win/stdout out/vmx-win/vmx.json &&
	dash vmx-win --charts --heatmaps -f 5 -c 10 in/vmx.cdict &&
	dash vmx-map --json --map "$G/vms.csv" in/vmx.cdict && mv out/vmx-map/stdout out/vmx-map/vmx.json &&
	dash vmx-map --charts --heatmaps --map "$G/vms.csv" in/vmx.cdict &&
	dash vmx-merge --json --merge-sys-tasks --append-tid in/vmx.cdict &&
	mv out/vmx-merge/stdout out/vmx-merge/vmx.json &&
	dash vmx-merge --charts --heatmaps --merge-sys-tasks --append-tid in/vmx.cdict &&
	dash vmx-list --list in/vmx.cdict &&
	dash vmx-succ --successors-of "CPU 0/KVM" in/vmx.cdict &&
	check vmx-t && check vmx-win && check vmx-map && check vmx-merge &&
	check vmx-list && check vmx-succ
'

test_expect_success 'vmx: heatmaps by two passes, a small memory cap' '
	PERFWHIZ_HEAT_TWO_PASS=1 dash vmx-2p --heatmaps in/vmx.cdict &&
	PERFWHIZ_HEAT_MAX_MB=1 dash vmx-cap --heatmaps in/vmx.cdict &&
	check vmx-2p && check vmx-cap
'

test_expect_success 'svm, old kvm_exit layout: json and pages' '
	dash svm --json in/svm.cdict && mv out/svm/stdout out/svm/svm.json &&
	dash svm --charts --heatmaps in/svm.cdict &&
	check svm
'

test_expect_success 'hypervisor shape: json, pages, window, -t' '
	dash hv --json in/hv.cdict && mv out/hv/stdout out/hv/hv.json &&
	dash hv --charts --heatmaps in/hv.cdict &&
	dash hv-win --charts --heatmaps -f 2 -c 3 in/hv.cdict &&
	dash hv-t --heatmaps -t "CPU [0-3]/KVM" in/hv.cdict &&
	check hv && check hv-win && check hv-t
'

test_expect_success 'hypervisor shape, a window: few candidates held, the rest read twice' '
	PERFWHIZ_HEAT_CANDIDATES=3 dash hv-cand --heatmaps -f 1 in/hv.cdict &&
	PERFWHIZ_HEAT_CANDIDATES=300 dash hv-cand300 --heatmaps -f 1 in/hv.cdict &&
	check hv-cand && check hv-cand300
'

test_expect_success 'comparisons: two and three runs, json, csv, pages' '
	dash cmp2 --json in/vmx.cdict in/svm.cdict && mv out/cmp2/stdout out/cmp2/cmp.json &&
	mkdir -p out/cmp2/csv && dash cmp2 --csv out/cmp2/csv in/vmx.cdict in/svm.cdict &&
	dash cmp2 --charts --heatmaps in/vmx.cdict in/svm.cdict &&
	dash cmp3 --json --label three in/vmx.cdict in/svm.cdict in/a.cdict &&
	mv out/cmp3/stdout out/cmp3/cmp.json &&
	dash cmp3 --charts --heatmaps --label three in/vmx.cdict in/svm.cdict in/a.cdict &&
	check cmp2 && check cmp3
'

test_expect_success 'no output that the reference lacks, none it has that is missing' '
	cat sums.* | LC_ALL=C sort -k2 >all &&
	if [ "${PW_GOLDEN_UPDATE:-0}" = 1 ]; then
		cp all "$SUMS"
	else
		LC_ALL=C sort -k2 "$SUMS" >want.all && test_cmp want.all all
	fi
'

test_done
