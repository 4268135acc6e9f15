#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t8000: --help and the man page of perfwhiz-dash list the same options;
# the dlfilter's dlargs and perfwhiz(7) list the same dlargs.
. "$(dirname "$0")/../lib.sh"

man1=$SRCDIR/docs/man/perfwhiz-dash.1
man7=$SRCDIR/docs/man/perfwhiz.7

test_expect_success 'perfwhiz-dash --help and perfwhiz-dash(1) list the same options' '
	perfwhiz-dash --help | grep -oE "(^|[ ,])--?[a-z][a-z-]*" | sed "s/^[ ,]*//" |
		sort -u >help-opts &&
	sed -n "/^\.SH OPTIONS/,/^\.SH EXIT/p" "$man1" | grep "^\.B" |
		sed "s/\\\\-/-/g" | grep -oE "(^|[\" ])--?[a-z][a-z-]*" | sed "s/^[\" ]*//" |
		sort -u >man-opts &&
	test_cmp help-opts man-opts &&
	test $(wc -l <help-opts) -ge 20
'

test_expect_success 'the dlfilter help and perfwhiz(7) list the same dlargs' '
	perf record -q -e sched:sched_switch -o tiny.data -- true &&
	{ perf script -i tiny.data --dlfilter "$BUILD/perfwhiz.so" --dlarg help 2>&1 || :; } |
		sed -n "s/^  \([a-z][a-z]*\)[= ].*/\1/p" | sort -u >help-args &&
	sed -n "/^\.SH DLARGS/,/^\.SH FILES/p" "$man7" | grep -E "^\.BI? [a-z]" |
		sed -E "s/^\.BI? ([a-z]+).*/\1/" | sort -u >man-args &&
	test_cmp help-args man-args &&
	test $(wc -l <help-args) -eq 8
'

test_expect_success 'the man pages render without warnings' '
	if command -v groff >/dev/null; then
		for m in "$man1" "$man7"; do
			groff -man -Tutf8 -ww -z "$m" 2>warn && test_must_fail test -s warn || exit 1
		done
	fi
'

test_done
