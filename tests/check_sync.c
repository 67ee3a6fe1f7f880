/* tests/check_sync.c: locks, semaphores, capacity limiters, events and
 * conditions (API.md "Synchronisation", docs/SYNC.md). Semantics run
 * under sim over many seeds with exact virtual times, some under the
 * real backend too (run_both: loop index 0 is real); cancel-safety is a
 * property test over 10,000 seeds; misuse runs in a child process whose
 * stderr must name the call and the object's creation site. Every body
 * ends with nothing tracked: each object's init met its destroy. */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "sync_test.h"

/* ==== lock ==== */

static int lock_basic(void *arg) {
    (void)arg;
    weft_lock lk;
    ck_assert_int_eq(weft_lock_init(&lk), 0);
    ck_assert(!weft_lock_locked(&lk));
    ck_assert_int_eq(weft_lock_acquire(&lk), 0);
    ck_assert(weft_lock_locked(&lk));
    ck_assert_int_eq(weft_lock_acquire(&lk), -EDEADLK);
    ck_assert_int_eq(weft_lock_try_acquire(&lk), -EDEADLK);
    ck_assert_int_eq(weft_lock_release(&lk), 0);
    ck_assert(!weft_lock_locked(&lk));
    ck_assert_int_eq(weft_lock_release(&lk), -EPERM);
    ck_assert_int_eq(weft_lock_try_acquire(&lk), 0);
    ck_assert_int_eq(weft_lock_release(&lk), 0);
    ck_assert_uint_eq(weft_lock_waiters(&lk), 0);
    ck_assert_at(0);
    weft_lock_destroy(&lk);
    return 0;
}

START_TEST(lock_acquire_release_uncontended_succeeds) {
    ck_assert_run(both(_i, lock_basic, NULL), 0, _i);
}
END_TEST

struct holder {
    weft_lock *lk;
    weft_time hold;  /* how long the holder keeps it */
    weft_time start; /* when it acquires */
    int rc;
};

static int hold_lock(void *arg) {
    struct holder *h = arg;
    weft_sleep(h->start);
    h->rc = weft_lock_acquire(h->lk);
    weft_sleep(h->hold);
    ck_assert_int_eq(weft_lock_release(h->lk), 0);
    return 0;
}

static int non_owner(void *arg) {
    (void)arg;
    weft_lock lk;
    weft_lock_init(&lk);
    struct holder h = {&lk, UNIT, 0, 1};
    weft_group g;
    weft_group_init(&g);
    spawn(&g, "holder", hold_lock, &h);
    weft_sleep(WEFT_MSEC);
    ck_assert(weft_lock_locked(&lk));
    ck_assert_int_eq(weft_lock_release(&lk), -EPERM);
    ck_assert(weft_lock_locked(&lk)); /* nothing changed */
    ck_assert_int_eq(weft_lock_try_acquire(&lk), -EWOULDBLOCK);
    ck_assert_int_eq(weft_lock_acquire(&lk), 0); /* waits for the holder */
    ck_assert_at(UNIT);
    ck_assert_int_eq(weft_lock_release(&lk), 0);
    join(&g);
    ck_assert_int_eq(h.rc, 0);
    weft_lock_destroy(&lk);
    return 0;
}

START_TEST(lock_release_by_non_owner_is_eperm) {
    ck_assert_run(both(_i, non_owner, NULL), 0, _i);
}
END_TEST

struct mutex_case {
    weft_lock lk;
    int inside;
    int total;
};

static int mutex_worker(void *arg) {
    struct mutex_case *m = arg;
    for (int i = 0; i < 20; i++) {
        ck_assert_int_eq(weft_lock_acquire(&m->lk), 0);
        ck_assert_int_eq(++m->inside, 1);
        if (weft_random() % 2) {
            weft_yield();
        } else {
            weft_sleep((weft_time)(weft_random() % 100) * WEFT_USEC);
        }
        m->total++;
        m->inside--;
        ck_assert_int_eq(weft_lock_release(&m->lk), 0);
        weft_yield();
    }
    return 0;
}

static int mutual_exclusion(void *arg) {
    struct mutex_case *m = arg;
    weft_lock_init(&m->lk);
    weft_group g;
    weft_group_init(&g);
    for (int i = 0; i < 5; i++)
        spawn(&g, "worker", mutex_worker, m);
    ck_assert_int_eq(join(&g), 0);
    ck_assert(!weft_lock_locked(&m->lk));
    weft_lock_destroy(&m->lk);
    return 0;
}

START_TEST(lock_holders_are_mutually_exclusive) {
    struct mutex_case m;
    memset(&m, 0, sizeof m);
    ck_assert_run(both(_i, mutual_exclusion, &m), 0, _i);
    ck_assert_int_eq(m.total, 100);
}
END_TEST

/* A checkpoint even when uncontended: under the real backend (FIFO) the
 * task that was runnable first runs before acquire returns. */
static int set_flag(void *arg) {
    *(int *)arg = 1;
    return 0;
}

static int acquire_is_schedule_point(void *arg) {
    (void)arg;
    weft_lock lk;
    weft_lock_init(&lk);
    int ran = 0;
    weft_group g;
    weft_group_init(&g);
    spawn(&g, "flag", set_flag, &ran);
    ck_assert_int_eq(weft_lock_acquire(&lk), 0);
    ck_assert_int_eq(ran, 1);
    weft_lock_release(&lk);
    join(&g);
    weft_lock_destroy(&lk);
    return 0;
}

START_TEST(lock_uncontended_acquire_is_schedule_point) {
    ck_assert_int_eq(both(0, acquire_is_schedule_point, NULL), 0);
}
END_TEST

/* ==== semaphore ==== */

static int sem_basic(void *arg) {
    (void)arg;
    weft_sem s;
    ck_assert_int_eq(weft_sem_init(&s, 4, 3), -EINVAL);
    ck_assert_int_eq(weft_sem_init(&s, 2, 3), 0);
    ck_assert_int_eq(weft_sem_acquire(&s), 0);
    ck_assert_int_eq(weft_sem_try_acquire(&s), 0);
    ck_assert_uint_eq(weft_sem_value(&s), 0);
    ck_assert_int_eq(weft_sem_try_acquire(&s), -EWOULDBLOCK);
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(weft_sem_release(&s), 0);
    ck_assert_uint_eq(weft_sem_value(&s), 3);
    ck_assert_int_eq(weft_sem_release(&s), -EOVERFLOW);
    ck_assert_uint_eq(weft_sem_value(&s), 3); /* nothing changed */
    ck_assert_uint_eq(weft_sem_waiters(&s), 0);
    ck_assert_at(0);
    weft_sem_destroy(&s);

    weft_sem u; /* no bound: only UINT_MAX stops it */
    ck_assert_int_eq(weft_sem_init(&u, UINT_MAX - 1, 0), 0);
    ck_assert_int_eq(weft_sem_release(&u), 0);
    ck_assert_int_eq(weft_sem_release(&u), -EOVERFLOW);
    ck_assert_uint_eq(weft_sem_value(&u), UINT_MAX);
    weft_sem_destroy(&u);
    return 0;
}

START_TEST(sem_release_past_max_is_eoverflow) {
    ck_assert_run(both(_i, sem_basic, NULL), 0, _i);
}
END_TEST

struct sem_case {
    weft_sem s;
    int rc;
    weft_time at;
};

static int sem_waiter(void *arg) {
    struct sem_case *c = arg;
    c->rc = weft_sem_acquire(&c->s);
    c->at = weft_now();
    return 0;
}

static int sem_handoff(void *arg) {
    struct sem_case *c = arg;
    weft_sem_init(&c->s, 0, 1);
    weft_group g;
    weft_group_init(&g);
    spawn(&g, "waiter", sem_waiter, c);
    weft_sleep(UNIT);
    ck_assert_uint_eq(weft_sem_waiters(&c->s), 1);
    ck_assert_int_eq(weft_sem_release(&c->s), 0);
    /* handed over: no unit left for a task that comes later */
    ck_assert_uint_eq(weft_sem_value(&c->s), 0);
    ck_assert_int_eq(weft_sem_try_acquire(&c->s), -EWOULDBLOCK);
    join(&g);
    ck_assert_int_eq(c->rc, 0);
    ck_assert_int_eq(c->at, UNIT);
    weft_sem_destroy(&c->s);
    return 0;
}

START_TEST(sem_release_hands_unit_to_waiter) {
    struct sem_case c;
    memset(&c, 0, sizeof c);
    ck_assert_run(sim((uint64_t)_i, sem_handoff, &c), 0, _i);
}
END_TEST

