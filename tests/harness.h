/* tests/harness.h: running a test body inside weft_run under either
 * backend and many seeds, with messages that carry the replay command;
 * running a function in a child process (misuse and crash reports); and
 * fast_check for hot loops. Allocation failures: tests/oom.h. */
#ifndef WEFT_TESTS_HARNESS_H
#define WEFT_TESTS_HARNESS_H

#include <check.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <weft.h>

/* Runs fn(arg) under sim with seed and returns weft_run's result. */
int run_sim(uint64_t seed, int (*fn)(void *), void *arg);
/* Runs fn(arg) under the real backend. */
int run_real(int (*fn)(void *), void *arg);

/* Loop index i of a test that runs under both backends: 0 runs fn under
 * the real backend, i > 0 under sim with seed i. */
int run_both(int i, int (*fn)(void *), void *arg);
/* Whether the last run_sim, run_real or run_both (the running test body)
 * is under sim: exact virtual times hold only there. */
bool harness_is_sim(void);

/* Fails the test with the seed and the replay hint unless rc == want. */
#define ck_assert_run(rc, want, seed)                                          \
    ck_assert_msg((rc) == (want),                                              \
                  "got %d, want %d; seed=%llu (replay: CK_RUN_CASE=... "       \
                  "with this seed under WEFT_BACKEND=sim)",                    \
                  (int)(rc), (int)(want), (unsigned long long)(seed))

/* Runs fn(arg) as the body of loop index i (0: real, else sim seed i);
 * the body's result must be 0 and nothing may leak. */
#define RUN_OK(i, fn, arg)                                                     \
    do {                                                                       \
        int rc_ = run_both((i), (fn), (arg));                                  \
        ck_assert_run(rc_, 0, (i));                                            \
        ck_assert_msg(weft_leaks(NULL, 0) == 0,                                \
                      "the run leaked; seed=%d (0: real)", (int)(i));          \
    } while (0)

/* ck_assert without its cost: Check's assertions report every success
 * to the parent process through a pipe (a write per assertion), so hot
 * loops check with this, which reports only a failure. */
#define fast_check(cond)                                                       \
    do {                                                                       \
        if (!(cond)) ck_abort_msg("line %d: %s", __LINE__, #cond);             \
    } while (0)

/* Runs fn(arg) with weft_run under cfg (NULL: defaults) with stderr
 * captured into buf (cut to n - 1 bytes); weft_run's result. */
int run_capturing(const weft_config *cfg, int (*fn)(void *), void *arg,
                  char *buf, size_t n);

/* Runs fn(arg) in a child process (stdio flushed first) and returns its
 * wait status; its stderr, cut to n - 1 bytes, is in buf. */
int run_in_child(void (*fn)(void *), void *arg, char *buf, size_t n);

/* fn(arg), run in a child process, must abort (SIGABRT) with a stderr
 * that contains every needle; the list ends with NULL. */
void expect_abort(void (*fn)(void *), void *arg, ...);
/* As expect_abort with the needle first (unless NULL), then needles. */
void expect_abort_v(void (*fn)(void *), void *arg, const char *first,
                    va_list needles);

/* A suite runner for the main() of each check_<area>.c. */
int run_suite(Suite *s);

#endif
