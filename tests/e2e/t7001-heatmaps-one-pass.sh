#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t7001-heatmaps-one-pass: the heatmaps collected during the first pass (one reading of the file) are the
# same bytes as those of the second pass (PERFWHIZ_HEAT_TWO_PASS=1, the reference): exact and binned series,
# the exact budget given out across tasks, KVM reason keys, CPU view ids, -t, -f/-c, several files, a real
# recording; files the single pass cannot do (truncated, --merge-sys-tasks) are read twice, as before.
. "$(dirname "$0")/../lib.sh"

if ! [ -x "$BUILD/mkperfdata" ] || ! [ -f "$BUILD/perfwhiz.so" ]; then
	test_skip 'the single-pass heatmaps' 'needs build/mkperfdata and build/perfwhiz.so'
	test_done; exit 0
fi

# capture NAME MKPERFDATA-OPTIONS...: NAME.cdict
capture() {
	local name=$1; shift
	mkperfdata -o "$name.data" "$@" >/dev/null &&
	perf script -i "$name.data" --dlfilter "$BUILD/perfwhiz.so" --dlarg out="$name.cdict" \
		--dlarg quiet >/dev/null 2>&1 &&
	rm -f "$name.data"
}

# trailer.py, for the scripts below that forge a trailer: trailer(path), a
# whole .cdict's bytes, the offset of its last chunk (the trailer) and that
# chunk's msgpack bytes; frame(z, rawlen), a chunk of zlib bytes z (its
# header prepended); chunk(raw), a chunk of msgpack bytes
cat >trailer.py <<-\PY
	import struct, zlib
	def trailer(path):
	    b, off = open(path, "rb").read(), 16
	    while True:
	        zlen = struct.unpack_from("<I", b, off)[0]
	        if off + 16 + zlen == len(b):
	            return b, off, zlib.decompress(b[off + 16:])
	        off += 16 + zlen
	def frame(z, rawlen):
	    h = struct.pack("<III", len(z), rawlen, zlib.crc32(z))
	    return h + struct.pack("<I", zlib.crc32(h)) + z
	def chunk(raw):
	    return frame(zlib.compress(raw), len(raw))
	PY

# both LABEL DASH-ARGS...: the heatmaps page both ways, into one/ and two/; the single
# pass must say it read the file once, the reference twice, and the pages must be equal
both() {
	local label=$1; shift
	mkdir -p one two &&
	perfwhiz-dash --headless --heatmaps --charts --output-dir one --label "$label" "$@" 2>one.err &&
	PERFWHIZ_HEAT_TWO_PASS=1 perfwhiz-dash --headless --heatmaps --charts --output-dir two \
		--label "$label" "$@" 2>two.err &&
	grep -q "heatmaps .*; one reading" one.err &&
	! grep -q "; read twice$" one.err &&
	grep -q "heatmaps .*; read twice$" two.err &&
	cmp "one/$label-heatmaps.html" "two/$label-heatmaps.html" &&
	cmp "one/$label-charts.html" "two/$label-charts.html"
}

# twice FILE DASH-ARGS...: the heatmaps page of FILE (its name, no .cdict, is the
# label) must say it read the file twice, and be the reference's page
twice() {
	local f=$1; shift
	mkdir -p one two &&
	perfwhiz-dash --headless --heatmaps --output-dir one --label "$f" "$@" "$f.cdict" 2>"$f.err" &&
	grep -q "heatmaps .$f.cdict.: .*; read twice$" "$f.err" &&
	PERFWHIZ_HEAT_TWO_PASS=1 perfwhiz-dash -q --headless --heatmaps --output-dir two \
		--label "$f" "$@" "$f.cdict" &&
	cmp "one/$f-heatmaps.html" "two/$f-heatmaps.html"
}

# same LABEL DASH-ARGS...: as both, whichever way the single pass went
same() {
	local label=$1; shift
	mkdir -p one two &&
	perfwhiz-dash --headless --heatmaps --output-dir one --label "$label" "$@" 2>one.err &&
	PERFWHIZ_HEAT_TWO_PASS=1 perfwhiz-dash -q --headless --heatmaps --output-dir two \
		--label "$label" "$@" &&
	cmp "one/$label-heatmaps.html" "two/$label-heatmaps.html"
}

