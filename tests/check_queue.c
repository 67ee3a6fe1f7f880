/* tests/check_queue.c: what FIFO and priority queues do when nothing goes
 * wrong (docs/SYNC.md): TCase basic of suite
 * queue. Semantics under sim over many seeds with exact virtual times,
 * some under the real backend too (loop index 0); the heap and the ring
 * against trivial models with fixed seeds (rax style); close. The rest
 * of the suite: cancel, timeout and fairness in check_queue_waits.c, the
 * 10,000-seed property in check_queue_property.c, misuse and oom in
 * check_queue_misuse.c. */
#include <stdalign.h>
#include <string.h>

#include "queue_test.h"
#include "sync/sync.h"

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

/* Items of every size up to 24 bytes come out as they went in, and no
 * byte past the item is written: the ring copies the small sizes (4, 8,
 * 16) with its own moves and the others with memcpy. */
static int small_sizes(void *arg) {
    (void)arg;
    for (size_t n = 1; n <= 24; n++) {
        weft_queue q;
        ck_assert_int_eq(weft_queue_init(&q, 2, n), 0);
        for (unsigned char round = 0; round < 3; round++) { /* wraps */
            unsigned char in[24], out[32];
            for (size_t i = 0; i < n; i++) {
                in[i] = (unsigned char)(round * 31 + i + 1);
            }
            memset(out, 0xee, sizeof out);
            ck_assert_int_eq(weft_queue_put(&q, in), 0);
            ck_assert_int_eq(weft_queue_get(&q, out), 0);
            ck_assert_mem_eq(out, in, n);
            for (size_t i = n; i < sizeof out; i++) {
                ck_assert_uint_eq(out[i], 0xee);
            }
        }
        weft_queue_destroy(&q);
    }
    return 0;
}

START_TEST(queue_small_items_copied_exactly) {
    ck_assert_run(both(_i, small_sizes, NULL), 0, _i);
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
            fast_check(weft_queue_try_put(&q, &next_in) == 0);
            next_in++;
        }
        for (int i = 0; i < 5; i++) {
            fast_check(weft_queue_try_get(&q, &x) == 0);
            fast_check(x == next_out++);
        }
    }
    ck_assert_uint_eq(weft_queue_len(&q), 100);
    while (weft_queue_try_get(&q, &x) == 0)
        fast_check(x == next_out++);
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
    if (harness_is_sim()) ck_assert_int_eq(c->at, WEFT_SEC);
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
        if (harness_is_sim()) ck_assert_int_eq(w[i].at, WEFT_SEC);
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
        if (harness_is_sim()) ck_assert_int_eq(w[i].at, WEFT_SEC);
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

Suite *queue_suite(void);
Suite *queue_suite(void) {
    Suite *s = suite_create("queue");
    TCase *tc = tcase_create("basic");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, queue_put_get_in_fifo_order, 0, 3);
    tcase_add_test(tc, queue_init_bad_arguments_fail);
    tcase_add_test(tc, queue_items_are_copied);
    tcase_add_loop_test(tc, queue_small_items_copied_exactly, 0, 2);
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
    return s;
}

int main(void) {
    return run_suite(queue_suite());
}
