/* tests/check_fuzz.c: the "bytes" strategy and the fuzz target's body
 * (weft/fuzz.h): an input fixes the run and the replay string of its
 * log replays it; a passing input returns 0 and counts schedule
 * coverage; a failing one aborts with its seed-free replay command and
 * writes the replay file weft-explore --replay-file reads; with
 * WEFT_FUZZ_SEED=input the seed comes from the input and is named. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decision.h"
#include "failfile.h"
#include "harness.h"
#include "lost_update.h"
#include "report.h"
#include "weft/fuzz.h"


/* Runs two_deposits with strategy spec into r; its schedule string. */
static void run_logged(const char *spec, struct weft__run_report *r,
                       char *sched, size_t n) {
    weft_config cfg;
    weft_config_init(&cfg);
    cfg.backend = WEFT_BACKEND_SIM;
    cfg.strategy = spec;
    r->fd = -1;
    weft__sim_report = r;
    weft_run(&cfg, two_deposits, NULL);
    weft__sim_report = NULL;
    ck_assert_int_eq(weft__dlog_format(&r->log, r->log.n, sched, n), 0);
}

START_TEST(bytes_input_replays_by_its_schedule_string) {
    static const char *const inputs[] = {"bytes:", "bytes:00", "bytes:0101",
                                         "bytes:ff07", "bytes:030201"};
    struct weft__run_report r;
    memset(&r, 0, sizeof r);
    char a[256], b[256], spec[300], c[256];
    run_logged(inputs[_i], &r, a, sizeof a);
    run_logged(inputs[_i], &r, b, sizeof b);
    ck_assert_str_eq(a, b);
    snprintf(spec, sizeof spec, "replay:%s", a);
    run_logged(spec, &r, c, sizeof c);
    ck_assert_str_eq(a, c);
    if (_i < 2) ck_assert_str_eq(a, ""); /* no input: no preemption */
    weft__dlog_free(&r.log);
}
END_TEST

START_TEST(bytes_bad_hex_is_einval) {
    static const char *const bad[] = {"bytes:0", "bytes:zz", "bytes:0g"};
    weft_config cfg;
    weft_config_init(&cfg);
    cfg.backend = WEFT_BACKEND_SIM;
    cfg.strategy = bad[_i];
    ck_assert_int_eq(weft_run(&cfg, two_deposits, NULL), -EINVAL);
}
END_TEST

static size_t nonzero(const unsigned char *c, size_t n) {
    size_t k = 0;
    for (size_t i = 0; i < n; i++) k += c[i] != 0;
    return k;
}

START_TEST(fuzz_passing_input_counts_schedule_coverage) {
    static unsigned char counters[WEFT_FUZZ_COUNTERS];
    const uint8_t none[] = {0};
    ck_assert_int_eq(weft_fuzz_one(none, 0, two_deposits, NULL, counters,
                                   sizeof counters), 0);
    size_t plain = nonzero(counters, sizeof counters);
    ck_assert_uint_gt(plain, 0);
    memset(counters, 0, sizeof counters);
    setenv("WEFT_FUZZ_FORK", "1", 1);
    ck_assert_int_eq(weft_fuzz_one(none, 0, two_deposits, NULL, counters,
                                   sizeof counters), 0);
    unsetenv("WEFT_FUZZ_FORK");
    ck_assert_uint_eq(nonzero(counters, sizeof counters), plain);
}
END_TEST

static char replay_path[64];

static void fuzz_failing(void *arg) {
    (void)arg;
    static unsigned char counters[64];
    const uint8_t in[] = {1, 1};
    setenv("WEFT_FUZZ_PROGRAM", "./two_deposits", 1);
    setenv("WEFT_FUZZ_REPLAY", replay_path, 1);
    weft_fuzz_one(in, sizeof in, two_deposits, NULL, counters,
                  sizeof counters);
}

START_TEST(fuzz_failing_input_aborts_with_its_replay) {
    snprintf(replay_path, sizeof replay_path, "/tmp/weft-fuzz-%d.replay",
             (int)getpid());
    expect_abort(fuzz_failing, NULL, "weft-fuzz: FAIL kind=assert",
                 "replay: WEFT_BACKEND=sim WEFT_STRATEGY=replay:0.1,1.1 "
                 "./two_deposits",
                 "weft-explore --replay-file", NULL);
    weft_explore_failure x;
    ck_assert_int_eq(weft__failfile_read(replay_path, &x), 0);
    unlink(replay_path);
    ck_assert_str_eq(x.strategy, "replay:0.1,1.1");
    ck_assert_uint_eq(x.seed, 0);
    ck_assert_int_eq(x.kind, WEFT_FAILURE_ASSERT);
    /* and the replay fails again */
    weft_explore_opts o;
    weft_explore_opts_init(&o);
    o.strategy = x.strategy;
    o.seed_first = x.seed;
    o.seed_count = 1;
    o.quiet = true;
    ck_assert_int_eq(weft_explore(&o, two_deposits, NULL, NULL), 1);
}
END_TEST

static void fuzz_seeded_failing(void *arg) {
    (void)arg;
    const uint8_t in[] = {1, 1};
    setenv("WEFT_FUZZ_SEED", "input", 1);
    setenv("WEFT_FUZZ_PROGRAM", "./two_deposits", 1);
    weft_fuzz_one(in, sizeof in, two_deposits, NULL, NULL, 0);
}

START_TEST(fuzz_seed_from_input_is_in_the_replay) {
    expect_abort(fuzz_seeded_failing, NULL,
                 "replay: WEFT_BACKEND=sim WEFT_SEED=", /* the hash */
                 " WEFT_STRATEGY=replay:0.1,1.1 ./two_deposits", NULL);
}
END_TEST

static Suite *fuzz_suite(void) {
    Suite *s = suite_create("fuzz");
    TCase *tc = tcase_create("basic");
    tcase_add_loop_test(tc, bytes_input_replays_by_its_schedule_string, 0, 5);
    tcase_add_loop_test(tc, bytes_bad_hex_is_einval, 0, 3);
    tcase_add_test(tc, fuzz_passing_input_counts_schedule_coverage);
    tcase_add_test(tc, fuzz_failing_input_aborts_with_its_replay);
    tcase_add_test(tc, fuzz_seed_from_input_is_in_the_replay);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return run_suite(fuzz_suite()); }
