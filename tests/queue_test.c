/* tests/queue_test.c: see queue_test.h. */
#include "queue_test.h"

int cmp_item(const void *a, const void *b) {
    const struct item *x = a, *y = b;
    return (x->prio > y->prio) - (x->prio < y->prio);
}

int anyq_init(struct anyq *a, size_t capacity) {
    size_t size = sizeof(struct item);
    if (a->kind == 0) return weft_queue_init(&a->q, capacity, size);
    return weft_pqueue_init(&a->pq, capacity, size, cmp_item);
}

int anyq_put(struct anyq *a, int prio, int id) {
    struct item it = {prio, id};
    return a->kind ? weft_pqueue_put(&a->pq, &it) : weft_queue_put(&a->q, &it);
}

int anyq_try_put(struct anyq *a, int prio, int id) {
    struct item it = {prio, id};
    return a->kind ? weft_pqueue_try_put(&a->pq, &it)
                   : weft_queue_try_put(&a->q, &it);
}

int anyq_get(struct anyq *a, struct item *it) {
    return a->kind ? weft_pqueue_get(&a->pq, it) : weft_queue_get(&a->q, it);
}

int anyq_try_get(struct anyq *a, struct item *it) {
    return a->kind ? weft_pqueue_try_get(&a->pq, it)
                   : weft_queue_try_get(&a->q, it);
}

void anyq_close(struct anyq *a) {
    if (a->kind) {
        weft_pqueue_close(&a->pq);
    } else {
        weft_queue_close(&a->q);
    }
}

size_t anyq_len(struct anyq *a) {
    return a->kind ? weft_pqueue_len(&a->pq) : weft_queue_len(&a->q);
}

size_t anyq_putters(struct anyq *a) {
    return a->kind ? weft_pqueue_putters(&a->pq) : weft_queue_putters(&a->q);
}

size_t anyq_getters(struct anyq *a) {
    return a->kind ? weft_pqueue_getters(&a->pq) : weft_queue_getters(&a->q);
}

void anyq_destroy(struct anyq *a) {
    if (a->kind) {
        weft_pqueue_destroy(&a->pq);
    } else {
        weft_queue_destroy(&a->q);
    }
}
