#!/usr/bin/env bash
# examples/demo.sh: the main job. Explores the racy bank example
# (examples/racy.c) under the simulator with weft-explore until a schedule
# loses a deposit, replays that failing seed with the command the
# explorer printed (twice: the same steps each time), shrinks it to the
# schedule with the fewest preemptions, replays that, records its trace
# and renders the task tree and the timeline to SVG with weft-trace
# (files in demo-out/), and runs the program on the real backend.
set -u
cd "$(dirname "$0")/.."
explore=./sim/weft-explore
show() {
    echo "\$ $*"
    "$@"
    echo "  (exit $?)"
}
echo "# 1. explore: pct:3 schedules, one seed after another, until one fails"
# (the live progress line shows on a terminal: runs/s, failures, ETA)
out=$($explore --strategy pct:3 --count 300 ./examples/racy)
echo "$out"
replay=$(printf '%s\n' "$out" | sed -n 's/^  replay: //p' | head -1)
seed=$(printf '%s\n' "$out" | sed -n 's/^FAIL seed=\([0-9]*\) .*/\1/p' | head -1)
strategy=$(printf '%s\n' "$out" | sed -n 's/^FAIL .*strategy=\([^ ]*\) .*/\1/p' | head -1)
if [ -z "$replay" ]; then
    echo "demo: the explorer found no failing seed" >&2
    exit 1
fi
echo
echo "# 2. replay the failing seed, twice: the same interleaving each time"
for i in 1 2; do
    echo "\$ $replay"
    env ${replay% ./examples/racy} ./examples/racy
done
echo
echo "# 3. shrink it: the failing schedule with the fewest preemptions"
out=$($explore --no-progress --strategy "$strategy" --seeds "$seed..$seed" \
      --shrink ./examples/racy)
echo "$out"
shrunk=$(printf '%s\n' "$out" | sed -n 's/^  shrunk ([^)]*): //p' | head -1)
if [ -n "$shrunk" ]; then
    echo "\$ $shrunk"
    env ${shrunk% ./examples/racy} ./examples/racy
fi
echo
echo "# 4. record the failing run's trace and draw it"
mkdir -p demo-out
rm -f demo-out/racy.trace
run=${shrunk:-$replay}
echo "\$ WEFT_TRACE=demo-out/racy.trace $run"
env WEFT_TRACE=demo-out/racy.trace ${run% ./examples/racy} ./examples/racy
show ./trace/weft-trace tasks demo-out/racy.trace -o demo-out/racy-tasks.svg
show ./trace/weft-trace timeline demo-out/racy.trace \
    -o demo-out/racy-timeline.svg
echo "files: $(pwd)/demo-out/racy.trace (weft-trace dump demo-out/racy.trace),"
echo "       $(pwd)/demo-out/racy-tasks.svg, $(pwd)/demo-out/racy-timeline.svg"
echo
echo "# 5. the real backend (FIFO scheduling: the tellers do not interleave)"
show env WEFT_BACKEND=real ./examples/racy