/* ==== limiter ==== */

static int limiter_basic(void *arg) {
    (void)arg;
    weft_limiter l;
    ck_assert_int_eq(weft_limiter_init(&l, 0), -EINVAL);
    ck_assert_int_eq(weft_limiter_init(&l, 3), 0);
    ck_assert_int_eq(weft_limiter_release(&l), -EPERM);
    ck_assert_int_eq(weft_limiter_acquire(&l), 0);
    ck_assert_int_eq(weft_limiter_acquire(&l), -EDEADLK);
    ck_assert_int_eq(weft_limiter_try_acquire(&l), -EDEADLK);
    int a, b, c;
    ck_assert_int_eq(weft_limiter_acquire_on_behalf(&l, &a), 0);
    ck_assert_int_eq(weft_limiter_acquire_on_behalf(&l, &a), -EDEADLK);
    ck_assert_int_eq(weft_limiter_try_acquire_on_behalf(&l, &b), 0);
    ck_assert_uint_eq(weft_limiter_borrowed(&l), 3);
    ck_assert_uint_eq(weft_limiter_available(&l), 0);
    ck_assert_int_eq(weft_limiter_try_acquire_on_behalf(&l, &c), -EWOULDBLOCK);
    ck_assert_int_eq(weft_limiter_acquire_on_behalf(&l, NULL), -EINVAL);
    ck_assert_int_eq(weft_limiter_try_acquire_on_behalf(&l, NULL), -EINVAL);
    ck_assert_int_eq(weft_limiter_release_on_behalf(&l, NULL), -EINVAL);
    ck_assert_int_eq(weft_limiter_release_on_behalf(&l, &c), -EPERM);
    ck_assert_int_eq(weft_limiter_release_on_behalf(&l, &a), 0);
    ck_assert_int_eq(weft_limiter_release_on_behalf(&l, &a), -EPERM);
    ck_assert_uint_eq(weft_limiter_borrowed(&l), 2);
    ck_assert_uint_eq(weft_limiter_available(&l), 1);
    ck_assert_int_eq(weft_limiter_release(&l), 0);
    ck_assert_int_eq(weft_limiter_release_on_behalf(&l, &b), 0);
    ck_assert_uint_eq(weft_limiter_borrowed(&l), 0);
    ck_assert_uint_eq(weft_limiter_available(&l), 3);
    ck_assert_uint_eq(weft_limiter_total(&l), 3);
    ck_assert_int_eq(weft_limiter_set_total(&l, 0), -EINVAL);
    ck_assert_at(0);
    weft_limiter_destroy(&l);
    return 0;
}

START_TEST(limiter_second_acquire_by_borrower_is_edeadlk) {
    ck_assert_run(both(_i, limiter_basic, NULL), 0, _i);
}
END_TEST

/* A token borrowed on behalf of a request is released by another task. */
struct behalf {
    weft_limiter l;
    int request;
};

static int release_request(void *arg) {
    struct behalf *b = arg;
    ck_assert_int_eq(weft_limiter_release(&b->l), -EPERM); /* not mine */
    ck_assert_int_eq(weft_limiter_release_on_behalf(&b->l, &b->request), 0);
    return 0;
}

static int on_behalf_other_task(void *arg) {
    struct behalf *b = arg;
    weft_limiter_init(&b->l, 1);
    ck_assert_int_eq(weft_limiter_acquire_on_behalf(&b->l, &b->request), 0);
    weft_group g;
    weft_group_init(&g);
    spawn(&g, "releaser", release_request, b);
    join(&g);
    ck_assert_uint_eq(weft_limiter_borrowed(&b->l), 0);
    weft_limiter_destroy(&b->l);
    return 0;
}

START_TEST(limiter_on_behalf_token_released_by_any_task) {
    struct behalf b;
    ck_assert_run(both(_i, on_behalf_other_task, &b), 0, _i);
}
END_TEST

struct total_case {
    weft_limiter l;
    int order[8];
    int norder;
    int id[8];
    int rcs[8];
};

struct total_waiter {
    struct total_case *c;
    int id;
};

static int limiter_waiter(void *arg) {
    struct total_waiter *w = arg;
    weft_sleep((weft_time)w->id * WEFT_MSEC); /* arrive in id order */
    w->c->rcs[w->id] = weft_limiter_acquire(&w->c->l);
    w->c->order[w->c->norder++] = w->id;
    weft_sleep(UNIT);
    ck_assert_int_eq(weft_limiter_release(&w->c->l), 0);
    return 0;
}

static int set_total_wakes(void *arg) {
    struct total_case *c = arg;
    weft_limiter_init(&c->l, 1);
    ck_assert_int_eq(weft_limiter_acquire(&c->l), 0);
    struct total_waiter w[4];
    weft_group g;
    weft_group_init(&g);
    for (int i = 0; i < 4; i++) {
        w[i] = (struct total_waiter){c, i};
        spawn(&g, "waiter", limiter_waiter, &w[i]);
    }
    weft_sleep(10 * WEFT_MSEC);
    ck_assert_uint_eq(weft_limiter_waiters(&c->l), 4);
    ck_assert_int_eq(weft_limiter_set_total(&c->l, 3), 0);
    /* the two oldest got the new tokens at once */
    ck_assert_uint_eq(weft_limiter_borrowed(&c->l), 3);
    ck_assert_uint_eq(weft_limiter_waiters(&c->l), 2);
    weft_sleep(WEFT_MSEC);
    ck_assert_int_eq(c->norder, 2); /* 0 and 1, in the order they ran */
    ck_assert_int_eq(c->order[0] + c->order[1], 1);
    /* lowering takes nothing back; releases then do not hand out */
    ck_assert_int_eq(weft_limiter_set_total(&c->l, 1), 0);
    ck_assert_uint_eq(weft_limiter_borrowed(&c->l), 3);
    ck_assert_uint_eq(weft_limiter_available(&c->l), 0);
    ck_assert_int_eq(weft_limiter_release(&c->l), 0);
    ck_assert_uint_eq(weft_limiter_borrowed(&c->l), 2);
    ck_assert_uint_eq(weft_limiter_waiters(&c->l), 2);
    /* waiters 0 and 1 release at 1.010 s: the second release hands out */
    ck_assert_int_eq(join(&g), 0);
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(c->rcs[i], 0);
    ck_assert_int_eq(c->order[2], 2);
    ck_assert_int_eq(c->order[3], 3);
    ck_assert_int_eq(weft_now(), 10 * WEFT_MSEC + 3 * UNIT);
    ck_assert_uint_eq(weft_limiter_borrowed(&c->l), 0);
    weft_limiter_destroy(&c->l);
    return 0;
}

START_TEST(limiter_set_total_raising_wakes_waiters) {
    struct total_case c;
    memset(&c, 0, sizeof c);
    ck_assert_run(sim((uint64_t)_i, set_total_wakes, &c), 0, _i);
}
END_TEST

/* Two tasks borrowing on behalf of one request: the second is refused
 * while the first waits (a borrower holds at most one token). */
struct dup_case {
    weft_limiter l;
    int request;
    int rc;
};

static int wait_for_request(void *arg) {
    struct dup_case *d = arg;
    d->rc = weft_limiter_acquire_on_behalf(&d->l, &d->request);
    return weft_limiter_release_on_behalf(&d->l, &d->request);
}

static int same_borrower_waiting(void *arg) {
    struct dup_case *d = arg;
    weft_limiter_init(&d->l, 1);
    weft_limiter_acquire(&d->l);
    weft_group g;
    weft_group_init(&g);
    spawn(&g, "waiter", wait_for_request, d);
    weft_sleep(WEFT_MSEC);
    ck_assert_int_eq(weft_limiter_acquire_on_behalf(&d->l, &d->request),
                     -EDEADLK);
    ck_assert_int_eq(weft_limiter_try_acquire_on_behalf(&d->l, &d->request),
                     -EDEADLK);
    weft_limiter_release(&d->l);
    ck_assert_int_eq(join(&g), 0);
    ck_assert_int_eq(d->rc, 0);
    weft_limiter_destroy(&d->l);
    return 0;
}

START_TEST(limiter_borrower_already_waiting_is_edeadlk) {
    struct dup_case d;
    ck_assert_run(sim((uint64_t)_i, same_borrower_waiting, &d), 0, _i);
}
END_TEST

/* Many borrowers through the hash set: borrow all, release in a seeded
 * random order checking counts and -EPERM on every second release. */
#define NBORROWERS 1000

