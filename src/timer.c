/* src/timer.c: a pairing heap of timers (Fredman et al. 1986).
 * Invariant: every node orders at or after its children by (deadline,
 * tiebreak); prev points to the previous sibling, or to the parent for
 * a first child; the root has no prev and no next. Equal keys never
 * occur: tiebreaks are unique per runtime. DESIGN.md "Time". */
#include "config.h"

#include "timer.h"

#include <stddef.h>

static bool before(const struct weft__timer *a, const struct weft__timer *b) {
    if (a->deadline != b->deadline) return a->deadline < b->deadline;
    return a->tiebreak < b->tiebreak;
}

/* Joins two detached heaps; the later root becomes the first child. */
static struct weft__timer *meld(struct weft__timer *a, struct weft__timer *b) {
    if (!a) return b;
    if (!b) return a;
    if (before(b, a)) {
        struct weft__timer *t = a;
        a = b;
        b = t;
    }
    b->prev = a;
    b->next = a->child;
    if (a->child) a->child->prev = b;
    a->child = b;
    return a;
}

static struct weft__timer *detach(struct weft__timer *t) {
    t->next = NULL;
    t->prev = NULL;
    return t;
}

/* The two-pass merge of a sibling list into one heap. */
static struct weft__timer *merge_pairs(struct weft__timer *first) {
    struct weft__timer *pairs = NULL; /* melded pairs, last first */
    while (first) {
        struct weft__timer *a = first;
        struct weft__timer *b = a->next;
        first = b ? b->next : NULL;
        a = meld(detach(a), b ? detach(b) : NULL);
        a->next = pairs;
        pairs = a;
    }
    struct weft__timer *root = NULL;
    while (pairs) {
        struct weft__timer *next = pairs->next;
        root = meld(root, detach(pairs));
        pairs = next;
    }
    return root;
}

void weft__timers_init(struct weft__timers *h) {
    h->root = NULL;
    h->n = 0;
}

void weft__timers_push(struct weft__timers *h, struct weft__timer *tm) {
    tm->child = NULL;
    detach(tm);
    tm->armed = true;
    h->root = meld(h->root, tm);
    h->n++;
}

void weft__timers_erase(struct weft__timers *h, struct weft__timer *tm) {
    struct weft__timer *sub = merge_pairs(tm->child);
    if (tm == h->root) {
        h->root = sub;
    } else {
        if (tm->prev->child == tm) { /* first child: prev is the parent */
            tm->prev->child = tm->next;
        } else {
            tm->prev->next = tm->next;
        }
        if (tm->next) tm->next->prev = tm->prev;
        h->root = meld(h->root, sub);
    }
    tm->child = NULL;
    detach(tm);
    tm->armed = false;
    h->n--;
}

/* Every node at the root's deadline has only such nodes above it (heap
 * order), so a walk from the root that stops at later deadlines finds
 * them all; out doubles as the walk's stack. */
size_t weft__timers_tied(const struct weft__timers *h,
                         struct weft__timer **out, size_t max) {
    if (!h->root || max == 0) return 0;
    weft_time when = h->root->deadline;
    size_t n = 0;
    out[n++] = h->root;
    for (size_t i = 0; i < n; i++) {
        for (struct weft__timer *c = out[i]->child; c && n < max; c = c->next) {
            if (c->deadline == when) out[n++] = c;
        }
    }
    for (size_t i = 1; i < n; i++) { /* insertion sort: n is small */
        struct weft__timer *t = out[i];
        size_t j = i;
        for (; j > 0 && out[j - 1]->tiebreak > t->tiebreak; j--) {
            out[j] = out[j - 1];
        }
        out[j] = t;
    }
    return n;
}
