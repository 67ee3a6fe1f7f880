/* src/task.c: tasks and task groups (docs/GUIDE.md "Tasks and groups
 * (structured concurrency)").
 * Invariants: g->nrunning counts g's tasks that have not ended, started
 * or not; a task's base scope hangs under its group's scope (under the
 * starter's innermost scope until weft_started); g->errs has room for
 * every task spawned, so recording a result at task exit never fails. */
#include "config.h"

#include "cancel.h"
#include "sched.h"
#include "trace.h"

#include <stdlib.h>
#include <string.h>

enum group_state {
    GROUP_OPEN = 0x4f50454e,   /* "OPEN" */
    GROUP_JOINED = 0x4a4f494e, /* "JOIN" */
    GROUP_DEAD = 0x44454144,   /* "DEAD" */
};

/* The weft_start handshake, on the starter's stack. */
struct weft_task_status {
    struct weft__waitq q;      /* the starter */
    bool done;                 /* started, or ended before it */
    bool started;
    int result;                /* the child's result if it ended first */
    void *value;               /* from weft_started */
};

static void task_entry(void *p);

/* The part of a new task cleared at spawn: its fields up to the base
 * scope's timer, rounded up to whole cache lines (the rest of the last
 * line is that timer, which nothing reads, or fields set after the
 * clear, as ctx and rt are in the first line). */
#define TASK_CLEAR_BYTES \
    ((offsetof(struct weft__task, base.timer) + 63) & ~(size_t)63)
_Static_assert(TASK_CLEAR_BYTES <= sizeof(struct weft__task),
               "the cleared lines must lie inside the task");

/* Zeroes n bytes (a multiple of 64) at p, 64-byte aligned, a line at a
 * time: compilers inline each 64-byte memset as a few vector stores,
 * where one memset of the whole becomes a `rep stos`, whose start-up
 * cost dominates at this size (on AMD especially). */
static inline void clear_lines(void *p, size_t n) {
    char *c = __builtin_assume_aligned(p, 64);
#pragma GCC unroll 4 /* a few lines: straight stores, no loop */
    for (size_t i = 0; i < n; i += 64) memset(c + i, 0, 64);
}

/* Inline, as spawn_into: a spawn in one frame saves the calls, their
 * saved registers and the round trip of `out` through memory (about 50
 * instructions of some 400 per spawn and join). */
static inline __attribute__((always_inline)) int
task_alloc(struct weft__rt *rt, const char *name, struct weft__task **out) {
    int rc = weft__runq_reserve(rt, rt->ntasks + 1);
    if (rc) return rc;
    rc = weft__timers_reserve(&rt->timers, WEFT__TASK_TIMER_SLOTS);
    if (rc) return rc;
    struct weft__stack st;
    rc = weft__stack_get(&rt->stacks, &st);
    if (rc) goto fail_timer;
    struct weft__task *t = weft__stack_top_object(&st, sizeof *t);
    clear_lines(t, TASK_CLEAR_BYTES);
    t->park_timer.armed = false;
    t->stack = st;
    t->rt = rt;
    t->id = ++rt->next_task_id;
    t->site = 0; /* not yet run: the same in every run */
    t->call_site.file = NULL;
    t->name = name;
    weft__ctx_make(&t->ctx, st.lo, (size_t)((char *)t - (char *)st.lo),
                   task_entry, t);
    weft__list_push(&rt->tasks, &t->all_node);
    rt->ntasks++;
    *out = t;
    return 0;
fail_timer:
    weft__timers_release(&rt->timers, WEFT__TASK_TIMER_SLOTS);
    return rc;
}

/* reserve_error_slot when g->errs must grow to need entries. */
static int grow_errors(weft_group *g, size_t need) {
    size_t cap = g->caperrs ? g->caperrs * 2 : 8;
    while (cap < need) cap *= 2;
    weft_task_error *e = realloc(g->errs, cap * sizeof *e);
    if (!e) return -ENOMEM;
    g->errs = e;
    g->caperrs = cap;
    return 0;
}

/* Room to record one more task's result (see the invariants above). */
static inline int reserve_error_slot(weft_group *g) {
    size_t need = g->nerrs + g->nrunning + 1;
    if (likely(need <= g->caperrs)) return 0;
    return grow_errors(g, need);
}

static void check_open(const weft_group *g, const char *what) {
    if (unlikely(g->state != GROUP_OPEN)) {
        weft__misuse(g, g->state == GROUP_JOINED ? g->site.file : NULL,
                     g->site.line, "%s: group is %s", what,
                     g->state == GROUP_JOINED ? "already joined"
                                              : "not initialised");
    }
}

