/* src/sync/pqueue.c: weft_pqueue, the seed's PriorityQueue (API.md
 * "Synchronisation"; DESIGN.md "Layers": sync): a binary min-heap of
 * (item, seq) entries, lowest item first and, among equal items, the
 * lowest insertion number seq, so the order is stable. Sifting moves a
 * hole instead of swapping: the entry being placed waits in the scratch
 * entry past the end. The waiting discipline is weft_queue's (see
 * queue.c): put_commit and get_commit are the only places an item enters
 * or leaves, and a parked task's buffer is copied only by whoever
 * dequeues and wakes it. Heap order: weft__pqueue_validate. */
#include "config.h"

#include "sync/sync.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

static unsigned char *entry(const weft_pqueue *q, size_t i) {
    return q->heap + i * q->stride;
}

static uint64_t seq_of(const weft_pqueue *q, const unsigned char *e) {
    uint64_t seq;
    memcpy(&seq, e + q->stride - sizeof seq, sizeof seq);
    return seq;
}

/* Whether entry a comes out before entry b. */
static bool before(const weft_pqueue *q, const unsigned char *a,
                   const unsigned char *b) {
    int c = q->cmp(a, b);
    if (c) return c < 0;
    return seq_of(q, a) < seq_of(q, b);
}

/* The one place an item enters q (trace point: pqueue put, item of
 * putter): a new entry sifted up from the end. There is room. */
static void put_commit(weft_pqueue *q, const void *src,
                       const struct weft__task *putter) {
    (void)putter;                           /* the trace's putter */
    unsigned char *x = entry(q, q->nslots); /* scratch */
    uint64_t seq = q->next_seq++;
    memcpy(x, src, q->item_size);
    memcpy(x + q->stride - sizeof seq, &seq, sizeof seq);
    size_t i = q->len++;
    while (i > 0 && before(q, x, entry(q, (i - 1) / 2))) {
        memcpy(entry(q, i), entry(q, (i - 1) / 2), q->stride);
        i = (i - 1) / 2;
    }
    memcpy(entry(q, i), x, q->stride);
}

/* The one place an item leaves q (trace point: pqueue get, by getter):
 * the root goes out, the last entry sifts down from the root's place. */
static void get_commit(weft_pqueue *q, void *dst,
                       const struct weft__task *getter) {
    (void)getter; /* the trace's getter */
    memcpy(dst, entry(q, 0), q->item_size);
    size_t n = --q->len;
    const unsigned char *x = entry(q, n); /* now outside the heap */
    size_t i = 0;
    for (size_t c = 1; c < n; c = 2 * i + 1) {
        if (c + 1 < n && before(q, entry(q, c + 1), entry(q, c))) c++;
        if (!before(q, entry(q, c), x)) break;
        memcpy(entry(q, i), entry(q, c), q->stride);
        i = c;
    }
    if (i != n) memcpy(entry(q, i), x, q->stride);
}

bool weft__pqueue_validate(const weft_pqueue *q) {
    for (size_t i = 1; i < q->len; i++) {
        if (before(q, entry(q, i), entry(q, (i - 1) / 2))) return false;
    }
    return true;
}

static bool take_from_putter(weft_pqueue *q) {
    struct weft__wait *w = weft__waitq_first(&q->putters);
    if (!w) return false;
    put_commit(q, w->data, w->task);
    weft__wake(w, 0);
    return true;
}

/* Grows an unbounded heap to twice its entries: 0 or -ENOMEM. */
static int grow(weft_pqueue *q) {
    if (q->nslots > SIZE_MAX / 4 / q->stride) return -ENOMEM;
    size_t n = q->nslots ? 2 * q->nslots : 8;
    unsigned char *heap = realloc(q->heap, (n + 1) * q->stride);
    if (!heap) return -ENOMEM;
    q->heap = heap;
    q->nslots = n;
    return 0;
}

static int put_now(weft_pqueue *q, const void *item,
                   const struct weft__task *t) {
    if (q->closed) return -EPIPE;
    if (q->len >= q->capacity) return -EWOULDBLOCK; /* then no getter */
    if (q->len == q->nslots) {                      /* unbounded only */
        int rc = grow(q);
        if (rc) return rc;
    }
    put_commit(q, item, t);
    struct weft__wait *w = weft__waitq_first(&q->getters);
    if (w) { /* q was empty: the item is the getter's */
        get_commit(q, w->data, w->task);
        weft__wake(w, 0);
    }
    return 0;
}

static int get_now(weft_pqueue *q, void *item, const struct weft__task *t) {
    if (!q->len) return q->closed ? -EPIPE : -EWOULDBLOCK;
    get_commit(q, item, t);
    take_from_putter(q); /* a putter waits only while q is full */
    return 0;
}

/* ---- public API ---- */

/* Bytes per entry: the item, padded, then its seq; a multiple of the
 * strictest alignment so every item is aligned as malloc's memory. */
static size_t entry_stride(size_t item_size) {
    size_t align = alignof(max_align_t);
    size_t need = (item_size + 7) / 8 * 8 + sizeof(uint64_t);
    return (need + align - 1) / align * align;
}