static int many_borrowers(void *arg) {
    (void)arg;
    static char tokens[NBORROWERS];
    static int order[NBORROWERS];
    weft_limiter l;
    weft_limiter_init(&l, NBORROWERS);
    for (int i = 0; i < NBORROWERS; i++) {
        ck_assert_int_eq(weft_limiter_try_acquire_on_behalf(&l, &tokens[i]), 0);
        order[i] = i;
    }
    ck_assert_int_eq(weft_limiter_try_acquire(&l), -EWOULDBLOCK);
    for (int i = NBORROWERS - 1; i > 0; i--) { /* Fisher-Yates */
        int j = (int)(weft_random() % (uint64_t)(i + 1));
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (int i = 0; i < NBORROWERS; i++) {
        const void *b = &tokens[order[i]];
        ck_assert_int_eq(weft_limiter_release_on_behalf(&l, b), 0);
        ck_assert_int_eq(weft_limiter_release_on_behalf(&l, b), -EPERM);
        ck_assert_uint_eq(weft_limiter_borrowed(&l),
                          (size_t)(NBORROWERS - 1 - i));
        if (i + 1 < NBORROWERS) { /* the rest are still members */
            const void *next = &tokens[order[i + 1]];
            ck_assert_int_eq(weft_limiter_try_acquire_on_behalf(&l, next),
                             -EDEADLK);
        }
    }
    weft_limiter_destroy(&l);
    return 0;
}

START_TEST(limiter_many_borrowers_counts_exact) {
    ck_assert_run(sim((uint64_t)_i, many_borrowers, NULL), 0, _i);
}
END_TEST

/* ==== event ==== */

struct event_case {
    weft_event e;
    int rc[3];
    weft_time at[3];
    int n;
};

static int event_waiter(void *arg) {
    struct event_case *c = arg;
    int i = c->n++;
    c->rc[i] = weft_event_wait(&c->e);
    c->at[i] = weft_now();
    ck_assert(weft_event_is_set(&c->e));
    return 0;
}

static int event_wakes_all(void *arg) {
    struct event_case *c = arg;
    weft_event_init(&c->e);
    weft_group g;
    weft_group_init(&g);
    for (int i = 0; i < 3; i++)
        spawn(&g, "waiter", event_waiter, c);
    weft_sleep(UNIT);
    ck_assert_uint_eq(weft_event_waiters(&c->e), 3);
    ck_assert(!weft_event_is_set(&c->e));
    weft_event_set(&c->e);
    weft_event_set(&c->e); /* idempotent */
    ck_assert_uint_eq(weft_event_waiters(&c->e), 0);
    join(&g);
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(c->rc[i], 0);
        if (under_sim) ck_assert_int_eq(c->at[i], UNIT);
    }
    ck_assert_int_eq(weft_event_wait(&c->e), 0); /* set: at once */
    ck_assert_at(UNIT);
    weft_event_destroy(&c->e);
    return 0;
}

START_TEST(event_set_wakes_every_waiter) {
    struct event_case c;
    memset(&c, 0, sizeof c);
    ck_assert_run(both(_i, event_wakes_all, &c), 0, _i);
}
END_TEST

static int event_set_is_checkpoint(void *arg) {
    (void)arg;
    weft_event e;
    weft_event_init(&e);
    weft_event_set(&e);
    weft_scope s;
    weft_scope_enter(&s, WEFT_NEVER, 0);
    weft_scope_cancel(&s);
    ck_assert_int_eq(weft_event_wait(&e), -ECANCELED);
    weft_scope_exit(&s, -ECANCELED);
    int ran = 0;
    weft_group g;
    weft_group_init(&g);
    spawn(&g, "flag", set_flag, &ran);
    ck_assert_int_eq(weft_event_wait(&e), 0);
    ck_assert_int_eq(ran, 1); /* FIFO under real: the flag task ran */
    join(&g);
    weft_event_destroy(&e);
    return 0;
}

START_TEST(event_wait_when_set_is_checkpoint) {
    ck_assert_int_eq(both(0, event_set_is_checkpoint, NULL), 0);
}
END_TEST

/* ==== condition ==== */

struct cond_case {
    weft_lock lk;
    weft_cond c;
    int woken[4];
    int nwoken;
    int rc[4];
    weft_time at[4];
};

struct cond_waiter {
    struct cond_case *c;
    int id;
    weft_time deadline; /* relative; WEFT_NEVER: none */
    weft_scope *scope;  /* its scope while it waits, else NULL */
};

static int cond_waiter(void *arg) {
    struct cond_waiter *w = arg;
    struct cond_case *c = w->c;
    weft_sleep((weft_time)(w->id + 1) * WEFT_MSEC); /* arrive in id order */
    ck_assert_int_eq(weft_lock_acquire(&c->lk), 0);
    weft_scope s;
    weft_move_on_after(&s, w->deadline);
    w->scope = &s;
    int rc = weft_cond_wait(&c->c);
    w->scope = NULL;
    weft_scope_exit(&s, rc);
    c->rc[w->id] = rc;
    c->at[w->id] = weft_now();
    if (rc == 0) c->woken[c->nwoken++] = w->id;
    /* the lock is held again, whatever rc says */
    ck_assert_int_eq(weft_lock_release(&c->lk), 0);
    return 0;
}

static void notify_locked(struct cond_case *c, size_t n) {
    ck_assert_int_eq(weft_lock_acquire(&c->lk), 0);
    weft_cond_notify(&c->c, n);
    ck_assert_int_eq(weft_lock_release(&c->lk), 0);
}

static int cond_fifo(void *arg) {
    struct cond_case *c = arg;
    weft_lock_init(&c->lk);
    weft_cond_init(&c->c, &c->lk);
    ck_assert_ptr_eq(weft_cond_lock(&c->c), &c->lk);
    struct cond_waiter w[3];
    weft_group g;
    weft_group_init(&g);
    for (int i = 0; i < 3; i++) {
        w[i] = (struct cond_waiter){c, i, WEFT_NEVER, NULL};
        spawn(&g, "waiter", cond_waiter, &w[i]);
    }
    weft_sleep(UNIT);
    ck_assert_uint_eq(weft_cond_waiters(&c->c), 3);
    notify_locked(c, 1);
    weft_sleep(UNIT);
    ck_assert_int_eq(c->nwoken, 1);
    ck_assert_int_eq(c->woken[0], 0); /* the oldest */
    ck_assert_int_eq(c->at[0], UNIT);
    notify_locked(c, 0); /* wakes nobody */
    ck_assert_uint_eq(weft_cond_waiters(&c->c), 2);
    ck_assert_int_eq(weft_lock_acquire(&c->lk), 0);
    weft_cond_notify_all(&c->c);
    ck_assert_uint_eq(weft_cond_waiters(&c->c), 0);
    ck_assert_uint_eq(weft_lock_waiters(&c->lk), 2); /* moved, in order */
    weft_sleep(UNIT); /* they wait for the lock, held here */
    ck_assert_int_eq(weft_lock_release(&c->lk), 0);
    join(&g);
    ck_assert_int_eq(c->nwoken, 3);
    ck_assert_int_eq(c->woken[1], 1);
    ck_assert_int_eq(c->woken[2], 2);
    ck_assert_int_eq(c->at[1], 3 * UNIT);
    weft_cond_destroy(&c->c);
    weft_lock_destroy(&c->lk);
    return 0;
}

START_TEST(cond_notify_wakes_oldest_first) {
    struct cond_case c;
    memset(&c, 0, sizeof c);
    ck_assert_run(sim((uint64_t)_i, cond_fifo, &c), 0, _i);
}
END_TEST

static int cond_without_lock(void *arg) {
    (void)arg;
    weft_lock lk;
    weft_cond c;
    weft_lock_init(&lk);
    weft_cond_init(&c, &lk);
    ck_assert_int_eq(weft_cond_wait(&c), -EPERM);
    ck_assert(!weft_lock_locked(&lk));
    weft_cond_destroy(&c);
    weft_lock_destroy(&lk);
    return 0;
}

START_TEST(cond_wait_without_lock_is_eperm) {
    ck_assert_run(both(_i, cond_without_lock, NULL), 0, _i);
}
END_TEST

/* Producer and consumer over a condition under both backends. */
struct pc_case {
    weft_lock lk;
    weft_cond c;
    int items;
    int consumed;
};

static int pc_consumer(void *arg) {
    struct pc_case *p = arg;
    for (int i = 0; i < 50; i++) {
        ck_assert_int_eq(weft_lock_acquire(&p->lk), 0);
        while (p->items == 0)
            ck_assert_int_eq(weft_cond_wait(&p->c), 0);
        p->items--;
        p->consumed++;
        ck_assert_int_eq(weft_lock_release(&p->lk), 0);
    }
    return 0;
}

