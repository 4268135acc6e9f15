#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t9720: the tracing data the plugin reads (perf's -i, or --dlarg input=)
# is hostile input: libtraceevent never sees a print format (it crashed on
# some: a NULL dereference, a stack overflow at 10^5 nested parentheses),
# and a field whose offset or size is 2^31 or more is refused, not cut to
# 32 bits and read at the wrong place. The fuzz target tpfmt holds the
# parser to the same (tests/fuzz/fuzz-tpfmt.c).
. "$(dirname "$0")/../lib.sh"

PLUGIN=$BUILD/perfwhiz.so

# retext IN OUT EVENT PYEXPR: OUT is IN with the format text of EVENT
# replaced by PYEXPR of the text t (the tracing data section moved to the
# end of the file, the feature table pointing at it)
retext() {
	/usr/bin/python3 - "$1" "$2" "$3" "$4" <<-\EOF
	import struct, sys
	d = bytearray(open(sys.argv[1], "rb").read())
	data_off, data_size = struct.unpack_from("<QQ", d, 40)
	bits = int.from_bytes(d[72:104], "little")
	idx = bin(bits & 0b1).count("1")          # the table entry of bit 1
	assert bits >> 1 & 1
	ent = data_off + data_size + 16 * idx
	off, size = struct.unpack_from("<QQ", d, ent)
	sec = d[off:off + size]
	p = sec.index(b"name: %s\n" % sys.argv[3].encode())
	n = struct.unpack_from("<Q", sec, p - 8)[0]
	t = sec[p:p + n].decode()
	new = eval(sys.argv[4]).encode()
	sec = sec[:p - 8] + struct.pack("<Q", len(new)) + new + sec[p + n:]
	struct.pack_into("<QQ", d, ent, len(d), len(sec))
	open(sys.argv[2], "wb").write(d + sec)
	EOF
}

test_expect_success 'setup: a capture, converted' '
	mkperfdata --cpus 2 --vms 1 --vcpus 2 --tasks 4 --events 20000 --seed 7 -o good.data &&
	perf script -i good.data --dlfilter "$PLUGIN" --dlarg out=good.cdict --dlarg quiet &&
	perfwhiz-dash -q --json good.cdict >good.json
'

test_expect_success 'print formats nested 100,000 deep or malformed: never parsed, the same .cdict' '
	retext good.data deep.data sched_switch "t[:t.index(\"print fmt:\")] + \"print fmt: \\\"%d\\\", \" + \"(\" * 100000 + \"REC->prev_pid\" + \")\" * 100000 + \"\\n\"" &&
	retext good.data bad.data sched_switch "t[:t.index(\"print fmt:\")] + \"print fmt: \\\"%s\\\", __print_symbolic(REC->x, { , { 1 \\\"a\\\" }}), (((\\n\"" &&
	for f in deep bad; do
		perf script -i good.data --dlfilter "$PLUGIN" --dlarg input=$f.data \
			--dlarg out=$f.cdict --dlarg quiet 2>err &&
		test ! -s err &&
		perfwhiz-dash -q --json $f.cdict >$f.json &&
		jq -S "del(.runs[0].meta.source, .runs[0].meta.capture_time, .runs[0].meta.extra, .runs[0].file, .runs[0].name)" good.json >a &&
		jq -S "del(.runs[0].meta.source, .runs[0].meta.capture_time, .runs[0].meta.extra, .runs[0].file, .runs[0].name)" $f.json >b &&
		test_cmp a b || exit 1
	done
'

test_expect_success 'a field offset of 2^32 + 24: the format refused, one line, no output' '
	retext good.data off.data sched_switch "t.replace(\"offset:24;\", \"offset:4294967320;\", 1)" &&
	rc=0 && perf script -i good.data --dlfilter "$PLUGIN" --dlarg input=off.data \
		--dlarg out=off.cdict 2>err || rc=$? &&
	test $rc -ne 0 && { test $rc -le 128 || test $rc -gt 192; } &&
	grep "^perfwhiz: " err >mine &&
	echo "perfwhiz: format of sched:sched_switch in '\''off.data'\'' refused: a field'\''s offset or size is 2^31 or more" >expect &&
	test_cmp expect mine && test ! -e off.cdict
'

test_expect_success 'a field size of 2^32 + 4 in sched_wakeup: that event refused, the rest converted' '
	retext good.data size.data sched_wakeup "t.replace(\"size:4;\tsigned:1;\n\tfield:int prio\", \"size:4294967300;\tsigned:1;\n\tfield:int prio\", 1)" &&
	cmp -s good.data size.data && exit 1
	perf script -i good.data --dlfilter "$PLUGIN" --dlarg input=size.data \
		--dlarg out=size.cdict --dlarg quiet 2>err &&
	grep "^perfwhiz: " err >mine &&
	head -n 1 mine >first &&
	echo "perfwhiz: format of sched:sched_wakeup in '\''size.data'\'' refused: a field'\''s offset or size is 2^31 or more" >expect &&
	test_cmp expect first &&
	grep -q "^perfwhiz: sched:sched_wakeup: [0-9]* samples not decoded: no format for event id" mine &&
	perfwhiz-dash -q --json size.cdict >size.json &&
	test "$(jq .runs[0].events.sched_wakeup size.json)" = 0 &&
	test "$(jq .runs[0].events.sched_switch size.json)" = "$(jq .runs[0].events.sched_switch good.json)"
'

test_expect_success 'a field type with control characters: refused as not in the kernel form' '
	retext good.data ctl.data sched_switch "t.replace(\"char prev_comm[16]\", \"char prev_comm[\x12\x12]\", 1)" &&
	rc=0 && perf script -i good.data --dlfilter "$PLUGIN" --dlarg input=ctl.data \
		--dlarg out=ctl.cdict 2>err || rc=$? &&
	test $rc -ne 0 && { test $rc -le 128 || test $rc -gt 192; } &&
	grep "^perfwhiz: " err >mine &&
	echo "perfwhiz: format of sched:sched_switch in '\''ctl.data'\'' refused: not in the form the kernel prints" >expect &&
	test_cmp expect mine && test ! -e ctl.cdict
'

test_done
