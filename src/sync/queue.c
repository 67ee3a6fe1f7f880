/* src/sync/queue.c: weft_queue, a FIFO of fixed-size items in a ring
 * (API.md "Synchronisation"; DESIGN.md "Layers": sync).
 * Every item passes through the ring: put_commit is the one place an
 * item enters the queue, get_commit the one place it leaves. A put that
 * finds a getter parked commits the item and at once commits it out into
 * that getter's buffer, then wakes it; a get that frees room commits the
 * oldest parked putter's item in, then wakes it. The copy to or from a
 * parked task's buffer and its dequeue happen together, in the task that
 * wakes it, so a waiter cancelled first was never touched: no item is
 * lost or duplicated (cancel-safety). Invariants in weft/queue.h. */
#include "config.h"

#include "sync/sync.h"

#include <stdlib.h>
#include <string.h>

static unsigned char *slot(const weft_queue *q, size_t i) {
    return q->buf + i * q->item_size;
}

/* The one place an item enters q (trace point: queue put, item of
 * putter). There is room in the ring. */
static void put_commit(weft_queue *q, const void *src,
                       const struct weft__task *putter) {
    (void)putter; /* the trace's putter */
    size_t tail = q->head + q->len;
    if (tail >= q->nslots) tail -= q->nslots;
    memcpy(slot(q, tail), src, q->item_size);
    q->len++;
}

/* The one place an item leaves q (trace point: queue get, by getter). */
static void get_commit(weft_queue *q, void *dst,
                       const struct weft__task *getter) {
    (void)getter; /* the trace's getter */
    memcpy(dst, slot(q, q->head), q->item_size);
    if (++q->head == q->nslots) q->head = 0;
    q->len--;
}

/* Moves the oldest parked putter's item into the ring, and wakes it. */
static bool take_from_putter(weft_queue *q) {
    struct weft__wait *w = weft__waitq_first(&q->putters);
    if (!w) return false;
    put_commit(q, w->data, w->task);
    weft__wake(w, 0);
    return true;
}

/* Doubles an unbounded ring (unwrapping it): 0 or -ENOMEM, unchanged. */
static int grow(weft_queue *q) {
    if (q->nslots > SIZE_MAX / 2 / q->item_size) return -ENOMEM;
    size_t n = q->nslots ? 2 * q->nslots : 8;
    if (n > SIZE_MAX / q->item_size) return -ENOMEM;
    unsigned char *buf = malloc(n * q->item_size);
    if (!buf) return -ENOMEM;
    size_t first = q->nslots - q->head < q->len ? q->nslots - q->head : q->len;
    if (q->len) {
        memcpy(buf, slot(q, q->head), first * q->item_size);
        memcpy(buf + first * q->item_size, q->buf,
               (q->len - first) * q->item_size);
    }
    free(q->buf);
    q->buf = buf;
    q->nslots = n;
    q->head = 0;
    return 0;
}

/* The non-blocking part of a put. */
static int put_now(weft_queue *q, const void *item,
                   const struct weft__task *t) {
    if (q->closed) return -EPIPE;
    struct weft__wait *w = weft__waitq_first(&q->getters);
    if (!w && q->len >= q->capacity) return -EWOULDBLOCK;
    if (q->len == q->nslots) { /* unbounded only */
        int rc = grow(q);
        if (rc) return rc;
    }
    put_commit(q, item, t);
    if (w) { /* q was empty: the item is the getter's */
        get_commit(q, w->data, w->task);
        weft__wake(w, 0);
    }
    return 0;
}

/* The non-blocking part of a get. */
static int get_now(weft_queue *q, void *item, const struct weft__task *t) {
    if (!q->len && !take_from_putter(q)) { /* a rendezvous takes here */
        return q->closed ? -EPIPE : -EWOULDBLOCK;
    }
    get_commit(q, item, t);
    if (q->len < q->capacity) take_from_putter(q);
    return 0;
}

/* ---- public API ---- */