static int pc_producer(void *arg) {
    struct pc_case *p = arg;
    for (int i = 0; i < 100; i++) {
        ck_assert_int_eq(weft_lock_acquire(&p->lk), 0);
        p->items++;
        weft_cond_notify(&p->c, 1);
        ck_assert_int_eq(weft_lock_release(&p->lk), 0);
        if (i % 3 == 0) weft_sleep(10 * WEFT_USEC);
    }
    return 0;
}

static int producer_consumer(void *arg) {
    struct pc_case *p = arg;
    weft_lock_init(&p->lk);
    weft_cond_init(&p->c, &p->lk);
    weft_group g;
    weft_group_init(&g);
    spawn(&g, "consumer", pc_consumer, p);
    spawn(&g, "consumer", pc_consumer, p);
    spawn(&g, "producer", pc_producer, p);
    ck_assert_int_eq(join(&g), 0);
    weft_cond_destroy(&p->c);
    weft_lock_destroy(&p->lk);
    return 0;
}

START_TEST(cond_producer_consumer_counts_match) {
    struct pc_case p;
    memset(&p, 0, sizeof p);
    ck_assert_run(both(_i, producer_consumer, &p), 0, _i);
    ck_assert_int_eq(p.consumed, 100);
    ck_assert_int_eq(p.items, 0);
}
END_TEST

/* ==== cancel ==== */

/* A waiter cancelled by its deadline: -ECANCELED at the deadline, and the
 * lock released later stays free (it was not handed to the dead wait). */
static int lock_cancelled(void *arg) {
    (void)arg;
    weft_lock lk;
    weft_lock_init(&lk);
    struct holder h = {&lk, 2 * UNIT, 0, 1};
    weft_group g;
    weft_group_init(&g);
    spawn(&g, "holder", hold_lock, &h);
    weft_sleep(WEFT_MSEC);
    weft_scope s;
    weft_move_on_after(&s, UNIT);
    int rc = weft_lock_acquire(&lk);
    ck_assert_int_eq(weft_scope_exit(&s, rc), 0);
    ck_assert_int_eq(rc, -ECANCELED);
    ck_assert_at(UNIT + WEFT_MSEC);
    ck_assert_uint_eq(weft_lock_waiters(&lk), 0);
    ck_assert_int_eq(weft_lock_release(&lk), -EPERM);
    join(&g);
    ck_assert_at(2 * UNIT);
    ck_assert(!weft_lock_locked(&lk));
    /* already cancelled: refused before taking a free lock */
    weft_scope_enter(&s, WEFT_NEVER, 0);
    weft_scope_cancel(&s);
    ck_assert_int_eq(weft_lock_acquire(&lk), -ECANCELED);
    ck_assert(!weft_lock_locked(&lk));
    weft_scope_exit(&s, -ECANCELED);
    weft_lock_destroy(&lk);
    return 0;
}

START_TEST(lock_cancelled_acquire_leaves_lock_free) {
    ck_assert_run(both(_i, lock_cancelled, NULL), 0, _i);
}
END_TEST

/* The release and the waiter's deadline at the same instant, in every
 * order the seeds find: either the waiter got the lock (and releases
 * it) or it did not and the lock ends free. */
struct lock_race {
    weft_lock lk;
    int rc;
};

static int lock_race_waiter(void *arg) {
    struct lock_race *r = arg;
    weft_scope s;
    weft_move_on_at(&s, UNIT);
    r->rc = weft_lock_acquire(&r->lk);
    weft_scope_exit(&s, r->rc);
    if (r->rc == 0)
        ck_assert_int_eq(weft_lock_release(&r->lk), 0);
    else
        ck_assert_int_eq(weft_lock_release(&r->lk), -EPERM);
    return 0;
}

static int lock_release_vs_deadline(void *arg) {
    struct lock_race *r = arg;
    weft_lock_init(&r->lk);
    weft_lock_acquire(&r->lk);
    weft_group g;
    weft_group_init(&g);
    spawn(&g, "waiter", lock_race_waiter, r);
    weft_sleep_until(UNIT);
    weft_lock_release(&r->lk);
    join(&g);
    ck_assert(!weft_lock_locked(&r->lk));
    weft_lock_destroy(&r->lk);
    return 0;
}

START_TEST(lock_release_racing_deadline_never_leaks_lock) {
    struct lock_race r;
    memset(&r, 0, sizeof r);
    ck_assert_run(sim((uint64_t)_i, lock_release_vs_deadline, &r), 0, _i);
    ck_assert_msg(r.rc == 0 || r.rc == -ECANCELED, "rc=%d seed=%d", r.rc, _i);
}
END_TEST

struct cancel_acq {
    weft_sem s;
    weft_limiter l;
    int sem_rc;
    int lim_rc;
};

static int cancelled_acquirer(void *arg) {
    struct cancel_acq *c = arg;
    weft_scope s;
    weft_move_on_after(&s, UNIT);
    c->sem_rc = weft_sem_acquire(&c->s);
    c->lim_rc = weft_limiter_acquire(&c->l);
    weft_scope_exit(&s, -ECANCELED);
    ck_assert_int_eq(weft_limiter_release(&c->l), -EPERM); /* holds none */
    return 0;
}

static int sem_limiter_cancelled(void *arg) {
    struct cancel_acq *c = arg;
    weft_sem_init(&c->s, 0, 1);
    weft_limiter_init(&c->l, 1);
    ck_assert_int_eq(weft_limiter_acquire(&c->l), 0);
    weft_group g;
    weft_group_init(&g);
    spawn(&g, "acquirer", cancelled_acquirer, c);
    weft_sleep(2 * UNIT);
    ck_assert_int_eq(c->sem_rc, -ECANCELED);
    ck_assert_int_eq(c->lim_rc, -ECANCELED);
    ck_assert_uint_eq(weft_sem_waiters(&c->s), 0);
    ck_assert_int_eq(weft_sem_release(&c->s), 0);
    ck_assert_uint_eq(weft_sem_value(&c->s), 1); /* nobody took it */
    ck_assert_int_eq(weft_limiter_release(&c->l), 0);
    ck_assert_uint_eq(weft_limiter_borrowed(&c->l), 0);
    join(&g);
    ck_assert_int_eq(weft_sem_try_acquire(&c->s), 0);
    weft_sem_destroy(&c->s);
    weft_limiter_destroy(&c->l);
    return 0;
}

START_TEST(sem_and_limiter_cancelled_acquire_take_nothing) {
    struct cancel_acq c;
    memset(&c, 0, sizeof c);
    ck_assert_run(both(_i, sem_limiter_cancelled, &c), 0, _i);
}
END_TEST

/* Cancelled while another task holds the lock: the wait ends with
 * -ECANCELED only once the lock is back, at the holder's release. */
static int lock_taker(void *arg) {
    struct cond_case *c = arg;
    weft_sleep(UNIT / 2);
    ck_assert_int_eq(weft_lock_acquire(&c->lk), 0);
    weft_sleep(3 * UNIT / 2);
    ck_assert_int_eq(weft_lock_release(&c->lk), 0);
    return 0;
}

static int cond_cancel_reacquires(void *arg) {
    struct cond_case *c = arg;
    weft_lock_init(&c->lk);
    weft_cond_init(&c->c, &c->lk);
    weft_group g;
    weft_group_init(&g);
    spawn(&g, "taker", lock_taker, c);
    ck_assert_int_eq(weft_lock_acquire(&c->lk), 0);
    weft_scope s;
    weft_move_on_after(&s, UNIT);
    int rc = weft_cond_wait(&c->c);
    weft_scope_exit(&s, rc);
    ck_assert_int_eq(rc, -ECANCELED);
    ck_assert_at(2 * UNIT);
    ck_assert_int_eq(weft_lock_release(&c->lk), 0); /* held again */
    join(&g);
    /* already cancelled: returns at once, still holding the lock */
    ck_assert_int_eq(weft_lock_acquire(&c->lk), 0);
    weft_scope_enter(&s, WEFT_NEVER, 0);
    weft_scope_cancel(&s);
    ck_assert_int_eq(weft_cond_wait(&c->c), -ECANCELED);
    weft_scope_exit(&s, -ECANCELED);
    ck_assert_int_eq(weft_lock_release(&c->lk), 0);
    weft_cond_destroy(&c->c);
    weft_lock_destroy(&c->lk);
    return 0;
}

START_TEST(cond_cancelled_wait_reacquires_lock) {
    struct cond_case c;
    memset(&c, 0, sizeof c);
    ck_assert_run(both(_i, cond_cancel_reacquires, &c), 0, _i);
}
END_TEST

