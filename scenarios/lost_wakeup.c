/* lost_wakeup: FAILS, fixed PASSES: lost wake-up: cond without loop.
 * It fails with a deadlock. The waiter tests the flag without the lock and
 * without a loop, then waits on the condition; when the notify comes between
 * its test and its wait, the wake-up is lost and it waits forever. Fixed: test
 * the flag in a loop while holding the lock. */
#include "scenario.h"

static bool ready;
static weft_lock lk;
static weft_cond cv;

static int waiter(void *arg) {
    (void)arg;
    if (BUGGY) {
        if (!ready) {
            weft_sched_point("between test and wait");
            weft_lock_acquire(&lk);
            weft_cond_wait(&cv);
            weft_lock_release(&lk);
        }
        return 0;
    }
    weft_lock_acquire(&lk);
    while (!ready) weft_cond_wait(&cv);
    weft_lock_release(&lk);
    return 0;
}

static int notifier(void *arg) {
    (void)arg;
    weft_lock_acquire(&lk);
    ready = true;
    weft_cond_notify_all(&cv);
    weft_lock_release(&lk);
    return 0;
}

static int body(void *arg) {
    (void)arg;
    weft_lock_init(&lk);
    weft_cond_init(&cv, &lk);
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "waiter", waiter, NULL);
    weft_spawn(&g, "notifier", notifier, NULL);
    int rc = weft_group_join(&g);
    weft_group_destroy(&g);
    weft_cond_destroy(&cv);
    weft_lock_destroy(&lk);
    return rc;
}

SCENARIO_MAIN(body)
