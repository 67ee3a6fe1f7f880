/* sim/strategy_dfs.c: "dfs:B", every schedule with at most B preemptions
 * in depth-first order, by iterative context bounding (Musuvathi and
 * Qadeer, PLDI 2007, as in CHESS): all schedules with no preemption,
 * then with at most 1, ... up to B, so a bug is first met on one of its
 * least-preempted schedules.
 *
 * Stateless: the campaign keeps the path of the last run (options and
 * offsets, sim/decision.h) and asks for the next one as a replay string:
 * the deepest choice that still has an untried option within the bound
 * moves to it, every later choice takes its default. When no choice is
 * left at bound B the space is covered. Only the campaign half is dfs's
 * own; a lone run of "dfs:B" is the run without preemptions. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decision.h"
#include "strategy.h"

#define MAX_BOUND 16

/* "B" into *bound. 0 or -EINVAL. */
static int parse(const char *params, unsigned *bound) {
    if (!params) return -EINVAL;
    char *end;
    unsigned long b = strtoul(params, &end, 10);
    if (end == params || *end || b > MAX_BOUND) return -EINVAL;
    *bound = (unsigned)b;
    return 0;
}

static int dfs_init(void **state, uint64_t seed, const char *params) {
    unsigned bound;
    (void)seed;
    if (parse(params, &bound)) return -EINVAL;
    *state = NULL;
    return 0;
}

static size_t dfs_choose(void *state, const struct weft__choice *c) {
    (void)state;
    return weft__choice_default(c);
}

static void dfs_fini(void *state) { (void)state; }

struct dfs_campaign {
    unsigned bound;    /* B */
    unsigned current;  /* the bound of this iteration */
    struct weft__dlog path; /* the next run's forced prefix (offsets) */
    size_t depth;      /* entries of path that are forced */
    uint64_t runs;
    bool done;
};

static int dfs_campaign_init(void **camp, const char *spec) {
    const char *params;
    weft__strategy_find(spec, &params);
    unsigned bound;
    if (parse(params, &bound)) return -EINVAL;
    struct dfs_campaign *c = calloc(1, sizeof *c);
    if (!c) return -ENOMEM;
    c->bound = bound;
    *camp = c;
    return 0;
}

static int dfs_next(void *camp, uint64_t seed, char *buf, size_t n) {
    struct dfs_campaign *c = camp;
    (void)seed;
    if (c->done) return 1;
    if (n < 8) return -ENOSPC;
    memcpy(buf, "replay:", 8);
    return weft__dlog_format(&c->path, c->depth, buf + 7, n - 7);
}

/* The deepest entry of log that can move to its next option with the
 * preemptions before it still within bound; -1 when none. */
static long deepest_branch(const struct weft__dlog *log, unsigned bound) {
    size_t before = weft__dlog_preemptions(log);
    for (size_t i = log->n; i-- > 0;) {
        const struct weft__decision *d = &log->d[i];
        before -= d->preempt;
        uint32_t off = weft__decision_offset(d);
        if (off + 1 < d->n && before + d->stay <= bound) return (long)i;
    }
    return -1;
}

static void dfs_learn(void *camp, const struct weft__dlog *log) {
    struct dfs_campaign *c = camp;
    c->runs++;
    c->path.n = 0;
    for (size_t i = 0; i < log->n; i++) {
        if (!weft__dlog_push(&c->path, &log->d[i])) {
            c->done = true; /* out of memory: stop, not covered */
            return;
        }
    }
    long i = deepest_branch(&c->path, c->current);
    if (i >= 0) {
        struct weft__decision *d = &c->path.d[i];
        d->pick = (d->pick + 1) % d->n;
        d->preempt = d->stay && d->pick != d->base;
        c->depth = (size_t)i + 1;
    } else if (c->current < c->bound) {
        c->current++;
        c->depth = 0;
    } else {
        c->done = true;
    }
}

static void dfs_describe(void *camp, char *buf, size_t n) {
    struct dfs_campaign *c = camp;
    snprintf(buf, n, "dfs: every schedule with at most %u preemption(s) "
                     "%s (%llu runs over bounds 0..%u)",
             c->bound, c->done ? "covered completely" : "NOT covered",
             (unsigned long long)c->runs, c->current);
}

static void dfs_campaign_fini(void *camp) {
    struct dfs_campaign *c = camp;
    weft__dlog_free(&c->path);
    free(c);
}

const struct weft__strategy_ops weft__strategy_dfs = {
    .name = "dfs",
    .init = dfs_init,
    .choose = dfs_choose,
    .fini = dfs_fini,
    .campaign_init = dfs_campaign_init,
    .next = dfs_next,
    .learn = dfs_learn,
    .describe = dfs_describe,
    .campaign_fini = dfs_campaign_fini,
    .one_seed = true,
};
