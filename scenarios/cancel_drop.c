/* cancel_drop: FAILS, fixed PASSES: cancel drops a taken item.
 * A consumer takes an item from the queue, then reaches a checkpoint before
 * recording it; when its deadline expires there, the item it already took is
 * dropped. Fixed: the item is recorded before the checkpoint (a shield would do
 * too). */
#include "scenario.h"

static weft_queue q;
static int produced, recorded;

static int consumer(void *arg) {
    (void)arg;
    weft_scope s;
    weft_move_on_after(&s, 3 * WEFT_MSEC);
    for (;;) {
        int item;
        if (weft_queue_get(&q, &item)) break;
        if (!BUGGY) recorded++;
        if (weft_sleep(WEFT_MSEC)) break; /* handling it takes a while */
        if (BUGGY) recorded++;
    }
    return weft_scope_exit(&s, 0);
}

static int producer(void *arg) {
    (void)arg;
    for (int i = 0; i < 4; i++) {
        if (weft_queue_put(&q, &i)) break;
        produced++;
        weft_sleep(WEFT_MSEC / 2 + (weft_time)(weft_random() % 2) * WEFT_MSEC);
    }
    weft_queue_close(&q);
    return 0;
}

static int body(void *arg) {
    (void)arg;
    weft_queue_init(&q, 8, sizeof(int));
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "consumer", consumer, NULL);
    weft_spawn(&g, "producer", producer, NULL);
    int rc = weft_group_join(&g);
    int left = 0, item;
    while (weft_queue_try_get(&q, &item) == 0) left++;
    weft_group_destroy(&g);
    weft_queue_destroy(&q);
    WEFT_ASSERT(recorded + left == produced);
    return rc;
}

SCENARIO_MAIN(body)
