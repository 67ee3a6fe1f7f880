/* tests/check_slow.c: the slow-task warning (weft_config.slow_task_ms,
 * WEFT_SLOW_TASK_MS): a task that blocks the thread longer than the
 * threshold is named on stderr with where it last resumed; nothing is
 * said when the warning is off (the default). The blocking is a real
 * nanosleep three times the threshold: "ran at least that long" holds
 * whatever the machine's load; no assertion is on a duration. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

static int blocker(void *p) {
    (void)p;
    weft_sleep(WEFT_MSEC); /* resumes from a sleep, then blocks */
    struct timespec ts = {0, 60 * 1000 * 1000};
    while (nanosleep(&ts, &ts)) {
    }
    return weft_yield();
}

static int body(void *p) {
    (void)p;
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "blocker", blocker, NULL);
    int rc = weft_group_join(&g);
    weft_group_destroy(&g);
    return rc;
}

static void run_with(void *p) {
    weft_config cfg;
    weft_config_init(&cfg);
    cfg.slow_task_ms = (uint32_t)(uintptr_t)p;
    _exit(weft_run(&cfg, body, NULL) == 0 ? 0 : 1);
}

START_TEST(slow_task_named_with_resume_point) {
    char err[1024];
    int st = run_in_child(run_with, (void *)(uintptr_t)20, err, sizeof err);
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s", err);
    ck_assert_msg(strstr(err, "weft: slow task 'blocker' (id 2) ran ") != NULL,
                  "%s", err);
    ck_assert_msg(strstr(err, "resumed from a sleep or a deadline") != NULL,
                  "%s", err);
    ck_assert_msg(strstr(err, "(threshold 20 ms)") != NULL, "%s", err);
}
END_TEST

START_TEST(slow_task_off_by_default_silent) {
    char err[1024];
    unsetenv("WEFT_SLOW_TASK_MS");
    int st = run_in_child(run_with, (void *)(uintptr_t)0, err, sizeof err);
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s", err);
    ck_assert_msg(strstr(err, "slow task") == NULL, "%s", err);
}
END_TEST

START_TEST(slow_task_env_sets_and_checks) {
    char err[1024];
    setenv("WEFT_SLOW_TASK_MS", "20", 1);
    int st = run_in_child(run_with, (void *)(uintptr_t)0, err, sizeof err);
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s", err);
    ck_assert_msg(strstr(err, "slow task 'blocker'") != NULL, "%s", err);
    setenv("WEFT_SLOW_TASK_MS", "020", 1);
    ck_assert_int_eq(run_real(body, NULL), -EINVAL);
    setenv("WEFT_SLOW_TASK_MS", "3600001", 1);
    ck_assert_int_eq(run_real(body, NULL), -EINVAL);
    unsetenv("WEFT_SLOW_TASK_MS");
    weft_config cfg;
    weft_config_init(&cfg);
    cfg.slow_task_ms = WEFT_SLOW_TASK_MS_MAX + 1;
    ck_assert_int_eq(weft_run(&cfg, body, NULL), -EINVAL);
}
END_TEST

static Suite *slow_suite(void) {
    Suite *s = suite_create("slow");
    TCase *tc = tcase_create("warning");
    tcase_add_test(tc, slow_task_named_with_resume_point);
    tcase_add_test(tc, slow_task_off_by_default_silent);
    tcase_add_test(tc, slow_task_env_sets_and_checks);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return run_suite(slow_suite()); }
