/* tests/check_queue.c: FIFO and priority queues (API.md
 * "Synchronisation", docs/SYNC.md). Semantics under sim over many seeds
 * with exact virtual times, some under the real backend too (loop index
 * 0); the heap and the ring against trivial models with fixed seeds;
 * cancel-safety as a property over 10,000 seeds for each kind of queue:
 * every item put is got exactly once or is still in the queue. */
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "sync/sync.h"
#include "sync_test.h"

/* Both kinds of queue behind one face, for tests that run on each.
 * kind 0: weft_queue, 1: weft_pqueue (items compared by prio). */
struct item {
    int prio;
    int id;
};

static int cmp_item(const void *a, const void *b) {
    const struct item *x = a, *y = b;
    return (x->prio > y->prio) - (x->prio < y->prio);
}

struct anyq {
    int kind;
    weft_queue q;
    weft_pqueue pq;
};

static int anyq_init(struct anyq *a, size_t capacity) {
    size_t size = sizeof(struct item);
    if (a->kind == 0) return weft_queue_init(&a->q, capacity, size);
    return weft_pqueue_init(&a->pq, capacity, size, cmp_item);
}

static int anyq_put(struct anyq *a, int prio, int id) {
    struct item it = {prio, id};
    return a->kind ? weft_pqueue_put(&a->pq, &it) : weft_queue_put(&a->q, &it);
}

static int anyq_try_put(struct anyq *a, int prio, int id) {
    struct item it = {prio, id};
    return a->kind ? weft_pqueue_try_put(&a->pq, &it)
                   : weft_queue_try_put(&a->q, &it);
}

static int anyq_get(struct anyq *a, struct item *it) {
    return a->kind ? weft_pqueue_get(&a->pq, it) : weft_queue_get(&a->q, it);
}

static int anyq_try_get(struct anyq *a, struct item *it) {
    return a->kind ? weft_pqueue_try_get(&a->pq, it)
                   : weft_queue_try_get(&a->q, it);
}

static void anyq_close(struct anyq *a) {
    if (a->kind) {
        weft_pqueue_close(&a->pq);
    } else {
        weft_queue_close(&a->q);
    }
}

static size_t anyq_len(struct anyq *a) {
    return a->kind ? weft_pqueue_len(&a->pq) : weft_queue_len(&a->q);
}

static size_t anyq_putters(struct anyq *a) {
    return a->kind ? weft_pqueue_putters(&a->pq) : weft_queue_putters(&a->q);
}

static size_t anyq_getters(struct anyq *a) {
    return a->kind ? weft_pqueue_getters(&a->pq) : weft_queue_getters(&a->q);
}

static void anyq_destroy(struct anyq *a) {
    if (a->kind) {
        weft_pqueue_destroy(&a->pq);
    } else {
        weft_queue_destroy(&a->q);
    }
}

/* ==== basic ==== */

static int fifo_basic(void *arg) {
    (void)arg;
    weft_queue q;
    ck_assert_int_eq(weft_queue_init(&q, 3, sizeof(int)), 0);
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(weft_queue_put(&q, &i), 0);
    ck_assert_uint_eq(weft_queue_len(&q), 3);
    int x = 99;
    ck_assert_int_eq(weft_queue_try_put(&q, &x), -EWOULDBLOCK); /* Full */
    ck_assert_int_eq(weft_queue_get(&q, &x), 0);
    ck_assert_int_eq(x, 0);
    x = 3;
    ck_assert_int_eq(weft_queue_try_put(&q, &x), 0); /* wraps around */
    for (int i = 1; i <= 3; i++) {
        ck_assert_int_eq(weft_queue_try_get(&q, &x), 0);
        ck_assert_int_eq(x, i);
    }
    ck_assert_int_eq(weft_queue_try_get(&q, &x), -EWOULDBLOCK); /* Empty */
    ck_assert_uint_eq(weft_queue_waiters(&q), 0);
    ck_assert(!weft_queue_closed(&q));
    ck_assert_at(0);
    weft_queue_destroy(&q);
    return 0;
}

START_TEST(queue_put_get_in_fifo_order) {
    ck_assert_run(both(_i, fifo_basic, NULL), 0, _i);
}
END_TEST

static int bad_args(void *arg) {
    (void)arg;
    weft_queue q;
    weft_pqueue pq;
    ck_assert_int_eq(weft_queue_init(&q, 1, 0), -EINVAL);
    ck_assert_int_eq(weft_pqueue_init(&pq, 1, 0, cmp_item), -EINVAL);
    ck_assert_int_eq(weft_pqueue_init(&pq, 1, 4, NULL), -EINVAL);
    ck_assert_int_eq(weft_queue_init(&q, SIZE_MAX / 2, 4), -ENOMEM);
    ck_assert_int_eq(weft_pqueue_init(&pq, SIZE_MAX / 2, 4, cmp_item), -ENOMEM);
    return 0;
}

START_TEST(queue_init_bad_arguments_fail) {
    ck_assert_run(sim(1, bad_args, NULL), 0, 1);
}
END_TEST

/* Items are copied in and out: the caller's buffers are free to reuse,
 * whatever the item size. */
struct big {
    char bytes[72];
};

static int copies(void *arg) {
    (void)arg;
    weft_queue q;
    weft_queue_init(&q, 2, sizeof(struct big));
    struct big b;
    memset(&b, 'a', sizeof b);
    weft_queue_put(&q, &b);
    memset(&b, 'b', sizeof b);
    weft_queue_put(&q, &b);
    memset(&b, 0, sizeof b);
    weft_queue_get(&q, &b);
    ck_assert_int_eq(b.bytes[0], 'a');
    ck_assert_int_eq(b.bytes[71], 'a');
    weft_queue_get(&q, &b);
    ck_assert_int_eq(b.bytes[71], 'b');
    weft_queue_destroy(&q);
    return 0;
}

START_TEST(queue_items_are_copied) {
    ck_assert_run(sim(1, copies, NULL), 0, 1);
}
END_TEST

