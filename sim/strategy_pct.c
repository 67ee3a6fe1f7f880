/* sim/strategy_pct.c: "pct:D" and "pct:D:k=K", Probabilistic Concurrency
 * Testing (Burckhardt, Kothari, Musuvathi, Nagarakatte, ASPLOS 2010).
 *
 * Each task gets a distinct random priority when first seen; the highest
 * priority runnable task always runs. D-1 change points are drawn
 * uniformly among the first K task choices; at change point j the task
 * about to run drops to priority j, below every initial one. For a
 * program with n tasks and K steps, a bug that needs D events in order
 * is hit by one run with probability at least 1/(n * K^(D-1)).
 *
 * Two departures keep it usable on real programs. K is not known before
 * a run: a campaign sets it to the most task choices any earlier run
 * made and writes it into the run's strategy string ("pct:3:k=57"), so a
 * run replays by seed; a run without k uses K = 100. And a task that
 * calls weft_yield (a polling loop) drops below every other task, those
 * lowered by change points included (the latest yielder lowest), or a
 * poller with the top priority would starve the task it waits for. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decision.h"
#include "prng.h"
#include "strategy.h"

#define DEFAULT_K 100
#define MAX_DEPTH 32
#define INITIAL_BASE (UINT64_C(1) << 62) /* initial priorities above */
#define CHANGE_BASE (UINT64_C(1) << 61)  /* change point j: CHANGE_BASE + j */
#define YIELD_BASE (UINT64_C(1) << 60)   /* yielders from here down */

struct pct_state {
    uint64_t rng[4];
    unsigned depth;
    uint64_t change[MAX_DEPTH]; /* task-choice numbers, depth - 1 used */
    uint64_t *prio;             /* owned: by task id, 0: not seen yet */
    size_t nprio;
    uint64_t low;               /* next priority for a yielder */
    uint64_t ntask_choices;
};

/* "D" or "D:k=K" into *depth, *k (0 when absent). 0 or -EINVAL. */
static int parse(const char *params, unsigned *depth, uint64_t *k) {
    if (!params) return -EINVAL;
    char *end;
    unsigned long d = strtoul(params, &end, 10);
    if (end == params || d < 1 || d > MAX_DEPTH) return -EINVAL;
    *k = 0;
    if (*end == '\0') {
        *depth = (unsigned)d;
        return 0;
    }
    if (strncmp(end, ":k=", 3) != 0) return -EINVAL;
    const char *ks = end + 3;
    unsigned long long kv = strtoull(ks, &end, 10);
    if (end == ks || *end || kv < 1 || kv > 1000000000ULL) return -EINVAL;
    *depth = (unsigned)d;
    *k = kv;
    return 0;
}

static int pct_init(void **state, uint64_t seed, const char *params) {
    unsigned depth;
    uint64_t k;
    if (parse(params, &depth, &k)) return -EINVAL;
    struct pct_state *p = calloc(1, sizeof *p);
    if (!p) return -ENOMEM;
    weft__xoshiro_seed(p->rng, seed);
    p->depth = depth;
    if (!k) k = DEFAULT_K;
    for (unsigned j = 0; j + 1 < depth; j++) {
        p->change[j] = weft__xoshiro_below(p->rng, (size_t)k);
    }
    p->low = YIELD_BASE;
    *state = p;
    return 0;
}

/* The priority of task id, drawn the first time it is seen; 0 on OOM. */
static uint64_t *prio_of(struct pct_state *p, uint64_t id) {
    if (id >= p->nprio) {
        size_t n = p->nprio ? p->nprio : 16;
        while (n <= id) n *= 2;
        uint64_t *v = realloc(p->prio, n * sizeof *v);
        if (!v) return NULL;
        memset(v + p->nprio, 0, (n - p->nprio) * sizeof *v);
        p->prio = v;
        p->nprio = n;
    }
    if (!p->prio[id]) {
        p->prio[id] = INITIAL_BASE + (weft__xoshiro_next(p->rng) >> 2);
    }
    return &p->prio[id];
}

static size_t highest(struct pct_state *p, const struct weft__choice *c) {
    size_t best = 0;
    uint64_t bestp = 0;
    for (size_t i = 0; i < c->n; i++) {
        uint64_t *q = prio_of(p, c->id(c, i));
        uint64_t v = q ? *q : 0;
        if (v > bestp) {
            bestp = v;
            best = i;
        }
    }
    return best;
}

static size_t pct_choose(void *state, const struct weft__choice *c) {
    struct pct_state *p = state;
    if (c->kind != WEFT__CHOICE_TASK) {
        return weft__xoshiro_below(p->rng, c->n);
    }
    if (c->left == WEFT__LEFT_YIELD && c->stay < c->n) {
        uint64_t *q = prio_of(p, c->last_id);
        if (q) *q = p->low--;
    }
    size_t i = highest(p, c);
    uint64_t step = p->ntask_choices++;
    for (unsigned j = 0; j + 1 < p->depth; j++) {
        if (p->change[j] != step) continue;
        uint64_t *q = prio_of(p, c->id(c, i));
        if (q) *q = CHANGE_BASE + j; /* below every initial priority */
        i = highest(p, c);
    }
    return i;
}

static void pct_fini(void *state) {
    struct pct_state *p = state;
    free(p->prio);
    free(p);
}

/* The campaign: the depth, a k fixed by the spec (0: learnt), and the
 * most task choices seen in a run so far. */
struct pct_campaign {
    unsigned depth;
    uint64_t fixed_k;
    uint64_t seen_k;
};

static int pct_campaign_init(void **camp, const char *spec) {
    const char *params;
    weft__strategy_find(spec, &params);
    struct pct_campaign c;
    if (parse(params, &c.depth, &c.fixed_k)) return -EINVAL;
    c.seen_k = 0;
    struct pct_campaign *p = malloc(sizeof *p);
    if (!p) return -ENOMEM;
    *p = c;
    *camp = p;
    return 0;
}

static int pct_next(void *camp, uint64_t seed, char *buf, size_t n) {
    struct pct_campaign *c = camp;
    (void)seed;
    uint64_t k = c->fixed_k ? c->fixed_k : c->seen_k ? c->seen_k : DEFAULT_K;
    int w = snprintf(buf, n, "pct:%u:k=%llu", c->depth, (unsigned long long)k);
    return w < 0 || (size_t)w >= n ? -ENOSPC : 0;
}

static void pct_learn(void *camp, const struct weft__dlog *log) {
    struct pct_campaign *c = camp;
    uint64_t k = 0;
    for (size_t i = 0; i < log->n; i++) {
        k += log->d[i].kind == WEFT__CHOICE_TASK;
    }
    if (k > c->seen_k) c->seen_k = k;
}

const struct weft__strategy_ops weft__strategy_pct = {
    .name = "pct",
    .init = pct_init,
    .choose = pct_choose,
    .fini = pct_fini,
    .campaign_init = pct_campaign_init,
    .next = pct_next,
    .learn = pct_learn,
    .describe = weft__campaign_plain_describe,
    .campaign_fini = free,
};