test_expect_success 'captures: KVM (exact series), binned, and over the exact budget' '
	capture kvm -c 4 --vms 2 --vcpus 2 -d 200 -s 11 &&
	capture svm -c 3 --vms 1 --vcpus 2 --isa svm -d 300 -s 4 &&
	capture big -c 4 --vms 1 --vcpus 2 --tasks 3 -n 400000 -s 5 &&
	capture many -c 8 --vms 1 --vcpus 2 --tasks 200 -n 1500000 -s 7 &&
	test -s kvm.cdict && test -s svm.cdict && test -s big.cdict && test -s many.cdict
'

test_expect_success 'exact series (KVM, VMX and SVM reasons): the same page' '
	both kvm kvm.cdict &&
	grep -q "heatmaps .kvm.cdict.: .* 0 of [0-9]* series binned" one.err &&
	both svm svm.cdict
'

test_expect_success 'binned series: the same page' '
	both big big.cdict &&
	grep -q "heatmaps .big.cdict.: .* [1-9][0-9]* of [0-9]* series binned" one.err
'

test_expect_success 'the exact budget runs out: given out in the second pass order' '
	both many many.cdict &&
	grep -q "heatmaps .many.cdict.: 64 tasks; [1-9][0-9]* of [0-9]* series binned" one.err &&
	grep -q "more selected tasks have no heatmaps" one.err &&
	/usr/bin/python3 - one/many-heatmaps.html >many.heat <<-\PY &&
	import base64, json, re, sys, zlib
	html = open(sys.argv[1], encoding="utf-8").read()
	m = re.search(r"<script type=\"application/octet-stream\" id=\"pw-data\">([A-Za-z0-9+/=,]*)</script>", html)
	json.dump(json.loads(b"".join(zlib.decompress(base64.b64decode(x)) for x in m.group(1).split(",")))["heat"], sys.stdout)
	PY
	# series binned with no more than exact_max events: the budget ran out
	# before them; and series still exact after it
	jq -e "[.runs[0].tasks[] | (.run, .sleep, .core) | select(.mode == \"bins\" and .count <= 5000)] | length > 10" many.heat &&
	jq -e "[.runs[0].tasks[] | (.run, .sleep, .core) | select(.mode == \"exact\" and .count > 0)] | length > 10" many.heat
'

test_expect_success '-t and -f/-c: the same page' '
	both sel -t "CPU [0-9]+/KVM" -f 20 -c 100 kvm.cdict &&
	both win -f 5 -c 30 many.cdict &&
	both tid -t "[a-z]" -c 100000 big.cdict
'

test_expect_success 'several files (the shortest capture is the window): the same page' '
	both diff kvm.cdict svm.cdict &&
	grep -c "; one reading" one.err >n && test "$(cat n)" = 2
'

test_expect_success 'a truncated file and --merge-sys-tasks are read twice, as before' '
	head -c -300 big.cdict >cut.cdict &&
	twice cut && grep -q "is truncated" cut.err &&
	perfwhiz-dash --headless --heatmaps --merge-sys-tasks --output-dir one --label m big.cdict 2>m.err &&
	grep -q "heatmaps .big.cdict.: .*; read twice$" m.err
'

# the trailer's "top" (minor version 1) against the columns, read by the
# Python reader of docs/cdict-format.md: each tid's slices (from the cpu's
# last switch, or from the first event) and each cpu's last one to the last
# event, most first, ties by tid, idle left out, at most 1,024
sed -n '/<!-- snippet: load_cdict -->/,/^```$/p' "$SRCDIR/docs/cdict-format.md" |
	sed '1,2d;$d' >load_cdict.py
