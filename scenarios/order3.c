/* order3: FAILS, fixed PASSES: 3 events in one order.
 * An ordering bug of depth 3: the loader publishes version 1 after a long
 * stretch of steps, the reader copies it (it must come after the whole
 * stretch), and the resetter clears it (after its own long stretch) before the
 * reader checks. Random scheduling almost never lets one task run a long
 * stretch before another's first step; pct:3 gives each order a fair chance.
 * Fixed: the resetter waits for the reader's check. */
#include "scenario.h"

static int version, copy, checked;
static weft_event read_done;

static void noise(int n) {
    for (int i = 0; i < n; i++) weft_sched_point("noise");
}

#define STRETCH 12

static int loader(void *arg) {
    (void)arg;
    noise(STRETCH);
    version = 1;
    return 0;
}

static int reader(void *arg) {
    (void)arg;
    copy = version;
    noise(STRETCH);
    checked = copy == 1 && version == 0; /* saw it, then lost it */
    if (!BUGGY) weft_event_set(&read_done);
    return 0;
}

static int resetter(void *arg) {
    (void)arg;
    noise(STRETCH);
    if (!BUGGY) weft_event_wait(&read_done);
    version = 0;
    return 0;
}

static int body(void *arg) {
    (void)arg;
    weft_event_init(&read_done);
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "loader", loader, NULL);
    weft_spawn(&g, "reader", reader, NULL);
    weft_spawn(&g, "resetter", resetter, NULL);
    int rc = weft_group_join(&g);
    weft_group_destroy(&g);
    weft_event_destroy(&read_done);
    WEFT_ASSERT(!checked);
    return rc;
}

SCENARIO_MAIN(body)
