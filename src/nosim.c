/* src/nosim.c: the simulator's public API in a build without it
 * (./configure --disable-sim), so that the same application source links
 * against either build: queries answer as under the real backend,
 * WEFT_ASSERT reports and aborts as it does there, and weft_explore
 * fails with -ENOTSUP and a message (weft_fuzz_one aborts with one);
 * WEFT_COVER marks count nothing. Compiled only when WEFT_SIM is 0. */
#include "config.h"

#include <errno.h>
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

/* The simulated network: there is none without the simulator. */
int weft_sim_host_spawn(weft_group *g, const char *name, const char *addr,
                        int (*main)(void *), void *durable) {
    (void)g;
    (void)name;
    (void)addr;
    (void)main;
    (void)durable;
    return -ENOTSUP;
}

const char *weft_sim_host_name(void) { return NULL; }

int weft_sim_partition(const char *from, const char *to, bool oneway) {
    (void)from;
    (void)to;
    (void)oneway;
    return -ENOTSUP;
}

int weft_sim_heal(const char *from, const char *to) {
    (void)from;
    (void)to;
    return -ENOTSUP;
}

int weft_sim_clog(const char *from, const char *to, weft_time duration) {
    (void)from;
    (void)to;
    (void)duration;
    return -ENOTSUP;
}

int weft_sim_spike(const char *from, const char *to, weft_time extra,
                   weft_time duration) {
    (void)from;
    (void)to;
    (void)extra;
    (void)duration;
    return -ENOTSUP;
}

int weft_sim_latency(const char *from, const char *to, weft_time min,
                     weft_time max) {
    (void)from;
    (void)to;
    (void)min;
    (void)max;
    return -ENOTSUP;
}

int weft_sim_reset(const char *a, const char *b) {
    (void)a;
    (void)b;
    return -ENOTSUP;
}

int weft_sim_crash(const char *host) {
    (void)host;
    return -ENOTSUP;
}

int weft_sim_restart(const char *host) {
    (void)host;
    return -ENOTSUP;
}

int weft_sim_faults(const char *spec) {
    (void)spec;
    return -ENOTSUP;
}
