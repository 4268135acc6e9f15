#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t8001: make install/uninstall into a DESTDIR and into perf's own paths;
# then `perf script record perfwhiz` and `perf script report perfwhiz` work
# with nothing else typed, and uninstall leaves nothing behind.
. "$(dirname "$0")/../lib.sh"

if [ "${PW_SANITIZE:-0}" = 1 ]; then
	test_skip 'install into a DESTDIR' 'the sanitizer pass does not install'
	test_skip 'install into perf paths, record and report' 'the sanitizer pass does not install'
	test_done
	exit
fi

mk() { make -s -C "$SRCDIR" B="$BUILD" "$@"; }

test_expect_success 'install into a DESTDIR puts every file in place' '
	mk install DESTDIR="$TRASH/dest" PREFIX=/opt/pw >install.log 2>&1 &&
	mk install-list PREFIX=/opt/pw >list &&
	test $(wc -l <list) -ge 20 &&
	while read -r f; do
		test -f "dest$f" || { echo "missing: $f"; exit 1; }
	done <list &&
	cmp dest/opt/pw/bin/perfwhiz-dash "$BUILD/perfwhiz-dash" &&
	cmp dest/opt/pw/libexec/perf-core/dlfilters/perfwhiz.so "$BUILD/perfwhiz.so" &&
	test -x dest/opt/pw/libexec/perf-core/scripts/perfwhiz/bin/perfwhiz-record &&
	cmp dest/opt/pw/share/man/man1/perfwhiz-dash.1 "$SRCDIR/docs/man/perfwhiz-dash.1" &&
	test $(find dest -type f | wc -l) -eq $(wc -l <list)
'

test_expect_success 'every link of the installed docs leads to an installed file' '
	doc=dest/opt/pw/share/doc/perfwhiz &&
	: >broken &&
	for f in $(cd $doc && find . -name "*.md"); do
		dir=$(dirname "$f") &&
		grep -oE "\]\([^)#]+" "$doc/$f" | sed "s/^](//" | grep -v "^[a-z]*://" |
		while read -r l; do
			test -e "$doc/$dir/$l" || echo "$f: $l" >>broken
		done
	done &&
	test_cmp /dev/null broken &&
	grep -c "](" $doc/README.md
'

test_expect_success 'uninstall from the DESTDIR removes every file' '
	mk uninstall DESTDIR="$TRASH/dest" PREFIX=/opt/pw &&
	find dest -type f >left &&
	test_must_fail test -s left
'

test_expect_success 'install into perf paths: perf lists the dlfilter and the script' '
	mk install >install.log 2>&1 &&
	exec_path=$(perf --exec-path) &&
	test -f "$exec_path/dlfilters/perfwhiz.so" &&
	perf script --list-dlfilters >dl 2>&1 &&
	grep "perfwhiz.so" dl &&
	perf script -l >scripts 2>&1 &&
	grep "perfwhiz.*scheduler and KVM dashboards" scripts
'

test_expect_success 'perf script record perfwhiz -a -- sleep 1' '
	perf script record perfwhiz -a -- sleep 1 >rec.log 2>&1 &&
	test -s perf.data &&
	perf evlist -i perf.data >evlist &&
	grep "^sched:sched_switch$" evlist &&
	grep "^sched:sched_wakeup$" evlist &&
	grep "^sched:sched_migrate_task$" evlist
'

test_expect_success 'perf script record perfwhiz piped into tee: perf.data still, not stdout' '
	mkdir -p piped && cd piped &&
	perf script record perfwhiz -a -- sleep 1 2>&1 | tee rec.log >/dev/null &&
	test -s perf.data && perf evlist -i perf.data | grep -q "^sched:sched_switch$" &&
	! grep -q PERFILE rec.log &&
	perf script record perfwhiz -o other.data -a -- sleep 1 >/dev/null 2>&1 &&
	test -s other.data
'

test_expect_success 'perf script report perfwhiz: cdict, stats and both dashboards' '
	perf script report perfwhiz >rep.log 2>&1 &&
	test -s perfwhiz.cdict &&
	test -s perfwhiz.stats &&
	grep "perf sched latency" perfwhiz.stats &&
	if perf evlist -i perf.data | grep -q "^kvm:kvm_exit$"; then
		grep -qx "# perf kvm stat: kvm:kvm_exit was recorded, but the capture holds no KVM exit" perfwhiz.stats
	fi &&
	test -s perfwhiz-charts.html &&
	test -s perfwhiz-heatmaps.html &&
	perfwhiz-dash -q --json perfwhiz.cdict >run.json &&
	perf script -i perf.data -F event 2>/dev/null | grep -c "sched:sched_switch" >want &&
	jq ".runs[0].events.sched_switch" run.json >got &&
	test_cmp want got
'

test_expect_success 'uninstall removes everything install put into perf paths' '
	mk uninstall &&
	for f in $(mk install-list); do
		test_must_fail test -e "$f" || exit 1
	done &&
	perf script --list-dlfilters >dl 2>&1 &&
	test_must_fail grep perfwhiz dl
'

test_done
