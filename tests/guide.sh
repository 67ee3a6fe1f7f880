#!/bin/sh
# tests/guide.sh: the commands of docs/TESTING-YOUR-PROGRAM.md, run as the
# guide shows them (from a directory holding examples/, with weft-explore
# and weft-trace on PATH), checking their exit statuses and the lines the
# guide quotes, so the guide cannot drift from what the tools do.
set -u
top=$(cd "${top_builddir:-.}" && pwd)
src=$(cd "${srcdir:-$top}" && pwd)
PATH=$top/sim:$top/trace:$PATH
export PATH
unset WEFT_BACKEND WEFT_SEED WEFT_STRATEGY WEFT_TRACE
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
# examples/guide/ as the guide sees it: the built programs, and the script
# from the source tree (they differ in a VPATH build such as distcheck,
# where __FILE__ also gains a ../ prefix: the patterns allow for it).
mkdir -p examples/guide || exit 1
for p in bank bank_fixed flaky flaky_fixed; do
    ln -s "$top/examples/guide/$p" examples/guide/$p
done
ln -s "$src/examples/guide/explore.sh" examples/guide/explore.sh

fail() {
    echo "guide: $*" >&2
    exit 1
}
# expect STATUS PATTERN CMD...: CMD exits STATUS and prints (stdout and
# stderr) a line matching the grep pattern PATTERN ('' for any).
expect() {
    want=$1 pat=$2
    shift 2
    out=$("$@" 2>&1)
    got=$?
    [ "$got" = "$want" ] || fail "$*: exit $got, want $want: $out"
    printf '%s\n' "$out" | grep -q -- "$pat" ||
        fail "$*: no line matching '$pat' in: $out"
    printf '%s\n' "$out" >last.out
}
bank=./examples/guide/bank

# Running it: the real backend and one simulated seed pass.
expect 0 'alice 40  bob 60  carol 0' $bank
expect 0 'alice 40  bob 30  carol 30' env WEFT_BACKEND=sim WEFT_SEED=1 $bank

# Exploring: random finds the race at seed 8, pct:3 at seed 2.
expect 1 'FAIL seed=8 strategy=random kind=assert: WEFT_ASSERT(b->balance\[t->from\] >= 0) failed at .*examples/guide/bank.c:48' \
    weft-explore $bank
grep -q '  replay: WEFT_BACKEND=sim WEFT_SEED=8 WEFT_STRATEGY=random ./examples/guide/bank' last.out ||
    fail "no replay line: $(cat last.out)"
grep -q 'explored 8 run(s) with random in .*: 1 failed; 8 distinct schedule(s), 2 distinct outcome(s)' last.out ||
    fail "no summary: $(cat last.out)"
expect 1 'FAIL seed=2 strategy=pct:3:k=22 kind=assert' \
    weft-explore --strategy pct:3 --count 300 $bank
expect 1 'explored 100 run(s) with random .*: 20 failed' \
    weft-explore --stop-after 0 --count 100 $bank

# Replaying: the seed fails alone, the same way, with an abort.
expect 134 'replay: WEFT_BACKEND=sim WEFT_SEED=8 WEFT_STRATEGY=random ./examples/guide/bank' \
    env WEFT_BACKEND=sim WEFT_SEED=8 WEFT_STRATEGY=random $bank
grep -q 'weft: WEFT_ASSERT(b->balance\[t->from\] >= 0) failed at .*examples/guide/bank.c:48 \[backend=sim seed=8 strategy=random step=20\]' last.out ||
    fail "no assertion line: $(cat last.out)"

if command -v gdb >/dev/null 2>&1; then # where gdb can trace, at least
    out=$(WEFT_BACKEND=sim WEFT_SEED=8 WEFT_STRATEGY=random \
          gdb -q -batch -ex run -ex bt ./examples/guide/bank 2>&1)
    printf '%s\n' "$out" | grep -q 'ptrace' ||
        printf '%s\n' "$out" | grep -q '#6  teller (arg=.*) at .*examples/guide/bank.c:66' ||
        fail "gdb: no teller frame at bank.c:66: $out"
fi
expect 0 'explored 2000 run(s) with random .*: 0 failed' \
    weft-explore --seeds 100001..102000 ./examples/guide/bank_fixed

# Shrinking, and the shrunk string replays.
shrunk='replay:1.1,2.3,3.2,4.2,6.2,7.1'
expect 1 "shrunk (4 preemptions): WEFT_BACKEND=sim WEFT_SEED=8 WEFT_STRATEGY=$shrunk ./examples/guide/bank" \
    weft-explore --shrink $bank
expect 134 'failed at .*examples/guide/bank.c:48' \
    env WEFT_BACKEND=sim WEFT_SEED=8 WEFT_STRATEGY=$shrunk $bank
expect 0 'alice 10  bob 30  carol 60  (4 journaled, 0 rejected)' \
    env WEFT_BACKEND=sim WEFT_SEED=8 WEFT_STRATEGY=replay: $bank

# Tracing the failure, and reading the trace.
mkdir traces
expect 1 'trace: traces/seed-8.trace (weft-trace dump traces/seed-8.trace)' \
    weft-explore --shrink --trace-dir traces $bank
