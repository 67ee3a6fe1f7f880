#!/bin/sh
# tests/net_scenarios.sh: the distributed scenarios over the simulated
# network (docs/NETWORK.md): pct:3 finds each bug within 300 runs and
# prints its replay line; the failing run's trace shows the fault that
# caused it (a crash for net_kv, a partition for net_lease); each fixed
# twin passes the same 300 runs and random's 300; and both run on the
# real backend over loopback (the fixed twin passing).
set -u
top=${top_builddir:-.}
explore="$top/sim/weft-explore --no-progress"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
fail() {
    echo "net_scenarios: $*" >&2
    failed=1
}
for pair in net_kv:host-crash net_lease:net-partition; do
    s=${pair%%:*}
    fault=${pair#*:}
    mkdir "$tmp/$s"
    if out=$($explore --strategy pct:3 --count 300 --trace-dir "$tmp/$s" \
             "$top/scenarios/$s" 2>&1); then
        fail "$s: pct:3 did not find the bug in 300 runs"
    fi
    printf '%s\n' "$out" | grep -q "replay: WEFT_BACKEND=sim WEFT_SEED=" ||
        fail "$s: no replay line in: $out"
    trace=$(ls "$tmp/$s"/*.trace 2>/dev/null | head -n 1)
    if [ -z "$trace" ]; then
        fail "$s: no trace of the failing run"
    elif ! "$top/trace/weft-trace" dump "$trace" | grep -q " $fault "; then
        fail "$s: the failing run's trace shows no $fault"
    fi
    for strategy in pct:3 random; do
        out=$($explore --strategy $strategy --count 300 \
              "$top/scenarios/${s}_fixed" 2>&1) ||
            fail "${s}_fixed failed under $strategy: $out"
    done
    # On the real backend the fixed twin passes whatever the timing; the
    # buggy one usually does too (the faults are the simulator's), but a
    # request that times out on a loaded machine fails over for real and
    # may meet its bug: it must end, one way or the other, not hang.
    WEFT_BACKEND=real "$top/scenarios/${s}_fixed" >/dev/null ||
        fail "${s}_fixed failed on the real backend"
    WEFT_BACKEND=real timeout 60 "$top/scenarios/$s" >/dev/null 2>&1
    st=$?
    [ $st = 0 ] || [ $st = 134 ] ||
        fail "$s on the real backend: exit $st (neither a pass nor its bug)"
done
[ $failed = 0 ] &&
    echo "net_scenarios: every bug found with its fault, every fixed twin passes"
exit $failed
