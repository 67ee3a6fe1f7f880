/* tests/check_patterns_misuse.c: the failure paths of the patterns
 * (docs/PATTERNS.md; suite patterns, TCases misuse and oom): bad
 * arguments are -EINVAL, misuse aborts, and oom fails allocation 1, 2,
 * 3... (tests/oom.h) until gather, race, bounded_map and the completion
 * stream succeed: each failure is -ENOMEM with no call run, or absorbed
 * by the pattern, and leaks nothing. */
#include <signal.h>
#include <stdint.h>
#include <string.h>

#include "oom.h"
#include "patterns_test.h"

/* ---- misuse and bad arguments ---- */

static int noop(void *arg) {
    (void)arg;
    return 0;
}

static int item_noop(void *item, void *ctx) {
    (void)item;
    (void)ctx;
    return 0;
}

static int bad_arguments(void *arg) {
    (void)arg;
    weft_call ok = {noop, NULL, NULL};
    weft_call no_fn = {NULL, NULL, NULL};
    int codes[2];
    int items[2];
    ck_assert_int_eq(weft_gather(NULL, 2, codes, 0), -EINVAL);
    ck_assert_int_eq(weft_gather(&no_fn, 1, codes, 0), -EINVAL);
    ck_assert_int_eq(weft_gather(&ok, 1, codes, 0x80), -EINVAL);
    ck_assert_int_eq(weft_race(&ok, 0, NULL), -EINVAL);
    ck_assert_int_eq(weft_race(&no_fn, 1, NULL), -EINVAL);
    ck_assert_int_eq(weft_bounded_map(item_noop, items, 2, sizeof items[0], 0,
                                      NULL, codes, 0),
                     -EINVAL);
    ck_assert_int_eq(
        weft_bounded_map(NULL, items, 2, sizeof items[0], 1, NULL, codes, 0),
        -EINVAL);
    ck_assert_int_eq(weft_bounded_map(item_noop, NULL, 2, 4, 1, NULL, codes, 0),
                     -EINVAL);
    ck_assert_int_eq(
        weft_bounded_map(item_noop, items, SIZE_MAX, 2, 1, NULL, NULL, 0),
        -EINVAL);
    weft_retry_opts o;
    weft_retry_opts_init(&o);
    ck_assert_int_eq(weft_retry(NULL, NULL, &o), -EINVAL);
    o.attempts = 0;
    ck_assert_int_eq(weft_retry(noop, NULL, &o), -EINVAL);
    weft_retry_opts_init(&o);
    o.base_delay = -1;
    ck_assert_int_eq(weft_retry(noop, NULL, &o), -EINVAL);
    weft_retry_opts_init(&o);
    o.max_delay = -1;
    ck_assert_int_eq(weft_retry(noop, NULL, &o), -EINVAL);
    weft_retry_opts_init(&o);
    o.jitter = -0.5;
    ck_assert_int_eq(weft_retry(noop, NULL, &o), -EINVAL);
    o.jitter = __builtin_nan("");
    ck_assert_int_eq(weft_retry(noop, NULL, &o), -EINVAL);
    o.jitter = __builtin_inf();
    ck_assert_int_eq(weft_retry(noop, NULL, &o), -EINVAL);
    weft_completions cs;
    ck_assert_int_eq(weft_completions_init(&cs, &no_fn, 1, 0), -EINVAL);
    ck_assert_int_eq(weft_completions_init(&cs, NULL, 1, 0), -EINVAL);
    return 0;
}

START_TEST(patterns_bad_arguments_are_einval) {
    RUN_OK(_i, bad_arguments, NULL);
}
END_TEST

START_TEST(patterns_gather_outside_task_aborts) {
    weft_call ok = {noop, NULL, NULL};
    weft_gather(&ok, 1, NULL, 0);
}
END_TEST

static int next_after_destroy(void *arg) {
    (void)arg;
    weft_completions cs;
    weft_completions_init(&cs, NULL, 0, 0);
    weft_completions_destroy(&cs);
    weft_completions_next(&cs, NULL, NULL);
    return 0;
}

START_TEST(patterns_completions_next_after_destroy_aborts) {
    run_sim(1, next_after_destroy, NULL);
}
END_TEST

static int destroy_inside_scope(void *arg) {
    (void)arg;
    weft_completions cs;
    weft_completions_init(&cs, NULL, 0, 0);
    weft_scope s;
    weft_scope_enter(&s, WEFT_NEVER, 0);
    weft_completions_destroy(&cs); /* s is still open inside it */
    return 0;
}

START_TEST(patterns_completions_destroy_with_open_scope_aborts) {
    run_sim(1, destroy_inside_scope, NULL);
}
END_TEST

/* Issue 7: destroying a stream while another task waits in next()
 * overwrote the stream under the parked reader, which then segfaulted.
 * Like every other object, it is misuse with a clear message. */
struct stream_reader {
    weft_completions cs;
    bool ready;   /* cs is initialised */
    bool entered; /* the reader is in next() */
};

