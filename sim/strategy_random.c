/* sim/strategy_random.c: the "random" strategy: every choice uniform
 * among its options, from one xoshiro256** stream seeded by
 * splitmix64(seed). Runs are independent: the campaign half is plain. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "prng.h"
#include "strategy.h"

struct random_state {
    uint64_t s[4];
};

static int random_init(void **state, uint64_t seed, const char *params) {
    if (params) return -EINVAL; /* "random" takes no parameters */
    struct random_state *r = malloc(sizeof *r);
    if (!r) return -ENOMEM;
    weft__xoshiro_seed(r->s, seed);
    *state = r;
    return 0;
}

static size_t random_choose(void *state, const struct weft__choice *c) {
    struct random_state *r = state;
    return weft__xoshiro_below(r->s, c->n);
}

static void random_fini(void *state) { free(state); }

static int random_campaign_init(void **camp, const char *spec) {
    const char *params;
    weft__strategy_find(spec, &params);
    if (params) return -EINVAL;
    return weft__campaign_plain_init(camp, spec);
}

const struct weft__strategy_ops weft__strategy_random = {
    .name = "random",
    .init = random_init,
    .choose = random_choose,
    .fini = random_fini,
    .campaign_init = random_campaign_init,
    .next = weft__campaign_plain_next,
    .learn = weft__campaign_plain_learn,
    .describe = weft__campaign_plain_describe,
    .campaign_fini = weft__campaign_plain_fini,
};
