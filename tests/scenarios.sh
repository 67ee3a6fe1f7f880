#!/bin/sh
# tests/scenarios.sh: the explorer over every scenario (scenarios/): pct:3
# finds each bug within 300 runs, and each fixed twin passes the same 300
# runs (and random's 300 as well).
set -u
top=${top_builddir:-.}
explore="$top/sim/weft-explore --no-progress"
failed=0
for s in lost_update check_then_act lock_order2 lock_order3 lost_wakeup \
         cancel_drop cancel_lock timeout_race order3 aba bounded_buffer \
         double_release; do
    if $explore --strategy pct:3 --count 300 "$top/scenarios/$s" >/dev/null
    then
        echo "scenarios: $s: pct:3 did not find the bug in 300 runs" >&2
        failed=1
    fi
    for strategy in pct:3 random; do
        if ! out=$($explore --strategy $strategy --count 300 \
                   "$top/scenarios/${s}_fixed"); then
            echo "scenarios: ${s}_fixed failed under $strategy: $out" >&2
            failed=1
        fi
    done
done
[ $failed = 0 ] && echo "scenarios: every bug found, every fixed twin passes"
exit $failed
