/* src/leak.c: the runtime's leak tracker (see leak.h for the layout and
 * weft/leak.h for the contract). Invariants: the tracker owns every
 * record and never dereferences an object; a record is live (ptr set,
 * in the live list) or free (ptr NULL, in the free list, its gen bumped
 * since its last handle was given out); a live record with an owner is
 * counted once in that owner's nowned; every slot of the pointer table
 * names a live record that weft_track made, and every such record has
 * one.
 * Leaks are made known through leak_event only. Nothing here feeds a
 * scheduling decision: the table's address order is never walked and
 * reports follow creation order. */
#include "config.h"

#include "leak.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cancel.h"
#include "sched.h"
#include "trace.h"

/* What the last weft_run of this thread leaked (weft_leaks outside). */
static __thread struct weft__leak *last_log;
static __thread size_t last_nlog;
static __thread size_t last_nlost;

/* ---- records ---- */

_Static_assert(sizeof(struct weft__leak_rec) <= 64, "a record grew");

/* Records [first, n) of recs become the free list (which was empty),
 * never used: generation 0. */
static void table_add(struct weft__leak_state *ls,
                      struct weft__leak_rec *recs, uint32_t first,
                      uint32_t n) {
    for (uint32_t i = first; i < n; i++) {
        recs[i] = (struct weft__leak_rec){.next = i + 1 < n ? i + 1 : 0};
    }
    ls->recs = recs;
    ls->nrecs = n;
    ls->free = first;
}

/* Doubles the table, moving it out of the runtime the first time: false
 * when it cannot (out of memory, or 2^31 records). Off the hot path. */
__attribute__((noinline, cold)) static bool
table_grow(struct weft__leak_state *ls) {
    uint32_t old = ls->nrecs;
    uint32_t n = old * 2;
    if (n <= old) return false;
    bool moving = ls->recs == ls->inline_recs;
    struct weft__leak_rec *recs = realloc(moving ? NULL : ls->recs,
                                          (size_t)n * sizeof *recs);
    if (!recs) return false;
    if (moving) memcpy(recs, ls->inline_recs, old * sizeof *recs);
    table_add(ls, recs, old, n);
    return true;
}

static void live_push(struct weft__leak_rec *recs, uint32_t i) {
    uint32_t last = recs[0].prev;
    recs[i].prev = last;
    recs[i].next = 0;
    recs[last].next = i;
    recs[0].prev = i;
}

/* A new live record of obj, owned by the running task, from the free
 * list (not empty): its index. Inlined: every object's init runs it. The
 * caller stamps created_at (rec_stamp) once nothing else is left. */
static inline __attribute__((always_inline)) uint32_t
rec_new(struct weft__rt *rt, const void *obj, const char *kind,
        const char *file, int line) {
    struct weft__leak_state *ls = &rt->leaks;
    uint32_t i = ls->free;
    struct weft__leak_rec *r = &ls->recs[i];
    struct weft__task *t = rt->current;
    ls->free = r->next;
    r->ptr = obj;
    r->kind = kind;
    r->file = file;
    r->line = line;
    r->task_id = t ? t->id : 0;
    r->owner = t;
    if (t) t->leaks.nowned++;
    live_push(ls->recs, i);
    return i;
}

/* The creation time of record i: last, so that little is live across
 * the clock's indirect call. */
static inline __attribute__((always_inline)) void
rec_stamp(struct weft__rt *rt, uint32_t i) {
    weft_time now = rt->backend->now_coarse(rt);
    rt->leaks.recs[i].created_at = now;
}

/* Record i is no longer live: handles to it stop matching. */
static inline __attribute__((always_inline)) void
rec_free(struct weft__leak_state *ls, uint32_t i) {
    struct weft__leak_rec *recs = ls->recs;
    struct weft__leak_rec *r = &recs[i];
    recs[r->prev].next = r->next;
    recs[r->next].prev = r->prev;
    if (r->owner) r->owner->leaks.nowned--;
    r->ptr = NULL;
    r->gen++;
    r->next = ls->free;
    ls->free = i;
}

/* obj's live record named by tr, or NULL: tr is checked against the
 * tracker, so a stale or never-set handle matches nothing. */
static struct weft__leak_rec *rec_of(struct weft__leak_state *ls,
                                     const struct weft__tracked *tr,
                                     const void *obj) {
    uint32_t i = tr->slot;
    if (i == 0 || i >= ls->nrecs) return NULL;
    struct weft__leak_rec *r = &ls->recs[i];
    return r->ptr == obj && r->gen == tr->gen ? r : NULL;
}

static void track_grown(struct weft__rt *rt, struct weft__tracked *tr,
                        const void *obj, const char *kind, const char *file,
                        int line);

