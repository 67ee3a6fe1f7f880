/* tests/check_explore.c: the strategy interface and weft_explore: age
 * order of the run queue, the decision log and replay, pct's strings,
 * dfs's complete coverage, timer ties and run_sync delays as choices,
 * and each failure kind a campaign reports. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decision.h"
#include "harness.h"
#include "lost_update.h"


static weft_explore_opts quiet_opts(const char *strategy, uint64_t count) {
    weft_explore_opts o;
    weft_explore_opts_init(&o);
    o.strategy = strategy;
    o.seed_count = count;
    o.quiet = true;
    return o;
}

START_TEST(explore_lost_update_each_strategy_finds_it) {
    static const char *const strategies[] = {"random", "pct:2", "dfs:1"};
    weft_explore_opts o = quiet_opts(strategies[_i], 200);
    o.shrink = true;
    weft_explore_result r;
    ck_assert_int_eq(weft_explore(&o, two_deposits, NULL, &r), 1);
    ck_assert_int_eq(r.first.kind, WEFT_FAILURE_ASSERT);
    ck_assert_msg(strstr(r.first.message, "balance == 20"), "%s",
                  r.first.message);
    ck_assert_int_eq(r.first.preemptions, 1);
    ck_assert_msg(!strncmp(r.first.shrunk, "replay:", 7), "%s",
                  r.first.shrunk);
    /* the shrunk schedule fails again, alone */
    weft_explore_opts again = quiet_opts(r.first.shrunk, 1);
    again.seed_first = r.first.seed;
    ck_assert_int_eq(weft_explore(&again, two_deposits, NULL, &r), 1);
}
END_TEST

START_TEST(explore_jobs_split_seeds_over_workers) {
    weft_explore_opts o = quiet_opts("random", 200);
    o.jobs = 3;
    o.stop_after = 1000;
    weft_explore_result r;
    ck_assert_int_eq(weft_explore(&o, two_deposits, NULL, &r), 1);
    ck_assert_uint_eq(r.runs, 200);
    ck_assert_uint_gt(r.failures, 0);
    ck_assert_uint_lt(r.failures, 200);
    weft_explore_opts one = quiet_opts("random", 200);
    one.stop_after = 1000;
    weft_explore_result r1;
    ck_assert_int_eq(weft_explore(&one, two_deposits, NULL, &r1), 1);
    ck_assert_uint_eq(r.failures, r1.failures); /* the same seeds */
    ck_assert_uint_eq(r.first.seed, r1.first.seed);
}
END_TEST

START_TEST(explore_trace_dir_records_failing_run) {
    char dir[] = "/tmp/weft-explore-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    weft_explore_opts o = quiet_opts("pct:3", 300);
    o.trace_dir = dir;
    weft_explore_result r;
    ck_assert_int_eq(weft_explore(&o, two_deposits, NULL, &r), 1);
    char path[128];
    snprintf(path, sizeof path, "%s/seed-%llu.trace", dir,
             (unsigned long long)r.first.seed);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "no %s", path);
    fclose(f);
    remove(path);
    rmdir(dir);
}
END_TEST

START_TEST(explore_dfs_covers_small_space_completely) {
    weft_explore_opts o = quiet_opts("dfs:2", 1000);
    o.stop_after = 1000;
    weft_explore_result r;
    ck_assert_int_eq(weft_explore(&o, two_deposits, NULL, &r), 1);
    ck_assert(r.complete);
    ck_assert_uint_gt(r.schedules, 2);
    ck_assert_uint_eq(r.outcomes, 2);
}
END_TEST

START_TEST(explore_replay_empty_schedule_runs_without_preemption) {
    weft_explore_opts o = quiet_opts("replay:", 20);
    weft_explore_result r;
    ck_assert_int_eq(weft_explore(&o, two_deposits, NULL, &r), 0);
    ck_assert_uint_eq(r.runs, 20);
    ck_assert_uint_eq(r.schedules, 1);
}
END_TEST

START_TEST(explore_bad_strategy_is_einval) {
    static const char *const bad[] = {"pct", "pct:0", "pct:3:k=0", "dfs",
                                      "dfs:x", "replay:1.0", "replay:2.1,1.1",
                                      "random:1", "nope"};
    weft_explore_opts o = quiet_opts(bad[_i], 1);
    ck_assert_int_eq(weft_explore(&o, two_deposits, NULL, NULL), -EINVAL);
}
END_TEST

/* ---- the run queue's index order is age order ---- */

static char order[16];
static size_t norder;

static int mark(void *arg) {
    order[norder++] = (char)(uintptr_t)arg;
    return 0;
}

static int spawn_four(void *arg) {
    (void)arg;
    norder = 0;
    weft_group g;
    weft_group_init(&g);
    for (uintptr_t c = 'a'; c <= 'd'; c++) weft_spawn(&g, "m", mark, (void *)c);
    int rc = weft_group_join(&g);
    weft_group_destroy(&g);
    return rc;
}