/* An unbounded queue grows while its ring is wrapped; order holds. */
static int unbounded(void *arg) {
    (void)arg;
    weft_queue q;
    weft_queue_init(&q, WEFT_UNBOUNDED, sizeof(int));
    int next_in = 0, next_out = 0, x;
    for (int round = 0; round < 50; round++) {
        for (int i = 0; i < 7; i++) {
            ck_assert_int_eq(weft_queue_try_put(&q, &next_in), 0);
            next_in++;
        }
        for (int i = 0; i < 5; i++) {
            ck_assert_int_eq(weft_queue_try_get(&q, &x), 0);
            ck_assert_int_eq(x, next_out++);
        }
    }
    ck_assert_uint_eq(weft_queue_len(&q), 100);
    while (weft_queue_try_get(&q, &x) == 0)
        ck_assert_int_eq(x, next_out++);
    ck_assert_int_eq(next_out, next_in);
    weft_queue_destroy(&q);
    return 0;
}

START_TEST(queue_unbounded_grows_keeping_order) {
    ck_assert_run(sim(1, unbounded, NULL), 0, 1);
}
END_TEST

/* Rendezvous: a put waits for a get, and the reverse. */
struct rv_case {
    weft_queue q;
    int rc;
    weft_time at;
};

static int rv_putter(void *arg) {
    struct rv_case *c = arg;
    int x = 42;
    c->rc = weft_queue_put(&c->q, &x);
    c->at = weft_now();
    return 0;
}

static int rendezvous(void *arg) {
    struct rv_case *c = arg;
    weft_queue_init(&c->q, 0, sizeof(int));
    int x = 1;
    ck_assert_int_eq(weft_queue_try_put(&c->q, &x), -EWOULDBLOCK);
    ck_assert_int_eq(weft_queue_try_get(&c->q, &x), -EWOULDBLOCK);
    weft_group g;
    weft_group_init(&g);
    spawn(&g, "putter", rv_putter, c);
    weft_sleep(UNIT);
    ck_assert_uint_eq(weft_queue_putters(&c->q), 1);
    ck_assert_uint_eq(weft_queue_len(&c->q), 0);
    ck_assert_int_eq(weft_queue_get(&c->q, &x), 0);
    ck_assert_int_eq(x, 42);
    join(&g);
    ck_assert_int_eq(c->rc, 0);
    if (under_sim) ck_assert_int_eq(c->at, WEFT_SEC);
    ck_assert_uint_eq(weft_queue_len(&c->q), 0);
    weft_queue_destroy(&c->q);
    return 0;
}

START_TEST(queue_rendezvous_put_waits_for_get) {
    struct rv_case c;
    memset(&c, 0, sizeof c);
    ck_assert_run(both(_i, rendezvous, &c), 0, _i);
}
END_TEST

/* A put with a getter parked hands the item straight over: the queue
 * stays empty, and a task that comes later cannot take it. */
static int get_one(void *arg) {
    struct anyq *a = arg;
    struct item it;
    ck_assert_int_eq(anyq_get(a, &it), 0);
    ck_assert_int_eq(it.id, 7);
    return 0;
}

static int handoff(void *arg) {
    struct anyq *a = arg;
    anyq_init(a, a->kind ? 4 : 0);
    weft_group g;
    weft_group_init(&g);
    spawn(&g, "getter", get_one, a);
    weft_sleep(UNIT);
    ck_assert_uint_eq(anyq_getters(a), 1);
    ck_assert_int_eq(anyq_try_put(a, 0, 7), 0);
    ck_assert_uint_eq(anyq_len(a), 0);
    ck_assert_uint_eq(anyq_getters(a), 0);
    struct item it;
    ck_assert_int_eq(anyq_try_get(a, &it), -EWOULDBLOCK);
    join(&g);
    anyq_destroy(a);
    return 0;
}

START_TEST(queue_put_hands_item_to_parked_getter) {
    for (int kind = 0; kind < 2; kind++) {
        struct anyq a = {.kind = kind};
        ck_assert_run(both(_i, handoff, &a), 0, _i);
    }
}
END_TEST

/* ---- priority queue ---- */

static int pq_order(void *arg) {
    (void)arg;
    weft_pqueue q;
    ck_assert_int_eq(weft_pqueue_init(&q, 0, sizeof(struct item), cmp_item), 0);
    static const int prios[] = {5, 1, 3, 1, 5, 0, 3, 1};
    for (int i = 0; i < 8; i++) {
        struct item it = {prios[i], i};
        ck_assert_int_eq(weft_pqueue_put(&q, &it), 0);
    }
    ck_assert_uint_eq(weft_pqueue_len(&q), 8);
    static const int want[] = {5, 1, 3, 7, 2, 6, 0, 4}; /* ids */
    for (int i = 0; i < 8; i++) {
        struct item it;
        ck_assert_int_eq(weft_pqueue_get(&q, &it), 0);
        ck_assert_int_eq(it.id, want[i]);
    }
    struct item it;
    ck_assert_int_eq(weft_pqueue_try_get(&q, &it), -EWOULDBLOCK);
    ck_assert_at(0);
    weft_pqueue_destroy(&q);
    return 0;
}

START_TEST(pqueue_lowest_first_ties_in_insertion_order) {
    ck_assert_run(both(_i, pq_order, NULL), 0, _i);
}
END_TEST

/* A bounded pqueue: full at capacity; a parked putter's item enters when
 * a get frees room, and takes its place by priority. */
static int put_prio0(void *arg) {
    struct item it = {0, 100};
    return weft_pqueue_put(arg, &it);
}

static int pq_bounded(void *arg) {
    (void)arg;
    weft_pqueue q;
    weft_pqueue_init(&q, 2, sizeof(struct item), cmp_item);
    struct item a = {5, 1}, b = {4, 2}, it;
    ck_assert_int_eq(weft_pqueue_try_put(&q, &a), 0);
    ck_assert_int_eq(weft_pqueue_try_put(&q, &b), 0);
    ck_assert_int_eq(weft_pqueue_try_put(&q, &a), -EWOULDBLOCK); /* Full */
    weft_group g;
    weft_group_init(&g);
    spawn(&g, "putter", put_prio0, &q);
    weft_sleep(UNIT);
    ck_assert_uint_eq(weft_pqueue_putters(&q), 1);
    ck_assert_uint_eq(weft_pqueue_waiters(&q), 1);
    ck_assert_int_eq(weft_pqueue_get(&q, &it), 0);
    ck_assert_int_eq(it.id, 2);
    ck_assert_uint_eq(weft_pqueue_len(&q), 2); /* refilled at once */
    ck_assert_int_eq(weft_pqueue_get(&q, &it), 0);
    ck_assert_int_eq(it.id, 100);
    ck_assert_int_eq(weft_pqueue_get(&q, &it), 0);
    ck_assert_int_eq(it.id, 1);
    ck_assert_int_eq(join(&g), 0);
    weft_pqueue_destroy(&q);
    return 0;
}

