/* tests/check_patterns.c: gather, race, bounded_map, retry and the
 * completion stream (API.md "Patterns"). Loop tests run index 0 under
 * the real backend and 1..N under sim with that seed (run_both); exact
 * virtual times are asserted under sim only. Every run must leak
 * nothing (weft_leaks() after weft_run). */
#include <signal.h>
#include <stdint.h>
#include <string.h>

#include "harness.h"
#include "oom.h"

/* An exact virtual time under sim; anything under real. */
#define ck_assert_sim_time(got, want, i)                                       \
    ck_assert_msg(!harness_is_sim() || (got) == (want),                        \
                  "at %lld ns, want %lld; seed=%d", (long long)(got),          \
                  (long long)(want), (int)(i))

/* ---- a call that sleeps, then returns ---- */

struct job {
    weft_time sleep;   /* 0: a plain checkpoint */
    int rc;            /* returned when the sleep was not cancelled */
    weft_time cleanup; /* shielded work after a cancelled sleep */
    int got;           /* the sleep's result */
    bool ended;
    weft_time ended_at; /* since the body started */
    weft_time t0;
};

static int job_run(void *p) {
    struct job *j = p;
    j->got = weft_sleep(j->sleep);
    if (j->got == -ECANCELED && j->cleanup) {
        weft_scope s;
        weft_scope_enter(&s, WEFT_NEVER, WEFT_SHIELD);
        weft_sleep(j->cleanup);
        weft_scope_exit(&s, 0);
    }
    j->ended = true;
    j->ended_at = weft_now() - j->t0;
    return j->got ? j->got : j->rc;
}

static void make_calls(struct job *jobs, size_t n, weft_call *calls) {
    weft_time t0 = weft_now();
    for (size_t i = 0; i < n; i++) {
        jobs[i].t0 = t0;
        calls[i] = (weft_call){job_run, &jobs[i], "job"};
    }
}

/* ---- gather ---- */

struct gather_case {
    struct job jobs[3];
    unsigned flags;
    weft_time scope_after; /* > 0: gather inside move_on_after */
    bool fail_scope;       /* fail_after instead */
    int codes[3];
    int rc;
    int scope_rc;
    weft_time at;
};

static int gather_body(void *p) {
    struct gather_case *c = p;
    weft_call calls[3];
    make_calls(c->jobs, 3, calls);
    weft_time t0 = weft_now();
    weft_scope s;
    if (c->fail_scope)
        weft_fail_after(&s, c->scope_after);
    else if (c->scope_after)
        weft_move_on_after(&s, c->scope_after);
    c->rc = weft_gather(calls, 3, c->codes, c->flags);
    if (c->scope_after) c->scope_rc = weft_scope_exit(&s, c->rc);
    c->at = weft_now() - t0;
    for (int i = 0; i < 3; i++) {
        ck_assert_msg(c->jobs[i].ended, "job %d still ran after gather", i);
    }
    return 0;
}

START_TEST(patterns_gather_results_in_input_order) {
    struct gather_case c = {.jobs = {{.sleep = 30 * WEFT_MSEC, .rc = 7},
                                     {.sleep = 10 * WEFT_MSEC, .rc = 8},
                                     {.sleep = 20 * WEFT_MSEC, .rc = 9}}};
    RUN_OK(_i, gather_body, &c);
    ck_assert_int_eq(c.rc, 0);
    ck_assert_int_eq(c.codes[0], 7);
    ck_assert_int_eq(c.codes[1], 8);
    ck_assert_int_eq(c.codes[2], 9);
    ck_assert_sim_time(c.at, 30 * WEFT_MSEC, _i);
}
END_TEST