cat >top.py <<-\PY
	import sys
	sys.path.insert(0, ".")
	from load_cdict import load_cdict
	meta, cols, strings, tr = load_cdict(sys.argv[1])
	first, last, cur, rt, i = cols["time"][0], {}, {}, {}, 0
	for k, t, cpu in zip(cols["kind"], cols["time"], cols["cpu"]):
	    if k == "sched_switch":
	        p, n = cols["sw.prev"][i], cols["sw.next"][i]
	        i += 1
	        rt[p] = rt.get(p, 0) + max(0, t - last.get(cpu, first))
	        last[cpu], cur[cpu] = t, n
	for cpu, n in cur.items():
	    rt[n] = rt.get(n, 0) + max(0, tr["last_ns"] - last[cpu])
	want = sorted(([tid, ns] for tid, ns in rt.items() if tid), key=lambda e: (-e[1], e[0]))[:1024]
	assert tr["top"] == want, (tr["top"][:3], want[:3])
	assert len(want) == min(1024, len([t for t in rt if t])), len(want)
	print(len(rt), "tids,", len(want), "in top")
	PY

test_expect_success 'the trailer names the tids with the most runtime, as the columns give it' '
	capture crowd -c 4 --vms 0 --tasks 600 -n 300000 -s 8 &&
	capture horde -c 4 --vms 0 --tasks 1100 -n 200000 -s 9 &&
	/usr/bin/python3 top.py crowd.cdict >crowd.top && grep "in top" crowd.top &&
	/usr/bin/python3 top.py horde.cdict >horde.top && grep "1024 in top" horde.top &&
	/usr/bin/python3 top.py kvm.cdict
'

test_expect_success 'the whole file: the 72 tids with the most runtime held, one reading, the same page' '
	both crowd crowd.cdict &&
	grep -q "; one reading (the series of the 72 tids with the most runtime)$" one.err &&
	both horde horde.cdict &&
	grep -q "; one reading (the series of the 72 tids with the most runtime)$" one.err &&
	both many many.cdict &&
	grep -q "; one reading (the series of the 72 tids with the most runtime)$" one.err &&
	both hcap -c 100000 horde.cdict &&
	grep -q "; one reading (the series of the 72 tids with the most runtime)$" one.err
'

test_expect_success 'several files: the shortest is whole (72 held), the others cut (128 held)' '
	both two crowd.cdict horde.cdict &&
	grep -q "heatmaps .horde.cdict.: .*; one reading (the series of the 72 tids with the most runtime)$" one.err &&
	grep -q "heatmaps .crowd.cdict.: .*; one reading (the series of the 128 tids with the most runtime)$" one.err
'

test_expect_success 'a window: every task held up to 512 tasks, the 128 with the most runtime past them' '
	both mwin -f 5 -c 300 many.cdict &&
	grep -q "heatmaps .many.cdict.: .*; one reading$" one.err &&
	same hwin -f 1 -c 50 horde.cdict &&
	same hwin2 -f 100 -c 1000 crowd.cdict &&
	{ ! grep -q "one reading" one.err ||
	  grep -q "; one reading (the series of the 128 tids with the most runtime)$" one.err; }
'

test_expect_success 'a shown task not held, or tasks picked by name (-t): read twice, the same page' '
	PERFWHIZ_HEAT_CANDIDATES=8 twice crowd && grep -q ": 64 tasks.*; read twice$" crowd.err &&
	twice crowd -t "java|node"
'

test_expect_success 'a trailer whose top is out of order is refused' '
	/usr/bin/python3 - crowd.cdict badtop.cdict <<-\PY &&
	import msgpack, sys
	sys.path.insert(0, ".")
	from trailer import chunk, trailer
	b, off, raw = trailer(sys.argv[1])
	tr = msgpack.unpackb(raw, raw=False)
	tr["top"][0], tr["top"][1] = tr["top"][1], tr["top"][0]
	open(sys.argv[2], "wb").write(b[:off] + chunk(msgpack.packb(tr)))
	PY
	test_expect_code 1 perfwhiz-dash -q --headless --heatmaps --output-dir one badtop.cdict 2>err &&
	test_one_line err &&
	grep -q "corrupt input .badtop.cdict.*trailer top is not in order at entry 1" err &&
	! test -e one/badtop-heatmaps.html
'

test_expect_success 'more memory than allowed: read twice, the same page' '
	PERFWHIZ_HEAT_MAX_MB=2 twice many
'