START_TEST(pqueue_bounded_full_then_putter_enters_by_priority) {
    ck_assert_run(both(_i, pq_bounded, NULL), 0, _i);
}
END_TEST

/* ---- differential tests against trivial models (rax style) ---- */

/* An item of an awkward size whose comparison needs the strictest
 * alignment: the heap must hand cmp aligned pointers. */
struct odd {
    long double key;
    char tag[3];
};

static int cmp_odd(const void *a, const void *b) {
    fast_check((uintptr_t)a % alignof(max_align_t) == 0);
    fast_check((uintptr_t)b % alignof(max_align_t) == 0);
    const struct odd *x = a, *y = b;
    return (x->key > y->key) - (x->key < y->key);
}

/* The model: entries (key, seq) kept sorted; get takes the first. */
struct model_entry {
    int key;
    int seq;
};

static int pq_differential(void *arg) {
    size_t capacity = *(size_t *)arg;
    weft_pqueue q;
    fast_check(weft_pqueue_init(&q, capacity, sizeof(struct odd), cmp_odd) ==
               0);
    size_t bound = capacity ? capacity : SIZE_MAX;
    static struct model_entry model[4096];
    size_t n = 0;
    int seq = 0;
    for (int step = 0; step < 4000; step++) {
        bool put = weft_random() % 100 < (step < 2000 ? 60 : 40);
        if (put) {
            struct odd it = {(long double)(weft_random() % 8), {0}};
            memcpy(it.tag, &seq, sizeof it.tag);
            int rc = weft_pqueue_try_put(&q, &it);
            if (n == bound) {
                fast_check(rc == -EWOULDBLOCK);
                continue;
            }
            fast_check(rc == 0);
            size_t i = n++;
            while (i > 0 && model[i - 1].key > (int)it.key) { /* stable */
                model[i] = model[i - 1];
                i--;
            }
            model[i] = (struct model_entry){(int)it.key, seq++};
        } else {
            struct odd it;
            int rc = weft_pqueue_try_get(&q, &it);
            if (n == 0) {
                fast_check(rc == -EWOULDBLOCK);
                continue;
            }
            fast_check(rc == 0);
            int tag = 0;
            memcpy(&tag, it.tag, sizeof it.tag);
            fast_check((int)it.key == model[0].key);
            fast_check(tag == (model[0].seq & 0xffffff));
            memmove(model, model + 1, --n * sizeof model[0]);
        }
        fast_check(weft_pqueue_len(&q) == n);
        fast_check(weft__pqueue_validate(&q));
    }
    struct odd it;
    while (weft_pqueue_try_get(&q, &it) == 0) {
    }
    weft_pqueue_destroy(&q);
    return 0;
}

START_TEST(pqueue_matches_sorted_array_model) {
    static const size_t capacities[] = {0, 1, 2, 7, 64};
    for (size_t i = 0; i < sizeof capacities / sizeof capacities[0]; i++) {
        size_t c = capacities[i];
        ck_assert_run(sim((uint64_t)_i, pq_differential, &c), 0, _i);
    }
}
END_TEST

/* The FIFO against a plain array model, bounded and unbounded. */
static int q_differential(void *arg) {
    size_t capacity = *(size_t *)arg;
    weft_queue q;
    weft_queue_init(&q, capacity, 3); /* odd size: no alignment luck */
    static unsigned model[4096];
    size_t head = 0, tail = 0;
    unsigned next = 0;
    for (int step = 0; step < 3000; step++) {
        unsigned char buf[3];
        if (weft_random() % 100 < (step < 1500 ? 60 : 40)) {
            memcpy(buf, &next, 3);
            int rc = weft_queue_try_put(&q, buf);
            if (tail - head == capacity) {
                fast_check(rc == -EWOULDBLOCK);
                continue;
            }
            fast_check(rc == 0);
            model[tail++] = next++ & 0xffffff;
        } else {
            int rc = weft_queue_try_get(&q, buf);
            if (tail == head) {
                fast_check(rc == -EWOULDBLOCK);
                continue;
            }
            fast_check(rc == 0);
            unsigned got = 0;
            memcpy(&got, buf, 3);
            fast_check(got == model[head++]);
        }
        fast_check(weft_queue_len(&q) == tail - head);
    }
    unsigned char buf[3];
    while (weft_queue_try_get(&q, buf) == 0) {
    }
    weft_queue_destroy(&q);
    return 0;
}

START_TEST(queue_matches_array_model) {
    static const size_t capacities[] = {1, 2, 5, 64, WEFT_UNBOUNDED};
    for (size_t i = 0; i < sizeof capacities / sizeof capacities[0]; i++) {
        size_t c = capacities[i];
        ck_assert_run(sim((uint64_t)_i, q_differential, &c), 0, _i);
    }
}
END_TEST

/* ==== close ==== */

struct waiter {
    struct anyq *a;
    int rc;
    weft_time at;
};

static int put_waiter(void *arg) {
    struct waiter *w = arg;
    w->rc = anyq_put(w->a, 9, 9);
    w->at = weft_now();
    return 0;
}

static int get_waiter(void *arg) {
    struct waiter *w = arg;
    struct item it;
    w->rc = anyq_get(w->a, &it);
    w->at = weft_now();
    return 0;
}

/* Closing a full queue: parked putters get -EPIPE; getters drain what
 * is left, then get -EPIPE. */
