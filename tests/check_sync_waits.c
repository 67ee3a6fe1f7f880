/* tests/check_sync_waits.c: how waits on locks, semaphores, limiters,
 * events and conditions end (suite sync, TCases cancel, timeout and
 * fairness; docs/SYNC.md): a cancelled or timed-out wait takes nothing,
 * at the exact virtual deadline; a release racing a deadline or a cancel
 * never leaks the resource nor a notify; waiters are served first come,
 * first served, and a task that comes late never barges in. The
 * 10,000-seed cancellation property is in check_sync_property.c. */
#include <string.h>

#include "sync_test.h"

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

/* ---- regressions ---- */

/* Issue 7: a condition waiter that was notified (so queued for the lock)
 * and then cancelled was re-queued at the tail of the lock's queue: a
 * later acquirer got the lock before it. A notified waiter keeps its
 * place and reports success. */
struct cond_order {
    weft_lock lk;
    weft_cond c;
    weft_scope *waiter_scope;
    bool notified;
    int wait_rc;
    char order[3];
    int norder;
};

static int notified_waiter(void *arg) {
    struct cond_order *o = arg;
    weft_scope s;
    weft_scope_enter(&s, WEFT_NEVER, 0);
    o->waiter_scope = &s;
    weft_lock_acquire(&o->lk);
    o->wait_rc = weft_cond_wait(&o->c);
    o->order[o->norder++] = 'W';
    weft_lock_release(&o->lk);
    o->waiter_scope = NULL;
    return weft_scope_exit(&s, 0);
}

static int late_acquirer(void *arg) {
    struct cond_order *o = arg;
    while (!o->notified) weft_yield();
    int rc = weft_lock_acquire(&o->lk);
    o->order[o->norder++] = 'L';
    weft_lock_release(&o->lk);
    return rc;
}

static int notifier(void *arg) {
    struct cond_order *o = arg;
    while (weft_cond_waiters(&o->c) == 0) weft_yield();
    weft_lock_acquire(&o->lk);
    weft_cond_notify(&o->c, 1);
    o->notified = true;
    while (weft_lock_waiters(&o->lk) < 2) weft_yield(); /* W, then L */
    weft_scope_cancel(o->waiter_scope);
    weft_yield();
    return weft_lock_release(&o->lk);
}

static int cond_order_body(void *arg) {
    struct cond_order *o = arg;
    weft_lock_init(&o->lk);
    weft_cond_init(&o->c, &o->lk);
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "waiter", notified_waiter, o);
    weft_spawn(&g, "late", late_acquirer, o);
    weft_spawn(&g, "notifier", notifier, o);
    int rc = weft_group_join(&g);
    weft_group_destroy(&g);
    weft_cond_destroy(&o->c);
    weft_lock_destroy(&o->lk);
    return rc;
}

START_TEST(regress_7_notified_then_cancelled_waiter_keeps_its_place) {
    struct cond_order o;
    memset(&o, 0, sizeof o);
    RUN_OK(_i, cond_order_body, &o);
    ck_assert_msg(o.norder == 2 && o.order[0] == 'W' && o.order[1] == 'L',
                  "lock order %.2s; seed=%d", o.order, _i);
    ck_assert_int_eq(o.wait_rc, 0);
}
END_TEST

Suite *sync_suite(void);
Suite *sync_suite(void) {
    Suite *s = suite_create("sync");
    TCase *tc = tcase_create("cancel");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, lock_cancelled_acquire_leaves_lock_free, 0, 50);
    tcase_add_loop_test(tc, lock_release_racing_deadline_never_leaks_lock, 1,
                        500);
    tcase_add_loop_test(tc, sem_and_limiter_cancelled_acquire_take_nothing, 0,
                        50);
    tcase_add_loop_test(tc, cond_cancelled_wait_reacquires_lock, 0, 50);
    tcase_add_loop_test(tc, cond_cancelled_waiter_consumes_no_notify, 1, 500);
    tcase_add_loop_test(tc, event_cancelled_wait_is_ecanceled, 0, 20);
    suite_add_tcase(s, tc);

    tc = tcase_create("regress");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(
        tc, regress_7_notified_then_cancelled_waiter_keeps_its_place, 0, 300);
    suite_add_tcase(s, tc);

    tc = tcase_create("timeout");
    tcase_add_loop_test(tc, lock_acquire_fail_after_times_out_at_deadline, 0,
                        20);
    tcase_add_loop_test(tc, sync_waits_time_out_at_deadline, 0, 20);
    suite_add_tcase(s, tc);

    tc = tcase_create("fairness");
    tcase_add_loop_test(tc, sync_waiters_served_fifo_without_barging, 0, 100);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    return run_suite(sync_suite());
}
