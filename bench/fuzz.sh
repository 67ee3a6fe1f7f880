#!/bin/sh
# bench/fuzz.sh: libFuzzer as the search of schedules on the scenarios
# (docs/FUZZING.md). Builds each scenario with -DWEFT_FUZZ into a
# libFuzzer target (clang -fsanitize=fuzzer, the static core), then:
#   bench/fuzz.sh check    each bug must be found within 20,000 inputs
#                          (at most 20 s each), the run's seed taken from
#                          the input; at least three must be
#                          (make fuzz-scenarios)
#   bench/fuzz.sh measure  executions to the first failure, the median of
#                          libFuzzer seeds 1-5, with schedule coverage,
#                          without it, and with it and the run's seed from
#                          the input (the table of docs/EXPLORATION.md)
#   bench/fuzz.sh afl      the same targets built by afl-clang-fast (Debian
#                          afl++), one afl-fuzz run of at most 20 s each:
#                          executions to the first crash
# Run from the build directory after make. CC_FUZZ: the clang to use.
set -u
mode=${1:-check}
top_srcdir=${top_srcdir:-.}
cc=${CC_FUZZ:-clang}
out=fuzz-out
bins=scenarios/fuzz
scenarios="lost_update check_then_act lock_order2 lock_order3 lost_wakeup
cancel_drop cancel_lock timeout_race order3 aba bounded_buffer
double_release"
if ! command -v "$cc" >/dev/null; then
    echo "fuzz: no $cc (Debian: clang, libclang-rt-dev)" >&2
    exit 77
fi
mkdir -p "$out" "$bins"
for s in $scenarios; do
    [ "$bins/$s" -nt "$top_srcdir/scenarios/$s.c" ] &&
        [ "$bins/$s" -nt .libs/libweftcore.a ] && continue
    "$cc" -O1 -g -fsanitize=fuzzer -DWEFT_FUZZ -I"$top_srcdir/include" -I. \
        "$top_srcdir/scenarios/$s.c" .libs/libweftcore.a -lpthread \
        -o "$bins/$s" || exit 1
done

# fuzz SCENARIO SEED SCHED_COVER MAX_RUNS [RUN_SEED]: executions to the
# first failure, or ">MAX_RUNS" when none. RUN_SEED "input": the run's
# seed is a hash of the input (WEFT_FUZZ_SEED), else seed 0.
fuzz() {
    d="$out/$1-$2-$3-${5:-0}"
    rm -rf "$d"
    mkdir -p "$d/corpus"
    WEFT_FUZZ_SEED=${5:-0} \
    WEFT_FUZZ_FORK=1 WEFT_FUZZ_SCHED_COVER=$3 WEFT_FUZZ_PROGRAM="scenarios/$1" \
    WEFT_FUZZ_REPLAY="$d/failure.replay" \
        "$bins/$1" -seed="$2" -runs="$4" -max_total_time=20 \
        -print_final_stats=1 -artifact_prefix="$d/" "$d/corpus" \
        >"$d/log" 2>&1
    if [ -f "$d/failure.replay" ]; then
        sed -n 's/^stat::number_of_executed_units: *//p' "$d/log"
    else
        echo ">$4"
    fi
}
median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

case $mode in
check)
    found=0
    for s in $scenarios; do
        n=$(fuzz "$s" 1 1 20000 input)
        case $n in
        \>*) echo "fuzz: $s: not found in $n inputs" ;;
        *) found=$((found + 1))
           echo "fuzz: $s: found after $n inputs:"
           sed -n 's/^  replay: /    /p' "$out/$s-1-1-input/log" | head -1 ;;
        esac
    done
    echo "fuzz: $found of 12 scenario bugs found"
    [ "$found" -ge 3 ]
    ;;
measure)
    printf '| scenario | libFuzzer + schedule coverage | libFuzzer |'
    printf ' libFuzzer + schedule coverage, seed from input |\n'
    printf '|---|---|---|---|\n'
    for s in $scenarios; do
        row="| $s"
        for mode in 1:0 0:0 1:input; do
            m=$(for seed in 1 2 3 4 5; do
                    fuzz "$s" $seed "${mode%:*}" 20000 "${mode#*:}"
                done | sed 's/^>.*/99999999/' | median)
            [ "$m" = 99999999 ] && m=">20000"
            row="$row | $m"
        done
        echo "$row |"
    done
    ;;
afl)
    if ! command -v afl-clang-fast >/dev/null; then
        echo "fuzz: no afl-clang-fast (Debian: afl++)" >&2
        exit 77
    fi
    mkdir -p "$out/afl-in"
    printf '\0' >"$out/afl-in/zero" # AFL++ wants one input that passes
    printf '| scenario | AFL++ |\n|---|---|\n'
    for s in $scenarios; do
        afl-clang-fast -O1 -fsanitize=fuzzer -DWEFT_FUZZ \
            -I"$top_srcdir/include" -I. "$top_srcdir/scenarios/$s.c" \
            .libs/libweftcore.a -lpthread -o "$bins/$s-afl" 2>/dev/null ||
            exit 1
        rm -rf "$out/afl-$s"
        AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 AFL_BENCH_UNTIL_CRASH=1 \
        AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 WEFT_FUZZ_FORK=1 \
            afl-fuzz -i "$out/afl-in" -o "$out/afl-$s" -V 20 -- \
            "$bins/$s-afl" >"$out/afl-$s.log" 2>&1
        st="$out/afl-$s/default/fuzzer_stats"
        n=$(sed -n 's/^execs_done *: *//p' "$st" 2>/dev/null)
        c=$(sed -n 's/^saved_crashes *: *//p' "$st" 2>/dev/null)
        # a bug on the default schedule: AFL++'s first input finds it,
        # and it refuses to start
        grep -q "crashed with one of the test cases" "$out/afl-$s.log" &&
            c=1 n=1
        [ "${c:-0}" -gt 0 ] || n=">${n:-?}"
        echo "| $s | $n |"
    done
    ;;
*) echo "usage: bench/fuzz.sh check|measure|afl" >&2; exit 2 ;;
esac