[ -s traces/seed-8.trace ] || fail "no traces/seed-8.trace"
expect 0 '"alice 100 >= 50?"' weft-trace dump traces/seed-8.trace --task "teller 2"
expect 0 '#67 .* teller 1#3 .* note .*"alice -60, bob +60"' \
    weft-trace dump traces/seed-8.trace --task "teller 1"
expect 0 '' weft-trace timeline traces/seed-8.trace -o bank-timeline.svg
expect 0 '' weft-trace tasks traces/seed-8.trace -o bank-tasks.svg
expect 0 '' weft-trace waits traces/seed-8.trace -o bank-waits.svg --at '#52'
for f in bank-timeline.svg bank-tasks.svg bank-waits.svg; do
    grep -q '</svg>' $f || fail "$f is not a whole SVG"
done
expect 0 'the traces are the same' weft-trace diff traces/seed-8.trace traces/seed-8.trace
# The guide says a lone run that aborts at a WEFT_ASSERT keeps its trace
# up to the assertion, which the trace records.
WEFT_BACKEND=sim WEFT_SEED=8 WEFT_TRACE=lone.trace $bank >/dev/null 2>&1
weft-trace dump lone.trace 2>/dev/null | grep -q 'assert .*WEFT_ASSERT(' ||
    fail "a lone WEFT_ASSERT abort lost its trace or the assertion event"


# The fixed twin: thousands of schedules pass.
expect 0 'explored 5000 run(s) with pct:3 .*: 0 failed' \
    weft-explore --strategy pct:3 --count 5000 -j 2 ./examples/guide/bank_fixed
expect 0 'every schedule with at most 0 preemption(s) covered completely (550 runs' \
    weft-explore --strategy dfs:0 --count 1000 ./examples/guide/bank_fixed
expect 0 'at most 1 preemption(s) NOT covered (1000 runs' \
    weft-explore --strategy dfs:1 --count 1000 ./examples/guide/bank_fixed

# Nondeterminism: the clock-reading poller is caught, its fixed twin is not.
expect 1 'kind=nondeterminism: a re-run of the seed took other decisions' \
    weft-explore --stop-after 0 --count 200 ./examples/guide/flaky
rm -rf traces && mkdir traces
expect 1 'nondeterminism: a re-run of this seed wrote another trace (weft-trace diff traces/seed-[0-9]*.trace traces/seed-[0-9]*.again.trace)' \
    weft-explore --stop-after 0 --count 200 --trace-dir traces ./examples/guide/flaky
again=$(ls traces/*.again.trace | head -n 1)
expect 1 'the traces diverge at event' weft-trace diff "${again%.again.trace}.trace" "$again"
out=$(weft-explore --stop-after 0 --count 200 ./examples/guide/flaky_fixed 2>&1)
[ $? = 1 ] || fail "flaky_fixed: want exit 1 (its timeouts): $out"
printf '%s\n' "$out" | grep -q 'kind=result' || fail "flaky_fixed: $out"
printf '%s\n' "$out" | grep -q nondeterminism && fail "flaky_fixed: $out"
for i in 1 2 3; do
    WEFT_BACKEND=sim WEFT_SEED=5 WEFT_TRACE=a.trace ./examples/guide/flaky_fixed >/dev/null
    WEFT_BACKEND=sim WEFT_SEED=5 WEFT_TRACE=b.trace ./examples/guide/flaky_fixed >/dev/null
    expect 0 'the traces are the same' weft-trace diff a.trace b.trace
done

# Usage errors exit 2.
expect 2 "strategy 'pct:0' is not valid" weft-explore --strategy pct:0 $bank

# The CI script: 1 and a failure line for the race, 0 for the fix.
expect 1 '"event":"failure","seed":[0-9]*,"strategy":"pct:3:k=[0-9]*","kind":"assert"' \
    env TIME_LIMIT=20 ./examples/guide/explore.sh $bank
ls explore-out/traces/seed-*.trace >/dev/null 2>&1 || fail "explore.sh: no trace"
grep -q '"event":"summary","strategy":"random"' explore-out/explore.jsonl ||
    fail "explore.sh: no summary: $(cat explore-out/explore.jsonl)"
expect 0 '' env TIME_LIMIT=20 ./examples/guide/explore.sh ./examples/guide/bank_fixed
grep -c '"failures":0' explore-out/explore.jsonl | grep -q '^2$' ||
    fail "explore.sh: $(cat explore-out/explore.jsonl)"

# The guide's code fragments are excerpts of the files, line for line.
awk '/^```c$/ {c=1; next} /^```sh$/ {c=2; next} /^```/ {c=0} c && NF {
        sub(/^[ \t]+/, ""); print (c == 1 ? "c " : "sh ") $0 }' \
    "$src/docs/TESTING-YOUR-PROGRAM.md" >fragments
[ -s fragments ] || fail "no code fragments found in the guide"
while IFS= read -r line; do
    kind=${line%% *} text=${line#* }
    case $kind:$text in
    "sh:export PATH=\$PWD/sim:\$PWD/trace:\$PATH") continue ;;
    c:*) files="$src/examples/guide/bank.c $src/examples/guide/flaky.c" ;;
    *) files=$src/examples/guide/explore.sh ;;
    esac
    # shellcheck disable=SC2086
    grep -qF -- "$text" $files || fail "a fragment of the guide is not in $files: $text"
done <fragments

echo "guide: every command of docs/TESTING-YOUR-PROGRAM.md does what it says"
