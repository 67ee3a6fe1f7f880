/* tests/check_sync.c: what locks, semaphores, capacity limiters, events
 * and conditions do when nothing goes wrong (docs/SYNC.md,
 * docs/SYNC.md): TCase basic of suite sync. Semantics run under sim over
 * many seeds with exact virtual times, some under the real backend too
 * (both(): loop index 0 is real). Every body ends with nothing tracked:
 * each object's init met its destroy. The rest of the suite: cancel,
 * timeout and fairness in check_sync_waits.c, the 10,000-seed property
 * in check_sync_property.c, misuse, oom and regress in
 * check_sync_misuse.c. */
#include <limits.h>
#include <string.h>

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
        fast_check(weft_lock_acquire(&m->lk) == 0);
        fast_check(++m->inside == 1);
        if (weft_random() % 2) {
            weft_yield();
        } else {
            weft_sleep((weft_time)(weft_random() % 100) * WEFT_USEC);
        }
        m->total++;
        m->inside--;
        fast_check(weft_lock_release(&m->lk) == 0);
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
        fast_check(weft_limiter_try_acquire_on_behalf(&l, &tokens[i]) == 0);
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
        fast_check(weft_limiter_release_on_behalf(&l, b) == 0);
        fast_check(weft_limiter_release_on_behalf(&l, b) == -EPERM);
        fast_check(weft_limiter_borrowed(&l) == (size_t)(NBORROWERS - 1 - i));
        if (i + 1 < NBORROWERS) { /* the rest are still members */
            const void *next = &tokens[order[i + 1]];
            fast_check(weft_limiter_try_acquire_on_behalf(&l, next) ==
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
        if (harness_is_sim()) ck_assert_int_eq(c->at[i], UNIT);
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
        fast_check(weft_lock_acquire(&p->lk) == 0);
        while (p->items == 0)
            fast_check(weft_cond_wait(&p->c) == 0);
        p->items--;
        p->consumed++;
        fast_check(weft_lock_release(&p->lk) == 0);
    }
    return 0;
}

static int pc_producer(void *arg) {
    struct pc_case *p = arg;
    for (int i = 0; i < 100; i++) {
        fast_check(weft_lock_acquire(&p->lk) == 0);
        p->items++;
        weft_cond_notify(&p->c, 1);
        fast_check(weft_lock_release(&p->lk) == 0);
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
    return s;
}

int main(void) {
    return run_suite(sync_suite());
}