static int close_putters(void *arg) {
    struct anyq *a = arg;
    anyq_init(a, 1);
    ck_assert_int_eq(anyq_put(a, 1, 1), 0);
    struct waiter w[2] = {{a, 1, 0}, {a, 1, 0}};
    weft_group g;
    weft_group_init(&g);
    for (int i = 0; i < 2; i++)
        spawn(&g, "putter", put_waiter, &w[i]);
    weft_sleep(UNIT);
    ck_assert_uint_eq(anyq_putters(a), 2);
    anyq_close(a);
    anyq_close(a); /* idempotent */
    ck_assert_uint_eq(anyq_putters(a), 0);
    join(&g);
    for (int i = 0; i < 2; i++) {
        ck_assert_int_eq(w[i].rc, -EPIPE);
        if (under_sim) ck_assert_int_eq(w[i].at, WEFT_SEC);
    }
    ck_assert_int_eq(anyq_put(a, 2, 2), -EPIPE);
    ck_assert_int_eq(anyq_try_put(a, 2, 2), -EPIPE);
    struct item it;
    ck_assert_int_eq(anyq_get(a, &it), 0); /* what is left */
    ck_assert_int_eq(it.id, 1);
    ck_assert_int_eq(anyq_get(a, &it), -EPIPE);
    ck_assert_int_eq(anyq_try_get(a, &it), -EPIPE);
    anyq_destroy(a);
    return 0;
}

START_TEST(queue_close_wakes_putters_with_epipe) {
    for (int kind = 0; kind < 2; kind++) {
        struct anyq a = {.kind = kind};
        ck_assert_run(both(_i, close_putters, &a), 0, _i);
    }
}
END_TEST

static int close_getters(void *arg) {
    struct anyq *a = arg;
    anyq_init(a, a->kind ? 0 : 3);
    struct waiter w[3];
    weft_group g;
    weft_group_init(&g);
    for (int i = 0; i < 3; i++) {
        w[i] = (struct waiter){a, 1, 0};
        spawn(&g, "getter", get_waiter, &w[i]);
    }
    weft_sleep(UNIT);
    ck_assert_uint_eq(anyq_getters(a), 3);
    anyq_close(a);
    join(&g);
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(w[i].rc, -EPIPE);
        if (under_sim) ck_assert_int_eq(w[i].at, WEFT_SEC);
    }
    anyq_destroy(a);
    return 0;
}

START_TEST(queue_close_wakes_getters_with_epipe) {
    for (int kind = 0; kind < 2; kind++) {
        struct anyq a = {.kind = kind};
        ck_assert_run(both(_i, close_getters, &a), 0, _i);
    }
}
END_TEST

/* A rendezvous putter parked at close: -EPIPE, nothing delivered. */
static int close_rendezvous(void *arg) {
    struct anyq *a = arg;
    anyq_init(a, 0);
    struct waiter w = {a, 1, 0};
    weft_group g;
    weft_group_init(&g);
    spawn(&g, "putter", put_waiter, &w);
    weft_sleep(UNIT);
    anyq_close(a);
    join(&g);
    ck_assert_int_eq(w.rc, -EPIPE);
    struct item it;
    ck_assert_int_eq(anyq_try_get(a, &it), -EPIPE);
    anyq_destroy(a);
    return 0;
}

START_TEST(queue_close_rendezvous_putter_delivers_nothing) {
    struct anyq a = {.kind = 0};
    ck_assert_run(both(_i, close_rendezvous, &a), 0, _i);
}
END_TEST

/* ==== cancel ==== */

/* A getter cancelled by its deadline leaves the later item in the queue. */
static int cancelled_get(void *arg) {
    struct anyq *a = arg;
    anyq_init(a, 4);
    weft_scope s;
    weft_move_on_after(&s, UNIT);
    struct item it = {0, -1};
    int rc = anyq_get(a, &it);
    ck_assert_int_eq(weft_scope_exit(&s, rc), 0);
    ck_assert_int_eq(rc, -ECANCELED);
    ck_assert_int_eq(it.id, -1); /* the buffer was not touched */
    ck_assert_at(WEFT_SEC);
    ck_assert_uint_eq(anyq_getters(a), 0);
    ck_assert_int_eq(anyq_put(a, 0, 5), 0);
    ck_assert_uint_eq(anyq_len(a), 1); /* nobody took it */
    ck_assert_int_eq(anyq_get(a, &it), 0);
    ck_assert_int_eq(it.id, 5);
    anyq_destroy(a);
    return 0;
}

START_TEST(queue_cancelled_get_loses_no_item) {
    for (int kind = 0; kind < 2; kind++) {
        struct anyq a = {.kind = kind};
        ck_assert_run(both(_i, cancelled_get, &a), 0, _i);
    }
}
END_TEST

/* A putter cancelled while the queue is full delivers nothing: the room
 * a later get frees is not filled with its item. */
static int cancelled_put(void *arg) {
    struct anyq *a = arg;
    anyq_init(a, 1);
    anyq_put(a, 0, 1);
    weft_scope s;
    weft_fail_after(&s, UNIT);
    int rc = anyq_put(a, 0, 2);
    ck_assert_int_eq(weft_scope_exit(&s, rc), -ETIMEDOUT);
    ck_assert_int_eq(rc, -ECANCELED);
    ck_assert_uint_eq(anyq_putters(a), 0);
    struct item it;
    ck_assert_int_eq(anyq_get(a, &it), 0);
    ck_assert_int_eq(it.id, 1);
    ck_assert_int_eq(anyq_try_get(a, &it), -EWOULDBLOCK);
    anyq_destroy(a);
    return 0;
}

START_TEST(queue_cancelled_put_delivers_nothing) {
    for (int kind = 0; kind < 2; kind++) {
        struct anyq a = {.kind = kind};
        ck_assert_run(both(_i, cancelled_put, &a), 0, _i);
    }
}
END_TEST

/* A put and a cancel of the parked getter at the same instant, in every
 * order the seeds find: the item is got exactly once, or stays in the
 * queue. Then the same with a rendezvous putter cancelled while a getter
 * arrives: delivered exactly when the put says so. */
struct race {
    struct anyq a;
    weft_scope *scope; /* the racing waiter's, while it waits */
    int rc;
    struct item it;
};