int weft_pqueue_init_at(weft_pqueue *q, size_t capacity, size_t item_size,
                        int (*cmp)(const void *, const void *),
                        const char *file, int line) {
    weft__task_current("weft_pqueue_init");
    if (!item_size || !cmp) return -EINVAL;
    if (item_size > SIZE_MAX / 4) return -ENOMEM;
    if (!capacity) capacity = WEFT_UNBOUNDED;
    size_t stride = entry_stride(item_size);
    size_t nslots = capacity == WEFT_UNBOUNDED ? 0 : capacity;
    if (nslots > SIZE_MAX / stride - 1) return -ENOMEM;
    unsigned char *heap = NULL;
    if (nslots && !(heap = malloc((nslots + 1) * stride))) return -ENOMEM;
    WEFT__SYNC_INIT(q, "pqueue", file, line, "weft_pqueue_init");
    q->capacity = capacity;
    q->item_size = item_size;
    q->stride = stride;
    q->cmp = cmp;
    q->heap = heap;
    q->nslots = nslots;
    weft__waitq_init(&q->getters, "pqueue get", q, &q->track.site);
    weft__waitq_init(&q->putters, "pqueue put", q, &q->track.site);
    q->magic = WEFT__MAGIC_PQUEUE;
    return 0;
}

int weft_pqueue_put(weft_pqueue *q, const void *item) {
    struct weft__task *t =
        WEFT__SYNC_ENTER(q, WEFT__MAGIC_PQUEUE, "weft_pqueue_put");
    if (weft__task_cancelled(t)) return -ECANCELED;
    int rc = put_now(q, item, t);
    if (rc != -EWOULDBLOCK) return weft__sync_done(rc);
    struct weft__wait w;
    w.data = (void *)item; /* only read, by take_from_putter */
    return weft__park(&q->putters, &w, WEFT_NEVER, 0);
}

int weft_pqueue_get(weft_pqueue *q, void *item) {
    struct weft__task *t =
        WEFT__SYNC_ENTER(q, WEFT__MAGIC_PQUEUE, "weft_pqueue_get");
    if (weft__task_cancelled(t)) return -ECANCELED;
    int rc = get_now(q, item, t);
    if (rc != -EWOULDBLOCK) return weft__sync_done(rc);
    struct weft__wait w;
    w.data = item;
    return weft__park(&q->getters, &w, WEFT_NEVER, 0);
}

int weft_pqueue_try_put(weft_pqueue *q, const void *item) {
    struct weft__task *t =
        WEFT__SYNC_ENTER(q, WEFT__MAGIC_PQUEUE, "weft_pqueue_try_put");
    return put_now(q, item, t);
}

int weft_pqueue_try_get(weft_pqueue *q, void *item) {
    struct weft__task *t =
        WEFT__SYNC_ENTER(q, WEFT__MAGIC_PQUEUE, "weft_pqueue_try_get");
    return get_now(q, item, t);
}

void weft_pqueue_close(weft_pqueue *q) {
    WEFT__SYNC_ENTER(q, WEFT__MAGIC_PQUEUE, "weft_pqueue_close");
    if (q->closed) return;
    q->closed = true; /* trace point: pqueue close */
    weft__wake_all(&q->putters, -EPIPE);
    weft__wake_all(&q->getters, -EPIPE); /* parked only while empty */
}

bool weft_pqueue_closed(const weft_pqueue *q) {
    WEFT__SYNC_ENTER(q, WEFT__MAGIC_PQUEUE, "weft_pqueue_closed");
    return q->closed;
}

size_t weft_pqueue_len(const weft_pqueue *q) {
    WEFT__SYNC_ENTER(q, WEFT__MAGIC_PQUEUE, "weft_pqueue_len");
    return q->len;
}

size_t weft_pqueue_waiters(const weft_pqueue *q) {
    WEFT__SYNC_ENTER(q, WEFT__MAGIC_PQUEUE, "weft_pqueue_waiters");
    return q->getters.nwaiters + q->putters.nwaiters;
}

size_t weft_pqueue_putters(const weft_pqueue *q) {
    WEFT__SYNC_ENTER(q, WEFT__MAGIC_PQUEUE, "weft_pqueue_putters");
    return q->putters.nwaiters;
}

size_t weft_pqueue_getters(const weft_pqueue *q) {
    WEFT__SYNC_ENTER(q, WEFT__MAGIC_PQUEUE, "weft_pqueue_getters");
    return q->getters.nwaiters;
}

void weft_pqueue_destroy(weft_pqueue *q) {
    const char *what = "weft_pqueue_destroy";
    WEFT__SYNC_ENTER(q, WEFT__MAGIC_PQUEUE, what);
    if (unlikely(q->getters.nwaiters)) {
        weft__sync_waited(q, &q->track, what, &q->getters);
    }
    if (unlikely(q->putters.nwaiters)) {
        weft__sync_waited(q, &q->track, what, &q->putters);
    }
    if (unlikely(q->len)) {
        WEFT__SYNC_MISUSE(q,
                          "%s: %zu item(s) left unread (drain the queue "
                          "with weft_pqueue_try_get first)",
                          what, q->len);
    }
    free(q->heap);
    WEFT__SYNC_KILL(q);
}
