/* weft/fuzz.h: a coverage-guided fuzzer (libFuzzer, or AFL++ through
 * its libFuzzer driver) as the search of schedules (docs/FUZZING.md).
 *
 *   static int body(void *arg) { ... WEFT_ASSERT(...); ... }
 *   WEFT_FUZZ_TARGET(body)
 *
 *   clang -fsanitize=fuzzer prog.c $(pkg-config --cflags --libs weft)
 *
 * Each input is one sim run of body with the "bytes" strategy: every
 * scheduling choice consumes an input byte. A failing run (the kinds of
 * weft/sim.h) prints its `replay:` schedule string and the command that
 * replays it without a seed, then aborts, so the fuzzer keeps the input.
 * Besides the code coverage the compiler adds, the target counts schedule
 * coverage in libFuzzer's extra counters: the pair (site the outgoing
 * task stopped at, site the incoming task resumes at) of each switch
 * that was a choice, and each wake edge (waker's site, woken task's
 * site), so inputs that make new interleavings are kept.
 *
 * The environment of the fuzzer process:
 *   WEFT_FUZZ_FORK=1         each run in a forked child: for programs
 *                            with global state a run leaves behind (the
 *                            schedule counters still reach the fuzzer;
 *                            the code coverage of the child does not)
 *   WEFT_FUZZ_SCHED_COVER=0  no schedule coverage (code coverage only)
 *   WEFT_FUZZ_SEED=input     the run's seed (weft_random's draws,
 *                            WEFT_BUGGIFY's faults) is a hash of the
 *                            input, named in the replay command; else
 *                            every run has seed 0
 *   WEFT_FUZZ_PROGRAM=CMD    the program in the replay command
 *   WEFT_FUZZ_REPLAY=FILE    also write the failure there, the format of
 *                            `weft-explore --replay-file FILE` and of a
 *                            --corpus directory's files */
#ifndef WEFT_FUZZ_H
#define WEFT_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "weft/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Schedule-coverage counters a target gives the fuzzer. */
#define WEFT_FUZZ_COUNTERS 8192

/* Runs main(arg) once under sim with input (data, size) as its
 * schedule, counting schedule coverage into counters (n of them; NULL:
 * none). Returns 0 when the run passed; on a failure prints it and
 * aborts. */
WEFT_API int weft_fuzz_one(const uint8_t *data, size_t size,
                           int (*main)(void *), void *arg,
                           unsigned char *counters, size_t n);

/* Defines LLVMFuzzerTestOneInput running main_fn(NULL) per input, and
 * the counters in the section libFuzzer reads as extra counters. */
#define WEFT_FUZZ_TARGET(main_fn)                                           \
    __attribute__((section("__libfuzzer_extra_counters"), used))            \
    static unsigned char weft_fuzz_counters_[WEFT_FUZZ_COUNTERS];           \
    int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);           \
    int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {          \
        return weft_fuzz_one(data, size, (main_fn), NULL,                   \
                             weft_fuzz_counters_, WEFT_FUZZ_COUNTERS);      \
    }

#ifdef __cplusplus
}
#endif
#endif
