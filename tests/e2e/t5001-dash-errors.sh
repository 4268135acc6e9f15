#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t5001-dash-errors.sh: every error path of perfwhiz-dash: one line, the right exit code, nothing written.
. "$(dirname "$0")/../lib.sh"

printf "task 0 0 5 5 t\nswitch 0 0 0 5 R\nswitch 1000000 0 5 0 S\nswitch 2000000 0 0 5 R\n" >a.txt
"$BUILD"/tests/cdict-from-text a.txt a.cdict

# fails CODE ARGS...: exit CODE, exactly one line on stderr, nothing on stdout,
# no file left in the directory
fails() {
	local code=$1; shift
	ls -A | grep -v -e "^out$" -e "^err$" -e "^ls\." >ls.before
	test_expect_code "$code" perfwhiz-dash "$@" >out 2>err &&
	test_one_line err && ! test -s out &&
	grep -q "^perfwhiz-dash: " err &&
	ls -A | grep -v -e "^out$" -e "^err$" -e "^ls\." >ls.after && test_cmp ls.before ls.after
}

test_expect_success 'usage errors exit 2' '
	fails 2 --bogus a.cdict && grep -q "unknown option .--bogus." err &&
	fails 2 -x a.cdict &&
	fails 2 --json && grep -q "no input file" err &&
	fails 2 --json --task && grep -q "needs a value" err &&
	fails 2 --json -f abc a.cdict && grep -q "bad --from value" err &&
	fails 2 --json -c -5 a.cdict &&
	fails 2 --json -c 0 a.cdict &&
	fails 2 --json -t "(" a.cdict && grep -q "bad --task regex" err &&
	fails 2 --list --successors-of t a.cdict
'

test_expect_success '--from beyond the capture exits 2' '
	fails 2 --json -f 5 a.cdict && grep -q "beyond the capture" err &&
	fails 2 --json -f 2 a.cdict
'

test_expect_success 'input errors exit 1' '
	fails 1 --json missing.cdict && grep -q "cannot open .missing.cdict.: No such file" err &&
	: >empty.cdict && fails 1 --json empty.cdict &&
	head -c 300 /dev/urandom >junk.cdict && printf "XX" | dd of=junk.cdict conv=notrunc 2>/dev/null &&
	fails 1 --json junk.cdict &&
	fails 1 --json -t nomatch a.cdict && grep -q "no task matches .nomatch." err &&
	fails 1 --successors-of nobody a.cdict && grep -q "no task .nobody." err &&
	: >afile && fails 1 --csv afile a.cdict &&
	grep -qx "perfwhiz-dash: cannot write into .afile. (--csv): it is not a directory" err &&
	fails 1 --csv no/such/dir a.cdict &&
	grep -qx "perfwhiz-dash: cannot make .no/such/dir. (--csv): its parent .no/such. is not a directory" err &&
	fails 1 --json --output-dir afile a.cdict &&
	grep -qx "perfwhiz-dash: cannot write into .afile. (--output-dir): it is not a directory" err &&
	fails 1 --json --map missing.csv a.cdict && grep -q "cannot read map" err &&
	printf "1,2,3\n" >bad.csv && fails 1 --json --map bad.csv a.cdict && grep -q "bad map .bad.csv.: line 1" err
'

test_expect_success '--csv and --output-dir make a missing directory, only once the outputs are written' '
	perfwhiz-dash -q --csv newcsv/ a.cdict && test -s newcsv/tasks.csv &&
	perfwhiz-dash -q --headless --output-dir newpages a.cdict && test -s newpages/a-charts.html &&
	test_must_fail perfwhiz-dash -q --csv never missing.cdict 2>/dev/null && test ! -e never
'

test_expect_success 'a corrupt chunk: one line naming the file, exit 1' '
	cp a.cdict c.cdict && size=$(stat -c %s c.cdict) &&
	printf "\377\377\377\377" | dd of=c.cdict bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null &&
	fails 1 --json c.cdict && grep -q "c.cdict" err
'

test_expect_success 'a truncated file is read up to its last whole chunk, with a warning' '
	cp a.cdict t.cdict && truncate -s -4 t.cdict &&
	perfwhiz-dash --json t.cdict >out.json 2>err &&
	grep -q "warning: .t.cdict. is truncated" err &&
	test "$(jq .runs[0].quality.truncated out.json)" = true &&
	test "$(jq ".runs[0].tasks[] | select(.tid==5) | .runtime_ns" out.json)" = 1000000
'

test_expect_success 'an unwritable --csv directory leaves nothing behind' '
	mkdir ro && chmod 555 ro &&
	if [ "$(id -u)" = 0 ]; then
		# root writes anyway: check that a file in the way stops it cleanly
		rmdir ro && mkdir ro && mkdir ro/tasks.csv &&
		test_expect_code 1 perfwhiz-dash --csv ro a.cdict 2>err &&
		test_one_line err && test "$(ls -A ro)" = tasks.csv
	else
		test_expect_code 1 perfwhiz-dash --csv ro a.cdict 2>err && test_one_line err
	fi
'

test_expect_success '--help and --version' '
	perfwhiz-dash --help >out && grep -q "^usage: perfwhiz-dash" out &&
	for o in --task --from --cap --label --map --output-dir --merge-sys-tasks --append-tid \
		--list --successors-of --headless --json --csv --quiet --verbose --version --help; do
		grep -q -- "$o" out || { echo "no $o in --help"; exit 1; }
	done &&
	perfwhiz-dash --version >out && grep -q "^perfwhiz-dash [0-9]" out
'

test_done
