/* tests/soak/wl_sync.c: workloads over the synchronisation primitives:
 * lock, semaphore, capacity limiter, event and condition. Each starts
 * ntasks tasks doing nops random operations, each operation maybe in a
 * scope of its own (a deadline, a shield) that chaos may cancel.
 * Checked: mutual exclusion and balanced holders (every count back to
 * its start, so destroy does not abort), a failed acquire holds nothing,
 * -ECANCELED only when explained, no lost wake-up (the watchdog), and
 * that notified cond waiters take the lock in the order they waited,
 * before any acquirer that came after the notify. */
#include "soak.h"

/* Runs fn in ntasks tasks of a group in c, each with its own context. */
struct sync_task {
    struct sk_ctx c;
    void *shared;
    int id;
};

static void run_tasks(struct sk_ctx *c, int (*fn)(void *), void *shared) {
    struct sk_group g;
    struct sync_task ts[8];
    int n = c->wl->ntasks;
    sk_group_init(c, &g);
    for (int i = 0; i < n; i++) {
        ts[i] = (struct sync_task){sk_child(c, &g), shared, i};
        SK_CHECK(c, weft_spawn(&g.g, "sync", fn, &ts[i]) == 0);
    }
    SK_CHECK_RC(c, sk_group_join(c, &g));
    weft_group_destroy(&g.g);
}

/* ---- lock ---- */

struct lock_state {
    weft_lock lk;
    int inside;
};

static int lock_task(void *arg) {
    struct sync_task *t = arg;
    struct lock_state *s = t->shared;
    for (int i = 0; i < t->c.wl->nops; i++) {
        struct sk_scope *op = sk_op_begin(&t->c);
        int rc = sk_rand(4) ? weft_lock_acquire(&s->lk)
                            : weft_lock_try_acquire(&s->lk);
        if (rc == 0) {
            SK_CHECK(&t->c, ++s->inside == 1);
            sk_pause(); /* cancelled or not, the lock is held */
            s->inside--;
            SK_CHECK(&t->c, weft_lock_release(&s->lk) == 0);
        } else {
            SK_CHECK(&t->c, rc == -EWOULDBLOCK || rc == -ECANCELED);
            if (rc == -ECANCELED) SK_CHECK_RC(&t->c, rc);
            SK_CHECK(&t->c, weft_lock_release(&s->lk) == -EPERM);
            rc = 0;
        }
        sk_op_end(&t->c, op, rc);
    }
    return 0;
}

void wl_lock(struct sk_ctx *c) {
    struct lock_state s = {.inside = 0};
    weft_lock_init(&s.lk);
    run_tasks(c, lock_task, &s);
    SK_CHECK(c, !weft_lock_locked(&s.lk) && weft_lock_waiters(&s.lk) == 0);
    weft_lock_destroy(&s.lk);
}

/* ---- semaphore ---- */

struct sem_state {
    weft_sem s;
    unsigned units;
    unsigned holders;
};

static int sem_task(void *arg) {
    struct sync_task *t = arg;
    struct sem_state *s = t->shared;
    for (int i = 0; i < t->c.wl->nops; i++) {
        struct sk_scope *op = sk_op_begin(&t->c);
        int rc = sk_rand(4) ? weft_sem_acquire(&s->s)
                            : weft_sem_try_acquire(&s->s);
        if (rc == 0) {
            SK_CHECK(&t->c, ++s->holders <= s->units);
            sk_pause();
            s->holders--;
            SK_CHECK(&t->c, weft_sem_release(&s->s) == 0);
        } else {
            SK_CHECK(&t->c, rc == -EWOULDBLOCK || rc == -ECANCELED);
            if (rc == -ECANCELED) SK_CHECK_RC(&t->c, rc);
            rc = 0;
        }
        sk_op_end(&t->c, op, rc);
    }
    return 0;
}

void wl_sem(struct sk_ctx *c) {
    struct sem_state s = {.units = 1 + (unsigned)sk_rand(3)};
    SK_CHECK(c, weft_sem_init(&s.s, s.units, s.units) == 0);
    run_tasks(c, sem_task, &s);
    SK_CHECK(c, weft_sem_value(&s.s) == s.units);
    SK_CHECK(c, weft_sem_release(&s.s) == -EOVERFLOW);
    weft_sem_destroy(&s.s);
}

/* ---- capacity limiter ---- */

struct limiter_state {
    weft_limiter l;
    size_t max_total;
    size_t holders;
};

