#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t8003-doc-refs.sh: what the code and the design docs point at exists: decision entries; no tracker numbers.
. "$(dirname "$0")/../lib.sh"

S=$SRCDIR
# cited DIR|FILE...: the titles cited as (docs/decisions.md, "Title"), one a
# line; a citation may run over several comment lines (// or # or *)
cited() {
	find "$@" -name node_modules -prune -o -type f -print | grep -v "docs/decisions.md$" |
		xargs perl -0777 -ne 's/\n[ \t]*(?:\/\/|#|\*)?[ \t]*/ /g;
			print "$1\n" while /docs\/decisions\.md,\s+"([^"]+)"/g' | sort -u
}

test_expect_success 'every (docs/decisions.md, "Title") in code, tests and docs names an entry' '
	cited "$S/common" "$S/dashgen" "$S/plugin" "$S/tests/tools" "$S/tests/unit" \
		"$S/tests/README" "$S/docs" "$S/Makefile" >cited &&
	sed -n "s/^## //p" "$S/docs/decisions.md" | sort -u >titles &&
	comm -23 cited titles >missing &&
	test_cmp /dev/null missing &&
	test "$(wc -l <cited)" -ge 10
'

test_expect_success 'a citation of an entry that does not exist is caught' '
	mkdir -p fake && printf "%s\n" "// (docs/decisions.md, \"No such entry\")" >fake/x.c &&
	cited fake | comm -23 - titles | grep -qx "No such entry"
'

test_expect_success 'the design docs cite no file outside the repository, no tracker issue' '
	! grep -nE "\.\./shared|[Ii]ssue [0-9]+" "$S/docs/architecture.md" \
		"$S/docs/decisions.md" "$S/docs/bench.md" "$S/tests/README"
'

test_expect_success 'product code carries no tracker references' '
	! grep -rnE "[Ii]ssue [0-9]+" "$S/common" "$S/dashgen" "$S/plugin" "$S/perf-scripts" \
		--exclude-dir=node_modules
'

test_done
