/* double_release: FAILS, fixed PASSES: a slot released twice.
 * Two tasks finish with a shared connection; each checks a "released" flag and,
 * after a schedule point, returns the connection's slot to a semaphore; both
 * pass the check and the slot is released twice, so the pool grows past its
 * size. Fixed: test and set the flag with no schedule point between. */
#include "scenario.h"

static weft_sem slots;
static bool released;

static int finish(void *arg) {
    (void)arg;
    if (!released) {
        if (BUGGY) weft_sched_point("between test and set");
        released = true;
        weft_sem_release(&slots);
    }
    return 0;
}

static int body(void *arg) {
    (void)arg;
    weft_sem_init(&slots, 1, 0);
    weft_sem_acquire(&slots); /* the connection holds the one slot */
    int rc = spawn_join(2, finish, NULL);
    WEFT_ASSERT(weft_sem_value(&slots) == 1);
    weft_sem_destroy(&slots);
    return rc;
}

SCENARIO_MAIN(body)
