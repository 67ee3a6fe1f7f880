/* tests/check_patterns_stream.c: the completion stream, weft_completions
 * (docs/PATTERNS.md; suite patterns, TCases basic and cancel): results
 * in completion order, the limit on calls in flight, an early destroy
 * that cancels and awaits the rest, and a cancelled next that loses no
 * result. Loop tests run index 0 under the real backend and 1..N under
 * sim; exact virtual times are asserted under sim only. Every run must
 * leak nothing. */
#include "patterns_test.h"

/* ---- the completion stream ---- */

struct stream_case {
    struct job jobs[4];
    size_t n;
    size_t limit;
    size_t idx[8];
    int codes[8];
    weft_time at[8];
    int nnext;
    int end_rc;
    int end_rc2;
};

static int stream_body(void *p) {
    struct stream_case *c = p;
    weft_call calls[4];
    make_calls(c->jobs, c->n, calls);
    weft_time t0 = weft_now();
    weft_completions cs;
    int rc = weft_completions_init(&cs, calls, c->n, c->limit);
    if (rc) return rc;
    while (!(rc = weft_completions_next(&cs, &c->idx[c->nnext],
                                        &c->codes[c->nnext]))) {
        c->at[c->nnext++] = weft_now() - t0;
    }
    c->end_rc = rc;
    c->end_rc2 = weft_completions_next(&cs, NULL, NULL);
    weft_completions_destroy(&cs);
    return 0;
}

START_TEST(patterns_completions_in_completion_order) {
    struct stream_case c = {.jobs = {{.sleep = 30 * WEFT_MSEC, .rc = 7},
                                     {.sleep = 10 * WEFT_MSEC, .rc = -EIO},
                                     {.sleep = 20 * WEFT_MSEC, .rc = 9}},
                            .n = 3};
    RUN_OK(_i, stream_body, &c);
    ck_assert_int_eq(c.nnext, 3);
    const size_t want_idx[3] = {1, 2, 0};
    const int want_code[3] = {-EIO, 9, 7};
    for (int k = 0; k < 3; k++) {
        ck_assert_uint_eq(c.idx[k], want_idx[k]);
        ck_assert_int_eq(c.codes[k], want_code[k]);
        ck_assert_sim_time(c.at[k], (weft_time)(k + 1) * 10 * WEFT_MSEC, _i);
    }
    ck_assert_int_eq(c.end_rc, -EPIPE);
    ck_assert_int_eq(c.end_rc2, -EPIPE);
}
END_TEST

START_TEST(patterns_completions_limit_one_runs_in_input_order) {
    struct stream_case c = {.jobs = {{.sleep = 30 * WEFT_MSEC, .rc = 1},
                                     {.sleep = 10 * WEFT_MSEC, .rc = 2},
                                     {.sleep = 20 * WEFT_MSEC, .rc = 3}},
                            .n = 3,
                            .limit = 1};
    RUN_OK(_i, stream_body, &c);
    const weft_time want_at[3] = {30, 40, 60};
    for (int k = 0; k < 3; k++) {
        ck_assert_uint_eq(c.idx[k], (size_t)k);
        ck_assert_int_eq(c.codes[k], k + 1);
        ck_assert_sim_time(c.at[k], want_at[k] * WEFT_MSEC, _i);
    }
    ck_assert_int_eq(c.end_rc, -EPIPE);
}
END_TEST

START_TEST(patterns_completions_empty_is_epipe) {
    struct stream_case c = {.n = 0};
    RUN_OK(_i, stream_body, &c);
    ck_assert_int_eq(c.nnext, 0);
    ck_assert_int_eq(c.end_rc, -EPIPE);
}
END_TEST

struct counted {
    int *inflight;
    int *max;
    weft_time sleep;
};

static int counted_run(void *p) {
    struct counted *k = p;
    if (++*k->inflight > *k->max) *k->max = *k->inflight;
    int rc = weft_sleep(k->sleep);
    --*k->inflight;
    return rc;
}

struct stream_limit {
    int inflight;
    int max;
    int n;
};

static int stream_limit_body(void *p) {
    struct stream_limit *l = p;
    struct counted k[8];
    weft_call calls[8];
    for (int i = 0; i < 8; i++) {
        k[i] = (struct counted){&l->inflight, &l->max, (1 + i % 3) * WEFT_MSEC};
        calls[i] = (weft_call){counted_run, &k[i], "counted"};
    }
    weft_completions cs;
    int rc = weft_completions_init(&cs, calls, 8, 3);
    if (rc) return rc;
    int code;
    while (!(rc = weft_completions_next(&cs, NULL, &code))) {
        ck_assert_int_eq(code, 0);
        l->n++;
    }
    weft_completions_destroy(&cs);
    return rc == -EPIPE ? 0 : rc;
}

START_TEST(patterns_completions_never_exceed_limit) {
    struct stream_limit l = {0};
    RUN_OK(_i, stream_limit_body, &l);
    ck_assert_int_eq(l.n, 8);
    ck_assert_int_eq(l.max, 3);
}
END_TEST

static int stream_destroy_early(void *p) {
    struct stream_case *c = p;
    weft_call calls[3];
    make_calls(c->jobs, 3, calls);
    weft_time t0 = weft_now();
    weft_completions cs;
    int rc = weft_completions_init(&cs, calls, 3, 0);
    if (rc) return rc;
    rc = weft_completions_next(&cs, &c->idx[0], &c->codes[0]);
    c->at[0] = weft_now() - t0;
    weft_completions_destroy(&cs); /* calls 1 and 2 still run */
    c->at[1] = weft_now() - t0;
    ck_assert(c->jobs[1].ended && c->jobs[2].ended);
    return rc;
}

