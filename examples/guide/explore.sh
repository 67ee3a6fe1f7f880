#!/bin/sh
# examples/guide/explore.sh: a CI step that explores a weft program
# (docs/TESTING-YOUR-PROGRAM.md, "In CI").
#   explore.sh PROG [ARGS...]
# Runs 2,000 seeds of pct:3 and 2,000 of random over PROG on two workers,
# each campaign within TIME_LIMIT seconds (default 60). Every failure is
# shrunk, its trace recorded in $OUT/traces, and the JSON lines of both
# campaigns written to $OUT/explore.jsonl (OUT defaults to explore-out).
# Exit status: 0 no failure, 1 a failure, 2 a usage error (weft-explore's).
set -u
out=${OUT:-explore-out}
mkdir -p "$out/traces" || exit 2
: >"$out/explore.jsonl"
status=0
for strategy in pct:3 random; do
    weft-explore --strategy "$strategy" --count 2000 -j 2 \
        --time-limit "${TIME_LIMIT:-60}" --shrink \
        --trace-dir "$out/traces" --json "$@" >>"$out/explore.jsonl"
    rc=$?
    [ $rc -gt $status ] && status=$rc
done
grep '"event":"failure"' "$out/explore.jsonl"
exit $status
