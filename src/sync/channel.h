/* src/sync/channel.h: what weft_queue and weft_pqueue share
 * (docs/ARCHITECTURE.md "Layers": sync): the waiting, the hand-over to and from
 * parked tasks, close, cancel-safety and the try_ variants, written once over a
 * small storage interface. Each queue embeds a struct weft__chan (its fields
 * and invariants are in weft/queue.h) and brings its storage: a ring (queue.c)
 * or a stable binary heap (pqueue.c). The storage only stores: it never sees a
 * task, never waits, and is told when to grow. */
#ifndef WEFT_SRC_SYNC_CHANNEL_H
#define WEFT_SRC_SYNC_CHANNEL_H

#include "sync/sync.h"

/* A queue's storage. ch is the queue's embedded channel (container_of
 * finds the queue); the channel keeps ch->len, the operations never
 * change it. */
struct weft__chan_ops {
    /* Copies item in as the newest entry. ch->len < ch->nslots counts
     * the entries before it. Cannot fail. */
    void (*push)(struct weft__chan *ch, const void *item);
    /* Copies the next entry (oldest, or lowest) out into item and
     * removes it. ch->len > 0 counts it. Cannot fail. */
    void (*pop)(struct weft__chan *ch, void *item);
    /* Raises ch->nslots, keeping every entry: 0, or -ENOMEM and nothing
     * changed. Called only when unbounded and ch->len == ch->nslots. */
    int (*grow)(struct weft__chan *ch);
    /* Copies one item from src to dst, past the storage: an item handed
     * from a parked task straight to another while the queue is empty. */
    void (*hand)(struct weft__chan *ch, void *dst, const void *src);
};

/* Sets ch up, open and empty, over ops (static) with nslots entries of
 * room already allocated. kind_get and kind_put name its two wait
 * queues in reports ("queue get"; static strings); obj and site are the
 * queue's. Cannot fail. */
void weft__chan_init(struct weft__chan *ch, const struct weft__chan_ops *ops,
                     size_t capacity, size_t nslots, const char *kind_get,
                     const char *kind_put, const void *obj,
                     const struct weft__site *site);

/* weft_queue_put and weft_queue_get for the calling task t (checked by
 * the caller): a checkpoint, then the hand-over, or a wait. */
int weft__chan_put(struct weft__chan *ch, struct weft__task *t,
                   const void *item);
int weft__chan_get(struct weft__chan *ch, struct weft__task *t, void *item);

/* weft_queue_try_put and weft_queue_try_get: never wait. */
int weft__chan_try_put(struct weft__chan *ch, const struct weft__task *t,
                       const void *item);
int weft__chan_try_get(struct weft__chan *ch, const struct weft__task *t,
                       void *item);

/* weft_queue_close. Idempotent; cannot fail. */
void weft__chan_close(struct weft__chan *ch);

/* The checks of a queue's destroy (what, by the queue obj whose leak
 * record is tr): misuse when tasks wait or items are left, whose message
 * names drain, the call that empties the queue. The caller then frees
 * its storage. */
void weft__chan_destroy(const struct weft__chan *ch, const void *obj,
                        const struct weft__tracked *tr, const char *what,
                        const char *drain);

#endif