test_expect_success 'a trailer that disagrees with the events is refused' '
	/usr/bin/python3 - kvm.cdict bad.cdict <<-\PY &&
	import struct, sys
	sys.path.insert(0, ".")
	from trailer import chunk, trailer
	# the trailer: the last chunk; its msgpack last_ns moved by one
	b, off, raw = trailer(sys.argv[1])
	k = raw.index(b"last_ns") + len(b"last_ns")
	assert raw[k] == 0xcf
	v = struct.unpack_from(">Q", raw, k + 1)[0] + 1
	raw = raw[:k + 1] + struct.pack(">Q", v) + raw[k + 9:]
	open(sys.argv[2], "wb").write(b[:off] + chunk(raw))
	PY
	test_expect_code 1 perfwhiz-dash -q --headless --heatmaps --output-dir one bad.cdict 2>err &&
	test_one_line err &&
	grep -q "corrupt input .bad.cdict.: its trailer has the events from [0-9]* to [0-9]* ns, they run from" err &&
	! test -e one/bad-heatmaps.html
'

# The window of several files without --cap comes from each file's end, read
# before its events: a tail that passes for a trailer but is not the one the
# reader reaches must not give a wrong window silently. Here the real trailer
# holds, at its very end, a whole chunk of its own (an older trailer ending
# 1 ms earlier) that checks like a trailer: the real stream is stored, its
# last bytes are the inner chunk's, and pad bytes make the two Adler-32 sums
# one.
test_expect_success 'a false trailer at the end of a file is caught when its events are read' '
	/usr/bin/python3 - kvm.cdict tail.cdict <<-\PY &&
	import struct, sys, zlib, msgpack
	sys.path.insert(0, ".")
	from trailer import frame, trailer
	b, off, raw = trailer(sys.argv[1])
	tr = msgpack.unpackb(raw, raw=False)
	assert tr["t"] == "end"
	fake = dict(tr, last_ns=tr["last_ns"] - 1000000)
	fraw = msgpack.packb(fake)
	inner = frame(zlib.compress(fraw), len(fraw))
	M, want = 65521, zlib.adler32(fraw)
	L, G = 1400, 256
	pad = [128] * L
	def raw_of(p):
	    return msgpack.packb(dict(tr, pad=bytes(p), z=inner[:-4]))
	def sums(r):
	    a = zlib.adler32(r)
	    return a & 0xffff, a >> 16
	r = raw_of(pad)
	n, at = len(r), r.index(bytes(pad))
	# A: +d on a byte adds d to A (and d times its distance to the end to B)
	need = ((want & 0xffff) - sums(r)[0]) % M
	for j in range(520):
	    d = min(127, need)
	    pad[j] += d
	    need -= d
	# B alone: +t at j and -t at j + g add t * g to B, nothing to A
	need = ((want >> 16) - sums(raw_of(pad))[1]) % M
	q, rest = divmod(need, G)
	j = 520
	for g, left in ((G, q), (1, rest)):
	    for _ in range(3):
	        t = min(127, left)
	        pad[j] += t
	        pad[j + g] -= t
	        left -= t
	        j += g + 1
	    assert left == 0
	r = raw_of(pad)
	assert zlib.adler32(r) == want and len(r) < 65536
	z = b"\x78\x01\x01" + struct.pack("<HH", len(r), len(r) ^ 0xffff) + r + struct.pack(">I", want)
	assert zlib.decompress(z) == r and z.endswith(inner)
	open(sys.argv[2], "wb").write(b[:off] + frame(z, len(r)))
	PY
	perfwhiz-dash -q --json tail.cdict >tail.json &&
	test_expect_code 1 perfwhiz-dash -q --json tail.cdict svm.cdict >both.json 2>err &&
	test_one_line err &&
	grep -q "corrupt input .tail.cdict.: its end says its events run from [0-9]* to [0-9]* ns, they run from [0-9]* to [0-9]* (or it changed while it was read)" err &&
	! test -s both.json &&
	# the heatmaps take their first bin width from it: refused as well
	test_expect_code 1 perfwhiz-dash -q --headless --heatmaps --output-dir one tail.cdict 2>err &&
	test_one_line err &&
	grep -q "corrupt input .tail.cdict.: its end says its events run from [0-9]* to [0-9]* ns, they run from [0-9]* to [0-9]* (or it changed while it was read)" err &&
	! test -e one/tail-heatmaps.html
