#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t6000-charts: the basic dashboard NAME-charts.html: the page bytes (self-contained, deterministic, escaped,
# the data round-trips), then Debian's headless chromium on pages from fixtures, a generated KVM capture, a
# real recording and a 2,000-task x 256-CPU document: figures equal the JSON, tabs, tooltips, no network.
. "$(dirname "$0")/../lib.sh"

H2J=$BUILD/tests/html-from-json
WEB=$SRCDIR/tests/browser
FIX=$WEB/fixtures
SHOTS=$BUILD/screenshots
py=/usr/bin/python3

if ! [ -x "$H2J" ]; then
	test_skip 'charts page' 'build/tests/html-from-json missing (make test-build)'
	test_done; exit 0
fi

# decode PAGE.html: the embedded document, printed as JSON (independent of the page's JS)
cat >decode.py <<'PY'
import base64, json, re, sys, zlib
html = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r'<script type="application/octet-stream" id="pw-data">([A-Za-z0-9+/=,]*)</script>', html)
doc = json.loads(b"".join(zlib.decompress(base64.b64decode(x)) for x in m.group(1).split(",")))
json.dump(doc[sys.argv[2]] if len(sys.argv) > 2 else doc, sys.stdout, sort_keys=True)
PY
canon() { $py -c 'import json,sys; json.dump(json.load(open(sys.argv[1])), sys.stdout, sort_keys=True)' "$1"; }

test_expect_success 'a page from a fixture: one self-contained file' '
	"$H2J" "$FIX/compare.json" cmp.html &&
	grep -q "^<!DOCTYPE html>" cmp.html &&
	test $(grep -o "</script" cmp.html | wc -l) -eq 4 &&
	test $(grep -o "<script" cmp.html | wc -l) -eq 4 &&
	! grep -qi "<script[^>]* src=" cmp.html &&
	! grep -qi "<link" cmp.html &&
	grep -q "default-src '"'"'none'"'"'" cmp.html &&
	grep -q "d3js.org v7" cmp.html
'

test_expect_success 'the embedded data is the JSON, byte for byte, and the reason order' '
	$py decode.py cmp.html data >got.json &&
	canon "$FIX/compare.json" >want.json &&
	test_cmp want.json got.json &&
	$py decode.py cmp.html page >page.json &&
	jq -r ".kind, .reason_order[0], .reason_order[1], (.reason_order | index(\"HLT\")), (.reason_order | index(\"hlt\") > 60)" page.json >kinds &&
	printf "charts\nEXCEPTION_NMI\nEXTERNAL_INTERRUPT\n9\ntrue\n" >want.kinds &&
	test_cmp want.kinds kinds
'

test_expect_success 'same input, same bytes (no clock, no randomness)' '
	"$H2J" "$FIX/compare.json" again.html &&
	sleep 1 &&
	"$H2J" "$FIX/compare.json" again2.html &&
	cmp cmp.html again.html && cmp cmp.html again2.html
'

test_expect_success 'the title is HTML-escaped; trace text in the data cannot close a script' '
	"$H2J" --title "</title><script>alert(1)</script>&" "$FIX/compare.json" t.html &&
	grep -F "<title>&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;</title>" t.html &&
	grep -c "onerror=alert" "$FIX/compare.json" &&
	! grep -qF "<img src=x" t.html
'

test_expect_success 'written through a temporary file: replaced whole, nothing left on failure' '
	echo old >out.html &&
	"$H2J" "$FIX/single.json" out.html &&
	grep -q "^<!DOCTYPE html>" out.html &&
	test_expect_code 1 "$H2J" "$FIX/single.json" no/such/dir/x.html 2>err &&
	test_one_line err && grep "cannot write .no/such/dir/x.html." err &&
	ls -a >files && ! grep -q "\.tmp" files &&
	printf "" >empty.json && test_expect_code 1 "$H2J" empty.json e.html 2>err &&
	! test -e e.html
'

# ---- pages for the browser -------------------------------------------------
test_expect_success 'pages: single run, two runs, no KVM, 2,000 tasks x 256 CPUs' '
	"$H2J" "$FIX/single.json" single.html &&
	jq ".runs[].tasks[].kvm = {exits: {}, count: 0, host_ns: 0, guest_ns: 0, reasons: {}}" "$FIX/single.json" >nokvm.json &&
	"$H2J" nokvm.json nokvm.html &&
	$py "$WEB/mkfixture.py" big 2000 256 >big.json &&
	"$H2J" big.json big.html &&
	ls -l big.html | awk "{ exit \$5 > 2 * 1024 * 1024 }"
'
pages="cmp=cmp.html:$FIX/compare.json single=single.html:$FIX/single.json nokvm=nokvm.html:nokvm.json big=big.html:big.json:big"

# a generated KVM capture (mkperfdata -> perf script --dlfilter -> perfwhiz-dash --json)
if [ -x "$BUILD/mkperfdata" ] && [ -f "$BUILD/perfwhiz.so" ] && [ -x "$BUILD/perfwhiz-dash" ]; then
	test_expect_success 'page from a generated KVM capture' '
		"$BUILD/mkperfdata" -o gen.data -t truth.json -c 4 --vms 2 --vcpus 2 -d 100 -s 11 >/dev/null &&
		perf script -i gen.data --dlfilter "$BUILD/perfwhiz.so" --dlarg out=gen.cdict --dlarg quiet >/dev/null 2>&1 &&
		perfwhiz-dash -q --json gen.cdict >gen.json &&
		jq -e "[.runs[0].tasks[] | select(.kvm.count > 0)] | length > 0" gen.json &&
		"$H2J" gen.json gen.html
	' && pages="$pages gen=gen.html:gen.json"
