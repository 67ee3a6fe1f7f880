/* src/sync/limiter.c: weft_limiter, lionpride's CapacityLimiter (docs/SYNC.md;
 * docs/ARCHITECTURE.md "Layers": sync). Whole tokens, at most one per borrower
 * (a task, known by id since its address is reused once it ends, or a pointer
 * given to the _on_behalf calls).
 * Invariants: the set holds exactly the nborrowed borrowers, at load
 * <= 1/2; waiters nonempty => nborrowed >= total (a free token goes to
 * the oldest waiter at once). Room in the set is made before a token is
 * lent by acquire or set_total, and a release's hand-off reuses the slot
 * it freed, so waking a waiter never allocates. */
#include "config.h"

#include "sync/sync.h"
#include "trace.h"

#include <stdlib.h>
#include <string.h>

/* A borrower. Keys of the two kinds never compare equal; an all-zero
 * entry is an empty slot of the set (ids start at 1, pointers are not
 * NULL). Passed by value; a waiter's lives in its acquire's frame. */
struct weft__borrower {
    uint64_t key; /* the task's id, or the pointer's address */
    bool is_task;
};

static struct weft__borrower task_borrower(const struct weft__task *t) {
    return (struct weft__borrower){t->id, true};
}

static struct weft__borrower ptr_borrower(const void *p) {
    return (struct weft__borrower){(uint64_t)(uintptr_t)p, false};
}

static bool same(struct weft__borrower a, struct weft__borrower b) {
    return a.key == b.key && a.is_task == b.is_task;
}

/* ---- the borrower set: open addressing, linear probing ---- */

static size_t home(const weft_limiter *l, struct weft__borrower b) {
    /* Fibonacci hashing of the key: only membership is decided by it,
     * never an order, so the simulator stays deterministic. */
    uint64_t h = (b.key + b.is_task) * UINT64_C(0x9e3779b97f4a7c15);
    return (size_t)(h >> 32) & (l->nslots - 1);
}

/* Slot of b, or of the empty slot where its probe ends. Inline: on the
 * fast path of every acquire and release. */
static inline size_t probe(const weft_limiter *l, struct weft__borrower b) {
    size_t mask = l->nslots - 1;
    size_t i = home(l, b);
    while (l->set[i].key && !same(l->set[i], b))
        i = (i + 1) & mask;
    return i;
}

static bool has_borrower(const weft_limiter *l, struct weft__borrower b) {
    return l->nslots && same(l->set[probe(l, b)], b);
}

/* Makes room for n borrowers at load <= 1/2: 0 or -ENOMEM (unchanged). */
static int reserve(weft_limiter *l, size_t n) {
    if (n <= l->nslots / 2) return 0;
    size_t nslots = l->nslots ? l->nslots : 8;
    while (nslots / 2 < n) {
        if (nslots > SIZE_MAX / 2 / sizeof *l->set) return -ENOMEM;
        nslots *= 2;
    }
    struct weft__borrower *set = calloc(nslots, sizeof *set);
    if (!set) return -ENOMEM;
    struct weft__borrower *old = l->set;
    size_t nold = l->nslots;
    l->set = set;
    l->nslots = nslots;
    for (size_t i = 0; i < nold; i++) {
        if (old[i].key) l->set[probe(l, old[i])] = old[i];
    }
    free(old);
    return 0;
}

/* Removes b (present), shifting later members of its probe run back so
 * no tombstone is needed. */
static void set_erase(weft_limiter *l, struct weft__borrower b) {
    size_t mask = l->nslots - 1;
    size_t hole = probe(l, b);
    for (size_t j = (hole + 1) & mask; l->set[j].key; j = (j + 1) & mask) {
        size_t h = home(l, l->set[j]);
        /* may set[j] move back to the hole? only if its home is not in
         * the cyclic range (hole, j] */
        bool stays = hole < j ? (h > hole && h <= j) : (h > hole || h <= j);
        if (!stays) {
            l->set[hole] = l->set[j];
            hole = j;
        }
    }
    l->set[hole] = (struct weft__borrower){0, false};
}

/* ---- tokens ---- */

/* The one place borrower b gets a token (trace point: limiter acquire). */
static inline void lend(weft_limiter *l, struct weft__borrower b) {
    weft__assert(l->nborrowed < l->total &&
                 2 * (l->nborrowed + 1) <= l->nslots);
    l->set[probe(l, b)] = b;
    l->nborrowed++;
    weft__trace_obj(l->rt, WEFT_EV_LIMITER_ACQUIRE, b.is_task ? b.key : 0, l,
                    0);
}

/* The one place b's token comes back (trace point: limiter release). */
static inline void give_back(weft_limiter *l, struct weft__borrower b) {
    set_erase(l, b);
    l->nborrowed--;
    weft__trace_obj(l->rt, WEFT_EV_LIMITER_RELEASE, b.is_task ? b.key : 0, l,
                    0);
}

/* Hands free tokens to waiters, oldest first. */
static void serve(weft_limiter *l) {
    struct weft__wait *w;
    while (l->nborrowed < l->total && (w = weft__waitq_first(&l->waitq))) {
        lend(l, *(const struct weft__borrower *)w->data);
        weft__wake(w, 0);
    }
}

static bool is_waiting(const weft_limiter *l, struct weft__borrower b) {
    const struct weft__list *n;
    for (n = l->waitq.waiters.next; n != &l->waitq.waiters; n = n->next) {
        const struct weft__wait *w = container_of(n, struct weft__wait, node);
        if (same(*(const struct weft__borrower *)w->data, b)) return true;
    }
    return false;
}

