#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t9300: hostile task names from a real capture (threads of pw-evilnames
# naming themselves with markup, quotes, a comma, a newline, an invalid
# UTF-8 byte) and from a --map CSV are valid JSON and CSV, round-trip, and
# are inert text in both dashboards in headless chromium.
. "$(dirname "$0")/../lib.sh"

WEB=$SRCDIR/tests/browser
py=/usr/bin/python3
EVIL='</script><img src=x onerror=alert(1)>'

if ! [ -x "$BUILD/pw-evilnames" ]; then
	test_skip 'hostile names' 'build/pw-evilnames missing (make build/pw-evilnames)'
	test_done; exit 0
fi

test_expect_success 'record the hostile threads, reduce, map two tids' '
	perf record -q -a -e sched:sched_switch -e sched:sched_wakeup -o ev.data -- \
		"$BUILD/pw-evilnames" >tids 2>/dev/null &&
	test $(wc -l <tids) -eq 7 &&
	perf script -i ev.data --dlfilter "$BUILD/perfwhiz.so" --dlarg out=ev.cdict --dlarg quiet &&
	t1=$(sed -n 6p tids | cut -d" " -f1) && t2=$(sed -n 7p tids | cut -d" " -f1) &&
	printf "%s,inst-1,vcpu0,u1,vnf,1,%s\n%s,inst-2,emu,u2,vnf,2,say \"hi\" '"'"'there'"'"'\n" \
		"$t1" "$EVIL" "$t2" >map.csv &&
	# the oracle: the names the program set, as --json must spell them
	# (each invalid byte becomes U+FFFD, docs/json-schema.md), and the
	# mapped names task-name.GG.type worked out by hand
	$py -c "
import json, sys
want = {}
for i, line in enumerate(open(\"tids\")):
    tid, hexname = line.split()
    want[tid] = bytes.fromhex(hexname).decode(\"utf-8\", errors=\"replace\")
lines = open(\"tids\").read().split(\"\n\")
want[lines[5].split()[0]] = sys.argv[1] + \".01.vcpu0\"
want[lines[6].split()[0]] = \"say \\\"hi\\\" '"'"'there'"'"'.02.emu\"
json.dump(want, open(\"want.json\", \"w\"))
json.dump(sorted(want.values()), open(\"names.json\", \"w\"))" "$EVIL" &&
	grep -F "\ufffd" want.json && grep -F "\n" want.json
'

test_expect_success '--json parses with jq and every name round-trips' '
	perfwhiz-dash -q --map map.csv --json ev.cdict >ev.json &&
	jq -e . ev.json >/dev/null &&
	jq -c "[.runs[0].tasks[] | {key: (.tid | tostring), value: .name}] | from_entries" ev.json >all.json &&
	jq -n -e --slurpfile w want.json --slurpfile a all.json \
		"\$w[0] | to_entries | all(.value == \$a[0][.key])" &&
	# nothing in the JSON bytes can close a script or open an element
	! grep -q "[<>&]" ev.json && ! grep -qF "</" ev.json &&
	! LC_ALL=C grep -qP "[\x00-\x1f\xff]" ev.json
'

test_expect_success '--csv parses with csv, every row has its header'"'"'s columns, names round-trip' '
	mkdir csv && perfwhiz-dash -q --map map.csv --csv csv ev.cdict &&
	$py -c "
import csv, glob, json, sys
want = json.load(open(\"want.json\"))
files = sorted(glob.glob(\"csv/*.csv\"))
assert len(files) == 7, files
for f in files:
    rows = list(csv.reader(open(f, newline=\"\", encoding=\"utf-8\", errors=\"strict\")))
    assert rows, f
    for i, r in enumerate(rows):
        assert len(r) == len(rows[0]), (f, i + 1, len(r), len(rows[0]))
tasks = list(csv.DictReader(open(\"csv/tasks.csv\", newline=\"\", encoding=\"utf-8\")))
got = {t[\"tid\"]: t[\"name\"] for t in tasks}
for tid, name in want.items():
    assert got.get(tid) == name, (tid, got.get(tid), name)
print(len(tasks), \"tasks\")
" >csv.out &&
	cat csv.out
'

test_expect_success 'the pages: bytes cannot close a script or add an element' '
	perfwhiz-dash -q --headless --map map.csv ev.cdict &&
	perfwhiz-dash -q --headless --heatmaps --map map.csv ev.cdict &&
	for p in ev-charts.html ev-heatmaps.html; do
		test $(grep -o "<script" $p | wc -l) -eq 4 &&
		test $(grep -o "</script" $p | wc -l) -eq 4 &&
		! grep -qF "<img src=x" $p &&
		! grep -qF "<svg>" $p || exit 1
	done
'

if ! [ -x /usr/bin/chromium ] || ! [ -d "$WEB/node_modules/playwright-core" ]; then
	test_skip 'the pages in chromium' 'needs /usr/bin/chromium and tests/browser/node_modules (make deps)'
	test_done; exit 0
fi

test_expect_success 'both pages in chromium: names are text, nothing injected, no console error' '
	(cd "$WEB" && node injection.test.js "charts=$TRASH/ev-charts.html:$TRASH/names.json" \
		"heat=$TRASH/ev-heatmaps.html:$TRASH/names.json") >browser.out 2>&1 ||
		{ cat browser.out; exit 1; }
	cat browser.out &&
	test $(grep -c "^ok " browser.out) -eq 12 && ! grep -q "^not ok" browser.out
'

test_expect_success 'the browser check catches an injected element (negative control)' '
	sed "s|<body>|<body><img src=x onerror=alert(1)>|" ev-charts.html >tampered.html &&
	grep -q "<img src=x" tampered.html &&
	(cd "$WEB" && test_expect_code 1 node injection.test.js "neg=$TRASH/tampered.html:$TRASH/names.json") >neg.out 2>&1 &&
	cat neg.out &&
	grep "^not ok neg: alert() never called" neg.out &&
	grep "^not ok neg: no element or handler injected" neg.out
'

test_done
