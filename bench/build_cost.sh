#!/bin/sh
# bench/build_cost.sh WITH WITHOUT [ROUNDS] [WHAT]: what a part of the
# library costs a real-backend program when compiled in but unused, and
# what the slow-task warning costs when on. WITH and WITHOUT are two
# build trees of the same commit, the second configured without the part
# (WHAT names its configure switch: --disable-sim, the default, or
# --disable-trace), each after `make bench/tasks bench/sync`. Runs them
# in turns (ROUNDS, default 5, the order swapped each round, so drift of
# a shared machine hits both) and prints, per round, the minimum of the
# switch row (bench/tasks, 2 tasks in weft_yield) and of the queue row
# (bench/sync, rendezvous ping-pong), then the median over rounds. Not
# run by make check. Examples (docs/PERFORMANCE.md):
#   sh bench/build_cost.sh . /tmp/nosim 7
#   sh bench/build_cost.sh . /tmp/notrace 9 --disable-trace
set -u
with=$1
without=$2
rounds=${3:-5}
what=${4:---disable-sim}
unset WEFT_BACKEND WEFT_SEED WEFT_STRATEGY WEFT_TRACE WEFT_TRACK_LEAKS \
    WEFT_BENCH_TABLE WEFT_SLOW_TASK_MS
export WEFT_BENCH_REPEATS=${WEFT_BENCH_REPEATS:-5}
switch_row="weft_yield, 2 tasks, real backend"
queue_row="queue ping-pong, capacity 0"
one() { # label, build dir, env...
    label=$1 dir=$2
    shift 2
    s=$(env "$@" "$dir/bench/tasks" 2>/dev/null | grep -F "$switch_row" |
        head -n 1 | sed "s/^$switch_row *//" | awk '{print $2}')
    q=$(env "$@" "$dir/bench/sync" 2>/dev/null | grep -F "$queue_row" |
        head -n 1 | sed "s/^$queue_row *//" | awk '{print $2}')
    printf '%s\t%s\t%s\n' "$label" "$s" "$q"
}
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
echo "round  build                 switch ns (min)  queue ns/msg (min)"
i=1
while [ $i -le "$rounds" ]; do
    if [ $((i % 2)) -eq 1 ]; then
        order="with without slow"
    else
        order="slow without with"
    fi
    for b in $order; do
        case $b in
        with) one "compiled in" "$with" ;;
        without) one "$what" "$without" ;;
        slow) one "slow-task warning on" "$with" WEFT_SLOW_TASK_MS=1000 ;;
        esac
    done | tee -a "$tmp" | awk -F '\t' -v r=$i \
        '{printf "%5d  %-21s %15s  %18s\n", r, $1, $2, $3}'
    i=$((i + 1))
done
median() { # label, column
    grep -F -e "$1	" "$tmp" | cut -f "$2" | sort -g |
        awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'
}
echo
echo "median over $rounds rounds:"
for label in "compiled in" "$what" "slow-task warning on"; do
    printf '  %-21s switch %s ns, queue %s ns/msg\n' "$label" \
        "$(median "$label" 2)" "$(median "$label" 3)"
done
awk -v a="$(median "compiled in" 2)" -v b="$(median "$what" 2)" \
    -v c="$(median "compiled in" 3)" -v d="$(median "$what" 3)" -v w="$what" \
    'BEGIN {printf "compiled in vs %s: switch %+.1f %%, queue %+.1f %%\n",
            w, (a / b - 1) * 100, (c / d - 1) * 100}'
awk -v a="$(median "slow-task warning on" 2)" -v b="$(median "compiled in" 2)" \
    -v c="$(median "slow-task warning on" 3)" -v d="$(median "compiled in" 3)" \
    'BEGIN {printf "slow-task warning on vs off: switch %+.1f %%, queue %+.1f %%\n",
            (a / b - 1) * 100, (c / d - 1) * 100}'
