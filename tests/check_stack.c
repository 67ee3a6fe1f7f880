/* tests/check_stack.c: task stacks: overflow reports (guard page and
 * canary), 100,000 parked tasks within a stock vm.max_map_count, and the
 * memory a parked task costs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
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

/* Each overflow test runs twice: on this kernel (a lightweight guard
 * page under every stack where it has them, Linux 6.13+), and as on a
 * kernel without them (PROT_NONE guards within AUTO's budget, canary
 * words beyond). */
struct overflow_case {
    int guard;        /* weft_config.stack_guard */
    bool old_kernel;  /* pretend the kernel has no lightweight guards */
    size_t map_limit; /* pretended vm.max_map_count; 0: the kernel's */
    bool guarded;     /* whether the task's stack must have a guard page */
};

/* Case _i of a test looping over 0..1, for a mode whose stacks have a
 * guard page on the old path when guarded_on_old_path. */
static struct overflow_case overflow_case(int i, int guard,
                                          bool guarded_on_old_path) {
    struct overflow_case oc = {.guard = guard, .old_kernel = i == 1};
    oc.guarded = guarded_on_old_path ||
                 (!oc.old_kernel && weft__stacks_have_light_guards());
    return oc;
}

static void run_overflow_case(const struct overflow_case *oc,
                              int (*fn)(void *)) {
    weft__stacks_pretend_no_light_guards(oc->old_kernel);
    weft__stacks_pretend_map_limit(oc->map_limit);
    weft_config cfg;
    weft_config_init(&cfg);
    cfg.stack_size = 16 * 1024;
    cfg.stack_guard = oc->guard;
    weft_run(&cfg, fn, (void *)oc);
}

/* Ends the child (a failure, not the abort expected) unless the running
 * task's stack is guarded as the case says. */
static void check_guarded(const struct overflow_case *oc) {
    if (weft__rt_current()->current->stack.guarded != oc->guarded) {
        fprintf(stderr, "the test expected a stack %s a guard page\n",
                oc->guarded ? "with" : "without");
        _exit(3);
    }
}

static int recurse(int depth) {
    volatile char frame[512];
    frame[0] = (char)depth;
    if (depth > 1000000) return frame[0];
    return recurse(depth + 1) + frame[0];
}

static int deep(void *arg) {
    check_guarded(arg);
    return recurse(0);
}

static int spawn_deep(void *arg) {
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "deep", deep, arg);
    return weft_group_join(&g);
}

static void overflow_deep(void *arg) { run_overflow_case(arg, spawn_deep); }

START_TEST(stack_overflow_at_guard_names_task) {
    if (sanitized()) return;
    struct overflow_case oc =
        overflow_case(_i, WEFT_STACK_GUARD_PAGE, true);
    expect_abort(overflow_deep, &oc,
                 "weft: stack overflow in task 'deep' (id 2): its 16384-byte "
                 "stack is exhausted; raise weft_config.stack_size\n",
                 NULL);
}
END_TEST

/* The canary mode detects an overrun at the next switch: simulate one by
 * writing across the bottom of the running task's stack. With a
 * lightweight guard under the stack, the write itself faults. */
static int overrun_then_yield(void *arg) {
    check_guarded(arg);
    char *lo = weft__rt_current()->current->stack.lo;
    memset(lo - 64, 0xAA, 128);
    weft_yield();
    return 0;
}

static int spawn_overrun(void *arg) {
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "overrun", overrun_then_yield, arg);
    return weft_group_join(&g);
}

static void overflow_overrun(void *arg) {
    run_overflow_case(arg, spawn_overrun);
}

START_TEST(stack_overrun_detected_by_canary_names_task) {
    if (sanitized()) return; /* the overrun is a real error under ASan */
    struct overflow_case oc =
        overflow_case(_i, WEFT_STACK_GUARD_CANARY, false);
    expect_abort(overflow_overrun, &oc,
                 "weft: stack overflow in task 'overrun' (id 2)",
                 oc.guarded ? "stack is exhausted; raise" : "canary", NULL);
}
END_TEST

/* Issue 7: in canary mode a task that recursed off its stack ran on
 * through the memory below (the neighbour's stack) until it touched an
 * unmapped page, and died of a bare SIGSEGV: the canary is only checked
 * at a switch, which never came. */
