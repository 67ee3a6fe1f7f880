/* weft/time.h: the clock, sleeping and checkpoints (lionpride's utils). */
#ifndef WEFT_TIME_H
#define WEFT_TIME_H

#include "weft/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Current time of the running runtime (virtual under sim), in ns.
 * Outside a runtime: the monotonic clock. */
WEFT_API weft_time weft_now(void);

/* Sleeps for duration (<= 0: a plain checkpoint). Checkpoint.
 * Returns 0, or -ECANCELED when an enclosing scope is cancelled. */
WEFT_API int weft_sleep(weft_time duration);

/* Sleeps until the absolute time deadline. Checkpoint; 0 or -ECANCELED. */
WEFT_API int weft_sleep_until(weft_time deadline);

/* A checkpoint: lets other tasks run, then returns -ECANCELED if an
 * enclosing scope is cancelled, else 0. */
WEFT_API int weft_yield(void);

/* A schedule point that never cancels: marks a shared-memory access so
 * the simulator may switch tasks here. Free under the real backend.
 * label is for traces (borrowed, may be NULL). */
WEFT_API void weft_sched_point(const char *label);

/* A fast non-cryptographic 64-bit random number (xoshiro256**). Under
 * sim it is drawn from a stream seeded by the run's seed, so user
 * randomness replays; under real it is seeded from getrandom(2). */
WEFT_API uint64_t weft_random(void);

/* The blocking calls, with the call site (weft/common.h, WEFT__AT). */
#ifndef WEFT_NO_CALL_SITES
#define weft_sleep(...) WEFT__AT(weft_sleep(__VA_ARGS__))
#define weft_sleep_until(...) WEFT__AT(weft_sleep_until(__VA_ARGS__))
#endif

#ifdef __cplusplus
}
#endif
#endif
