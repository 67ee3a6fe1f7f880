/* tests/soak/run.c: runs one plan under the simulator. The root task opens
 * a group, starts each workload in a runner task (a watchdog scope, then
 * the workload's own scope) and a chaos task that cancels scopes of the
 * run's pool at random, live or already exited; then it joins. Also the
 * model of cancellation every workload checks results against: a
 * -ECANCELED must be explained by a node of the caller's chain that the
 * soak cancelled or whose deadline passed. Invariant: every pool scope
 * stays in memory until the run ends, so cancelling it is always legal. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "soak.h"

/* Far beyond what any workload needs (virtual time): a workload that
 * reaches it waited for something that never came. */
#define SK_WATCHDOG (3600 * WEFT_SEC)

static sk_workload *const workloads[WL_NKINDS] = {
    wl_tree, wl_lock, wl_sem, wl_limiter, wl_event, wl_cond, wl_queue,
    wl_pqueue, wl_patterns, wl_completions, wl_runsync, wl_leak, wl_deep,
    wl_start_cancelled, wl_null_fn, wl_deadlock, wl_misuse,
};

void sk_fail(struct soak *sk, const char *file, int line, const char *fmt,
             ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "soak: seed %llu: %s:%d: invariant broken: ",
            (unsigned long long)sk->plan->seed, file, line);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " (t=%lld ns)\n", (long long)weft_now());
    va_end(ap);
    sk->failures++;
}

bool sk_explained(const struct sk_node *n) {
    weft_time now = weft_now();
    for (; n; n = n->parent) {
        if (n->cancelled || now >= n->deadline) return true;
        if (n->shield) return false;
    }
    return false;
}

uint64_t sk_rand(uint64_t n) { return n ? weft_random() % n : 0; }

int sk_pause(void) {
    switch (sk_rand(4)) {
    case 0: return weft_yield();
    case 1: return weft_sleep((weft_time)sk_rand(500) * WEFT_USEC);
    case 2: weft_sched_point("soak"); return 0;
    default: return weft_sleep(0);
    }
}

static void enter(struct sk_ctx *c, struct sk_scope *sc, weft_time rel,
                  unsigned flags) {
    weft_time now = weft_now();
    sc->n.parent = c->top;
    sc->n.deadline = rel == WEFT_NEVER ? WEFT_NEVER : now + (rel > 0 ? rel : 0);
    sc->n.shield = flags & WEFT_SHIELD;
    sc->n.cancelled = false;
    sc->live = true;
    c->top = &sc->n;
    weft_scope_enter(&sc->s, sc->n.deadline, flags);
}

struct sk_scope *sk_enter(struct sk_ctx *c, weft_time rel, unsigned flags) {
    struct soak *sk = c->sk;
    struct sk_scope *sc;
    if (sk->npool < SK_POOL) {
        sc = &sk->pool[sk->npool++];
    } else {
        sc = calloc(1, sizeof *sc);
        if (!sc) abort();
        sc->heap = true;
    }
    enter(c, sc, rel, flags);
    return sc;
}

static int leave(struct sk_ctx *c, struct sk_scope *sc, int rc) {
    c->top = sc->n.parent;
    sc->live = false;
    return weft_scope_exit(&sc->s, rc);
}

int sk_exit(struct sk_ctx *c, struct sk_scope *sc, int rc) {
    int out = leave(c, sc, rc);
    if (sc->heap) free(sc);
    return out;
}

struct sk_scope *sk_op_begin(struct sk_ctx *c) {
    if (sk_rand(2)) return NULL;
    weft_time rel = sk_rand(3) ? (weft_time)sk_rand(3000) * WEFT_USEC
                               : WEFT_NEVER;
    unsigned flags = sk_rand(8) == 0 ? WEFT_SHIELD : 0;
    /* A shield without a deadline could wait for a counterpart that the
     * cancellation it keeps out has stopped (a put with no getter left). */
    if (flags && rel == WEFT_NEVER) rel = (weft_time)sk_rand(3000) * WEFT_USEC;
    if (sk_rand(4) == 0) flags |= WEFT_FAIL;
    return sk_enter(c, rel, flags);
}

void sk_op_end(struct sk_ctx *c, struct sk_scope *sc, int rc) {
    if (!sc) return;
    bool fail = sc->s.flags & WEFT_FAIL;
    int out = sk_exit(c, sc, rc);
    if (rc != -ECANCELED) {
        SK_CHECK(c, out == rc);
    } else {
        SK_CHECK(c, out == 0 || out == -ECANCELED ||
                        (fail && out == -ETIMEDOUT));
    }
}

void sk_group_init(struct sk_ctx *c, struct sk_group *g) {
    g->n.parent = c->top;
    g->n.deadline = WEFT_NEVER;
    g->n.shield = false;
    g->n.cancelled = false;
    c->top = &g->n;
    SK_CHECK(c, weft_group_init(&g->g) == 0);
}

int sk_group_join(struct sk_ctx *c, struct sk_group *g) {
    int rc = weft_group_join(&g->g);
    c->top = g->n.parent;
    return rc;
}

