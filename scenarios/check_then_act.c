/* check_then_act: FAILS, fixed PASSES: check-then-act on a balance.
 * Two withdrawals each check the balance covers them, then (after a schedule
 * point) debit it; both pass the check and the balance goes negative. Fixed:
 * check and debit under one lock. */
#include "scenario.h"

static int balance = 100;
static weft_lock lk;

static int withdraw(void *arg) {
    (void)arg;
    if (!BUGGY) weft_lock_acquire(&lk);
    if (balance >= 80) {
        weft_sched_point("between check and act");
        balance -= 80;
    }
    if (!BUGGY) weft_lock_release(&lk);
    return 0;
}

static int body(void *arg) {
    (void)arg;
    weft_lock_init(&lk);
    int rc = spawn_join(2, withdraw, NULL);
    weft_lock_destroy(&lk);
    WEFT_ASSERT(balance >= 0);
    return rc;
}

SCENARIO_MAIN(body)
