#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t9501: perfwhiz-dash's outputs (both pages, every CSV table, stdout) by
# what their path holds, against every input and --map, and their modes:
# the plugin's policy (t9500), from the same helper.
. "$(dirname "$0")/../lib.sh"

py=/usr/bin/python3
REFUSE="(an output is a regular file, a character device or a FIFO)"

# fails MESSAGE ARGS...: perfwhiz-dash exits 1 with MESSAGE as its one line,
# nothing on stdout, no file added or removed in . and csv/
fails() {
	local want=$1; shift
	ls -A . csv | grep -v -e "^out$" -e "^err$" -e "^want$" -e "^ls\." >ls.before
	test_expect_code 1 perfwhiz-dash "$@" >out 2>err &&
	echo "perfwhiz-dash: $want" >want && test_cmp want err && ! test -s out &&
	ls -A . csv | grep -v -e "^out$" -e "^err$" -e "^want$" -e "^ls\." >ls.after &&
	test_cmp ls.before ls.after
}

# in_ns CMD...: CMD in a private mount namespace whose /dev is an empty
# tmpfs with null (1,3) and full (1,7): the machine's /dev is never touched
in_ns() {
	unshare -m --propagation private sh -c '
		mount -t tmpfs tmpfs /dev && mknod -m 666 /dev/null c 1 3 &&
		mknod -m 666 /dev/full c 1 7 && exec "$@"' sh "$@"
}

if ! in_ns true 2>/dev/null; then
	test_skip 'outputs of perfwhiz-dash' 'unshare -m or mount of a tmpfs refused (needs root)'
	test_done; exit 0
fi

test_expect_success 'inputs, a map, and the outputs written the ordinary way' '
	printf "task 0 0 5 5 t\nswitch 0 0 0 5 R\nswitch 1000000 0 5 0 S\nswitch 2000000 0 0 5 R\nkvm_exit 2500000 0 5 48 1\nkvm_entry 2600000 0 5\n" >a.txt &&
	"$BUILD"/tests/cdict-from-text a.txt a.cdict &&
	sed "s/ t$/ u/" a.txt >b.txt && "$BUILD"/tests/cdict-from-text b.txt b.cdict &&
	printf "5,vm,vcpu0,u,g,1,x\n" >m.csv &&
	cp a.cdict a.orig && cp b.cdict b.orig && cp m.csv m.orig &&
	mkdir ref csv && perfwhiz-dash -q --headless --charts --heatmaps --output-dir ref a.cdict &&
	perfwhiz-dash -q --csv ref a.cdict && ls ref >ref.ls &&
	printf "%s\n" a-charts.html a-heatmaps.html cpus.csv events.csv kvm.csv quality.csv \
		runs.csv task_cpus.csv tasks.csv >want && test_cmp want ref.ls &&
	head -c 300 /dev/urandom >junk.cdict
'

test_expect_success 'pages and a CSV table on character devices: written straight through, the nodes kept' '
	in_ns sh -c "
		mknod -m 666 /dev/a-charts.html c 1 3 && mknod -m 666 /dev/tasks.csv c 1 3 &&
		perfwhiz-dash --headless --output-dir /dev a.cdict 2>err.pages &&
		perfwhiz-dash -q --csv /dev a.cdict &&
		stat -c \"%n %F %t:%T\" /dev/a-charts.html /dev/tasks.csv >dev.after &&
		for f in runs task_cpus cpus kvm events quality; do
			cmp ref/\$f.csv /dev/\$f.csv || exit 1
		done && ! ls -A /dev | grep \"^\\.\"" &&
	printf "%s\n" "/dev/a-charts.html character special file 1:3" \
		"/dev/tasks.csv character special file 1:3" >want && test_cmp want dev.after &&
	grep -q "^perfwhiz-dash: wrote ./dev/a-charts.html.$" err.pages
'

test_expect_success 'a CSV table on /dev/full: one line, exit 1, no other table in place' '
	in_ns sh -c "
		mkdir /dev/c && mknod -m 666 /dev/c/kvm.csv c 1 7 &&
		perfwhiz-dash -q --csv /dev/c a.cdict 2>err; echo \$? >rc; ls -A /dev/c >c.ls" &&
	test "$(cat rc)" = 1 && echo kvm.csv >want && test_cmp want c.ls &&
	echo "perfwhiz-dash: cannot write '"'"'/dev/c/kvm.csv'"'"': No space left on device" >want &&
	test_cmp want err
'

test_expect_success 'pages and CSV tables through FIFOs: the readers get the ordinary bytes' '
	mkdir fifo && mkfifo fifo/a-charts.html fifo/a-heatmaps.html fifo/tasks.csv &&
	{ cat fifo/a-charts.html >got-charts.html & } &&
	{ cat fifo/a-heatmaps.html >got-heatmaps.html & } &&
	perfwhiz-dash -q --headless --charts --heatmaps --output-dir fifo a.cdict &&
	{ cat fifo/tasks.csv >got-tasks.csv & } &&
	perfwhiz-dash -q --csv fifo a.cdict && wait &&
	cmp ref/a-charts.html got-charts.html && cmp ref/a-heatmaps.html got-heatmaps.html &&
	cmp ref/tasks.csv got-tasks.csv &&
	test -p fifo/a-charts.html && test -p fifo/a-heatmaps.html && test -p fifo/tasks.csv
'