START_TEST(patterns_completions_destroy_early_cancels_and_awaits) {
    struct stream_case c = {
        .jobs = {{.sleep = 10 * WEFT_MSEC, .rc = 1},
                 {.sleep = WEFT_SEC, .cleanup = 100 * WEFT_MSEC},
                 {.sleep = WEFT_SEC}}};
    RUN_OK(_i, stream_destroy_early, &c);
    ck_assert_uint_eq(c.idx[0], 0);
    ck_assert_int_eq(c.codes[0], 1);
    ck_assert_int_eq(c.jobs[1].got, -ECANCELED);
    ck_assert_int_eq(c.jobs[2].got, -ECANCELED);
    ck_assert_sim_time(c.at[0], 10 * WEFT_MSEC, _i);
    ck_assert_sim_time(c.at[1], 110 * WEFT_MSEC, _i); /* awaited cleanup */
}
END_TEST

static int stream_cancelled_next(void *p) {
    struct stream_case *c = p;
    weft_call calls[1];
    make_calls(c->jobs, 1, calls);
    weft_completions cs;
    int rc = weft_completions_init(&cs, calls, 1, 0);
    if (rc) return rc;
    weft_scope s;
    weft_move_on_after(&s, 5 * WEFT_MSEC); /* cancelled while waiting */
    c->codes[0] = weft_completions_next(&cs, NULL, NULL);
    weft_scope_exit(&s, c->codes[0]);
    weft_sleep(10 * WEFT_MSEC); /* the result is ready now */
    weft_scope_enter(&s, WEFT_NEVER, 0);
    weft_scope_cancel(&s);
    c->codes[1] = weft_completions_next(&cs, NULL, NULL);
    weft_scope_exit(&s, c->codes[1]);
    c->codes[2] = weft_completions_next(&cs, &c->idx[0], &c->codes[3]);
    c->codes[4] = weft_completions_next(&cs, NULL, NULL);
    weft_completions_destroy(&cs);
    return 0;
}

START_TEST(patterns_completions_cancelled_next_loses_no_result) {
    struct stream_case c = {.jobs = {{.sleep = 10 * WEFT_MSEC, .rc = 7}}};
    RUN_OK(_i, stream_cancelled_next, &c);
    ck_assert_int_eq(c.codes[0], -ECANCELED);
    ck_assert_int_eq(c.codes[1], -ECANCELED);
    ck_assert_int_eq(c.codes[2], 0);
    ck_assert_uint_eq(c.idx[0], 0);
    ck_assert_int_eq(c.codes[3], 7);
    ck_assert_int_eq(c.codes[4], -EPIPE);
}
END_TEST

/* The stream's tasks are cancelled from outside while the reader is
 * shielded: the calls they never started still come out, as
 * -ECANCELED, and the stream ends instead of waiting forever. Sim only:
 * the first call must end before the deadline. */
static int stream_workers_cancelled(void *p) {
    struct stream_case *c = p;
    weft_call calls[3];
    make_calls(c->jobs, 3, calls);
    weft_scope outer;
    weft_move_on_after(&outer, 15 * WEFT_MSEC);
    weft_completions cs;
    int rc = weft_completions_init(&cs, calls, 3, 1);
    if (rc) return rc;
    weft_scope shield;
    weft_scope_enter(&shield, WEFT_NEVER, WEFT_SHIELD);
    while (!(rc = weft_completions_next(&cs, &c->idx[c->nnext],
                                        &c->codes[c->nnext]))) {
        c->at[c->nnext++] = weft_now();
    }
    c->end_rc = rc;
    weft_scope_exit(&shield, 0);
    weft_completions_destroy(&cs);
    weft_scope_exit(&outer, 0);
    return 0;
}

START_TEST(patterns_completions_unstarted_calls_come_out_cancelled) {
    struct stream_case c = {.jobs = {{.sleep = 10 * WEFT_MSEC},
                                     {.sleep = 10 * WEFT_MSEC},
                                     {.sleep = 10 * WEFT_MSEC}}};
    RUN_OK(_i, stream_workers_cancelled, &c);
    ck_assert_int_eq(c.nnext, 3);
    for (int k = 0; k < 3; k++)
        ck_assert_uint_eq(c.idx[k], (size_t)k);
    ck_assert_int_eq(c.codes[0], 0);
    ck_assert_int_eq(c.codes[1], -ECANCELED);
    ck_assert_int_eq(c.codes[2], -ECANCELED);
    ck_assert_int_eq(c.end_rc, -EPIPE);
}
END_TEST
void patterns_add_cases(Suite *s) {
    TCase *tc = tcase_create("basic");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, patterns_completions_in_completion_order, 0, 100);
    tcase_add_loop_test(tc, patterns_completions_limit_one_runs_in_input_order,
                        0, 50);
    tcase_add_loop_test(tc, patterns_completions_empty_is_epipe, 0, 3);
    tcase_add_loop_test(tc, patterns_completions_never_exceed_limit, 0, 200);
    suite_add_tcase(s, tc);

    tc = tcase_create("cancel");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(
        tc, patterns_completions_destroy_early_cancels_and_awaits, 0, 100);
    tcase_add_loop_test(tc, patterns_completions_cancelled_next_loses_no_result,
                        0, 100);
    tcase_add_loop_test(
        tc, patterns_completions_unstarted_calls_come_out_cancelled, 1, 100);
    suite_add_tcase(s, tc);
}
