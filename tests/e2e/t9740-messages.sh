#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t9740: messages name the file, the line or row, and what is wrong: a tid
# given twice in a map (it said "line 0"), a legacy switch from pid -1 (it
# said "elides an unknown prev", at offset 0), an input= that is no
# perf.data (it said "not a .cdict file").
. "$(dirname "$0")/../lib.sh"

PLUGIN=$BUILD/perfwhiz.so

test_expect_success 'setup: a capture and a map' '
	mkperfdata --cpus 2 --vms 1 --vcpus 2 --tasks 2 --events 2000 --seed 3 -o run.data &&
	"$BUILD/tests/cdict-from-text" "$SRCDIR/tests/golden/a.txt" run.cdict &&
	cat >dup.csv <<-\EOF
	tid,libvirt-name,type,uuid,group-type,group-id,task-name
	10,inst-1,vcpu0,u1,tenant,3,web
	# a comment

	20,inst-1,vcpu1,u1,tenant,3,web
	10,inst-2,vcpu0,u2,tenant,4,db
	10,inst-3,vcpu0,u3,tenant,5,db
	EOF
'

test_expect_success 'a tid given twice in --map: the line that gives it again' '
	test_expect_code 1 perfwhiz-dash -q --json --map dup.csv run.cdict >out 2>err &&
	echo "perfwhiz-dash: bad map '\''dup.csv'\'': line 6: its tid is given on an earlier line too" >expect &&
	test_cmp expect err && test ! -s out
'

test_expect_success 'a tid given twice in map=: the same line, from the plugin' '
	rc=0 && perf script -i run.data --dlfilter "$PLUGIN" --dlarg map=dup.csv \
		--dlarg out=m.cdict 2>err || rc=$? &&
	test $rc -ne 0 && { test $rc -le 128 || test $rc -gt 192; } &&
	grep "^perfwhiz: " err >mine &&
	echo "perfwhiz: bad map '\''dup.csv'\'': line 6: its tid is given on an earlier line too" >expect &&
	test_cmp expect mine && test ! -e m.cdict
'

test_expect_success 'a legacy switch from pid -1: its row named, no offset' '
	/usr/bin/python3 -c "
import msgpack, zlib
d = {\"event\": [\"sched__sched_switch\"] * 3, \"cpu\": [0, 0, 0], \"usecs\": [0, 1, 2],
     \"pid\": [1, 2, -1], \"task_name\": [\"a\", \"b\", \"?\"], \"duration\": [0, 0, 0],
     \"next_pid\": [2, -1, 1], \"next_comm\": [\"b\", \"?\", \"a\"]}
open(\"legacy.cdict\", \"wb\").write(zlib.compress(msgpack.packb(d)))
" &&
	test_expect_code 1 perfwhiz-dash -q --json legacy.cdict >out 2>err &&
	echo "perfwhiz-dash: corrupt input '\''legacy.cdict'\'': legacy row 2: a sched_switch from pid -1 (no task)" >expect &&
	test_cmp expect err
'

test_expect_success 'input= that is no perf.data: said so' '
	rc=0 && perf script -i run.data --dlfilter "$PLUGIN" --dlarg input=run.cdict \
		--dlarg out=i.cdict 2>err || rc=$? &&
	test $rc -ne 0 && { test $rc -le 128 || test $rc -gt 192; } &&
	grep "^perfwhiz: " err >mine &&
	echo "perfwhiz: cannot read '\''run.cdict'\'': not a perf.data file (no PERFILE2 magic at offset 0)" >expect &&
	test_cmp expect mine && test ! -e i.cdict
'

test_done