START_TEST(regress_7_canary_mode_overflow_names_task) {
    if (sanitized()) return;
    struct overflow_case oc =
        overflow_case(_i, WEFT_STACK_GUARD_CANARY, false);
    expect_abort(overflow_deep, &oc,
                 "weft: stack overflow in task 'deep' (id 2): its 16384-byte "
                 "stack is exhausted",
                 oc.guarded ? "raise weft_config.stack_size\n"
                            : "no guard page",
                 NULL);
}
END_TEST

/* Issue 7: AUTO gives PROT_NONE guard pages to the first
 * vm.max_map_count / 8 stacks only, so a default program with more
 * tasks got the canary mode's bare SIGSEGV. A map limit of 8 makes the
 * budget 1 stack, fewer than the tasks of this run. */
START_TEST(regress_7_auto_past_guard_budget_overflow_names_task) {
    if (sanitized()) return;
    struct overflow_case oc =
        overflow_case(_i, WEFT_STACK_GUARD_AUTO, false);
    oc.map_limit = 8;
    expect_abort(overflow_deep, &oc,
                 "weft: stack overflow in task 'deep' (id 2): its 16384-byte "
                 "stack is exhausted",
                 oc.guarded ? "raise weft_config.stack_size\n"
                            : "no guard page",
                 NULL);
}
END_TEST

/* A fault that is no overflow (a null pointer) is left to the handler
 * installed before: no overflow message, the default SIGSEGV. */
static int *volatile nowhere; /* NULL, unknown to the compiler */

static int null_write(void *arg) {
    (void)arg;
    *nowhere = 1;
    return 0;
}

static void segv_in_task(void *arg) { run_overflow_case(arg, null_write); }

START_TEST(stack_other_fault_is_not_an_overflow) {
    if (sanitized()) return;
    static const int modes[] = {WEFT_STACK_GUARD_PAGE, WEFT_STACK_GUARD_CANARY};
    struct overflow_case oc = {.guard = modes[_i % 2], .old_kernel = _i / 2};
    char buf[1024];
    int status = run_in_child(segv_in_task, &oc, buf, sizeof buf);
    ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV,
                  "status=%d stderr=%s", status, buf);
    ck_assert_msg(!strstr(buf, "overflow"), "stderr=%s", buf);
}
END_TEST

/* ---- 100,000 parked tasks ---- */

#define NPARKED 100000

