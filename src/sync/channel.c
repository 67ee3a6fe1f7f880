/* src/sync/channel.c: the waiting discipline of both queues (see
 * channel.h; docs/SYNC.md; docs/ARCHITECTURE.md "Layers": sync).
 * Every item passes through put_commit, the one place an item enters a
 * queue, and get_commit, the one place it leaves: into the storage, or,
 * when the queue is empty and the other side is parked, straight from
 * one task's buffer to the other's (hand_over). A put that finds a getter
 * parked hands the item to it and wakes it; a get that frees room
 * commits the oldest parked putter's item in, then wakes it. The copy to
 * or from a parked task's buffer and its dequeue happen together, in the
 * task that wakes it, so a waiter cancelled first was never touched: no
 * item is lost or duplicated (cancel-safety). Invariants in weft/queue.h. */
#include "config.h"

#include "sync/channel.h"
#include "trace.h"

/* The trace points of an item entering (put, by putter) and leaving
 * (get, by getter). */
static inline void trace_put(const struct weft__chan *ch,
                             const struct weft__task *putter) {
    weft__trace_obj(putter->rt, WEFT_EV_QUEUE_PUT, putter->id, ch->getters.obj,
                    0);
}

static inline void trace_get(const struct weft__chan *ch,
                             const struct weft__task *getter) {
    weft__trace_obj(getter->rt, WEFT_EV_QUEUE_GET, getter->id, ch->getters.obj,
                    0);
}

/* An item enters the storage. There is room. */
static inline void put_commit(struct weft__chan *ch, const void *src,
                              const struct weft__task *putter) {
    trace_put(ch, putter);
    ch->ops->push(ch, src);
    ch->len++;
}

/* An item leaves the storage. */
static inline void get_commit(struct weft__chan *ch, void *dst,
                              const struct weft__task *getter) {
    trace_get(ch, getter);
    ch->ops->pop(ch, dst);
    ch->len--;
}

/* The queue is empty: putter's item at src goes straight to getter's
 * buffer dst, as a put then a get (one copy, not two). */
static inline void hand_over(struct weft__chan *ch, void *dst, const void *src,
                             const struct weft__task *putter,
                             const struct weft__task *getter) {
    weft__trace_pass(putter->rt, ch->getters.obj, putter, getter);
    ch->ops->hand(ch, dst, src);
}

/* Moves the oldest parked putter's item in, and wakes it. */
static bool take_from_putter(struct weft__chan *ch) {
    struct weft__wait *w = weft__waitq_first(&ch->putters);
    if (!w) return false;
    put_commit(ch, w->data, w->task);
    weft__wake(w, 0);
    return true;
}

void weft__chan_init(struct weft__chan *ch, const struct weft__chan_ops *ops,
                     size_t capacity, size_t nslots, const char *kind_get,
                     const char *kind_put, const void *obj,
                     const struct weft__site *site) {
    ch->ops = ops;
    ch->capacity = capacity;
    ch->len = 0;
    ch->nslots = nslots;
    ch->closed = false;
    weft__waitq_init(&ch->getters, kind_get, obj, site);
    weft__waitq_init(&ch->putters, kind_put, obj, site);
}

/* weft__chan_try_put, inline in the blocking put too: a message
 * through a rendezvous makes one call fewer. Forced: the trace hooks'
 * cold calls would otherwise tip the compiler's size limit. */
static inline __attribute__((always_inline)) int
try_put(struct weft__chan *ch, const struct weft__task *t, const void *item) {
    if (ch->closed) return -EPIPE;
    struct weft__wait *w = weft__waitq_first(&ch->getters);
    if (w) { /* getters park only while ch is empty: the item is theirs */
        hand_over(ch, w->data, item, t, w->task);
        weft__wake(w, 0);
        return 0;
    }
    if (ch->len >= ch->capacity) return -EWOULDBLOCK;
    if (ch->len == ch->nslots) { /* unbounded only */
        weft__assert(ch->capacity == WEFT_UNBOUNDED);
        int rc = ch->ops->grow(ch);
        if (rc) return rc;
    }
    put_commit(ch, item, t);
    return 0;
}

/* weft__chan_try_get, inline in the blocking get too (forced likewise). */
static inline __attribute__((always_inline)) int
try_get(struct weft__chan *ch, const struct weft__task *t, void *item) {
    if (!ch->len) { /* a putter parks here only at capacity 0 */
        struct weft__wait *w = weft__waitq_first(&ch->putters);
        if (!w) return ch->closed ? -EPIPE : -EWOULDBLOCK;
        hand_over(ch, item, w->data, w->task, t);
        weft__wake(w, 0);
        return 0;
    }
    get_commit(ch, item, t);
    if (ch->len < ch->capacity) take_from_putter(ch);
    return 0;
}

int weft__chan_try_put(struct weft__chan *ch, const struct weft__task *t,
                       const void *item) {
    return try_put(ch, t, item);
}

int weft__chan_try_get(struct weft__chan *ch, const struct weft__task *t,
                       void *item) {
    return try_get(ch, t, item);
}

int weft__chan_put(struct weft__chan *ch, struct weft__task *t,
                   const void *item) {
    if (weft__task_cancelled(t)) return -ECANCELED;
    int rc = try_put(ch, t, item);
    if (rc != -EWOULDBLOCK) return weft__sync_done(rc);
    struct weft__wait w;
    w.data = (void *)item; /* only read, by take_from_putter */
    return weft__park(&ch->putters, &w, WEFT_NEVER, WEFT__PARK_CHECKED);
}

int weft__chan_get(struct weft__chan *ch, struct weft__task *t, void *item) {
    if (weft__task_cancelled(t)) return -ECANCELED;
    int rc = try_get(ch, t, item);
    if (rc != -EWOULDBLOCK) return weft__sync_done(rc);
    struct weft__wait w;
    w.data = item;
    return weft__park(&ch->getters, &w, WEFT_NEVER, WEFT__PARK_CHECKED);
}

void weft__chan_close(struct weft__chan *ch) {
    if (ch->closed) return;
    ch->closed = true;
    weft__trace_obj(weft__rt_current(), WEFT_EV_QUEUE_CLOSE, 0, ch->getters.obj,
                    0);
    weft__wake_all(&ch->putters, -EPIPE);
    weft__wake_all(&ch->getters, -EPIPE); /* parked only while empty */
}

void weft__chan_destroy(const struct weft__chan *ch, const void *obj,
                        const struct weft__tracked *tr, const char *what,
                        const char *drain) {
    if (unlikely(ch->getters.nwaiters)) {
        weft__sync_waited(obj, tr, what, &ch->getters);
    }
    if (unlikely(ch->putters.nwaiters)) {
        weft__sync_waited(obj, tr, what, &ch->putters);
    }
    if (unlikely(ch->len)) {
        weft__misuse(obj, tr->site.file, tr->site.line,
                     "%s: %zu item(s) left unread (drain the queue with %s "
                     "first)",
                     what, ch->len, drain);
    }
}
