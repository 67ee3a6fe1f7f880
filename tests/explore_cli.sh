#!/bin/sh
# tests/explore_cli.sh: weft-explore as a user meets it: exit status 2
# and a message naming the argument for each bad one, a failure with a
# replay command that replays it, JSON lines, dfs's coverage, -j, and the
# kinds only a process can show (crash, hang, a program without weft).
set -u
top=${top_builddir:-.}
x="$top/sim/weft-explore --no-progress"
racy="$top/examples/racy"
fail() { echo "explore_cli: $*" >&2; exit 1; }

usage() { # expected text, then arguments
    want=$1
    shift
    err=$($x "$@" 2>&1 >/dev/null)
    rc=$?
    [ $rc = 2 ] || fail "$*: exit $rc, want 2"
    printf '%s' "$err" | grep -q -- "$want" || fail "$*: message: $err"
}
usage "\-\-seeds '5..3'" --seeds 5..3 "$racy"
usage "\-\-count '0'" --count 0 "$racy"
usage "\-j '0'" -j 0 "$racy"
usage "\-\-strategy 'pct:0'" --strategy pct:0 "$racy"
usage "\-\-time-limit 'soon'" --time-limit soon "$racy"
usage "option '\-\-frob'" --frob "$racy"
usage "no program" --count 3
usage "PROG './no/such'" ./no/such
usage "it needs a value" --count
usage "\-j '> 1'" --strategy dfs:1 -j 2 "$racy"

out=$($x --strategy pct:3 --count 50 "$racy")
[ $? = 1 ] || fail "racy: no failure found"
replay=$(printf '%s\n' "$out" | sed -n 's/^  replay: //p')
case $replay in
WEFT_BACKEND=sim\ WEFT_SEED=*\ WEFT_STRATEGY=pct:3:k=*) ;;
*) fail "replay line: $out" ;;
esac
a=$(env ${replay% *} "$racy")
b=$(env ${replay% *} "$racy")
[ "$a" = "$b" ] || fail "replay differs: $a / $b"
printf '%s' "$a" | grep -q "lost update" || fail "replay passes: $a"

tdir=$(mktemp -d)
$x --count 5 --trace-dir "$tdir" "$racy" | grep -q "trace: $tdir/seed-1.trace" ||
    fail "--trace-dir: no trace line"
[ -s "$tdir/seed-1.trace" ] || fail "--trace-dir: no trace file"
[ ! -e "$tdir/seed-1.again.trace" ] ||
    fail "--trace-dir: the re-run's trace of a deterministic run was kept"
out=$($x --count 1 --trace-dir "$tdir" "$top/tests/nondet_trace")
printf '%s' "$out" | grep -q "nondeterminism: a re-run of this seed wrote" ||
    fail "a trace that differs on a re-run is not reported: $out"
[ -s "$tdir/seed-1.again.trace" ] || fail "the differing trace was not kept"
rm -rf "$tdir"
usage "\-\-trace-dir '/no/such'" --trace-dir /no/such "$racy"

json=$($x --json --count 20 --stop-after 0 "$racy")
printf '%s\n' "$json" | grep -q '^{"event":"failure","seed":1,' ||
    fail "json: $json"
printf '%s\n' "$json" | tail -1 | grep -q '^{"event":"summary".*"runs":20,' ||
    fail "json summary: $json"

$x --strategy dfs:1 --stop-after 0 "$racy" | grep -q "covered completely" ||
    fail "dfs:1 did not cover racy"
out=$($x -j 2 --count 60 "$top/scenarios/lost_update_fixed") ||
    fail "-j 2 on a fixed twin: $out"
printf '%s' "$out" | grep -q "explored 60 run" || fail "-j 2: $out"

$x --count 2 sh -c 'kill -SEGV $$' | grep -q "kind=crash: killed by signal 11" ||
    fail "a crash is not reported as one"
$x --count 1 --run-timeout 0.2 sleep 5 | grep -q "kind=hang" ||
    fail "a hang is not reported as one"
$x --count 1 false | grep -q "no sim run reported" ||
    fail "a program without a sim run is not said to be one"
echo "explore_cli: ok"