struct crowd {
    size_t n;        /* tasks to spawn; 0: NPARKED */
    long rss0;       /* bytes resident before the first spawn */
    long rss1;       /* and once every task is parked */
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

static long rss_bytes(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    long size = 0;
    long resident = 0;
    if (f && fscanf(f, "%ld %ld", &size, &resident) != 2) resident = 0;
    if (f) fclose(f);
    return resident * sysconf(_SC_PAGESIZE);
}

static int many(void *arg) {
    struct crowd *c = arg;
    size_t n = c->n ? c->n : NPARKED;
    weft__waitq_init(&c->q, "crowd", c, NULL);
    weft_group g;
    weft_group_init(&g);
    c->rss0 = rss_bytes();
    for (c->spawned = 0; c->spawned < n; c->spawned++) {
        c->spawn_rc = weft_spawn(&g, "parked", park_once, c);
        if (c->spawn_rc) break;
    }
    while (c->parked < c->spawned) weft_yield();
    c->rss1 = rss_bytes();
    ck_assert_uint_eq(c->q.nwaiters, c->spawned); /* all parked at once */
    weft__wake_all(&c->q, 0);
    int rc = weft_group_join(&g);
    weft_group_destroy(&g);
    return rc;
}

/* AUTO and CANARY; and PAGE where the kernel has lightweight guards,
 * which cost no mapping. (As on a kernel without them, AUTO's budget is
 * covered by regress_7_auto_past_guard_budget_overflow_names_task.) */
START_TEST(stack_hundred_thousand_parked_tasks) {
    static const int modes[] = {WEFT_STACK_GUARD_AUTO, WEFT_STACK_GUARD_CANARY,
                                WEFT_STACK_GUARD_PAGE};
    bool light = weft__stacks_have_light_guards();
    if (modes[_i] == WEFT_STACK_GUARD_PAGE && !light) {
        return; /* two mappings per stack: see the next test */
    }
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
    weft__stacks_pretend_no_light_guards(true); /* PROT_NONE guards */
    ck_assert_int_eq(weft_run(&cfg, many, c), 0);
    weft__stacks_pretend_no_light_guards(false);
    ck_assert_int_eq(c->spawn_rc, -ENOMEM);
    ck_assert_uint_gt(c->spawned, 1000);
    ck_assert_uint_eq(c->woke, c->spawned); /* nothing lost */
    free(c);
}
END_TEST

/* ---- memory per parked task ---- */

#define NCOUNTED 20000
#define PARKED_BYTES_MAX 5120 /* docs/PERFORMANCE.md's goal */

/* Whether reading untouched anonymous memory maps the kernel's shared
 * zero page (it costs nothing) rather than a page of its own: not on
 * every kernel (a PVM guest booted with pvm_no_zero_page=1). */
static bool kernel_reads_zero_page(void) {
    const size_t npages = 256;
    const size_t page = (size_t)sysconf(_SC_PAGESIZE);
    char *m = mmap(NULL, npages * page, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    ck_assert_ptr_ne(m, MAP_FAILED);
    long before = rss_bytes();
    unsigned sum = 0;
    for (size_t i = 0; i < npages; i++) sum += ((volatile char *)m)[i * page];
    long grown = rss_bytes() - before;
    munmap(m, npages * page);
    return sum == 0 && grown < (long)(npages * page / 2);
}

/* A parked task costs the one page its control block and last frames
 * touch, past AUTO's guard budget (pretended to be one stack) and in
 * CANARY mode: the canary check must not fault in a page of its own.
 * Exception: a kernel with neither a shared zero page nor lightweight
 * guards (docs/STACKS.md "What a canary costs"). */
START_TEST(stack_parked_task_costs_one_page) {
    static const int modes[] = {WEFT_STACK_GUARD_AUTO, WEFT_STACK_GUARD_CANARY};
    if (WEFT_ASAN || RUNNING_ON_VALGRIND) return; /* their own memory */
    if (!weft__stacks_have_light_guards() && !kernel_reads_zero_page()) return;
    weft__stacks_pretend_map_limit(8);
    struct crowd *c = calloc(1, sizeof *c);
    c->n = NCOUNTED;
    weft_config cfg;
    weft_config_init(&cfg);
    cfg.backend = WEFT_BACKEND_SIM;
    cfg.stack_guard = modes[_i];
    ck_assert_int_eq(weft_run(&cfg, many, c), 0);
    weft__stacks_pretend_map_limit(0);
    ck_assert_uint_eq(c->woke, NCOUNTED);
    long per_task = (c->rss1 - c->rss0) / (long)NCOUNTED;
    ck_assert_msg(per_task <= PARKED_BYTES_MAX,
                  "mode %d: %ld bytes per parked task (RSS %ld -> %ld)",
                  modes[_i], per_task, c->rss0, c->rss1);
    free(c);
}
END_TEST

Suite *stack_suite(void);
Suite *stack_suite(void) {
    Suite *s = suite_create("stack");
    TCase *tc = tcase_create("misuse");
    tcase_add_loop_test(tc, stack_overflow_at_guard_names_task, 0, 2);
    tcase_add_loop_test(tc, stack_overrun_detected_by_canary_names_task, 0,
                        2);
    tcase_add_loop_test(tc, stack_other_fault_is_not_an_overflow, 0, 4);
    tcase_add_loop_test(tc, regress_7_canary_mode_overflow_names_task, 0, 2);
    tcase_add_loop_test(tc,
                        regress_7_auto_past_guard_budget_overflow_names_task,
                        0, 2);
    suite_add_tcase(s, tc);
    tc = tcase_create("basic");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, stack_hundred_thousand_parked_tasks, 0, 3);
    tcase_add_test(tc, stack_guard_pages_past_map_limit_fail_cleanly);
    tcase_add_loop_test(tc, stack_parked_task_costs_one_page, 0, 2);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return run_suite(stack_suite()); }