/* A notify racing an explicit cancel of the oldest waiter at the same
 * instant, in every order the seeds find; the notifier holds the lock
 * across a schedule point after notifying, so the cancel may also land
 * while the notified waiter waits for the lock. Exactly one waiter is
 * notified, and the oldest reports -ECANCELED only if the notify went to
 * the other (a cancelled waiter never eats a notify). */
static int cancel_oldest(void *arg) {
    struct cond_waiter *w = arg;
    weft_sleep_until(UNIT);
    if (w->scope) weft_scope_cancel(w->scope);
    return 0;
}

static int cond_notify_vs_cancel(void *arg) {
    struct cond_case *c = arg;
    weft_lock_init(&c->lk);
    weft_cond_init(&c->c, &c->lk);
    struct cond_waiter w[2] = {{c, 0, WEFT_NEVER, NULL},
                               {c, 1, WEFT_NEVER, NULL}};
    weft_group g;
    weft_group_init(&g);
    for (int i = 0; i < 2; i++)
        spawn(&g, "waiter", cond_waiter, &w[i]);
    spawn(&g, "canceller", cancel_oldest, &w[0]);
    weft_sleep_until(UNIT);
    ck_assert_int_eq(weft_lock_acquire(&c->lk), 0);
    weft_cond_notify(&c->c, 1);
    weft_yield();
    ck_assert_int_eq(weft_lock_release(&c->lk), 0);
    weft_sleep(UNIT);
    ck_assert_int_eq(c->nwoken, 1);
    ck_assert_int_eq(c->at[c->woken[0]], UNIT);
    if (c->woken[0] == 1) {
        ck_assert_int_eq(c->rc[0], -ECANCELED);
    } else {
        ck_assert_uint_eq(weft_cond_waiters(&c->c), 1);
        notify_locked(c, SIZE_MAX);
    }
    join(&g);
    ck_assert_int_eq(c->nwoken, c->woken[0] == 1 ? 1 : 2);
    weft_cond_destroy(&c->c);
    weft_lock_destroy(&c->lk);
    return 0;
}

START_TEST(cond_cancelled_waiter_consumes_no_notify) {
    struct cond_case c;
    memset(&c, 0, sizeof c);
    ck_assert_run(sim((uint64_t)_i, cond_notify_vs_cancel, &c), 0, _i);
}
END_TEST

static int event_cancelled(void *arg) {
    (void)arg;
    weft_event e;
    weft_event_init(&e);
    weft_scope s;
    weft_move_on_after(&s, UNIT);
    int rc = weft_event_wait(&e);
    weft_scope_exit(&s, rc);
    ck_assert_int_eq(rc, -ECANCELED);
    ck_assert_at(UNIT);
    ck_assert_uint_eq(weft_event_waiters(&e), 0);
    weft_event_destroy(&e);
    return 0;
}

START_TEST(event_cancelled_wait_is_ecanceled) {
    ck_assert_run(both(_i, event_cancelled, NULL), 0, _i);
}
END_TEST

/* ---- the property: 10,000 seeds of random work and cancellation ----
 * Workers run random operations on one lock (with a condition), one
 * bounded semaphore, one limiter (whose total a chaos task changes) and
 * one event, each operation in a scope with a random deadline, while a
 * chaos task cancels workers' operations at random. Checked throughout:
 * mutual exclusion, at most value holders of the semaphore, that a
 * failed acquire holds nothing (its release is -EPERM), that the lock is
 * held on every return of cond_wait. Checked at the end: every count is
 * back where it started. */

#define PROP_SEEDS 10000
#define NWORKERS 5

struct prop {
    char fail[256];
    weft_lock lk;
    weft_cond c;
    weft_sem s;
    weft_limiter l;
    weft_event e;
    unsigned sem_units;
    size_t max_total; /* highest total the limiter had */
    int in_lock;      /* tasks inside the lock: 0 or 1 */
    int sem_holders;
    int lim_holders;
    int tokens; /* cond's predicate: notified work */
    int produced, consumed;
    weft_scope *cur[NWORKERS]; /* each worker's operation scope */
    int done;                  /* workers finished */
};

