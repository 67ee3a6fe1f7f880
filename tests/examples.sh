#!/bin/sh
# tests/examples.sh: the documented examples run and print what the docs
# say: exact virtual times under sim, the same results under real.
set -eu
ex=${top_builddir:-.}/examples
check() { # backend, program, expected line (a grep pattern)
    out=$(WEFT_BACKEND=$1 "$ex/$2") || true
    if ! printf '%s\n' "$out" | grep -q "$3"; then
        echo "examples: $1 $2: expected '$3', got: $out" >&2
        exit 1
    fi
}
check sim groups "join: Input/output error after 20 ms"
check real groups "join: Input/output error after"
check sim timeouts "move_on_after: rc=0 at 100 ms"
check sim timeouts "fail_after: Connection timed out, cleanup rc=0, at 250 ms"
check real timeouts "fail_after: Connection timed out, cleanup rc=0"
check sim start "server ready on port 8080 (rc=0)"
check real start "server ready on port 8080 (rc=0)"
# the racy example: seed 1 loses a deposit, seed 5 does not, real does not
check sim racy "" # builds and runs
WEFT_BACKEND=sim WEFT_SEED=1 "$ex/racy" | grep -q "lost update"
WEFT_BACKEND=sim WEFT_SEED=5 "$ex/racy" | grep -q "balance 60"
WEFT_BACKEND=real "$ex/racy" | grep -q "balance 60"
echo "examples: ok"
