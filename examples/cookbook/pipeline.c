/* examples/cookbook/pipeline.c: producers and consumers joined by a
 * bounded queue; closing the queue ends the stream. */
#include <stdio.h>
#include <weft.h>

struct pipeline {
    weft_queue q;  /* ints, at most 4 waiting */
    long total;    /* what the consumers added up */
    int nconsumed; /* how many items they took */
};

static int producer(void *arg) {
    struct pipeline *p = arg;
    for (int i = 1; i <= 20; i++) {
        int rc = weft_queue_put(&p->q, &i); /* waits while q is full */
        if (rc < 0) return rc;
    }
    weft_queue_close(&p->q); /* consumers drain what is left, then stop */
    return 0;
}

static int consumer(void *arg) {
    struct pipeline *p = arg;
    int item;
    int rc;
    while ((rc = weft_queue_get(&p->q, &item)) == 0) {
        weft_sleep(5 * WEFT_MSEC); /* work on the item */
        p->total += item;
        p->nconsumed++;
    }
    return rc == -EPIPE ? 0 : rc; /* -EPIPE: closed and drained */
}

static int main_task(void *arg) {
    (void)arg;
    struct pipeline p = {.total = 0, .nconsumed = 0};
    int rc = weft_queue_init(&p.q, 4, sizeof(int));
    if (rc < 0) return rc;

    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "producer", producer, &p);
    for (int i = 0; i < 3; i++) weft_spawn(&g, "consumer", consumer, &p);
    rc = weft_group_join(&g);
    weft_group_destroy(&g);
    weft_queue_destroy(&p.q);
    printf("consumed %d items, total %ld, rc=%d\n", p.nconsumed, p.total,
           rc);
    return rc;
}

int main(void) { return weft_run(NULL, main_task, NULL); }
