/* sim/strategy_random.c: the "random" strategy: every choice uniform
 * from one xoshiro256** stream seeded by splitmix64(seed). */
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

static size_t random_choose(void *state, size_t n) {
    struct random_state *r = state;
    return weft__xoshiro_below(r->s, n);
}

static uint64_t random_draw(void *state) {
    struct random_state *r = state;
    return weft__xoshiro_next(r->s);
}

static void random_fini(void *state) { free(state); }

const struct weft__strategy_ops weft__strategy_random = {
    .name = "random",
    .init = random_init,
    .choose = random_choose,
    .draw = random_draw,
    .fini = random_fini,
};