START_TEST(patterns_gather_first_error_cancels_rest) {
    struct gather_case c = {.jobs = {{.sleep = 10 * WEFT_SEC},
                                     {.sleep = 0, .rc = -EIO},
                                     {.sleep = 10 * WEFT_SEC}}};
    RUN_OK(_i, gather_body, &c);
    ck_assert_run(c.rc, -EIO, _i);
    ck_assert_int_eq(c.codes[0], -ECANCELED);
    ck_assert_int_eq(c.codes[1], -EIO);
    ck_assert_int_eq(c.codes[2], -ECANCELED);
    ck_assert_sim_time(c.at, 0, _i);
}
END_TEST

START_TEST(patterns_gather_collect_errors_runs_every_call) {
    struct gather_case c = {.jobs = {{.sleep = 30 * WEFT_MSEC},
                                     {.sleep = 10 * WEFT_MSEC, .rc = -EIO},
                                     {.sleep = 20 * WEFT_MSEC, .rc = 3}},
                            .flags = WEFT_COLLECT_ERRORS};
    RUN_OK(_i, gather_body, &c);
    ck_assert_run(c.rc, 0, _i);
    ck_assert_int_eq(c.codes[0], 0);
    ck_assert_int_eq(c.codes[1], -EIO);
    ck_assert_int_eq(c.codes[2], 3);
    ck_assert_sim_time(c.at, 30 * WEFT_MSEC, _i);
}
END_TEST

static int gather_empty(void *p) {
    int *rcs = p;
    rcs[0] = weft_gather(NULL, 0, NULL, 0);
    weft_scope s;
    weft_scope_enter(&s, WEFT_NEVER, 0);
    weft_scope_cancel(&s);
    rcs[1] = weft_gather(NULL, 0, NULL, 0); /* still a checkpoint */
    weft_scope_exit(&s, rcs[1]);
    return 0;
}

START_TEST(patterns_gather_no_calls_is_a_checkpoint) {
    int rcs[2] = {1, 1};
    RUN_OK(_i, gather_empty, rcs);
    ck_assert_int_eq(rcs[0], 0);
    ck_assert_int_eq(rcs[1], -ECANCELED);
}
END_TEST

/* Which calls end before the deadline is a matter of time: sim only. */
START_TEST(patterns_gather_outer_cancel_returns_ecanceled) {
    struct gather_case c = {.jobs = {{.sleep = 30 * WEFT_MSEC},
                                     {.sleep = 10 * WEFT_MSEC, .rc = 4},
                                     {.sleep = 20 * WEFT_MSEC}},
                            .scope_after = 15 * WEFT_MSEC};
    RUN_OK(_i, gather_body, &c);
    ck_assert_run(c.rc, -ECANCELED, _i);
    ck_assert_int_eq(c.scope_rc, 0);
    ck_assert_int_eq(c.codes[0], -ECANCELED);
    ck_assert_int_eq(c.codes[1], 4);
    ck_assert_int_eq(c.codes[2], -ECANCELED);
    ck_assert_sim_time(c.at, 15 * WEFT_MSEC, _i);
}
END_TEST

START_TEST(patterns_gather_under_fail_after_times_out) {
    struct gather_case c = {
        .jobs = {{.sleep = WEFT_SEC}, {.sleep = WEFT_SEC}, {.sleep = WEFT_SEC}},
        .scope_after = 50 * WEFT_MSEC,
        .fail_scope = true};
    RUN_OK(_i, gather_body, &c);
    ck_assert_run(c.scope_rc, -ETIMEDOUT, _i);
    ck_assert_sim_time(c.at, 50 * WEFT_MSEC, _i);
}
END_TEST

/* ---- race ---- */

struct race_case {
    struct job jobs[3];
    size_t n;
    weft_time scope_after; /* > 0: race inside move_on_after */
    int rc;
    size_t winner;
    weft_time at;
};

static int race_body(void *p) {
    struct race_case *c = p;
    weft_call calls[3];
    make_calls(c->jobs, c->n, calls);
    weft_time t0 = weft_now();
    weft_scope s;
    if (c->scope_after) weft_move_on_after(&s, c->scope_after);
    c->winner = SIZE_MAX;
    c->rc = weft_race(calls, c->n, &c->winner);
    if (c->scope_after) weft_scope_exit(&s, c->rc);
    c->at = weft_now() - t0;
    for (size_t i = 0; i < c->n; i++) {
        ck_assert_msg(c->jobs[i].ended, "job %zu still ran after race", i);
    }
    return 0;
}

