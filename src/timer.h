/* src/timer.h: the runtime's timers, a 4-ary min-heap of (deadline,
 * tiebreak, timer) entries in one array. Arming and disarming never
 * allocate: whatever may arm a timer reserves its slot first (a task at
 * spawn, a scope with a deadline at enter, a simulated thread job at
 * submission), so the array always has room. */
#ifndef WEFT_TIMER_H
#define WEFT_TIMER_H

#include <stdbool.h>

#include "common.h"
#include "weft/private.h"

/* One heap slot: the keys are copied out of the timer, so ordering the
 * heap reads only this array, never the memory of the tasks. */
struct weft__timer_entry {
    weft_time deadline;
    uint64_t tiebreak;
    struct weft__timer *tm; /* borrowed: armed until popped or erased */
    uint32_t id;            /* tm->id: its position is pos[id] */
};

/* A sift moves entries and records their new positions in pos, an
 * array as dense as the heap, rather than in the timers themselves
 * (one per task page: a cache and TLB miss per move). */
struct weft__timers {
    struct weft__timer_entry *heap; /* owned: cap entries, n in use */
    uint32_t *pos;                  /* owned: heap index by timer id */
    uint32_t *free_ids;             /* owned: ids not armed, nfree */
    size_t nfree;                   /* == cap - n */
    size_t n;                       /* armed timers */
    size_t cap;
    size_t nslots;                  /* reserved: n <= nslots <= cap */
};

void weft__timers_init(struct weft__timers *h);
void weft__timers_fini(struct weft__timers *h);

/* weft__timers_reserve when the arrays must grow. */
int weft__timers_reserve_grow(struct weft__timers *h, size_t n);

/* Room for n more timers that may later be armed: 0, or -ENOMEM with
 * nothing changed. Each reserve is paired with a release of as many.
 * Inline: every spawn reserves and every task end releases. */
static inline int weft__timers_reserve(struct weft__timers *h, size_t n) {
    if (unlikely(h->nslots + n > h->cap)) {
        return weft__timers_reserve_grow(h, n);
    }
    h->nslots += n;
    return 0;
}

static inline void weft__timers_release(struct weft__timers *h, size_t n) {
    weft__assert(h->nslots >= h->n + n);
    h->nslots -= n;
}

/* Adds tm (not armed) with its deadline and tiebreak already set; there
 * must be a reserved slot for it. Cannot fail. */
void weft__timers_push(struct weft__timers *h, struct weft__timer *tm);

/* Removes tm, which must be armed. */
void weft__timers_erase(struct weft__timers *h, struct weft__timer *tm);

/* The timers due at the earliest deadline (ties), the first max of them
 * in arming order (by tiebreak), into out; returns how many (0: none).
 * max is at most WEFT__TIMERS_TIED_MAX (the walk's frontier is bounded
 * by it, not by how many timers tie). */
#define WEFT__TIMERS_TIED_MAX 64

size_t weft__timers_tied(const struct weft__timers *h,
                         struct weft__timer **out, size_t max);

/* The earliest timer, NULL when none is armed. */
static inline struct weft__timer *
weft__timers_first(const struct weft__timers *h) {
    return h->n ? h->heap[0].tm : NULL;
}

/* Earliest deadline, WEFT_NEVER when no timer is armed. */
static inline weft_time weft__timers_next(const struct weft__timers *h) {
    return h->n ? h->heap[0].deadline : WEFT_NEVER;
}

#endif
