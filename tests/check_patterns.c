/* tests/check_patterns.c: gather, race and bounded_map, the calls that
 * fan out and wait (docs/PATTERNS.md; suite patterns), and the replay of
 * a run of all three from its seed. Loop tests run index 0 under the real
 * backend and 1..N under sim with that seed (run_both); exact virtual
 * times are asserted under sim only. A case whose outcome depends on
 * which sleep ends first starts at index 1: on a loaded machine real
 * sleeps of 10 and 20 ms may end in either order. Under the real backend
 * such outcomes are tested with an order fixed by construction (a call
 * that returns at once against calls that sleep for an hour). Every run must leak nothing
 * (weft_leaks() after weft_run). retry, the completion stream, and the
 * misuse and oom cases have programs of their own
 * (tests/check_patterns_*.c). */
#include <stdint.h>
#include <string.h>

#include "patterns_test.h"

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

/* Real backend, order by construction: the winner returns at once, the
 * losers would sleep for an hour. */
START_TEST(patterns_race_real_winner_cancels_losers) {
    struct race_case c = {.jobs = {{.sleep = (3600 * WEFT_SEC)},
                                   {.sleep = 0, .rc = 6},
                                   {.sleep = (3600 * WEFT_SEC)}},
                          .n = 3};
    ck_assert_int_eq(run_real(race_body, &c), 0);
    ck_assert_int_eq(c.rc, 6);
    ck_assert_uint_eq(c.winner, 1);
    ck_assert_int_eq(c.jobs[0].got, -ECANCELED);
    ck_assert_int_eq(c.jobs[2].got, -ECANCELED);
    ck_assert_int_eq(weft_leaks(NULL, 0), 0);
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

void patterns_add_cases(Suite *s) {
    TCase *tc = tcase_create("basic");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, patterns_gather_results_in_input_order, 0, 100);
    tcase_add_loop_test(tc, patterns_gather_collect_errors_runs_every_call, 0,
                        100);
    tcase_add_loop_test(tc, patterns_gather_no_calls_is_a_checkpoint, 0, 3);
    tcase_add_loop_test(tc, patterns_race_first_success_wins, 1, 100);
    tcase_add_loop_test(tc, patterns_race_all_fail_returns_first_failure, 1,
                        100);
    tcase_add_test(tc, patterns_race_tie_is_explored_by_seed);
    tcase_add_test(tc, patterns_race_real_winner_cancels_losers);
    tcase_add_loop_test(tc, patterns_bounded_map_never_exceeds_limit, 0, 200);
    tcase_add_loop_test(tc, patterns_bounded_map_limit_above_n_runs_all_at_once,
                        0, 50);
    tcase_add_loop_test(tc, patterns_bounded_map_collect_errors_runs_every_item,
                        0, 100);
    tcase_add_loop_test(tc, patterns_same_seed_replays_exactly, 1, 50);
    suite_add_tcase(s, tc);

    tc = tcase_create("cancel");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, patterns_gather_first_error_cancels_rest, 0, 300);
    tcase_add_loop_test(tc, patterns_gather_outer_cancel_returns_ecanceled, 1,
                        100);
    tcase_add_loop_test(tc, patterns_race_losers_cancelled_and_awaited, 1, 100);
    tcase_add_loop_test(tc, patterns_race_outer_cancel_returns_ecanceled, 1,
                        100);
    tcase_add_loop_test(tc, patterns_bounded_map_first_error_cancels_rest, 1,
                        300);
    tcase_add_loop_test(tc, patterns_bounded_map_outer_cancel_stops_starting, 1,
                        100);
    suite_add_tcase(s, tc);

    tc = tcase_create("timeout");
    tcase_add_loop_test(tc, patterns_gather_under_fail_after_times_out, 0, 50);
    suite_add_tcase(s, tc);
}
