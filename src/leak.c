/* src/leak.c: the runtime's leak tracker (see leak.h for the layout and
 * weft/leak.h for the contract). Invariants: a record's `where` names the
 * one list it is in; a record with an owner is counted once in that
 * owner's nframe (frame list) or nowned (runtime's list); a set shadow
 * bit belongs to exactly one frame record; every record in the slot
 * table was allocated by weft_track and is in the runtime's list. Leaks
 * are made known through leak_event only. Nothing here feeds a
 * scheduling decision: the table's address order is never walked and
 * reports follow creation order. */
#include "config.h"

#include "leak.h"

#include <stdio.h>
#include <stdlib.h>

#include "cancel.h"
#include "sched.h"
#include "trace.h"

/* What the last weft_run of this thread leaked (weft_leaks outside). */
static __thread struct weft__leak *last_log;
static __thread size_t last_nlog;
static __thread size_t last_nlost;

/* ---- records ---- */

static bool in_own_stack(const struct weft__task *t, const void *p) {
    const char *c = p;
    return c >= (const char *)t->stack.lo && c < (const char *)t;
}

/* A free shadow of t filled with tr's details, or -1. */
static int8_t take_shadow(struct weft__task *t,
                          const struct weft__tracked *tr) {
    for (int k = 0; k < WEFT__LEAK_SHADOWS; k++) {
        if (t->leaks.shadow_used & (1u << k)) continue;
        t->leaks.shadow_used |= (uint8_t)(1u << k);
        t->leaks.shadow[k] = (struct weft__shadow){
            tr->ptr, tr->kind, tr->site.file, tr->site.line, tr->created_at};
        return (int8_t)k;
    }
    return -1;
}

static void link_record(struct weft__rt *rt, struct weft__tracked *tr) {
    struct weft__task *t = rt->current;
    if (t && in_own_stack(t, tr)) {
        struct weft__task_leaks *tl = &t->leaks;
        if (!tl->frame.next) weft__list_init(&tl->frame);
        weft__list_push(&tl->frame, &tr->node);
        tl->nframe++;
        tr->where = WEFT__TRACKED_FRAME;
        tr->shadow = take_shadow(t, tr);
    } else {
        weft__list_push(&rt->leaks.tracked, &tr->node);
        if (t) t->leaks.nowned++;
        tr->where = WEFT__TRACKED_RUNTIME;
    }
}

void weft__track(struct weft__tracked *tr, const void *obj, const char *kind,
                 const char *file, int line) {
    struct weft__rt *rt = weft__rt_current();
    weft__list_init(&tr->node);
    tr->ptr = obj;
    tr->kind = kind;
    tr->site.file = file;
    tr->site.line = line;
    tr->created_at = 0;
    tr->task_id = 0;
    tr->owner = NULL;
    tr->where = WEFT__TRACKED_NONE;
    tr->shadow = -1;
    weft__trace_object(rt, obj, kind, file, line);
    if (!rt || !rt->leaks.enabled) return;
    tr->created_at = rt->backend->now_coarse(rt);
    if (rt->current) {
        tr->task_id = rt->current->id;
        tr->owner = rt->current;
    }
    link_record(rt, tr);
}

void weft__tracked_disown(struct weft__tracked *tr) {
    weft__assert(tr->where != WEFT__TRACKED_FRAME);
    if (!tr->owner) return;
    tr->owner->leaks.nowned--;
    tr->owner = NULL;
}

void weft__untrack(struct weft__tracked *tr) {
    weft__list_erase(&tr->node);
    struct weft__task *t = tr->owner;
    if (t && tr->where == WEFT__TRACKED_FRAME) {
        t->leaks.nframe--;
        if (tr->shadow >= 0) t->leaks.shadow_used &= ~(1u << tr->shadow);
    } else if (t) {
        t->leaks.nowned--;
    }
    tr->owner = NULL;
    tr->where = WEFT__TRACKED_NONE;
    tr->shadow = -1;
}

weft_time weft__leak_clock(const struct weft__rt *rt) {
    struct weft__rt *mut = (struct weft__rt *)rt;
    return rt->leaks.enabled ? rt->backend->now_coarse(mut) : 0;
}

static void info_of(const struct weft__tracked *tr, weft_leak_info *li) {
    *li = (weft_leak_info){tr->ptr,       tr->kind,       tr->site.file,
                           tr->site.line, tr->created_at, tr->task_id};
}

/* ---- what is tracked now ---- */

typedef void (*visit_fn)(void *ctx, const weft_leak_info *li);

static void visit_list(const struct weft__list *head, visit_fn fn, void *ctx) {
    if (!head->next) return; /* a frame list never set up */
    for (const struct weft__list *l = head->next; l != head; l = l->next) {
        weft_leak_info li;
        info_of(container_of(l, const struct weft__tracked, node), &li);
        fn(ctx, &li);
    }
}

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