'

# The analysis starts its tasks' series at the bin width the trailer's last
# event gives (one step short), not at 1 ms: the bins must be those that
# doubling from 1 ms gives. Hand-made windows of exactly 512 x 4 ms, and 1 ns
# either side, ending with a switch (binned at the end itself: one more
# doubling) or a wakeup (the open slices end 1 ns before); every cpu idle
# after the first switches; no switch at all (nothing binned: 1 ms).
test_expect_success 'the series bins start from the trailer: the bins that doubling from 1 ms gives' '
	cat >edge.txt <<-\EOF &&
	meta nr_cpus 2
	task 1000 0 100 100 a
	task 1000 0 101 101 b
	switch 1000 0 0 100 R
	switch 5000000 1 0 101 R
	switch 700000000 0 100 0 S
	wakeup 700000100 0 100
	EOF
	cat >half.txt <<-\EOF &&
	meta nr_cpus 2
	task 1000 0 100 100 a
	switch 1000 0 0 100 R
	switch 5000000 0 100 0 S
	switch 6000000 1 0 100 R
	switch 9000000 1 100 0 S
	wakeup 4000000000 1 100
	EOF
	cat >none.txt <<-\EOF &&
	meta nr_cpus 2
	task 1000 0 100 100 vcpu
	wakeup 1000 0 100
	kvm_exit 2000 0 100 30 1
	kvm_entry 5000 0 100
	kvm_exit 3000000000 1 100 30 1
	kvm_entry 3000001000 1 100
	wakeup 9000000000 1 100
	EOF
	for end in 2048000999 2048001000 2048001001; do
		{ cat edge.txt; echo "switch $end 0 0 100 R"; } >sw$end.txt &&
		{ cat edge.txt; echo "wakeup $end 1 100"; } >wk$end.txt || return 1
	done &&
	cat >bins.py <<-\PY &&
	import base64, json, re, sys, zlib
	html = open(sys.argv[1], encoding="utf-8").read()
	m = re.search(r"id=\"pw-data\">([A-Za-z0-9+/=,]*)<", html)
	r = json.loads(b"".join(zlib.decompress(base64.b64decode(x)) for x in m.group(1).split(",")))["heat"]["runs"][0]
	print(sys.argv[1].split("-")[0], r["series_bin_ns"], r["series_nr_bins"])
	PY
	for f in sw2048000999 sw2048001000 sw2048001001 wk2048000999 wk2048001000 wk2048001001 half none; do
		"$BUILD/tests/cdict-from-text" $f.txt $f.cdict &&
		perfwhiz-dash -q --headless --heatmaps $f.cdict &&
		/usr/bin/python3 bins.py $f-heatmaps.html || return 1
	done >got &&
	cat >want <<-\EOF &&
	sw2048000999 4000000 512
	sw2048001000 8000000 257
	sw2048001001 8000000 257
	wk2048000999 4000000 512
	wk2048001000 4000000 512
	wk2048001001 8000000 257
	half 8000000 500
	none 1000000 0
	EOF
	test_cmp want got
'

if perf record -q -a -e sched:sched_switch -o probe.data -- true >/dev/null 2>&1 &&
   [ -x "$BUILD/pw-workload" ]; then
	test_expect_success 'a real recording: the same page' '
		perf record -q -a -e sched:sched_switch -e sched:sched_wakeup -e sched:sched_migrate_task \
			-o rec.data -- "$BUILD/pw-workload" -d 1 >/dev/null 2>&1 &&
		perf script -i rec.data --dlfilter "$BUILD/perfwhiz.so" --dlarg out=rec.cdict --dlarg quiet >/dev/null 2>&1 &&
		rm -f rec.data probe.data &&
		both rec rec.cdict &&
		both recsel -t "pw-" rec.cdict
	'
else
	test_skip 'a real recording' 'needs perf record -a and pw-workload'
fi

test_done
