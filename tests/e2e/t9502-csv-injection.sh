#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t9502: CSV formula injection: every text field of --csv that starts with
# =, +, -, @, TAB or CR (task names from a trace or --map, run and file
# names, hostname, kernel, the conversion's words) gets a leading ' and is
# quoted (OWASP); other fields, numbers and --json are as they were.
. "$(dirname "$0")/../lib.sh"

py=/usr/bin/python3
CALC="=cmd|'/c calc'!A"

# check.py CALC: every table read with Python's csv, field by field
cat >check.py <<'EOF'
import csv, sys
calc = sys.argv[1]
def rows(f):
    return list(csv.DictReader(open("csv/" + f, newline="", encoding="utf-8")))
want = {"5": "'" + calc, "6": "'+1+1", "7": "'-2+3", "8": "'@SUM(1+1)", "9": "a=b",
        "10": "'\ttab.01.vcpu0", "11": "'\rcr.02.emu", "0": "swapper/0"}
for f in ("tasks.csv", "task_cpus.csv"):
    got = {r["tid"]: r["name"] for r in rows(f)}
    assert got == want, (f, got)
k = rows("kvm.csv")
assert len(k) == 1 and k[0]["tid"] == "5" and k[0]["name"] == "'" + calc, k
assert k[0]["reason"] == "EPT_VIOLATION" and k[0]["code"] == "48", k
r = rows("runs.csv")
assert len(r) == 1, r
assert (r[0]["run"], r[0]["file"], r[0]["hostname"], r[0]["kernel"]) == \
    ("'@run", "'@run.cdict", "'@host", "'-6.1"), r
q = {x["item"]: x["value"] for x in rows("quality.csv")}
assert q["conversion"] == "interrupted" and q["conversion_detail"] == "'-by SIGINT", q
for f in ("tasks.csv", "task_cpus.csv", "kvm.csv", "cpus.csv", "events.csv", "quality.csv"):
    for x in rows(f):
        assert x["run"] == "'@run", (f, x)
print("ok")
EOF

test_expect_success 'a capture whose names are formulas, and a map naming two tasks with TAB and CR' '
	cat >evil.txt <<-EOF &&
	meta hostname @host
	meta kernel -6.1
	task 0 0 5 5 $CALC
	task 0 0 6 6 +1+1
	task 0 0 7 7 -2+3
	task 0 0 8 8 @SUM(1+1)
	task 0 0 9 9 a=b
	task 0 0 10 10 tab
	task 0 0 11 11 cr
	switch 0 0 0 5 R
	switch 100000 0 5 6 S
	switch 200000 0 6 7 S
	switch 300000 0 7 8 S
	switch 400000 0 8 9 S
	switch 500000 0 9 10 S
	switch 600000 0 10 11 S
	switch 700000 0 11 0 S
	kvm_exit 750000 0 5 48 1
	kvm_entry 760000 0 5
	switch 800000 0 0 5 R
	ended interrupted -by SIGINT
	EOF
	"$BUILD"/tests/cdict-from-text evil.txt @run.cdict &&
	printf "10,vm,vcpu0,u,g,1,\"\ttab\"\n11,vm,emu,u,g,2,\"\rcr\"\n" >map.csv &&
	mkdir csv && perfwhiz-dash -q --map map.csv --csv csv @run.cdict &&
	perfwhiz-dash -q --map map.csv --json @run.cdict >run.json
'

test_expect_success 'tasks.csv, task_cpus.csv, kvm.csv: each formula name quoted with a leading quote' '
	grep -F "\"'"'"'$CALC\"" csv/tasks.csv &&
	$py check.py "$CALC"
'

test_expect_success 'the raw fields: quoted, the quote inside; numbers and plain names untouched' '
	grep "^\"'"'"'@run\",9,9,a=b," csv/tasks.csv &&
	grep "^\"'"'"'@run\",6,6,\"'"'"'+1+1\"," csv/tasks.csv &&
	grep "^\"'"'"'@run\",7,7,\"'"'"'-2+3\"," csv/tasks.csv &&
	grep "^\"'"'"'@run\",0,700000,100000,9" csv/cpus.csv &&
	grep "^\"'"'"'@run\",\"'"'"'@run.cdict\",.*,\"'"'"'@host\",\"'"'"'-6.1\"," csv/runs.csv &&
	# every field that starts with a formula character is a quoted one
	! grep -P "(^|,)[=+\-@\t\r]" csv/*.csv
'

test_expect_success '--json keeps the names as they are' '
	jq -r ".runs[0].tasks[] | select(.tid == 5) | .name" run.json >got &&
	printf "%s\n" "$CALC" >want && test_cmp want got &&
	test "$(jq -r ".runs[0].tasks[] | select(.tid == 10) | .name" run.json)" = "$(printf "\ttab.01.vcpu0")" &&
	test "$(jq -r .runs[0].meta.hostname run.json)" = @host
'

test_done