static int race_get(void *arg) {
    struct race *r = arg;
    weft_scope s;
    weft_scope_enter(&s, WEFT_NEVER, 0);
    r->scope = &s;
    r->rc = anyq_get(&r->a, &r->it);
    r->scope = NULL;
    weft_scope_exit(&s, r->rc);
    return 0;
}

static int race_put(void *arg) {
    struct race *r = arg;
    weft_scope s;
    weft_scope_enter(&s, WEFT_NEVER, 0);
    r->scope = &s;
    r->rc = anyq_put(&r->a, 0, 8);
    r->scope = NULL;
    weft_scope_exit(&s, r->rc);
    return 0;
}

static int race_cancel(void *arg) {
    struct race *r = arg;
    weft_sleep_until(WEFT_SEC);
    if (r->scope) weft_scope_cancel(r->scope);
    return 0;
}

static int get_vs_cancel(void *arg) {
    struct race *r = arg;
    anyq_init(&r->a, 2);
    weft_group g;
    weft_group_init(&g);
    spawn(&g, "getter", race_get, r);
    spawn(&g, "canceller", race_cancel, r);
    weft_sleep_until(WEFT_SEC);
    ck_assert_int_eq(anyq_put(&r->a, 0, 8), 0);
    join(&g);
    if (r->rc == 0) {
        ck_assert_int_eq(r->it.id, 8);
        ck_assert_uint_eq(anyq_len(&r->a), 0);
    } else {
        ck_assert_int_eq(r->rc, -ECANCELED);
        ck_assert_uint_eq(anyq_len(&r->a), 1);
        struct item it;
        ck_assert_int_eq(anyq_try_get(&r->a, &it), 0);
    }
    anyq_destroy(&r->a);
    return 0;
}

static int put_vs_cancel(void *arg) {
    struct race *r = arg;
    anyq_init(&r->a, r->a.kind ? 1 : 0);
    if (r->a.kind) anyq_put(&r->a, 0, 1); /* full */
    weft_group g;
    weft_group_init(&g);
    spawn(&g, "putter", race_put, r);
    spawn(&g, "canceller", race_cancel, r);
    weft_sleep_until(WEFT_SEC);
    struct item it;
    weft_scope s;
    weft_move_on_after(&s, WEFT_SEC); /* nothing may come: do not hang */
    int got = 0;
    while (anyq_get(&r->a, &it) == 0)
        got += it.id == 8;
    weft_scope_exit(&s, 0);
    join(&g);
    ck_assert_int_eq(got, r->rc == 0 ? 1 : 0);
    ck_assert(r->rc == 0 || r->rc == -ECANCELED);
    anyq_destroy(&r->a);
    return 0;
}

START_TEST(queue_put_racing_cancel_delivers_exactly_once) {
    for (int kind = 0; kind < 2; kind++) {
        struct race r;
        memset(&r, 0, sizeof r);
        r.a.kind = kind;
        ck_assert_run(sim((uint64_t)_i, get_vs_cancel, &r), 0, _i);
        memset(&r, 0, sizeof r);
        r.a.kind = kind;
        ck_assert_run(sim((uint64_t)_i, put_vs_cancel, &r), 0, _i);
    }
}
END_TEST

/* ---- the property: 10,000 seeds per kind of queue ----
 * Producers put numbered items (random priorities), consumers get them,
 * each operation (blocking or try_) in a scope with a random deadline,
 * while a chaos task cancels operations at random; consumers may stop
 * early, and everything is cancelled at 40 ms of virtual time. The last
 * producer to finish closes the queue. Checked: every item whose put
 * returned 0 is got exactly once or is still in the queue at the end,
 * and no other item is ever got; FIFO order per producer (queue), or
 * priority order of what is left (pqueue). */

#define PROP_SEEDS 10000
#define NPROD 3
#define NCONS 3
#define PER_PROD 8
#define NITEMS (NPROD * PER_PROD)

struct qprop {
    struct anyq a;
    char fail[256];
    int put_ok[NITEMS];
    int got[NITEMS];
    int left[NITEMS];
    int last[NCONS][NPROD]; /* per consumer: highest k got from p */
    int max_got[NPROD];     /* highest k got from p by anyone */
    weft_scope *cur[NPROD + NCONS];
    int producers_done;
    int workers_done;
};

