#!/bin/sh
# tests/explore_ci.sh: weft-explore's CI options on tests/ci_prog: cover
# marks reported the same way for the same seeds and required with
# --require-cover.
set -u
top=${top_builddir:-.}
x="$top/sim/weft-explore --no-progress"
prog="$top/tests/ci_prog"
fail() { echo "explore_ci: $*" >&2; exit 1; }

a=$($x --count 40 "$prog") || fail "ci_prog failed: $a"
b=$($x --count 40 "$prog")
printf '%s\n' "$a" | grep -q '^cover: retry [0-9]* run(s) [0-9]* hit(s)$' ||
    fail "no cover line: $a"
[ "$(printf '%s\n' "$a" | grep '^cover:')" = \
  "$(printf '%s\n' "$b" | grep '^cover:')" ] || fail "cover differs: $a / $b"
$x --count 40 --json "$prog" | grep -q '^{"event":"cover","label":"retry",' ||
    fail "no JSON cover line"
$x --count 40 --require-cover retry "$prog" >/dev/null ||
    fail "--require-cover retry failed"
err=$($x --count 40 --require-cover never "$prog" 2>&1 >/dev/null)
[ $? = 1 ] || fail "--require-cover never passed"
printf '%s' "$err" | grep -q "cover mark 'never'" || fail "message: $err"
WEFT_BUGGIFY=off $x --count 40 --require-cover retry "$prog" >/dev/null 2>&1 &&
    fail "retry reached with buggify off"
exit 0
