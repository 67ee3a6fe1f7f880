/* tests/check_patterns_retry.c: weft_retry (docs/PATTERNS.md; suite
 * patterns, TCases basic, cancel and timeout): delays that double up to
 * the cap, jitter drawn exactly as documented and replayed by the seed,
 * retry_on, -ECANCELED never retried, and no sleep that would cross the
 * enclosing deadline. Exact virtual times are asserted under sim only;
 * every run must leak nothing. */
#include "patterns_test.h"

/* ---- retry ---- */

struct flaky {
    int fails; /* calls that fail before one succeeds */
    int fail_rc;
    int ok_rc;
    int calls;
    weft_time at[16]; /* time of each call */
};

static int flaky_fn(void *p) {
    struct flaky *f = p;
    if (f->calls < 16) f->at[f->calls] = weft_now();
    return f->calls++ < f->fails ? f->fail_rc : f->ok_rc;
}

struct retry_case {
    weft_retry_opts opts;
    bool use_defaults; /* pass NULL */
    struct flaky f;
    weft_time fail_after; /* > 0: inside weft_fail_after */
    int rc;
    int scope_rc;
    weft_time at;
};

static int retry_body(void *p) {
    struct retry_case *c = p;
    weft_scope s;
    if (c->fail_after) weft_fail_after(&s, c->fail_after);
    c->rc = weft_retry(flaky_fn, &c->f, c->use_defaults ? NULL : &c->opts);
    if (c->fail_after) c->scope_rc = weft_scope_exit(&s, c->rc);
    c->at = weft_now();
    return 0;
}

static void retry_opts(struct retry_case *c, int attempts, weft_time base,
                       weft_time max, double jitter) {
    weft_retry_opts_init(&c->opts);
    c->opts.attempts = attempts;
    c->opts.base_delay = base;
    c->opts.max_delay = max;
    c->opts.jitter = jitter;
}

START_TEST(patterns_retry_delays_double_up_to_max) {
    struct retry_case c = {.f = {.fails = 100, .fail_rc = -EIO}};
    retry_opts(&c, 8, 100 * WEFT_MSEC, 2 * WEFT_SEC, 0);
    ck_assert_run(run_sim((uint64_t)_i, retry_body, &c), 0, _i);
    ck_assert_int_eq(c.rc, -EIO);
    ck_assert_int_eq(c.f.calls, 8);
    /* delays 100, 200, 400, 800, 1600, 2000, 2000 ms */
    const weft_time want[8] = {0, 100, 300, 700, 1500, 3100, 5100, 7100};
    for (int k = 0; k < 8; k++) {
        ck_assert_msg(c.f.at[k] == want[k] * WEFT_MSEC,
                      "call %d at %lld ns; seed=%d", k, (long long)c.f.at[k],
                      _i);
    }
    ck_assert_int_eq(c.at, 7100 * WEFT_MSEC);
}
END_TEST

/* The expected delays, drawn the way weft_retry documents it from a
 * fresh run with the same seed (so the same weft_random stream). */
struct jitter_expect {
    weft_retry_opts opts;
    int n;
    weft_time at[16];
};

static int expect_body(void *p) {
    struct jitter_expect *e = p;
    for (int k = 1; k < e->n; k++) {
        weft_time c = e->opts.base_delay << (k - 1);
        if (c > e->opts.max_delay) c = e->opts.max_delay;
        double u = (double)(weft_random() >> 11) * 0x1p-53;
        e->at[k] =
            e->at[k - 1] + c + (weft_time)((double)c * e->opts.jitter * u);
    }
    return 0;
}