/* A new task of g in rt (the caller's runtime, looked up once by the
 * caller), linked under parent_scope, runnable. */
static inline __attribute__((always_inline)) int
spawn_into(struct weft__rt *rt, weft_group *g, const char *name,
           weft_scope *parent_scope, struct weft__task **out) {
    int rc = reserve_error_slot(g);
    if (rc) return rc;
    struct weft__task *t;
    rc = task_alloc(rt, name, &t);
    if (rc) return rc;
    t->group = g;
    t->host = rt->current ? rt->current->host : NULL;
    weft__scope_link(&t->base, parent_scope, t);
    t->base.flags = WEFT__SCOPE_BASE;
    t->scope_top = &t->base;
    g->nrunning++;
    weft__trace_spawn(rt, t, parent_scope);
    weft__make_runnable(rt, t);
    *out = t;
    return 0;
}

int weft__task_create_root(struct weft__rt *rt, int (*fn)(void *), void *arg) {
    struct weft__task *t;
    int rc = task_alloc(rt, "main", &t);
    if (rc) return rc;
    t->host = NULL; /* the implicit host (sim/net.h) */
    weft__scope_link(&t->base, NULL, t);
    t->base.flags = WEFT__SCOPE_BASE;
    t->scope_top = &t->base;
    t->fn = fn;
    t->arg = arg;
    rt->root = t;
    weft__trace_spawn(rt, t, NULL);
    weft__make_runnable(rt, t);
    return 0;
}

/* ---- task end ---- */

static void record_result(weft_group *g, const struct weft__task *t, int rc) {
    if (rc == 0) return;
    weft_task_error *e = &g->errs[g->nerrs++];
    e->code = rc;
    e->task_name = t->name;
    e->task_id = t->id;
    if (rc < 0 && rc != -ECANCELED && g->first_error == 0) {
        g->first_error = rc;
        weft__scope_cancel(&g->scope, WEFT__CANCEL_ERROR);
    }
}

static void finish_start(struct weft__task *t, int rc) {
    weft_task_status *st = t->status;
    t->status = NULL;
    st->done = true;
    st->result = rc;
    weft__wake_first(&st->q, 0);
}

static void task_end(struct weft__task *t, int rc) {
    struct weft__rt *rt = t->rt;
    if (unlikely(t->scope_top != &t->base)) {
        const weft_scope *s = t->scope_top;
        weft__misuse(s, s->site.file, s->site.line,
                     "task '%s' returned inside a scope (a weft_scope_exit "
                     "or weft_group_join is missing)",
                     t->name ? t->name : "?");
    }
    weft__trace_task(rt, WEFT_EV_EXIT, t, rc);
    weft__list_erase(&t->base.sibling); /* its timer was never armed */
    weft_group *g = t->group;
    if (t->status) {
        finish_start(t, rc); /* the result goes to the starter */
    } else if (g) {
        record_result(g, t, rc);
    } else {
        rt->root_result = rc;
    }
    if (g && --g->nrunning == 0) weft__wake_all(&g->join_q, 0);
    /* what it left tracked leaked; the test inline: most tasks own none */
    if (unlikely(t->leaks.nowned)) weft__leaks_task_end(t);
    weft__list_erase(&t->all_node);
    rt->ntasks--;
    weft__timers_release(&rt->timers, WEFT__TASK_TIMER_SLOTS);
    t->state = WEFT__TASK_DONE;
    rt->zombie = t;
}

static void task_entry(void *p) {
    struct weft__task *t = p;
    weft__sched_first_entry();
    weft__trace_task(t->rt, WEFT_EV_START, t, 0);
    int rc = t->start_fn ? t->start_fn(t->arg, t->status) : t->fn(t->arg);
    task_end(t, rc);
    weft__task_switch_away_dead(t->rt);
}

/* At a deadlock every task is parked with its frames intact: the groups
 * they opened are on their scope chains, and their error groups are
 * freed here (nobody will join them). */
static void abandon_groups(struct weft__task *t) {
    for (weft_scope *s = t->scope_top; s && s != &t->base; s = s->parent) {
        if (!(s->flags & WEFT__SCOPE_GROUP)) continue;
        weft_group *g = container_of(s, weft_group, scope);
        free(g->errs);
        g->errs = NULL;
    }
}

void weft__tasks_abandon(struct weft__rt *rt) {
    while (!weft__list_empty(&rt->tasks)) {
        struct weft__task *t =
            container_of(rt->tasks.next, struct weft__task, all_node);
        abandon_groups(t);
        weft__list_erase(&t->all_node);
        rt->ntasks--;
    }
}

