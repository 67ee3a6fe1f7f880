/* tests/check_stack.c: task stacks: overflow reports (guard page and
 * canary), and 100,000 parked tasks within a stock vm.max_map_count. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>

#include "config.h"
#include "harness.h"
#include "sched.h"

#ifdef HAVE_VALGRIND_VALGRIND_H
#include <valgrind/valgrind.h>
#else
#define RUNNING_ON_VALGRIND 0
#endif

static bool sanitized(void) {
    return WEFT_ASAN || RUNNING_ON_VALGRIND; /* they own SIGSEGV there */
}

/* ---- overflow ---- */

static int recurse(int depth) {
    volatile char frame[512];
    frame[0] = (char)depth;
    if (depth > 1000000) return frame[0];
    return recurse(depth + 1) + frame[0];
}

static int deep(void *arg) {
    (void)arg;
    return recurse(0);
}

static int spawn_deep(void *arg) {
    (void)arg;
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "deep", deep, NULL);
    return weft_group_join(&g);
}

static void overflow_with_guard(void *arg) {
    (void)arg;
    weft_config cfg;
    weft_config_init(&cfg);
    cfg.stack_size = 16 * 1024;
    cfg.stack_guard = WEFT_STACK_GUARD_PAGE;
    weft_run(&cfg, spawn_deep, NULL);
}

START_TEST(stack_overflow_at_guard_names_task) {
    if (sanitized()) return;
    expect_abort(overflow_with_guard, NULL,
                 "weft: stack overflow in task 'deep' (id 2): its 16384-byte "
                 "stack is exhausted",
                 NULL);
}
END_TEST

/* The canary mode detects an overrun at the next switch: simulate one by
 * writing across the bottom of the running task's stack. */
static int overrun_then_yield(void *arg) {
    (void)arg;
    char *lo = weft__rt_current()->current->stack.lo;
    memset(lo - 64, 0xAA, 128);
    weft_yield();
    return 0;
}

static int spawn_overrun(void *arg) {
    (void)arg;
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "overrun", overrun_then_yield, NULL);
    return weft_group_join(&g);
}

static void overflow_with_canary(void *arg) {
    (void)arg;
    weft_config cfg;
    weft_config_init(&cfg);
    cfg.stack_guard = WEFT_STACK_GUARD_CANARY;
    weft_run(&cfg, spawn_overrun, NULL);
}

START_TEST(stack_overrun_detected_by_canary_names_task) {
    if (sanitized()) return; /* the overrun is a real error under ASan */
    expect_abort(overflow_with_canary, NULL,
                 "weft: stack overflow in task 'overrun' (id 2)", "canary",
                 NULL);
}
END_TEST

/* Issue 7: in canary mode a task that recursed off its stack ran on
 * through the memory below (the neighbour's stack) until it touched an
 * unmapped page, and died of a bare SIGSEGV: the canary is only checked
 * at a switch, which never came. */
static void overflow_in_canary_mode(void *arg) {
    (void)arg;
    weft_config cfg;
    weft_config_init(&cfg);
    cfg.stack_size = 16 * 1024;
    cfg.stack_guard = WEFT_STACK_GUARD_CANARY;
    weft_run(&cfg, spawn_deep, NULL);
}

START_TEST(regress_7_canary_mode_overflow_names_task) {
    if (sanitized()) return;
    expect_abort(overflow_in_canary_mode, NULL,
                 "weft: stack overflow in task 'deep' (id 2): its 16384-byte "
                 "stack is exhausted",
                 "no guard page", NULL);
}
END_TEST

static int deep_unguarded(void *arg) {
    if (weft__rt_current()->current->stack.guarded) {
        fputs("the test expected a stack without a guard page\n", stderr);
        _exit(3);
    }
    return deep(arg);
}

static int spawn_deep_unguarded(void *arg) {
    (void)arg;
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "deep", deep_unguarded, NULL);
    return weft_group_join(&g);
}

/* Issue 7: AUTO gives guard pages to the first vm.max_map_count / 8
 * stacks only, so a default program with more tasks got the canary
 * mode's bare SIGSEGV. A map limit of 8 makes the budget 1 stack, fewer
 * than the tasks of this run. */
static void overflow_past_auto_budget(void *arg) {
    (void)arg;
    weft__stacks_pretend_map_limit(8);
    weft_config cfg;
    weft_config_init(&cfg);
    cfg.stack_size = 16 * 1024;
    weft_run(&cfg, spawn_deep_unguarded, NULL);
}

START_TEST(regress_7_auto_past_guard_budget_overflow_names_task) {
    if (sanitized()) return;
    expect_abort(overflow_past_auto_budget, NULL,
                 "weft: stack overflow in task 'deep' (id 2): its 16384-byte "
                 "stack is exhausted",
                 NULL);
}
END_TEST

