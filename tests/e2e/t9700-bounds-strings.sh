#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t9700: a .cdict's string table is bounded by documented limits checked
# before anything is kept (cdict.h: PW_STRINGS_MAX strings, of
# PW_STRINGS_BYTES_MAX bytes; names cut at PW_NAME_MAX), and msgpack-c
# unpacks no more values than a chunk can hold: files of a few hundred KB
# that made perfwhiz-dash take gigabytes are refused, naming the limit and
# where, in bounded memory and time.
. "$(dirname "$0")/../lib.sh"
. "$SRCDIR/tests/tools/bounds.sh"

# chunks of 500,000 empty strings and no event: the 9th passes 4,194,304
test_expect_success 'a file of no events whose strings pass 4,194,304: refused at its chunk' '
	craft >off <<-\EOF &&
	f = c.File(); f.meta(nr_cpus=1)
	for i in range(12):
	    if i == 8: print(len(f.out))
	    f.events([], strs=[""] * 500000)
	f.write("strings.cdict")
	EOF
	test $(stat -c %s strings.cdict) -lt 300000 &&
	test_expect_code 1 run_bounded 200000 20 perfwhiz-dash -q --json strings.cdict >out 2>err &&
	printf "perfwhiz-dash: corrupt input '\''strings.cdict'\'' at offset 0x%x: the string table passes its limit of 4194304 strings or 134217728 bytes\n" $(cat off) >expect &&
	test_cmp expect err && test ! -s out
'

# 4 chunks of 10,000 strings of 4,096 bytes: the 4th passes 128 MiB
test_expect_success 'strings of 4,096 bytes past 128 MiB in all: refused at their chunk' '
	craft >off <<-\EOF &&
	f = c.File(); f.meta(nr_cpus=1)
	for i in range(5):
	    if i == 3: print(len(f.out))
	    f.events([], strs=[("%05d" % k) + "x" * 4091 for k in range(i * 10000, (i + 1) * 10000)])
	f.write("bytes.cdict")
	EOF
	test_expect_code 1 run_bounded 500000 30 perfwhiz-dash -q --json bytes.cdict >out 2>err &&
	printf "perfwhiz-dash: corrupt input '\''bytes.cdict'\'' at offset 0x%x: the string table passes its limit of 4194304 strings or 134217728 bytes\n" $(cat off) >expect &&
	test_cmp expect err
'

test_expect_success 'a chunk of a million strings: refused before msgpack-c unpacks it' '
	craft <<-\EOF &&
	f = c.File(); f.meta(nr_cpus=1)
	f.events([], strs=[""] * 1000000)
	f.write("values.cdict")
	EOF
	test_expect_code 1 run_bounded 100000 10 perfwhiz-dash -q --json values.cdict >out 2>err &&
	echo "perfwhiz-dash: corrupt input '\''values.cdict'\'' at offset 0x50: chunk is not one well-formed msgpack map of at most 589824 values" >expect &&
	test_cmp expect err
'

test_expect_success 'a task name of 5,000 bytes: cut to 4,096 (PW_NAME_MAX)' '
	craft <<-\EOF &&
	f = c.File(); f.meta(nr_cpus=1)
	f.events([c.task(1000, 0, 5, 5, 0), c.switch(2000, 0, 1, 5, 1), c.switch(3000, 0, 0, 0, 1)],
	         strs=["n" * 5000])
	f.trailer(3, 1000, 3000, tasks=2)
	f.write("long.cdict")
	EOF
	perfwhiz-dash -q --json long.cdict >out.json &&
	test "$(jq -r ".runs[0].tasks[] | select(.tid == 5) | .name | length" out.json)" = 4096
'

test_done
