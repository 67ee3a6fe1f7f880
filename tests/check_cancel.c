/* tests/check_cancel.c: cancel scopes, deadlines and shields (docs/GUIDE.md
 * "Cancellation"). Exact virtual times under sim; races between a
 * deadline and a wake-up at the same instant over many seeds. */
#include <signal.h>
#include <string.h>

#include "harness.h"

/* ---- move_on / fail ---- */

struct outcome {
    int body_rc;
    int exit_rc;
    bool caught;
    weft_time at;
};

static int move_on_sleep(void *arg) {
    struct outcome *o = arg;
    weft_scope s;
    weft_move_on_after(&s, WEFT_SEC);
    o->body_rc = weft_sleep(10 * WEFT_SEC);
    o->exit_rc = weft_scope_exit(&s, o->body_rc);
    o->caught = weft_scope_cancel_caught(&s);
    o->at = weft_now();
    return 0;
}

START_TEST(cancel_move_on_after_expiry_returns_zero) {
    struct outcome o;
    memset(&o, 0, sizeof o);
    ck_assert_int_eq(run_sim(1, move_on_sleep, &o), 0);
    ck_assert_int_eq(o.body_rc, -ECANCELED);
    ck_assert_int_eq(o.exit_rc, 0);
    ck_assert(o.caught);
    ck_assert_int_eq(o.at, WEFT_SEC);
}
END_TEST

START_TEST(cancel_move_on_after_expiry_returns_zero_real) {
    struct outcome o;
    memset(&o, 0, sizeof o);
    weft_config cfg;
    weft_config_init(&cfg);
    ck_assert_int_eq(weft_run(&cfg, move_on_sleep, &o), 0);
    ck_assert_int_eq(o.body_rc, -ECANCELED);
    ck_assert_int_eq(o.exit_rc, 0);
}
END_TEST

static int fail_sleep(void *arg) {
    struct outcome *o = arg;
    weft_scope s;
    weft_fail_at(&s, weft_now() + 2 * WEFT_SEC);
    o->body_rc = weft_sleep(10 * WEFT_SEC);
    o->exit_rc = weft_scope_exit(&s, o->body_rc);
    o->at = weft_now();
    return 0;
}

START_TEST(cancel_fail_at_expiry_returns_etimedout) {
    struct outcome o;
    memset(&o, 0, sizeof o);
    ck_assert_int_eq(run_sim(2, fail_sleep, &o), 0);
    ck_assert_int_eq(o.body_rc, -ECANCELED);
    ck_assert_int_eq(o.exit_rc, -ETIMEDOUT);
    ck_assert_int_eq(o.at, 2 * WEFT_SEC);
}
END_TEST

static int fail_cancelled_explicitly(void *arg) {
    struct outcome *o = arg;
    weft_scope s;
    weft_fail_after(&s, WEFT_SEC);
    weft_scope_cancel(&s);
    o->body_rc = weft_yield();
    o->exit_rc = weft_scope_exit(&s, o->body_rc);
    return 0;
}

START_TEST(cancel_fail_scope_cancelled_explicitly_returns_zero) {
    struct outcome o;
    memset(&o, 0, sizeof o);
    ck_assert_int_eq(run_both(_i, fail_cancelled_explicitly, &o), 0);
    ck_assert_int_eq(o.body_rc, -ECANCELED);
    ck_assert_int_eq(o.exit_rc, 0);
}
END_TEST

static int zero_duration(void *arg) {
    struct outcome *o = arg;
    weft_scope s;
    weft_move_on_after(&s, 0);
    o->exit_rc = weft_scope_exit(&s, 0); /* no checkpoint: nothing caught */
    o->caught = weft_scope_cancel_caught(&s);
    weft_fail_after(&s, -5);
    o->body_rc = weft_yield();
    ck_assert_int_eq(weft_scope_exit(&s, o->body_rc), -ETIMEDOUT);
    return 0;
}

START_TEST(cancel_zero_duration_is_already_expired) {
    struct outcome o;
    memset(&o, 0, sizeof o);
    ck_assert_int_eq(run_sim(4, zero_duration, &o), 0);
    ck_assert_int_eq(o.exit_rc, 0);
    ck_assert(!o.caught);
    ck_assert_int_eq(o.body_rc, -ECANCELED);
}
END_TEST

/* ---- level-triggered, nesting, shields ---- */

