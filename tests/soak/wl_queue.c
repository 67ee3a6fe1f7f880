/* tests/soak/wl_queue.c: conservation of items through a FIFO queue and a
 * priority queue. Producers put numbered items (put or try_put, each
 * maybe in a cancellable scope); consumers get until the queue is closed
 * (the last producer closes it) or their workload is cancelled; the
 * runner drains what is left. Checked at the end: every item whose put
 * returned 0 was got exactly once (by a get, a try_get or the drain),
 * and no item whose put failed, nor any unknown item, was got at all; a
 * FIFO consumer sees each producer's items in order, and the drain of a
 * priority queue comes out lowest first. */
#include <string.h>

#include "soak.h"

#define MAXITEMS (8 * 16)

/* The two queues behind one interface. */
struct q_ops {
    int (*put)(void *q, const void *item);
    int (*try_put)(void *q, const void *item);
    int (*get)(void *q, void *item);
    int (*try_get)(void *q, void *item);
    void (*close)(void *q);
};

#define WRAP(kind)                                                             \
    static int kind##_put(void *q, const void *i) {                            \
        return weft_##kind##_put(q, i);                                        \
    }                                                                          \
    static int kind##_try_put(void *q, const void *i) {                        \
        return weft_##kind##_try_put(q, i);                                    \
    }                                                                          \
    static int kind##_get(void *q, void *i) {                                  \
        return weft_##kind##_get(q, i);                                        \
    }                                                                          \
    static int kind##_try_get(void *q, void *i) {                              \
        return weft_##kind##_try_get(q, i);                                    \
    }                                                                          \
    static void kind##_close(void *q) { weft_##kind##_close(q); }              \
    static const struct q_ops kind##_ops = {kind##_put, kind##_try_put,        \
                                            kind##_get, kind##_try_get,        \
                                            kind##_close};
WRAP(queue)
WRAP(pqueue)

struct q_state {
    const struct q_ops *ops;
    void *q;
    bool fifo;
    int nitems;           /* items per producer */
    int producers;        /* producers not yet ended */
    bool put_ok[MAXITEMS];
    int got[MAXITEMS];
    int last_seen[8][8];  /* FIFO: consumer x producer: last item index */
};

struct q_task {
    struct sk_ctx c;
    struct q_state *s;
    int id;
    bool producer;
};

static void put_one(struct q_task *t, int item) {
    struct q_state *s = t->s;
    struct sk_scope *op = sk_op_begin(&t->c);
    int rc = sk_rand(4) ? s->ops->put(s->q, &item)
                        : s->ops->try_put(s->q, &item);
    if (rc == 0) {
        s->put_ok[item] = true;
    } else {
        SK_CHECK(&t->c, rc == -EWOULDBLOCK || rc == -ECANCELED);
        if (rc == -ECANCELED) SK_CHECK_RC(&t->c, rc);
        rc = 0;
    }
    sk_op_end(&t->c, op, rc);
}

static void got_one(struct sk_ctx *c, struct q_state *s, int item, int who) {
    if (item < 0 || item >= MAXITEMS) {
        sk_fail(c->sk, __FILE__, __LINE__, "unknown item %d", item);
        return;
    }
    if (s->got[item]++ != 0) {
        sk_fail(c->sk, __FILE__, __LINE__, "item %d got twice", item);
    }
    if (!s->fifo || who < 0) return;
    int p = item / s->nitems, k = item % s->nitems;
    SK_CHECK(c, k > s->last_seen[who][p]);
    s->last_seen[who][p] = k;
}

/* Gets until -EPIPE, or until the cancellation is not the operation's
 * own (then every later get would fail too). */
static void consume(struct q_task *t) {
    struct q_state *s = t->s;
    for (;;) {
        int item = -1;
        struct sk_scope *op = sk_op_begin(&t->c);
        int rc = sk_rand(4) ? s->ops->get(s->q, &item)
                            : s->ops->try_get(s->q, &item);
        if (rc == 0) got_one(&t->c, s, item, t->id);
        if (rc == -ECANCELED) SK_CHECK_RC(&t->c, rc);
        sk_op_end(&t->c, op, rc == -EPIPE || rc == -EWOULDBLOCK ? 0 : rc);
        if (rc == -EPIPE) return;
        if (rc == -ECANCELED && sk_explained(t->c.top)) return;
        if (rc == -EWOULDBLOCK && weft_yield() != 0) return;
    }
}

static int q_task(void *arg) {
    struct q_task *t = arg;
    struct q_state *s = t->s;
    if (!t->producer) {
        consume(t);
        return 0;
    }
    for (int k = 0; k < s->nitems; k++) put_one(t, t->id * s->nitems + k);
    if (--s->producers == 0) s->ops->close(s->q);
    return 0;
}

static int by_value(const void *a, const void *b) {
    int x = *(const int *)a % 5, y = *(const int *)b % 5;
    return (x > y) - (x < y);
}

/* Drains q, then checks every item's fate. */
static void q_check(struct sk_ctx *c, struct q_state *s, int total) {
    int item, prev = -1;
    while (s->ops->try_get(s->q, &item) == 0) {
        if (!s->fifo && prev >= 0) SK_CHECK(c, by_value(&prev, &item) <= 0);
        prev = item;
        got_one(c, s, item, -1);
    }
    for (int i = 0; i < total; i++) {
        if (s->got[i] != (s->put_ok[i] ? 1 : 0)) {
            sk_fail(c->sk, __FILE__, __LINE__,
                    "item %d: put %s, got %d time(s)", i,
                    s->put_ok[i] ? "ok" : "failed", s->got[i]);
        }
    }
}

static void run_queue(struct sk_ctx *c, struct q_state *s) {
    struct sk_group g;
    struct q_task ts[8];
    int n = c->wl->ntasks + 1, np = 1 + (int)sk_rand((uint64_t)n - 1);
    s->nitems = c->wl->nops;
    s->producers = np;
    memset(s->last_seen, -1, sizeof s->last_seen);
    sk_group_init(c, &g);
    for (int i = 0; i < n; i++) {
        bool producer = i < np;
        ts[i] = (struct q_task){sk_child(c, &g), s, producer ? i : i - np,
                                producer};
        SK_CHECK(c, weft_spawn(&g.g, producer ? "put" : "get", q_task,
                               &ts[i]) == 0);
    }
    SK_CHECK_RC(c, sk_group_join(c, &g));
    weft_group_destroy(&g.g);
    q_check(c, s, np * s->nitems);
}

void wl_queue(struct sk_ctx *c) {
    static const size_t caps[] = {0, 1, 2, 4, WEFT_UNBOUNDED};
    struct q_state s = {.ops = &queue_ops, .fifo = true};
    weft_queue q;
    SK_CHECK(c, weft_queue_init(&q, caps[sk_rand(5)], sizeof(int)) == 0);
    s.q = &q;
    run_queue(c, &s);
    SK_CHECK(c, weft_queue_len(&q) == 0 && weft_queue_waiters(&q) == 0);
    weft_queue_destroy(&q);
}

void wl_pqueue(struct sk_ctx *c) {
    static const size_t caps[] = {0, 1, 2, 4, WEFT_UNBOUNDED};
    struct q_state s = {.ops = &pqueue_ops, .fifo = false};
    weft_pqueue q;
    SK_CHECK(c, weft_pqueue_init(&q, caps[sk_rand(5)], sizeof(int),
                                 by_value) == 0);
    s.q = &q;
    run_queue(c, &s);
    SK_CHECK(c, weft_pqueue_len(&q) == 0 && weft_pqueue_waiters(&q) == 0);
    weft_pqueue_destroy(&q);
}