START_TEST(patterns_retry_jitter_is_exact_and_replays) {
    struct retry_case c = {.f = {.fails = 100, .fail_rc = -EAGAIN}};
    retry_opts(&c, 6, 100 * WEFT_MSEC, WEFT_SEC, 0.5);
    ck_assert_run(run_sim((uint64_t)_i, retry_body, &c), 0, _i);
    struct jitter_expect e = {.opts = c.opts, .n = 6};
    ck_assert_run(run_sim((uint64_t)_i, expect_body, &e), 0, _i);
    ck_assert_int_eq(c.f.calls, 6);
    for (int k = 1; k < 6; k++) {
        weft_time cap = (100 * WEFT_MSEC) << (k - 1);
        if (cap > WEFT_SEC) cap = WEFT_SEC;
        weft_time d = c.f.at[k] - c.f.at[k - 1];
        ck_assert_msg(c.f.at[k] == e.at[k],
                      "call %d at %lld, want %lld; "
                      "seed=%d",
                      k, (long long)c.f.at[k], (long long)e.at[k], _i);
        ck_assert_msg(d >= cap && d < cap + cap / 2, "delay %d: %lld; seed=%d",
                      k, (long long)d, _i);
    }
}
END_TEST

START_TEST(patterns_retry_defaults_three_tries_with_jitter) {
    struct retry_case c = {.use_defaults = true,
                           .f = {.fails = 100, .fail_rc = -EIO}};
    ck_assert_run(run_sim((uint64_t)_i, retry_body, &c), 0, _i);
    ck_assert_int_eq(c.rc, -EIO);
    ck_assert_int_eq(c.f.calls, 3);
    weft_time d1 = c.f.at[1];
    weft_time d2 = c.f.at[2] - c.f.at[1];
    ck_assert(d1 >= 100 * WEFT_MSEC && d1 < 110 * WEFT_MSEC);
    ck_assert(d2 >= 200 * WEFT_MSEC && d2 < 220 * WEFT_MSEC);
}
END_TEST

START_TEST(patterns_retry_success_returns_its_result) {
    struct retry_case c = {.f = {.fails = 2, .fail_rc = -EIO, .ok_rc = 42}};
    retry_opts(&c, 5, WEFT_MSEC, WEFT_SEC, 0);
    RUN_OK(_i, retry_body, &c);
    ck_assert_run(c.rc, 42, _i);
    ck_assert_int_eq(c.f.calls, 3);
    ck_assert_sim_time(c.at, 3 * WEFT_MSEC, _i);
}
END_TEST

static bool only_eagain(int rc) {
    return rc == -EAGAIN;
}

static int flaky_sequence(void *p) {
    struct flaky *f = p;
    static const int seq[] = {-EAGAIN, -EAGAIN, -EIO, 0};
    return seq[f->calls++];
}

static int retry_on_body(void *p) {
    struct retry_case *c = p;
    c->rc = weft_retry(flaky_sequence, &c->f, &c->opts);
    c->at = weft_now();
    return 0;
}

START_TEST(patterns_retry_on_rejects_stops_with_that_code) {
    struct retry_case c = {0};
    retry_opts(&c, 10, WEFT_MSEC, WEFT_SEC, 0);
    c.opts.retry_on = only_eagain;
    RUN_OK(_i, retry_on_body, &c);
    ck_assert_run(c.rc, -EIO, _i);
    ck_assert_int_eq(c.f.calls, 3);
}
END_TEST

START_TEST(patterns_retry_never_retries_ecanceled) {
    struct retry_case c = {.f = {.fails = 100, .fail_rc = -ECANCELED}};
    retry_opts(&c, 10, WEFT_MSEC, WEFT_SEC, 0);
    RUN_OK(_i, retry_body, &c);
    ck_assert_run(c.rc, -ECANCELED, _i);
    ck_assert_int_eq(c.f.calls, 1);
}
END_TEST

