#!/bin/sh
# tests/cookbook.sh: the programs docs/COOKBOOK.md quotes print what it
# says: exact virtual times and counts under sim, the same results under
# real (where a loaded machine may shift times, so not the counts that
# depend on them).
set -eu
ex=${top_builddir:-.}/examples
check() { # backend, program, expected line (a fixed string)
    out=$(WEFT_BACKEND=$1 "$ex/$2" 2>&1) || {
        echo "cookbook: $1 $2 failed: $out" >&2
        exit 1
    }
    if ! printf '%s\n' "$out" | grep -qF -- "$3"; then
        echo "cookbook: $1 $2: expected '$3', got: $out" >&2
        exit 1
    fi
}
for b in sim real; do
    check $b cookbook/timeout "fast call: rc=0"
    check $b cookbook/timeout "slow call: Connection timed out at 1"
    check $b cookbook/timeout "steps, rc=0"
    check $b cookbook/worker_pool "8 items, at most 3 at once, rc=0,"
    check $b cookbook/worker_pool "item 4 failed: -5"
    check $b cookbook/worker_pool "stop at first failure: rc=-5"
    check $b cookbook/pipeline "consumed 20 items, total 210, rc=0"
    check $b cookbook/retry "back soon: rc=0 after 3 calls, at 3"
    check $b cookbook/retry "down: Resource temporarily unavailable after 4 calls"
    check $b cookbook/shutdown "signal received: shutting down"
    check $b cookbook/shutdown "stopped: rc=0, 3 workers flushed"
done
check sim cookbook/timeout "slow call: Connection timed out at 130 ms"
check sim cookbook/timeout "best effort: 2 steps, rc=0"
check sim cookbook/worker_pool "8 items, at most 3 at once, rc=0, 80 ms"
check sim cookbook/retry "back soon: rc=0 after 3 calls, at 300 ms"
check sim cookbook/retry "down: Resource temporarily unavailable after 4 calls, at 700 ms"
# the README's example: a worker sleeps a second (virtual under sim)
check sim readme ""
echo "cookbook: ok"
