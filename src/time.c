/* src/time.c: the clock, sleeps, checkpoints and weft_random (docs/GUIDE.md
 * "Checkpoints"). Sleeping is a park on no queue with a
 * deadline: the one wait primitive again. */
#include "config.h"

#include <sys/random.h>
#include <time.h>

#include "prng.h"
#include "sched.h"
#include "trace.h"
#include "weft/time.h"

weft_time weft_now(void) {
    struct weft__rt *rt = weft__rt_current();
    if (rt) return rt->backend->now(rt);
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (weft_time)ts.tv_sec * WEFT_SEC + ts.tv_nsec;
}

int weft_sleep_until(weft_time deadline) {
    struct weft__rt *rt = weft__rt_current();
    weft__task_current("weft_sleep");
    if (deadline <= rt->backend->now(rt)) return weft_yield();
    struct weft__wait w;
    int rc = weft__park(NULL, &w, deadline, 0);
    return rc == -ETIMEDOUT ? 0 : rc;
}

int weft_sleep(weft_time duration) {
    if (duration <= 0) return weft_yield();
    weft_time now = weft_now();
    if (duration >= WEFT_NEVER - now) return weft_sleep_until(WEFT_NEVER);
    return weft_sleep_until(now + duration);
}

int weft_yield(void) { return weft__yield(); }

void weft_sched_point(const char *label) {
    struct weft__rt *rt = weft__rt_current();
    if (rt && rt->current) weft__trace_label(rt, label);
    if (rt && rt->current && rt->backend->sched_points) {
        /* the caller's address: each schedule point a site of its own */
        rt->current->site = (uintptr_t)__builtin_return_address(0);
        weft__reschedule();
    }
}

/* Outside a runtime: a per-thread stream seeded from the kernel. */
static __thread uint64_t outside_state[4];
static __thread bool outside_seeded;

uint64_t weft_random(void) {
    struct weft__rt *rt = weft__rt_current();
    if (rt) return weft__xoshiro_next(rt->rand_state);
    if (!outside_seeded) {
        uint64_t seed = 0;
        if (getrandom(&seed, sizeof seed, 0) != sizeof seed) {
            seed = (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)&seed;
        }
        weft__xoshiro_seed(outside_state, seed);
        outside_seeded = true;
    }
    return weft__xoshiro_next(outside_state);
}
