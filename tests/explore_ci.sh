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

# --shard K/N and merge: four shards through GNU parallel make the
# summary (and the failures) of one run over the same seeds.
untimed() { sed 's/ in [0-9.]* s ([0-9]* runs\/s)//'; }
$x --count 60 --stop-after 0 "$prog" racy | untimed >"$tmp/single"
if command -v parallel >/dev/null; then
    parallel --will-cite $x --json --shard {}/4 --count 60 --stop-after 0 \
        "$prog" racy ">$tmp/shard{}.json" ::: 1 2 3 4
else
    echo "explore_ci: GNU parallel absent (Debian parallel): shards run" \
         "one after another" >&2
    for k in 1 2 3 4; do
        $x --json --shard $k/4 --count 60 --stop-after 0 "$prog" racy \
            >"$tmp/shard$k.json"
    done
fi
"$top/sim/weft-explore" merge "$tmp"/shard?.json | untimed >"$tmp/merged"
diff "$tmp/single" "$tmp/merged" >&2 || fail "merge differs from one run"
grep -q '^explored 60 run(s)' "$tmp/merged" || fail "merge: $(cat "$tmp/merged")"
for k in 1 2 3 4; do # disjoint: each seed in one shard
    sed -n 's/.*"event":"failure","seed":\([0-9]*\).*/\1/p' "$tmp/shard$k.json"
done | sort | uniq -d | grep -q . && fail "a seed ran in two shards"
usage_err=$($x --shard 5/4 "$prog" 2>&1 >/dev/null)
[ $? = 2 ] || fail "--shard 5/4 accepted: $usage_err"

# --junit: the report has the JUnit schema's required elements and
# attributes, and a failure carries its replay command.
$x --junit "$tmp/j.xml" --count 20 "$prog" racy >/dev/null
check_junit() { # file, failures wanted
    if command -v python3 >/dev/null; then
        python3 - "$1" "$2" <<'PY' || fail "junit $1: $(cat "$1")"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites", root.tag
suites = root.findall("testsuite")
assert suites
for s in suites:
    for a in ("name", "tests", "failures", "errors"):
        assert a in s.attrib, a
    cases = s.findall("testcase")
    assert len(cases) == int(s.get("tests"))
    for c in cases:
        assert c.get("name") and c.get("classname")
        for f in c.findall("failure"):
            assert f.get("message") and f.get("type")
            assert "replay: WEFT_BACKEND=sim" in f.text
    assert int(s.get("failures")) == int(sys.argv[2])
PY
    else
        grep -q '<testsuite name="weft-explore" tests="1" failures="'"$2"'"' \
            "$1" || fail "junit $1"
    fi
}
check_junit "$tmp/j.xml" 1
$x --junit "$tmp/p.xml" --count 20 "$prog" >/dev/null || fail "ci_prog"
check_junit "$tmp/p.xml" 0
exit 0