static int level_triggered(void *arg) {
    (void)arg;
    weft_scope s;
    weft_scope_enter(&s, WEFT_NEVER, 0);
    weft_scope_cancel(&s);
    for (int i = 0; i < 3; i++) ck_assert_int_eq(weft_yield(), -ECANCELED);
    weft_time t0 = weft_now();
    ck_assert_int_eq(weft_sleep(WEFT_SEC), -ECANCELED);
    ck_assert_int_lt(weft_now() - t0, WEFT_SEC); /* did not sleep */
    ck_assert_int_eq(weft_scope_exit(&s, -ECANCELED), 0);
    ck_assert_int_eq(weft_yield(), 0); /* outside the scope: not cancelled */
    return 0;
}

START_TEST(cancel_is_level_triggered_until_exit) {
    ck_assert_int_eq(run_both(_i, level_triggered, NULL), 0);
}
END_TEST

static int outer_cancel_passes_inner(void *arg) {
    (void)arg;
    weft_scope outer;
    weft_scope inner;
    weft_scope_enter(&outer, WEFT_NEVER, 0);
    weft_scope_enter(&inner, WEFT_NEVER, 0);
    weft_scope_cancel(&outer);
    int rc = weft_sleep(WEFT_SEC);
    ck_assert_int_eq(rc, -ECANCELED);
    rc = weft_scope_exit(&inner, rc); /* not inner's: passes through */
    ck_assert_int_eq(rc, -ECANCELED);
    ck_assert(!weft_scope_cancel_caught(&inner));
    ck_assert_int_eq(weft_scope_exit(&outer, rc), 0);
    ck_assert(weft_scope_cancel_caught(&outer));
    return 0;
}

START_TEST(cancel_outer_passes_through_inner_exit) {
    ck_assert_int_eq(run_both(_i, outer_cancel_passes_inner, NULL), 0);
}
END_TEST

static int shielded_sleep(void *arg) {
    (void)arg;
    return weft_sleep(3 * WEFT_SEC);
}

static int shield_blocks_outer(void *arg) {
    struct outcome *o = arg;
    weft_scope outer;
    weft_move_on_after(&outer, WEFT_SEC);
    o->body_rc = weft_shield(shielded_sleep, NULL);
    o->at = weft_now();
    int rc = weft_yield(); /* the shield is gone: cancelled now */
    o->exit_rc = weft_scope_exit(&outer, rc);
    ck_assert_int_eq(rc, -ECANCELED);
    return 0;
}

START_TEST(cancel_shield_blocks_outer_deadline) {
    struct outcome o;
    memset(&o, 0, sizeof o);
    ck_assert_int_eq(run_sim(7, shield_blocks_outer, &o), 0);
    ck_assert_int_eq(o.body_rc, 0);
    ck_assert_int_eq(o.at, 3 * WEFT_SEC);
    ck_assert_int_eq(o.exit_rc, 0);
}
END_TEST

static int shield_own_cancel(void *arg) {
    (void)arg;
    weft_scope s;
    weft_scope_enter(&s, weft_now() + WEFT_SEC, WEFT_SHIELD);
    int rc = weft_sleep(5 * WEFT_SEC);
    ck_assert_int_eq(rc, -ECANCELED); /* its own deadline still applies */
    ck_assert_int_eq(weft_now(), WEFT_SEC);
    return weft_scope_exit(&s, rc);
}

START_TEST(cancel_shield_own_deadline_applies) {
    ck_assert_int_eq(run_sim(8, shield_own_cancel, NULL), 0);
}
END_TEST

static int deadlines(void *arg) {
    (void)arg;
    weft_scope a;
    weft_scope b;
    weft_scope c;
    ck_assert_int_eq(weft_effective_deadline(), WEFT_NEVER);
    weft_move_on_at(&a, 5 * WEFT_SEC);
    weft_move_on_at(&b, 9 * WEFT_SEC);
    ck_assert_int_eq(weft_effective_deadline(), 5 * WEFT_SEC);
    weft_scope_enter(&c, 7 * WEFT_SEC, WEFT_SHIELD);
    ck_assert_int_eq(weft_effective_deadline(), 7 * WEFT_SEC);
    weft_scope_exit(&c, 0);
    weft_scope_exit(&b, 0);
    weft_scope_exit(&a, 0);
    return 0;
}

START_TEST(cancel_effective_deadline_stops_at_shield) {
    ck_assert_int_eq(run_sim(9, deadlines, NULL), 0);
}
END_TEST

/* ---- cancellation from another task ---- */

struct remote {
    weft_scope *target;
    int rc;
    weft_time woke_at;
};

static int canceller(void *arg) {
    struct remote *r = arg;
    weft_sleep(WEFT_SEC);
    weft_scope_cancel(r->target);
    return 0;
}

