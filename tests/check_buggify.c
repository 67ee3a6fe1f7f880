/* tests/check_buggify.c: WEFT_BUGGIFY and WEFT_COVER (weft/buggify.h):
 * under sim the faults are a function of the seed (same seed, same
 * faults; another seed, others), the E/F setting bounds them, the real
 * backend never fires, a bad setting is refused; coverage marks are
 * counted in the report of an explored run and ignored elsewhere. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "report.h"

#define SITES 8
#define REACHES 64

/* Which of the sites fired on each reach, as a bit string. */
static char pattern[SITES * REACHES + 1];

/* Eight distinct call sites, each reached REACHES times between
 * schedule points. */
static int reach_sites(void *arg) {
    (void)arg;
    char *p = pattern;
    for (int i = 0; i < REACHES; i++) {
        *p++ = WEFT_BUGGIFY() ? '1' : '0';
        *p++ = WEFT_BUGGIFY() ? '1' : '0';
        *p++ = WEFT_BUGGIFY() ? '1' : '0';
        *p++ = WEFT_BUGGIFY() ? '1' : '0';
        weft_sched_point("between");
        *p++ = WEFT_BUGGIFY() ? '1' : '0';
        *p++ = WEFT_BUGGIFY() ? '1' : '0';
        *p++ = WEFT_BUGGIFY() ? '1' : '0';
        *p++ = WEFT_BUGGIFY() ? '1' : '0';
    }
    *p = '\0';
    return 0;
}

static int run_with(uint64_t seed, const char *setting, bool sim) {
    weft_config cfg;
    weft_config_init(&cfg);
    cfg.backend = sim ? WEFT_BACKEND_SIM : WEFT_BACKEND_REAL;
    cfg.seed = seed;
    cfg.buggify = setting;
    return weft_run(&cfg, reach_sites, NULL);
}

static size_t ones(const char *s) {
    size_t n = 0;
    for (; *s; s++) n += *s == '1';
    return n;
}

START_TEST(buggify_same_seed_same_faults) {
    char first[sizeof pattern];
    ck_assert_int_eq(run_with(7, NULL, true), 0);
    memcpy(first, pattern, sizeof first);
    ck_assert_int_eq(run_with(7, NULL, true), 0);
    ck_assert_str_eq(pattern, first);
    ck_assert_uint_gt(ones(first), 0);
}
END_TEST

START_TEST(buggify_other_seeds_other_faults) {
    char first[sizeof pattern];
    ck_assert_int_eq(run_with(1, NULL, true), 0);
    memcpy(first, pattern, sizeof first);
    int differ = 0;
    for (uint64_t seed = 2; seed < 10; seed++) {
        ck_assert_int_eq(run_with(seed, NULL, true), 0);
        differ += strcmp(pattern, first) != 0;
    }
    ck_assert_int_ge(differ, 7);
}
END_TEST

/* 25/25 by default: over 100 seeds about a quarter of the sites are
 * enabled and they fire about a quarter of the times: 1/16 of all
 * reaches, within wide bounds (the counts are deterministic). */
START_TEST(buggify_default_rates_are_near_a_sixteenth) {
    size_t fired = 0;
    for (uint64_t seed = 1; seed <= 100; seed++) {
        ck_assert_int_eq(run_with(seed, NULL, true), 0);
        fired += ones(pattern);
    }
    double rate = (double)fired / (100.0 * SITES * REACHES);
    ck_assert_msg(rate > 0.04 && rate < 0.09, "rate %f", rate);
}
END_TEST

START_TEST(buggify_setting_bounds_the_faults) {
    ck_assert_int_eq(run_with(3, "off", true), 0);
    ck_assert_uint_eq(ones(pattern), 0);
    ck_assert_int_eq(run_with(3, "0/100", true), 0);
    ck_assert_uint_eq(ones(pattern), 0);
    ck_assert_int_eq(run_with(3, "100/100", true), 0);
    ck_assert_uint_eq(ones(pattern), SITES * REACHES);
}
END_TEST

START_TEST(buggify_real_backend_never_fires) {
    ck_assert_int_eq(run_with(0, "100/100", false), 0);
    ck_assert_uint_eq(ones(pattern), 0);
    ck_assert_int_eq(weft__sim_live, 0);
    ck_assert_int_eq(WEFT_BUGGIFY(), 0); /* outside any run */
}
END_TEST

int nosim_fires(void *arg); /* tests/buggify_nosim.c, -DWEFT_NO_SIM */

START_TEST(buggify_no_sim_build_never_fires) {
    int fired = 0;
    weft_config cfg;
    weft_config_init(&cfg);
    cfg.backend = WEFT_BACKEND_SIM;
    cfg.buggify = "100/100";
    ck_assert_int_eq(weft_run(&cfg, nosim_fires, &fired), 0);
    ck_assert_int_eq(fired, 0);
}
END_TEST