START_TEST(patterns_race_first_success_wins) {
    struct race_case c = {.jobs = {{.sleep = 30 * WEFT_MSEC},
                                   {.sleep = 10 * WEFT_MSEC, .rc = -EIO},
                                   {.sleep = 20 * WEFT_MSEC, .rc = 5}},
                          .n = 3};
    RUN_OK(_i, race_body, &c);
    ck_assert_run(c.rc, 5, _i);
    ck_assert_uint_eq(c.winner, 2);
    ck_assert_int_eq(c.jobs[0].got, -ECANCELED);
    ck_assert_sim_time(c.at, 20 * WEFT_MSEC, _i);
}
END_TEST

START_TEST(patterns_race_all_fail_returns_first_failure) {
    struct race_case c = {.jobs = {{.sleep = 30 * WEFT_MSEC, .rc = -EIO},
                                   {.sleep = 10 * WEFT_MSEC, .rc = -EPIPE},
                                   {.sleep = 20 * WEFT_MSEC, .rc = -ENOENT}},
                          .n = 3};
    RUN_OK(_i, race_body, &c);
    ck_assert_run(c.rc, -EPIPE, _i);
    ck_assert_uint_eq(c.winner, SIZE_MAX); /* left alone */
    ck_assert_sim_time(c.at, 30 * WEFT_MSEC, _i);
}
END_TEST

START_TEST(patterns_race_losers_cancelled_and_awaited) {
    struct race_case c = {
        .jobs = {{.sleep = 10 * WEFT_MSEC},
                 {.sleep = WEFT_SEC, .cleanup = 500 * WEFT_MSEC}},
        .n = 2};
    RUN_OK(_i, race_body, &c);
    ck_assert_run(c.rc, 0, _i);
    ck_assert_uint_eq(c.winner, 0);
    ck_assert_int_eq(c.jobs[1].got, -ECANCELED);
    ck_assert_sim_time(c.jobs[1].ended_at, 510 * WEFT_MSEC, _i);
    ck_assert_sim_time(c.at, 510 * WEFT_MSEC, _i);
}
END_TEST

START_TEST(patterns_race_outer_cancel_returns_ecanceled) {
    struct race_case c = {
        .jobs = {{.sleep = 10 * WEFT_MSEC}, {.sleep = 20 * WEFT_MSEC}},
        .n = 2,
        .scope_after = 5 * WEFT_MSEC};
    RUN_OK(_i, race_body, &c);
    ck_assert_run(c.rc, -ECANCELED, _i);
    ck_assert_uint_eq(c.winner, SIZE_MAX);
    ck_assert_sim_time(c.at, 5 * WEFT_MSEC, _i);
}
END_TEST

/* Two calls succeed at the same virtual instant: the schedule decides;
 * across seeds the simulator must explore both outcomes. */
static int tie_counts[2];

START_TEST(patterns_race_tie_is_explored_by_seed) {
    memset(tie_counts, 0, sizeof tie_counts);
    for (int seed = 1; seed <= 100; seed++) {
        struct race_case c = {.jobs = {{.sleep = 10 * WEFT_MSEC, .rc = 1},
                                       {.sleep = 10 * WEFT_MSEC, .rc = 2}},
                              .n = 2};
        ck_assert_run(run_sim((uint64_t)seed, race_body, &c), 0, seed);
        ck_assert_msg(c.winner < 2 && c.rc == (int)c.winner + 1, "seed=%d",
                      seed);
        ck_assert_int_eq(c.at, 10 * WEFT_MSEC);
        tie_counts[c.winner]++;
    }
    ck_assert_int_gt(tie_counts[0], 0);
    ck_assert_int_gt(tie_counts[1], 0);
}
END_TEST

