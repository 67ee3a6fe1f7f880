/* tests/patterns_test.h: what the patterns suite's programs share
 * (tests/check_patterns*.c): their main, which runs Suite "patterns" with
 * the TCases each program adds (so CK_RUN_SUITE=patterns runs them all);
 * exact virtual times asserted under sim only; and a call that sleeps,
 * then returns, for gather, race and the completion stream to run. */
#ifndef WEFT_TESTS_PATTERNS_TEST_H
#define WEFT_TESTS_PATTERNS_TEST_H

#include "harness.h"

/* Adds this program's TCases to the patterns suite s; each
 * tests/check_patterns*.c defines it. */
void patterns_add_cases(Suite *s);

/* An exact virtual time under sim; anything under real. */
#define ck_assert_sim_time(got, want, i)                                       \
    ck_assert_msg(!harness_is_sim() || (got) == (want),                        \
                  "at %lld ns, want %lld; seed=%d", (long long)(got),          \
                  (long long)(want), (int)(i))

/* A call that sleeps for `sleep`, then returns `rc`; cancelled, it
 * returns -ECANCELED after `cleanup` of shielded work. */
struct job {
    weft_time sleep;   /* 0: a plain checkpoint */
    int rc;            /* returned when the sleep was not cancelled */
    weft_time cleanup; /* shielded work after a cancelled sleep */
    int got;           /* the sleep's result */
    bool ended;
    weft_time ended_at; /* since the body started */
    weft_time t0;
};

/* Fills calls[0..n) with calls that each run one of jobs[0..n), timed
 * from now. Cannot fail. */
void make_calls(struct job *jobs, size_t n, weft_call *calls);

#endif
