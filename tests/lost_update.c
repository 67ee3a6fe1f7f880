/* tests/lost_update.c: see lost_update.h. */
#include "lost_update.h"

#include <weft.h>

static int balance;

static int deposit(void *arg) {
    (void)arg;
    int seen = balance;
    weft_sched_point("read");
    balance = seen + 10;
    return 0;
}

int two_deposits(void *arg) {
    (void)arg;
    balance = 0;
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "a", deposit, NULL);
    weft_spawn(&g, "b", deposit, NULL);
    int rc = weft_group_join(&g);
    weft_group_destroy(&g);
    WEFT_ASSERT(balance == 20);
    return rc;
}