#define QCHECK(p, cond)                                                        \
    do {                                                                       \
        if (!(cond) && !(p)->fail[0]) {                                        \
            snprintf((p)->fail, sizeof(p)->fail, "line %d: %s (t=%lld)",       \
                     __LINE__, #cond, (long long)weft_now());                  \
        }                                                                      \
    } while (0)

struct qworker {
    struct qprop *p;
    int id; /* producers 0..NPROD-1, then consumers */
};

static weft_time random_deadline(void) {
    uint64_t r = weft_random() % 8;
    if (r < 3) return WEFT_NEVER;
    if (r == 3) return 0; /* already expired */
    return (weft_time)(weft_random() % 2000) * WEFT_USEC;
}

/* One operation in a scope the chaos task may cancel; returns its rc. */
static int q_op(struct qworker *w, bool put, struct item *it) {
    struct qprop *p = w->p;
    bool try = weft_random() % 5 == 0;
    weft_scope s;
    weft_move_on_after(&s, random_deadline());
    p->cur[w->id] = &s;
    int rc;
    if (put) {
        rc = try ? anyq_try_put(&p->a, it->prio, it->id)
                 : anyq_put(&p->a, it->prio, it->id);
    } else {
        rc = try ? anyq_try_get(&p->a, it) : anyq_get(&p->a, it);
    }
    p->cur[w->id] = NULL;
    weft_scope_exit(&s, rc);
    if (rc == -EWOULDBLOCK) { /* a try_ call: let time pass */
        weft_sleep((weft_time)(weft_random() % 300) * WEFT_USEC);
    }
    return rc;
}

static int q_producer(void *arg) {
    struct qworker *w = arg;
    struct qprop *p = w->p;
    for (int k = 0; k < PER_PROD; k++) {
        struct item it = {(int)(weft_random() % 4), w->id * PER_PROD + k};
        int rc = q_op(w, true, &it);
        QCHECK(p, rc == 0 || rc == -ECANCELED || rc == -EWOULDBLOCK);
        if (rc == 0) QCHECK(p, p->put_ok[it.id]++ == 0);
        if (weft_random() % 2) {
            weft_sleep((weft_time)(weft_random() % 500) * WEFT_USEC);
        }
    }
    if (++p->producers_done == NPROD) anyq_close(&p->a);
    p->workers_done++;
    return 0;
}

static void got_item(struct qprop *p, int c, const struct item *it) {
    QCHECK(p, it->id >= 0 && it->id < NITEMS);
    if (it->id < 0 || it->id >= NITEMS) return;
    QCHECK(p, p->got[it->id]++ == 0);
    int prod = it->id / PER_PROD, k = it->id % PER_PROD;
    if (p->a.kind == 0) QCHECK(p, k > p->last[c][prod]); /* FIFO */
    if (k > p->last[c][prod]) p->last[c][prod] = k;
    if (k > p->max_got[prod]) p->max_got[prod] = k;
}

static int q_consumer(void *arg) {
    struct qworker *w = arg;
    struct qprop *p = w->p;
    int c = w->id - NPROD;
    for (;;) {
        struct item it;
        int rc = q_op(w, false, &it);
        QCHECK(p, rc == 0 || rc == -ECANCELED || rc == -EWOULDBLOCK ||
                      rc == -EPIPE);
        if (rc == 0) got_item(p, c, &it);
        if (rc == -EPIPE) break;
        if (weft_random() % 16 == 0) break;    /* leaves items behind */
        if (weft_yield() == -ECANCELED) break; /* the end of everything */
    }
    p->workers_done++;
    return 0;
}

static int q_chaos(void *arg) {
    struct qprop *p = arg;
    while (p->workers_done < NPROD + NCONS) {
        weft_time pause = (weft_time)(weft_random() % 600) * WEFT_USEC;
        if (weft_sleep(pause) == -ECANCELED) break;
        weft_scope *s = p->cur[weft_random() % (NPROD + NCONS)];
        if (s && weft_random() % 2) weft_scope_cancel(s);
    }
    return 0;
}

/* After the run: what is left comes out in queue order. */
static void check_left(struct qprop *p) {
    struct item it, prev = {-1, -1};
    int rc;
    int left_min[NPROD];
    for (int i = 0; i < NPROD; i++)
        left_min[i] = PER_PROD;
    while ((rc = anyq_try_get(&p->a, &it)) == 0) {
        QCHECK(p, it.id >= 0 && it.id < NITEMS);
        if (it.id < 0 || it.id >= NITEMS) return;
        p->left[it.id]++;
        int prod = it.id / PER_PROD, k = it.id % PER_PROD;
        if (k < left_min[prod]) left_min[prod] = k;
        if (p->a.kind == 1 && prev.id >= 0) {
            QCHECK(p, it.prio >= prev.prio);
            if (it.prio == prev.prio && it.id / PER_PROD == prev.id / PER_PROD)
                QCHECK(p, it.id > prev.id); /* stable */
        }
        prev = it;
    }
    QCHECK(p, rc == -EPIPE); /* the last producer closed it */
    for (int i = 0; i < NPROD; i++) {
        if (p->a.kind == 0) QCHECK(p, p->max_got[i] < left_min[i]);
    }
}

static int q_prop_main(void *arg) {
    struct qprop *p = arg;
    static const size_t caps[] = {0, 1, 2, 5, WEFT_UNBOUNDED};
    size_t cap = caps[weft_random() % 5];
    if (p->a.kind == 1 && cap == 0) cap = 3;
    anyq_init(&p->a, cap);
    for (int c = 0; c < NCONS; c++) {
        for (int i = 0; i < NPROD; i++)
            p->last[c][i] = -1;
    }
    for (int i = 0; i < NPROD; i++)
        p->max_got[i] = -1;
    struct qworker w[NPROD + NCONS];
    weft_scope all;
    weft_move_on_after(&all, 40 * WEFT_MSEC);
    weft_group g;
    weft_group_init(&g);
    for (int i = 0; i < NPROD + NCONS; i++) {
        w[i] = (struct qworker){p, i};
        weft_spawn(&g, i < NPROD ? "producer" : "consumer",
                   i < NPROD ? q_producer : q_consumer, &w[i]);
    }
    weft_spawn(&g, "chaos", q_chaos, p);
    int jrc = join(&g);
    QCHECK(p, jrc == 0 || jrc == -ECANCELED);
    weft_scope_exit(&all, jrc);
    QCHECK(p, anyq_putters(&p->a) == 0 && anyq_getters(&p->a) == 0);
    check_left(p);
    for (int id = 0; id < NITEMS; id++) {
        QCHECK(p, p->got[id] + p->left[id] == p->put_ok[id]);
    }
    QCHECK(p, anyq_len(&p->a) == 0);
    anyq_destroy(&p->a);
    return 0;
}

static void q_property(int kind) {
    uint64_t first, n;
    prop_seeds(PROP_SEEDS, &first, &n);
    static struct qprop p;
    for (uint64_t seed = first; seed < first + n; seed++) {
        memset(&p, 0, sizeof p);
        p.a.kind = kind;
        int rc = sim(seed, q_prop_main, &p);
        ck_assert_msg(rc == 0 && !p.fail[0],
                      "seed=%llu rc=%d: %s (replay: PROP_SEED=%llu "
                      "CK_RUN_SUITE=queue CK_RUN_CASE=cancel "
                      "tests/check_queue)",
                      (unsigned long long)seed, rc, p.fail,
                      (unsigned long long)seed);
    }
}

START_TEST(queue_random_cancellation_loses_no_item) {
    q_property(0);
}
END_TEST

START_TEST(pqueue_random_cancellation_loses_no_item) {
    q_property(1);
}
END_TEST

/* ==== timeout ==== */

static int get_times_out(void *arg) {
    struct anyq *a = arg;
    anyq_init(a, 2);
    weft_scope s;
    weft_fail_after(&s, UNIT);
    struct item it;
    ck_assert_int_eq(weft_scope_exit(&s, anyq_get(a, &it)), -ETIMEDOUT);
    ck_assert_at(WEFT_SEC);
    anyq_put(a, 0, 1);
    anyq_put(a, 0, 2);
    weft_move_on_after(&s, UNIT);
    ck_assert_int_eq(weft_scope_exit(&s, anyq_put(a, 0, 3)), 0);
    ck_assert_at(2 * WEFT_SEC);
    ck_assert_uint_eq(anyq_len(a), 2);
    while (anyq_try_get(a, &it) == 0) {
    }
    anyq_destroy(a);
    return 0;
}

START_TEST(queue_waits_time_out_at_deadline) {
    for (int kind = 0; kind < 2; kind++) {
        struct anyq a = {.kind = kind};
        ck_assert_run(both(_i, get_times_out, &a), 0, _i);
    }
}
END_TEST

/* ==== fairness ==== */

struct fair_waiter {
    struct anyq *a;
    int id;  /* arrival order */
    int got; /* getter: the id of its item */
};

static int fair_getter(void *arg) {
    struct fair_waiter *w = arg;
    weft_sleep((weft_time)(w->id + 1) * WEFT_MSEC); /* arrive in id order */
    struct item it;
    ck_assert_int_eq(anyq_get(w->a, &it), 0);
    w->got = it.id;
    return 0;
}

/* Getters arrive in order on an empty queue; items put later go to
 * them in that order, and a task that comes late gets nothing. */
static int getters_fifo(void *arg) {
    struct anyq *a = arg;
    anyq_init(a, 8);
    struct fair_waiter w[5];
    weft_group g;
    weft_group_init(&g);
    for (int i = 0; i < 5; i++) {
        w[i] = (struct fair_waiter){a, i, -1};
        spawn(&g, "getter", fair_getter, &w[i]);
    }
    weft_sleep(UNIT);
    for (int i = 0; i < 5; i++) {
        ck_assert_int_eq(anyq_put(a, 4 - i, i), 0);
        struct item it;
        ck_assert_int_eq(anyq_try_get(a, &it), -EWOULDBLOCK); /* no barging */
    }
    join(&g);
    for (int i = 0; i < 5; i++)
        ck_assert_int_eq(w[i].got, i);
    anyq_destroy(a);
    return 0;
}

START_TEST(queue_getters_served_fifo) {
    for (int kind = 0; kind < 2; kind++) {
        struct anyq a = {.kind = kind};
        ck_assert_run(both(_i, getters_fifo, &a), 0, _i);
    }
}
END_TEST

static int fair_putter(void *arg) {
    struct fair_waiter *w = arg;
    weft_sleep((weft_time)(w->id + 1) * WEFT_MSEC);
    ck_assert_int_eq(anyq_put(w->a, 0, w->id + 1), 0); /* equal prios */
    return 0;
}

/* Putters arrive in order on a full queue; their items enter in that
 * order (for the pqueue, equal priorities keep it too). */
static int putters_fifo(void *arg) {
    struct anyq *a = arg;
    anyq_init(a, 1);
    anyq_put(a, 0, 0);
    struct fair_waiter w[5];
    weft_group g;
    weft_group_init(&g);
    for (int i = 0; i < 5; i++) {
        w[i] = (struct fair_waiter){a, i, -1};
        spawn(&g, "putter", fair_putter, &w[i]);
    }
    weft_sleep(UNIT);
    ck_assert_uint_eq(anyq_putters(a), 5);
    for (int i = 0; i <= 5; i++) {
        struct item it;
        ck_assert_int_eq(anyq_get(a, &it), 0);
        ck_assert_int_eq(it.id, i);
        /* the room went to the oldest putter, not to a newcomer */
        if (i < 5) ck_assert_int_eq(anyq_try_put(a, 0, 99), -EWOULDBLOCK);
    }
    join(&g);
    anyq_destroy(a);
    return 0;
}

START_TEST(queue_putters_served_fifo) {
    for (int kind = 0; kind < 2; kind++) {
        struct anyq a = {.kind = kind};
        ck_assert_run(both(_i, putters_fifo, &a), 0, _i);
    }
}
END_TEST

/* ==== misuse ==== */

static int destroy_with_items(void *arg) {
    struct anyq *a = arg;
    if (a->kind) {
        weft_pqueue_init_at(&a->pq, 4, sizeof(struct item), cmp_item, "site.c",
                            31);
    } else {
        weft_queue_init_at(&a->q, 4, sizeof(struct item), "site.c", 31);
    }
    anyq_put(a, 0, 1);
    anyq_put(a, 0, 2);
    anyq_close(a); /* closing does not drain */
    anyq_destroy(a);
    return 0;
}

START_TEST(queue_destroy_with_items_aborts_naming_site) {
    struct anyq a = {.kind = _i};
    expect_misuse(destroy_with_items, &a,
                  _i ? "weft_pqueue_destroy" : "weft_queue_destroy",
                  "2 item(s) left unread", "created at site.c:31", NULL);
}
END_TEST

static int waiting_get(void *arg) {
    struct item it;
    return anyq_get(arg, &it);
}

static int destroy_with_getter(void *arg) {
    struct anyq *a = arg;
    if (a->kind) {
        weft_pqueue_init_at(&a->pq, 4, sizeof(struct item), cmp_item, "site.c",
                            32);
    } else {
        weft_queue_init_at(&a->q, 4, sizeof(struct item), "site.c", 32);
    }
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "getter", waiting_get, a);
    weft_sleep(WEFT_MSEC);
    anyq_destroy(a);
    return 0;
}

