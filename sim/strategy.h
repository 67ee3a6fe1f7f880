/* sim/strategy.h: the simulator's scheduling strategies (docs/ARCHITECTURE.md
 * "Strategies"). A strategy makes every choice of a
 * sim run: which runnable task goes next, and the draws that order
 * timers due at the same instant. The explorer (a later issue) adds
 * pct:D, dfs:B and replay:S behind this same interface. */
#ifndef WEFT_STRATEGY_H
#define WEFT_STRATEGY_H

#include <stddef.h>
#include <stdint.h>

struct weft__strategy_ops {
    const char *name;
    /* Allocates *state for a run with seed and the text after "name:"
     * (NULL when absent). 0, -EINVAL (bad params) or -ENOMEM. */
    int (*init)(void **state, uint64_t seed, const char *params);
    /* Index in [0, n), n >= 2, of the runnable task to run next; tasks
     * are counted from the one runnable longest. */
    size_t (*choose)(void *state, size_t n);
    /* A 64-bit draw (timer tie-breaks). */
    uint64_t (*draw)(void *state);
    void (*fini)(void *state);
};

/* Every strategy, as X(identifier, "name"). */
#define WEFT_STRATEGY_MAP(X) X(random, "random")

/* The strategy named by spec ("name" or "name:params"), setting *params
 * to the text after ':' or NULL; NULL when no strategy has that name. */
const struct weft__strategy_ops *weft__strategy_find(const char *spec,
                                                     const char **params);

/* "random" and so on, for error messages. */
const char *weft__strategy_names(void);

#endif
