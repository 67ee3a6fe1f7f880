/* order3: FAILS (fixed: PASSES). Three tasks each take 8 steps; the bug needs three events in one order: the loader publishes a config, the reader copies it, and only then the resetter clears the copy's source (here: the reader must see version 1, then the resetter must act before the reader's check). Random scheduling rarely lines up all three; pct:3 aims for exactly such orders. Fixed: the resetter waits for the reader's check. */
#include "scenario.h"

static int version, copy, checked;
static weft_event read_done;

static void noise(int n) {
    for (int i = 0; i < n; i++) weft_sched_point("noise");
}

static int loader(void *arg) {
    (void)arg;
    noise(4);
    version = 1;
    noise(4);
    return 0;
}

static int reader(void *arg) {
    (void)arg;
    noise(2);
    copy = version;
    noise(4);
    checked = copy == 1 && version == 0; /* saw it, then lost it */
    if (!BUGGY) weft_event_set(&read_done);
    noise(2);
    return 0;
}

static int resetter(void *arg) {
    (void)arg;
    noise(6);
    if (!BUGGY) weft_event_wait(&read_done);
    version = 0;
    noise(2);
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