START_TEST(patterns_retry_stops_before_crossing_deadline) {
    /* tries at 0, 300, 900 ms; the next delay (1200 ms) would cross
     * the deadline at 1 s: the last error comes back at 900 ms */
    struct retry_case c = {.f = {.fails = 100, .fail_rc = -EIO},
                           .fail_after = WEFT_SEC};
    retry_opts(&c, 10, 300 * WEFT_MSEC, 10 * WEFT_SEC, 0);
    ck_assert_run(run_sim((uint64_t)_i, retry_body, &c), 0, _i);
    ck_assert_int_eq(c.rc, -EIO);
    ck_assert_int_eq(c.scope_rc, -EIO); /* not a timeout: never slept past */
    ck_assert_int_eq(c.f.calls, 3);
    ck_assert_int_eq(c.at, 900 * WEFT_MSEC);
}
END_TEST

START_TEST(patterns_retry_sleep_ending_at_deadline_is_not_taken) {
    /* tries at 0 and 300 ms; a 600 ms sleep would end exactly at the
     * deadline (900 ms), where the scope is cancelled anyway */
    struct retry_case c = {.f = {.fails = 100, .fail_rc = -EIO},
                           .fail_after = 900 * WEFT_MSEC};
    retry_opts(&c, 10, 300 * WEFT_MSEC, 10 * WEFT_SEC, 0);
    ck_assert_run(run_sim((uint64_t)_i, retry_body, &c), 0, _i);
    ck_assert_int_eq(c.scope_rc, -EIO);
    ck_assert_int_eq(c.f.calls, 2);
    ck_assert_int_eq(c.at, 300 * WEFT_MSEC);
}
END_TEST

struct retry_cancel {
    weft_scope s;
    struct retry_case c;
};

static int cancel_later(void *p) {
    struct retry_cancel *rc = p;
    weft_sleep(150 * WEFT_MSEC);
    weft_scope_cancel(&rc->s);
    return 0;
}

static int retry_cancelled_body(void *p) {
    struct retry_cancel *r = p;
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "canceller", cancel_later, r);
    weft_scope_enter(&r->s, WEFT_NEVER, 0);
    r->c.rc = weft_retry(flaky_fn, &r->c.f, &r->c.opts);
    r->c.scope_rc = weft_scope_exit(&r->s, r->c.rc);
    r->c.at = weft_now();
    int rc = weft_group_join(&g);
    weft_group_destroy(&g);
    return rc;
}

START_TEST(patterns_retry_cancelled_while_sleeping_returns_ecanceled) {
    struct retry_cancel r = {.c = {.f = {.fails = 100, .fail_rc = -EIO}}};
    retry_opts(&r.c, 10, 100 * WEFT_MSEC, WEFT_SEC, 0);
    RUN_OK(_i, retry_cancelled_body, &r);
    ck_assert_run(r.c.rc, -ECANCELED, _i);
    ck_assert_int_eq(r.c.scope_rc, 0);
    ck_assert_int_eq(r.c.f.calls, 2);
    ck_assert_sim_time(r.c.at, 150 * WEFT_MSEC, _i);
}
END_TEST
void patterns_add_cases(Suite *s) {
    TCase *tc = tcase_create("basic");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, patterns_retry_delays_double_up_to_max, 1, 20);
    tcase_add_loop_test(tc, patterns_retry_jitter_is_exact_and_replays, 1, 50);
    tcase_add_loop_test(tc, patterns_retry_defaults_three_tries_with_jitter, 1,
                        50);
    tcase_add_loop_test(tc, patterns_retry_success_returns_its_result, 0, 20);
    tcase_add_loop_test(tc, patterns_retry_on_rejects_stops_with_that_code, 0,
                        5);
    suite_add_tcase(s, tc);

    tc = tcase_create("cancel");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, patterns_retry_never_retries_ecanceled, 0, 5);
    tcase_add_loop_test(
        tc, patterns_retry_cancelled_while_sleeping_returns_ecanceled, 0, 100);
    suite_add_tcase(s, tc);

    tc = tcase_create("timeout");
    tcase_add_loop_test(tc, patterns_retry_stops_before_crossing_deadline, 1,
                        20);
    tcase_add_loop_test(
        tc, patterns_retry_sleep_ending_at_deadline_is_not_taken, 1, 20);
    suite_add_tcase(s, tc);
}