START_TEST(queue_destroy_with_waiters_aborts_naming_site) {
    struct anyq a = {.kind = _i};
    expect_misuse(destroy_with_getter, &a,
                  _i ? "weft_pqueue_destroy" : "weft_queue_destroy",
                  _i ? "1 task(s) still wait in pqueue get"
                     : "1 task(s) still wait in queue get",
                  "oldest 'getter'", "created at site.c:32", NULL);
}
END_TEST

static int use_after_destroy(void *arg) {
    (void)arg;
    weft_queue q;
    weft_queue_init_at(&q, 1, 4, "site.c", 33);
    weft_queue_destroy(&q);
    int x = 0;
    weft_queue_put(&q, &x);
    return 0;
}

START_TEST(queue_use_after_destroy_aborts_naming_site) {
    expect_misuse(use_after_destroy, NULL,
                  "weft_queue_put: this weft_queue was destroyed",
                  "created at site.c:33", NULL);
}
END_TEST

static int queue_given_pqueue(void *arg) {
    (void)arg;
    weft_pqueue pq;
    weft_pqueue_init(&pq, 1, 4, cmp_item);
    weft_queue_len((weft_queue *)(void *)&pq);
    return 0;
}

START_TEST(queue_given_a_pqueue_aborts) {
    expect_misuse(queue_given_pqueue, NULL,
                  "weft_queue_len: object is a weft_pqueue, not a weft_queue",
                  NULL);
}
END_TEST

