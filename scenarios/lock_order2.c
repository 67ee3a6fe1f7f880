/* lock_order2: FAILS, fixed PASSES: lock-order deadlock, 2 tasks.
 * It fails with a deadlock. Two tasks take two locks in opposite orders; when
 * each holds its first lock, each waits for the other's. Fixed: both take the
 * locks in the same order. */
#include "scenario.h"

static weft_lock locks[2];

static int take_both(void *arg) {
    int first = (int)(intptr_t)arg;
    if (!BUGGY) first = 0;
    weft_lock_acquire(&locks[first]);
    weft_sched_point("holding the first lock");
    weft_lock_acquire(&locks[1 - first]);
    weft_lock_release(&locks[1 - first]);
    weft_lock_release(&locks[first]);
    return 0;
}

static int body(void *arg) {
    (void)arg;
    void *args[2] = {(void *)0, (void *)1};
    for (int i = 0; i < 2; i++) weft_lock_init(&locks[i]);
    int rc = spawn_join(2, take_both, args);
    for (int i = 0; i < 2; i++) weft_lock_destroy(&locks[i]);
    return rc;
}

SCENARIO_MAIN(body)
