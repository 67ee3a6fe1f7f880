/* sim/strategy_replay.c: "replay:S" follows a schedule string exactly
 * (sim/decision.h): at the choice numbered by a pair it takes the option
 * that many places after the default, everywhere else the default (the
 * running task when it is still runnable, else the oldest). So the empty
 * schedule "replay:" is the run without preemptions, and a failure's
 * string reproduces it with the seed (weft_random's stream) it had. A
 * fault pair ("f3.1") names a fault choice by its index among them. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "decision.h"
#include "strategy.h"

/* The pairs of one kind (sim/decision.h): by step, or by fault index. */
struct pair_list {
    struct weft__sched_pair *v;
    size_t n;
    size_t next; /* first pair not yet reached */
};

struct replay_state {
    struct weft__sched_pair *pairs; /* owned: both lists point into it */
    struct pair_list steps, faults;
};

static int replay_init(void **state, uint64_t seed, const char *params) {
    (void)seed;
    if (!params) return -EINVAL;
    struct replay_state *r = calloc(1, sizeof *r);
    if (!r) return -ENOMEM;
    size_t n;
    int rc = weft__sched_parse(params, &r->pairs, &n);
    if (rc) {
        free(r);
        return rc;
    }
    /* Step pairs first, fault pairs after, each in their order. */
    size_t k = 0;
    for (size_t pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < n; i++) {
            if (r->pairs[i].fault != (pass == 1)) continue;
            struct weft__sched_pair p = r->pairs[i];
            memmove(&r->pairs[k + 1], &r->pairs[k], (i - k) * sizeof p);
            r->pairs[k++] = p;
        }
        if (pass == 0) r->steps = (struct pair_list){r->pairs, k, 0};
    }
    r->faults = (struct pair_list){r->pairs + r->steps.n, n - r->steps.n, 0};
    *state = r;
    return 0;
}

/* The offset of the pair of l at step, when it is the next one. */
static bool take(struct pair_list *l, uint64_t step, uint32_t *offset) {
    if (l->next == l->n || l->v[l->next].step != step) return false;
    *offset = l->v[l->next++].offset;
    return true;
}

static size_t replay_choose(void *state, const struct weft__choice *c) {
    struct replay_state *r = state;
    size_t base = weft__choice_default(c);
    uint32_t off = 0, foff = 0;
    bool hit = take(&r->steps, c->step, &off);
    if (c->kind == WEFT__CHOICE_FAULT && take(&r->faults, c->fstep, &foff) &&
        !hit) {
        off = foff;
        hit = true;
    }
    return hit ? (base + off) % c->n : base;
}

static void replay_fini(void *state) {
    struct replay_state *r = state;
    free(r->pairs);
    free(r);
}

static int replay_campaign_init(void **camp, const char *spec) {
    const char *params;
    weft__strategy_find(spec, &params);
    void *run;
    int rc = replay_init(&run, 0, params);
    if (rc) return rc;
    replay_fini(run);
    return weft__campaign_plain_init(camp, spec);
}

const struct weft__strategy_ops weft__strategy_replay = {
    .name = "replay",
    .init = replay_init,
    .choose = replay_choose,
    .fini = replay_fini,
    .campaign_init = replay_campaign_init,
    .next = weft__campaign_plain_next,
    .learn = weft__campaign_plain_learn,
    .describe = weft__campaign_plain_describe,
    .campaign_fini = weft__campaign_plain_fini,
};
