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

# --corpus: the failures are saved, replayed first by the next campaign,
# which says which still fail and fails while one does.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
$x --corpus "$tmp/c" --count 20 --stop-after 0 "$prog" racy >/dev/null
[ $? = 1 ] || fail "racy: no failure"
n=$(ls "$tmp/c" | grep -c '^assert-.*\.replay$')
[ "$n" -ge 2 ] || fail "corpus: $n files"
grep -q '^strategy=random$' "$tmp/c/$(ls "$tmp/c" | head -1)" ||
    fail "corpus file: $(cat "$tmp/c/$(ls "$tmp/c" | head -1)")"
out=$($x --corpus "$tmp/c" --count 1 "$prog" racy)
[ $? = 1 ] || fail "corpus replay passed: $out"
[ "$(printf '%s\n' "$out" | head -1 | sed 's/ .*//')" = corpus: ] ||
    fail "corpus not replayed first: $out"
printf '%s\n' "$out" | grep -q "corpus: $n replayed from .*, $n still fail" ||
    fail "corpus summary: $out"
out=$($x --corpus "$tmp/c" --count 5 "$prog") || fail "fixed: $out"
[ "$(printf '%s\n' "$out" | grep -c 'passes now$')" = "$n" ] ||
    fail "corpus after the fix: $out"
f="$tmp/c/$(ls "$tmp/c" | head -1)"
$x --replay-file "$f" "$prog" racy | grep -q '^FAIL seed=' ||
    fail "--replay-file does not fail"
exit 0
