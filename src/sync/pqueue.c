/* src/sync/pqueue.c: weft_pqueue, lionpride's PriorityQueue (docs/SYNC.md;
 * docs/ARCHITECTURE.md "Layers": sync): a binary min-heap of (item, seq)
 * entries, lowest item first and, among equal items, the lowest insertion
 * number seq, so the order is stable. Sifting moves a hole instead of swapping:
 * the entry being placed waits in the scratch entry past the end. Only the heap
 * is here: the waiting, hand-over, close and cancel-safety are the channel's
 * (channel.c), which calls heap_push and heap_pop as the only places an item
 * enters or leaves. Heap order: weft__pqueue_validate. */
#include "config.h"

#include "sync/channel.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

static weft_pqueue *pqueue_of(struct weft__chan *ch) {
    return container_of(ch, weft_pqueue, ch);
}

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

/* A new entry, sifted up from the end. */
static void heap_push(struct weft__chan *ch, const void *item) {
    weft_pqueue *q = pqueue_of(ch);
    unsigned char *x = entry(q, ch->nslots); /* scratch */
    uint64_t seq = q->next_seq++;
    memcpy(x, item, q->item_size);
    memcpy(x + q->stride - sizeof seq, &seq, sizeof seq);
    size_t i = ch->len;
    while (i > 0 && before(q, x, entry(q, (i - 1) / 2))) {
        memcpy(entry(q, i), entry(q, (i - 1) / 2), q->stride);
        i = (i - 1) / 2;
    }
    memcpy(entry(q, i), x, q->stride);
}

/* The root goes out; the last entry sifts down from the root's place. */
static void heap_pop(struct weft__chan *ch, void *item) {
    weft_pqueue *q = pqueue_of(ch);
    memcpy(item, entry(q, 0), q->item_size);
    size_t n = ch->len - 1;
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

/* Grows the heap to twice its entries: 0 or -ENOMEM, unchanged. */
static int heap_grow(struct weft__chan *ch) {
    weft_pqueue *q = pqueue_of(ch);
    if (ch->nslots > SIZE_MAX / 4 / q->stride) return -ENOMEM;
    size_t n = ch->nslots ? 2 * ch->nslots : 8;
    unsigned char *heap = realloc(q->heap, (n + 1) * q->stride);
    if (!heap) return -ENOMEM;
    q->heap = heap;
    ch->nslots = n;
    return 0;
}

static void heap_hand(struct weft__chan *ch, void *dst, const void *src) {
    memcpy(dst, src, pqueue_of(ch)->item_size);
}

static const struct weft__chan_ops heap_ops = {heap_push, heap_pop, heap_grow,
                                               heap_hand};

bool weft__pqueue_validate(const weft_pqueue *q) {
    for (size_t i = 1; i < q->ch.len; i++) {
        if (before(q, entry(q, i), entry(q, (i - 1) / 2))) return false;
    }
    return true;
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
    if (!capacity) capacity = WEFT_UNBOUNDED; /* no rendezvous */
    size_t stride = entry_stride(item_size);
    size_t nslots = capacity == WEFT_UNBOUNDED ? 0 : capacity;
    if (nslots > SIZE_MAX / stride - 1) return -ENOMEM;
    unsigned char *heap = NULL;
    if (nslots && !(heap = malloc((nslots + 1) * stride))) return -ENOMEM;
    WEFT__SYNC_INIT(q, "pqueue", file, line, "weft_pqueue_init");
    q->item_size = item_size;
    q->stride = stride;
    q->cmp = cmp;
    q->heap = heap;
    weft__chan_init(&q->ch, &heap_ops, capacity, nslots, "pqueue get",
                    "pqueue put", q, &q->track.site);
    q->magic = WEFT__MAGIC_PQUEUE;
    return 0;
}

int weft_pqueue_put(weft_pqueue *q, const void *item) {
    struct weft__task *t =
        WEFT__SYNC_ENTER(q, WEFT__MAGIC_PQUEUE, "weft_pqueue_put");
    return weft__chan_put(&q->ch, t, item);
}

int weft_pqueue_get(weft_pqueue *q, void *item) {
    struct weft__task *t =
        WEFT__SYNC_ENTER(q, WEFT__MAGIC_PQUEUE, "weft_pqueue_get");
    return weft__chan_get(&q->ch, t, item);
}

int weft_pqueue_try_put(weft_pqueue *q, const void *item) {
    struct weft__task *t =
        WEFT__SYNC_ENTER(q, WEFT__MAGIC_PQUEUE, "weft_pqueue_try_put");
    return weft__chan_try_put(&q->ch, t, item);
}

int weft_pqueue_try_get(weft_pqueue *q, void *item) {
    struct weft__task *t =
        WEFT__SYNC_ENTER(q, WEFT__MAGIC_PQUEUE, "weft_pqueue_try_get");
    return weft__chan_try_get(&q->ch, t, item);
}

void weft_pqueue_close(weft_pqueue *q) {
    WEFT__SYNC_ENTER(q, WEFT__MAGIC_PQUEUE, "weft_pqueue_close");
    weft__chan_close(&q->ch);
}

bool weft_pqueue_closed(const weft_pqueue *q) {
    WEFT__SYNC_ENTER(q, WEFT__MAGIC_PQUEUE, "weft_pqueue_closed");
    return q->ch.closed;
}

size_t weft_pqueue_len(const weft_pqueue *q) {
    WEFT__SYNC_ENTER(q, WEFT__MAGIC_PQUEUE, "weft_pqueue_len");
    return q->ch.len;
}

size_t weft_pqueue_waiters(const weft_pqueue *q) {
    WEFT__SYNC_ENTER(q, WEFT__MAGIC_PQUEUE, "weft_pqueue_waiters");
    return q->ch.getters.nwaiters + q->ch.putters.nwaiters;
}

size_t weft_pqueue_putters(const weft_pqueue *q) {
    WEFT__SYNC_ENTER(q, WEFT__MAGIC_PQUEUE, "weft_pqueue_putters");
    return q->ch.putters.nwaiters;
}

size_t weft_pqueue_getters(const weft_pqueue *q) {
    WEFT__SYNC_ENTER(q, WEFT__MAGIC_PQUEUE, "weft_pqueue_getters");
    return q->ch.getters.nwaiters;
}

void weft_pqueue_destroy(weft_pqueue *q) {
    const char *what = "weft_pqueue_destroy";
    WEFT__SYNC_ENTER(q, WEFT__MAGIC_PQUEUE, what);
    weft__chan_destroy(&q->ch, q, &q->track, what, "weft_pqueue_try_get");
    free(q->heap);
    WEFT__SYNC_KILL(q);
}
