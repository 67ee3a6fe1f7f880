/* src/sync/sync.c: the checks every synchronisation object shares
 * (src/sync/sync.h): the report of a bad object and the poisoning at
 * destroy. Both are off the fast path: a report aborts, destroy is rare. */
#include "config.h"

#include "sync/sync.h"

#include <string.h>

static const char *kind_name(uint32_t magic) {
    switch (magic) {
        case WEFT__MAGIC_LOCK:
            return "weft_lock";
        case WEFT__MAGIC_SEM:
            return "weft_sem";
        case WEFT__MAGIC_LIMITER:
            return "weft_limiter";
        case WEFT__MAGIC_EVENT:
            return "weft_event";
        case WEFT__MAGIC_COND:
            return "weft_cond";
        case WEFT__MAGIC_QUEUE:
            return "weft_queue";
        case WEFT__MAGIC_PQUEUE:
            return "weft_pqueue";
        default:
            return NULL;
    }
}

void weft__sync_bad(const void *obj, uint32_t magic, uint32_t want,
                    const struct weft__rt *rt, const struct weft__tracked *tr,
                    const char *what) {
    const struct weft__rt *cur = weft__rt_current();
    const char *kind = kind_name(want);
    if (magic == WEFT__MAGIC_DEAD(want)) {
        weft__misuse(obj, tr->site.file, tr->site.line,
                     "%s: this %s was destroyed (use after destroy)", what,
                     kind);
    }
    if (magic != want) {
        /* Another layout, or garbage: its site cannot be trusted. */
        const char *other = kind_name(magic);
        if (other) {
            weft__misuse(obj, NULL, 0, "%s: object is a %s, not a %s", what,
                         other, kind);
        }
        weft__misuse(obj, NULL, 0,
                     "%s: not an initialised %s (magic word 0x%08x: never "
                     "initialised, overwritten or destroyed)",
                     what, kind, (unsigned)magic);
    }
    if (!cur) {
        weft__misuse(obj, tr->site.file, tr->site.line,
                     "%s called outside weft_run (this %s belongs to runtime "
                     "%p)",
                     what, kind, (const void *)rt);
    }
    if (rt != cur) {
        weft__misuse(obj, tr->site.file, tr->site.line,
                     "%s: this %s belongs to another runtime (%p, the caller "
                     "runs in %p)",
                     what, kind, (const void *)rt, (const void *)cur);
    }
    weft__misuse(obj, tr->site.file, tr->site.line,
                 "%s called outside a weft task", what);
}

void weft__sync_kill(void *obj, size_t size, uint32_t *magic,
                     struct weft__tracked *tr) {
    struct weft__site site = tr->site;
    uint32_t dead = WEFT__MAGIC_DEAD(*magic);
    weft__untrack(tr, obj);
    memset(obj, 0xa5, size);
    *magic = dead;
    tr->site = site;
}

void weft__sync_waited(const void *obj, const struct weft__tracked *tr,
                       const char *what, const struct weft__waitq *q) {
    const struct weft__wait *w = weft__waitq_first(q);
    weft__misuse(obj, tr->site.file, tr->site.line,
                 "%s: %zu task(s) still wait in %s, the oldest '%s' (id "
                 "%llu)",
                 what, q->nwaiters, q->kind, weft__task_name(w->task),
                 (unsigned long long)w->task->id);
}

const struct weft__task *weft__sync_task_by_id(const struct weft__rt *rt,
                                               uint64_t id) {
    for (const struct weft__list *n = rt->tasks.next; n != &rt->tasks;
         n = n->next) {
        const struct weft__task *t =
            container_of(n, const struct weft__task, all_node);
        if (t->id == id) return t;
    }
    return NULL;
}
