/* src/timer.c: a 4-ary min-heap of timers in one array (Go keeps its
 * timers so). Invariants: every entry orders at or after its parent by
 * (deadline, tiebreak); entry i has pos[id] == i; the ids of armed timers
 * are distinct and the others are in free_ids. Equal keys never occur:
 * tiebreaks are unique per runtime. Keys and positions sit in arrays, so
 * a sift touches no timer: firing 100,000 of them reads each task's
 * memory once, to fire it. docs/ARCHITECTURE.md "Time". */
#include "config.h"

#include "timer.h"

#include <errno.h>
#include <stdlib.h>

#include "common.h"

#define ARITY 4

static bool before(const struct weft__timer_entry *a,
                   const struct weft__timer_entry *b) {
    if (a->deadline != b->deadline) return a->deadline < b->deadline;
    return a->tiebreak < b->tiebreak;
}

static void place(struct weft__timers *h, size_t i,
                  struct weft__timer_entry e) {
    h->heap[i] = e;
    h->pos[e.id] = (uint32_t)i;
}

/* Moves e up from the hole at i to its place. */
static void sift_up(struct weft__timers *h, size_t i,
                    struct weft__timer_entry e) {
    while (i > 0) {
        size_t parent = (i - 1) / ARITY;
        if (!before(&e, &h->heap[parent])) break;
        place(h, i, h->heap[parent]);
        i = parent;
    }
    place(h, i, e);
}

/* Moves e down from the hole at i to its place. */
static void sift_down(struct weft__timers *h, size_t i,
                      struct weft__timer_entry e) {
    for (;;) {
        size_t first = i * ARITY + 1;
        if (first >= h->n) break;
        size_t end = first + ARITY < h->n ? first + ARITY : h->n;
        size_t best = first;
        for (size_t c = first + 1; c < end; c++) {
            if (before(&h->heap[c], &h->heap[best])) best = c;
        }
        if (!before(&h->heap[best], &e)) break;
        place(h, i, h->heap[best]);
        i = best;
    }
    place(h, i, e);
}

void weft__timers_init(struct weft__timers *h) {
    h->heap = NULL;
    h->pos = NULL;
    h->free_ids = NULL;
    h->nfree = 0;
    h->n = 0;
    h->cap = 0;
    h->nslots = 0;
}

void weft__timers_fini(struct weft__timers *h) {
    free(h->heap);
    free(h->pos);
    free(h->free_ids);
    weft__timers_init(h);
}

/* Grows the three arrays to cap entries; the new ids are free. An array
 * grown before another failed stays larger, unused: nothing is lost. */
static int grow(struct weft__timers *h, size_t cap) {
    if (cap > UINT32_MAX) return -ENOMEM;
    struct weft__timer_entry *heap = realloc(h->heap, cap * sizeof *heap);
    if (!heap) return -ENOMEM;
    h->heap = heap;
    uint32_t *pos = realloc(h->pos, cap * sizeof *pos);
    if (!pos) return -ENOMEM;
    h->pos = pos;
    uint32_t *ids = realloc(h->free_ids, cap * sizeof *ids);
    if (!ids) return -ENOMEM;
    h->free_ids = ids;
    for (size_t id = h->cap; id < cap; id++) {
        h->free_ids[h->nfree++] = (uint32_t)id;
    }
    h->cap = cap;
    return 0;
}

/* Doubles, so a run of n spawns reallocates log(n) times. */
int weft__timers_reserve_grow(struct weft__timers *h, size_t n) {
    size_t cap = h->cap ? h->cap : 64;
    while (cap < h->nslots + n) cap *= 2;
    int rc = grow(h, cap);
    if (rc) return rc;
    h->nslots += n;
    return 0;
}

void weft__timers_push(struct weft__timers *h, struct weft__timer *tm) {
    weft__assert(!tm->armed && h->n < h->nslots);
    tm->armed = true;
    tm->id = h->free_ids[--h->nfree];
    struct weft__timer_entry e = {tm->deadline, tm->tiebreak, tm, tm->id};
    sift_up(h, h->n++, e);
}

void weft__timers_erase(struct weft__timers *h, struct weft__timer *tm) {
    size_t i = h->pos[tm->id];
    weft__assert(tm->armed && i < h->n && h->heap[i].tm == tm);
    tm->armed = false;
    h->free_ids[h->nfree++] = tm->id;
    struct weft__timer_entry last = h->heap[--h->n];
    if (i == h->n) return; /* it was the last entry */
    if (i > 0 && before(&last, &h->heap[(i - 1) / ARITY])) {
        sift_up(h, i, last);
    } else {
        sift_down(h, i, last);
    }
}

/* Heap order puts every tie's parent at the same deadline, so the ties
 * form a subtree at the root. Taking the earliest of a frontier that
 * starts at the root and gains each taken entry's tied children yields
 * them in tiebreak order, and visits at most 1 + (ARITY - 1) * max
 * entries however many timers tie. */
#define TIED_FRONTIER (1 + (ARITY - 1) * WEFT__TIMERS_TIED_MAX)

size_t weft__timers_tied(const struct weft__timers *h,
                         struct weft__timer **out, size_t max) {
    weft__assert(max <= WEFT__TIMERS_TIED_MAX);
    if (!h->n || max == 0) return 0;
    weft_time when = h->heap[0].deadline;
    size_t frontier[TIED_FRONTIER];
    size_t nfrontier = 0;
    frontier[nfrontier++] = 0;
    size_t n = 0;
    while (n < max && nfrontier > 0) {
        size_t best = 0;
        for (size_t k = 1; k < nfrontier; k++) {
            if (h->heap[frontier[k]].tiebreak <
                h->heap[frontier[best]].tiebreak) {
                best = k;
            }
        }
        size_t i = frontier[best];
        frontier[best] = frontier[--nfrontier];
        out[n++] = h->heap[i].tm;
        size_t first = i * ARITY + 1;
        for (size_t c = first; c < first + ARITY && c < h->n; c++) {
            if (h->heap[c].deadline == when) frontier[nfrontier++] = c;
        }
    }
    return n;
}
