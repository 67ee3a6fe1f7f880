#!/bin/sh
# bench/run.sh BUILDDIR SRCDIR: runs every benchmark and prints one table.
# Called by `make bench` (which builds the programs first); not part of
# make check. Order: the baselines measured by other processes (Python's
# AnyIO and trio, libuv, Boost.Context) go to a file first, then the C
# programs print the table rows, borrowing those baselines through
# WEFT_BENCH_BASELINES.
#   BENCH_PYTHON      the Python with anyio and trio (/usr/bin/python3)
#   WEFT_BENCH_REPEATS  override every repeat count (3: a quick run)
set -u
build=$1
src=$2
py=${BENCH_PYTHON:-/usr/bin/python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
base=$tmp/baselines.tsv
: >"$base"
status=0
# The benchmarks choose their backend and leak tracking: the WEFT_*
# overrides must not.
unset WEFT_BACKEND WEFT_SEED WEFT_STRATEGY WEFT_TRACE WEFT_TRACK_LEAKS \
    WEFT_BENCH_TABLE

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
hyp=$(lscpu 2>/dev/null | sed -n 's/^Hypervisor vendor:[[:space:]]*//p')
echo "weft benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $cpu, $(nproc) CPU(s)${hyp:+, $hyp guest}, Linux $(uname -r)"
echo "compiler: $(${CC:-cc} --version | head -n 1), library CFLAGS: ${CFLAGS:-?}"
echo "vm.max_map_count: $(cat /proc/sys/vm/max_map_count)," \
    "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)" \
    "(other work on the machine inflates the medians more than the minima)"
echo "measuring the Python, libuv and Boost.Context baselines..."

# The keys bench/py_baselines.py writes for each library.
py_keys="yield spawn_join lock sem limiter queue event"
skip_py() { # lib reason
    echo "bench: $1 baselines skipped: $2" >&2
    for key in $py_keys; do
        printf '%s.%s\tskip\t%s\n' "$1" "$key" "$2" >>"$base"
    done
}
for lib in anyio trio; do
    if [ ! -x "$py" ]; then
        skip_py $lib "no $py (apt-get install python3 python3-$lib)"
    elif ! "$py" -c "import $lib" 2>/dev/null; then
        skip_py $lib "python3 module $lib missing (apt-get install python3-$lib)"
    elif ! "$py" "$src/bench/py_baselines.py" $lib >>"$base"; then
        skip_py $lib "bench/py_baselines.py $lib failed"
        status=1
    fi
done
if [ -x "$build/bench/uv_baseline" ]; then
    "$build/bench/uv_baseline" >>"$base" || status=1
else
    for key in idle io_pingpong io_echo100 io_timers io_idle; do
        printf 'uv.%s\tskip\tlibuv not found (apt-get install libuv1-dev)\n' \
            $key >>"$base"
    done
fi
if [ -x "$build/bench/boost_baseline" ]; then
    "$build/bench/boost_baseline" >>"$base" || status=1
else
    for key in jump jump_deep; do
        printf 'boost.%s\tskip\tBoost.Context not found (apt-get install %s)\n' \
            $key libboost-context-dev >>"$base"
    done
fi
export WEFT_BENCH_BASELINES="$base"
echo

run() {
    "$@" || { echo "bench: $* failed" >&2; status=1; }
    export WEFT_BENCH_TABLE=continue
}
run "$build/bench/tasks"
run "$build/bench/sync"
run "$build/bench/ctx"
run "$build/bench/io"
for mode in auto canary page; do
    run "$build/bench/memory" $mode
done
echo
echo "exploration runs (3 tasks, about 100 schedule points each):"
run "$build/bench/explore_runs"
run "$build/bench/net"
run "$build/bench/trace"
exit $status