/* ---- public API ---- */

int weft_group_init_at(weft_group *g, const char *file, int line) {
    struct weft__task *t = weft__task_current("weft_group_init");
    memset(g, 0, sizeof *g);
    g->site.file = file;
    g->site.line = line;
    weft__scope_enter(t, &g->scope, WEFT_NEVER, WEFT__SCOPE_GROUP, file, line);
    weft__waitq_init(&g->join_q, "group join", g, &g->site);
    weft__track(&g->tracked, g, "group", file, line);
    g->state = GROUP_OPEN;
    return 0;
}

int weft_spawn(weft_group *g, const char *name, int (*fn)(void *), void *arg) {
    struct weft__task *self = weft__task_current("weft_spawn");
    check_open(g, "weft_spawn");
    if (!fn) return -EINVAL;
    struct weft__task *t;
    int rc = spawn_into(self->rt, g, name, &g->scope, &t);
    if (rc) return rc;
    t->fn = fn;
    t->arg = arg;
    return 0;
}

int weft_start(weft_group *g, const char *name,
               int (*fn)(void *arg, weft_task_status *st), void *arg,
               void **value) {
    struct weft__task *self = weft__task_current("weft_start");
    check_open(g, "weft_start");
    if (!fn) return -EINVAL;
    weft_task_status st;
    memset(&st, 0, sizeof st);
    weft__waitq_init(&st.q, "task start", g, &g->site);
    struct weft__task *t;
    /* Until it is started the child is cancelled with its starter. */
    int rc = spawn_into(self->rt, g, name, self->scope_top, &t);
    if (rc) return rc;
    t->start_fn = fn;
    t->arg = arg;
    t->status = &st;
    while (!st.done) {
        struct weft__wait w;
        weft__park(&st.q, &w, WEFT_NEVER, WEFT__PARK_NOCANCEL);
    }
    if (!st.started) return st.result ? st.result : -EINVAL;
    if (value) *value = st.value;
    return 0;
}

void weft_started(weft_task_status *st, void *value) {
    struct weft__task *t = weft__task_current("weft_started");
    if (unlikely(!st || t->status != st)) {
        weft__misuse(st, NULL, 0,
                     "weft_started: task '%s' was not started with this "
                     "status, or already called weft_started",
                     t->name ? t->name : "?");
    }
    weft_group *g = t->group;
    check_open(g, "weft_started");
    weft__scope_move(&t->base, &g->scope);
    st->started = true;
    st->value = value;
    finish_start(t, 0);
}

void weft_group_cancel(weft_group *g) {
    weft__task_current("weft_group_cancel");
    check_open(g, "weft_group_cancel");
    weft__scope_cancel(&g->scope, WEFT__CANCEL_EXPLICIT);
}

int weft_group_join(weft_group *g) {
    struct weft__task *t = weft__task_current("weft_group_join");
    check_open(g, "weft_group_join");
    if (unlikely(t->scope_top != &g->scope)) {
        weft__scope_leave(t, &g->scope, "weft_group_join"); /* aborts */
    }
    weft__reschedule(); /* a checkpoint even with nothing to wait for */
    while (g->nrunning) {
        struct weft__wait w;
        weft__park(&g->join_q, &w, WEFT_NEVER, WEFT__PARK_NOCANCEL);
    }
    weft__scope_leave(t, &g->scope, "weft_group_join");
    weft__leaks_group_joined(t->rt, g, &g->site);
    g->state = GROUP_JOINED;
    if (g->first_error) return g->first_error;
    return weft__scope_chain_cancelled(g->scope.parent) ? -ECANCELED : 0;
}

size_t weft_group_errors(const weft_group *g, const weft_task_error **errs) {
    if (errs) *errs = g->errs;
    return g->nerrs;
}

void weft_group_destroy(weft_group *g) {
    if (unlikely(g->state != GROUP_JOINED)) {
        weft__misuse(g, g->site.file, g->site.line,
                     "weft_group_destroy: the group was %s",
                     g->state == GROUP_OPEN ? "not joined (weft_group_join "
                                              "must come first)"
                                            : "not initialised or destroyed");
    }
    free(g->errs);
    weft__untrack(&g->tracked, g);
    memset(g, 0xff, sizeof *g);
    g->state = GROUP_DEAD;
}

size_t weft_errors_non_cancel(const weft_task_error *in, size_t n,
                              weft_task_error *out) {
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (in[i].code != -ECANCELED) out[k++] = in[i];
    }
    return k;
}
