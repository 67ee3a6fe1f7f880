/* tests/sync_test.h: helpers shared by check_sync.c and check_queue.c:
 * test bodies run as the root task with a leak check at the end, on
 * either backend; misuse run in a child process whose stderr is
 * matched; and an allocator that fails on demand (oom TCases). */
#ifndef WEFT_TESTS_SYNC_TEST_H
#define WEFT_TESTS_SYNC_TEST_H

#include <stdarg.h>

#include "harness.h"

/* The backend of the running test body. */
extern bool under_sim;

/* The tests' second: under the real backend 20 ms of wall clock, so the
 * tests that run there too stay fast. */
#define UNIT (under_sim ? WEFT_SEC : 20 * WEFT_MSEC)

/* Exact virtual time under sim; under real only the order matters. */
#define ck_assert_at(t)                                                        \
    do {                                                                       \
        if (under_sim) ck_assert_int_eq(weft_now(), (t));                      \
    } while (0)

/* ck_assert without its cost: Check's assertions report every success
 * to the parent process through a pipe (a write per assertion), so hot
 * loops check with this, which reports only a failure. */
#define fast_check(cond)                                                       \
    do {                                                                       \
        if (!(cond)) ck_abort_msg("line %d: %s", __LINE__, #cond);             \
    } while (0)

/* Runs fn(arg) as the root task under sim with seed; once weft_run
 * returns, weft_leaks() must be empty (every init met its destroy).
 * Returns weft_run's result. */
int sim(uint64_t seed, int (*fn)(void *), void *arg);

/* As sim for loop index i: 0 runs under the real backend, i > 0 under
 * sim with seed i. */
int both(int i, int (*fn)(void *), void *arg);

/* weft_spawn that must succeed; join then destroy. */
void spawn(weft_group *g, const char *name, int (*fn)(void *), void *arg);
int join(weft_group *g);

/* fn(arg), as a root task under sim in a child process, must abort with
 * a misuse message that contains every needle (a NULL ends the list). */
void expect_misuse(int (*fn)(void *), void *arg, ...);

/* As expect_misuse for fn(arg) called as it is in the child process. */
void expect_misuse_child(void (*fn)(void *), void *arg, ...);

/* Property tests loop over seeds [0, n) inside one test, or over the one
 * seed $PROP_SEED when it is set (the replay of a failure). */
void prop_seeds(uint64_t n, uint64_t *first, uint64_t *count);

/* The interposed allocator (not under ASan, which owns malloc): once
 * oom_countdown is set to n > 0, the n-th allocation from then fails
 * (counted in oom_failures). No ck_assert while armed: Check allocates. */
extern long oom_countdown;
extern long oom_failures;

#endif
