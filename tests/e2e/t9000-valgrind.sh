#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t9000: the plugin under valgrind memcheck, inside the real perf, on a real
# capture and on a generated KVM capture: zero errors, zero leaks.
. "$(dirname "$0")/../lib.sh"

if [ "${PW_SANITIZE:-0}" = 1 ]; then
	test_skip 'perfwhiz.so under valgrind' 'the sanitizer pass has its own checks'
	test_done
	exit
fi

vg() {
	valgrind -q --error-exitcode=99 --leak-check=full \
		--show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
		--num-callers=30 "$@"
}

test_expect_success 'a real capture: perf script --dlfilter under memcheck' '
	perf record -q -e sched:sched_switch -e sched:sched_wakeup \
		-e sched:sched_migrate_task -a -o rec.data -- "$BUILD/pw-workload" -d 1 &&
	vg perf script -i rec.data --dlfilter "$BUILD/perfwhiz.so" --dlarg out=rec.cdict 2>vg.log &&
	test_must_fail grep "^==" vg.log &&
	perfwhiz-dash -q --json rec.cdict >rec.json &&
	perf script -i rec.data -F event 2>/dev/null | grep -c "sched:sched_switch" >want &&
	jq ".runs[0].events.sched_switch" rec.json >got &&
	test_cmp want got
'

test_expect_success 'a generated KVM capture: memcheck clean, exits as generated' '
	mkperfdata --cpus 4 --vms 1 --vcpus 2 --tasks 4 --events 20000 --seed 3 \
		-o gen.data --truth truth.json &&
	vg perf script -i gen.data --dlfilter "$BUILD/perfwhiz.so" --dlarg out=gen.cdict 2>vg.log &&
	test_must_fail grep "^==" vg.log &&
	perfwhiz-dash -q --json gen.cdict >gen.json &&
	jq -S "[.tasks[] | select(.kvm) | {tid, exits: .kvm.exits}] | sort_by(.tid)" truth.json >want &&
	jq -S "[.runs[0].tasks[] | select(.kvm and (.kvm.exits | length > 0)) | {tid, exits: .kvm.exits}] | sort_by(.tid)" gen.json >got &&
	test_cmp want got
'

test_expect_success 'perfwhiz-dash under memcheck on both captures' '
	vg perfwhiz-dash -q --json rec.cdict gen.cdict >/dev/null 2>vg.log &&
	test_must_fail grep "^==" vg.log
'

# both pages: the heatmaps collected by their own thread during the first
# pass, and read a second time (--merge-sys-tasks)
test_expect_success 'both dashboards under memcheck, and helgrind: no race with the collecting thread' '
	mkdir -p vgout &&
	vg perfwhiz-dash --headless --charts --heatmaps --output-dir vgout rec.cdict gen.cdict \
		>/dev/null 2>vg.log &&
	test_must_fail grep "^==" vg.log &&
	test $(grep -c "; one reading" vg.log) = 2 &&
	vg perfwhiz-dash -q --headless --heatmaps --merge-sys-tasks --output-dir vgout gen.cdict 2>vg.log &&
	test_must_fail grep "^==" vg.log &&
	valgrind -q --tool=helgrind --error-exitcode=99 perfwhiz-dash --headless --charts \
		--heatmaps --output-dir vgout gen.cdict rec.cdict >/dev/null 2>hg.log &&
	test_must_fail grep "^==" hg.log &&
	test $(grep -c "; one reading" hg.log) = 2
'

test_done
