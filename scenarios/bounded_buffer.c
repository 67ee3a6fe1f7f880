/* bounded_buffer: FAILS, fixed PASSES: put into full buffer under lock.
 * It fails with a deadlock. The producer holds a lock while it puts into a
 * bounded buffer and the consumer needs that lock to take from it; when the
 * buffer is full at that moment, each waits for the other. Fixed: the producer
 * puts outside the lock. */
#include "scenario.h"

static weft_queue q;
static weft_lock lk;
static int stats;

static int producer(void *arg) {
    (void)arg;
    for (int i = 0; i < 4; i++) {
        weft_lock_acquire(&lk);
        stats++;
        if (!BUGGY) weft_lock_release(&lk);
        weft_queue_put(&q, &i);
        if (BUGGY) weft_lock_release(&lk);
    }
    return 0;
}

static int consumer(void *arg) {
    (void)arg;
    for (int i = 0; i < 4; i++) {
        int item;
        weft_sched_point("before taking");
        weft_lock_acquire(&lk);
        stats--;
        weft_lock_release(&lk);
        weft_queue_get(&q, &item);
    }
    return 0;
}

static int body(void *arg) {
    (void)arg;
    weft_lock_init(&lk);
    weft_queue_init(&q, 2, sizeof(int));
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "producer", producer, NULL);
    weft_spawn(&g, "consumer", consumer, NULL);
    int rc = weft_group_join(&g);
    weft_group_destroy(&g);
    weft_queue_destroy(&q);
    weft_lock_destroy(&lk);
    return rc;
}

SCENARIO_MAIN(body)
