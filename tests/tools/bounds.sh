# SPDX-License-Identifier: Apache-2.0
# tests/tools/bounds.sh: what the tests of hostile input (tests/e2e/t97*)
# share, sourced after tests/lib.sh:
#
#   run_bounded KB SECONDS CMD...   CMD under a timeout, its peak RSS and wall
#                                   time measured (/usr/bin/time): returns
#                                   CMD's exit status, or 99 when it ran past
#                                   SECONDS or KB (the measure and why are in
#                                   .bounded.log, stdout and stderr are CMD's)
#   craft SCRIPT                    run python3 with tests/tools/cdict_craft.py
#                                   importable as c (SCRIPT on stdin)
#
# The bounds are generous (several times what was measured) and grow 4x in
# the sanitizer pass, where memory and time are that much larger.

run_bounded() {
	local kb=$1 s=$2 rc=0 rss secs
	shift 2
	if [ "${PW_SANITIZE:-0}" = 1 ]; then
		kb=$((kb * 4))
		s=$((s * 4))
	fi
	/usr/bin/time -f '%M %e' -o .bounded timeout "$s" "$@" || rc=$?
	read -r rss secs <<EOF
$(tail -n 1 .bounded)
EOF
	echo "$rss KB, $secs s (bounds $kb KB, $s s), exit $rc: $*" >>.bounded.log
	if [ "$rc" -eq 124 ]; then
		echo "run_bounded: still running after $s s: $*" >&2
		return 99
	fi
	if [ "$rss" -gt "$kb" ]; then
		echo "run_bounded: peak RSS $rss KB over $kb KB: $*" >&2
		return 99
	fi
	return "$rc"
}

craft() {
	PYTHONPATH="$SRCDIR/tests/tools" /usr/bin/python3 -c "import cdict_craft as c
$(cat)"
}
