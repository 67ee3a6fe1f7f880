/* src/sync/sem.c: weft_sem (docs/SYNC.md; docs/ARCHITECTURE.md
 * "Layers": sync), a counting semaphore with an optional upper bound.
 * Invariants: waiters nonempty => value == 0; max == 0 || value <= max.
 * A release with waiters hands its unit straight to the oldest one
 * (value stays 0), so later acquirers cannot barge in and a cancelled
 * waiter, dequeued before any hand-off, took no unit. */
#include "config.h"

#include "sync/sync.h"
#include "trace.h"

#include <limits.h>
#include <string.h>

int weft_sem_init_at(weft_sem *s, unsigned value, unsigned max,
                     const char *file, int line) {
    weft__task_current("weft_sem_init");
    if (max && value > max) return -EINVAL;
    WEFT__SYNC_INIT(s, "semaphore", file, line, "weft_sem_init");
    s->value = value;
    s->max = max;
    weft__waitq_init(&s->waitq, "semaphore", s, &s->track.site);
    s->magic = WEFT__MAGIC_SEM;
    return 0;
}

/* The one place task t takes a unit (trace point: sem acquire). */
static inline void take(weft_sem *s, const struct weft__task *t) {
    weft__trace_obj(s->rt, WEFT_EV_SEM_ACQUIRE, t->id, s, s->value - 1);
    weft__assert(s->value > 0);
    s->value--;
}

/* The one place a unit comes back (trace point: sem release); the
 * oldest waiter takes it at once. */
static inline void give(weft_sem *s) {
    weft__trace_obj(s->rt, WEFT_EV_SEM_RELEASE, 0, s, s->value + 1);
    s->value++;
    struct weft__wait *w = weft__waitq_first(&s->waitq);
    if (w) {
        take(s, w->task);
        weft__wake(w, 0);
    }
}

int weft_sem_acquire(weft_sem *s) {
    struct weft__task *t =
        WEFT__SYNC_ENTER(s, WEFT__MAGIC_SEM, "weft_sem_acquire");
    if (weft__task_cancelled(t)) return -ECANCELED;
    if (s->value) {
        take(s, t);
        return weft__sync_done(0);
    }
    struct weft__wait w;
    w.data = NULL;
    return weft__park(&s->waitq, &w, WEFT_NEVER, WEFT__PARK_CHECKED);
}

int weft_sem_try_acquire(weft_sem *s) {
    struct weft__task *t =
        WEFT__SYNC_ENTER(s, WEFT__MAGIC_SEM, "weft_sem_try_acquire");
    if (!s->value) return -EWOULDBLOCK;
    take(s, t);
    return 0;
}

int weft_sem_release(weft_sem *s) {
    WEFT__SYNC_ENTER(s, WEFT__MAGIC_SEM, "weft_sem_release");
    if (s->value == (s->max ? s->max : UINT_MAX)) return -EOVERFLOW;
    give(s);
    return 0;
}

unsigned weft_sem_value(const weft_sem *s) {
    WEFT__SYNC_ENTER(s, WEFT__MAGIC_SEM, "weft_sem_value");
    return s->value;
}

size_t weft_sem_waiters(const weft_sem *s) {
    WEFT__SYNC_ENTER(s, WEFT__MAGIC_SEM, "weft_sem_waiters");
    return s->waitq.nwaiters;
}

void weft_sem_destroy(weft_sem *s) {
    WEFT__SYNC_ENTER(s, WEFT__MAGIC_SEM, "weft_sem_destroy");
    if (unlikely(s->waitq.nwaiters)) {
        weft__sync_waited(s, &s->track, "weft_sem_destroy", &s->waitq);
    }
    WEFT__SYNC_KILL(s);
}