static int limiter_acquire(struct sync_task *t, const void *b) {
    struct limiter_state *s = t->shared;
    if (sk_rand(4) == 0) {
        return b ? weft_limiter_try_acquire_on_behalf(&s->l, b)
                 : weft_limiter_try_acquire(&s->l);
    }
    return b ? weft_limiter_acquire_on_behalf(&s->l, b)
             : weft_limiter_acquire(&s->l);
}

static void limiter_op(struct sync_task *t, const void *b) {
    struct limiter_state *s = t->shared;
    int rc = limiter_acquire(t, b);
    if (rc == 0) {
        s->holders++;
        SK_CHECK(&t->c, s->holders <= weft_limiter_borrowed(&s->l));
        SK_CHECK(&t->c, s->holders <= s->max_total);
        if (b) SK_CHECK(&t->c, weft_limiter_try_acquire_on_behalf(
                                   &s->l, b) == -EDEADLK);
        sk_pause();
        s->holders--;
        SK_CHECK(&t->c, (b ? weft_limiter_release_on_behalf(&s->l, b)
                           : weft_limiter_release(&s->l)) == 0);
    } else {
        SK_CHECK(&t->c, rc == -EWOULDBLOCK || rc == -ECANCELED);
        if (rc == -ECANCELED) SK_CHECK_RC(&t->c, rc);
        SK_CHECK(&t->c, (b ? weft_limiter_release_on_behalf(&s->l, b)
                           : weft_limiter_release(&s->l)) == -EPERM);
    }
}

static int limiter_task(void *arg) {
    struct sync_task *t = arg;
    struct limiter_state *s = t->shared;
    char request;
    for (int i = 0; i < t->c.wl->nops; i++) {
        if (sk_rand(6) == 0) {
            size_t total = 1 + sk_rand(4);
            if (total > s->max_total) s->max_total = total;
            SK_CHECK(&t->c, weft_limiter_set_total(&s->l, total) == 0);
            continue;
        }
        struct sk_scope *op = sk_op_begin(&t->c);
        limiter_op(t, sk_rand(2) ? (const void *)&request : NULL);
        sk_op_end(&t->c, op, 0);
    }
    return 0;
}

void wl_limiter(struct sk_ctx *c) {
    struct limiter_state s = {.max_total = 1 + sk_rand(3)};
    SK_CHECK(c, weft_limiter_init(&s.l, s.max_total) == 0);
    run_tasks(c, limiter_task, &s);
    SK_CHECK(c, weft_limiter_borrowed(&s.l) == 0);
    SK_CHECK(c, weft_limiter_waiters(&s.l) == 0);
    weft_limiter_destroy(&s.l);
}

/* ---- event: task 0 sets it after a pause, the others wait ---- */

static int event_task(void *arg) {
    struct sync_task *t = arg;
    weft_event *e = t->shared;
    if (t->id == 0) {
        sk_pause();
        weft_event_set(e); /* whatever the pause returned */
        return 0;
    }
    for (int i = 0; i < t->c.wl->nops; i++) {
        struct sk_scope *op = sk_op_begin(&t->c);
        int rc = weft_event_wait(e);
        SK_CHECK_RC(&t->c, rc);
        if (rc == 0) SK_CHECK(&t->c, weft_event_is_set(e));
        sk_op_end(&t->c, op, rc);
    }
    return 0;
}

void wl_event(struct sk_ctx *c) {
    weft_event e;
    weft_event_init(&e);
    run_tasks(c, event_task, &e);
    SK_CHECK(c, weft_event_is_set(&e) && weft_event_waiters(&e) == 0);
    weft_event_destroy(&e);
}

/* ---- condition ----
 * Even ids wait for tokens, odd ids add tokens and notify, and every task
 * sometimes takes the lock plainly. wait_seq numbers each cond_wait as it
 * starts (under the lock); notified counts the waiters moved to the lock
 * by notifies; woken counts the waits that returned 0. */
struct cond_state {
    weft_lock lk;
    weft_cond cv;
    int tokens;
    bool closed;
    int notifiers;       /* notifier tasks not yet ended */
    uint64_t wait_seq;   /* cond_wait calls so far */
    uint64_t last_woken; /* wait_seq of the last wait that returned 0 */
    uint64_t notified, woken;
    bool cancel_waits;
    struct sk_scope *waiting[8]; /* each waiter's scope, while it waits */
};