struct sk_ctx sk_child(const struct sk_ctx *c, struct sk_group *g) {
    struct sk_ctx child = *c;
    child.top = &g->n;
    return child;
}

/* ---- the root, the runners and the chaos task ---- */

struct runner {
    struct sk_ctx ctx; /* hangs off the root group */
    const struct sk_wl *wl;
};

/* Workloads that chaos must not reach: cond waiters when cond-cancel is
 * off, and the programs that must end in a deadlock or a misuse. */
static bool chaos_proof(const struct soak *sk, const struct sk_wl *wl) {
    if (wl->kind == WL_DEADLOCK || wl->kind == WL_MISUSE) return true;
    return wl->kind == WL_COND && !(sk->plan->features & SK_F_COND_CANCEL);
}

static int runner(void *arg) {
    struct runner *r = arg;
    struct sk_ctx c = r->ctx;
    c.wl = r->wl;
    bool ending = r->wl->kind == WL_DEADLOCK || r->wl->kind == WL_MISUSE;
    struct sk_scope wd, own, *sc = NULL;
    if (!ending) enter(&c, &wd, SK_WATCHDOG, 0);
    unsigned flags = r->wl->shield ? WEFT_SHIELD : 0;
    if (chaos_proof(c.sk, r->wl)) {
        enter(&c, &own, r->wl->deadline, flags);
    } else {
        sc = sk_enter(&c, r->wl->deadline, flags);
    }
    workloads[r->wl->kind](&c);
    SK_CHECK(&c, (sc ? sk_exit(&c, sc, 0) : leave(&c, &own, 0)) == 0);
    if (!ending) {
        leave(&c, &wd, 0);
        if (weft_scope_cancel_caught(&wd.s)) {
            sk_fail(c.sk, __FILE__, __LINE__, "workload %s hung (watchdog)",
                    sk_kind_names[r->wl->kind]);
        }
    }
    return 0;
}

/* Cancels pool scopes at random, half of the time the one that exited
 * last (when cancel-exited is on), else any live one. */
static int chaos(void *arg) {
    struct soak *sk = arg;
    bool exited_too = sk->plan->features & SK_F_CANCEL_EXITED;
    for (int i = 0; i < sk->plan->chaos_rounds; i++) {
        weft_sleep((weft_time)sk_rand(3000) * WEFT_USEC);
        if (sk->npool == 0) continue;
        struct sk_scope *sc = &sk->pool[sk_rand(sk->npool)];
        if (!sc->live && !exited_too) continue;
        if (sc->live) sc->n.cancelled = true;
        weft_scope_cancel(&sc->s);
    }
    return 0;
}

static int root(void *arg) {
    struct soak *sk = arg;
    const struct sk_plan *p = sk->plan;
    struct sk_ctx c = {sk, NULL, NULL};
    struct sk_group g;
    struct runner rs[SK_MAXWL];
    sk_group_init(&c, &g);
    for (int i = 0; i < p->nwl; i++) {
        rs[i].ctx = sk_child(&c, &g);
        rs[i].wl = &p->wl[i];
        SK_CHECK(&c, weft_spawn(&g.g, sk_kind_names[p->wl[i].kind], runner,
                                &rs[i]) == 0);
    }
    if (p->chaos_rounds) {
        SK_CHECK(&c, weft_spawn(&g.g, "chaos", chaos, sk) == 0);
    }
    SK_CHECK(&c, sk_group_join(&c, &g) == 0);
    weft_group_destroy(&g.g);
    return 0;
}

/* How the run ended against the plan; the leak count must match the
 * objects left on returned stacks (weft_leaks after weft_run). */
static void check_end(struct soak *sk, int rc) {
    const struct sk_plan *p = sk->plan;
    if (p->expect == SK_EXPECT_MISUSE) {
        sk_fail(sk, __FILE__, __LINE__, "the misuse did not abort (rc %d)",
                rc);
    } else if (p->expect == SK_EXPECT_DEADLOCK) {
        if (rc != -EDEADLK) {
            sk_fail(sk, __FILE__, __LINE__, "weft_run = %d, want -EDEADLK",
                    rc);
        }
    } else if (rc != 0) {
        sk_fail(sk, __FILE__, __LINE__, "weft_run = %d, want 0", rc);
    } else if (weft_leaks(NULL, 0) != sk->leaks_made) {
        sk_fail(sk, __FILE__, __LINE__, "%zu leak(s) reported, %zu made",
                weft_leaks(NULL, 0), sk->leaks_made);
    }
}

int sk_run_plan(const struct sk_plan *p) {
    struct soak *sk = calloc(1, sizeof *sk);
    if (!sk) return 1;
    sk->plan = p;
    weft_config cfg;
    weft_config_init(&cfg);
    cfg.backend = WEFT_BACKEND_SIM;
    cfg.seed = p->seed;
    int rc = weft_run(&cfg, root, sk);
    check_end(sk, rc);
    int failed = sk->failures != 0;
    free(sk);
    return failed;
}
