/* tests/soak/wl_patterns.c: workloads over the patterns (gather, race,
 * bounded_map, retry, the completion stream), run_sync, and the programs
 * that must end in a misuse abort. Each call records whether it ran and
 * what it returned, so the pattern's result and codes can be checked:
 * codes[i] is what call i returned (-ECANCELED when it never ran), a
 * race's winner returned the race's result, bounded_map never runs more
 * than limit calls at once, retry tries as often as its options say, a
 * completion stream hands each call out exactly once. */
#include "soak.h"

#define MAXCALLS 6

struct pat;

struct call {
    struct sk_ctx c;   /* its chain: the pattern's node, then the caller's */
    struct pat *p;
    int plan;          /* what it returns unless cancelled */
    int ret;
    bool ran;
};

struct pat {
    struct sk_node n;  /* the pattern's group, as the soak sees it */
    struct call calls[MAXCALLS];
    weft_call wc[MAXCALLS];
    int codes[MAXCALLS];
    size_t ncalls;
    int running, limit;
    bool fail_cancels, win_cancels;
};

static int call_fn(void *arg) {
    struct call *k = arg;
    struct pat *p = k->p;
    k->ran = true;
    SK_CHECK(&k->c, ++p->running <= p->limit);
    int rc = sk_pause();
    p->running--;
    if (rc) {
        SK_CHECK_RC(&k->c, rc);
        return k->ret = rc;
    }
    k->ret = k->plan;
    if (k->plan < 0 && p->fail_cancels) p->n.cancelled = true;
    if (k->plan >= 0 && p->win_cancels) p->n.cancelled = true;
    return k->ret;
}

static int map_fn(void *item, void *ctx) {
    (void)ctx;
    return call_fn(item);
}

static void pat_init(struct sk_ctx *c, struct pat *p, size_t n) {
    static const int outcomes[] = {0, 0, 1, 7, -EIO, -EAGAIN};
    p->n = (struct sk_node){c->top, WEFT_NEVER, false, false};
    p->ncalls = n;
    p->running = 0;
    p->limit = MAXCALLS;
    p->fail_cancels = p->win_cancels = false;
    for (size_t i = 0; i < n; i++) {
        p->calls[i] = (struct call){*c, p, outcomes[sk_rand(6)], 0, false};
        p->calls[i].c.top = &p->n;
        p->wc[i] = (weft_call){call_fn, &p->calls[i], "call"};
        p->codes[i] = 12345;
    }
}

/* codes[i] against what call i did; whether some call failed. */
static bool check_codes(struct sk_ctx *c, struct pat *p) {
    bool failed = false;
    for (size_t i = 0; i < p->ncalls; i++) {
        struct call *k = &p->calls[i];
        SK_CHECK(c, p->codes[i] == (k->ran ? k->ret : -ECANCELED));
        failed |= k->ran && k->ret < 0 && k->ret != -ECANCELED;
    }
    return failed;
}

static void do_gather(struct sk_ctx *c, struct pat *p, bool map) {
    unsigned flags = sk_rand(2) ? WEFT_COLLECT_ERRORS : 0;
    p->fail_cancels = !flags;
    int rc;
    if (map) {
        p->limit = 1 + (int)sk_rand(p->ncalls);
        rc = weft_bounded_map(map_fn, p->calls, p->ncalls, sizeof p->calls[0],
                              (size_t)p->limit, NULL, p->codes, flags);
    } else {
        rc = weft_gather(p->wc, p->ncalls, p->codes, flags);
    }
    bool failed = check_codes(c, p);
    if (rc == -ECANCELED) {
        SK_CHECK_RC(c, rc);
    } else if (failed && !flags) {
        SK_CHECK(c, rc == -EIO || rc == -EAGAIN);
    } else {
        SK_CHECK(c, rc == 0);
    }
}

static void do_race(struct sk_ctx *c, struct pat *p) {
    size_t winner = MAXCALLS;
    p->win_cancels = true;
    int rc = weft_race(p->wc, p->ncalls, &winner);
    bool won = false;
    for (size_t i = 0; i < p->ncalls; i++) {
        won |= p->calls[i].ran && p->calls[i].ret >= 0;
    }
    if (rc >= 0) {
        SK_CHECK(c, winner < p->ncalls && p->calls[winner].ret == rc);
    } else if (rc == -ECANCELED) {
        SK_CHECK_RC(c, rc);
    } else {
        SK_CHECK(c, !won && (rc == -EIO || rc == -EAGAIN));
    }
}

/* ---- retry: fails with -EAGAIN `fails` times, then succeeds ---- */

struct flaky {
    int tries, fails;
};

static int flaky_fn(void *arg) {
    struct flaky *f = arg;
    return ++f->tries > f->fails ? f->tries : -EAGAIN;
}

static bool never(int rc) {
    (void)rc;
    return false;
}

static void do_retry(struct sk_ctx *c) {
    struct flaky f = {0, (int)sk_rand(4)};
    weft_retry_opts o;
    weft_retry_opts_init(&o);
    o.attempts = 1 + (int)sk_rand(4);
    o.base_delay = (weft_time)sk_rand(2000) * WEFT_USEC;
    o.max_delay = (weft_time)sk_rand(3000) * WEFT_USEC;
    o.jitter = sk_rand(2) ? 0.5 : 0.0;
    o.retry_on = sk_rand(4) == 0 ? never : NULL;
    int rc = weft_retry(flaky_fn, &f, &o);
    if (rc >= 0) {
        SK_CHECK(c, rc == f.fails + 1 && f.tries == rc && rc <= o.attempts);
    } else if (rc == -ECANCELED) {
        SK_CHECK_RC(c, rc);
    } else {
        SK_CHECK(c, rc == -EAGAIN && f.tries <= o.attempts);
        if (o.retry_on == never) SK_CHECK(c, f.tries == 1);
    }
}