static int sleep_long(void *arg) {
    (void)arg;
    return weft_sleep(WEFT_SEC);
}

static int reader(void *arg) {
    struct stream_reader *r = arg;
    while (!r->ready) weft_yield();
    r->entered = true;
    return weft_completions_next(&r->cs, NULL, NULL);
}

static int destroy_under_reader(void *arg) {
    (void)arg;
    static struct stream_reader r;
    weft_call calls[1] = {{sleep_long, NULL, "sleeper"}};
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "reader", reader, &r);
    weft_completions_init(&r.cs, calls, 1, 0); /* its scope is innermost */
    r.ready = true;
    while (!r.entered) weft_yield();
    for (int i = 0; i < 50; i++) weft_yield(); /* it parks in next() */
    weft_completions_destroy(&r.cs);
    return 0;
}

static void destroy_under_reader_child(void *arg) {
    run_sim((uint64_t)(intptr_t)arg, destroy_under_reader, NULL);
}

START_TEST(regress_7_completions_destroy_with_reader_aborts) {
    expect_abort(destroy_under_reader_child, (void *)(intptr_t)_i,
                 "weft_completions_destroy", "1 task(s) still wait",
                 "'reader'", NULL);
}
END_TEST

/* ---- out of memory: fail allocation 1, 2, 3... until it succeeds ---- */

static int ran_after_checkpoint(void *p) {
    int *n = p;
    int rc = weft_yield();
    if (!rc) ++*n;
    return rc;
}

struct oom_case {
    int which; /* 0 gather, 1 race, 2 bounded_map, 3 completions */
    long fail_at;
    int rc;
    bool failed; /* the armed allocation did fail */
    int ran;     /* calls that got past their first checkpoint */
    int codes[3];
};

static int counted_item(void *item, void *ctx) {
    (void)item;
    return ran_after_checkpoint(ctx);
}

static int oom_call(struct oom_case *c, weft_call *calls) {
    int items[3];
    weft_completions cs;
    switch (c->which) {
        case 0:
            return weft_gather(calls, 3, c->codes, 0);
        case 1:
            return weft_race(calls, 3, NULL);
        case 2:
            return weft_bounded_map(counted_item, items, 3, sizeof items[0], 3,
                                    &c->ran, c->codes, 0);
        default: {
            int rc = weft_completions_init(&cs, calls, 3, 0);
            if (rc) return rc;
            while (!weft_completions_next(&cs, NULL, NULL)) {
            }
            weft_completions_destroy(&cs);
            return 0;
        }
    }
}

static int oom_body(void *p) {
    struct oom_case *c = p;
    weft_call calls[3];
    for (int i = 0; i < 3; i++) {
        calls[i] = (weft_call){ran_after_checkpoint, &c->ran, "counted"};
    }
    oom_fail_at(c->fail_at);
    c->rc = oom_call(c, calls);
    c->failed = oom_off();
    return 0;
}

static void oom_loop(int which) {
    struct oom_case c;
    long k;
    for (k = 1; k < 50; k++) {
        memset(&c, 0, sizeof c);
        c.which = which;
        c.fail_at = k;
        ck_assert_int_eq(run_sim(1, oom_body, &c), 0);
        ck_assert_msg(weft_leaks(NULL, 0) == 0, "leak after allocation %ld", k);
        if (c.rc == 0 && !c.failed) break; /* past every allocation */
        if (c.rc == -ENOMEM) {
            ck_assert_msg(c.ran == 0, "allocation %ld: %d call(s) ran", k,
                          c.ran);
        } else {
            /* a failure the pattern absorbs (fewer workers) */
            ck_assert_msg(c.rc == 0 && c.ran == 3,
                          "allocation %ld: rc=%d "
                          "ran=%d",
                          k, c.rc, c.ran);
        }
    }
    ck_assert_int_eq(c.rc, 0);
    ck_assert_int_eq(c.ran, which == 1 ? c.ran : 3);
    ck_assert_int_gt(k, 1); /* some allocation failed on the way */
}

START_TEST(patterns_oom_fails_cleanly_then_succeeds) {
    oom_loop(_i);
}
END_TEST

void patterns_add_cases(Suite *s) {
    TCase *tc = tcase_create("misuse");
    tcase_add_loop_test(tc, patterns_bad_arguments_are_einval, 0, 2);
    tcase_add_test_raise_signal(tc, patterns_gather_outside_task_aborts,
                                SIGABRT);
    tcase_add_test_raise_signal(
        tc, patterns_completions_next_after_destroy_aborts, SIGABRT);
    tcase_add_test_raise_signal(
        tc, patterns_completions_destroy_with_open_scope_aborts, SIGABRT);
    tcase_add_loop_test(tc, regress_7_completions_destroy_with_reader_aborts,
                        1, 20);
    suite_add_tcase(s, tc);

    if (OOM_AVAILABLE) {
        tc = tcase_create("oom");
        tcase_add_loop_test(tc, patterns_oom_fails_cleanly_then_succeeds, 0, 4);
        suite_add_tcase(s, tc);
    }
}