/* ==== oom ==== */

#if !WEFT_ASAN

/* Bounded init allocates its ring: failing, it returns -ENOMEM and the
 * object is not initialised (nothing to destroy, nothing tracked). */
static int init_oom(void *arg) {
    (void)arg;
    weft_queue q;
    weft_pqueue pq;
    oom_countdown = 1;
    int rc = weft_queue_init(&q, 16, 8);
    oom_countdown = 1;
    int prc = weft_pqueue_init(&pq, 16, 8, cmp_item);
    oom_countdown = 0;
    ck_assert_int_eq(rc, -ENOMEM);
    ck_assert_int_eq(prc, -ENOMEM);
    ck_assert_int_eq(weft_queue_init(&q, 16, 8), 0);
    weft_queue_destroy(&q);
    return 0;
}

START_TEST(queue_init_oom_fails_cleanly) {
    ck_assert_run(sim(1, init_oom, NULL), 0, 1);
}
END_TEST

/* An unbounded queue grows at put: the put whose growth fails returns
 * -ENOMEM and the queue is unchanged; the next one succeeds. */
static int grow_oom(void *arg) {
    struct anyq *a = arg;
    anyq_init(a, WEFT_UNBOUNDED);
    int n = 0;
    for (int round = 0; round < 4; round++) {
        while (anyq_len(a) < 8u << round) {
            ck_assert_int_eq(anyq_put(a, 0, n), 0);
            n++;
        }
        oom_countdown = 1; /* the ring is full: this put must grow it */
        int rc = anyq_put(a, 0, -1);
        oom_countdown = 0;
        ck_assert_int_eq(rc, -ENOMEM);
        ck_assert_uint_eq(anyq_len(a), (size_t)n);
    }
    for (int i = 0; i < n; i++) {
        struct item it;
        ck_assert_int_eq(anyq_try_get(a, &it), 0);
        ck_assert_int_eq(it.id, i);
    }
    anyq_destroy(a);
    return 0;
}

START_TEST(queue_unbounded_put_oom_changes_nothing) {
    for (int kind = 0; kind < 2; kind++) {
        struct anyq a = {.kind = kind};
        ck_assert_run(sim(1, grow_oom, &a), 0, 1);
    }
}
END_TEST

#endif

Suite *queue_suite(void);
Suite *queue_suite(void) {
    Suite *s = suite_create("queue");
    TCase *tc = tcase_create("basic");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, queue_put_get_in_fifo_order, 0, 3);
    tcase_add_test(tc, queue_init_bad_arguments_fail);
    tcase_add_test(tc, queue_items_are_copied);
    tcase_add_test(tc, queue_unbounded_grows_keeping_order);
    tcase_add_loop_test(tc, queue_rendezvous_put_waits_for_get, 0, 50);
    tcase_add_loop_test(tc, queue_put_hands_item_to_parked_getter, 0, 50);
    tcase_add_loop_test(tc, pqueue_lowest_first_ties_in_insertion_order, 0, 3);
    tcase_add_loop_test(tc, pqueue_bounded_full_then_putter_enters_by_priority,
                        0, 50);
    tcase_add_loop_test(tc, pqueue_matches_sorted_array_model, 1, 9);
    tcase_add_loop_test(tc, queue_matches_array_model, 1, 9);
    tcase_add_loop_test(tc, queue_close_wakes_putters_with_epipe, 0, 50);
    tcase_add_loop_test(tc, queue_close_wakes_getters_with_epipe, 0, 50);
    tcase_add_loop_test(tc, queue_close_rendezvous_putter_delivers_nothing, 0,
                        20);
    suite_add_tcase(s, tc);

    tc = tcase_create("cancel");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, queue_cancelled_get_loses_no_item, 0, 50);
    tcase_add_loop_test(tc, queue_cancelled_put_delivers_nothing, 0, 50);
    tcase_add_loop_test(tc, queue_put_racing_cancel_delivers_exactly_once, 1,
                        500);
    tcase_add_test(tc, queue_random_cancellation_loses_no_item);
    tcase_add_test(tc, pqueue_random_cancellation_loses_no_item);
    suite_add_tcase(s, tc);

    tc = tcase_create("timeout");
    tcase_add_loop_test(tc, queue_waits_time_out_at_deadline, 0, 20);
    suite_add_tcase(s, tc);

    tc = tcase_create("fairness");
    tcase_add_loop_test(tc, queue_getters_served_fifo, 0, 100);
    tcase_add_loop_test(tc, queue_putters_served_fifo, 0, 100);
    suite_add_tcase(s, tc);

    tc = tcase_create("misuse");
    tcase_add_loop_test(tc, queue_destroy_with_items_aborts_naming_site, 0, 2);
    tcase_add_loop_test(tc, queue_destroy_with_waiters_aborts_naming_site, 0,
                        2);
    tcase_add_test(tc, queue_use_after_destroy_aborts_naming_site);
    tcase_add_test(tc, queue_given_a_pqueue_aborts);
    suite_add_tcase(s, tc);

    tc = tcase_create("oom");
#if !WEFT_ASAN
    tcase_add_test(tc, queue_init_oom_fails_cleanly);
    tcase_add_test(tc, queue_unbounded_put_oom_changes_nothing);
#endif
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    return run_suite(queue_suite());
}
