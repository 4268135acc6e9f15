#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t0001-header-examples.sh: every usage example in a product header compiles against that header.
#
# An example is the run of comment lines "//<TAB>code" that follows a
# comment line ending in "Usage:" (tests/README, "Examples in headers").
# Each is compiled as the body of a function returning int, after the
# header, the standard headers and pw_error.h; besides what it declares itself, it may
# call use(...) (anything it wants to show consumed) and die(fmt, ...).
. "$(dirname "$0")/../lib.sh"

CC=${CC:-cc}
# extract HEADER: one file per example, ex-BASE-N.c; prints their names
extract() {
	local h=$1 base
	base=$(basename "$h" .h)
	awk -v H="$h" -v B="$base" '
		function flush() {
			if (n) {
				f = sprintf("ex-%s-%d.c", B, ++k)
				print "#include <errno.h>\n#include <inttypes.h>\n#include <stdint.h>" > f
				print "#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>" > f
				print "#include \"pw_error.h\"" > f
				printf "#include \"%s\"\n", H > f
				print "void use();\nvoid die();" > f
				printf "int example_%d(void);\nint example_%d(void)\n{\n", k, k > f
				printf "#line %d \"%s\"\n", first, H > f
				for (i = 1; i <= n; i++) print body[i] > f
				print "\treturn 0;\n}" > f
				close(f)
				print f
			}
			n = 0; inblock = 0
		}
		/^\/\/\t/ { if (inblock) { body[++n] = substr($0, 3); next } }
		{ flush() }
		/^\/\/.*[Uu]sage[^:]*:$/ { inblock = 1; first = NR + 1 }
		END { flush() }
	' "$h"
}

test_expect_success 'every product header with an example has it compiled' '
	: >list &&
	for h in "$SRCDIR"/common/*.h "$SRCDIR"/dashgen/*.h "$SRCDIR"/plugin/*.h; do
		extract "$h" >>list || exit 1
	done &&
	test "$(wc -l <list)" -ge 10 &&
	bad=0 &&
	for f in $(cat list); do
		"$CC" -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-unused-variable \
			-Wno-unused-but-set-variable -Wno-unused-parameter \
			-I"$SRCDIR/common" -I"$SRCDIR/dashgen" -I"$SRCDIR/plugin" \
			-fsyntax-only "$f" || bad=$((bad + 1))
	done &&
	test $bad = 0
'

test_expect_success 'an example that calls a function with the wrong arguments is caught' '
	cat >bad.h <<-\EOF &&
	// Usage:
	//	int n = strlen("a", "b");
	EOF
	extract "$PWD/bad.h" >badlist &&
	! "$CC" -std=c11 -Werror -fsyntax-only $(cat badlist) 2>/dev/null
'

test_done
