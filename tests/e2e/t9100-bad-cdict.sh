#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t9100: damaged .cdict files through the whole tool: cut at every chunk
# boundary and inside every chunk (the complete chunks are recovered and the
# count is said), a flipped bit in every chunk (the checksum error is named),
# a chunk claiming 4 GiB, a legacy file with columns of unequal length.
. "$(dirname "$0")/../lib.sh"

py=/usr/bin/python3

# chunks FILE: "offset end rows" per chunk (rows: 0 for meta and trailer)
cat >chunks.py <<'PY'
import struct, sys, zlib, msgpack
d = open(sys.argv[1], "rb").read()
off = 16
while off < len(d):
    zlen, rawlen, crc, hcrc = struct.unpack_from("<IIII", d, off)
    c = msgpack.unpackb(zlib.decompress(d[off + 16:off + 16 + zlen]), raw=False)
    print(off, off + 16 + zlen, c.get("n", 0) if c["t"] == "ev" else 0)
    off += 16 + zlen
PY

test_expect_success 'a capture of 300,000 events in 5 event chunks' '
	mkperfdata --cpus 4 --vms 1 --vcpus 2 --tasks 8 --events 300000 --seed 5 -o gen.data &&
	perf script -i gen.data --dlfilter "$BUILD/perfwhiz.so" --dlarg out=gen.cdict --dlarg quiet &&
	$py chunks.py gen.cdict >chunks &&
	test $(awk "\$3 > 0" chunks | wc -l) -ge 5 &&
	perfwhiz-dash -q --json gen.cdict >whole.json &&
	total=$(jq ".runs[0].events.read" whole.json) &&
	test "$total" -eq "$(awk "{ s += \$3 } END { print s }" chunks)"
'

test_expect_success 'cut at every chunk boundary and inside every chunk: complete chunks recovered' '
	n=0 &&
	while read -r start end rows; do
		for cut in $start $((start + 7)) $(((start + end) / 2)); do
			[ "$cut" -lt "$(stat -c %s gen.cdict)" ] || continue
			head -c "$cut" gen.cdict >cut.cdict
			want=$(awk -v c="$cut" "\$2 <= c { s += \$3 } END { print s + 0 }" chunks)
			if [ "$start" -le 16 ] && [ "$cut" -lt "$end" ]; then
				# no metadata: nothing to recover
				test_expect_code 1 perfwhiz-dash -q --json cut.cdict >out 2>err &&
				test_one_line err && grep -q "truncated input .cut.cdict." err || exit 1
				continue
			fi
			if [ "$want" -eq 0 ]; then
				test_expect_code 1 perfwhiz-dash --json cut.cdict >out 2>err || exit 1
				continue
			fi
			perfwhiz-dash --json cut.cdict >out.json 2>err || { cat err; exit 1; }
			grep -q "is truncated: $want events recovered" err ||
				{ echo "cut $cut: want $want recovered:"; cat err; exit 1; }
			test "$(jq .runs[0].quality.truncated out.json)" = true || exit 1
			n=$((n + 1))
		done
	done <chunks &&
	test $n -ge 10
'

test_expect_success 'a flipped bit in any chunk: the checksum error is named, exit 1' '
	while read -r start end rows; do
		cp gen.cdict bad.cdict &&
		off=$((start + 16 + (end - start - 16) / 3)) &&
		b=$(od -An -tu1 -j $off -N1 bad.cdict) &&
		printf "$(printf "\\\\%03o" $((b ^ 4)))" | dd of=bad.cdict bs=1 seek=$off conv=notrunc 2>/dev/null &&
		test_expect_code 1 perfwhiz-dash -q --json bad.cdict >out 2>err &&
		test_one_line err &&
		grep -q "^perfwhiz-dash: corrupt input .bad.cdict. at offset 0x$(printf %x $start): chunk checksum mismatch" err ||
			{ cat err; exit 1; }
	done <chunks
'

test_expect_success 'a chunk claiming 4 GiB: refused at once, one line' '
	read -r mstart mend rows <chunks &&
	head -c "$mend" gen.cdict >huge.cdict &&
	$py -c "
import struct, zlib
h = struct.pack(\"<III\", 0xffffffff, 0xffffffff, 0)
open(\"huge.cdict\", \"ab\").write(h + struct.pack(\"<I\", zlib.crc32(h)) + b\"x\" * 64)
" &&
	test_expect_code 1 perfwhiz-dash -q --json huge.cdict >out 2>err &&
	test_one_line err &&
	grep -q "corrupt input .huge.cdict. at offset 0x$(printf %x $mend): chunk claims 4294967295 bytes" err
'

test_expect_success 'a legacy file with columns of unequal length: one line, exit 1' '
	$py -c "
import msgpack, zlib
d = {\"event\": [\"sched__sched_switch\"] * 3, \"cpu\": [0, 1], \"usecs\": [0, 1, 2],
     \"pid\": [1, 2, 3], \"task_name\": [\"a\", \"b\", \"c\"], \"duration\": [0, 0, 0],
     \"next_pid\": [2, 3, 1], \"next_comm\": [\"b\", \"c\", \"a\"]}
open(\"legacy.cdict\", \"wb\").write(zlib.compress(msgpack.packb(d)))
" &&
	test_expect_code 1 perfwhiz-dash -q --json legacy.cdict >out 2>err &&
	test_one_line err &&
	grep -q "legacy columns of unequal length: event has 3, cpu has 2" err
'

test_expect_success 'empty and random files: one line naming the file, exit 1' '
	: >empty.cdict &&
	test_expect_code 1 perfwhiz-dash -q --json empty.cdict >out 2>err &&
	test_one_line err && grep -q "empty.cdict" err &&
	printf "\\074" >random.cdict && head -c 4096 /dev/urandom >>random.cdict &&
	test_expect_code 1 perfwhiz-dash -q --json random.cdict >out 2>err &&
	test_one_line err && grep -q "random.cdict" err
'

test_done