static int sleeper_in_scope(void *arg) {
    struct remote *r = arg;
    weft_scope s;
    weft_scope_enter(&s, WEFT_NEVER, 0);
    r->target = &s;
    r->rc = weft_sleep(100 * WEFT_SEC);
    r->woke_at = weft_now();
    return weft_scope_exit(&s, r->rc);
}

static int cancel_other_task(void *arg) {
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "sleeper", sleeper_in_scope, arg);
    weft_yield(); /* let the sleeper enter its scope */
    weft_yield();
    weft_spawn(&g, "canceller", canceller, arg);
    int rc = weft_group_join(&g);
    weft_group_destroy(&g);
    return rc;
}

START_TEST(cancel_wakes_parked_task_at_once) {
    struct remote r;
    memset(&r, 0, sizeof r);
    ck_assert_run(run_both(_i, cancel_other_task, &r), 0, _i);
    ck_assert_int_eq(r.rc, -ECANCELED);
    if (harness_is_sim()) ck_assert_int_eq(r.woke_at, WEFT_SEC);
}
END_TEST

/* Deadline at the same instant as a wake-up: the sleep may win (0) or
 * the deadline may (-ECANCELED); either way exit returns 0 and the time
 * is exact. Across seeds both orders must be explored. */
static int outcomes_seen[2];

static int same_instant(void *arg) {
    (void)arg;
    weft_scope s;
    weft_move_on_after(&s, WEFT_SEC);
    int rc = weft_sleep(WEFT_SEC);
    ck_assert_msg(rc == 0 || rc == -ECANCELED, "rc=%d", rc);
    ck_assert_int_eq(weft_now(), WEFT_SEC);
    ck_assert_int_eq(weft_scope_exit(&s, rc), 0);
    return rc == 0 ? 0 : 1;
}

START_TEST(cancel_deadline_same_instant_as_wakeup_explores_both) {
    memset(outcomes_seen, 0, sizeof outcomes_seen);
    for (uint64_t seed = 0; seed < 1000; seed++) {
        int rc = run_sim(seed, same_instant, NULL);
        ck_assert_msg(rc == 0 || rc == 1, "rc=%d seed=%llu", rc,
                      (unsigned long long)seed);
        outcomes_seen[rc]++;
        ck_assert_int_eq(run_sim(seed, same_instant, NULL), rc); /* replays */
    }
    ck_assert_int_gt(outcomes_seen[0], 0);
    ck_assert_int_gt(outcomes_seen[1], 0);
}
END_TEST

/* Cancel racing with completion: the child finishes its work at the
 * instant the parent cancels the group. The child either completed (and
 * its work is visible) or was cancelled (and its work is not); join
 * returns 0 either way. */
struct work {
    int done;
    int child_rc;
};

static int finishing_child(void *arg) {
    struct work *w = arg;
    int rc = weft_sleep(WEFT_SEC);
    if (rc == 0) w->done = 1;
    w->child_rc = rc;
    return rc;
}

static int cancel_vs_completion(void *arg) {
    struct work *w = arg;
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "child", finishing_child, w);
    weft_sleep(WEFT_SEC);
    weft_group_cancel(&g);
    int rc = weft_group_join(&g);
    weft_group_destroy(&g);
    return rc;
}

START_TEST(cancel_racing_completion_is_consistent) {
    struct work w;
    memset(&w, 0, sizeof w);
    int rc = run_sim((uint64_t)_i, cancel_vs_completion, &w);
    ck_assert_run(rc, 0, _i);
    ck_assert_msg((w.child_rc == 0 && w.done) ||
                      (w.child_rc == -ECANCELED && !w.done),
                  "child_rc=%d done=%d seed=%d", w.child_rc, w.done, _i);
}
END_TEST

/* ---- regressions ---- */

/* Issue 7: weft_scope_cancel on a scope that had already exited
 * dereferenced its cleared owner (SIGSEGV). It must be a no-op, as in
 * trio: a later checkpoint of the task that left it is not cancelled. */
static int cancel_after_exit(void *arg) {
    int *after = arg;
    weft_scope s;
    weft_scope_enter(&s, WEFT_NEVER, 0);
    weft_scope_exit(&s, 0);
    weft_scope_cancel(&s);
    weft_scope_cancel(&s); /* still idempotent */
    *after = weft_yield();
    return 0;
}

START_TEST(regress_7_cancel_of_exited_scope_is_a_noop) {
    int after = 1;
    ck_assert_run(run_both(_i, cancel_after_exit, &after), 0, _i);
    ck_assert_int_eq(after, 0);
}
END_TEST