START_TEST(buggify_bad_setting_is_einval) {
    static const char *const bad[] = {"", "25", "25/", "101/5", "5/-1",
                                      "a/b", "25/25/25", "on"};
    ck_assert_int_eq(run_with(1, bad[_i], true), -EINVAL);
}
END_TEST

START_TEST(buggify_env_overrides_config) {
    setenv("WEFT_BUGGIFY", "off", 1);
    ck_assert_int_eq(run_with(3, "100/100", true), 0);
    unsetenv("WEFT_BUGGIFY");
    ck_assert_uint_eq(ones(pattern), 0);
    setenv("WEFT_BUGGIFY", "7", 1);
    ck_assert_int_eq(run_with(3, NULL, true), -EINVAL);
    unsetenv("WEFT_BUGGIFY");
}
END_TEST

/* ---- coverage marks ---- */

static int marks(void *arg) {
    (void)arg;
    for (int i = 0; i < 3; i++) WEFT_COVER("loop");
    if (weft_seed() % 2) WEFT_COVER("odd seed");
    return 0;
}

START_TEST(cover_marks_counted_in_an_explored_run) {
    struct weft__run_report r;
    memset(&r, 0, sizeof r);
    r.fd = -1;
    for (uint64_t seed = 1; seed <= 2; seed++) {
        weft__sim_report = &r;
        ck_assert_int_eq(run_sim(seed, marks, NULL), 0);
        weft__sim_report = NULL;
        const struct weft__cover_mark *m = weft__cover_find(&r.cover, "loop");
        ck_assert_ptr_nonnull(m);
        ck_assert_uint_eq(m->hits, 3);
        ck_assert_uint_eq(m->runs, 1);
        ck_assert_int_eq(weft__cover_find(&r.cover, "odd seed") != NULL,
                         seed % 2);
    }
    weft__dlog_free(&r.log);
}
END_TEST

START_TEST(cover_required_by_weft_explore) {
    static const char *const reached[] = {"loop", "odd seed", NULL};
    static const char *const missed[] = {"loop", "never", NULL};
    weft_explore_opts o;
    weft_explore_opts_init(&o);
    o.seed_count = 4;
    o.quiet = true;
    o.require_cover = reached;
    weft_explore_result r;
    ck_assert_int_eq(weft_explore(&o, marks, NULL, &r), 0);
    o.require_cover = missed;
    ck_assert_int_eq(weft_explore(&o, marks, NULL, &r), 1);
    ck_assert_uint_eq(r.failures, 0);
    o.jobs = 2; /* the marks travel from the workers */
    o.require_cover = reached;
    ck_assert_int_eq(weft_explore(&o, marks, NULL, &r), 0);
}
END_TEST

START_TEST(cover_ignored_outside_exploration) {
    ck_assert_int_eq(run_sim(1, marks, NULL), 0);
    ck_assert_int_eq(run_real(marks, NULL), 0);
    WEFT_COVER("outside any run");
}
END_TEST

START_TEST(cover_table_merges_and_keeps_labels_distinct) {
    struct weft__cover a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    weft__cover_add(&a, "x", 1, 2);
    weft__cover_add(&b, "x", 1, 5);
    weft__cover_add(&b, "y", 1, 1);
    weft__cover_merge(&a, &b);
    ck_assert_uint_eq(a.n, 2);
    ck_assert_uint_eq(weft__cover_find(&a, "x")->hits, 7);
    ck_assert_uint_eq(weft__cover_find(&a, "x")->runs, 2);
    char label[16];
    for (int i = 0; i < WEFT__COVER_MAX + 1; i++) {
        snprintf(label, sizeof label, "l%d", i);
        weft__cover_add(&b, label, 1, 1);
    }
    ck_assert(b.lost);
    ck_assert_uint_eq(b.n, WEFT__COVER_MAX);
}
END_TEST

static Suite *buggify_suite(void) {
    Suite *s = suite_create("buggify");
    TCase *tc = tcase_create("basic");
    tcase_add_test(tc, buggify_same_seed_same_faults);
    tcase_add_test(tc, buggify_other_seeds_other_faults);
    tcase_add_test(tc, buggify_default_rates_are_near_a_sixteenth);
    tcase_add_test(tc, buggify_setting_bounds_the_faults);
    tcase_add_test(tc, buggify_real_backend_never_fires);
    tcase_add_test(tc, buggify_no_sim_build_never_fires);
    tcase_add_loop_test(tc, buggify_bad_setting_is_einval, 0, 8);
    tcase_add_test(tc, buggify_env_overrides_config);
    tcase_add_test(tc, cover_marks_counted_in_an_explored_run);
    tcase_add_test(tc, cover_required_by_weft_explore);
    tcase_add_test(tc, cover_ignored_outside_exploration);
    tcase_add_test(tc, cover_table_merges_and_keeps_labels_distinct);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return run_suite(buggify_suite()); }
