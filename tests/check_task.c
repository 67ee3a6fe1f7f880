/* tests/check_task.c: tasks and task groups (docs/GUIDE.md "Tasks and
 * groups (structured concurrency)"), under both backends and, where
 * interleaving matters, under the simulator over many seeds. */
#include <signal.h>
#include <string.h>

#include "harness.h"

/* ---- basic ---- */

struct counter {
    int n;
};

static int bump(void *arg) {
    struct counter *c = arg;
    weft_yield();
    c->n++;
    return 0;
}

static int spawn_ten(void *arg) {
    weft_group g;
    weft_group_init(&g);
    for (int i = 0; i < 10; i++) weft_spawn(&g, "bump", bump, arg);
    int rc = weft_group_join(&g);
    weft_group_destroy(&g);
    return rc;
}

START_TEST(task_join_waits_for_every_task) {
    struct counter c = {0};
    ck_assert_run(run_sim((uint64_t)_i, spawn_ten, &c), 0, _i);
    ck_assert_int_eq(c.n, 10);
}
END_TEST

START_TEST(task_join_waits_for_every_task_real) {
    struct counter c = {0};
    ck_assert_int_eq(run_real(spawn_ten, &c), 0);
    ck_assert_int_eq(c.n, 10);
}
END_TEST

static int return_seven(void *arg) {
    (void)arg;
    return 7;
}

START_TEST(task_run_returns_root_result) {
    ck_assert_int_eq(run_real(return_seven, NULL), 7);
    ck_assert_int_eq(run_sim(1, return_seven, NULL), 7);
}
END_TEST

static int nested_run(void *arg) {
    (void)arg;
    return weft_run(NULL, return_seven, NULL);
}

START_TEST(task_run_inside_task_is_ebusy) {
    ck_assert_int_eq(run_sim(1, nested_run, NULL), -EBUSY);
}
END_TEST

/* ---- errors ---- */

static int fail_after_yield(void *arg) {
    (void)arg;
    weft_yield();
    return -EIO;
}

static int sleep_long(void *arg) {
    int *cancelled = arg;
    int rc = weft_sleep(10 * WEFT_SEC);
    if (rc == -ECANCELED) (*cancelled)++;
    return rc;
}

struct err_case {
    int cancelled;
    int join_rc;
    size_t nerrs;
    size_t nnoncancel;
    weft_time ended_at;
};

static int first_error_cancels(void *arg) {
    struct err_case *e = arg;
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "sleeper 1", sleep_long, &e->cancelled);
    weft_spawn(&g, "failer", fail_after_yield, NULL);
    weft_spawn(&g, "sleeper 2", sleep_long, &e->cancelled);
    e->join_rc = weft_group_join(&g);
    const weft_task_error *errs;
    e->nerrs = weft_group_errors(&g, &errs);
    weft_task_error out[8];
    e->nnoncancel = weft_errors_non_cancel(errs, e->nerrs, out);
    ck_assert_str_eq(out[0].task_name, "failer");
    e->ended_at = weft_now();
    weft_group_destroy(&g);
    return 0;
}

START_TEST(task_first_error_cancels_siblings) {
    struct err_case e;
    memset(&e, 0, sizeof e);
    ck_assert_run(run_sim((uint64_t)_i, first_error_cancels, &e), 0, _i);
    ck_assert_int_eq(e.join_rc, -EIO);
    ck_assert_int_eq(e.cancelled, 2);
    ck_assert_uint_eq(e.nerrs, 3);
    ck_assert_uint_eq(e.nnoncancel, 1);
    ck_assert_int_eq(e.ended_at, 0); /* nobody slept: virtual time 0 */
}
END_TEST

START_TEST(task_first_error_cancels_siblings_real) {
    struct err_case e;
    memset(&e, 0, sizeof e);
    ck_assert_int_eq(run_real(first_error_cancels, &e), 0);
    ck_assert_int_eq(e.join_rc, -EIO);
    ck_assert_int_eq(e.cancelled, 2);
}
END_TEST

/* Error racing with cancellation: a child fails at the very instant its
 * parent's deadline expires. Whichever wins, join waits for both tasks and
 * reports the failure (a non-cancel error wins over -ECANCELED). */
