/* lock_order3: FAILS, fixed PASSES: lock-order deadlock, 3 tasks.
 * It fails with a deadlock. Three tasks each take lock i then lock i+1 (mod 3):
 * a cycle of three, which deadlocks only when all three hold their first lock
 * at once. Fixed: each takes the lower-numbered lock first. */
#include "scenario.h"

static weft_lock locks[3];

static int take_pair(void *arg) {
    int i = (int)(intptr_t)arg;
    int a = i, b = (i + 1) % 3;
    if (!BUGGY && a > b) {
        a = b;
        b = i;
    }
    weft_lock_acquire(&locks[a]);
    weft_sched_point("holding the first lock");
    weft_lock_acquire(&locks[b]);
    weft_lock_release(&locks[b]);
    weft_lock_release(&locks[a]);
    return 0;
}

static int body(void *arg) {
    (void)arg;
    void *args[3] = {(void *)0, (void *)1, (void *)2};
    for (int i = 0; i < 3; i++) weft_lock_init(&locks[i]);
    int rc = spawn_join(3, take_pair, args);
    for (int i = 0; i < 3; i++) weft_lock_destroy(&locks[i]);
    return rc;
}

SCENARIO_MAIN(body)
