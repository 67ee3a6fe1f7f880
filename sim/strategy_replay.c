/* sim/strategy_replay.c: "replay:S" follows a schedule string exactly
 * (sim/decision.h): at the choice numbered by a pair it takes the option
 * that many places after the default, everywhere else the default (the
 * running task when it is still runnable, else the oldest). So the empty
 * schedule "replay:" is the run without preemptions, and a failure's
 * string reproduces it with the seed (weft_random's stream) it had. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "decision.h"
#include "strategy.h"

struct replay_state {
    struct weft__sched_pair *pairs; /* owned */
    size_t npairs;
    size_t next; /* first pair not yet reached */
};

static int replay_init(void **state, uint64_t seed, const char *params) {
    (void)seed;
    if (!params) return -EINVAL;
    struct replay_state *r = calloc(1, sizeof *r);
    if (!r) return -ENOMEM;
    int rc = weft__sched_parse(params, &r->pairs, &r->npairs);
    if (rc) {
        free(r);
        return rc;
    }
    *state = r;
    return 0;
}

static size_t replay_choose(void *state, const struct weft__choice *c) {
    struct replay_state *r = state;
    size_t base = weft__choice_default(c);
    if (r->next == r->npairs || r->pairs[r->next].step != c->step) {
        return base;
    }
    return (base + r->pairs[r->next++].offset) % c->n;
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
