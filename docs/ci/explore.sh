#!/bin/sh
# docs/ci/explore.sh: the GitHub Actions workflow of this directory as a
# plain script, for any CI system (docs/FUZZING.md "CI"). Explores PROG
# [ARGS] under weft-explore with a failure corpus, a JUnit report and
# JSON per shard; then merges the shards into one summary.
#
#   docs/ci/explore.sh PROG [ARGS]             every shard here, through
#                                              GNU parallel when present
#   SHARD=2/4 docs/ci/explore.sh PROG [ARGS]   one shard (a CI matrix
#                                              job, an array job)
#   docs/ci/explore.sh --merge                 merge out/shard-*.json
#
# Environment: WEFT_EXPLORE_BIN (default weft-explore), SHARDS (4),
# SEEDS (20000, the whole campaign), STRATEGY (pct:3), CORPUS
# (weft-corpus: keep it between runs, or commit it), OUT (weft-out).
# Exit status: weft-explore's (0 passed, 1 a failure, 2 an error).
set -u
x=${WEFT_EXPLORE_BIN:-weft-explore}
shards=${SHARDS:-4}
seeds=${SEEDS:-20000}
strategy=${STRATEGY:-pct:3}
corpus=${CORPUS:-weft-corpus}
out=${OUT:-weft-out}
mkdir -p "$out"

if [ "${1:-}" = --merge ]; then
    exec "$x" merge "$out"/shard-*.json
fi
[ $# -ge 1 ] || { echo "usage: $0 PROG [ARGS] | --merge" >&2; exit 2; }

if [ -n "${SHARD:-}" ]; then
    k=${SHARD%/*}
    exec "$x" --no-progress --json --stop-after 0 --strategy "$strategy" \
        --count "$seeds" --shard "$SHARD" --corpus "$corpus" \
        --junit "$out/junit-$k.xml" "$@" >"$out/shard-$k.json"
fi
rc=0
if command -v parallel >/dev/null; then
    seq "$shards" | parallel -q --will-cite env SHARD={}/"$shards" "$0" "$@" ||
        rc=$?
else
    for k in $(seq "$shards"); do SHARD=$k/$shards "$0" "$@" || rc=$?; done
fi
"$x" merge "$out"/shard-*.json
exit $rc