static void cond_wait_once(struct sync_task *t, struct cond_state *s,
                           int *rc) {
    uint64_t seq = ++s->wait_seq;
    struct sk_scope *op = s->cancel_waits ? sk_op_begin(&t->c) : NULL;
    s->waiting[t->id] = op;
    *rc = weft_cond_wait(&s->cv);
    s->waiting[t->id] = NULL;
    if (*rc == 0) {
        /* Notified waiters get the lock in the order they waited. */
        SK_CHECK(&t->c, seq > s->last_woken);
        s->last_woken = seq;
        s->woken++;
    } else {
        SK_CHECK_RC(&t->c, *rc);
    }
    sk_op_end(&t->c, op, *rc);
}

static void cond_consume(struct sync_task *t, struct cond_state *s) {
    if (weft_lock_acquire(&s->lk) != 0) return;
    int rc = 0;
    while (rc == 0 && s->tokens == 0 && !s->closed) cond_wait_once(t, s, &rc);
    SK_CHECK(&t->c, weft_lock_locked(&s->lk));
    if (rc == 0 && s->tokens > 0) s->tokens--;
    SK_CHECK(&t->c, weft_lock_release(&s->lk) == 0);
}

static void cond_produce(struct sync_task *t, struct cond_state *s) {
    if (weft_lock_acquire(&s->lk) != 0) return;
    s->tokens += 1 + (int)sk_rand(2);
    size_t w = weft_cond_waiters(&s->cv);
    if (sk_rand(4) == 0) {
        s->notified += w;
        weft_cond_notify_all(&s->cv);
    } else {
        size_t n = 1 + sk_rand(3);
        s->notified += n < w ? n : w;
        weft_cond_notify(&s->cv, n);
    }
    /* A waiter cancelled now may have been notified: it must keep its
     * place on the lock's queue. */
    struct sk_scope *victim = s->waiting[sk_rand(8)];
    if (victim && victim->live) {
        victim->n.cancelled = true;
        weft_scope_cancel(&victim->s);
    }
    if (s->cancel_waits) sk_pause(); /* holding the lock */
    SK_CHECK(&t->c, weft_lock_release(&s->lk) == 0);
}

/* A plain acquirer: every waiter notified before it asked for the lock
 * has had the lock (and returned 0) by the time it gets it. */
static void cond_barge(struct sync_task *t, struct cond_state *s) {
    uint64_t need = s->notified;
    if (weft_lock_acquire(&s->lk) != 0) return;
    if (s->woken < need) {
        sk_fail(t->c.sk, __FILE__, __LINE__,
                "a later acquirer took the lock before %llu notified "
                "waiter(s)", (unsigned long long)(need - s->woken));
    }
    sk_pause();
    SK_CHECK(&t->c, weft_lock_release(&s->lk) == 0);
}

/* The last notifier closes, so no waiter is left without a notify. */
static int cond_close(void *arg) {
    struct cond_state *s = arg;
    if (weft_lock_acquire(&s->lk) != 0) return -EIO;
    s->closed = true;
    s->notified += weft_cond_waiters(&s->cv);
    weft_cond_notify_all(&s->cv);
    weft_lock_release(&s->lk);
    return 0;
}

static int cond_task(void *arg) {
    struct sync_task *t = arg;
    struct cond_state *s = t->shared;
    bool notifier = t->id % 2 == 1;
    for (int i = 0; i < t->c.wl->nops; i++) {
        if (sk_rand(4) == 0) {
            cond_barge(t, s);
        } else if (notifier) {
            cond_produce(t, s);
        } else {
            cond_consume(t, s);
        }
        if (sk_rand(2)) sk_pause();
    }
    if (notifier && --s->notifiers == 0) {
        SK_CHECK(&t->c, weft_shield(cond_close, s) == 0);
    }
    return 0;
}

void wl_cond(struct sk_ctx *c) {
    struct cond_state s = {.tokens = 0};
    s.notifiers = c->wl->ntasks / 2;
    s.closed = s.notifiers == 0;
    s.cancel_waits = c->sk->plan->features & SK_F_COND_CANCEL;
    weft_lock_init(&s.lk);
    weft_cond_init(&s.cv, &s.lk);
    run_tasks(c, cond_task, &s);
    SK_CHECK(c, weft_cond_waiters(&s.cv) == 0);
    SK_CHECK(c, !weft_lock_locked(&s.lk));
    weft_cond_destroy(&s.cv);
    weft_lock_destroy(&s.lk);
}