#define PROP_CHECK(p, cond)                                                    \
    do {                                                                       \
        if (!(cond) && !(p)->fail[0]) {                                        \
            snprintf((p)->fail, sizeof(p)->fail, "line %d: %s (t=%lld)",       \
                     __LINE__, #cond, (long long)weft_now());                  \
        }                                                                      \
    } while (0)

struct worker {
    struct prop *p;
    int id;
};

static weft_time random_deadline(void) {
    uint64_t r = weft_random() % 8;
    if (r < 3) return WEFT_NEVER;
    if (r == 3) return 0; /* already expired */
    return (weft_time)(weft_random() % 3000) * WEFT_USEC;
}

static void op_enter(struct worker *w, weft_scope *s) {
    weft_move_on_after(s, random_deadline());
    w->p->cur[w->id] = s;
}

static void op_exit(struct worker *w, weft_scope *s, int rc) {
    w->p->cur[w->id] = NULL;
    weft_scope_exit(s, rc);
}

static void pause_random(void) {
    if (weft_random() % 2) {
        weft_yield();
    } else {
        weft_sleep((weft_time)(weft_random() % 1000) * WEFT_USEC);
    }
}

static void op_lock(struct worker *w) {
    struct prop *p = w->p;
    weft_scope s;
    op_enter(w, &s);
    int rc = weft_lock_acquire(&p->lk);
    PROP_CHECK(p, rc == 0 || rc == -ECANCELED);
    if (rc == 0) {
        PROP_CHECK(p, ++p->in_lock == 1);
        pause_random(); /* may be cancelled: the lock is still held */
        p->in_lock--;
        PROP_CHECK(p, weft_lock_release(&p->lk) == 0);
    } else {
        PROP_CHECK(p, weft_lock_release(&p->lk) == -EPERM);
    }
    op_exit(w, &s, rc);
}

static void op_sem(struct worker *w) {
    struct prop *p = w->p;
    weft_scope s;
    op_enter(w, &s);
    int rc = weft_sem_acquire(&p->s);
    PROP_CHECK(p, rc == 0 || rc == -ECANCELED);
    if (rc == 0) {
        PROP_CHECK(p, ++p->sem_holders <= (int)p->sem_units);
        pause_random();
        p->sem_holders--;
        PROP_CHECK(p, weft_sem_release(&p->s) == 0);
    }
    op_exit(w, &s, rc);
}

static void op_limiter(struct worker *w) {
    struct prop *p = w->p;
    char request;
    const void *b = weft_random() % 2 ? (const void *)&request : NULL;
    weft_scope s;
    op_enter(w, &s);
    int rc = b ? weft_limiter_acquire_on_behalf(&p->l, b)
               : weft_limiter_acquire(&p->l);
    PROP_CHECK(p, rc == 0 || rc == -ECANCELED);
    if (rc == 0) {
        p->lim_holders++;
        PROP_CHECK(p, (size_t)p->lim_holders <= weft_limiter_borrowed(&p->l));
        PROP_CHECK(p, weft_limiter_borrowed(&p->l) <= p->max_total);
        pause_random();
        p->lim_holders--;
    }
    int want = rc == 0 ? 0 : -EPERM;
    PROP_CHECK(p, (b ? weft_limiter_release_on_behalf(&p->l, b)
                     : weft_limiter_release(&p->l)) == want);
    op_exit(w, &s, rc);
}

/* Consumes one token of work under the lock, waiting on the condition;
 * the lock must be held on every return of cond_wait. */
static void op_cond(struct worker *w) {
    struct prop *p = w->p;
    weft_scope s;
    op_enter(w, &s);
    int rc = weft_lock_acquire(&p->lk);
    if (rc == 0) {
        PROP_CHECK(p, ++p->in_lock == 1);
        while (rc == 0 && p->tokens == 0) {
            p->in_lock--;
            rc = weft_cond_wait(&p->c);
            PROP_CHECK(p, rc == 0 || rc == -ECANCELED);
            PROP_CHECK(p, ++p->in_lock == 1);
        }
        if (rc == 0) {
            p->tokens--;
            p->consumed++;
        }
        p->in_lock--;
        PROP_CHECK(p, weft_lock_release(&p->lk) == 0);
    }
    op_exit(w, &s, rc);
}

static void op_produce(struct worker *w) {
    struct prop *p = w->p;
    weft_scope s;
    op_enter(w, &s);
    int rc = weft_lock_acquire(&p->lk);
    if (rc == 0) {
        PROP_CHECK(p, ++p->in_lock == 1);
        p->tokens++;
        p->produced++;
        if (weft_random() % 4) {
            weft_cond_notify(&p->c, 1);
        } else {
            weft_cond_notify_all(&p->c);
        }
        p->in_lock--;
        PROP_CHECK(p, weft_lock_release(&p->lk) == 0);
    }
    op_exit(w, &s, rc);
}

static void op_event(struct worker *w) {
    struct prop *p = w->p;
    if (weft_random() % 8 == 0) {
        weft_event_set(&p->e);
        return;
    }
    weft_scope s;
    op_enter(w, &s);
    int rc = weft_event_wait(&p->e);
    PROP_CHECK(p, rc == -ECANCELED || (rc == 0 && weft_event_is_set(&p->e)));
    op_exit(w, &s, rc);
}

static int prop_worker(void *arg) {
    struct worker *w = arg;
    static void (*const ops[])(struct worker *) = {
        op_lock, op_sem, op_limiter, op_cond, op_produce, op_event,
    };
    for (int i = 0; i < 8; i++) {
        ops[weft_random() % (sizeof ops / sizeof ops[0])](w);
        if (weft_random() % 2) weft_yield();
    }
    w->p->done++;
    return 0;
}

/* Cancels workers' operations and changes the limiter's total until the
 * workers are done. */
static int prop_chaos(void *arg) {
    struct prop *p = arg;
    while (p->done < NWORKERS) {
        weft_time pause = (weft_time)(weft_random() % 700) * WEFT_USEC;
        if (weft_sleep(pause) == -ECANCELED) break; /* the end of all */
        weft_scope *s = p->cur[weft_random() % NWORKERS];
        if (s && weft_random() % 2) weft_scope_cancel(s);
        if (weft_random() % 4 == 0) {
            size_t total = 1 + weft_random() % 3;
            PROP_CHECK(p, weft_limiter_set_total(&p->l, total) == 0);
            if (total > p->max_total) p->max_total = total;
        }
    }
    return 0;
}

static int prop_main(void *arg) {
    struct prop *p = arg;
    p->sem_units = 1 + (unsigned)(weft_random() % 3);
    p->max_total = 1 + weft_random() % 3;
    weft_lock_init(&p->lk);
    weft_cond_init(&p->c, &p->lk);
    weft_sem_init(&p->s, p->sem_units, p->sem_units);
    weft_limiter_init(&p->l, p->max_total);
    weft_event_init(&p->e);
    struct worker w[NWORKERS];
    weft_scope all; /* ends cond waits that no producer will notify */
    weft_move_on_after(&all, 50 * WEFT_MSEC);
    weft_group g;
    weft_group_init(&g);
    for (int i = 0; i < NWORKERS; i++) {
        w[i] = (struct worker){p, i};
        weft_spawn(&g, "worker", prop_worker, &w[i]);
    }
    weft_spawn(&g, "chaos", prop_chaos, p);
    int jrc = join(&g);
    PROP_CHECK(p, jrc == 0 || jrc == -ECANCELED);
    weft_scope_exit(&all, 0);
    PROP_CHECK(p, p->done == NWORKERS);
    PROP_CHECK(p, !weft_lock_locked(&p->lk) && p->in_lock == 0);
    PROP_CHECK(p, weft_sem_value(&p->s) == p->sem_units);
    PROP_CHECK(p, weft_limiter_borrowed(&p->l) == 0);
    PROP_CHECK(p, weft_limiter_available(&p->l) == weft_limiter_total(&p->l));
    PROP_CHECK(p, p->produced == p->consumed + p->tokens && p->tokens >= 0);
    PROP_CHECK(p, weft_cond_waiters(&p->c) == 0);
    weft_event_set(&p->e);
    weft_event_destroy(&p->e);
    weft_limiter_destroy(&p->l);
    weft_sem_destroy(&p->s);
    weft_cond_destroy(&p->c);
    weft_lock_destroy(&p->lk);
    return 0;
}

/* Runs the property over PROP_SEEDS seeds, or only $PROP_SEED if set. */
START_TEST(sync_random_cancellation_keeps_every_count) {
    uint64_t first, n;
    prop_seeds(PROP_SEEDS, &first, &n);
    static struct prop p;
    for (uint64_t seed = first; seed < first + n; seed++) {
        memset(&p, 0, sizeof p);
        int rc = sim(seed, prop_main, &p);
        ck_assert_msg(rc == 0 && !p.fail[0],
                      "seed=%llu rc=%d: %s (replay: PROP_SEED=%llu "
                      "CK_RUN_SUITE=sync CK_RUN_CASE=cancel "
                      "tests/check_sync)",
                      (unsigned long long)seed, rc, p.fail,
                      (unsigned long long)seed);
    }
}
END_TEST

/* ==== timeout ==== */

static int lock_fail_after(void *arg) {
    (void)arg;
    weft_lock lk;
    weft_lock_init(&lk);
    struct holder h = {&lk, 5 * UNIT, 0, 1};
    weft_group g;
    weft_group_init(&g);
    spawn(&g, "holder", hold_lock, &h);
    weft_sleep(UNIT);
    weft_scope s;
    weft_fail_after(&s, 2 * UNIT);
    int rc = weft_lock_acquire(&lk);
    ck_assert_int_eq(weft_scope_exit(&s, rc), -ETIMEDOUT);
    ck_assert_at(3 * UNIT);
    join(&g);
    ck_assert_at(5 * UNIT);
    weft_lock_destroy(&lk);
    return 0;
}

START_TEST(lock_acquire_fail_after_times_out_at_deadline) {
    ck_assert_run(both(_i, lock_fail_after, NULL), 0, _i);
}
END_TEST

static int waits_time_out(void *arg) {
    (void)arg;
    weft_sem s;
    weft_limiter l;
    weft_event e;
    weft_sem_init(&s, 0, 0);
    weft_limiter_init(&l, 1);
    weft_limiter_acquire_on_behalf(&l, &l);
    weft_event_init(&e);
    weft_scope sc;
    weft_fail_after(&sc, UNIT);
    ck_assert_int_eq(weft_scope_exit(&sc, weft_sem_acquire(&s)), -ETIMEDOUT);
    ck_assert_at(UNIT);
    weft_fail_after(&sc, UNIT);
    ck_assert_int_eq(weft_scope_exit(&sc, weft_limiter_acquire(&l)),
                     -ETIMEDOUT);
    ck_assert_at(2 * UNIT);
    weft_move_on_after(&sc, UNIT);
    ck_assert_int_eq(weft_scope_exit(&sc, weft_event_wait(&e)), 0);
    ck_assert_at(3 * UNIT);
    weft_move_on_after(&sc, 0); /* expired at once: no wait at all */
    ck_assert_int_eq(weft_sem_try_acquire(&s), -EWOULDBLOCK);
    ck_assert_int_eq(weft_scope_exit(&sc, weft_sem_acquire(&s)), 0);
    ck_assert_at(3 * UNIT);
    weft_limiter_release_on_behalf(&l, &l);
    weft_event_destroy(&e);
    weft_limiter_destroy(&l);
    weft_sem_destroy(&s);
    return 0;
}

START_TEST(sync_waits_time_out_at_deadline) {
    ck_assert_run(both(_i, waits_time_out, NULL), 0, _i);
}
END_TEST

/* ==== fairness ==== */

struct fifo_case {
    weft_lock lk;
    weft_sem s;
    weft_limiter l;
    int kind; /* 0 lock, 1 sem, 2 limiter */
    int order[8];
    int n;
};

struct fifo_waiter {
    struct fifo_case *c;
    int id;
};

static int fifo_acquire(struct fifo_case *c) {
    if (c->kind == 0) return weft_lock_acquire(&c->lk);
    if (c->kind == 1) return weft_sem_acquire(&c->s);
    return weft_limiter_acquire(&c->l);
}

static int fifo_release(struct fifo_case *c) {
    if (c->kind == 0) return weft_lock_release(&c->lk);
    if (c->kind == 1) return weft_sem_release(&c->s);
    return weft_limiter_release(&c->l);
}

static int fifo_waiter(void *arg) {
    struct fifo_waiter *w = arg;
    weft_sleep((weft_time)(w->id + 1) * WEFT_MSEC);
    ck_assert_int_eq(fifo_acquire(w->c), 0);
    w->c->order[w->c->n++] = w->id;
    weft_yield();
    ck_assert_int_eq(fifo_release(w->c), 0);
    return 0;
}

/* Waiters arrive in id order while the resource is held; a late task
 * tries to barge in right after each release and never gets it. */
static int fifo_main(void *arg) {
    struct fifo_case *c = arg;
    weft_lock_init(&c->lk);
    weft_sem_init(&c->s, 1, 1);
    weft_limiter_init(&c->l, 1);
    ck_assert_int_eq(fifo_acquire(c), 0);
    struct fifo_waiter w[8];
    weft_group g;
    weft_group_init(&g);
    for (int i = 0; i < 8; i++) {
        w[i] = (struct fifo_waiter){c, i};
        spawn(&g, "waiter", fifo_waiter, &w[i]);
    }
    weft_sleep(UNIT);
    ck_assert_int_eq(fifo_release(c), 0);
    int barged = 0;
    while (c->n < 8) {
        char late;
        if (c->kind == 0) barged += weft_lock_try_acquire(&c->lk) == 0;
        if (c->kind == 1) barged += weft_sem_try_acquire(&c->s) == 0;
        if (c->kind == 2) {
            barged += weft_limiter_try_acquire_on_behalf(&c->l, &late) == 0;
        }
        weft_yield();
    }
    ck_assert_int_eq(join(&g), 0);
    ck_assert_int_eq(barged, 0);
    for (int i = 0; i < 8; i++)
        ck_assert_int_eq(c->order[i], i);
    weft_limiter_destroy(&c->l);
    weft_sem_destroy(&c->s);
    weft_lock_destroy(&c->lk);
    return 0;
}

START_TEST(sync_waiters_served_fifo_without_barging) {
    for (int kind = 0; kind < 3; kind++) {
        struct fifo_case c;
        memset(&c, 0, sizeof c);
        c.kind = kind;
        ck_assert_run(both(_i, fifo_main, &c), 0, _i);
    }
}
END_TEST

/* ==== misuse ==== */

/* Objects are created at a made-up site, so the messages can be matched
 * exactly. Each body aborts in a child process. */

static int destroy_held_lock(void *arg) {
    (void)arg;
    weft_lock lk;
    weft_lock_init_at(&lk, "site.c", 11);
    weft_lock_acquire(&lk);
    weft_lock_destroy(&lk);
    return 0;
}

START_TEST(lock_destroy_while_held_aborts_naming_site) {
    expect_misuse(destroy_held_lock, NULL, "weft_lock_destroy",
                  "held by task 'main'", "created at site.c:11", NULL);
}
END_TEST

static int acquire_sem(void *arg) {
    return weft_sem_acquire(arg);
}
static int acquire_limiter(void *arg) {
    return weft_limiter_acquire(arg);
}
static int wait_event(void *arg) {
    return weft_event_wait(arg);
}

static int wait_cond(void *arg) {
    weft_cond *c = arg;
    weft_lock_acquire(weft_cond_lock(c));
    return weft_cond_wait(c);
}

/* Destroys an object of kind k while a task named "waiter" waits on it. */
static int destroy_waited(void *arg) {
    int k = *(int *)arg;
    weft_sem s;
    weft_limiter l;
    weft_event e;
    weft_lock lk;
    weft_cond c;
    weft_sem_init_at(&s, 0, 0, "site.c", 12);
    weft_limiter_init_at(&l, 1, "site.c", 13);
    weft_event_init_at(&e, "site.c", 14);
    weft_lock_init(&lk);
    weft_cond_init_at(&c, &lk, "site.c", 15);
    weft_group g;
    weft_group_init(&g);
    if (k == 0) weft_spawn(&g, "waiter", acquire_sem, &s);
    if (k == 1) {
        weft_limiter_acquire_on_behalf(&l, &l);
        weft_spawn(&g, "waiter", acquire_limiter, &l);
    }
    if (k == 2) weft_spawn(&g, "waiter", wait_event, &e);
    if (k == 3) weft_spawn(&g, "waiter", wait_cond, &c);
    weft_sleep(WEFT_MSEC);
    if (k == 0) weft_sem_destroy(&s);
    if (k == 1) weft_limiter_destroy(&l);
    if (k == 2) weft_event_destroy(&e);
    if (k == 3) weft_cond_destroy(&c);
    return 0;
}

START_TEST(sync_destroy_with_waiters_aborts_naming_site) {
    static const char *const what[][2] = {
        {"weft_sem_destroy", "site.c:12"},
        {"weft_limiter_destroy", "site.c:13"},
        {"weft_event_destroy", "site.c:14"},
        {"weft_cond_destroy", "site.c:15"},
    };
    static const char *const kind[] = {"semaphore", "limiter", "event",
                                       "condition"};
    int k = _i;
    char waits[64];
    snprintf(waits, sizeof waits, "1 task(s) still wait in %s", kind[k]);
    expect_misuse(destroy_waited, &k, what[k][0], what[k][1], waits,
                  "oldest 'waiter'", NULL);
}
END_TEST

static int destroy_borrowed(void *arg) {
    (void)arg;
    weft_limiter l;
    weft_limiter_init_at(&l, 2, "site.c", 16);
    weft_limiter_acquire(&l);
    weft_limiter_destroy(&l);
    return 0;
}

START_TEST(limiter_destroy_while_borrowed_aborts_naming_site) {
    expect_misuse(destroy_borrowed, NULL, "weft_limiter_destroy",
                  "1 token(s) still borrowed", "created at site.c:16", NULL);
}
END_TEST

static int use_after_destroy(void *arg) {
    (void)arg;
    weft_lock lk;
    weft_lock_init_at(&lk, "site.c", 17);
    weft_lock_destroy(&lk);
    weft_lock_acquire(&lk);
    return 0;
}

START_TEST(lock_use_after_destroy_aborts_naming_site) {
    expect_misuse(use_after_destroy, NULL,
                  "weft_lock_acquire: this weft_lock was destroyed",
                  "created at site.c:17", NULL);
}
END_TEST

static int use_uninitialised(void *arg) {
    (void)arg;
    weft_lock lk;
    memset(&lk, 0, sizeof lk);
    weft_lock_locked(&lk);
    return 0;
}

START_TEST(lock_uninitialised_aborts) {
    expect_misuse(use_uninitialised, NULL,
                  "weft_lock_locked: not an initialised weft_lock", NULL);
}
END_TEST

static int use_wrong_kind(void *arg) {
    (void)arg;
    weft_lock lk;
    weft_lock_init(&lk);
    weft_sem_value((weft_sem *)(void *)&lk);
    return 0;
}

START_TEST(sem_given_a_lock_aborts) {
    expect_misuse(use_wrong_kind, NULL,
                  "weft_sem_value: object is a weft_lock, not a weft_sem",
                  NULL);
}
END_TEST

/* A lock of one runtime used by a task of another, both alive: the
 * first runtime's thread waits in pthread_join while the second runs. */
static weft_lock foreign;

static int use_foreign(void *arg) {
    (void)arg;
    weft_lock_acquire(&foreign);
    return 0;
}

static void *other_runtime(void *arg) {
    (void)arg;
    run_sim(2, use_foreign, NULL);
    return NULL;
}

static int lend_to_other_runtime(void *arg) {
    (void)arg;
    weft_lock_init_at(&foreign, "site.c", 18);
    pthread_t th;
    pthread_create(&th, NULL, other_runtime, NULL);
    pthread_join(th, NULL);
    return 0;
}

START_TEST(lock_from_another_runtime_aborts) {
    expect_misuse(lend_to_other_runtime, NULL,
                  "weft_lock_acquire: this weft_lock belongs to another "
                  "runtime",
                  "created at site.c:18", NULL);
}
END_TEST

static int init_foreign(void *arg) {
    (void)arg;
    weft_lock_init_at(&foreign, "site.c", 19);
    return 0;
}

static void use_after_run(void *arg) {
    (void)arg;
    run_sim(1, init_foreign, NULL);
    weft_lock_locked(&foreign);
}

START_TEST(lock_used_outside_runtime_aborts) {
    expect_misuse_child(use_after_run, NULL,
                        "weft_lock_locked called outside weft_run",
                        "created at site.c:19", NULL);
}
END_TEST

static void init_outside(void *arg) {
    (void)arg;
    weft_lock lk;
    weft_lock_init(&lk);
}

START_TEST(lock_init_outside_task_aborts) {
    expect_misuse_child(init_outside, NULL,
                        "weft_lock_init called outside a weft task", NULL);
}
END_TEST

static int notify_unlocked(void *arg) {
    (void)arg;
    weft_lock lk;
    weft_cond c;
    weft_lock_init(&lk);
    weft_cond_init_at(&c, &lk, "site.c", 20);
    weft_cond_notify(&c, 1);
    return 0;
}

START_TEST(cond_notify_without_lock_aborts) {
    expect_misuse(notify_unlocked, NULL,
                  "weft_cond_notify: the calling task 'main' does not hold "
                  "the condition's lock",
                  "created at site.c:20", NULL);
}
END_TEST

static int cond_on_destroyed_lock(void *arg) {
    (void)arg;
    weft_lock lk;
    weft_cond c;
    weft_lock_init_at(&lk, "site.c", 21);
    weft_lock_destroy(&lk);
    weft_cond_init(&c, &lk);
    return 0;
}

START_TEST(cond_init_on_destroyed_lock_aborts) {
    expect_misuse(cond_on_destroyed_lock, NULL,
                  "weft_cond_init: this weft_lock was destroyed", "site.c:21",
                  NULL);
}
END_TEST

/* ==== oom ==== */

#if !WEFT_ASAN /* ASan owns malloc: there the case is empty */

#define NTOKENS 20

/* Borrowing NTOKENS tokens grows the borrower set a few times; the
 * borrow whose growth fails gets -ENOMEM and changes nothing. */
static int limiter_grow_oom(void *arg) {
    long fail_at = *(long *)arg;
    static char tok[NTOKENS];
    int rc[NTOKENS];
    weft_limiter l;
    weft_limiter_init(&l, NTOKENS);
    oom_failures = 0;
    oom_countdown = fail_at;
    for (int i = 0; i < NTOKENS; i++) {
        rc[i] = weft_limiter_try_acquire_on_behalf(&l, &tok[i]);
    }
    oom_countdown = 0;
    size_t held = 0;
    for (int i = 0; i < NTOKENS; i++) {
        ck_assert(rc[i] == 0 || rc[i] == -ENOMEM);
        held += rc[i] == 0;
    }
    ck_assert_uint_eq(held, NTOKENS - (size_t)oom_failures);
    ck_assert_uint_eq(weft_limiter_borrowed(&l), held);
    for (int i = 0; i < NTOKENS; i++) {
        ck_assert_int_eq(weft_limiter_release_on_behalf(&l, &tok[i]),
                         rc[i] == 0 ? 0 : -EPERM);
    }
    weft_limiter_destroy(&l);
    return (int)oom_failures;
}

START_TEST(limiter_acquire_oom_fails_cleanly) {
    long n;
    int failed = 1;
    for (n = 1; failed; n++) {
        failed = sim(1, limiter_grow_oom, &n);
        ck_assert_int_ge(failed, 0);
    }
    ck_assert_int_gt(n, 3); /* the set did grow, and fail, on the way */
}
END_TEST

static int borrow_and_return(void *arg) {
    weft_limiter *l = arg;
    int rc = weft_limiter_acquire(l);
    if (rc == 0) rc = weft_limiter_release(l);
    return rc;
}

/* set_total makes room for every waiter it wakes before waking any:
 * when that fails it returns -ENOMEM and nothing changed. */
static int limiter_set_total_oom(void *arg) {
    (void)arg;
    weft_limiter l;
    weft_limiter_init(&l, 1);
    weft_limiter_acquire(&l);
    weft_group g;
    weft_group_init(&g);
    for (int i = 0; i < 10; i++)
        spawn(&g, "waiter", borrow_and_return, &l);
    weft_sleep(WEFT_MSEC);
    oom_countdown = 1;
    int rc = weft_limiter_set_total(&l, 11);
    oom_countdown = 0;
    ck_assert_int_eq(rc, -ENOMEM);
    ck_assert_uint_eq(weft_limiter_total(&l), 1);
    ck_assert_uint_eq(weft_limiter_waiters(&l), 10);
    ck_assert_uint_eq(weft_limiter_borrowed(&l), 1);
    ck_assert_int_eq(weft_limiter_set_total(&l, 11), 0);
    ck_assert_uint_eq(weft_limiter_waiters(&l), 0);
    ck_assert_uint_eq(weft_limiter_borrowed(&l), 11);
    ck_assert_int_eq(weft_limiter_release(&l), 0);
    ck_assert_int_eq(join(&g), 0);
    ck_assert_uint_eq(weft_limiter_borrowed(&l), 0);
    weft_limiter_destroy(&l);
    return 0;
}

START_TEST(limiter_set_total_oom_changes_nothing) {
    ck_assert_run(sim((uint64_t)_i, limiter_set_total_oom, NULL), 0, _i);
}
END_TEST

#endif

Suite *sync_suite(void);
Suite *sync_suite(void);
Suite *sync_suite(void) {
    Suite *s = suite_create("sync");
    TCase *tc = tcase_create("basic");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, lock_acquire_release_uncontended_succeeds, 0, 3);
    tcase_add_loop_test(tc, lock_release_by_non_owner_is_eperm, 0, 50);
    tcase_add_loop_test(tc, lock_holders_are_mutually_exclusive, 0, 300);
    tcase_add_test(tc, lock_uncontended_acquire_is_schedule_point);
    tcase_add_loop_test(tc, sem_release_past_max_is_eoverflow, 0, 3);
    tcase_add_loop_test(tc, sem_release_hands_unit_to_waiter, 1, 50);
    tcase_add_loop_test(tc, limiter_second_acquire_by_borrower_is_edeadlk, 0,
                        3);
    tcase_add_loop_test(tc, limiter_on_behalf_token_released_by_any_task, 0,
                        20);
    tcase_add_loop_test(tc, limiter_set_total_raising_wakes_waiters, 1, 100);
    tcase_add_loop_test(tc, limiter_borrower_already_waiting_is_edeadlk, 1, 50);
    tcase_add_loop_test(tc, limiter_many_borrowers_counts_exact, 1, 5);
    tcase_add_loop_test(tc, event_set_wakes_every_waiter, 0, 100);
    tcase_add_test(tc, event_wait_when_set_is_checkpoint);
    tcase_add_loop_test(tc, cond_notify_wakes_oldest_first, 1, 100);
    tcase_add_loop_test(tc, cond_wait_without_lock_is_eperm, 0, 3);
    tcase_add_loop_test(tc, cond_producer_consumer_counts_match, 0, 200);
    suite_add_tcase(s, tc);

    tc = tcase_create("cancel");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, lock_cancelled_acquire_leaves_lock_free, 0, 50);
    tcase_add_loop_test(tc, lock_release_racing_deadline_never_leaks_lock, 1,
                        500);
    tcase_add_loop_test(tc, sem_and_limiter_cancelled_acquire_take_nothing, 0,
                        50);
    tcase_add_loop_test(tc, cond_cancelled_wait_reacquires_lock, 0, 50);
    tcase_add_loop_test(tc, cond_cancelled_waiter_consumes_no_notify, 1, 500);
    tcase_add_loop_test(tc, event_cancelled_wait_is_ecanceled, 0, 20);
    tcase_add_test(tc, sync_random_cancellation_keeps_every_count);
    suite_add_tcase(s, tc);

    tc = tcase_create("timeout");
    tcase_add_loop_test(tc, lock_acquire_fail_after_times_out_at_deadline, 0,
                        20);
    tcase_add_loop_test(tc, sync_waits_time_out_at_deadline, 0, 20);
    suite_add_tcase(s, tc);

    tc = tcase_create("fairness");
    tcase_add_loop_test(tc, sync_waiters_served_fifo_without_barging, 0, 100);
    suite_add_tcase(s, tc);

    tc = tcase_create("misuse");
    tcase_add_test(tc, lock_destroy_while_held_aborts_naming_site);
    tcase_add_loop_test(tc, sync_destroy_with_waiters_aborts_naming_site, 0, 4);
    tcase_add_test(tc, limiter_destroy_while_borrowed_aborts_naming_site);
    tcase_add_test(tc, lock_use_after_destroy_aborts_naming_site);
    tcase_add_test(tc, lock_uninitialised_aborts);
    tcase_add_test(tc, sem_given_a_lock_aborts);
    tcase_add_test(tc, lock_from_another_runtime_aborts);
    tcase_add_test(tc, lock_used_outside_runtime_aborts);
    tcase_add_test(tc, lock_init_outside_task_aborts);
    tcase_add_test(tc, cond_notify_without_lock_aborts);
    tcase_add_test(tc, cond_init_on_destroyed_lock_aborts);
    suite_add_tcase(s, tc);

    tc = tcase_create("oom");
#if !WEFT_ASAN
    tcase_add_test(tc, limiter_acquire_oom_fails_cleanly);
    tcase_add_loop_test(tc, limiter_set_total_oom_changes_nothing, 1, 20);
#endif
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    return run_suite(sync_suite());
}