START_TEST(sched_default_choices_run_oldest_first) {
    /* replay: takes the oldest whenever the running task blocks: a, b,
     * c, d in spawn order, whatever was taken out of the middle before */
    weft_config cfg;
    weft_config_init(&cfg);
    cfg.backend = WEFT_BACKEND_SIM;
    cfg.strategy = "replay:";
    ck_assert_int_eq(weft_run(&cfg, spawn_four, NULL), 0);
    ck_assert_mem_eq(order, "abcd", 4);
    /* the first choice is at the join's schedule point, among a, b, c,
     * d and the root (at the back, the default): 3 after it is c; then
     * the oldest left is a, not b (as a swap-remove would have it) */
    cfg.strategy = "replay:0.3";
    ck_assert_int_eq(weft_run(&cfg, spawn_four, NULL), 0);
    ck_assert_mem_eq(order, "cabd", 4);
}
END_TEST

/* ---- timer ties are a choice ---- */

static int sleeper(void *arg) {
    int rc = weft_sleep(WEFT_MSEC);
    order[norder++] = (char)(uintptr_t)arg;
    return rc;
}

static int three_sleepers(void *arg) {
    (void)arg;
    norder = 0;
    weft_group g;
    weft_group_init(&g);
    for (uintptr_t c = 'a'; c <= 'c'; c++) {
        weft_spawn(&g, "s", sleeper, (void *)c);
    }
    int rc = weft_group_join(&g);
    weft_group_destroy(&g);
    order[norder] = '\0';
    /* fails for one order only, so a campaign must choose among ties */
    WEFT_ASSERT(strcmp(order, "cba") != 0);
    return rc;
}

START_TEST(explore_timer_ties_are_enumerated_by_dfs) {
    weft_explore_opts o = quiet_opts("dfs:0", 1000);
    weft_explore_result r;
    ck_assert_int_eq(weft_explore(&o, three_sleepers, NULL, &r), 1);
    ck_assert_int_eq(r.first.kind, WEFT_FAILURE_ASSERT);
    ck_assert_int_eq(r.first.preemptions, 0);
}
END_TEST

/* ---- failure kinds ---- */

static int steps_of(void *arg) {
    for (uintptr_t i = 0; i < (uintptr_t)arg; i++) weft_sched_point("s");
    return 0;
}

static int spin(void *arg) {
    (void)arg;
    for (;;) weft_yield();
    return 0;
}

static int sleep_forever(void *arg) {
    (void)arg;
    for (;;) weft_sleep(WEFT_SEC);
    return 0;
}

static int wait_forever(void *arg) {
    (void)arg;
    weft_event e;
    weft_event_init(&e);
    weft_event_wait(&e);
    weft_event_destroy(&e);
    return 0;
}

static int leak_lock(void *arg) {
    static weft_lock lk;
    (void)arg;
    weft_lock_init(&lk);
    return 0;
}

static int fail_result(void *arg) {
    (void)arg;
    return 7;
}

struct kind_case {
    int (*fn)(void *);
    weft_failure kind;
};

static const struct kind_case kind_cases[] = {
    {spin, WEFT_FAILURE_LIVELOCK},
    {sleep_forever, WEFT_FAILURE_LIVELOCK},
    {leak_lock, WEFT_FAILURE_LEAK},
    {fail_result, WEFT_FAILURE_RESULT},
    {two_deposits, WEFT_FAILURE_ASSERT},
};

START_TEST(explore_failure_kind_is_reported) {
    const struct kind_case *c = &kind_cases[_i];
    weft_explore_opts o = quiet_opts("random", 50);
    o.max_steps = 5000;
    o.max_time = 100 * WEFT_SEC;
    o.isolate = _i % 2; /* the same verdicts in a forked child */
    weft_explore_result r;
    ck_assert_int_eq(weft_explore(&o, c->fn, NULL, &r), 1);
    ck_assert_str_eq(weft_failure_name(r.first.kind),
                     weft_failure_name(c->kind));
}
END_TEST

START_TEST(explore_deadlock_is_reported) {
    weft_explore_opts o = quiet_opts("random", 3);
    weft_explore_result r;
    ck_assert_int_eq(weft_explore(&o, wait_forever, NULL, &r), 1);
    ck_assert_int_eq(r.first.kind, WEFT_FAILURE_DEADLOCK);
    ck_assert_uint_eq(r.runs, 1);
}
END_TEST

/* State outside weft's control: each run sees the count of runs before
 * it, and spawns one more task on every other run. */
static int nondeterministic(void *arg) {
    static int calls;
    (void)arg;
    calls++;
    weft_group g;
    weft_group_init(&g);
    for (int i = 0; i < 2 + calls % 2; i++) {
        weft_spawn(&g, "t", steps_of, (void *)(uintptr_t)1);
    }
    weft_group_join(&g);
    weft_group_destroy(&g);
    return 1; /* fails every time: each failure is run again */
}

START_TEST(explore_rerun_that_differs_is_nondeterminism) {
    weft_explore_opts o = quiet_opts("random", 5);
    weft_explore_result r;
    ck_assert_int_eq(weft_explore(&o, nondeterministic, NULL, &r), 1);
    ck_assert_int_eq(r.first.kind, WEFT_FAILURE_NONDETERMINISM);
    ck_assert_msg(strstr(r.first.message, "outside weft's control"), "%s",
                  r.first.message);
}
END_TEST

