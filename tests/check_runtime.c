/* tests/check_runtime.c: weft_run, its configuration and environment,
 * the clock, determinism of the simulator and deadlock reports. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "sched.h"

/* Runs fn under cfg with stderr captured into buf. */
static int run_capturing(const weft_config *cfg, int (*fn)(void *), void *arg,
                         char *buf, size_t n) {
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    FILE *tmp = tmpfile();
    dup2(fileno(tmp), STDERR_FILENO);
    int rc = weft_run(cfg, fn, arg);
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    rewind(tmp);
    size_t got = fread(buf, 1, n - 1, tmp);
    buf[got] = '\0';
    fclose(tmp);
    return rc;
}

static int nothing(void *arg) {
    (void)arg;
    return 0;
}

/* ---- environment and configuration ---- */

struct env_case {
    const char *var;
    const char *value;
    int want;
    const char *message;
};

static const struct env_case env_cases[] = {
    {"WEFT_BACKEND", "epoll", -EINVAL, "WEFT_BACKEND='epoll' is not valid; accepted: real, sim"},
    {"WEFT_SEED", "12abc", -EINVAL, "WEFT_SEED='12abc' is not valid"},
    {"WEFT_SEED", "-3", -EINVAL, "WEFT_SEED='-3' is not valid"},
    {"WEFT_SEED", "", -EINVAL, "WEFT_SEED='' is not valid"},
    {"WEFT_STRATEGY", "pct:3", -EINVAL, "WEFT_STRATEGY='pct:3' is not valid; accepted: random"},
    {"WEFT_TRACE", "", -EINVAL, "WEFT_TRACE='' is not valid"},
    {"WEFT_TRACE", "/nonexistent/x.trace", -ENOENT,
     "cannot open the trace file '/nonexistent/x.trace'"},
};

START_TEST(runtime_bad_env_value_is_named_error) {
    const struct env_case *c = &env_cases[_i];
    setenv(c->var, c->value, 1);
    char buf[512];
    int rc = run_capturing(NULL, nothing, NULL, buf, sizeof buf);
    ck_assert_int_eq(rc, c->want);
    ck_assert_msg(strstr(buf, c->message), "stderr was: %s", buf);
}
END_TEST

START_TEST(runtime_bad_config_is_einval) {
    weft_config cfg;
    weft_config_init(&cfg);
    char buf[512];
    cfg.backend = 7;
    ck_assert_int_eq(run_capturing(&cfg, nothing, NULL, buf, sizeof buf),
                     -EINVAL);
    ck_assert(strstr(buf, "weft_config.backend=7"));
    weft_config_init(&cfg);
    cfg.stack_size = 4096;
    ck_assert_int_eq(run_capturing(&cfg, nothing, NULL, buf, sizeof buf),
                     -EINVAL);
    ck_assert(strstr(buf, "stack_size"));
    weft_config_init(&cfg);
    cfg.stack_guard = 9;
    ck_assert_int_eq(run_capturing(&cfg, nothing, NULL, buf, sizeof buf),
                     -EINVAL);
    ck_assert_int_eq(weft_run(NULL, NULL, NULL), -EINVAL);
}
END_TEST

static int long_sleep(void *arg) {
    weft_time *at = arg;
    at[0] = weft_now();
    ck_assert_int_eq(weft_sleep(3600 * WEFT_SEC), 0);
    at[1] = weft_now();
    return 0;
}

START_TEST(runtime_env_selects_sim_with_virtual_clock) {
    setenv("WEFT_BACKEND", "sim", 1);
    setenv("WEFT_SEED", "0x2a", 1);
    weft_time at[2];
    weft_time wall = weft_now();
    ck_assert_int_eq(weft_run(NULL, long_sleep, at), 0); /* real in cfg */
    ck_assert_int_eq(at[0], 0);
    ck_assert_int_eq(at[1], 3600 * WEFT_SEC);
    ck_assert_int_lt(weft_now() - wall, 60 * WEFT_SEC);
}
END_TEST

static int short_sleep(void *arg) {
    weft_time *elapsed = arg;
    weft_time t0 = weft_now();
    ck_assert_int_eq(weft_sleep(20 * WEFT_MSEC), 0);
    *elapsed = weft_now() - t0;
    return 0;
}

START_TEST(runtime_real_sleep_lasts_at_least_its_duration) {
    weft_time elapsed = 0;
    ck_assert_int_eq(run_real(short_sleep, &elapsed), 0);
    ck_assert_int_ge(elapsed, 20 * WEFT_MSEC);
}
END_TEST

/* ---- determinism ---- */

struct trace_buf {
    char s[256];
    size_t n;
};

struct step_arg {
    struct trace_buf *t;
    char letter;
    bool fixed_sleep; /* 1 ms instead of a random 0-2 ms */
};

static int stepper(void *arg) {
    struct step_arg *a = arg;
    for (int i = 0; i < 4; i++) {
        a->t->s[a->t->n++] = a->letter;
        weft_time ms = a->fixed_sleep ? 1 : (weft_time)(weft_random() % 3);
        if (i == 1) weft_sleep(ms * WEFT_MSEC);
        weft_sched_point("step");
    }
    return 0;
}

