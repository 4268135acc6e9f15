#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t9200: the plugin on bad input and hostile conditions: no sched_switch,
# malformed tracing data, a sched_switch format missing a field, an output
# that cannot be written, a full disk, SIGINT/SIGTERM mid-conversion, a
# symlink at the output path (t9500: every other kind of output path).
# Always one clear line, a non-zero exit, nothing half-written, and an
# earlier file never clobbered.
. "$(dirname "$0")/../lib.sh"

PLUGIN=$BUILD/perfwhiz.so
py=/usr/bin/python3

# conv DATA [DLARGS...]: run the dlfilter, stderr to err
conv() {
	local data=$1; shift
	local a=() x
	for x in "$@"; do a+=(--dlarg "$x"); done
	perf script -i "$data" --dlfilter "$PLUGIN" "${a[@]}" 2>err
}

# conv_must_fail ...: conv fails without crashing. perf exits with the
# filter's negative errno (255, 234, ...), so only 129-192 (death by a
# signal) counts as a crash.
conv_must_fail() {
	local rc=0
	conv "$@" || rc=$?
	[ $rc -ne 0 ] || { echo "conversion succeeded: $*" >&2; return 1; }
	[ $rc -le 128 ] || [ $rc -gt 192 ] || { echo "perf died (exit $rc): $*" >&2; return 1; }
}

# the lines of err that come from us (perf adds its own about the failed filter)
ours() { grep "^perfwhiz: " err; }

test_expect_success 'record a small capture' '
	perf record -q -e sched:sched_switch -e sched:sched_wakeup -a -o rec.data -- \
		"$BUILD/pw-workload" -d 0.3 2>/dev/null &&
	conv rec.data out=rec.cdict quiet && perfwhiz-dash -q --json rec.cdict >rec.json
'

test_expect_success 'a perf.data without sched_switch: one line naming the file, no output' '
	perf record -q -e sched:sched_wakeup -a -o nosw.data -- sleep 0.1 &&
	conv_must_fail nosw.data out=nosw.cdict &&
	ours >mine && test_one_line mine &&
	grep "sched_switch" mine && grep "nosw.data" mine &&
	test ! -e nosw.cdict && test -z "$(ls -A | grep "^\.nosw")"
'

test_expect_success 'malformed tracing data: refused, no crash, no output' '
	$py -c "
d = bytearray(open(\"rec.data\", \"rb\").read())
i = d.index(b\"\\x17\\x08Dtracing\")
d[i + 1] ^= 0xff
open(\"badtd.data\", \"wb\").write(d)" &&
	# perf reads the tracing data before the filter starts, and refuses
	# this file itself ("incompatible file format"); the plugin'"'"'s own
	# parser of it is fuzzed (tests/fuzz, target perfdata)
	conv_must_fail badtd.data out=badtd.cdict &&
	test ! -e badtd.cdict
'

test_expect_success 'a sched_switch format missing a field: one line naming it' '
	$py -c "
d = open(\"rec.data\", \"rb\").read()
assert d.count(b\"field:pid_t next_pid;\") == 1
open(\"nofield.data\", \"wb\").write(d.replace(b\"field:pid_t next_pid;\", b\"field:pid_t next_pi_;\"))" &&
	conv_must_fail nofield.data out=nofield.cdict &&
	ours >mine && test_one_line mine && grep "next_pid" mine && grep "nofield.data" mine &&
	test ! -e nofield.cdict
'

test_expect_success 'an output that cannot be written: one line, exit non-zero' '
	: >afile &&
	conv_must_fail rec.data out=afile/x.cdict &&
	ours >mine && test_one_line mine && grep "afile/x.cdict" mine &&
	conv_must_fail rec.data out=/sys/kernel/x.cdict &&
	ours >mine && test_one_line mine && grep "/sys/kernel/x.cdict" mine
'

test_expect_success 'a full disk (RLIMIT_FSIZE): one line, no file, the earlier one kept' '
	mkperfdata --cpus 4 --tasks 16 --vms 1 --vcpus 2 --events 200000 --seed 9 -o big.data &&
	echo precious >full.cdict &&
	( ulimit -f 64 && conv_must_fail big.data out=full.cdict ) &&
	ours >mine && test_one_line mine && grep "full.cdict" mine &&
	test "$(cat full.cdict)" = precious &&
	test -z "$(ls -A | grep "^\.full")"
'

test_expect_success 'SIGINT/SIGTERM mid-conversion: said, and the samples up to then in a valid cdict' '
	# 6 M samples: ~2 s here (more under the sanitizers), so that the
	# signal 0.1 s after the temporary file appears lands mid-run
	mkperfdata --cpus 4 --tasks 16 --vms 1 --vcpus 2 --events 6000000 --seed 10 -o huge.data &&
	# (the "&" must background perf alone: "a && perf ... &" would
	# background a subshell, and the signal would go to it, not to perf)
	for sig in INT TERM; do
		echo precious >sig.cdict || exit 1
		perf script -i huge.data --dlfilter "$PLUGIN" --dlarg out=sig.cdict 2>err &
		pid=$!
		for i in $(seq 300); do
			ls -A | grep -q "^\.sig\.cdict\." && break
			sleep 0.01
		done
		sleep 0.1
		kill -$sig $pid || exit 1
		wait $pid || :
		grep "^perfwhiz: interrupted by SIG$sig: .sig.cdict. holds the samples up to that point" err || exit 1
		n=$(sed -n "s/^perfwhiz: [0-9]* samples, \([0-9]*\) events stored.*/\1/p" err)
		test -n "$n" && test "$n" -gt 0 && test "$n" -lt 6000000 || exit 1
		perfwhiz-dash -q --json sig.cdict >sig.json || exit 1
		test "$(jq .runs[0].events.read sig.json)" = "$n" || exit 1
		test -z "$(ls -A | grep "^\.sig")" || exit 1
	done
'

test_expect_success 'a symlink at the output path is followed: the link kept, its file replaced' '
	echo target >target.txt && ln -s target.txt link.cdict &&
	conv rec.data out=link.cdict quiet &&
	test "$(readlink link.cdict)" = target.txt &&
	perfwhiz-dash -q --json target.txt >link.json &&
	test "$(jq .runs[0].events.sched_switch link.json)" = "$(jq .runs[0].events.sched_switch rec.json)"
'

test_done