void wl_patterns(struct sk_ctx *c) {
    struct pat p;
    for (int i = 0; i < c->wl->nops; i++) {
        pat_init(c, &p, 1 + sk_rand(MAXCALLS));
        switch (sk_rand(4)) {
        case 0: do_gather(c, &p, false); break;
        case 1: do_gather(c, &p, true); break;
        case 2: do_race(c, &p); break;
        default: do_retry(c);
        }
        if (sk_explained(c->top)) return;
    }
}

/* ---- the completion stream ---- */

static void read_stream(struct sk_ctx *c, struct pat *p, weft_completions *cs) {
    bool seen[MAXCALLS] = {false};
    size_t nread = 0, i;
    int code, rc;
    while ((rc = weft_completions_next(cs, &i, &code)) == 0) {
        SK_CHECK(c, i < p->ncalls && !seen[i]);
        if (i >= p->ncalls) return;
        seen[i] = true;
        nread++;
        struct call *k = &p->calls[i];
        SK_CHECK(c, code == (k->ran ? k->ret : -ECANCELED));
        if (sk_rand(8) == 0) return; /* leave early */
    }
    if (rc == -EPIPE) {
        SK_CHECK(c, nread == p->ncalls);
        SK_CHECK(c, weft_completions_next(cs, NULL, NULL) == -EPIPE);
    } else {
        SK_CHECK_RC(c, rc);
    }
}

void wl_completions(struct sk_ctx *c) {
    struct pat p;
    for (int i = 0; i < c->wl->nops && !sk_explained(c->top); i++) {
        pat_init(c, &p, 1 + sk_rand(MAXCALLS));
        size_t limit = sk_rand(4);
        if (limit) p.limit = (int)limit;
        weft_completions cs;
        SK_CHECK(c, weft_completions_init(&cs, p.wc, p.ncalls, limit) == 0);
        read_stream(c, &p, &cs);
        p.n.cancelled = true; /* destroy cancels what still runs */
        weft_completions_destroy(&cs);
    }
}

/* ---- run_sync, maybe in a scope whose deadline races the completion -- */

static int twice(void *arg) { return 2 * *(int *)arg + 1; }

struct rs_task {
    struct sk_ctx c;
    int x; /* outlives every call: a cancelled caller leaves fn running */
};

static int runsync_task(void *arg) {
    struct rs_task *t = arg;
    struct sk_ctx *c = &t->c;
    bool race = c->sk->plan->features & SK_F_RUNSYNC_DEADLINE;
    /* The sim delivers a completion 1 us to 1 ms after submission, in
     * whole microseconds: a deadline drawn from the same range lands on
     * the same instant once in a thousand calls, so make many. */
    for (int i = 0; i < c->wl->nops * (race ? 16 : 1); i++) {
        t->x = (int)sk_rand(1000);
        unsigned flags = sk_rand(2) ? WEFT_CANCELLABLE : 0;
        struct sk_scope *sc = NULL;
        if (race && sk_rand(2)) {
            sc = sk_enter(c, (weft_time)(1 + sk_rand(1000)) * WEFT_USEC, 0);
        }
        int rc = weft_run_sync(twice, &t->x, flags);
        if (rc != -ECANCELED) SK_CHECK(c, rc == 2 * t->x + 1);
        if (rc == -ECANCELED) SK_CHECK_RC(c, rc);
        if (sc) sk_op_end(c, sc, rc == -ECANCELED ? rc : 0);
        if (sk_explained(c->top)) break;
    }
    return 0;
}

void wl_runsync(struct sk_ctx *c) {
    struct sk_group g;
    struct rs_task ts[8];
    sk_group_init(c, &g);
    for (int i = 0; i < c->wl->ntasks; i++) {
        ts[i] = (struct rs_task){sk_child(c, &g), 0};
        SK_CHECK(c, weft_spawn(&g.g, "runsync", runsync_task, &ts[i]) == 0);
    }
    SK_CHECK_RC(c, sk_group_join(c, &g));
    weft_group_destroy(&g.g);
}

/* ---- programs that end in a misuse abort ---- */

static int sleepy(void *arg) {
    (void)arg;
    return weft_sleep(WEFT_SEC);
}

static int next_waiter(void *arg) {
    return weft_completions_next(arg, NULL, NULL);
}

/* Destroys a completion stream while another task waits in next(). */
static void destroy_while_waited(void) {
    weft_group g;
    weft_completions cs;
    weft_call call = {sleepy, NULL, "sleepy"};
    weft_group_init(&g);
    weft_completions_init(&cs, &call, 1, 0);
    weft_spawn(&g, "next", next_waiter, &cs);
    weft_sleep(WEFT_MSEC); /* it parks in next() */
    weft_completions_destroy(&cs);
    weft_group_join(&g); /* not reached once destroy aborts */
    weft_group_destroy(&g);
}

static void misuse_plain(int which) {
    weft_lock lk;
    weft_queue q;
    weft_group g;
    int item = 1;
    switch (which) {
    case 1:
        weft_lock_init(&lk);
        weft_lock_acquire(&lk);
        weft_lock_destroy(&lk); /* held */
        break;
    case 2:
        weft_queue_init(&q, 2, sizeof item);
        weft_queue_put(&q, &item);
        weft_queue_destroy(&q); /* an item left */
        break;
    default:
        weft_group_init(&g);
        weft_group_destroy(&g); /* not joined */
    }
}

void wl_misuse(struct sk_ctx *c) {
    sk_pause();
    if (c->wl->variant == 0) {
        destroy_while_waited();
    } else {
        misuse_plain(c->wl->variant);
    }
}
