#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t8004-doc-examples.sh: every shell example of README.md, docs/*.md and the man pages' EXAMPLES runs as written.
#
# A fenced block whose info string is `sh` is an example: it runs in a
# scratch folder, as a bash script with -e, and every file its comments
# name (NAME.html, .cdict, .json, .csv, .stats) must exist afterwards. A
# block that cannot run here says why in its info string:
# "```sh not-here: REASON"; such blocks are counted and listed. In a man
# page, the .nf/.fi blocks of EXAMPLES are examples (a roff comment
# `.\" not-here: REASON` before one marks it). Other fences (```, ```text,
# ```json, ```python) are not shell.
#
# The scratch folder holds what the examples name: perf.data and run.data
# (generated, or recorded by the examples themselves), run.cdict, before.cdict,
# after.cdict, x.cdict (generated captures with KVM, converted by the
# plugin), vms.csv; `build/` is the build under test, perfwhiz.so is found
# in it as perf looks for a dlfilter by name, the perf scripts are found
# through PERF_EXEC_PATH (installed into the scratch folder), and `sleep`
# sleeps at most 1 s (examples record "sleep 10").
. "$(dirname "$0")/../lib.sh"

if [ "${PW_SANITIZE:-0}" = 1 ]; then
	test_skip 'doc examples' 'run once, on the normal build'
	test_done; exit 0
fi

docs=("$SRCDIR/README.md" "$SRCDIR"/docs/*.md)
mans=("$SRCDIR"/docs/man/*.[0-9])

# md FILE: ex-K.sh per runnable block (line 1: "# FILE:LINE"), not-here lines on stdout
md() {
	awk -v F="$1" -v B="$(basename "$1")" '
		/^```/ {
			if (inb) { inb = 0; if (f) close(f); f = ""; next }
			info = substr($0, 4); inb = 1
			if (info ~ /^sh not-here: /) { print B ":" NR ": " substr(info, 14); next }
			if (info == "sh") {
				f = sprintf("ex-%s-%d.sh", B, NR)
				printf "# %s:%d\n", B, NR > f
			}
			next
		}
		inb && f { print > f }
	' "$1"
}

# man FILE: the same for a man page's EXAMPLES
man() {
	awk -v B="$(basename "$1")" '
		/^\.SH / { inex = ($0 ~ /^\.SH EXAMPLES/); next }
		inex && /^\.\\" not-here: / { skip = substr($0, 16); next }
		inex && /^\.nf/ {
			if (skip != "") { print B ":" NR ": " skip; skip = ""; drop = 1; next }
			f = sprintf("ex-%s-%d.sh", B, NR); printf "# %s:%d\n", B, NR > f; next
		}
		inex && /^\.fi/ { if (f) close(f); f = ""; drop = 0; next }
		inex && f && !drop {
			l = $0; gsub(/\\-/, "-", l); gsub(/\\e/, "\\", l); print l > f
		}
	' "$1"
}

test_expect_success 'set up: generated captures, a map, perf scripts where perf looks' '
	mkdir -p fix bin &&
	mkperfdata -o fix/run.data -c 4 --vms 1 --vcpus 2 --tasks 6 -d 3000 -n 60000 -s 3 &&
	perf script -i fix/run.data --dlfilter "$BUILD/perfwhiz.so" --dlarg quiet \
		--dlarg out=fix/run.cdict &&
	mkperfdata -o fix/b.data -c 4 --vms 1 --vcpus 2 --tasks 6 -d 3000 -n 60000 -s 4 &&
	perf script -i fix/b.data --dlfilter "$BUILD/perfwhiz.so" --dlarg quiet \
		--dlarg out=fix/after.cdict &&
	cp fix/run.cdict fix/before.cdict && cp fix/run.cdict fix/x.cdict &&
	cp fix/run.data fix/perf.data &&
	printf "%s\n" "2002,instance-000001,vcpu0,4f1c9a,vnf,1,fw" \
		"2003,instance-000001,vcpu1,4f1c9a,vnf,1,fw" >fix/vms.csv &&
	printf "#!/bin/sh\nexec /bin/sleep 1\n" >bin/sleep && chmod +x bin/sleep &&
	make -s -C "$SRCDIR" B="$BUILD" install DESTDIR="$TRASH/inst" PREFIX=/usr \
		PERFDIR=/perf >/dev/null &&
	{ ln -s "$(perf --exec-path)"/* inst/perf/ 2>/dev/null || true; } &&
	test -x inst/perf/scripts/perfwhiz/bin/perfwhiz-record
'

test_expect_success 'every fenced block says what it is (sh, sh not-here: WHY, text, json, python)' '
	for f in "${docs[@]}"; do
		awk -v F="$(basename "$f")" "/^\\\`\\\`\\\`/ { if (!inb && \$0 == \"\\\`\\\`\\\`\") print F \":\" NR; inb = !inb }" "$f"
	done >bare &&
	test_cmp /dev/null bare
'

test_expect_success 'extract the examples' '
	: >not-here &&
	for f in "${docs[@]}"; do md "$f" >>not-here; done &&
	for f in "${mans[@]}"; do man "$f" >>not-here; done &&
	ls ex-*.sh >list &&
	test "$(wc -l <list)" -ge 10
'

# run: each example in a fresh copy of the fixtures
n=0
for ex in $(cat "$TRASH/list" 2>/dev/null); do
	n=$((n + 1))
	where=$(head -n 1 "$TRASH/$ex" | sed "s/^# //")
	test_expect_success "example $where runs as written" '
		rm -rf run-'"$n"' && cp -r fix run-'"$n"' && cd run-'"$n"' &&
		ln -s "$BUILD" build && ln -s "$BUILD/perfwhiz.so" perfwhiz.so &&
		PATH="$TRASH/bin:$BUILD:$PATH" PERF_EXEC_PATH="$TRASH/inst/perf" \
			timeout 300 bash -e "../'"$ex"'" >.stdout 2>.stderr </dev/null ||
			{ cat .stderr; exit 1; }
		# every output file the comments name exists
		for name in $(sed -n "s/.*#//p" "../'"$ex"'" |
				grep -oE "[A-Za-z0-9_.-]+\.(html|cdict|json|csv|stats)\b" |
				grep -v "^[.]" | sort -u); do
			test -e "$name" || test -e "tables/$name" || test -e "out/$name" ||
				{ echo "the example names $name: not written"; exit 1; }
		done
	'
done

test_expect_success 'the examples that cannot run here are listed (and few)' '
	cat not-here &&
	test "$(wc -l <not-here)" -le 12
'

test_done