/* ---- bounded_map ---- */

struct bmap_case {
    int items[20];
    int codes[20];
    size_t n;
    size_t limit;
    unsigned flags;
    int fail_item;  /* this item yields and fails with -EIO */
    weft_time each; /* sleep of the other items; 0: 1 to 3 ms */
    weft_time scope_after;
    int inflight;
    int max_inflight;
    int rc;
    weft_time at;
};

static int bmap_fn(void *item, void *ctx) {
    struct bmap_case *c = ctx;
    int v = *(int *)item;
    if (++c->inflight > c->max_inflight) c->max_inflight = c->inflight;
    int rc;
    if (v == c->fail_item) {
        weft_yield();
        rc = -EIO;
    } else {
        rc = weft_sleep(c->each ? c->each : (1 + v % 3) * WEFT_MSEC);
        if (!rc) rc = 2 * v;
    }
    c->inflight--;
    return rc;
}

static int bmap_body(void *p) {
    struct bmap_case *c = p;
    for (size_t i = 0; i < c->n; i++)
        c->items[i] = (int)i;
    weft_time t0 = weft_now();
    weft_scope s;
    if (c->scope_after) weft_move_on_after(&s, c->scope_after);
    c->rc = weft_bounded_map(bmap_fn, c->items, c->n, sizeof c->items[0],
                             c->limit, c, c->codes, c->flags);
    if (c->scope_after) weft_scope_exit(&s, c->rc);
    c->at = weft_now() - t0;
    ck_assert_int_eq(c->inflight, 0);
    return 0;
}

START_TEST(patterns_bounded_map_never_exceeds_limit) {
    struct bmap_case c = {.n = 20, .limit = 3, .fail_item = -1};
    RUN_OK(_i, bmap_body, &c);
    ck_assert_run(c.rc, 0, _i);
    ck_assert_int_eq(c.max_inflight, 3);
    for (int i = 0; i < 20; i++)
        ck_assert_int_eq(c.codes[i], 2 * i);
}
END_TEST

START_TEST(patterns_bounded_map_limit_above_n_runs_all_at_once) {
    struct bmap_case c = {
        .n = 5, .limit = 50, .fail_item = -1, .each = 10 * WEFT_MSEC};
    RUN_OK(_i, bmap_body, &c);
    ck_assert_run(c.rc, 0, _i);
    ck_assert_int_eq(c.max_inflight, 5);
    ck_assert_sim_time(c.at, 10 * WEFT_MSEC, _i);
}
END_TEST

START_TEST(patterns_bounded_map_first_error_cancels_rest) {
    struct bmap_case c = {
        .n = 10, .limit = 2, .fail_item = 3, .each = 10 * WEFT_MSEC};
    RUN_OK(_i, bmap_body, &c);
    ck_assert_run(c.rc, -EIO, _i);
    ck_assert_int_eq(c.codes[0], 0);
    ck_assert_int_eq(c.codes[1], 2);
    ck_assert_int_eq(c.codes[2], -ECANCELED); /* running: cancelled */
    ck_assert_int_eq(c.codes[3], -EIO);
    for (int i = 4; i < 10; i++) {
        ck_assert_int_eq(c.codes[i], -ECANCELED); /* never started */
    }
    ck_assert_sim_time(c.at, 10 * WEFT_MSEC, _i);
}
END_TEST

START_TEST(patterns_bounded_map_collect_errors_runs_every_item) {
    struct bmap_case c = {.n = 10,
                          .limit = 2,
                          .fail_item = 3,
                          .each = 10 * WEFT_MSEC,
                          .flags = WEFT_COLLECT_ERRORS};
    RUN_OK(_i, bmap_body, &c);
    ck_assert_run(c.rc, 0, _i);
    for (int i = 0; i < 10; i++) {
        ck_assert_int_eq(c.codes[i], i == 3 ? -EIO : 2 * i);
    }
    /* nine 10 ms items on two workers; the failing one costs nothing */
    ck_assert_sim_time(c.at, 50 * WEFT_MSEC, _i);
}
END_TEST

