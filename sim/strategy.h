/* sim/strategy.h: the simulator's scheduling strategies
 * (docs/ARCHITECTURE.md "Strategies"; docs/EXPLORATION.md).
 *
 * A strategy makes every choice of a sim run through one call, choose:
 * which runnable task goes next (it sees their ids, oldest first, and
 * how the task that ran last left the CPU), which of the timers due at
 * the same instant fires first, which of a few virtual delays a
 * run_sync job takes, and the simulated network's latencies, splits and
 * faults (docs/NETWORK.md). Every answer is appended to the run's decision
 * log (sim/decision.h), which replay follows and DFS enumerates.
 *
 * A strategy has two halves. The run half (init, choose, fini) lives for
 * one weft_run and depends only on its seed and its parameter text, so
 * a run is reproduced by (seed, strategy string). The campaign half
 * (campaign_init, next, learn, campaign_fini) lives for a whole
 * exploration: it writes the strategy string of each run (pct puts the
 * step estimate it learnt into it, dfs the schedule it wants next) and
 * learns from each run's decision log. */
#ifndef WEFT_STRATEGY_H
#define WEFT_STRATEGY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct weft__dlog;

/* What a choice is about, as X(identifier, "name"). */
#define WEFT_CHOICE_MAP(X)                                                   \
    X(TASK, "task")   /* the runnable task to run next */                    \
    X(TIMER, "timer") /* which of n timers due at one instant fires first */ \
    X(DELAY, "delay") /* a run_sync completion delay, one of n */       \
    X(NET, "net")     /* a network latency or segment split (sim/net*) */  \
    X(FAULT, "fault") /* a seed-chosen network fault, 0: none */

enum weft__choice_kind {
#define ENUM(id, name) WEFT__CHOICE_##id,
    WEFT_CHOICE_MAP(ENUM)
#undef ENUM
};

/* How the task that ran last left the CPU, as X(identifier, "name"). */
#define WEFT_LEFT_MAP(X)                                                  \
    X(NONE, "none")   /* nothing ran yet */                               \
    X(POINT, "point") /* a schedule point: it is still runnable */        \
    X(YIELD, "yield") /* weft_yield: still runnable, lets others run */   \
    X(BLOCK, "block") /* it parked */                                     \
    X(END, "end")     /* it ended */

enum weft__left {
#define ENUM(id, name) WEFT__LEFT_##id,
    WEFT_LEFT_MAP(ENUM)
#undef ENUM
};

/* One choice among n >= 2 options. */
struct weft__choice {
    enum weft__choice_kind kind;
    size_t n;
    /* TASK: the id of the i-th runnable task, oldest first (ids are
     * stable: they count up from 1 in creation order). */
    uint64_t (*id)(const struct weft__choice *c, size_t i);
    const void *ctx;       /* for id */
    uint64_t last_id;      /* TASK: the task that ran last (0: none) */
    enum weft__left left;  /* TASK: how it left */
    size_t stay;           /* TASK: its index in ids when it is still
                              runnable (POINT, YIELD: the choice that is
                              no preemption); else n */
    uint64_t step;         /* index of this choice in the run's log */
    uint64_t fstep;        /* FAULT: its index among the run's fault
                              choices (sim/decision.h, "f" pairs) */
};

struct weft__strategy_ops {
    const char *name;
    /* Run half. Allocates *run for a run with seed and the text after
     * "name:" (NULL when absent). 0, -EINVAL (bad params) or -ENOMEM. */
    int (*init)(void **run, uint64_t seed, const char *params);
    /* The option in [0, c->n) to take. */
    size_t (*choose)(void *run, const struct weft__choice *c);
    void (*fini)(void *run);
    /* Campaign half. spec is the whole string ("pct:3"); validates it.
     * 0, -EINVAL or -ENOMEM. */
    int (*campaign_init)(void **camp, const char *spec);
    /* Writes the strategy string of the next run (seed chosen by the
     * campaign). 0; 1 when the strategy has nothing left to explore
     * (dfs covered its space); -ENOSPC when buf is too small. */
    int (*next)(void *camp, uint64_t seed, char *buf, size_t n);
    /* The run of the last next() ended with this decision log. */
    void (*learn)(void *camp, const struct weft__dlog *log);
    /* A one-line account of what the campaign covered ("" if nothing
     * to say), e.g. dfs's "space covered: 12 schedules". */
    void (*describe)(void *camp, char *buf, size_t n);
    void (*campaign_fini)(void *camp);
    /* Every run of a campaign uses its first seed (dfs: the schedules
     * differ, weft_random's stream must not), and the campaign ends by
     * itself (next returns 1). */
    bool one_seed;
};

/* Every strategy, as X(identifier, "name", "its form for messages"). */
#define WEFT_STRATEGY_MAP(X)                                      \
    X(random, "random", "random")                                 \
    X(pct, "pct", "pct:D (D 1-32, optional :k=K)")                \
    X(dfs, "dfs", "dfs:B (B 0-16)")                               \
    X(replay, "replay", "replay:S (S a schedule string)")                 \
    X(bytes, "bytes", "bytes[:HEX] (a fuzzer's input)")

/* The strategy named by spec ("name" or "name:params"), setting *params
 * to the text after ':' or NULL; NULL when no strategy has that name. */
const struct weft__strategy_ops *weft__strategy_find(const char *spec,
                                                     const char **params);

/* "random, pct:D (...), ...": what is accepted, for error messages. */
const char *weft__strategy_names(void);

/* The choice that keeps the running task: stay when it yielded, else
 * the oldest (0). Replay and DFS count choices relative to it. */
static inline size_t weft__choice_default(const struct weft__choice *c) {
    return c->kind == WEFT__CHOICE_TASK && c->stay < c->n ? c->stay : 0;
}

/* Campaign half of strategies whose runs need nothing from earlier runs
 * (random): the string is the spec itself. */
int weft__campaign_plain_init(void **camp, const char *spec);
int weft__campaign_plain_next(void *camp, uint64_t seed, char *buf,
                              size_t n);
void weft__campaign_plain_learn(void *camp, const struct weft__dlog *log);
void weft__campaign_plain_describe(void *camp, char *buf, size_t n);
void weft__campaign_plain_fini(void *camp);

#endif
