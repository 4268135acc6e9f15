#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t6001-charts-cli: perfwhiz-dash writes NAME-charts.html: where, under which name, holding exactly its --json;
# several files give one page; deterministic; a failed write leaves nothing. (The page in a browser: t6000.)
. "$(dirname "$0")/../lib.sh"

py=/usr/bin/python3
if ! [ -x "$BUILD/mkperfdata" ] || ! [ -f "$BUILD/perfwhiz.so" ] || ! [ -x "$BUILD/perfwhiz-dash" ]; then
	test_skip 'perfwhiz-dash writes NAME-charts.html' 'needs build/mkperfdata, perfwhiz.so, perfwhiz-dash'
	test_done; exit 0
fi

cat >decode.py <<'PY'
import base64, json, re, sys, zlib
html = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r'<script type="application/octet-stream" id="pw-data">([A-Za-z0-9+/=,]*)</script>', html)
doc = json.loads(b"".join(zlib.decompress(base64.b64decode(x)) for x in m.group(1).split(",")))
json.dump(doc[sys.argv[2]], sys.stdout, sort_keys=True)
PY
canon() { $py -c 'import json,sys; json.dump(json.load(open(sys.argv[1])), sys.stdout, sort_keys=True)' "$1"; }

test_expect_success 'two generated captures' '
	mkdir sub &&
	"$BUILD/mkperfdata" -o a.data -t a.json -c 4 --vms 1 --vcpus 2 -d 50 -s 5 >/dev/null &&
	"$BUILD/mkperfdata" -o b.data -t b.json -c 4 --vms 1 --vcpus 2 -d 50 -s 6 >/dev/null &&
	perf script -i a.data --dlfilter "$BUILD/perfwhiz.so" --dlarg out=sub/run-a.cdict --dlarg quiet >/dev/null 2>&1 &&
	perf script -i b.data --dlfilter "$BUILD/perfwhiz.so" --dlarg out=sub/run-b.cdict --dlarg quiet >/dev/null 2>&1 &&
	test -s sub/run-a.cdict && test -s sub/run-b.cdict
'

test_expect_success 'NAME-charts.html beside the file, holding the --json document' '
	perfwhiz-dash --headless sub/run-a.cdict 2>err &&
	grep -F "wrote '"'"'sub/run-a-charts.html'"'"'" err &&
	perfwhiz-dash -q --json sub/run-a.cdict >a.out.json &&
	$py decode.py sub/run-a-charts.html data >got &&
	canon a.out.json >want &&
	test_cmp want got &&
	grep -F "<title>run-a</title>" sub/run-a-charts.html
'

test_expect_success 'the .cdict suffix may be omitted; same bytes every time' '
	cp sub/run-a-charts.html first.html &&
	sleep 1 &&
	perfwhiz-dash -q --headless sub/run-a &&
	cmp first.html sub/run-a-charts.html
'

test_expect_success '--output-dir and --label name the file; the label is escaped' '
	mkdir out &&
	perfwhiz-dash -q --headless --output-dir out --label "x/<b>&y" sub/run-a.cdict &&
	test -f "out/x_<b>&y-charts.html" &&
	grep -F "<title>x/&lt;b&gt;&amp;y</title>" "out/x_<b>&y-charts.html" &&
	$py decode.py "out/x_<b>&y-charts.html" data | jq -r .label >label &&
	echo "x/<b>&y" >want.label && test_cmp want.label label
'

test_expect_success 'several files: one comparison page, runs named as --json names them' '
	perfwhiz-dash -q --headless --output-dir out sub/run-a.cdict sub/run-b.cdict >stdout &&
	! test -s stdout &&
	$py decode.py out/diff-charts.html data | jq -r ".runs[].name" >names &&
	perfwhiz-dash -q --json sub/run-a.cdict sub/run-b.cdict | jq -r ".runs[].name" >want.names &&
	test_cmp want.names names && test $(wc -l <names) -eq 2
'

test_expect_success '--json, --csv and --list write no page' '
	mkdir csv clean && cp sub/run-b.cdict clean/ &&
	perfwhiz-dash -q --json clean/run-b.cdict >/dev/null &&
	perfwhiz-dash -q --csv csv clean/run-b.cdict >/dev/null &&
	perfwhiz-dash -q --list clean/run-b.cdict >/dev/null &&
	! ls clean | grep -q html
'