static int interleave(void *arg) {
    struct step_arg args[4];
    weft_group g;
    weft_group_init(&g);
    for (int i = 0; i < 4; i++) {
        args[i].t = arg;
        args[i].letter = (char)('a' + i);
        args[i].fixed_sleep = false;
        weft_spawn(&g, "stepper", stepper, &args[i]);
    }
    int rc = weft_group_join(&g);
    weft_group_destroy(&g);
    return rc;
}

START_TEST(runtime_same_seed_same_schedule) {
    char first[256] = "";
    int distinct = 0;
    for (uint64_t seed = 0; seed < 50; seed++) {
        struct trace_buf a = {{0}, 0};
        struct trace_buf b = {{0}, 0};
        ck_assert_int_eq(run_sim(seed, interleave, &a), 0);
        ck_assert_int_eq(run_sim(seed, interleave, &b), 0);
        ck_assert_msg(!strcmp(a.s, b.s), "seed=%llu: %s vs %s",
                      (unsigned long long)seed, a.s, b.s);
        ck_assert_uint_eq(a.n, 16);
        if (seed == 0) {
            strcpy(first, a.s);
        } else if (strcmp(first, a.s)) {
            distinct++;
        }
    }
    ck_assert_int_gt(distinct, 40); /* seeds explore different schedules */
}
END_TEST

static int draw(void *arg) {
    uint64_t *out = arg;
    for (int i = 0; i < 4; i++) out[i] = weft_random();
    return 0;
}

START_TEST(runtime_random_replays_under_sim) {
    uint64_t a[4];
    uint64_t b[4];
    uint64_t c[4];
    ck_assert_int_eq(run_sim(11, draw, a), 0);
    ck_assert_int_eq(run_sim(11, draw, b), 0);
    ck_assert_int_eq(run_sim(12, draw, c), 0);
    ck_assert(!memcmp(a, b, sizeof a));
    ck_assert(memcmp(a, c, sizeof a));
}
END_TEST

static int count_sched_points(void *arg) {
    struct trace_buf *t = arg;
    struct step_arg args[2] = {{t, 'x', true}, {t, 'y', true}};
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "x", stepper, &args[0]);
    weft_spawn(&g, "y", stepper, &args[1]);
    int rc = weft_group_join(&g);
    weft_group_destroy(&g);
    return rc;
}

START_TEST(runtime_sched_point_free_under_real) {
    struct trace_buf t = {{0}, 0};
    ck_assert_int_eq(run_real(count_sched_points, &t), 0);
    /* FIFO and no switch at schedule points: each runs to its sleep. */
    ck_assert_str_eq(t.s, "xxyyxxyy");
}
END_TEST

/* ---- deadlock ---- */

static struct weft__waitq gate;

static int wait_forever(void *arg) {
    (void)arg;
    struct weft__wait w;
    return weft__park(&gate, &w, WEFT_NEVER, 0);
}

static int deadlocking(void *arg) {
    (void)arg;
    static const struct weft__site site = {"gate.c", 12};
    weft__waitq_init(&gate, "test gate", &gate, &site);
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "stuck", wait_forever, NULL);
    int rc = weft_group_join(&g);
    weft_group_destroy(&g);
    return rc;
}

START_TEST(runtime_deadlock_reports_each_task) {
    char buf[2048];
    weft_config cfg;
    weft_config_init(&cfg);
    cfg.backend = _i ? WEFT_BACKEND_SIM : WEFT_BACKEND_REAL;
    int rc = run_capturing(&cfg, deadlocking, NULL, buf, sizeof buf);
    ck_assert_int_eq(rc, -EDEADLK);
    ck_assert_msg(strstr(buf, "weft: deadlock: 2 task(s) blocked"), "%s", buf);
    ck_assert_msg(strstr(buf, "task 'main' (id 1) waits in weft_group_join() "
                              "on group created at"), "%s", buf);
    ck_assert_msg(strstr(buf, "for its running task(s) 'stuck' (id 2)"), "%s",
                  buf);
    ck_assert_msg(strstr(buf, "task 'stuck' (id 2) waits on test gate"), "%s",
                  buf);
    ck_assert_msg(strstr(buf, "created at gate.c:12"), "%s", buf);
    /* The runtime is usable again afterwards. */
    ck_assert_int_eq(run_sim(1, nothing, NULL), 0);
}
END_TEST

Suite *runtime_suite(void);
Suite *runtime_suite(void) {
    Suite *s = suite_create("runtime");
    TCase *tc = tcase_create("basic");
    tcase_add_loop_test(tc, runtime_bad_env_value_is_named_error, 0,
                        sizeof env_cases / sizeof env_cases[0]);
    tcase_add_test(tc, runtime_bad_config_is_einval);
    tcase_add_test(tc, runtime_env_selects_sim_with_virtual_clock);
    tcase_add_test(tc, runtime_real_sleep_lasts_at_least_its_duration);
    tcase_add_test(tc, runtime_same_seed_same_schedule);
    tcase_add_test(tc, runtime_random_replays_under_sim);
    tcase_add_test(tc, runtime_sched_point_free_under_real);
    tcase_add_loop_test(tc, runtime_deadlock_reports_each_task, 0, 2);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return run_suite(runtime_suite()); }
