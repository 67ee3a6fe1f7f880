/* cancel_lock: FAILS, fixed PASSES: a cancel leaks a held lock.
 * It fails with a deadlock. A worker holding a lock is cancelled at a
 * checkpoint and returns early without releasing it; the next task to take the
 * lock waits forever. The cancel reaches the worker only when the worker is
 * already in its scope, so only some schedules show it. Fixed: release on every
 * path. */
#include "scenario.h"

static weft_lock lk;
static weft_scope worker_scope;

static int worker(void *arg) {
    (void)arg;
    weft_scope_enter(&worker_scope, WEFT_NEVER, 0);
    weft_lock_acquire(&lk);
    int rc = weft_sleep(WEFT_MSEC); /* the work, under the lock */
    if (rc && BUGGY) return weft_scope_exit(&worker_scope, rc);
    weft_lock_release(&lk);
    return weft_scope_exit(&worker_scope, rc);
}

static int canceller(void *arg) {
    (void)arg;
    weft_sched_point("before the cancel");
    weft_scope_cancel(&worker_scope); /* no-op before the worker enters */
    return 0;
}

static int body(void *arg) {
    (void)arg;
    weft_lock_init(&lk);
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "worker", worker, NULL);
    weft_spawn(&g, "canceller", canceller, NULL);
    weft_group_join(&g);
    weft_group_destroy(&g);
    weft_lock_acquire(&lk); /* the lock must be free again */
    weft_lock_release(&lk);
    weft_lock_destroy(&lk);
    return 0;
}

SCENARIO_MAIN(body)