/* The common case: a supervisor cancels a worker's published scope at
 * any point of the worker's life, including just after it left. */
struct published {
    weft_scope *scope; /* the worker's, while it may be cancelled */
    bool left;         /* the worker exited its scope */
    int in_scope;      /* the worker's sleep inside its scope */
    int after;         /* its checkpoint after leaving */
};

static int published_worker(void *arg) {
    struct published *p = arg;
    weft_scope s;
    weft_move_on_after(&s, 3 * WEFT_MSEC);
    p->scope = &s;
    p->in_scope = weft_sleep(2 * WEFT_MSEC);
    weft_scope_exit(&s, p->in_scope);
    p->left = true;
    weft_yield();
    p->after = weft_sleep(WEFT_MSEC);
    p->scope = NULL;
    return 0;
}

static int supervisor(void *arg) {
    struct published *p = arg;
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "worker", published_worker, p);
    while (!p->scope) weft_yield();
    weft_sleep((weft_time)(weft_random() % 4) * WEFT_MSEC);
    if (p->scope) weft_scope_cancel(p->scope);
    int rc = weft_group_join(&g);
    weft_group_destroy(&g);
    return rc;
}

START_TEST(regress_7_supervisor_cancels_scope_the_worker_left) {
    struct published p;
    memset(&p, 0, sizeof p);
    ck_assert_run(run_sim((uint64_t)_i, supervisor, &p), 0, _i);
    ck_assert_msg(p.left && p.after == 0, "after=%d seed=%d", p.after, _i);
    ck_assert_msg(p.in_scope == 0 || p.in_scope == -ECANCELED, "seed=%d",
                  _i);
}
END_TEST

/* ---- misuse ---- */

static int bad_nesting(void *arg) {
    (void)arg;
    weft_scope a;
    weft_scope b;
    weft_scope_enter(&a, WEFT_NEVER, 0);
    weft_scope_enter(&b, WEFT_NEVER, 0);
    weft_scope_exit(&a, 0); /* b is still open */
    return 0;
}

START_TEST(cancel_exit_out_of_order_aborts) {
    run_sim(1, bad_nesting, NULL);
}
END_TEST

static int exit_group_scope(void *arg) {
    (void)arg;
    weft_group g;
    weft_group_init(&g);
    weft_scope_exit(&g.scope, 0);
    return 0;
}

START_TEST(cancel_exit_of_group_scope_aborts) {
    run_sim(1, exit_group_scope, NULL);
}
END_TEST

Suite *cancel_suite(void);
Suite *cancel_suite(void) {
    Suite *s = suite_create("cancel");
    TCase *tc = tcase_create("timeout");
    tcase_add_test(tc, cancel_move_on_after_expiry_returns_zero);
    tcase_add_test(tc, cancel_move_on_after_expiry_returns_zero_real);
    tcase_add_test(tc, cancel_fail_at_expiry_returns_etimedout);
    tcase_add_loop_test(tc, cancel_fail_scope_cancelled_explicitly_returns_zero,
                        0, 2);
    tcase_add_test(tc, cancel_zero_duration_is_already_expired);
    tcase_add_test(tc, cancel_effective_deadline_stops_at_shield);
    tcase_add_test(tc, cancel_deadline_same_instant_as_wakeup_explores_both);
    tcase_set_timeout(tc, 120); /* thousands of sim runs: loaded CI */
    suite_add_tcase(s, tc);

    tc = tcase_create("cancel");
    tcase_add_loop_test(tc, cancel_is_level_triggered_until_exit, 0, 2);
    tcase_add_loop_test(tc, cancel_outer_passes_through_inner_exit, 0, 2);
    tcase_add_test(tc, cancel_shield_blocks_outer_deadline);
    tcase_add_test(tc, cancel_shield_own_deadline_applies);
    tcase_add_loop_test(tc, cancel_wakes_parked_task_at_once, 0, 200);
    tcase_add_loop_test(tc, cancel_racing_completion_is_consistent, 0, 1000);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);

    tc = tcase_create("regress");
    tcase_add_loop_test(tc, regress_7_cancel_of_exited_scope_is_a_noop, 0, 3);
    tcase_add_loop_test(tc, regress_7_supervisor_cancels_scope_the_worker_left,
                        1, 300);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);

    tc = tcase_create("misuse");
    tcase_add_test_raise_signal(tc, cancel_exit_out_of_order_aborts, SIGABRT);
    tcase_add_test_raise_signal(tc, cancel_exit_of_group_scope_aborts, SIGABRT);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return run_suite(cancel_suite()); }
