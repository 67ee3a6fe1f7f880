/* src/sync/lock.c: weft_lock (docs/SYNC.md; docs/ARCHITECTURE.md
 * "Layers": sync), a thin layer over the wait primitive.
 * Invariant: waiters nonempty => owner_id != 0. A release never frees a
 * lock that has waiters: it makes the oldest waiter the owner and wakes
 * it (hand-off), so a task that acquires later cannot barge in, and a
 * waiter cancelled before the hand-off was dequeued and owns nothing.
 * The holder is known by task id, never by address: a task that ends
 * holding the lock leaves it held, and the task that reuses its stack
 * (and address) does not inherit it. */
#include "config.h"

#include "sync/sync.h"
#include "trace.h"

#include <string.h>

int weft_lock_init_at(weft_lock *lk, const char *file, int line) {
    WEFT__SYNC_INIT(lk, "lock", file, line, "weft_lock_init");
    weft__waitq_init(&lk->waitq, "lock", lk, &lk->track.site);
    lk->magic = WEFT__MAGIC_LOCK;
    return 0;
}

/* The one place a task comes to hold lk (trace point: lock acquire). */
static inline void take(weft_lock *lk, const struct weft__task *t) {
    weft__assert(!lk->owner_id);
    lk->owner_id = t->id;
    weft__trace_obj(lk->rt, WEFT_EV_LOCK_ACQUIRE, t->id, lk, 0);
}

/* The one place lk stops being held (trace point: lock release); the
 * oldest waiter takes it at once. */
static inline void give(weft_lock *lk) {
    weft__trace_obj(lk->rt, WEFT_EV_LOCK_RELEASE, lk->owner_id, lk, 0);
    lk->owner_id = 0;
    struct weft__wait *w = weft__waitq_first(&lk->waitq);
    if (w) {
        take(lk, w->task);
        weft__wake(w, 0);
    }
}

int weft_lock_acquire(weft_lock *lk) {
    struct weft__task *t =
        WEFT__SYNC_ENTER(lk, WEFT__MAGIC_LOCK, "weft_lock_acquire");
    if (weft__task_cancelled(t)) return -ECANCELED;
    if (likely(!lk->owner_id)) { /* uncontended: take, schedule point */
        take(lk, t);
        return weft__sync_done(0);
    }
    if (weft__lock_held_by(lk, t)) return weft__sync_done(-EDEADLK);
    struct weft__wait w;
    w.data = NULL;
    int rc = weft__park(&lk->waitq, &w, WEFT_NEVER, WEFT__PARK_CHECKED);
    weft__assert(rc != 0 || weft__lock_held_by(lk, t)); /* 0: give() */
    return rc;
}

int weft_lock_try_acquire(weft_lock *lk) {
    struct weft__task *t =
        WEFT__SYNC_ENTER(lk, WEFT__MAGIC_LOCK, "weft_lock_try_acquire");
    if (lk->owner_id) {
        return weft__lock_held_by(lk, t) ? -EDEADLK : -EWOULDBLOCK;
    }
    take(lk, t);
    return 0;
}

int weft_lock_release(weft_lock *lk) {
    struct weft__task *t =
        WEFT__SYNC_ENTER(lk, WEFT__MAGIC_LOCK, "weft_lock_release");
    if (unlikely(!weft__lock_held_by(lk, t))) return -EPERM;
    give(lk);
    return 0;
}

void weft__lock_release_held(weft_lock *lk) {
    give(lk);
}

void weft__lock_take_nocancel(weft_lock *lk, struct weft__task *t) {
    if (!lk->owner_id) {
        take(lk, t);
        return;
    }
    struct weft__wait w;
    w.data = NULL;
    int rc = weft__park(&lk->waitq, &w, WEFT_NEVER, WEFT__PARK_NOCANCEL);
    weft__assert(rc == 0 && weft__lock_held_by(lk, t));
}

bool weft_lock_locked(const weft_lock *lk) {
    WEFT__SYNC_ENTER(lk, WEFT__MAGIC_LOCK, "weft_lock_locked");
    return lk->owner_id != 0;
}

size_t weft_lock_waiters(const weft_lock *lk) {
    WEFT__SYNC_ENTER(lk, WEFT__MAGIC_LOCK, "weft_lock_waiters");
    return lk->waitq.nwaiters;
}

void weft_lock_destroy(weft_lock *lk) {
    WEFT__SYNC_ENTER(lk, WEFT__MAGIC_LOCK, "weft_lock_destroy");
    if (likely(!lk->owner_id)) {
        WEFT__SYNC_KILL(lk);
        return;
    }
    const char *waited = lk->waitq.nwaiters ? " and has waiters" : "";
    unsigned long long id = lk->owner_id;
    const struct weft__task *owner = weft__sync_task_by_id(lk->rt, id);
    if (!owner) {
        WEFT__SYNC_MISUSE(lk,
                          "weft_lock_destroy: the lock is held by task id "
                          "%llu, which has ended (it returned without "
                          "releasing)%s",
                          id, waited);
    }
    WEFT__SYNC_MISUSE(lk,
                      "weft_lock_destroy: the lock is held by task '%s' "
                      "(id %llu)%s",
                      weft__task_name(owner), id, waited);
}
