/* tests/harness.h: running a test body inside weft_run under either
 * backend and many seeds, with messages that carry the replay command. */
#ifndef WEFT_TESTS_HARNESS_H
#define WEFT_TESTS_HARNESS_H

#include <check.h>
#include <stdint.h>
#include <weft.h>

/* Runs fn(arg) under sim with seed and returns weft_run's result. */
int run_sim(uint64_t seed, int (*fn)(void *), void *arg);
/* Runs fn(arg) under the real backend. */
int run_real(int (*fn)(void *), void *arg);

/* Loop index i of a test that runs under both backends: 0 runs fn under
 * the real backend, i > 0 under sim with seed i. */
int run_both(int i, int (*fn)(void *), void *arg);
/* Whether the running test body is under sim (exact virtual times). */
bool harness_is_sim(void);

/* Fails the test with the seed and the replay hint unless rc == want. */
#define ck_assert_run(rc, want, seed)                                        \
    ck_assert_msg((rc) == (want),                                            \
                  "got %d, want %d; seed=%llu (replay: CK_RUN_CASE=... "     \
                  "with this seed under WEFT_BACKEND=sim)",                  \
                  (int)(rc), (int)(want), (unsigned long long)(seed))

/* A suite runner for the main() of each check_<area>.c. */
int run_suite(Suite *s);

#endif