else
	test_skip 'page from a generated KVM capture' 'needs build/mkperfdata, perfwhiz.so, perfwhiz-dash'
fi

# a real recording of this machine: two busy loops share one CPU, so the
# page has involuntary switches to show even on an idle machine
spin='taskset -c 0 sh -c "i=0; while [ \$i -lt 50000 ]; do i=\$((i+1)); done"'
if [ -f "$BUILD/perfwhiz.so" ] && [ -x "$BUILD/perfwhiz-dash" ] &&
   perf record -q -a -e sched:sched_switch -o probe.data -- true >/dev/null 2>&1; then
	test_expect_success 'page from a real recording' '
		perf record -q -a -e sched:sched_switch -e sched:sched_wakeup -e sched:sched_migrate_task \
			-o rec.data -- sh -c "$spin & $spin; wait; sleep 0.1" >/dev/null 2>&1 &&
		perf script -i rec.data --dlfilter "$BUILD/perfwhiz.so" --dlarg out=rec.cdict --dlarg quiet >/dev/null 2>&1 &&
		perfwhiz-dash -q --json rec.cdict >rec.json &&
		jq -e "[.runs[0].tasks[] | select(.involuntary > 0)] | length > 0" rec.json >/dev/null &&
		"$H2J" rec.json rec.html
	' && pages="$pages real=rec.html:rec.json"

	test_expect_success 'perfwhiz-dash writes rec-charts.html holding its --json' '
		perfwhiz-dash -q --headless rec.cdict &&
		$py decode.py rec-charts.html data >got.json &&
		canon rec.json >want.json && test_cmp want.json got.json
	' && pages="$pages dash=rec-charts.html:rec.json"
else
	test_skip 'page from a real recording' 'needs perfwhiz.so, perfwhiz-dash and perf record -a'
fi

# ---- the browser -------------------------------------------------------------
if ! [ -x /usr/bin/chromium ] || ! [ -d "$WEB/node_modules/playwright-core" ]; then
	test_skip 'the pages in chromium' 'needs /usr/bin/chromium and tests/browser/node_modules (make deps)'
	test_done; exit 0
fi

rm -f "$SHOTS"/*-charts-*.png
# shellcheck disable=SC2086
(cd "$WEB" && node charts.test.js "$SHOTS" $(for p in $pages; do
	n=${p%%=*}; r=${p#*=}; h=${r%%:*}; rest=${r#*:}; j=${rest%%:*}; b=${rest#"$j"}
	case $h in /*) ;; *) h=$TRASH/$h ;; esac
	case $j in /*) ;; *) j=$TRASH/$j ;; esac
	printf "%s-charts=%s:%s%s " "$n" "$h" "$j" "$b"
done)) >browser.out 2>&1
echo "browser exit $?" >>browser.out
grep '^#' browser.out || true

for p in $pages; do
	n=${p%%=*}-charts
	test_expect_success "$n: every browser check passes" '
		grep "^ok $n: the page renders" browser.out &&
		! grep "^not ok $n:" browser.out
	'
done
test_expect_success 'figures, tooltips, tabs, no network, no console error, inert names' '
	grep "^ok cmp-charts: every task row of the CPU table equals the JSON" browser.out &&
	grep "^ok cmp-charts: the KVM table equals the JSON, with totals" browser.out &&
	grep "^ok cmp-charts: a tooltip with the exact figures appears on a CPU bar" browser.out &&
	grep "^ok cmp-charts: a CoreMap cell.s tooltip gives" browser.out &&
	grep "^ok cmp-charts: the CoreMap run selector shows another run" browser.out &&
	grep "^ok cmp-charts: task names with markup show as text, nothing is injected" browser.out &&
	grep "^ok nokvm-charts: the tabs are CPU, (no KVM: no KVM tab) CoreMap" browser.out &&
	test $(grep -c "^ok .*: no network request" browser.out) -eq $(echo $pages | wc -w) &&
	test $(grep -c "^ok .*: no console error, no page error" browser.out) -eq $(echo $pages | wc -w) &&
	grep "^ok big-charts: CoreMap \"show all\" draws every task" browser.out &&
	grep "^browser exit 0" browser.out
'
test_expect_success 'one screenshot per tab' '
	for t in cpu kvm coremap; do test -s "$SHOTS/cmp-charts-$t.png"; done &&
	test -s "$SHOTS/nokvm-charts-coremap.png" && ! test -e "$SHOTS/nokvm-charts-kvm.png"
'

# the checker itself: a page checked against a document it was not made from fails
test_expect_success 'the browser check catches a figure that differs from the JSON' '
	jq "(.runs[0].tasks[] | select(.name == \"CPU 0/KVM\") | .switches) += 1" "$FIX/single.json" >tampered.json &&
	(cd "$WEB" && test_expect_code 1 node charts.test.js "$TRASH/shots-neg" "neg=$TRASH/single.html:$TRASH/tampered.json") >neg.out 2>&1 &&
	grep "^not ok neg: every task row of the CPU table equals the JSON: .* switches: got" neg.out
'

test_done
