/* src/leak.c: the runtime's list of live weft objects (see leak.h). */
#include "config.h"

#include "leak.h"

#include <stdio.h>

#include "sched.h"

void weft__track(struct weft__tracked *tr, const void *obj, const char *kind,
                 const char *file, int line) {
    struct weft__rt *rt = weft__rt_current();
    weft__list_init(&tr->node);
    tr->ptr = obj;
    tr->kind = kind;
    tr->site.file = file;
    tr->site.line = line;
    if (!rt) return;
    tr->created_at = rt->backend->now(rt);
    tr->task_id = rt->current ? rt->current->id : 0;
    weft__list_push(&rt->tracked, &tr->node);
}

void weft__untrack(struct weft__tracked *tr) { weft__list_erase(&tr->node); }

size_t weft__leaks_report(struct weft__rt *rt, const char *when) {
    size_t n = 0;
    struct weft__list *l;
    for (l = rt->tracked.next; l != &rt->tracked; l = l->next) {
        const struct weft__tracked *tr =
            container_of(l, struct weft__tracked, node);
        fprintf(stderr,
                "weft: leak at %s: %s %p created at %s:%d by task %llu at "
                "t=%lld ns\n",
                when, tr->kind, tr->ptr, tr->site.file ? tr->site.file : "?",
                tr->site.line, (unsigned long long)tr->task_id,
                (long long)tr->created_at);
        n++;
    }
    return n;
}
