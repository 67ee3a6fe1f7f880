/* tests/check_oom.c: out-of-memory, SQLite style: fail allocation 1, 2,
 * 3... until the call succeeds; after each failure the call returned
 * -ENOMEM and nothing was lost or left half done (valgrind and ASan runs
 * of this suite prove nothing leaked). */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "oom.h"

#if OOM_AVAILABLE /* ASan owns malloc: there the suite is empty */

static int noop(void *arg) {
    int *ran = arg;
    (*ran)++;
    return 0;
}

static int nothing(void *arg) {
    (void)arg;
    return 0;
}

START_TEST(oom_run_fails_cleanly_then_succeeds) {
    int rc = -ENOMEM;
    long n;
    for (n = 1; rc == -ENOMEM && n < 100; n++) {
        oom_fail_at(n);
        rc = run_sim(1, nothing, NULL);
        bool failed = oom_off();
        ck_assert_msg(rc == 0 || (rc == -ENOMEM && failed),
                      "allocation %ld: rc=%d", n, rc);
    }
    ck_assert_int_eq(rc, 0);
    ck_assert_int_gt(n, 2); /* some allocation did fail on the way */
}
END_TEST

/* Spawning 100 tasks (the run queue, the error group and the slabs grow)
 * with one allocation failing: the failed spawn changes nothing, the
 * others run, join sees them all. */
struct spawn_case {
    long fail_at;
    bool failed; /* the armed allocation did fail */
};

static int spawn_many(void *arg) {
    struct spawn_case *c = arg;
    int ran = 0;
    int spawned = 0;
    weft_group g;
    weft_group_init(&g);
    int unexpected = 0;
    oom_fail_at(c->fail_at); /* no ck_assert while armed: Check allocates */
    for (int i = 0; i < 100; i++) {
        int rc = weft_spawn(&g, "noop", noop, &ran);
        if (rc == 0) spawned++;
        if (rc != 0 && rc != -ENOMEM) unexpected = rc;
    }
    c->failed = oom_off();
    ck_assert_int_eq(unexpected, 0);
    ck_assert_int_eq(weft_group_join(&g), 0);
    ck_assert_int_eq(ran, spawned);
    ck_assert_int_eq(spawned, 100 - (int)c->failed);
    weft_group_destroy(&g);
    return 0;
}

START_TEST(oom_spawn_fails_cleanly) {
    long total = 0;
    for (long n = 1; n < 8; n++) {
        struct spawn_case c = {n, false};
        ck_assert_int_eq(run_sim(2, spawn_many, &c), 0);
        total += c.failed;
    }
    ck_assert_int_gt(total, 0); /* allocations did fail */
}
END_TEST

#endif

Suite *oom_suite(void);
Suite *oom_suite(void) {
    Suite *s = suite_create("oom");
    TCase *tc = tcase_create("oom");
#if OOM_AVAILABLE
    tcase_add_test(tc, oom_run_fails_cleanly_then_succeeds);
    tcase_add_test(tc, oom_spawn_fails_cleanly);
#endif
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    return run_suite(oom_suite());
}
