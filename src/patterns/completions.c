/* src/patterns/completions.c: the completion stream (API.md "Patterns";
 * the seed's CompletionStream, with the docs' rule: leaving early
 * cancels and awaits what still runs).
 * min(limit, n) worker tasks in the stream's group take calls in input
 * order and append each result to cs->order as it ends; next() hands
 * them out in that order. Invariants: nread <= ndone <= nstarted <= n;
 * once the last worker ended nothing more is appended except by next(),
 * which hands out the calls no worker started as -ECANCELED. */
#include "config.h"

#include <string.h>

#include "patterns/patterns.h"

enum stream_state {
    STREAM_OPEN = 0x434f4d50, /* "COMP" */
    STREAM_DEAD = 0x44454144, /* "DEAD" */
};

static void check_open(const weft_completions *cs, const char *what) {
    if (unlikely(cs->state != STREAM_OPEN)) {
        weft__misuse(cs, NULL, 0,
                     "%s: not an open completion stream (never initialised, "
                     "or destroyed)",
                     what);
    }
}

static void append(weft_completions *cs, size_t i, int rc) {
    cs->codes[i] = rc;
    cs->order[cs->ndone++] = i;
}

static int stream_worker(void *p) {
    weft_completions *cs = p;
    while (cs->nstarted < cs->n && !weft__self_cancelled()) {
        size_t i = cs->nstarted++;
        append(cs, i, cs->calls[i].fn(cs->calls[i].arg));
        weft__wake_first(&cs->ready_q, 0);
    }
    if (--cs->nworkers == 0) weft__wake_all(&cs->ready_q, 0); /* the end */
    return 0;
}

int weft_completions_init_at(weft_completions *cs, const weft_call *calls,
                             size_t n, size_t limit, const char *file,
                             int line) {
    weft__task_current("weft_completions_init");
    int rc = weft__calls_check(calls, n);
    if (rc) return rc;
    memset(cs, 0, sizeof *cs);
    if (n) {
        cs->order = weft__alloc_array(n, sizeof(size_t) + sizeof(int));
        if (!cs->order) return -ENOMEM;
        cs->codes = (int *)(void *)(cs->order + n);
    }
    cs->calls = calls;
    cs->n = n;
    weft_group_init_at(&cs->group, file, line);
    weft__waitq_init(&cs->ready_q, "completion stream", cs, &cs->group.site);
    size_t want = limit && limit < n ? limit : n;
    while (cs->nworkers < want) {
        rc = weft_spawn(&cs->group, "completions", stream_worker, cs);
        if (rc) break; /* run with fewer workers, if any */
        cs->nworkers++;
    }
    if (want && !cs->nworkers) {
        weft_group_join(&cs->group);
        weft_group_destroy(&cs->group);
        free(cs->order);
        return rc;
    }
    weft__track(&cs->tracked, cs, "completions", file, line);
    cs->state = STREAM_OPEN;
    return 0;
}

int weft_completions_next(weft_completions *cs, size_t *index, int *code) {
    check_open(cs, "weft_completions_next");
    int rc = weft__checkpoint(); /* even when a result is ready */
    if (rc) return rc;
    while (cs->nread == cs->ndone && cs->nworkers) {
        struct weft__wait w;
        rc = weft__park(&cs->ready_q, &w, WEFT_NEVER, 0);
        if (rc) return rc; /* nothing was taken */
    }
    if (cs->nread == cs->ndone) {
        if (cs->nstarted == cs->n) return -EPIPE;
        append(cs, cs->nstarted++, -ECANCELED); /* never started */
    }
    size_t i = cs->order[cs->nread++];
    if (index) *index = i;
    if (code) *code = cs->codes[i];
    return 0;
}

void weft_completions_destroy(weft_completions *cs) {
    struct weft__task *t = weft__task_current("weft_completions_destroy");
    check_open(cs, "weft_completions_destroy");
    if (unlikely(cs->group.scope.owner != t)) {
        weft__misuse(cs, cs->group.site.file, cs->group.site.line,
                     "weft_completions_destroy: the stream belongs to the "
                     "task that initialised it");
    }
    const struct weft__wait *w = weft__waitq_first(&cs->ready_q);
    if (unlikely(w)) { /* destroying would pull the stream from under it */
        weft__misuse(cs, cs->group.site.file, cs->group.site.line,
                     "weft_completions_destroy: %zu task(s) still wait in "
                     "weft_completions_next, the oldest '%s' (id %llu)",
                     cs->ready_q.nwaiters, w->task->name ? w->task->name : "?",
                     (unsigned long long)w->task->id);
    }
    if (cs->nworkers) weft_group_cancel(&cs->group);
    weft_group_join(&cs->group);
    weft_group_destroy(&cs->group);
    free(cs->order);
    weft__untrack(&cs->tracked, cs);
    memset(cs, 0xff, sizeof *cs);
    cs->state = STREAM_DEAD;
}