test_expect_success 'a failed write: exit 1, one line, nothing left behind' '
	mkdir -p bad/run-a-charts.html &&
	test_expect_code 1 perfwhiz-dash -q --headless --output-dir bad sub/run-a.cdict 2>err &&
	test_one_line err &&
	grep "^perfwhiz-dash: cannot write .bad/run-a-charts.html.: " err &&
	test $(ls bad | wc -l) -eq 1
'

# raw PAGE.html: the embedded document's bytes, undecoded
cat >raw.py <<'PY'
import base64, re, sys, zlib
html = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r'<script type="application/octet-stream" id="pw-data">([A-Za-z0-9+/=,]*)</script>', html)
sys.stdout.buffer.write(b"".join(zlib.decompress(base64.b64decode(x)) for x in m.group(1).split(",")))
PY
# same_docs DIR1 DIR2 NAME: both dirs' NAME-charts.html and NAME-heatmaps.html embed the same bytes
same_docs() {
	for k in charts heatmaps; do
		$py raw.py "$1/$3-$k.html" >"$1/$k.doc" && $py raw.py "$2/$3-$k.html" >"$2/$k.doc" &&
		test -s "$1/$k.doc" && cmp "$1/$k.doc" "$2/$k.doc" || return 1
	done
}

test_expect_success '--charts --heatmaps: both pages in one run, each embedding what its own run does' '
	mkdir one two &&
	perfwhiz-dash --headless --charts --heatmaps --output-dir one sub/run-a.cdict 2>err &&
	grep -F "wrote '"'"'one/run-a-charts.html'"'"'" err &&
	grep -F "wrote '"'"'one/run-a-heatmaps.html'"'"'" err &&
	grep "^perfwhiz-dash: heatmaps .sub/run-a.cdict.: " err &&
	test $(grep -c "^perfwhiz-dash: sub/run-a.cdict: " err) -eq 1 &&
	perfwhiz-dash -q --headless --charts --output-dir two sub/run-a.cdict &&
	perfwhiz-dash -q --headless --heatmaps --output-dir two sub/run-a.cdict &&
	same_docs one two run-a &&
	$py raw.py one/run-a-heatmaps.html | jq -r .page.kind >kind && echo heatmaps >want.kind &&
	test_cmp want.kind kind
'

test_expect_success '--charts --heatmaps with -t, -f/-c, --merge-sys-tasks, several files: the same documents' '
	for opts in "-t CPU" "-f 5 -c 20" "--merge-sys-tasks" "--label ab sub/run-b.cdict"; do
		rm -rf one two && mkdir one two &&
		name=$(echo "$opts" | grep -q label && echo ab || echo run-a) &&
		perfwhiz-dash -q --headless --charts --heatmaps --output-dir one $opts sub/run-a.cdict &&
		perfwhiz-dash -q --headless --charts --output-dir two $opts sub/run-a.cdict &&
		perfwhiz-dash -q --headless --heatmaps --output-dir two $opts sub/run-a.cdict &&
		same_docs one two "$name" || { echo "differs with: $opts" >&2; return 1; }
	done
'

test_expect_success '--heatmaps alone writes the detailed page only; --charts the basic one only' '
	rm -rf one && mkdir one &&
	perfwhiz-dash -q --headless --heatmaps --output-dir one sub/run-a.cdict &&
	ls one >got && echo run-a-heatmaps.html >want && test_cmp want got &&
	rm -rf one && mkdir one &&
	perfwhiz-dash -q --headless --charts --output-dir one sub/run-a.cdict &&
	ls one >got && echo run-a-charts.html >want && test_cmp want got
'

test_expect_success '--json with --charts: the JSON on stdout and the page; --list with a page: usage error' '
	rm -rf one && mkdir one &&
	perfwhiz-dash -q --headless --json --charts --output-dir one sub/run-a.cdict >j.json &&
	perfwhiz-dash -q --json sub/run-a.cdict >want.json && cmp want.json j.json &&
	test -f one/run-a-charts.html &&
	test_expect_code 2 perfwhiz-dash -q --list --heatmaps sub/run-a.cdict 2>err &&
	test_one_line err && grep "^perfwhiz-dash: --list writes no dashboard" err
'

test_expect_success 'without --headless and without a display: no browser, no wait' '
	env -u DISPLAY -u WAYLAND_DISPLAY perfwhiz-dash -q sub/run-b.cdict &&
	test -f sub/run-b-charts.html
'

test_done