static int fail_at_one_second(void *arg) {
    (void)arg;
    weft_sleep(WEFT_SEC);
    return -EIO;
}

struct race_case {
    int join_rc;
    int scope_rc;
    int tasks_ended;
};

static int count_end(void *arg) {
    struct race_case *r = arg;
    weft_sleep(WEFT_SEC);
    r->tasks_ended++;
    return 0;
}

static int error_vs_deadline(void *arg) {
    struct race_case *r = arg;
    weft_scope s;
    weft_move_on_after(&s, WEFT_SEC);
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "failer", fail_at_one_second, NULL);
    weft_spawn(&g, "counter", count_end, r);
    r->join_rc = weft_group_join(&g);
    weft_group_destroy(&g);
    r->scope_rc = weft_scope_exit(&s, r->join_rc);
    return 0;
}

START_TEST(task_error_racing_deadline_is_reported) {
    struct race_case r;
    memset(&r, 0, sizeof r);
    ck_assert_run(run_sim((uint64_t)_i, error_vs_deadline, &r), 0, _i);
    ck_assert_msg(r.join_rc == -EIO || r.join_rc == -ECANCELED,
                  "join_rc=%d seed=%d", r.join_rc, _i);
    ck_assert_msg(r.scope_rc == -EIO || r.scope_rc == 0, "seed=%d", _i);
}
END_TEST

/* ---- cancellation of the parent in join ---- */

struct join_cancel {
    int child_rc;
    int join_rc;
    weft_time joined_at;
};

static int child_shielded_cleanup(void *arg) {
    struct join_cancel *j = arg;
    j->child_rc = weft_sleep(10 * WEFT_SEC);
    weft_scope s;
    weft_scope_enter(&s, WEFT_NEVER, WEFT_SHIELD);
    weft_sleep(2 * WEFT_SEC); /* cleanup that must finish */
    weft_scope_exit(&s, 0);
    return j->child_rc;
}

static int parent_cancelled_in_join(void *arg) {
    struct join_cancel *j = arg;
    weft_scope outer;
    weft_move_on_after(&outer, WEFT_SEC);
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "child", child_shielded_cleanup, j);
    j->join_rc = weft_group_join(&g);
    j->joined_at = weft_now();
    weft_group_destroy(&g);
    weft_scope_exit(&outer, j->join_rc);
    return 0;
}

START_TEST(task_join_cancelled_still_waits_for_children) {
    struct join_cancel j;
    memset(&j, 0, sizeof j);
    ck_assert_run(run_both(_i, parent_cancelled_in_join, &j), 0, _i);
    ck_assert_int_eq(j.child_rc, -ECANCELED);
    ck_assert_int_eq(j.join_rc, -ECANCELED);
    if (harness_is_sim()) {
        ck_assert_int_eq(j.joined_at, 3 * WEFT_SEC);
    } else {
        ck_assert_int_ge(j.joined_at, 3 * WEFT_SEC);
    }
}
END_TEST

/* ---- spawn into a cancelled group ---- */

static int first_checkpoint(void *arg) {
    int *rc = arg;
    *rc = weft_yield();
    return 0;
}

static int spawn_after_cancel(void *arg) {
    weft_group g;
    weft_group_init(&g);
    weft_group_cancel(&g);
    weft_spawn(&g, "late", first_checkpoint, arg);
    int rc = weft_group_join(&g);
    weft_group_destroy(&g);
    return rc;
}

START_TEST(task_spawn_into_cancelled_group_starts_cancelled) {
    int rc = 1;
    ck_assert_int_eq(run_both(_i, spawn_after_cancel, &rc), 0);
    ck_assert_int_eq(rc, -ECANCELED);
}
END_TEST

/* ---- nested groups ---- */

static int inner_group(void *arg) {
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "sleeper", sleep_long, arg);
    int rc = weft_group_join(&g);
    weft_group_destroy(&g);
    return rc;
}

static int outer_group(void *arg) {
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "inner", inner_group, arg);
    weft_spawn(&g, "failer", fail_after_yield, NULL);
    int rc = weft_group_join(&g);
    weft_group_destroy(&g);
    return rc;
}