void weft__track(struct weft__tracked *tr, const void *obj, const char *kind,
                 const char *file, int line) {
    struct weft__rt *rt = weft__rt_current();
    tr->site.file = file;
    tr->site.line = line;
    tr->slot = 0;
    tr->gen = 0;
    weft__trace_object(rt, obj, kind, file, line);
    if (!rt || !rt->leaks.enabled) return;
    if (unlikely(!rt->leaks.free)) {
        track_grown(rt, tr, obj, kind, file, line);
        return;
    }
    uint32_t i = rec_new(rt, obj, kind, file, line);
    tr->slot = i;
    tr->gen = rt->leaks.recs[i].gen;
    rec_stamp(rt, i);
}

/* weft__track once the table is full: a separate function, so that the
 * common path saves few registers. */
__attribute__((noinline, cold)) static void
track_grown(struct weft__rt *rt, struct weft__tracked *tr, const void *obj,
            const char *kind, const char *file, int line) {
    if (!table_grow(&rt->leaks)) {
        rt->leaks.nuntracked++; /* an _init never fails for tracking */
        return;
    }
    weft__track(tr, obj, kind, file, line);
}

void weft__untrack(struct weft__tracked *tr, const void *obj) {
    struct weft__rt *rt = weft__rt_current();
    if (rt && rec_of(&rt->leaks, tr, obj)) rec_free(&rt->leaks, tr->slot);
    tr->slot = 0;
}

void weft__tracked_disown(const struct weft__tracked *tr, const void *obj) {
    struct weft__rt *rt = weft__rt_current();
    struct weft__leak_rec *r = rt ? rec_of(&rt->leaks, tr, obj) : NULL;
    if (!r || !r->owner) return;
    r->owner->leaks.nowned--;
    r->owner = NULL;
}

weft_time weft__leak_clock(const struct weft__rt *rt) {
    struct weft__rt *mut = (struct weft__rt *)rt;
    return rt->leaks.enabled ? rt->backend->now_coarse(mut) : 0;
}

static void info_of(const struct weft__leak_rec *r, weft_leak_info *li) {
    *li = (weft_leak_info){r->ptr,  r->kind,       r->file,
                           r->line, r->created_at, r->task_id};
}

/* ---- what is tracked now ---- */

typedef void (*visit_fn)(void *ctx, const weft_leak_info *li);

/* t's open scopes, innermost first (groups' and its base excluded). */
static void visit_scopes(const struct weft__task *t, visit_fn fn, void *ctx) {
    for (const weft_scope *s = t->scope_top; s && s->owner == t;
         s = s->parent) {
        if (s->flags & (WEFT__SCOPE_BASE | WEFT__SCOPE_GROUP)) continue;
        weft_leak_info li = {
            s, "scope", s->site.file, s->site.line, s->entered_at, t->id};
        fn(ctx, &li);
    }
}

/* Every object rt tracks now: the records in creation order, then each
 * live task's scopes, tasks in creation order. */
static void visit_live(const struct weft__rt *rt, visit_fn fn, void *ctx) {
    const struct weft__leak_state *ls = &rt->leaks;
    if (!ls->enabled) return;
    for (uint32_t i = ls->nrecs ? ls->recs[0].next : 0; i;
         i = ls->recs[i].next) { /* nrecs == 0 once the run ended */
        weft_leak_info li;
        info_of(&ls->recs[i], &li);
        fn(ctx, &li);
    }
    for (const struct weft__list *l = rt->tasks.next; l != &rt->tasks;
         l = l->next) {
        visit_scopes(container_of(l, const struct weft__task, all_node), fn,
                     ctx);
    }
}

/* ---- reports ---- */

/* The one place a leak is made known: a line on stderr and the trace's
 * leak event (kind, site, task). */
static void leak_event(const struct weft__leak *l, const char *when,
                       const struct weft__site *where) {
    const weft_leak_info *li = &l->info;
    weft__trace_leak(li);
    fprintf(stderr,
            "weft: leak: %s %p created at %s:%d by task %llu at t=%lld ns, "
            "still tracked at %s",
            li->kind ? li->kind : "object", li->ptr, li->file ? li->file : "?",
            li->line, (unsigned long long)li->task_id,
            (long long)li->created_at, when);
    if (where && where->file) {
        fprintf(stderr, " %s:%d", where->file, where->line);
    }
    fputc('\n', stderr);
}

struct report {
    const char *when;
    size_t n;
};

static void report_one(void *p, const weft_leak_info *li) {
    struct report *r = p;
    struct weft__leak l = {.info = *li};
    leak_event(&l, r->when, NULL);
    r->n++;
}

size_t weft__leaks_report(struct weft__rt *rt, const char *when) {
    struct report r = {when, 0};
    visit_live(rt, report_one, &r);
    return r.n;
}

