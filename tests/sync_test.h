/* tests/sync_test.h: helpers shared by the sync and queue suites
 * (tests/check_sync*.c, tests/check_queue*.c): test bodies run as the
 * root task with a leak check at the end, on either backend; misuse run
 * in a child process whose stderr is matched; a lock holder and
 * condition waiters; the seeds of the property tests. Allocation
 * failures come from tests/oom.h. */
#ifndef WEFT_TESTS_SYNC_TEST_H
#define WEFT_TESTS_SYNC_TEST_H

#include <stdio.h>

#include "harness.h"

/* The tests' second: under the real backend 20 ms of wall clock, so the
 * tests that run there too stay fast. */
#define UNIT (harness_is_sim() ? WEFT_SEC : 20 * WEFT_MSEC)

/* Exact virtual time under sim; under real only the order matters. */
#define ck_assert_at(t)                                                        \
    do {                                                                       \
        if (harness_is_sim()) ck_assert_int_eq(weft_now(), (t));               \
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

/* A property run's check: records the first failure (line, condition,
 * virtual time) in p->fail, a char array, and goes on; the test asserts
 * once the run is over (no ck_assert inside 10,000 runs). */
#define PROP_CHECK(p, cond)                                                    \
    do {                                                                       \
        if (!(cond) && !(p)->fail[0]) {                                        \
            snprintf((p)->fail, sizeof(p)->fail, "line %d: %s (t=%lld)",       \
                     __LINE__, #cond, (long long)weft_now());                  \
        }                                                                      \
    } while (0)

/* Fails the test unless the property run of seed passed (rc 0, nothing
 * in fail); the message names the seed and the command that replays it
 * alone: PROP_SEED=seed, then replay. Reports only a failure, so it
 * costs nothing in the loop over seeds (see fast_check). */
void prop_check_run(uint64_t seed, int rc, const char *fail,
                    const char *replay);

/* A random relative deadline for one operation of a property run:
 * none (3 in 8), already expired (1 in 8), else below span_us
 * microseconds. */
weft_time prop_deadline(uint64_t span_us);

/* A task that sleeps start, takes lk (its result in rc), keeps it for
 * hold, then releases it. */
struct holder {
    weft_lock *lk;
    weft_time hold;  /* how long the holder keeps it */
    weft_time start; /* when it acquires */
    int rc;
};
int hold_lock(void *arg);

/* Conditions: up to four waiters on c, bound to lk, each recording its
 * result, its time and the order of the notified ones. */
struct cond_case {
    weft_lock lk;
    weft_cond c;
    int woken[4]; /* ids of the notified waiters, in wake order */
    int nwoken;
    int rc[4];
    weft_time at[4];
};

struct cond_waiter {
    struct cond_case *c;
    int id;
    weft_time deadline; /* relative; WEFT_NEVER: none */
    weft_scope *scope;  /* its scope while it waits, else NULL */
};

/* Arrives at id + 1 ms, waits on the condition within its deadline and
 * records the outcome; the lock must be held on return. */
int cond_waiter(void *arg);

/* Notifies n waiters with the lock held. */
void notify_locked(struct cond_case *c, size_t n);

#endif
