#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0100: the Python reader of docs/cdict-format.md loads what the C reader
# reads, column for column, for version 3 and version 2 files; the smallest
# file matches the spec's hex dump.
. "$(dirname "$0")/../lib.sh"

sample=$BUILD/tests/cdict-sample
py=/usr/bin/python3

# the snippet, exactly as the spec shows it
sed -n '/<!-- snippet: load_cdict -->/,/^```$/p' "$SRCDIR/docs/cdict-format.md" |
	sed '1,2d;$d' >load_cdict.py

cat >compare.py <<'PY'
import json, sys
sys.path.insert(0, ".")
from load_cdict import load_cdict
meta, cols, strings, trailer = load_cdict(sys.argv[1])
want = json.load(open(sys.argv[2]))
got = {k: v for k, v in cols.items() if v}
got["strings"] = strings
got["rows"] = trailer["rows"] if trailer else 0
if got != want:
    for k in sorted(set(got) | set(want)):
        if got.get(k) != want.get(k):
            print("column %s differs: %r... vs %r..." % (k, str(got.get(k))[:80], str(want.get(k))[:80]))
    sys.exit(1)
print("%d rows, %d columns agree" % (len(cols["kind"]), len(got)))
PY

test_expect_success 'the spec holds a python snippet' '
	grep -q "def load_cdict" load_cdict.py
'

if $py -c 'import msgpack' 2>/dev/null; then
	test_expect_success 'python snippet reads what the C reader reads' '
		"$sample" sample s.cdict &&
		"$sample" columns s.cdict >want.json &&
		$py compare.py s.cdict want.json >out &&
		grep "^70000 rows" out
	'
	# a version-2 file, as perfwhiz 0.1.0 wrote it (kept in the fuzz corpus)
	test_expect_success 'python snippet and C reader agree on a version-2 file' '
		v2="$SRCDIR/tests/fuzz/corpus/cdict/sample-300.cdict" &&
		test "$(od -An -tu2 -j8 -N2 "$v2" | tr -d " ")" = 2 &&
		"$sample" columns "$v2" >want2.json &&
		$py compare.py "$v2" want2.json >out2 &&
		grep "^300 rows" out2
	'
	test_expect_success 'a version-2 file reads as its version-3 rewrite' '
		"$sample" sample s300.cdict 300 &&
		test "$(od -An -tu2 -j8 -N2 s300.cdict | tr -d " ")" = 3 &&
		"$sample" columns s300.cdict >want3.json &&
		test_cmp want2.json want3.json
	'
	# a switch in of tid -1, then a switch whose prev is elided (so -1): the C
	# reader once kept "-1 + 1" as "no switch on this cpu yet", took the next
	# switch for the cpu's first again, and wrote past its per-cpu table
	# (found by the fuzzer; a plain build aborted in malloc)
	test_expect_success 'a switch in of tid -1: the next prev elided is -1, both readers' '
		printf "%s\n" "meta nr_cpus 1" "meta tracepoint sched:sched_switch" \
			"switch 1000 0 5 -1 S" "switch 2000 0 -1 7 R" "switch 3000 0 7 -1 S" \
			"switch 4000 0 -1 9 R" >neg.txt &&
		"$BUILD/tests/cdict-from-text" neg.txt neg.cdict &&
		"$sample" columns neg.cdict >neg.json &&
		jq -c "[.[\"sw.prev\"], .[\"sw.next\"]]" neg.json >got &&
		echo "[[5,-1,7,-1],[-1,7,-1,9]]" >want && test_cmp want got &&
		$py compare.py neg.cdict neg.json >out4 &&
		grep "^4 rows" out4
	'
	test_expect_success 'python snippet reads the smallest file' '
		"$sample" empty e.cdict &&
		$py -c "
import sys; sys.path.insert(0, \".\")
from load_cdict import load_cdict
m, c, s, t = load_cdict(\"e.cdict\")
assert m == {\"t\": \"meta\", \"format\": 3, \"perfwhiz\": m[\"perfwhiz\"]}, m
assert t[\"rows\"] == 0 and c[\"kind\"] == [], t
"
	'
else
	test_skip 'python snippet reads what the C reader reads' 'no python3-msgpack'
fi

if $py -c 'import msgpack' 2>/dev/null; then
	# a real conversion: the plugin's file, read by the spec's snippet and by
	# the user guide's example, whose counts perfwhiz-dash --list and --json hold
	test_expect_success 'the snippet and the user guide example on a plugin conversion, held to --list' '
		mkperfdata -o g.data -c 4 --vms 1 --vcpus 2 --tasks 6 -n 40000 -s 9 &&
		perf script -i g.data --dlfilter "$BUILD/perfwhiz.so" --dlarg quiet --dlarg out=run.cdict &&
		$py -c "
import sys, collections; sys.path.insert(0, \".\")
from load_cdict import load_cdict
m, c, s, t = load_cdict(\"run.cdict\")
k = collections.Counter(c[\"kind\"])
print(len(c[\"kind\"]) - k[\"task\"])
for n in sorted(k): print(n, k[n])
" >py.out &&
		perfwhiz-dash -q --list run.cdict | awk "NR > 3 { s += \$1 } END { print s }" >want &&
		head -n 1 py.out >got && test_cmp want got &&
		perfwhiz-dash -q --json run.cdict |
			jq -r ".runs[0].events | to_entries[] | select(.key != \"read\" and .value > 0) | \"\(.key) \(.value)\"" |
			sort >want-kinds &&
		sed 1d py.out >got-kinds && test_cmp want-kinds got-kinds &&
		sed -n "/^from load_cdict/,/^\`\`\`$/p" "$SRCDIR/docs/user-guide.md" | sed "\$d" >guide.py &&
		$py guide.py >guide.out &&
		test "$(cat guide.out)" = "$(jq -r ".runs[0].meta.hostname" <(perfwhiz-dash -q --json run.cdict)) $(grep "^sched_switch " py.out | cut -d" " -f2) switches"
	'
fi

test_expect_success 'the smallest file is what the spec dumps' '
	"$sample" empty e.cdict &&
	test $(stat -c %s e.cdict) -eq 173 &&
	xxd e.cdict >dump &&
	sed -n "/^## The smallest valid file/,/^| offset/p" "$SRCDIR/docs/cdict-format.md" |
		grep "^000000" >want-dump &&
	test_cmp want-dump dump
'

test_done
