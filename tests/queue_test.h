/* tests/queue_test.h: both kinds of queue behind one face, for the
 * queue suite's tests that run on each (tests/check_queue*.c). Items are
 * (prio, id) pairs; kind 0 is a weft_queue, 1 a weft_pqueue ordered by
 * prio. The helpers return what the call they wrap returns. */
#ifndef WEFT_TESTS_QUEUE_TEST_H
#define WEFT_TESTS_QUEUE_TEST_H

#include "sync_test.h"

struct item {
    int prio;
    int id;
};

/* Orders items by prio alone (ties: insertion order, the pqueue's). */
int cmp_item(const void *a, const void *b);

struct anyq {
    int kind; /* 0: q, 1: pq */
    weft_queue q;
    weft_pqueue pq;
};

/* Initialises a's queue of its kind for struct item. */
int anyq_init(struct anyq *a, size_t capacity);
int anyq_put(struct anyq *a, int prio, int id);
int anyq_try_put(struct anyq *a, int prio, int id);
int anyq_get(struct anyq *a, struct item *it);
int anyq_try_get(struct anyq *a, struct item *it);
void anyq_close(struct anyq *a);
size_t anyq_len(struct anyq *a);
size_t anyq_putters(struct anyq *a);
size_t anyq_getters(struct anyq *a);
void anyq_destroy(struct anyq *a);

#endif
