/* src/nosim.c: the simulator's public API in a build without it
 * (./configure --disable-sim), so that the same application source links
 * against either build: queries answer as under the real backend,
 * WEFT_ASSERT reports and aborts as it does there, and weft_explore
 * fails with -ENOTSUP and a message (weft_fuzz_one aborts with one);
 * WEFT_COVER marks count nothing. Compiled only when WEFT_SIM is 0. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched.h"
#include "trace.h"
#include "weft/buggify.h"
#include "weft/fuzz.h"
#include "weft/sim.h"

const char *weft_failure_name(weft_failure kind) {
    static const char *const names[] = {
#define NAME(id, name) name,
        WEFT_FAILURE_MAP(NAME)
#undef NAME
    };
    return (unsigned)kind < WEFT_FAILURE_COUNT ? names[kind] : "?";
}

void weft_explore_opts_init(weft_explore_opts *o) {
    memset(o, 0, sizeof *o);
    o->seed_first = 1;
    o->seed_count = 100;
    o->strategy = "random";
}

int weft_explore(const weft_explore_opts *o, int (*main_fn)(void *),
                 void *arg, weft_explore_result *res) {
    (void)o;
    (void)main_fn;
    (void)arg;
    (void)res;
    fprintf(stderr, "weft_explore: the simulator is not in this build of "
                    "weft: it was configured with --disable-sim\n");
    return -ENOTSUP;
}

uint64_t weft_seed(void) { return 0; }

const char *weft_backend(void) {
    const struct weft__rt *rt = weft__rt_current();
    return rt ? rt->backend->name : NULL;
}

const char *weft_strategy(void) { return NULL; }

void weft_assert_fail(const char *expr, const char *file, int line) {
    char what[200];
    snprintf(what, sizeof what, "WEFT_ASSERT(%s)", expr);
    weft__trace_abort(WEFT_EV_ASSERT, what, file, line); /* and flushed */
    fprintf(stderr, "weft: WEFT_ASSERT(%s) failed at %s:%d\n", expr, file,
            line);
    abort();
}

/* WEFT_COVER counts only for an explorer, which this build has not. */
void weft_cover_hit(const char *label) { (void)label; }

int weft_fuzz_one(const uint8_t *data, size_t size, int (*main_fn)(void *),
                  void *arg, unsigned char *counters, size_t n) {
    (void)data;
    (void)size;
    (void)main_fn;
    (void)arg;
    (void)counters;
    (void)n;
    fprintf(stderr, "weft_fuzz_one: the simulator is not in this build of "
                    "weft: it was configured with --disable-sim\n");
    abort();
}
