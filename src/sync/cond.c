/* src/sync/cond.c: weft_cond (docs/SYNC.md; docs/ARCHITECTURE.md
 * "Layers": sync), a condition variable bound to a weft_lock.
 * The notifier holds the lock, so a notify does not wake a waiter: it
 * moves its wait record, still parked, from the condition's queue to the
 * tail of the lock's queue (trio's repark) and marks it notified. The
 * lock's release then hands the lock over and wakes it: notified waiters
 * take the lock in notify order, a later acquirer cannot barge in, and
 * notify_all wakes tasks one at a time, not as a herd. Once moved, a
 * waiter is no longer woken by cancellation (weft__requeue): it keeps
 * its place in the lock's queue and reports success, so a notify is
 * never lost to a cancellation. A waiter cancelled before any notify
 * takes the lock back ignoring cancellation, so the caller holds the
 * lock on every return, and reports -ECANCELED. */
#include "config.h"

#include "sync/sync.h"

#include <string.h>

int weft_cond_init_at(weft_cond *c, weft_lock *lk, const char *file, int line) {
    WEFT__SYNC_ENTER(lk, WEFT__MAGIC_LOCK, "weft_cond_init");
    WEFT__SYNC_INIT(c, "condition", file, line, "weft_cond_init");
    c->lock = lk;
    weft__waitq_init(&c->waitq, "condition", c, &c->track.site);
    c->magic = WEFT__MAGIC_COND;
    return 0;
}

/* The calling task, after checking c and its lock. */
static struct weft__task *enter(const weft_cond *c, const char *what) {
    struct weft__task *t = WEFT__SYNC_ENTER(c, WEFT__MAGIC_COND, what);
    WEFT__SYNC_ENTER(c->lock, WEFT__MAGIC_LOCK, what);
    return t;
}

int weft_cond_wait(weft_cond *c) {
    struct weft__task *t = enter(c, "weft_cond_wait");
    weft_lock *lk = c->lock;
    if (!weft__lock_held_by(lk, t)) return -EPERM;
    if (weft__task_cancelled(t)) return -ECANCELED;
    weft__lock_release_held(lk);
    struct weft__wait w;
    w.data = NULL; /* notify sets it to lk */
    int rc = weft__park(&c->waitq, &w, WEFT_NEVER, 0);
    if (rc == 0) { /* notified, then handed the lock by its release */
        weft__assert(weft__lock_held_by(lk, t));
        return 0;
    }
    weft__assert(!w.data); /* cancelled on the condition's queue */
    weft__lock_take_nocancel(lk, t);
    return rc;
}

/* The one place waiters are notified (trace point: cond notify). */
static void notify(weft_cond *c, size_t n, const char *what) {
    struct weft__task *t = enter(c, what);
    weft_lock *lk = c->lock;
    if (unlikely(!weft__lock_held_by(lk, t))) {
        WEFT__SYNC_MISUSE(c,
                          "%s: the calling task '%s' does not hold the "
                          "condition's lock",
                          what, weft__task_name(t));
    }
    struct weft__wait *w;
    for (; n && (w = weft__waitq_first(&c->waitq)); n--) {
        w->data = lk;
        weft__requeue(w, &lk->waitq); /* lk is held: release hands over */
    }
}

void weft_cond_notify(weft_cond *c, size_t n) {
    notify(c, n, "weft_cond_notify");
}

void weft_cond_notify_all(weft_cond *c) {
    notify(c, SIZE_MAX, "weft_cond_notify_all");
}

weft_lock *weft_cond_lock(const weft_cond *c) {
    WEFT__SYNC_ENTER(c, WEFT__MAGIC_COND, "weft_cond_lock");
    return c->lock;
}

size_t weft_cond_waiters(const weft_cond *c) {
    WEFT__SYNC_ENTER(c, WEFT__MAGIC_COND, "weft_cond_waiters");
    return c->waitq.nwaiters;
}

void weft_cond_destroy(weft_cond *c) {
    WEFT__SYNC_ENTER(c, WEFT__MAGIC_COND, "weft_cond_destroy");
    if (unlikely(c->waitq.nwaiters)) {
        weft__sync_waited(c, &c->track, "weft_cond_destroy", &c->waitq);
    }
    WEFT__SYNC_KILL(c);
}
