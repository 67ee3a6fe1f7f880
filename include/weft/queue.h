/* weft/queue.h: FIFO and priority queues of fixed-size items (lionpride's
 * Queue and PriorityQueue; trio's memory channels, Go's channels).
 *
 * Items are copied in by put and out by get: the queue owns its copies,
 * never the caller's buffers. The rules of weft/sync.h hold here too
 * (creation site, checkpoints, FIFO waiters, misuse aborts), and:
 * - Cancel-safety: a put that returns an error delivered nothing, a get
 *   that returns an error took nothing. An item is copied between a
 *   task's buffer and the queue only at the instant its operation
 *   succeeds (to or from a parked task's buffer by the task that wakes
 *   it), so no item is ever lost, split or duplicated.
 * - Closing wakes every waiter: putters get -EPIPE; getters take what is
 *   left, then get -EPIPE (end of stream).
 * - Destroying a queue that still holds items or has waiters is misuse:
 *   drain it first (weft_queue_try_get until -EPIPE or -EWOULDBLOCK), so
 *   items that own memory are never dropped silently. */
#ifndef WEFT_QUEUE_H
#define WEFT_QUEUE_H

#include <errno.h>

#include "weft/common.h"
#include "weft/private.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Capacity of a queue without a bound: put never waits (it may fail with
 * -ENOMEM instead). */
#define WEFT_UNBOUNDED ((size_t)-1)

typedef struct weft_queue weft_queue;
typedef struct weft_pqueue weft_pqueue;

/* Not API: what both kinds of queue share (src/sync/channel.c), the
 * bound, the count and the waiting tasks; each queue adds its storage.
 * Invariants: getters nonempty => len == 0; putters nonempty => len ==
 * capacity; closed => putters empty; len <= nslots. */
struct weft__chan_ops; /* the storage's operations (src/sync/channel.h) */

struct weft__chan {
    const struct weft__chan_ops *ops; /* borrowed (static): the storage */
    size_t capacity;                  /* 0: rendezvous, WEFT_UNBOUNDED:
                                         none */
    size_t len;                       /* items in the storage */
    size_t nslots;                    /* items the storage holds before it
                                         must grow (unbounded only) */
    bool closed;
    struct weft__waitq getters;       /* wait.data: the getter's buffer */
    struct weft__waitq putters;       /* wait.data: the putter's item */
};

/* ---- Queue: FIFO ----
 * The ring holds ch.len items from slot head on, wrapping at ch.nslots:
 *
 *   buf: | . . . | item head | item | ... | item | . . . |
 *                  oldest (next get)        newest
 */

struct weft_queue {
    /* private: not API */
    uint32_t magic;
    struct weft__rt *rt;  /* weak */
    struct weft__chan ch; /* ch.nslots: max(capacity, 1) when bounded (a
                             rendezvous passes each item through one
                             slot); grows when not */
    size_t item_size;
    unsigned char *buf;   /* owned: ch.nslots * item_size bytes */
    size_t head;          /* slot of the oldest item */
    struct weft__tracked track;
};

/* Initialises q for items of item_size bytes. capacity: how many items
 * it buffers; 0 makes every put wait for a get (rendezvous);
 * WEFT_UNBOUNDED: no bound (the ring grows at put). A bounded ring is
 * allocated here, so put never allocates. Not a checkpoint.
 * Returns 0, -EINVAL when item_size is 0, -ENOMEM. Misuse: outside a
 * task. */
WEFT_API int weft_queue_init_at(weft_queue *q, size_t capacity,
                                size_t item_size, const char *file, int line);
#define weft_queue_init(q, capacity, item_size)                                \
    weft_queue_init_at((q), (capacity), (item_size), __FILE__, __LINE__)

/* Copies item_size bytes from item into q, waiting (FIFO) while q is
 * full. item is borrowed until put returns. Checkpoint. Returns 0 once
 * the item is in q (or in a getter's hands); -ECANCELED or -EPIPE (q
 * closed) and nothing was delivered; -ENOMEM (unbounded queue only). */
WEFT_API int weft_queue_put(weft_queue *q, const void *item);

/* Copies the oldest item out of q into item (item_size bytes), waiting
 * (FIFO) while q is empty. Checkpoint. Returns 0; -ECANCELED and no item
 * was taken; -EPIPE when q is closed and empty. */
WEFT_API int weft_queue_get(weft_queue *q, void *item);

/* As weft_queue_put without waiting: -EWOULDBLOCK when q is full
 * (lionpride's QueueFull). Not a checkpoint. */
