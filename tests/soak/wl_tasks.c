/* tests/soak/wl_tasks.c: workloads over tasks and scopes: random task
 * trees (spawn and weft_start, shields, deadlines, deliberate failures),
 * deep nesting of groups, weft_start into a cancelled group, NULL task
 * functions, objects left in returned stack frames, and a deliberate
 * deadlock. Checked: each join returns the first deliberate failure, or
 * 0, or an explained -ECANCELED; the error group holds every failure;
 * a shield keeps every outer cancellation out; leaks are counted (run.c
 * compares the count with what weft_leaks reports). */
#include <string.h>
#include <time.h>

#include "soak.h"

#define TREE_DEPTH 3
#define TREE_FANOUT 3

struct tree_task {
    struct sk_ctx c;
    struct sk_group *g; /* the group it runs in */
    int depth;
    bool failed;        /* returned -EIO on purpose */
};

static int tree_body(struct tree_task *t);

static int tree_spawned(void *arg) { return tree_body(arg); }

static int tree_started(void *arg, weft_task_status *st) {
    struct tree_task *t = arg;
    /* Until started it is cancelled with its starter: t->c.top is the
     * starter's chain, then the group's. */
    int rc = sk_pause();
    if (rc) SK_CHECK_RC(&t->c, rc);
    weft_started(st, t);
    t->c.top = &t->g->n;
    return tree_body(t);
}

static int shielded_pause(void *arg) {
    (void)arg;
    return sk_pause();
}

/* Children of t in a group of its own, joined with every check. */
static void tree_children(struct tree_task *t) {
    struct sk_group g;
    struct tree_task kids[TREE_FANOUT];
    int n = 1 + (int)sk_rand(TREE_FANOUT), nfailed = 0;
    sk_group_init(&t->c, &g);
    for (int i = 0; i < n; i++) {
        kids[i] = (struct tree_task){sk_child(&t->c, &g), &g, t->depth + 1,
                                     false};
        if (sk_rand(3) == 0) {
            kids[i].c.top = t->c.top;
            void *v = NULL;
            int rc = weft_start(&g.g, "started", tree_started, &kids[i], &v);
            SK_CHECK(&t->c, rc == 0 && v == &kids[i]);
        } else {
            SK_CHECK(&t->c, weft_spawn(&g.g, "tree", tree_spawned,
                                       &kids[i]) == 0);
        }
    }
    if (sk_rand(2)) SK_CHECK_RC(&t->c, sk_pause());
    int rc = sk_group_join(&t->c, &g);
    for (int i = 0; i < n; i++) nfailed += kids[i].failed;
    const weft_task_error *errs;
    size_t nerr = weft_group_errors(&g.g, &errs), nio = 0;
    for (size_t i = 0; i < nerr; i++) nio += errs[i].code == -EIO;
    SK_CHECK(&t->c, nio == (size_t)nfailed);
    if (nfailed) {
        SK_CHECK(&t->c, rc == -EIO);
    } else {
        SK_CHECK_RC(&t->c, rc);
    }
    weft_group_destroy(&g.g);
}

static int tree_body(struct tree_task *t) {
    for (int i = 0; i < t->c.wl->nops; i++) {
        switch (sk_rand(4)) {
        case 0: {
            struct sk_scope *op = sk_op_begin(&t->c);
            int rc = sk_pause();
            SK_CHECK_RC(&t->c, rc);
            sk_op_end(&t->c, op, rc);
            break;
        }
        case 1:
            SK_CHECK(&t->c, weft_shield(shielded_pause, NULL) == 0);
            break;
        case 2:
            if (t->depth < TREE_DEPTH) tree_children(t);
            break;
        default:
            if (t->depth > 0 && sk_rand(8) == 0) {
                t->failed = true;
                t->g->n.cancelled = true; /* the failure cancels it */
                return -EIO;
            }
        }
    }
    return 0;
}

void wl_tree(struct sk_ctx *c) {
    struct tree_task t = {*c, NULL, 0, false};
    tree_body(&t);
}

/* ---- deep nesting: a chain of tasks, each in groups nested in itself,
 * which must unwind with every join returning its expected result. */

struct deep {
    struct sk_ctx c;
    int level, nest;
};

static int deep_task(void *arg);

static void deep_nest(struct deep *d, int k) {
    struct sk_group g;
    struct deep next; /* lives until the join */
    sk_group_init(&d->c, &g);
    if (k > 0) {
        deep_nest(d, k - 1);
    } else if (d->level > 0) {
        next = (struct deep){sk_child(&d->c, &g), d->level - 1, d->nest};
        SK_CHECK(&d->c, weft_spawn(&g.g, "deep", deep_task, &next) == 0);
    }
    SK_CHECK_RC(&d->c, weft_yield());
    SK_CHECK_RC(&d->c, sk_group_join(&d->c, &g));
    weft_group_destroy(&g.g);
}

static int deep_task(void *arg) {
    struct deep *d = arg;
    deep_nest(d, d->nest);
    return 0;
}

/* Deep nesting must unwind correctly at every depth; that it unwinds
 * in linear time is checked by check_task's regression case, not here:
 * the soak asserts behaviour, never a duration. */
void wl_deep(struct sk_ctx *c) {
    int n = 250 * c->wl->ntasks, nest = (int)sk_rand(4);
    struct deep d = {*c, n, nest};
    deep_task(&d);
}