/* Sim only: which items end before the deadline is a matter of time. */
START_TEST(patterns_bounded_map_outer_cancel_stops_starting) {
    struct bmap_case c = {.n = 10,
                          .limit = 2,
                          .fail_item = -1,
                          .each = 10 * WEFT_MSEC,
                          .scope_after = 15 * WEFT_MSEC};
    RUN_OK(_i, bmap_body, &c);
    ck_assert_run(c.rc, -ECANCELED, _i);
    ck_assert_int_eq(c.codes[0], 0);
    ck_assert_int_eq(c.codes[1], 2);
    for (int i = 2; i < 10; i++)
        ck_assert_int_eq(c.codes[i], -ECANCELED);
    ck_assert_sim_time(c.at, 15 * WEFT_MSEC, _i);
}
END_TEST

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

/* ---- determinism: a seed replays the whole run ---- */

struct replay_log {
    int n;
    long long ev[256]; /* time * 64 + what */
};

static void note(struct replay_log *l, int what) {
    if (l->n < 256) l->ev[l->n++] = (long long)weft_now() * 64 + what;
}

static int replay_item(void *item, void *ctx) {
    int v = *(int *)item;
    note(ctx, v);
    int rc = weft_sleep((weft_time)(weft_random() % 4) * WEFT_MSEC);
    note(ctx, 32 + v);
    return rc;
}

static int replay_call(void *p) {
    struct replay_log *l = p;
    weft_yield();
    note(l, 63);
    return weft_sleep((weft_time)(weft_random() % 3) * WEFT_MSEC);
}

static int replay_body(void *p) {
    struct replay_log *l = p;
    int items[12];
    for (int i = 0; i < 12; i++)
        items[i] = i;
    int rc = weft_bounded_map(replay_item, items, 12, sizeof items[0], 3, l,
                              NULL, 0);
    weft_call calls[3] = {
        {replay_call, l, "a"}, {replay_call, l, "b"}, {replay_call, l, "c"}};
    size_t w;
    if (!rc) rc = weft_race(calls, 3, &w) < 0;
    if (!rc) rc = weft_gather(calls, 3, NULL, 0);
    return rc;
}

START_TEST(patterns_same_seed_replays_exactly) {
    struct replay_log a = {0}, b = {0}, other = {0};
    ck_assert_run(run_sim((uint64_t)_i, replay_body, &a), 0, _i);
    ck_assert_run(run_sim((uint64_t)_i, replay_body, &b), 0, _i);
    ck_assert_run(run_sim((uint64_t)_i + 1000, replay_body, &other), 0, _i);
    ck_assert_int_eq(a.n, b.n);
    ck_assert_msg(!memcmp(a.ev, b.ev, sizeof a.ev), "seed=%d diverged", _i);
    ck_assert_msg(a.n != other.n || memcmp(a.ev, other.ev, sizeof a.ev),
                  "seeds %d and %d ran alike", _i, _i + 1000);
}
END_TEST

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