/* Every object rt tracks now: the runtime's list, then each live task's
 * frame records and scopes, tasks in creation order. */
static void visit_live(const struct weft__rt *rt, visit_fn fn, void *ctx) {
    if (!rt->leaks.enabled) return;
    visit_list(&rt->leaks.tracked, fn, ctx);
    for (const struct weft__list *l = rt->tasks.next; l != &rt->tasks;
         l = l->next) {
        const struct weft__task *t =
            container_of(l, const struct weft__task, all_node);
        visit_list(&t->leaks.frame, fn, ctx);
        visit_scopes(t, fn, ctx);
    }
}

/* ---- reports ---- */

/* The one place a leak is made known: a line on stderr and the trace's
 * leak event (kind, site, task). */
static void leak_event(const struct weft__leak *l, const char *when,
                       const struct weft__site *where) {
    const weft_leak_info *li = &l->info;
    weft__trace_leak(li, l->nmore);
    if (l->nmore) {
        fprintf(stderr,
                "weft: leak: %zu more object(s) on the stack of task '%s' "
                "(id %llu) were not destroyed before it ended (details are "
                "kept for %d per task), ",
                l->nmore, l->task_name ? l->task_name : "?",
                (unsigned long long)li->task_id, WEFT__LEAK_SHADOWS);
    } else {
        fprintf(stderr,
                "weft: leak: %s %p created at %s:%d by task %llu at t=%lld "
                "ns, ",
                li->kind ? li->kind : "object", li->ptr,
                li->file ? li->file : "?", li->line,
                (unsigned long long)li->task_id, (long long)li->created_at);
    }
    fprintf(stderr, "still tracked at %s", when);
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
static void log_leak(struct weft__leak_state *ls, const struct weft__leak *l) {
    if (ls->nlog == ls->caplog) {
        size_t cap = ls->caplog ? ls->caplog * 2 : 8;
        struct weft__leak *log = realloc(ls->log, cap * sizeof *log);
        if (!log) {
            leak_event(l, "the end of its task (not kept: out of memory)",
                       NULL);
            ls->nlost += l->nmore ? l->nmore : 1;
            return;
        }
        ls->log = log;
        ls->caplog = cap;
    }
    ls->log[ls->nlog++] = *l;
}

static void log_info(struct weft__leak_state *ls, const weft_leak_info *li,
                     const void *group) {
    struct weft__leak l = {.info = *li, .group = group};
    log_leak(ls, &l);
}

/* ---- weft_track's table: linear probing, backward-shift deletion ---- */

#define NO_SLOT ((size_t)-1)

static size_t slot_home(const void *ptr, size_t mask) {
    uint64_t h = (uint64_t)(uintptr_t)ptr * UINT64_C(0x9e3779b97f4a7c15);
    return (size_t)(h ^ (h >> 32)) & mask;
}

static size_t slot_find(const struct weft__leak_state *ls, const void *ptr) {
    if (!ls->nslots) return NO_SLOT;
    size_t mask = ls->nslots - 1;
    for (size_t i = slot_home(ptr, mask); ls->slots[i]; i = (i + 1) & mask) {
        if (ls->slots[i]->ptr == ptr) return i;
    }
    return NO_SLOT;
}

static void slot_put(struct weft__tracked **slots, size_t mask,
                     struct weft__tracked *tr) {
    size_t i = slot_home(tr->ptr, mask);
    while (slots[i])
        i = (i + 1) & mask;
    slots[i] = tr;
}

/* Room for one more entry at load <= 1/2: 0 or -ENOMEM (unchanged). */
static int slot_reserve(struct weft__leak_state *ls) {
    if ((ls->nused + 1) * 2 <= ls->nslots) return 0;
    size_t n = ls->nslots ? ls->nslots * 2 : 16;
    struct weft__tracked **slots = calloc(n, sizeof *slots);
    if (!slots) return -ENOMEM;
    for (size_t i = 0; i < ls->nslots; i++) {
        if (ls->slots[i]) slot_put(slots, n - 1, ls->slots[i]);
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
        size_t k = slot_home(ls->slots[j]->ptr, mask);
        bool stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
        if (!stays) { /* its home is at or before the hole */
            ls->slots[i] = ls->slots[j];
            i = j;
        }
    }
    ls->slots[i] = NULL;
    ls->nused--;
}

/* Frees tr if weft_track allocated it (tr must be untracked). */
static void free_user_record(struct weft__leak_state *ls,
                             struct weft__tracked *tr) {
    size_t i = slot_find(ls, tr->ptr);
    if (i == NO_SLOT || ls->slots[i] != tr) return;
    slot_remove(ls, i);
    free(tr);
}

/* ---- the runtime's hooks ---- */

void weft__leaks_init(struct weft__rt *rt, bool enabled) {
    struct weft__leak_state *ls = &rt->leaks;
    weft__list_init(&ls->tracked);
    ls->enabled = enabled;
}

/* Logs and unlinks t's records in the runtime's list (readable). */
static void log_owned(struct weft__leak_state *ls, struct weft__task *t) {
    struct weft__list *l = ls->tracked.next;
    while (t->leaks.nowned && l != &ls->tracked) {
        struct weft__tracked *tr = container_of(l, struct weft__tracked, node);
        l = l->next;
        if (tr->owner != t) continue;
        weft_leak_info li;
        info_of(tr, &li);
        log_info(ls, &li, t->group);
        weft__untrack(tr);
        free_user_record(ls, tr);
    }
}

/* Logs t's frame records from its shadows and a count for the rest; the
 * records themselves died with t's stack and are never read. */
static void log_frame(struct weft__leak_state *ls, struct weft__task *t) {
    struct weft__task_leaks *tl = &t->leaks;
    uint32_t kept = 0;
    for (int k = 0; k < WEFT__LEAK_SHADOWS; k++) {
        if (!(tl->shadow_used & (1u << k))) continue;
        const struct weft__shadow *sh = &tl->shadow[k];
        weft_leak_info li = {sh->ptr,  sh->kind,       sh->file,
                             sh->line, sh->created_at, t->id};
        log_info(ls, &li, t->group);
        kept++;
    }
    if (tl->nframe > kept) {
        struct weft__leak l = {.info = {.task_id = t->id},
                               .nmore = tl->nframe - kept,
                               .task_name = t->name ? t->name : "?",
                               .group = t->group};
        log_leak(ls, &l);
    }
    tl->nframe = 0;
    tl->shadow_used = 0;
    weft__list_init(&tl->frame); /* forget the dead records */
}

void weft__leaks_task_end(struct weft__task *t) {
    if (likely(!t->leaks.nowned && !t->leaks.nframe)) return;
    struct weft__leak_state *ls = &t->rt->leaks;
    if (t->leaks.nowned) log_owned(ls, t);
    if (t->leaks.nframe) log_frame(ls, t);
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

void weft__leaks_run_end(struct weft__rt *rt) {
    struct weft__leak_state *ls = &rt->leaks;
    /* Left: objects of tasks blocked at a deadlock (their frames are
     * alive), taken over by the runtime, or made outside a task. */
    visit_live(rt, log_at_exit, ls);
    while (!weft__list_empty(&ls->tracked)) {
        struct weft__tracked *tr =
            container_of(ls->tracked.next, struct weft__tracked, node);
        weft__untrack(tr);
        free_user_record(ls, tr);
    }
    if (rt->deadlocked && ls->nreported < ls->nlog) {
        fprintf(stderr, "weft: objects left behind by the deadlock above "
                        "(their tasks never ended):\n");
    }
    for (size_t i = ls->nreported; i < ls->nlog; i++) {
        if (!ls->log[i].reported) {
            leak_event(&ls->log[i], "weft_run exit", NULL);
        }
    }
    size_t total = ls->nlost;
    for (size_t i = 0; i < ls->nlog; i++) {
        total += ls->log[i].nmore ? ls->log[i].nmore : 1;
    }
    if (total) {
        char run[128];
        weft__describe_run(run, sizeof run);
        fprintf(stderr, "weft: %zu object(s) leaked in this run%s\n", total,
                run);
    }
    weft__assert(ls->nused == 0);
    free(ls->slots);
    ls->slots = NULL;
    ls->nslots = 0;
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
    struct weft__tracked *tr = malloc(sizeof *tr);
    if (!tr) return -ENOMEM;
    weft__track(tr, ptr, kind ? kind : "user", file, line);
    slot_put(ls->slots, ls->nslots - 1, tr);
    ls->nused++;
    return 0;
}

int weft_untrack(const void *ptr) {
    struct weft__rt *rt = weft__rt_current();
    if (!rt || !rt->leaks.enabled) return 0;
    struct weft__leak_state *ls = &rt->leaks;
    size_t i = slot_find(ls, ptr);
    if (i == NO_SLOT) return -ENOENT;
    struct weft__tracked *tr = ls->slots[i];
    slot_remove(ls, i);
    weft__untrack(tr);
    free(tr);
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
    size_t uncopied = rt ? rt->leaks.nlost : last_nlost;
    for (size_t i = 0; i < nlog; i++) {
        if (log[i].nmore) {
            uncopied += log[i].nmore;
        } else {
            collect_one(&c, &log[i].info);
        }
    }
    if (rt) visit_live(rt, collect_one, &c);
    return c.n + uncopied;
}