WEFT_API int weft_queue_try_put(weft_queue *q, const void *item);

/* As weft_queue_get without waiting: -EWOULDBLOCK when q is empty and
 * open (lionpride's QueueEmpty). Not a checkpoint. */
WEFT_API int weft_queue_try_get(weft_queue *q, void *item);

/* Closes q: waiting and later putters get -EPIPE; getters take what is
 * left, then get -EPIPE. Idempotent. Not a checkpoint; cannot fail. */
WEFT_API void weft_queue_close(weft_queue *q);

/* Whether q is closed. */
WEFT_API bool weft_queue_closed(const weft_queue *q);

/* Items buffered (not counting items of waiting putters). */
WEFT_API size_t weft_queue_len(const weft_queue *q);

/* Tasks waiting in put or get (both are never nonzero at once). */
WEFT_API size_t weft_queue_waiters(const weft_queue *q);
WEFT_API size_t weft_queue_putters(const weft_queue *q);
WEFT_API size_t weft_queue_getters(const weft_queue *q);

/* Ends q's life and frees its ring. Misuse: items left or waiters. */
WEFT_API void weft_queue_destroy(weft_queue *q);

/* ---- PriorityQueue ----
 * A binary min-heap of entries ordered by (cmp(item), seq): seq is the
 * insertion number, so equal items come out in insertion order. Entry i
 * sits at heap + i * stride, its item first (aligned like malloc's
 * memory), then its seq; parent of i is (i - 1) / 2; one spare entry at
 * the end is the scratch space of sifting. */

struct weft_pqueue {
    /* private: not API */
    uint32_t magic;
    struct weft__rt *rt;  /* weak */
    struct weft__chan ch; /* ch.capacity: WEFT_UNBOUNDED when unbounded,
                             never 0; ch.nslots: entries that fit,
                             scratch aside: capacity when bounded */
    size_t item_size;
    size_t stride;                          /* bytes per entry */
    int (*cmp)(const void *, const void *); /* <0: a before b */
    unsigned char *heap;                    /* owned: ch.nslots + 1 entries */
    uint64_t next_seq;
    struct weft__tracked track;
};

/* Initialises q for items of item_size bytes ordered by cmp (lowest
 * first; strcmp-like, called on the copies inside q, aligned as
 * malloc's memory; it must not call weft). capacity: bound on the
 * items buffered; 0 or WEFT_UNBOUNDED: no bound (a priority queue has
 * no rendezvous). Not a checkpoint. Returns 0, -EINVAL (item_size 0 or
 * cmp NULL), -ENOMEM. Misuse: outside a task. */
WEFT_API int weft_pqueue_init_at(weft_pqueue *q, size_t capacity,
                                 size_t item_size,
                                 int (*cmp)(const void *, const void *),
                                 const char *file, int line);
#define weft_pqueue_init(q, capacity, item_size, cmp)                          \
    weft_pqueue_init_at((q), (capacity), (item_size), (cmp), __FILE__, __LINE__)

/* The calls below behave as their weft_queue_ namesakes; get takes the
 * lowest item, the oldest of equals. */
WEFT_API int weft_pqueue_put(weft_pqueue *q, const void *item);
WEFT_API int weft_pqueue_get(weft_pqueue *q, void *item);
WEFT_API int weft_pqueue_try_put(weft_pqueue *q, const void *item);
WEFT_API int weft_pqueue_try_get(weft_pqueue *q, void *item);
WEFT_API void weft_pqueue_close(weft_pqueue *q);
WEFT_API bool weft_pqueue_closed(const weft_pqueue *q);
WEFT_API size_t weft_pqueue_len(const weft_pqueue *q);
WEFT_API size_t weft_pqueue_waiters(const weft_pqueue *q);
WEFT_API size_t weft_pqueue_putters(const weft_pqueue *q);
WEFT_API size_t weft_pqueue_getters(const weft_pqueue *q);
WEFT_API void weft_pqueue_destroy(weft_pqueue *q);

/* The blocking calls, with the call site (weft/common.h, WEFT__AT). */
#ifndef WEFT_NO_CALL_SITES
#define weft_queue_put(...) WEFT__AT(weft_queue_put(__VA_ARGS__))
#define weft_queue_get(...) WEFT__AT(weft_queue_get(__VA_ARGS__))
#define weft_pqueue_put(...) WEFT__AT(weft_pqueue_put(__VA_ARGS__))
#define weft_pqueue_get(...) WEFT__AT(weft_pqueue_get(__VA_ARGS__))
#endif

#ifdef __cplusplus
}
#endif
#endif
