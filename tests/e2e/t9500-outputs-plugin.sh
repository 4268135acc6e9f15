#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t9500: the plugin's out= by what its path holds (a device or FIFO written
# straight through; a directory, socket, block device or link to nothing
# refused before the conversion), an out= that is an input, a dlarg given
# twice, and the output's mode (the umask, a replaced file's mode).
. "$(dirname "$0")/../lib.sh"

PLUGIN=$BUILD/perfwhiz.so
py=/usr/bin/python3
REFUSE="(an output is a regular file, a character device or a FIFO)"

# conv DATA [DLARGS...]: the dlfilter on DATA, stderr to err
conv() {
	local data=$1; shift
	local a=() x
	for x in "$@"; do a+=(--dlarg "$x"); done
	perf script -i "$data" --dlfilter "$PLUGIN" "${a[@]}" 2>err
}

# refused MESSAGE DATA DLARGS...: perf exits 234 (start()'s -EINVAL), our
# one line is MESSAGE, there is no summary, and no temporary file is left
refused() {
	local want=$1; shift
	ls -A | grep -v -e "^err$" -e "^mine$" -e "^want$" -e "^ls\." >ls.before
	test_expect_code 234 conv "$@" &&
	grep "^perfwhiz: " err >mine && echo "perfwhiz: $want" >want && test_cmp want mine &&
	! grep -q "samples\|wrote" err &&
	ls -A | grep -v -e "^err$" -e "^mine$" -e "^want$" -e "^ls\." >ls.after &&
	test_cmp ls.before ls.after
}

# in_ns CMD...: CMD in a private mount namespace whose /dev is an empty
# tmpfs with null (1,3), zero (1,5) and full (1,7): the machine's own /dev
# is never touched
in_ns() {
	unshare -m --propagation private sh -c '
		mount -t tmpfs tmpfs /dev && mknod -m 666 /dev/null c 1 3 &&
		mknod -m 666 /dev/zero c 1 5 && mknod -m 666 /dev/full c 1 7 && exec "$@"' sh "$@"
}

if ! in_ns true 2>/dev/null; then
	test_skip 'outputs of the plugin' 'unshare -m or mount of a tmpfs refused (needs root)'
	test_done; exit 0
fi

test_expect_success 'a capture, and its .cdict written the ordinary way' '
	mkperfdata --cpus 2 --tasks 4 --vms 1 --events 5000 --seed 3 -o r.data 2>/dev/null &&
	cp r.data r.orig && conv r.data out=ref.cdict &&
	grep -q "^perfwhiz: wrote .ref.cdict. from .r.data.$" err &&
	sed -n "s/^perfwhiz: output \([0-9]*\) bytes.*/\1/p" err >ref.bytes &&
	test "$(cat ref.bytes)" = "$(stat -c %s ref.cdict)"
'

test_expect_success 'out=/dev/null: the device stays a device, the summary is said' '
	in_ns sh -c "
		perf script -i r.data --dlfilter $PLUGIN --dlarg out=/dev/null 2>err &&
		stat -c \"%F %t:%T %a\" /dev/null >dev.after && ls -A /dev >dev.ls" &&
	echo "character special file 1:3 666" >want && test_cmp want dev.after &&
	printf "full\nnull\nzero\n" >want && test_cmp want dev.ls &&
	grep -q "^perfwhiz: wrote ./dev/null. from .r.data.$" err &&
	grep -q "^perfwhiz: output $(cat ref.bytes) bytes" err
'

test_expect_success 'out=/dev/full: one line, a non-zero exit, the device left as it is' '
	in_ns sh -c "
		perf script -i r.data --dlfilter $PLUGIN --dlarg out=/dev/full 2>err; echo \$? >rc
		stat -c \"%F %t:%T\" /dev/full >dev.after" &&
	test "$(cat rc)" = 234 &&
	grep "^perfwhiz: " err >mine && test_one_line mine &&
	grep -q "^perfwhiz: cannot create ./dev/full.: No space left on device$" mine &&
	echo "character special file 1:7" >want && test_cmp want dev.after
'

test_expect_success 'out=FIFO: the reader gets the bytes of the ordinary .cdict' '
	mkfifo f.cdict &&
	{ cat f.cdict >got.cdict & } &&
	conv r.data out=f.cdict && wait &&
	test -p f.cdict && cmp ref.cdict got.cdict &&
	grep -q "^perfwhiz: wrote .f.cdict. from .r.data.$" err &&
	perfwhiz-dash -q --json got.cdict >got.json &&
	test "$(jq -r .runs[0].quality.conversion got.json)" = complete
'

test_expect_success 'a directory, a socket, a link to nothing: refused before the conversion' '
	mkdir adir &&
	refused "cannot write '"'"'adir'"'"': it is a directory $REFUSE" r.data out=adir &&
	test -d adir && test -z "$(ls -A adir)" &&
	$py -c "import socket; socket.socket(socket.AF_UNIX).bind(\"a.sock\")" &&
	refused "cannot write '"'"'a.sock'"'"': it is a socket $REFUSE" r.data out=a.sock &&
	test -S a.sock &&
	ln -s nowhere/x.cdict dangling.cdict &&
	refused "cannot write '"'"'dangling.cdict'"'"': it is a symbolic link to nothing $REFUSE" \
		r.data out=dangling.cdict &&
	test -L dangling.cdict && test ! -e nowhere &&
	# before the map is read, too: the output is the first thing checked
	refused "cannot write '"'"'adir'"'"': it is a directory $REFUSE" r.data out=adir map=missing.csv
'