/* The non-blocking part of every acquire. */
static int try_lend(weft_limiter *l, struct weft__borrower b) {
    if (has_borrower(l, b)) return -EDEADLK;
    if (l->nborrowed >= l->total) {
        return is_waiting(l, b) ? -EDEADLK : -EWOULDBLOCK;
    }
    weft__assert(weft__waitq_empty(&l->waitq));
    int rc = reserve(l, l->nborrowed + 1);
    if (rc) return rc;
    lend(l, b);
    return 0;
}

static int acquire(weft_limiter *l, struct weft__task *t,
                   struct weft__borrower b) {
    if (weft__task_cancelled(t)) return -ECANCELED;
    int rc = try_lend(l, b);
    if (rc != -EWOULDBLOCK) return weft__sync_done(rc);
    struct weft__wait w;
    w.data = &b; /* read by serve() and is_waiting() while parked */
    /* 0: serve() lent */
    return weft__park(&l->waitq, &w, WEFT_NEVER, WEFT__PARK_CHECKED);
}

static int release(weft_limiter *l, struct weft__borrower b) {
    if (!has_borrower(l, b)) return -EPERM;
    give_back(l, b);
    serve(l);
    return 0;
}

/* ---- public API ---- */

int weft_limiter_init_at(weft_limiter *l, size_t total, const char *file,
                         int line) {
    weft__task_current("weft_limiter_init");
    if (!total) return -EINVAL;
    WEFT__SYNC_INIT(l, "limiter", file, line, "weft_limiter_init");
    l->total = total;
    weft__waitq_init(&l->waitq, "limiter", l, &l->track.site);
    l->magic = WEFT__MAGIC_LIMITER;
    return 0;
}

int weft_limiter_acquire(weft_limiter *l) {
    struct weft__task *t =
        WEFT__SYNC_ENTER(l, WEFT__MAGIC_LIMITER, "weft_limiter_acquire");
    return acquire(l, t, task_borrower(t));
}

int weft_limiter_try_acquire(weft_limiter *l) {
    struct weft__task *t =
        WEFT__SYNC_ENTER(l, WEFT__MAGIC_LIMITER, "weft_limiter_try_acquire");
    return try_lend(l, task_borrower(t));
}

int weft_limiter_acquire_on_behalf(weft_limiter *l, const void *borrower) {
    struct weft__task *t = WEFT__SYNC_ENTER(l, WEFT__MAGIC_LIMITER,
                                            "weft_limiter_acquire_on_behalf");
    if (!borrower) return -EINVAL;
    return acquire(l, t, ptr_borrower(borrower));
}

int weft_limiter_try_acquire_on_behalf(weft_limiter *l, const void *borrower) {
    WEFT__SYNC_ENTER(l, WEFT__MAGIC_LIMITER,
                     "weft_limiter_try_acquire_on_behalf");
    if (!borrower) return -EINVAL;
    return try_lend(l, ptr_borrower(borrower));
}

int weft_limiter_release(weft_limiter *l) {
    struct weft__task *t =
        WEFT__SYNC_ENTER(l, WEFT__MAGIC_LIMITER, "weft_limiter_release");
    return release(l, task_borrower(t));
}

int weft_limiter_release_on_behalf(weft_limiter *l, const void *borrower) {
    WEFT__SYNC_ENTER(l, WEFT__MAGIC_LIMITER, "weft_limiter_release_on_behalf");
    if (!borrower) return -EINVAL;
    return release(l, ptr_borrower(borrower));
}

int weft_limiter_set_total(weft_limiter *l, size_t total) {
    WEFT__SYNC_ENTER(l, WEFT__MAGIC_LIMITER, "weft_limiter_set_total");
    if (!total) return -EINVAL;
    /* Room for everyone the new tokens will go to, before any goes. */
    size_t lendable = l->nborrowed + l->waitq.nwaiters;
    int rc = reserve(l, total < lendable ? total : lendable);
    if (rc) return rc;
    l->total = total;
    serve(l);
    return 0;
}

size_t weft_limiter_total(const weft_limiter *l) {
    WEFT__SYNC_ENTER(l, WEFT__MAGIC_LIMITER, "weft_limiter_total");
    return l->total;
}

size_t weft_limiter_borrowed(const weft_limiter *l) {
    WEFT__SYNC_ENTER(l, WEFT__MAGIC_LIMITER, "weft_limiter_borrowed");
    return l->nborrowed;
}

size_t weft_limiter_available(const weft_limiter *l) {
    WEFT__SYNC_ENTER(l, WEFT__MAGIC_LIMITER, "weft_limiter_available");
    return l->total > l->nborrowed ? l->total - l->nborrowed : 0;
}

size_t weft_limiter_waiters(const weft_limiter *l) {
    WEFT__SYNC_ENTER(l, WEFT__MAGIC_LIMITER, "weft_limiter_waiters");
    return l->waitq.nwaiters;
}

void weft_limiter_destroy(weft_limiter *l) {
    WEFT__SYNC_ENTER(l, WEFT__MAGIC_LIMITER, "weft_limiter_destroy");
    if (unlikely(l->waitq.nwaiters)) {
        weft__sync_waited(l, &l->track, "weft_limiter_destroy", &l->waitq);
    }
    if (unlikely(l->nborrowed)) {
        WEFT__SYNC_MISUSE(l,
                          "weft_limiter_destroy: %zu token(s) still "
                          "borrowed (every acquire needs its release)",
                          l->nborrowed);
    }
    free(l->set);
    WEFT__SYNC_KILL(l);
}