/* A fault that is no overflow (a null pointer) is left to the handler
 * installed before: no overflow message, the default SIGSEGV. */
static int null_write(void *arg) {
    *(volatile int *)arg = 1;
    return 0;
}

static void segv_in_task(void *arg) {
    weft_config cfg;
    weft_config_init(&cfg);
    cfg.stack_guard = *(const int *)arg;
    weft_run(&cfg, null_write, NULL);
}

START_TEST(stack_other_fault_is_not_an_overflow) {
    if (sanitized()) return;
    static const int modes[] = {WEFT_STACK_GUARD_PAGE, WEFT_STACK_GUARD_CANARY};
    char buf[1024];
    int status =
        run_in_child(segv_in_task, (void *)&modes[_i], buf, sizeof buf);
    ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV,
                  "status=%d stderr=%s", status, buf);
    ck_assert_msg(!strstr(buf, "overflow"), "stderr=%s", buf);
}
END_TEST

/* ---- 100,000 parked tasks ---- */

#define NPARKED 100000

struct crowd {
    struct weft__waitq q;
    size_t parked;
    size_t woke;
    size_t spawned;
    int spawn_rc;
};

static int park_once(void *arg) {
    struct crowd *c = arg;
    struct weft__wait w;
    c->parked++;
    int rc = weft__park(&c->q, &w, WEFT_NEVER, 0);
    if (rc == 0) c->woke++;
    return rc;
}

static int many(void *arg) {
    struct crowd *c = arg;
    weft__waitq_init(&c->q, "crowd", c, NULL);
    weft_group g;
    weft_group_init(&g);
    for (c->spawned = 0; c->spawned < NPARKED; c->spawned++) {
        c->spawn_rc = weft_spawn(&g, "parked", park_once, c);
        if (c->spawn_rc) break;
    }
    while (c->parked < c->spawned) weft_yield();
    ck_assert_uint_eq(c->q.nwaiters, c->spawned); /* all parked at once */
    weft__wake_all(&c->q, 0);
    int rc = weft_group_join(&g);
    weft_group_destroy(&g);
    return rc;
}

START_TEST(stack_hundred_thousand_parked_tasks) {
    static const int modes[] = {WEFT_STACK_GUARD_AUTO, WEFT_STACK_GUARD_CANARY};
    struct crowd *c = calloc(1, sizeof *c);
    weft_config cfg;
    weft_config_init(&cfg);
    cfg.backend = WEFT_BACKEND_SIM;
    cfg.stack_guard = modes[_i];
    ck_assert_int_eq(weft_run(&cfg, many, c), 0);
    ck_assert_int_eq(c->spawn_rc, 0);
    ck_assert_uint_eq(c->woke, NPARKED);
    free(c);
}
END_TEST

static size_t max_map_count(void) {
    FILE *f = fopen("/proc/sys/vm/max_map_count", "r");
    unsigned long v = 0;
    if (f && fscanf(f, "%lu", &v) != 1) v = 0;
    if (f) fclose(f);
    return v;
}

START_TEST(stack_guard_pages_past_map_limit_fail_cleanly) {
    if (max_map_count() == 0 || max_map_count() > NPARKED) return;
    if (RUNNING_ON_VALGRIND) return; /* valgrind cannot track that many */
    struct crowd *c = calloc(1, sizeof *c);
    weft_config cfg;
    weft_config_init(&cfg);
    cfg.backend = WEFT_BACKEND_SIM;
    cfg.stack_guard = WEFT_STACK_GUARD_PAGE;
    ck_assert_int_eq(weft_run(&cfg, many, c), 0);
    ck_assert_int_eq(c->spawn_rc, -ENOMEM);
    ck_assert_uint_gt(c->spawned, 1000);
    ck_assert_uint_eq(c->woke, c->spawned); /* nothing lost */
    free(c);
}
END_TEST

Suite *stack_suite(void);
Suite *stack_suite(void) {
    Suite *s = suite_create("stack");
    TCase *tc = tcase_create("misuse");
    tcase_add_test(tc, stack_overflow_at_guard_names_task);
    tcase_add_test(tc, stack_overrun_detected_by_canary_names_task);
    tcase_add_loop_test(tc, stack_other_fault_is_not_an_overflow, 0, 2);
    tcase_add_test(tc, regress_7_canary_mode_overflow_names_task);
    tcase_add_test(tc, regress_7_auto_past_guard_budget_overflow_names_task);
    suite_add_tcase(s, tc);
    tc = tcase_create("basic");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, stack_hundred_thousand_parked_tasks, 0, 2);
    tcase_add_test(tc, stack_guard_pages_past_map_limit_fail_cleanly);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return run_suite(stack_suite()); }