test_expect_success 'a directory, a socket, a link to nothing: refused before any input is read' '
	mkdir a-charts.html &&
	fails "cannot write '"'"'a-charts.html'"'"': it is a directory $REFUSE" --headless a.cdict junk.cdict --label a &&
	rmdir a-charts.html &&
	$py -c "import socket; socket.socket(socket.AF_UNIX).bind(\"csv/kvm.csv\")" &&
	fails "cannot write '"'"'csv/kvm.csv'"'"': it is a socket $REFUSE" --csv csv junk.cdict &&
	test -S csv/kvm.csv && rm csv/kvm.csv &&
	ln -s nowhere/x a-heatmaps.html &&
	fails "cannot write '"'"'a-heatmaps.html'"'"': it is a symbolic link to nothing $REFUSE" \
		--headless --heatmaps a.cdict &&
	test -L a-heatmaps.html && rm a-heatmaps.html
'

test_expect_success 'a block device as a page: refused, the node kept' '
	in_ns sh -c "
		mknod /dev/a-charts.html b 1 255 &&
		perfwhiz-dash --headless --output-dir /dev a.cdict 2>err; echo \$? >rc
		stat -c \"%F %t:%T\" /dev/a-charts.html >dev.after" &&
	test "$(cat rc)" = 1 &&
	echo "perfwhiz-dash: cannot write '"'"'/dev/a-charts.html'"'"': it is a block device $REFUSE" >want &&
	test_cmp want err && echo "block special file 1:ff" >want && test_cmp want dev.after
'

test_expect_success 'a page that is an input: refused, by a hard link, a symlink, a name without .cdict' '
	ln a.cdict a-charts.html &&
	fails "output '"'"'a-charts.html'"'"' is the input '"'"'a.cdict'"'"': refusing to overwrite it" \
		--headless a.cdict &&
	fails "output '"'"'a-charts.html'"'"' is the input '"'"'a.cdict'"'"': refusing to overwrite it" \
		--headless a &&
	rm a-charts.html && ln -s b.cdict diff-heatmaps.html &&
	fails "output '"'"'diff-heatmaps.html'"'"' is the input '"'"'b.cdict'"'"': refusing to overwrite it" \
		--headless --heatmaps a.cdict b.cdict &&
	rm diff-heatmaps.html && mkdir o && ln -s ../m.csv o/L-charts.html &&
	fails "output '"'"'o/L-charts.html'"'"' is the map '"'"'m.csv'"'"': refusing to overwrite it" \
		--headless --output-dir o --label L --map m.csv a.cdict &&
	rm -r o && cmp a.orig a.cdict && cmp b.orig b.cdict && cmp m.orig m.csv
'

test_expect_success 'a CSV table that is an input or the map: refused, both left as they were' '
	ln -s ../b.cdict csv/runs.csv &&
	fails "output '"'"'csv/runs.csv'"'"' is the input '"'"'b.cdict'"'"': refusing to overwrite it" \
		--csv csv a.cdict b.cdict &&
	rm csv/runs.csv && ln m.csv csv/quality.csv &&
	fails "output '"'"'csv/quality.csv'"'"' is the map '"'"'m.csv'"'"': refusing to overwrite it" \
		--csv csv --map m.csv a.cdict &&
	rm csv/quality.csv && cmp a.orig a.cdict && cmp b.orig b.cdict && cmp m.orig m.csv
'

test_expect_success 'the standard output that is an input or the map: refused, nothing appended' '
	test_expect_code 1 perfwhiz-dash --json a.cdict >>a.cdict 2>err &&
	echo "perfwhiz-dash: the standard output is the input '"'"'a.cdict'"'"': refusing to write over it" >want &&
	test_cmp want err && cmp a.orig a.cdict &&
	test_expect_code 1 perfwhiz-dash --list b >>b.cdict 2>err && cmp b.orig b.cdict &&
	test_expect_code 1 perfwhiz-dash --json --map m.csv a.cdict >>m.csv 2>err &&
	echo "perfwhiz-dash: the standard output is the map '"'"'m.csv'"'"': refusing to write over it" >want &&
	test_cmp want err && cmp m.orig m.csv
'

test_expect_success 'modes: the umask honoured for new pages and tables, a replaced file keeps its own' '
	mkdir m077 m022 &&
	( umask 077 && perfwhiz-dash -q --headless --charts --heatmaps --output-dir m077 --csv m077 a.cdict ) &&
	( umask 022 && perfwhiz-dash -q --headless --charts --heatmaps --output-dir m022 --csv m022 a.cdict ) &&
	stat -c %a m077/* | sort -u >got && echo 600 >want && test_cmp want got &&
	stat -c %a m022/* | sort -u >got && echo 644 >want && test_cmp want got &&
	chmod 600 m022/tasks.csv m022/a-charts.html && chmod 640 m022/a-heatmaps.html &&
	( umask 022 && perfwhiz-dash -q --headless --charts --heatmaps --output-dir m022 --csv m022 a.cdict ) &&
	stat -c "%n %a" m022/tasks.csv m022/a-charts.html m022/a-heatmaps.html m022/runs.csv >got &&
	printf "%s\n" "m022/tasks.csv 600" "m022/a-charts.html 600" "m022/a-heatmaps.html 640" \
		"m022/runs.csv 644" >want && test_cmp want got &&
	cmp ref/tasks.csv m022/tasks.csv && ! ls -A m022 | grep "^\."
'

test_expect_success 'a page through a symlink: the link kept, its file replaced' '
	mkdir pages && echo old >pages/target.html && ln -s pages/target.html a-charts.html &&
	perfwhiz-dash -q --headless a.cdict &&
	test "$(readlink a-charts.html)" = pages/target.html && cmp ref/a-charts.html pages/target.html &&
	rm a-charts.html
'

test_done