START_TEST(task_nested_group_cancelled_by_outer_error) {
    int cancelled = 0;
    ck_assert_run(run_both(_i, outer_group, &cancelled), -EIO, _i);
    ck_assert_int_eq(cancelled, 1);
}
END_TEST

/* ---- start / started ---- */

static int server(void *arg, weft_task_status *st) {
    static int port = 8080;
    (void)arg;
    weft_sleep(WEFT_MSEC);
    weft_started(st, &port);
    return weft_sleep(WEFT_SEC);
}

static int fails_before_ready(void *arg, weft_task_status *st) {
    (void)arg;
    (void)st;
    return -ECONNREFUSED;
}

static int returns_without_started(void *arg, weft_task_status *st) {
    (void)arg;
    (void)st;
    return 0;
}

static int start_cases(void *arg) {
    (void)arg;
    weft_group g;
    weft_group_init(&g);
    void *value = NULL;
    ck_assert_int_eq(weft_start(&g, "server", server, NULL, &value), 0);
    ck_assert_int_eq(*(int *)value, 8080);
    if (harness_is_sim()) ck_assert_int_eq(weft_now(), WEFT_MSEC);
    ck_assert_int_eq(weft_start(&g, "bad", fails_before_ready, NULL, NULL),
                     -ECONNREFUSED);
    ck_assert_int_eq(weft_start(&g, "lazy", returns_without_started, NULL,
                                NULL), -EINVAL);
    int rc = weft_group_join(&g);
    if (harness_is_sim()) ck_assert_int_eq(weft_now(), WEFT_MSEC + WEFT_SEC);
    ck_assert_uint_eq(weft_group_errors(&g, NULL), 0);
    weft_group_destroy(&g);
    return rc;
}

START_TEST(task_start_returns_value_or_early_error) {
    ck_assert_run(run_both(_i, start_cases, NULL), 0, _i);
}
END_TEST

/* ---- misuse ---- */

static int destroy_unjoined(void *arg) {
    (void)arg;
    weft_group g;
    weft_group_init(&g);
    weft_group_destroy(&g);
    return 0;
}

START_TEST(task_destroy_without_join_aborts) {
    run_sim(1, destroy_unjoined, NULL);
}
END_TEST

static int return_inside_group(void *arg) {
    (void)arg;
    static weft_group g;
    weft_group_init(&g);
    return 0;
}

START_TEST(task_return_inside_group_aborts) {
    run_sim(1, return_inside_group, NULL);
}
END_TEST

START_TEST(task_spawn_outside_runtime_aborts) {
    weft_group g;
    memset(&g, 0, sizeof g);
    weft_spawn(&g, "x", return_seven, NULL);
}
END_TEST

/* ---- regressions ---- */

/* Issue 7: weft_spawn and weft_start with a NULL function returned 0 and
 * the task segfaulted. */
static int spawn_null(void *arg) {
    int *rcs = arg;
    weft_group g;
    weft_group_init(&g);
    rcs[0] = weft_spawn(&g, "null", NULL, NULL);
    rcs[1] = weft_start(&g, "null", NULL, NULL, NULL);
    int rc = weft_group_join(&g);
    weft_group_destroy(&g);
    return rc;
}

START_TEST(regress_7_spawn_null_function_is_einval) {
    int rcs[2] = {0, 0};
    ck_assert_run(run_both(_i, spawn_null, rcs), 0, _i);
    ck_assert_int_eq(rcs[0], -EINVAL);
    ck_assert_int_eq(rcs[1], -EINVAL);
}
END_TEST

/* Issue 7: a task started into a group that was already cancelled moves
 * under the cancelled scope at weft_started; a helper it had spawned
 * before, parked on an event, was never woken (the run ended in
 * -EDEADLK). Level-triggered cancellation must reach it. */
struct moved {
    int helper_rc;
    int start_rc;
};

static int parked_helper(void *arg) {
    struct moved *m = arg;
    weft_event never;
    weft_event_init(&never);
    m->helper_rc = weft_event_wait(&never);
    weft_event_destroy(&never);
    return 0;
}

