#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t8005-json-schema.sh: docs/json-schema.md and real --json output name the same keys.
#
# Outputs: one run with KVM (vmx), several runs (vmx, svm with the old
# kvm_exit layout, a legacy file), -t and a map. Every object key they hold
# (but the names under events, kvm.exits, kvm.reasons and meta.extra, which
# are event kinds, exit reasons and producer keys) must be documented:
# named in backquotes or in the skeleton's quotes. Every key the schema's
# tables list in their first column must be in some output.
. "$(dirname "$0")/../lib.sh"

schema=$SRCDIR/docs/json-schema.md

test_expect_success 'outputs: one run, several runs, KVM of both isas, legacy, -t, a map' '
	mkperfdata -o v.data -c 4 --vms 1 --vcpus 2 --tasks 6 -n 30000 -s 5 &&
	mkperfdata -o s.data -c 4 --vms 1 --vcpus 2 --tasks 6 -n 30000 -s 6 --isa svm \
		--kvm-exit-format old &&
	perf script -i v.data --dlfilter "$BUILD/perfwhiz.so" --dlarg quiet --dlarg out=v.cdict &&
	perf script -i s.data --dlfilter "$BUILD/perfwhiz.so" --dlarg quiet --dlarg out=s.cdict &&
	cp "$SRCDIR/tests/fixtures/legacy/small.cdict" l.cdict &&
	printf "2002,instance-1,vcpu0,u,tenant,1,web\n" >m.csv &&
	perfwhiz-dash -q --json v.cdict >1.json &&
	perfwhiz-dash -q --json v.cdict s.cdict l.cdict >2.json &&
	perfwhiz-dash -q --json -t CPU --map m.csv --label x v.cdict >3.json &&
	test "$(jq "[.runs[0].tasks[].kvm.count] | max > 0" 1.json)" = true
'

test_expect_success 'every key of the outputs is documented' '
	jq -r "del(.runs[].events, .runs[].tasks[].events?, .runs[].meta.extra,
		.runs[].tasks[].kvm.exits, .runs[].tasks[].kvm.reasons[]?) |
		[paths | .[] | strings] | unique[]" 1.json 2.json 3.json | sort -u >keys &&
	jq -r ".runs[].tasks[].kvm.reasons[]? | keys[]" 1.json 2.json | sort -u >>keys &&
	jq -r ".runs[].tasks[] | select(.kvm.reasons != null) | .kvm.reasons | keys[]" 1.json |
		head -n 1 >a-reason && test -s a-reason &&
	grep -v -x -F -f a-reason keys | sort -u >out-keys &&
	{ grep -oE "\`[a-z_0-9]+\`" "$schema" | tr -d "\`"; grep -oE "\"[a-z_0-9]+\"" "$schema" | tr -d "\""; } |
		sort -u >doc-words &&
	comm -23 out-keys doc-words >undocumented &&
	test_cmp /dev/null undocumented &&
	test $(wc -l <out-keys) -ge 60
'

test_expect_success 'every key the schema tables list is in an output' '
	sed -n "/^| key |/,/^$/p" "$schema" | grep "^| \`" | cut -d"|" -f2 |
		grep -oE "\`[a-z_0-9]+\`" | tr -d "\`" | sort -u >table-keys &&
	jq -r "[paths | .[] | strings] | unique[]" 1.json 2.json 3.json | sort -u >all-keys &&
	comm -23 table-keys all-keys >missing &&
	test_cmp /dev/null missing &&
	test $(wc -l <table-keys) -ge 40
'

test_expect_success 'a key added to the output and not to the schema is caught' '
	jq ".runs[0].quality.made_up_key = 1" 1.json >bad.json &&
	jq -r "[paths | .[] | strings] | unique[]" bad.json | sort -u | comm -23 - doc-words |
		grep -qx made_up_key
'

test_done
