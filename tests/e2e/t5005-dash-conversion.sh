#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t5005-dash-conversion.sh: how a file's conversion ended, from its trailer to --json, --csv, stderr and the pages' data.
. "$(dirname "$0")/../lib.sh"

TOOL=$BUILD/tests/cdict-from-text
events() {
	printf "%s\n" "meta nr_cpus 1" "task 1000 0 100 100 alpha" \
		"switch 1000 0 0 100 R" "switch 5000 0 100 0 S" "$@"
}

test_expect_success 'a writer never told how it ended says complete' '
	events >c.txt && "$TOOL" c.txt c.cdict &&
	perfwhiz-dash -q --json c.cdict >c.json 2>err &&
	test "$(jq -r ".runs[0].quality | [.conversion, .conversion_detail] | @tsv" c.json)" = \
		"$(printf "complete\t")" &&
	test_cmp /dev/null err
'

for how in interrupted perf_failed unchecked; do
	test_expect_success "$how: in --json and --csv, and said on stderr even with -q" '
		events "ended '"$how"' the reason, with \"quotes\"" >x.txt &&
		"$TOOL" x.txt x.cdict &&
		perfwhiz-dash -q --json x.cdict >x.json 2>err &&
		test "$(jq -r ".runs[0].quality.conversion" x.json)" = '"$how"' &&
		test "$(jq -r ".runs[0].quality.conversion_detail" x.json)" = "the reason, with \"quotes\"" &&
		test $(wc -l <err) = 1 && grep -q "^perfwhiz-dash: warning: .x.cdict.: .*the reason" err &&
		mkdir -p csv && perfwhiz-dash -q --csv csv x.cdict 2>/dev/null &&
		tr -d "\r" <csv/quality.csv >q.csv &&
		grep -qx "x,conversion,'"$how"'" q.csv &&
		grep -qx "x,conversion_detail,\"the reason, with \"\"quotes\"\"\"" q.csv
	'
done

test_expect_success 'an unknown state from a later writer reads as unknown' '
	events "ended exploded" >u.txt &&
	test_must_fail "$TOOL" u.txt u.cdict 2>/dev/null
'

test_expect_success 'a file without a trailer: unknown, and truncated' '
	events >t.txt && "$TOOL" t.txt t.cdict &&
	size=$(stat -c %s t.cdict) && head -c $((size - 20)) t.cdict >cut.cdict &&
	perfwhiz-dash -q --json cut.cdict >cut.json 2>/dev/null &&
	test "$(jq -r ".runs[0].quality | [.conversion, .truncated] | @tsv" cut.json)" = \
		"$(printf "unknown\ttrue")"
'

test_done