static int server_with_helper(void *arg, weft_task_status *st) {
    weft_group h;
    weft_group_init(&h);
    weft_spawn(&h, "helper", parked_helper, arg);
    for (int i = 0; i < 3; i++) weft_yield(); /* let it park */
    weft_started(st, NULL);
    int rc = weft_group_join(&h);
    weft_group_destroy(&h);
    return rc;
}

static int start_into_cancelled(void *arg) {
    struct moved *m = arg;
    weft_group g;
    weft_group_init(&g);
    weft_group_cancel(&g);
    /* Started from a shielded scope, the child is not cancelled until it
     * moves under g. */
    weft_scope shield;
    weft_scope_enter(&shield, WEFT_NEVER, WEFT_SHIELD);
    m->start_rc = weft_start(&g, "server", server_with_helper, m, NULL);
    weft_scope_exit(&shield, 0);
    int rc = weft_group_join(&g);
    weft_group_destroy(&g);
    return rc;
}

START_TEST(regress_7_started_into_cancelled_group_wakes_its_helpers) {
    struct moved m = {1, 1};
    ck_assert_run(run_both(_i, start_into_cancelled, &m), 0, _i);
    ck_assert_int_eq(m.start_rc, 0);
    ck_assert_int_eq(m.helper_rc, -ECANCELED);
}
END_TEST

/* Issue 7: unwinding a chain of nested groups was quadratic: every join
 * walked the scope chain up to the root (depth 16k took 16 s, 100k did
 * not finish in 300 s). 50,000 levels must unwind well inside the case's
 * timeout. */
#define CHAIN_DEPTH 50000

static int chain_level(void *arg) {
    intptr_t left = (intptr_t)arg;
    if (left == 0) return weft_yield();
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "level", chain_level, (void *)(left - 1));
    int rc = weft_group_join(&g);
    weft_group_destroy(&g);
    return rc;
}

START_TEST(regress_7_deep_group_chain_unwinds_in_linear_time) {
    ck_assert_run(run_sim(1, chain_level, (void *)(intptr_t)CHAIN_DEPTH), 0,
                  1);
}
END_TEST

Suite *task_suite(void);
Suite *task_suite(void) {
    Suite *s = suite_create("task");
    TCase *tc = tcase_create("basic");
    tcase_add_loop_test(tc, task_join_waits_for_every_task, 0, 200);
    tcase_add_test(tc, task_join_waits_for_every_task_real);
    tcase_add_test(tc, task_run_returns_root_result);
    tcase_add_test(tc, task_run_inside_task_is_ebusy);
    tcase_add_loop_test(tc, task_start_returns_value_or_early_error, 0, 100);
    suite_add_tcase(s, tc);

    tc = tcase_create("cancel");
    tcase_add_loop_test(tc, task_first_error_cancels_siblings, 0, 1000);
    tcase_add_test(tc, task_first_error_cancels_siblings_real);
    tcase_add_loop_test(tc, task_error_racing_deadline_is_reported, 0, 1000);
    tcase_add_loop_test(tc, task_join_cancelled_still_waits_for_children, 0,
                        200);
    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, task_spawn_into_cancelled_group_starts_cancelled,
                        0, 2);
    tcase_add_loop_test(tc, task_nested_group_cancelled_by_outer_error, 0, 500);
    suite_add_tcase(s, tc);

    tc = tcase_create("misuse");
    tcase_add_test_raise_signal(tc, task_destroy_without_join_aborts, SIGABRT);
    tcase_add_test_raise_signal(tc, task_return_inside_group_aborts, SIGABRT);
    tcase_add_test_raise_signal(tc, task_spawn_outside_runtime_aborts, SIGABRT);
    suite_add_tcase(s, tc);

    tc = tcase_create("regress");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, regress_7_spawn_null_function_is_einval, 0, 2);
    tcase_add_loop_test(
        tc, regress_7_started_into_cancelled_group_wakes_its_helpers, 0, 200);
    tcase_add_test(tc, regress_7_deep_group_chain_unwinds_in_linear_time);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return run_suite(task_suite()); }
