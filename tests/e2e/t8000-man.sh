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

test_expect_success 'docs/perfwhiz-dash.md lists the options --help lists' '
	sed -n "/^## Options/,/^## /p" "$SRCDIR/docs/perfwhiz-dash.md" | grep "^| \`-" |
		cut -d"|" -f2 | grep -oE "(^|[\` ,])--?[a-z][a-z-]*" | sed "s/^[\` ,]*//" |
		sort -u >md-opts &&
	test_cmp help-opts md-opts
'

# help_text OPT: the option's text in --help (its line and the indented ones after)
help_text() {
	perfwhiz-dash --help | awk -v o="$1" '
		/^  -/ { on = ($0 ~ ("(^|[ ,])" o "( |,|$)")) }
		on { print }'
}
# man_text OPT: the option's paragraph in perfwhiz-dash(1)
man_text() {
	sed -n '/^\.SH OPTIONS/,/^\.SH EXIT/p' "$man1" | sed 's/\\-/-/g' |
		awk -v o="$1" '/^\.TP/ { on = 0; next } /^\.B/ && !seen { on = ($0 ~ ("(^|[ \"])" o "([ \"]|$)")) } on'
}
# md_text OPT: the option's row in docs/perfwhiz-dash.md
md_text() {
	sed -n '/^## Options/,/^## /p' "$SRCDIR/docs/perfwhiz-dash.md" |
		awk -v o="$1" -F'|' '$2 ~ ("(^|[` ,])" o "([` ,]|$)")'
}
test_expect_success 'an option --help gives a default for has one in the man page and the docs' '
	: >bad &&
	for o in $(cat help-opts); do
		help_text "$o" | grep -q default || continue
		man_text "$o" | grep -q default || echo "man: $o" >>bad
		md_text "$o" | grep -q default || echo "md: $o" >>bad
	done &&
	test_cmp /dev/null bad &&
	help_text --cap | grep -q default && man_text --cap | grep -q "default: all" &&
	md_text --charts | grep -q default
'

test_expect_success 'the man pages render without warnings' '
	if command -v groff >/dev/null; then
		for m in "$man1" "$man7"; do
			groff -man -Tutf8 -ww -z "$m" 2>warn && test_must_fail test -s warn || exit 1
		done
	fi
'

test_done
