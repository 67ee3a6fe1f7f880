/* tests/soak/soak.h: the soak (docs/TESTING.md): random programs over the
 * whole public API, one per sim seed, with invariants checked as they
 * run. A plan (plan.c) is drawn from the seed number alone, so the driver
 * (driver.c) knows what each seed must end with; run.c runs a plan under
 * the simulator, and the workloads (wl_*.c) draw their finer choices from
 * weft_random(), which replays with the seed. */
#ifndef WEFT_SOAK_H
#define WEFT_SOAK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <weft.h>

/* Generator features that can be switched off (--without NAME): each
 * drives one path that a known defect broke (docs/TESTING.md). */
enum {
    SK_F_RUNSYNC_DEADLINE = 1u << 0, /* cancellable run_sync vs deadline */
    SK_F_STACK_LEAK = 1u << 1,       /* objects left in returned frames */
    SK_F_CANCEL_EXITED = 1u << 2,    /* cancel scopes after their exit */
    SK_F_COMPLETIONS_MISUSE = 1u << 3, /* destroy while next() waits */
    SK_F_NULL_FN = 1u << 4,          /* spawn/start with a NULL fn */
    SK_F_START_CANCELLED = 1u << 5,  /* weft_start into a cancelled group */
    SK_F_DEEP = 1u << 6,             /* deep nesting of groups */
    SK_F_COND_CANCEL = 1u << 7,      /* cancel notified cond waiters */
    SK_F_DEADLOCK = 1u << 8,         /* programs that deadlock on purpose */
    SK_F_MISUSE = 1u << 9,           /* programs that end in a misuse */
};
#define SK_NFEATURES 10
#define SK_ALL_FEATURES ((1u << SK_NFEATURES) - 1)
/* What runs without --features: everything (every defect is fixed). */
#define SK_DEFAULT_FEATURES SK_ALL_FEATURES
extern const char *const sk_feature_names[SK_NFEATURES];

/* The workloads a plan is made of (wl_*.c). */
enum {
    WL_TREE, WL_LOCK, WL_SEM, WL_LIMITER, WL_EVENT, WL_COND, WL_QUEUE,
    WL_PQUEUE, WL_PATTERNS, WL_COMPLETIONS, WL_RUNSYNC, WL_LEAK, WL_DEEP,
    WL_START_CANCELLED, WL_NULL_FN, WL_DEADLOCK, WL_MISUSE, WL_NKINDS
};
extern const char *const sk_kind_names[WL_NKINDS];

/* How a seed must end. */
enum { SK_EXPECT_OK, SK_EXPECT_DEADLOCK, SK_EXPECT_MISUSE };

#define SK_MAXWL 6

/* One workload of a plan: its kind and size, and the scope it runs in. */
struct sk_wl {
    int kind;
    int ntasks;         /* tasks it starts, >= 1 */
    int nops;           /* operations per task, >= 1 */
    weft_time deadline; /* of its scope, relative; WEFT_NEVER: none */
    bool shield;        /* its scope shields it from the root's */
    int variant;        /* misuse: which one (sk_misuse_calls) */
};

struct sk_plan {
    uint64_t seed;
    unsigned features;
    int nwl;
    struct sk_wl wl[SK_MAXWL];
    int chaos_rounds; /* cancellations the chaos task makes */
    int expect;       /* SK_EXPECT_* */
};

/* The misuse each variant of WL_MISUSE commits: the function that must
 * abort (its name starts the message). */
#define SK_NMISUSE 4
extern const char *const sk_misuse_calls[SK_NMISUSE];

/* plan.c */
void sk_plan_make(struct sk_plan *p, uint64_t seed, unsigned features);
void sk_plan_print(const struct sk_plan *p, FILE *f);
int sk_feature_parse(const char *list, unsigned *mask);

/* run.c: runs p under sim in this process; 0 when every invariant held
 * and the run ended as planned, else 1 (messages on stderr). */
int sk_run_plan(const struct sk_plan *p);

/* ---- the model of cancellation the workloads check results against ---- */

/* A scope or group as the soak sees it: cancelled is set (before the
 * cancel call) whenever the soak cancels it or makes a task of its group
 * fail, so -ECANCELED is explained by a node of the caller's chain. */
struct sk_node {
    struct sk_node *parent;
    weft_time deadline; /* absolute; WEFT_NEVER: none */
    bool shield;
    bool cancelled;
};

/* A cancel scope from the run's pool: never reused within a run, so the
 * chaos task may cancel it even after its exit. */
struct sk_scope {
    weft_scope s;
    struct sk_node n;
    bool live;
    bool heap; /* the pool was full: malloc'ed, freed at exit */
};

struct sk_group {
    weft_group g;
    struct sk_node n;
};

#define SK_POOL 4096

struct soak {
    const struct sk_plan *plan;
    int failures;
    size_t leaks_made; /* objects left on returned stacks on purpose */
    size_t npool;
    struct sk_scope pool[SK_POOL];
};

/* What a task of a workload carries: the run and its scope chain. */
struct sk_ctx {
    struct soak *sk;
    struct sk_node *top;
    const struct sk_wl *wl;
};

void sk_fail(struct soak *sk, const char *file, int line, const char *fmt,
             ...) __attribute__((format(printf, 4, 5)));
#define SK_CHECK(c, cond)                                                      \
    do {                                                                       \
        if (!(cond)) sk_fail((c)->sk, __FILE__, __LINE__, "%s", #cond);        \
    } while (0)
/* rc must be 0 or a -ECANCELED explained by c's chain. */
#define SK_CHECK_RC(c, rc)                                                     \
    do {                                                                       \
        int rc_ = (rc);                                                        \
        if (rc_ != 0 && !(rc_ == -ECANCELED && sk_explained((c)->top)))        \
            sk_fail((c)->sk, __FILE__, __LINE__, "%s = %d", #rc, rc_);         \
    } while (0)

/* Whether a cancellation of chain n (up to its first shield) is
 * explained: a node cancelled by the soak or past its deadline. */
bool sk_explained(const struct sk_node *n);

/* Enters a pool scope in c with a relative deadline (WEFT_NEVER: none)
 * and WEFT_SHIELD / WEFT_FAIL flags; sk_exit leaves it. */
struct sk_scope *sk_enter(struct sk_ctx *c, weft_time rel, unsigned flags);
int sk_exit(struct sk_ctx *c, struct sk_scope *sc, int rc);
/* With probability 1/2 an operation scope with a random short deadline
 * (sometimes a shield), else NULL; sk_op_end takes either. */
struct sk_scope *sk_op_begin(struct sk_ctx *c);
void sk_op_end(struct sk_ctx *c, struct sk_scope *sc, int rc);

void sk_group_init(struct sk_ctx *c, struct sk_group *g);
int sk_group_join(struct sk_ctx *c, struct sk_group *g);
/* A child's context: its chain hangs off g. */
struct sk_ctx sk_child(const struct sk_ctx *c, struct sk_group *g);

/* A random pause: a yield, a sleep under 500 us or a schedule point. */
int sk_pause(void);
/* Uniform in [0, n). */
uint64_t sk_rand(uint64_t n);

/* The workloads, one entry per kind (wl_*.c). */
typedef void sk_workload(struct sk_ctx *c);
sk_workload wl_tree, wl_lock, wl_sem, wl_limiter, wl_event, wl_cond,
    wl_queue, wl_pqueue, wl_patterns, wl_completions, wl_runsync, wl_leak,
    wl_deep, wl_start_cancelled, wl_null_fn, wl_deadlock, wl_misuse;

#endif
