#!/usr/bin/env bash
# examples/demo.sh: the main job. Runs the racy bank example under the
# simulator with seeds that behave differently, replays one seed to show
# it is the same run, then runs it on the real backend.
set -u
cd "$(dirname "$0")/.."
run() {
    echo "\$ $*"
    env "$@"
    echo "  (exit $?)"
}
run WEFT_BACKEND=sim WEFT_SEED=1 ./examples/racy
run WEFT_BACKEND=sim WEFT_SEED=2 ./examples/racy
echo "# the same seed replays the same interleaving:"
run WEFT_BACKEND=sim WEFT_SEED=1 ./examples/racy
echo "# the real backend (FIFO scheduling: the tellers do not interleave):"
run WEFT_BACKEND=real ./examples/racy
