#!/bin/sh
# bench/explore.sh: the table of docs/EXPLORATION.md. For each scenario
# and strategy: the runs weft-explore needs to find the bug (the median
# over five ranges of 1000 seeds; dfs is deterministic: one campaign),
# and the runs per second of 300 runs of the fixed twin (one exec each).
# Run from the build directory after make.
set -u
explore="./sim/weft-explore --no-progress --json"
runs_of() { # summary line -> runs
    sed -n 's/.*"event":"summary".*"runs":\([0-9]*\).*"failures":\([0-9]*\).*/\1 \2/p'
}
median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
printf '| scenario | random | pct:3 | dfs:2 | runs/s |\n'
printf '|---|---|---|---|---|\n'
for s in lost_update check_then_act lock_order2 lock_order3 lost_wakeup \
         cancel_drop cancel_lock timeout_race order3 aba bounded_buffer \
         double_release; do
    row="| $s"
    for strategy in random pct:3; do
        m=$(for a in 1 1001 2001 3001 4001; do
                $explore --strategy $strategy --seeds $a..$((a + 999)) \
                    "scenarios/$s" | runs_of |
                    awk '{print ($2 > 0) ? $1 : ">1000"}'
            done | median)
        row="$row | $m"
    done
    d=$($explore --strategy dfs:2 --count 100000 "scenarios/$s" | runs_of |
        awk '{print ($2 > 0) ? $1 : "none (" $1 " runs)"}')
    rate=$($explore --strategy pct:3 --count 300 "scenarios/${s}_fixed" |
           sed -n 's/.*"runs_per_second":\([0-9]*\).*/\1/p')
    echo "$row | $d | $rate |"
done
