#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t8002: make demo's script, recording and falling back to a generated
# capture: both dashboards written, figures those of the capture.
. "$(dirname "$0")/../lib.sh"

if [ "${PW_SANITIZE:-0}" = 1 ]; then
	test_skip 'the demo' 'run once, on the normal build'
	test_done
	exit
fi

test_expect_success 'demo, recording this machine' '
	PERFWHIZ_DEMO_DIR=$TRASH/rec PERFWHIZ_DEMO_SECONDS=1 "$SRCDIR/scripts/demo" >out 2>err &&
	grep "dashboards of a 1 s recording of this machine" out &&
	test -s rec/demo-charts.html && test -s rec/demo-heatmaps.html &&
	perfwhiz-dash -q --json rec/demo.cdict >rec.json &&
	perf script -i rec/demo.data -F event 2>/dev/null | grep -c "sched:sched_switch" >want &&
	jq .runs[0].events.sched_switch rec.json >got && test_cmp want got
'

test_expect_success 'demo, falling back to a generated capture, and saying so' '
	PERFWHIZ_DEMO_DIR=$TRASH/gen PERFWHIZ_DEMO_GENERATED=1 "$SRCDIR/scripts/demo" >out 2>err &&
	grep "perf could not record here" err &&
	grep "dashboards of a generated capture" out &&
	test -s gen/demo-charts.html && test -s gen/demo-heatmaps.html &&
	perfwhiz-dash -q --json gen/demo.cdict >gen.json &&
	jq ".events.kvm_exit" gen/demo-truth.json >want &&
	jq ".runs[0].events.kvm_exit" gen.json >got && test_cmp want got &&
	test "$(cat got)" -gt 0
'

test_done