/* Appends a leak of a task of group (NULL: none) to the log. When the
 * log cannot grow the leak is reported at once and only counted. */
static void log_info(struct weft__leak_state *ls, const weft_leak_info *li,
                     const void *group) {
    struct weft__leak l = {.info = *li, .group = group};
    if (ls->nlog == ls->caplog) {
        size_t cap = ls->caplog ? ls->caplog * 2 : 8;
        struct weft__leak *log = realloc(ls->log, cap * sizeof *log);
        if (!log) {
            leak_event(&l, "the end of its task (not kept: out of memory)",
                       NULL);
            ls->nlost++;
            return;
        }
        ls->log = log;
        ls->caplog = cap;
    }
    ls->log[ls->nlog++] = l;
}

/* ---- weft_track's table: linear probing, backward-shift deletion ---- */

/* The table holds record indices (0: empty), hashed by their ptr. */
#define NO_SLOT ((size_t)-1)

static size_t slot_home(const void *ptr, size_t mask) {
    uint64_t h = (uint64_t)(uintptr_t)ptr * UINT64_C(0x9e3779b97f4a7c15);
    return (size_t)(h ^ (h >> 32)) & mask;
}

static const void *slot_ptr(const struct weft__leak_state *ls, size_t i) {
    return ls->recs[ls->slots[i]].ptr;
}

static size_t slot_find(const struct weft__leak_state *ls, const void *ptr) {
    if (!ls->nslots) return NO_SLOT;
    size_t mask = ls->nslots - 1;
    for (size_t i = slot_home(ptr, mask); ls->slots[i]; i = (i + 1) & mask) {
        if (slot_ptr(ls, i) == ptr) return i;
    }
    return NO_SLOT;
}

static void slot_put(uint32_t *slots, size_t mask, const void *ptr,
                     uint32_t rec) {
    size_t i = slot_home(ptr, mask);
    while (slots[i])
        i = (i + 1) & mask;
    slots[i] = rec;
}

/* Room for one more entry at load <= 1/2: 0 or -ENOMEM (unchanged). */
static int slot_reserve(struct weft__leak_state *ls) {
    if ((ls->nused + 1) * 2 <= ls->nslots) return 0;
    size_t n = ls->nslots ? ls->nslots * 2 : 16;
    uint32_t *slots = calloc(n, sizeof *slots);
    if (!slots) return -ENOMEM;
    for (size_t i = 0; i < ls->nslots; i++) {
        if (ls->slots[i]) {
            slot_put(slots, n - 1, slot_ptr(ls, i), ls->slots[i]);
        }
    }
    free(ls->slots);
    ls->slots = slots;
    ls->nslots = n;
    return 0;
}

/* Empties slot i, shifting back the entries of its probe run that may
 * move, so lookups never need tombstones. */
static void slot_remove(struct weft__leak_state *ls, size_t i) {
    size_t mask = ls->nslots - 1;
    for (size_t j = (i + 1) & mask; ls->slots[j]; j = (j + 1) & mask) {
        size_t k = slot_home(slot_ptr(ls, j), mask);
        bool stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
        if (!stays) { /* its home is at or before the hole */
            ls->slots[i] = ls->slots[j];
            i = j;
        }
    }
    ls->slots[i] = 0;
    ls->nused--;
}

/* Frees record i, and its slot when weft_track made it. */
static void rec_drop(struct weft__leak_state *ls, uint32_t i) {
    size_t s = slot_find(ls, ls->recs[i].ptr);
    if (s != NO_SLOT && ls->slots[s] == i) slot_remove(ls, s);
    rec_free(ls, i);
}

/* ---- the runtime's hooks ---- */

void weft__leaks_init(struct weft__rt *rt, bool enabled) {
    struct weft__leak_state *ls = &rt->leaks;
    ls->enabled = enabled;
    /* recs[0], the live list's head, is zeroed with rt: an empty list */
    if (enabled) table_add(ls, ls->inline_recs, 1, WEFT__LEAK_INLINE);
}

/* Logs and frees t's records: its objects are never read (those in its
 * stack died with it), the records hold every detail. O(records) for a
 * task that leaked, nothing for the others. */
void weft__leaks_task_end(struct weft__task *t) {
    if (likely(!t->leaks.nowned)) return;
    struct weft__leak_state *ls = &t->rt->leaks;
    uint32_t i = ls->recs[0].next;
    while (t->leaks.nowned && i) {
        uint32_t next = ls->recs[i].next;
        if (ls->recs[i].owner == t) {
            weft_leak_info li;
            info_of(&ls->recs[i], &li);
            log_info(ls, &li, t->group);
            rec_drop(ls, i);
        }
        i = next;
    }
    weft__assert(t->leaks.nowned == 0);
}