/* ---- what a run can ask ---- */

static int ask(void *arg) {
    char *out = arg;
    snprintf(out, 128, "%s %llu %s", weft_backend(),
             (unsigned long long)weft_seed(),
             weft_strategy() ? weft_strategy() : "-");
    return 0;
}

START_TEST(explore_run_knows_seed_and_strategy) {
    char out[128];
    weft_config cfg;
    weft_config_init(&cfg);
    cfg.backend = WEFT_BACKEND_SIM;
    cfg.seed = 42;
    cfg.strategy = "pct:3:k=57";
    ck_assert_int_eq(weft_run(&cfg, ask, out), 0);
    ck_assert_str_eq(out, "sim 42 pct:3:k=57");
    ck_assert_int_eq(run_real(ask, out), 0);
    ck_assert_str_eq(out, "real 0 -");
    ck_assert_ptr_null(weft_backend());
}
END_TEST

START_TEST(explore_pct_string_carries_learnt_k) {
    weft_explore_opts o = quiet_opts("pct:3", 300);
    weft_explore_result r;
    ck_assert_int_eq(weft_explore(&o, two_deposits, NULL, &r), 1);
    ck_assert_msg(!strncmp(r.first.strategy, "pct:3:k=", 8), "%s",
                  r.first.strategy);
}
END_TEST

/* ---- pct and polling loops ---- */

static bool ready;

static int poller(void *arg) {
    (void)arg;
    while (!ready) weft_yield();
    return 0;
}

static int setter(void *arg) {
    (void)arg;
    for (int i = 0; i < 5; i++) weft_sched_point("work");
    ready = true;
    return 0;
}

static int poll_for_flag(void *arg) {
    (void)arg;
    ready = false;
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "poller", poller, NULL);
    weft_spawn(&g, "poller", poller, NULL);
    weft_spawn(&g, "setter", setter, NULL);
    int rc = weft_group_join(&g);
    weft_group_destroy(&g);
    return rc;
}

START_TEST(explore_pct_polling_loop_is_no_livelock) {
    /* a yield lowers the poller below the others: the setter runs */
    weft_explore_opts o = quiet_opts(_i ? "pct:3" : "pct:1", 200);
    o.max_steps = 10000;
    weft_explore_result r;
    ck_assert_int_eq(weft_explore(&o, poll_for_flag, NULL, &r), 0);
    ck_assert_uint_eq(r.runs, 200);
}
END_TEST

/* ---- schedule strings ---- */

START_TEST(decision_schedule_string_round_trips) {
    struct weft__decision d[4] = {
        {.n = 2, .pick = 0, .base = 0},
        {.n = 3, .pick = 0, .base = 2, .stay = true, .preempt = true},
        {.n = 2, .pick = 1, .base = 1},
        {.n = 4, .pick = 3, .base = 0},
    };
    struct weft__dlog log = {d, 4, 4, 0};
    char buf[64];
    ck_assert_int_eq(weft__dlog_format(&log, 4, buf, sizeof buf), 0);
    ck_assert_str_eq(buf, "1.1,3.3");
    ck_assert_uint_eq(weft__dlog_preemptions(&log), 1);
    struct weft__sched_pair *v;
    size_t n;
    ck_assert_int_eq(weft__sched_parse(buf, &v, &n), 0);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(v[1].step, 3);
    ck_assert_uint_eq(v[1].offset, 3);
    free(v);
    ck_assert_int_eq(weft__dlog_format(&log, 4, buf, 4), -ENOSPC);
}
END_TEST

static Suite *explore_suite(void) {
    Suite *s = suite_create("explore");
    TCase *tc = tcase_create("basic");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, explore_lost_update_each_strategy_finds_it, 0, 3);
    tcase_add_test(tc, explore_dfs_covers_small_space_completely);
    tcase_add_test(tc, explore_jobs_split_seeds_over_workers);
    tcase_add_test(tc, explore_trace_dir_records_failing_run);
    tcase_add_test(tc, explore_replay_empty_schedule_runs_without_preemption);
    tcase_add_loop_test(tc, explore_bad_strategy_is_einval, 0, 9);
    tcase_add_test(tc, sched_default_choices_run_oldest_first);
    tcase_add_test(tc, explore_timer_ties_are_enumerated_by_dfs);
    tcase_add_loop_test(tc, explore_failure_kind_is_reported, 0, 5);
    tcase_add_test(tc, explore_deadlock_is_reported);
    tcase_add_test(tc, explore_rerun_that_differs_is_nondeterminism);
    tcase_add_test(tc, explore_run_knows_seed_and_strategy);
    tcase_add_test(tc, explore_pct_string_carries_learnt_k);
    tcase_add_loop_test(tc, explore_pct_polling_loop_is_no_livelock, 0, 2);
    tcase_add_test(tc, decision_schedule_string_round_trips);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return run_suite(explore_suite()); }
