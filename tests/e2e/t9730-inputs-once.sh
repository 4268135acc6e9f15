#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# t9730: an input that can be read only once (a FIFO, <(...)) is read once:
# what needs one reading works as on a file; what reads it twice
# (--heatmaps, --successors-of, several inputs without --cap) is refused
# before anything is read, one line naming it, exit 1, nothing written.
# (--heatmaps reopened its input: on a FIFO it hung, on <(cat x.cdict) it
# said the file was corrupt.)
. "$(dirname "$0")/../lib.sh"

norm() { jq -S "del(.runs[].file, .runs[].name, .label)" "$1"; }

test_expect_success 'setup: a capture' '
	"$BUILD/tests/cdict-from-text" "$SRCDIR/tests/golden/a.txt" run.cdict &&
	perfwhiz-dash -q --json run.cdict >file.json
'

test_expect_success 'a FIFO without a writer, --heatmaps: refused at once, nothing written' '
	mkfifo fifo &&
	test_expect_code 1 timeout 10 perfwhiz-dash -q --headless --heatmaps --output-dir . fifo >out 2>err &&
	echo "perfwhiz-dash: cannot read '\''fifo'\'' twice: it is a pipe, and --heatmaps reads each input twice: save it to a file first" >expect &&
	test_cmp expect err && test ! -s out && test -z "$(ls | grep html)"
'

test_expect_success '<(cat x.cdict), --heatmaps, --successors-of, two inputs without --cap: refused' '
	test_expect_code 1 perfwhiz-dash -q --headless --heatmaps <(cat run.cdict) 2>err &&
	grep -q "^perfwhiz-dash: cannot read '\''/dev/fd/[0-9]*'\'' twice: it is a pipe, and --heatmaps reads each input twice: save it to a file first$" err &&
	test_expect_code 1 perfwhiz-dash -q --successors-of 1 <(cat run.cdict) 2>err &&
	grep -q "it is a pipe, and --successors-of reads each input twice" err &&
	test_expect_code 1 perfwhiz-dash -q --json run.cdict <(cat run.cdict) >out 2>err &&
	grep -q "it is a pipe, and several inputs without --cap are each read twice" err &&
	test ! -s out && test -z "$(ls | grep html)"
'

test_expect_success 'one reading: --json from <(cat x.cdict) and from a FIFO as from the file' '
	perfwhiz-dash -q --json <(cat run.cdict) >pipe.json &&
	norm file.json >a && norm pipe.json >b && test_cmp a b &&
	{ cat run.cdict >fifo & } &&
	timeout 10 perfwhiz-dash -q --json fifo >fifo.json &&
	norm fifo.json >b && test_cmp a b &&
	perfwhiz-dash -q --json --cap 1 <(cat run.cdict) <(cat run.cdict) >two.json &&
	test "$(jq ".runs | length" two.json)" = 2
'

test_done