int weft_queue_init_at(weft_queue *q, size_t capacity, size_t item_size,
                       const char *file, int line) {
    weft__task_current("weft_queue_init");
    if (!item_size) return -EINVAL;
    size_t nslots = 0;
    if (capacity != WEFT_UNBOUNDED) {
        nslots = capacity ? capacity : 1;
        if (nslots > SIZE_MAX / item_size) return -ENOMEM;
    }
    unsigned char *buf = NULL;
    if (nslots && !(buf = malloc(nslots * item_size))) return -ENOMEM;
    WEFT__SYNC_INIT(q, "queue", file, line, "weft_queue_init");
    q->capacity = capacity;
    q->item_size = item_size;
    q->buf = buf;
    q->nslots = nslots;
    weft__waitq_init(&q->getters, "queue get", q, &q->track.site);
    weft__waitq_init(&q->putters, "queue put", q, &q->track.site);
    q->magic = WEFT__MAGIC_QUEUE;
    return 0;
}

int weft_queue_put(weft_queue *q, const void *item) {
    struct weft__task *t =
        WEFT__SYNC_ENTER(q, WEFT__MAGIC_QUEUE, "weft_queue_put");
    if (weft__task_cancelled(t)) return -ECANCELED;
    int rc = put_now(q, item, t);
    if (rc != -EWOULDBLOCK) return weft__sync_done(rc);
    struct weft__wait w;
    w.data = (void *)item; /* only read, by take_from_putter */
    return weft__park(&q->putters, &w, WEFT_NEVER, 0);
}

int weft_queue_get(weft_queue *q, void *item) {
    struct weft__task *t =
        WEFT__SYNC_ENTER(q, WEFT__MAGIC_QUEUE, "weft_queue_get");
    if (weft__task_cancelled(t)) return -ECANCELED;
    int rc = get_now(q, item, t);
    if (rc != -EWOULDBLOCK) return weft__sync_done(rc);
    struct weft__wait w;
    w.data = item;
    return weft__park(&q->getters, &w, WEFT_NEVER, 0);
}

int weft_queue_try_put(weft_queue *q, const void *item) {
    struct weft__task *t =
        WEFT__SYNC_ENTER(q, WEFT__MAGIC_QUEUE, "weft_queue_try_put");
    return put_now(q, item, t);
}

int weft_queue_try_get(weft_queue *q, void *item) {
    struct weft__task *t =
        WEFT__SYNC_ENTER(q, WEFT__MAGIC_QUEUE, "weft_queue_try_get");
    return get_now(q, item, t);
}

void weft_queue_close(weft_queue *q) {
    WEFT__SYNC_ENTER(q, WEFT__MAGIC_QUEUE, "weft_queue_close");
    if (q->closed) return;
    q->closed = true; /* trace point: queue close */
    weft__wake_all(&q->putters, -EPIPE);
    weft__wake_all(&q->getters, -EPIPE); /* parked only while empty */
}

bool weft_queue_closed(const weft_queue *q) {
    WEFT__SYNC_ENTER(q, WEFT__MAGIC_QUEUE, "weft_queue_closed");
    return q->closed;
}

size_t weft_queue_len(const weft_queue *q) {
    WEFT__SYNC_ENTER(q, WEFT__MAGIC_QUEUE, "weft_queue_len");
    return q->len;
}

size_t weft_queue_waiters(const weft_queue *q) {
    WEFT__SYNC_ENTER(q, WEFT__MAGIC_QUEUE, "weft_queue_waiters");
    return q->getters.nwaiters + q->putters.nwaiters;
}

size_t weft_queue_putters(const weft_queue *q) {
    WEFT__SYNC_ENTER(q, WEFT__MAGIC_QUEUE, "weft_queue_putters");
    return q->putters.nwaiters;
}

size_t weft_queue_getters(const weft_queue *q) {
    WEFT__SYNC_ENTER(q, WEFT__MAGIC_QUEUE, "weft_queue_getters");
    return q->getters.nwaiters;
}

void weft_queue_destroy(weft_queue *q) {
    const char *what = "weft_queue_destroy";
    WEFT__SYNC_ENTER(q, WEFT__MAGIC_QUEUE, what);
    if (unlikely(q->getters.nwaiters)) {
        weft__sync_waited(q, &q->track, what, &q->getters);
    }
    if (unlikely(q->putters.nwaiters)) {
        weft__sync_waited(q, &q->track, what, &q->putters);
    }
    if (unlikely(q->len)) {
        WEFT__SYNC_MISUSE(q,
                          "%s: %zu item(s) left unread (drain the queue "
                          "with weft_queue_try_get first)",
                          what, q->len);
    }
    free(q->buf);
    WEFT__SYNC_KILL(q);
}
