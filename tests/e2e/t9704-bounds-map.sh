#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t9704: a --map's lines are at most 4,096 bytes (PW_MAP_LINE_MAX: so is any
# name it gives), its entries at most 1,048,576 and its size 64 MiB; past
# one it is refused, naming the line or the limit, before any input is read.
. "$(dirname "$0")/../lib.sh"
. "$SRCDIR/tests/tools/bounds.sh"

test_expect_success 'setup: a capture of tids 5 and 6' '
	craft <<-\EOF
	f = c.File(); f.meta(nr_cpus=1)
	f.events([c.switch(1000, 0, 6, 5, 1), c.switch(2000, 0, 0, 6, 1), c.switch(3000, 0, 0, 5, 1)])
	f.trailer(3, 1000, 3000, tasks=2)
	f.write("run.cdict")
	EOF
'

test_expect_success 'a line of 4,096 bytes: read, its name whole' '
	name=$(head -c 4069 /dev/zero | tr "\\0" n) &&
	printf "5,inst,vcpu0,uuid,tenant,7,%s\n" "$name" >ok.csv &&
	test $(head -n 1 ok.csv | wc -c) = 4097 &&
	perfwhiz-dash -q --json --map ok.csv run.cdict >out.json &&
	test "$(jq -r ".runs[0].tasks[] | select(.tid == 5) | .name" out.json)" = "$name.07.vcpu0"
'

test_expect_success 'a line of 4,097 bytes: refused, naming it, before any input is read' '
	name=$(head -c 4070 /dev/zero | tr "\\0" n) &&
	{ echo "6,inst,vcpu1,uuid,tenant,7,ok" &&
	  printf "5,inst,vcpu0,uuid,tenant,7,%s\r\n" "$name"; } >long.csv &&
	test_expect_code 1 perfwhiz-dash -q --json --map long.csv nowhere.cdict >out 2>err &&
	echo "perfwhiz-dash: bad map '\''long.csv'\'': line 2: longer than 4096 bytes (the limit)" >expect &&
	test_cmp expect err && test ! -s out
'

test_expect_success 'a map of 1,048,577 entries: refused, naming the limits' '
	awk "BEGIN { for (i = 1; i <= 1048577; i++) printf \"%d,i,vcpu0,u,g,1,t\n\", i }" >big.csv &&
	test_expect_code 1 run_bounded 400000 20 perfwhiz-dash -q --json --map big.csv run.cdict >out 2>err &&
	echo "perfwhiz-dash: bad map '\''big.csv'\'': more than 1048576 entries or 64 MiB (the limits)" >expect &&
	test_cmp expect err
'

test_done