test_expect_success 'a block device: refused, the node left as it is' '
	in_ns sh -c "
		mknod /dev/blk b 1 255 &&
		perf script -i r.data --dlfilter $PLUGIN --dlarg out=/dev/blk 2>err; echo \$? >rc
		stat -c \"%F %t:%T\" /dev/blk >dev.after" &&
	test "$(cat rc)" = 234 &&
	grep "^perfwhiz: " err >mine &&
	echo "perfwhiz: cannot write '"'"'/dev/blk'"'"': it is a block device $REFUSE" >want &&
	test_cmp want mine &&
	echo "block special file 1:ff" >want && test_cmp want dev.after
'

test_expect_success 'out= the perf.data read: refused, directly, by a hard link, by a symlink' '
	refused "output '"'"'r.data'"'"' is the input '"'"'r.data'"'"': refusing to overwrite it" \
		r.data out=r.data &&
	ln r.data hard.data && ln -s r.data soft.data &&
	refused "output '"'"'hard.data'"'"' is the input '"'"'r.data'"'"': refusing to overwrite it" \
		r.data out=hard.data &&
	refused "output '"'"'soft.data'"'"' is the input '"'"'r.data'"'"': refusing to overwrite it" \
		r.data out=soft.data &&
	cmp r.orig r.data && test -L soft.data && test "$(stat -c %h r.data)" = 2 &&
	# perf'"'"'s default input, perf.data, with no -i at all
	mkdir dflt && cp r.data dflt/perf.data &&
	( cd dflt && test_expect_code 234 perf script --dlfilter "$PLUGIN" --dlarg out=perf.data 2>err &&
	  grep -q "^perfwhiz: output .perf.data. is the input .perf.data.: refusing to overwrite it$" err ) &&
	cmp r.orig dflt/perf.data
'

test_expect_success 'pipe mode: out= the file perf reads as its standard input: refused' '
	perf record -q -e sched:sched_switch -a -o - -- sleep 0.1 >pipe.data 2>/dev/null &&
	cp pipe.data pipe.orig &&
	test_expect_code 234 perf script -i - --dlfilter "$PLUGIN" --dlarg out=pipe.data \
		<pipe.data 2>err &&
	grep "^perfwhiz: " err >mine &&
	echo "perfwhiz: output '"'"'pipe.data'"'"' is the input '"'"'-'"'"' (standard input): refusing to overwrite it" >want &&
	test_cmp want mine && cmp pipe.orig pipe.data
'

test_expect_success 'out= the input= file or the map= file: refused, both left as they were' '
	cp r.data other.data &&
	refused "output '"'"'other.data'"'"' is the input '"'"'other.data'"'"': refusing to overwrite it" \
		r.data input=other.data out=other.data &&
	cmp r.orig other.data &&
	printf "1,vm,vcpu0,u,g,1,x\n" >m.csv && cp m.csv m.orig && ln -s m.csv m.link &&
	refused "output '"'"'m.csv'"'"' is the map '"'"'m.csv'"'"': refusing to overwrite it" \
		r.data map=m.csv out=m.csv &&
	refused "output '"'"'m.link'"'"' is the map '"'"'m.csv'"'"': refusing to overwrite it" \
		r.data map=m.csv out=m.link &&
	cmp m.orig m.csv
'

test_expect_success 'a dlarg with a value given twice: refused, naming both values' '
	refused "dlarg '"'"'out='"'"' given twice ('"'"'a.cdict'"'"', then '"'"'b.cdict'"'"'): give it once" \
		r.data out=a.cdict out=b.cdict &&
	refused "dlarg '"'"'map='"'"' given twice ('"'"'m.csv'"'"', then '"'"'m.csv'"'"'): give it once" \
		r.data map=m.csv map=m.csv &&
	test ! -e a.cdict && test ! -e b.cdict
'

test_expect_success 'a symlink is followed: the link kept, the file it leads to replaced' '
	mkdir sub && echo old >sub/target.cdict && chmod 640 sub/target.cdict &&
	ln -s sub/target.cdict link.cdict &&
	conv r.data out=link.cdict quiet &&
	test "$(readlink link.cdict)" = sub/target.cdict && cmp ref.cdict sub/target.cdict &&
	test "$(stat -c %a sub/target.cdict)" = 640 &&
	test -z "$(ls -A sub | grep "^\.")"
'

test_expect_success 'modes: the umask honoured for a new file, a replaced file keeps its own' '
	( umask 077 && conv r.data out=u077.cdict quiet ) && test "$(stat -c %a u077.cdict)" = 600 &&
	( umask 022 && conv r.data out=u022.cdict quiet ) && test "$(stat -c %a u022.cdict)" = 644 &&
	( umask 002 && conv r.data out=u002.cdict quiet ) && test "$(stat -c %a u002.cdict)" = 664 &&
	echo secret >kept.cdict && chmod 600 kept.cdict &&
	( umask 022 && conv r.data out=kept.cdict quiet ) &&
	test "$(stat -c %a kept.cdict)" = 600 && cmp ref.cdict kept.cdict &&
	echo old >wide.cdict && chmod 666 wide.cdict &&
	( umask 077 && conv r.data out=wide.cdict quiet ) && test "$(stat -c %a wide.cdict)" = 666
'

test_expect_success 'a replaced file keeps its owner and group (as root)' '
	if [ "$(id -u)" != 0 ]; then exit 0; fi
	echo old >owned.cdict && chown 1234:2345 owned.cdict && chmod 640 owned.cdict &&
	conv r.data out=owned.cdict quiet &&
	test "$(stat -c "%u:%g %a" owned.cdict)" = "1234:2345 640" && cmp ref.cdict owned.cdict
'

test_done
