/* src/sync/queue.c: weft_queue, a FIFO of fixed-size items in a ring
 * (docs/SYNC.md; docs/ARCHITECTURE.md "Layers": sync). Only the ring is
 * here: the waiting, hand-over, close and cancel-safety are the
 * channel's (channel.c), which calls ring_push and ring_pop as the only
 * places an item enters or leaves. The ring holds ch.len items from slot
 * head on, wrapping at ch.nslots; a rendezvous (capacity 0) hands each
 * item straight from the putter to the getter (its one slot is unused). Invariants in weft/queue.h. */
#include "config.h"

#include "sync/channel.h"

#include <stdlib.h>
#include <string.h>

static weft_queue *queue_of(struct weft__chan *ch) {
    return container_of(ch, weft_queue, ch);
}

static unsigned char *slot(const weft_queue *q, size_t i) {
    return q->buf + i * q->item_size;
}

/* Copies one item of n bytes. The common small sizes are one or two
 * moves: a call to memcpy with a size it must test costs more than the
 * copy. */
static inline void copy_item(void *dst, const void *src, size_t n) {
    switch (n) {
    case 4: memcpy(dst, src, 4); break;
    case 8: memcpy(dst, src, 8); break;
    case 16: memcpy(dst, src, 16); break;
    default: memcpy(dst, src, n); break;
    }
}

static void ring_push(struct weft__chan *ch, const void *item) {
    weft_queue *q = queue_of(ch);
    size_t tail = q->head + ch->len;
    if (tail >= ch->nslots) tail -= ch->nslots;
    copy_item(slot(q, tail), item, q->item_size);
}

static void ring_pop(struct weft__chan *ch, void *item) {
    weft_queue *q = queue_of(ch);
    copy_item(item, slot(q, q->head), q->item_size);
    if (++q->head == ch->nslots) q->head = 0;
}

static void ring_hand(struct weft__chan *ch, void *dst, const void *src) {
    copy_item(dst, src, queue_of(ch)->item_size);
}

/* Doubles the ring (unwrapping it): 0 or -ENOMEM, unchanged. */
static int ring_grow(struct weft__chan *ch) {
    weft_queue *q = queue_of(ch);
    if (ch->nslots > SIZE_MAX / 2 / q->item_size) return -ENOMEM;
    size_t n = ch->nslots ? 2 * ch->nslots : 8;
    if (n > SIZE_MAX / q->item_size) return -ENOMEM;
    unsigned char *buf = malloc(n * q->item_size);
    if (!buf) return -ENOMEM;
    size_t first = ch->nslots - q->head;
    if (first > ch->len) first = ch->len;
    if (ch->len) {
        memcpy(buf, slot(q, q->head), first * q->item_size);
        memcpy(buf + first * q->item_size, q->buf,
               (ch->len - first) * q->item_size);
    }
    free(q->buf);
    q->buf = buf;
    ch->nslots = n;
    q->head = 0;
    return 0;
}

static const struct weft__chan_ops ring_ops = {ring_push, ring_pop, ring_grow,
                                              ring_hand};

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
    q->item_size = item_size;
    q->buf = buf;
    weft__chan_init(&q->ch, &ring_ops, capacity, nslots, "queue get",
                    "queue put", q, &q->track.site);
    q->magic = WEFT__MAGIC_QUEUE;
    return 0;
}

int weft_queue_put(weft_queue *q, const void *item) {
    struct weft__task *t =
        WEFT__SYNC_ENTER(q, WEFT__MAGIC_QUEUE, "weft_queue_put");
    return weft__chan_put(&q->ch, t, item);
}

int weft_queue_get(weft_queue *q, void *item) {
    struct weft__task *t =
        WEFT__SYNC_ENTER(q, WEFT__MAGIC_QUEUE, "weft_queue_get");
    return weft__chan_get(&q->ch, t, item);
}

int weft_queue_try_put(weft_queue *q, const void *item) {
    struct weft__task *t =
        WEFT__SYNC_ENTER(q, WEFT__MAGIC_QUEUE, "weft_queue_try_put");
    return weft__chan_try_put(&q->ch, t, item);
}

int weft_queue_try_get(weft_queue *q, void *item) {
    struct weft__task *t =
        WEFT__SYNC_ENTER(q, WEFT__MAGIC_QUEUE, "weft_queue_try_get");
    return weft__chan_try_get(&q->ch, t, item);
}

void weft_queue_close(weft_queue *q) {
    WEFT__SYNC_ENTER(q, WEFT__MAGIC_QUEUE, "weft_queue_close");
    weft__chan_close(&q->ch);
}

bool weft_queue_closed(const weft_queue *q) {
    WEFT__SYNC_ENTER(q, WEFT__MAGIC_QUEUE, "weft_queue_closed");
    return q->ch.closed;
}

size_t weft_queue_len(const weft_queue *q) {
    WEFT__SYNC_ENTER(q, WEFT__MAGIC_QUEUE, "weft_queue_len");
    return q->ch.len;
}

size_t weft_queue_waiters(const weft_queue *q) {
    WEFT__SYNC_ENTER(q, WEFT__MAGIC_QUEUE, "weft_queue_waiters");
    return q->ch.getters.nwaiters + q->ch.putters.nwaiters;
}

size_t weft_queue_putters(const weft_queue *q) {
    WEFT__SYNC_ENTER(q, WEFT__MAGIC_QUEUE, "weft_queue_putters");
    return q->ch.putters.nwaiters;
}

size_t weft_queue_getters(const weft_queue *q) {
    WEFT__SYNC_ENTER(q, WEFT__MAGIC_QUEUE, "weft_queue_getters");
    return q->ch.getters.nwaiters;
}

void weft_queue_destroy(weft_queue *q) {
    const char *what = "weft_queue_destroy";
    WEFT__SYNC_ENTER(q, WEFT__MAGIC_QUEUE, what);
    weft__chan_destroy(&q->ch, q, &q->track, what, "weft_queue_try_get");
    free(q->buf);
    WEFT__SYNC_KILL(q);
}
