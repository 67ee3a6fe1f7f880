/* sim/buggify.c: WEFT_BUGGIFY's decisions (weft/buggify.h). A sim run
 * begins a per-thread state from its seed and its "E/F" setting: a call
 * site (file, line) is enabled for the run when a hash of (seed, site)
 * falls below E percent, and an enabled site fires when the next draw
 * of the run's own buggify stream falls below F percent. Both depend on
 * the seed and the order the run reaches its sites, which the schedule
 * fixes: a run replays its faults. weft__sim_live counts the sim runs
 * under way in the process, so outside them the macro is one test. */
#include "config.h"

#include "buggify.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prng.h"
#include "weft/buggify.h"

#define PERCENT_ENABLE 25 /* FoundationDB's: a quarter of the sites... */
#define PERCENT_FIRE 25   /* ...each firing a quarter of the times */

int weft__sim_live;

struct buggify_run {
    bool on;
    unsigned enable, fire; /* percents */
    uint64_t seed;
    uint64_t s[4]; /* the run's stream of fire draws */
};

static __thread struct buggify_run run;

static bool percent(const char *s, const char **end, unsigned *out) {
    char *e;
    errno = 0;
    unsigned long v = strtoul(s, &e, 10);
    if (errno || e == s || *s == '-' || *s == '+' || v > 100) return false;
    *out = (unsigned)v;
    *end = e;
    return true;
}

int weft__buggify_parse(const char *spec, unsigned *enable, unsigned *fire) {
    *enable = PERCENT_ENABLE;
    *fire = PERCENT_FIRE;
    if (!spec) return 0;
    if (!strcmp(spec, "off")) {
        *enable = *fire = 0;
        return 0;
    }
    const char *e;
    if (!percent(spec, &e, enable) || *e != '/' ||
        !percent(e + 1, &e, fire) || *e) {
        return -EINVAL;
    }
    return 0;
}

void weft__buggify_begin(uint64_t seed, const char *spec) {
    weft__buggify_parse(spec, &run.enable, &run.fire); /* checked before */
    run.on = run.enable && run.fire;
    run.seed = seed;
    uint64_t x = seed ^ UINT64_C(0x4255474759465931); /* "BUGGYFY1" */
    weft__xoshiro_seed(run.s, weft__splitmix64(&x));
    __atomic_add_fetch(&weft__sim_live, 1, __ATOMIC_RELAXED);
}

void weft__buggify_end(void) {
    run.on = false;
    __atomic_sub_fetch(&weft__sim_live, 1, __ATOMIC_RELAXED);
}

/* FNV-1a of the file name and the line, mixed with the seed: the same
 * site has the same hash in every build of the same source. */
static uint64_t site_hash(uint64_t seed, const char *file, int line) {
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (const char *p = file; *p; p++) {
        h = (h ^ (unsigned char)*p) * UINT64_C(0x100000001b3);
    }
    h = (h ^ (uint64_t)(unsigned)line) * UINT64_C(0x100000001b3);
    uint64_t x = h ^ seed;
    return weft__splitmix64(&x);
}

int weft_buggify_fire(const char *file, int line) {
    if (!run.on || !file) return 0; /* a real run while a sim one runs */
    if (site_hash(run.seed, file, line) % 100 >= run.enable) return 0;
    return weft__xoshiro_below(run.s, 100) < run.fire;
}