void weft__leaks_group_joined(struct weft__rt *rt, const void *g,
                              const struct weft__site *site) {
    struct weft__leak_state *ls = &rt->leaks;
    for (size_t i = ls->nreported; i < ls->nlog; i++) {
        struct weft__leak *l = &ls->log[i];
        if (l->reported || l->group != g) continue;
        leak_event(l, "the join of the group created at", site);
        l->reported = true;
    }
    while (ls->nreported < ls->nlog && ls->log[ls->nreported].reported) {
        ls->nreported++;
    }
}

static void log_at_exit(void *ls, const weft_leak_info *li) {
    log_info(ls, li, NULL);
}

/* The run's totals on stderr: leaks, and objects never tracked. */
static void report_totals(const struct weft__leak_state *ls) {
    size_t total = ls->nlost + ls->nlog;
    if (!total && !ls->nuntracked) return;
    char run[128];
    weft__describe_run(run, sizeof run);
    if (total) {
        fprintf(stderr, "weft: %zu object(s) leaked in this run%s\n", total,
                run);
    }
    if (ls->nuntracked) {
        fprintf(stderr,
                "weft: %zu object(s) went untracked in this run (the leak "
                "tracker was out of memory): their leaks cannot be "
                "reported%s\n",
                ls->nuntracked, run);
    }
}

void weft__leaks_run_end(struct weft__rt *rt) {
    struct weft__leak_state *ls = &rt->leaks;
    /* Left: objects of tasks blocked at a deadlock (their frames are
     * alive), taken over by the runtime, or made outside a task. */
    visit_live(rt, log_at_exit, ls);
    if (rt->deadlocked && ls->nreported < ls->nlog) {
        fprintf(stderr, "weft: objects left behind by the deadlock above "
                        "(their tasks never ended):\n");
    }
    for (size_t i = ls->nreported; i < ls->nlog; i++) {
        if (!ls->log[i].reported) {
            leak_event(&ls->log[i], "weft_run exit", NULL);
        }
    }
    report_totals(ls);
    if (ls->recs != ls->inline_recs) free(ls->recs);
    ls->recs = NULL; /* a handle left in an object now matches nothing */
    ls->nrecs = 0;
    ls->free = 0;
    free(ls->slots);
    ls->slots = NULL;
    ls->nslots = 0;
    ls->nused = 0;
    weft__leaks_forget_last_run();
    last_log = ls->log;
    last_nlog = ls->nlog;
    last_nlost = ls->nlost;
    ls->log = NULL;
}

void weft__leaks_forget_last_run(void) {
    free(last_log);
    last_log = NULL;
    last_nlog = 0;
    last_nlost = 0;
}

/* ---- public API ---- */

int weft_track(const void *ptr, const char *kind, const char *file, int line) {
    if (!ptr) return -EINVAL;
    struct weft__rt *rt = weft__rt_current();
    if (!rt || !rt->leaks.enabled) return 0;
    struct weft__leak_state *ls = &rt->leaks;
    if (slot_find(ls, ptr) != NO_SLOT) return -EEXIST;
    if (slot_reserve(ls)) return -ENOMEM;
    if (!ls->free && !table_grow(ls)) return -ENOMEM;
    uint32_t i = rec_new(rt, ptr, kind ? kind : "user", file, line);
    slot_put(ls->slots, ls->nslots - 1, ptr, i);
    ls->nused++;
    rec_stamp(rt, i);
    return 0;
}

int weft_untrack(const void *ptr) {
    struct weft__rt *rt = weft__rt_current();
    if (!rt || !rt->leaks.enabled) return 0;
    struct weft__leak_state *ls = &rt->leaks;
    size_t s = slot_find(ls, ptr);
    if (s == NO_SLOT) return -ENOENT;
    uint32_t i = ls->slots[s];
    slot_remove(ls, s);
    rec_free(ls, i);
    return 0;
}

struct collect {
    weft_leak_info *out;
    size_t max;
    size_t n;
};

static void collect_one(void *p, const weft_leak_info *li) {
    struct collect *c = p;
    if (c->n < c->max) c->out[c->n] = *li;
    c->n++;
}

size_t weft_leaks(weft_leak_info *out, size_t max) {
    const struct weft__rt *rt = weft__rt_current();
    const struct weft__leak *log = rt ? rt->leaks.log : last_log;
    size_t nlog = rt ? rt->leaks.nlog : last_nlog;
    struct collect c = {out, max, 0};
    for (size_t i = 0; i < nlog; i++) {
        collect_one(&c, &log[i].info);
    }
    if (rt) visit_live(rt, collect_one, &c);
    return c.n + (rt ? rt->leaks.nlost : last_nlost);
}
