/* src/sync/event.c: weft_event (docs/SYNC.md; docs/ARCHITECTURE.md
 * "Layers": sync), a flag set once that waiters wait for.
 * Invariant: is_set => no waiters (set wakes them all). */
#include "config.h"

#include "sync/sync.h"
#include "trace.h"

#include <string.h>

int weft_event_init_at(weft_event *e, const char *file, int line) {
    WEFT__SYNC_INIT(e, "event", file, line, "weft_event_init");
    weft__waitq_init(&e->waitq, "event", e, &e->track.site);
    e->magic = WEFT__MAGIC_EVENT;
    return 0;
}

void weft_event_set(weft_event *e) {
    WEFT__SYNC_ENTER(e, WEFT__MAGIC_EVENT, "weft_event_set");
    if (e->is_set) return;
    e->is_set = true;
    weft__trace_obj(e->rt, WEFT_EV_EVENT_SET, 0, e, 0);
    weft__wake_all(&e->waitq, 0);
}

bool weft_event_is_set(const weft_event *e) {
    WEFT__SYNC_ENTER(e, WEFT__MAGIC_EVENT, "weft_event_is_set");
    return e->is_set;
}

int weft_event_wait(weft_event *e) {
    struct weft__task *t =
        WEFT__SYNC_ENTER(e, WEFT__MAGIC_EVENT, "weft_event_wait");
    if (weft__task_cancelled(t)) return -ECANCELED;
    if (e->is_set) return weft__sync_done(0);
    struct weft__wait w;
    w.data = NULL;
    return weft__park(&e->waitq, &w, WEFT_NEVER, WEFT__PARK_CHECKED);
}

size_t weft_event_waiters(const weft_event *e) {
    WEFT__SYNC_ENTER(e, WEFT__MAGIC_EVENT, "weft_event_waiters");
    return e->waitq.nwaiters;
}

void weft_event_destroy(weft_event *e) {
    WEFT__SYNC_ENTER(e, WEFT__MAGIC_EVENT, "weft_event_destroy");
    if (unlikely(e->waitq.nwaiters)) {
        weft__sync_waited(e, &e->track, "weft_event_destroy", &e->waitq);
    }
    WEFT__SYNC_KILL(e);
}