/* ---- weft_start into a group that is already cancelled ----
 * The started task spawns a helper that parks on an event nobody sets,
 * either into the cancelled group (it starts cancelled) or into a group
 * of its own, which weft_started moves under the cancelled group: either
 * way only the cancellation can end the helper's wait. Started from a
 * shield, the task is not cancelled until it moves under the group. */

struct sc_child {
    struct sk_group *g;
    weft_event *never;
    bool own_group;
    int helper_rc, join_rc, wait_rc;
};

static int parked_helper(void *arg) {
    struct sc_child *a = arg;
    a->helper_rc = weft_event_wait(a->never);
    return 0;
}

static int started_late(void *arg, weft_task_status *st) {
    struct sc_child *a = arg;
    weft_group own;
    weft_group *into = a->own_group ? &own : &a->g->g;
    if (a->own_group) weft_group_init(&own);
    if (weft_spawn(into, "helper", parked_helper, a) != 0) return -EIO;
    for (int i = 0; i < 3; i++) weft_yield(); /* the helper parks */
    weft_started(st, NULL);
    a->wait_rc = weft_event_wait(a->never);
    if (a->own_group) {
        a->join_rc = weft_group_join(&own);
        weft_group_destroy(&own);
    }
    return 0;
}

void wl_start_cancelled(struct sk_ctx *c) {
    struct sk_group g;
    weft_event never;
    weft_event_init(&never);
    struct sc_child a = {&g, &never, sk_rand(2), 1, -ECANCELED, 1};
    sk_group_init(c, &g);
    g.n.cancelled = true;
    weft_group_cancel(&g.g);
    weft_scope shield;
    bool shielded = sk_rand(4) != 0;
    if (shielded) weft_scope_enter(&shield, WEFT_NEVER, WEFT_SHIELD);
    SK_CHECK(c, weft_start(&g.g, "late", started_late, &a, NULL) == 0);
    if (shielded) weft_scope_exit(&shield, 0);
    SK_CHECK_RC(c, sk_group_join(c, &g));
    weft_group_destroy(&g.g);
    SK_CHECK(c, a.helper_rc == -ECANCELED && a.wait_rc == -ECANCELED);
    SK_CHECK(c, a.join_rc == -ECANCELED);
    weft_event_destroy(&never);
}

/* ---- NULL task functions: -EINVAL, nothing started ---- */

void wl_null_fn(struct sk_ctx *c) {
    struct sk_group g;
    sk_group_init(c, &g);
    SK_CHECK(c, weft_spawn(&g.g, "null", NULL, NULL) == -EINVAL);
    SK_CHECK(c, weft_start(&g.g, "null", NULL, NULL, NULL) == -EINVAL);
    SK_CHECK_RC(c, sk_group_join(c, &g));
    weft_group_destroy(&g.g);
}

/* ---- objects left in stack frames that return ---- */

/* Leaves k objects (1..6) in this frame, which returns. */
static __attribute__((noinline)) size_t leave_objects(size_t k) {
    weft_lock lk, held;
    weft_sem s;
    weft_event e;
    weft_cond cv;
    weft_limiter l;
    weft_lock_init(&lk);
    if (k > 1) weft_sem_init(&s, 1, 0);
    if (k > 2) weft_event_init(&e);
    if (k > 3) weft_cond_init(&cv, &lk);
    if (k > 4) weft_limiter_init(&l, 2);
    if (k > 5) {
        weft_lock_init(&held);
        weft_lock_try_acquire(&held); /* held for good */
    }
    return k;
}

/* Writes over the stack where the returned frame was. */
static __attribute__((noinline)) unsigned scribble(unsigned x) {
    volatile unsigned char buf[4096];
    memset((unsigned char *)buf, (int)x, sizeof buf);
    return buf[x % sizeof buf];
}

/* The dead records of a returned frame lie under this frame's buffer:
 * tracking another object of the task, and listing leaks, must write
 * nothing into it. */
static __attribute__((noinline)) bool reuse_frame(void) {
    unsigned char buf[1024];
    weft_lock lk;
    memset(buf, 0xa5, sizeof buf);
    weft_lock_init(&lk);
    weft_lock_destroy(&lk);
    weft_leaks(NULL, 0);
    for (size_t i = 0; i < sizeof buf; i++) {
        if (buf[i] != 0xa5) return false;
    }
    return true;
}

static int leak_task(void *arg) {
    struct sk_ctx *c = arg;
    size_t n = leave_objects(1 + sk_rand(6));
    if (sk_rand(2)) n += leave_objects(1 + sk_rand(6));
    c->sk->leaks_made += n;
    if (!reuse_frame()) {
        sk_fail(c->sk, __FILE__, __LINE__,
                "tracking wrote into a live frame over leaked objects");
    }
    scribble((unsigned)sk_rand(256));
    sk_pause();
    scribble((unsigned)sk_rand(256));
    return 0;
}

void wl_leak(struct sk_ctx *c) {
    struct sk_group g;
    sk_group_init(c, &g);
    struct sk_ctx kid = sk_child(c, &g);
    for (int i = 0; i < c->wl->ntasks; i++) {
        SK_CHECK(c, weft_spawn(&g.g, "leaky", leak_task, &kid) == 0);
    }
    SK_CHECK_RC(c, sk_group_join(c, &g));
    weft_group_destroy(&g.g);
}

/* ---- a deadlock on purpose: the run must end with -EDEADLK ---- */

void wl_deadlock(struct sk_ctx *c) {
    weft_event never;
    weft_event_init(&never);
    sk_pause();
    SK_CHECK(c, weft_event_wait(&never) == 0); /* never returns */
}
