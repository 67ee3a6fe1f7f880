/* lost_update: FAILS, fixed PASSES: a lost update.
 * Two tasks increment a shared counter by reading it, reaching a schedule
 * point, and writing back; an interleaving loses an increment. Fixed: a lock
 * around the read-modify-write. */
#include "scenario.h"

static int counter;
static weft_lock lk;

static int add(void *arg) {
    (void)arg;
    for (int i = 0; i < 3; i++) {
        if (!BUGGY) weft_lock_acquire(&lk);
        int seen = counter;
        weft_sched_point("between read and write");
        counter = seen + 1;
        if (!BUGGY) weft_lock_release(&lk);
    }
    return 0;
}

static int body(void *arg) {
    (void)arg;
    weft_lock_init(&lk);
    int rc = spawn_join(2, add, NULL);
    weft_lock_destroy(&lk);
    WEFT_ASSERT(counter == 6);
    return rc;
}

SCENARIO_MAIN(body)