Suite *patterns_suite(void);
Suite *patterns_suite(void) {
    Suite *s = suite_create("patterns");
    TCase *tc = tcase_create("basic");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, patterns_gather_results_in_input_order, 0, 100);
    tcase_add_loop_test(tc, patterns_gather_collect_errors_runs_every_call, 0,
                        100);
    tcase_add_loop_test(tc, patterns_gather_no_calls_is_a_checkpoint, 0, 3);
    tcase_add_loop_test(tc, patterns_race_first_success_wins, 0, 100);
    tcase_add_loop_test(tc, patterns_race_all_fail_returns_first_failure, 0,
                        100);
    tcase_add_test(tc, patterns_race_tie_is_explored_by_seed);
    tcase_add_loop_test(tc, patterns_bounded_map_never_exceeds_limit, 0, 200);
    tcase_add_loop_test(tc, patterns_bounded_map_limit_above_n_runs_all_at_once,
                        0, 50);
    tcase_add_loop_test(tc, patterns_bounded_map_collect_errors_runs_every_item,
                        0, 100);
    tcase_add_loop_test(tc, patterns_retry_delays_double_up_to_max, 1, 20);
    tcase_add_loop_test(tc, patterns_retry_jitter_is_exact_and_replays, 1, 50);
    tcase_add_loop_test(tc, patterns_retry_defaults_three_tries_with_jitter, 1,
                        50);
    tcase_add_loop_test(tc, patterns_retry_success_returns_its_result, 0, 20);
    tcase_add_loop_test(tc, patterns_retry_on_rejects_stops_with_that_code, 0,
                        5);
    tcase_add_loop_test(tc, patterns_completions_in_completion_order, 0, 100);
    tcase_add_loop_test(tc, patterns_completions_limit_one_runs_in_input_order,
                        0, 50);
    tcase_add_loop_test(tc, patterns_completions_empty_is_epipe, 0, 3);
    tcase_add_loop_test(tc, patterns_completions_never_exceed_limit, 0, 200);
    tcase_add_loop_test(tc, patterns_same_seed_replays_exactly, 1, 50);
    suite_add_tcase(s, tc);

    tc = tcase_create("cancel");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, patterns_gather_first_error_cancels_rest, 0, 300);
    tcase_add_loop_test(tc, patterns_gather_outer_cancel_returns_ecanceled, 1,
                        100);
    tcase_add_loop_test(tc, patterns_race_losers_cancelled_and_awaited, 0, 100);
    tcase_add_loop_test(tc, patterns_race_outer_cancel_returns_ecanceled, 0,
                        100);
    tcase_add_loop_test(tc, patterns_bounded_map_first_error_cancels_rest, 0,
                        300);
    tcase_add_loop_test(tc, patterns_bounded_map_outer_cancel_stops_starting, 1,
                        100);
    tcase_add_loop_test(tc, patterns_retry_never_retries_ecanceled, 0, 5);
    tcase_add_loop_test(
        tc, patterns_retry_cancelled_while_sleeping_returns_ecanceled, 0, 100);
    tcase_add_loop_test(
        tc, patterns_completions_destroy_early_cancels_and_awaits, 0, 100);
    tcase_add_loop_test(tc, patterns_completions_cancelled_next_loses_no_result,
                        0, 100);
    tcase_add_loop_test(
        tc, patterns_completions_unstarted_calls_come_out_cancelled, 1, 100);
    suite_add_tcase(s, tc);

    tc = tcase_create("timeout");
    tcase_add_loop_test(tc, patterns_retry_stops_before_crossing_deadline, 1,
                        20);
    tcase_add_loop_test(
        tc, patterns_retry_sleep_ending_at_deadline_is_not_taken, 1, 20);
    tcase_add_loop_test(tc, patterns_gather_under_fail_after_times_out, 0, 50);
    suite_add_tcase(s, tc);

    tc = tcase_create("misuse");
    tcase_add_loop_test(tc, patterns_bad_arguments_are_einval, 0, 2);
    tcase_add_test_raise_signal(tc, patterns_gather_outside_task_aborts,
                                SIGABRT);
    tcase_add_test_raise_signal(
        tc, patterns_completions_next_after_destroy_aborts, SIGABRT);
    tcase_add_test_raise_signal(
        tc, patterns_completions_destroy_with_open_scope_aborts, SIGABRT);
    suite_add_tcase(s, tc);

    if (OOM_AVAILABLE) {
        tc = tcase_create("oom");
        tcase_add_loop_test(tc, patterns_oom_fails_cleanly_then_succeeds, 0, 4);
        suite_add_tcase(s, tc);
    }
    return s;
}

int main(void) {
    return run_suite(patterns_suite());
}
