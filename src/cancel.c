/* src/cancel.c: cancel scopes (docs/ARCHITECTURE.md "Layers": tasks;
 * docs/GUIDE.md "Cancellation"). Scopes form one tree per runtime: a task's
 * scopes nest under its base scope, which hangs under the scope of its group,
 * which the parent task entered. Cancelling a scope walks its subtree, skipping
 * shielded and already cancelled subtrees, and wakes each parked task whose
 * innermost scope it reaches. Cancellation is level-triggered: a checkpoint
 * looks up the chain of its task's scopes. */
#include "config.h"

#include "cancel.h"
#include "trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/time.h"

/* Unlinks s from its parent and disarms its deadline. */
static void scope_unlink(struct weft__rt *rt, weft_scope *s) {
    weft__timer_disarm(rt, &s->timer);
    if (s->deadline != WEFT_NEVER && !(s->flags & WEFT__SCOPE_NO_SLOT) &&
        --s->owner->ndeadline_scopes > 0) {
        weft__timers_release(&rt->timers, 1); /* one reserved at enter */
    }
    weft__list_erase(&s->sibling);
}

/* The deadline's slot in the timer heap, so that arming it cannot fail:
 * whether s has one. A task's first deadline scope uses the slot its
 * spawn reserved; a nested one reserves here (the heap doubles, so this
 * allocates only when the slots pass a power of two). weft_scope_enter
 * cannot return an error, so a scope that finds no memory for its slot
 * starts expired, with a message: its body sees the cancellation its
 * deadline would give, later or now, and the program goes on. */
static bool reserve_deadline(struct weft__task *t, weft_scope *s) {
    if (t->ndeadline_scopes > 0 &&
        weft__timers_reserve(&t->rt->timers, 1) != 0) {
        fprintf(stderr, "weft: out of memory entering the scope at %s:%d: no "
                        "room for its deadline's timer; it starts expired\n",
                s->site.file ? s->site.file : "?", s->site.line);
        s->flags |= WEFT__SCOPE_NO_SLOT;
        return false;
    }
    t->ndeadline_scopes++;
    return true;
}

static void deadline_fire(struct weft__timer *tm) {
    weft__scope_cancel(container_of(tm, weft_scope, timer),
                       WEFT__CANCEL_DEADLINE);
}

void weft__scope_enter(struct weft__task *t, weft_scope *s,
                       weft_time deadline, unsigned flags, const char *file,
                       int line) {
    memset(s, 0, sizeof *s);
    weft__scope_link(s, t->scope_top, t);
    s->flags = flags;
    s->deadline = deadline;
    s->site.file = file;
    s->site.line = line;
    t->scope_top = s;
    weft__trace_scope(t->rt, WEFT_EV_SCOPE_ENTER, s, 0);
    if (deadline == WEFT_NEVER) return;
    if (!reserve_deadline(t, s) || deadline <= t->rt->backend->now(t->rt)) {
        weft__scope_cancel(s, WEFT__CANCEL_DEADLINE);
    } else {
        weft__timer_arm(t->rt, &s->timer, deadline, deadline_fire);
    }
}

static const char *site_file(const weft_scope *s) {
    return s->site.file ? s->site.file : "?";
}

void weft__scope_leave(struct weft__task *t, weft_scope *s, const char *what) {
    const weft_scope *top = t->scope_top;
    if (unlikely(s->owner != t)) {
        weft__misuse(s, s->site.file, s->site.line,
                     "%s: the scope belongs to another task (or was never "
                     "entered)",
                     what);
    }
    if (unlikely(top != s)) {
        weft__misuse(s, s->site.file, s->site.line,
                     "%s: the scope is not the innermost: the scope "
                     "entered at %s:%d is still open (scopes nest strictly)",
                     what, site_file(top), top->site.line);
    }
    weft__trace_scope(t->rt, WEFT_EV_SCOPE_EXIT, s, 0);
    scope_unlink(t->rt, s);
    t->scope_top = s->parent;
    s->owner = NULL;
}

static bool reachable(const weft_scope *c) {
    return !(c->flags & WEFT_SHIELD) && !c->cancelled;
}

/* A cancellation of root for reason, walking down a scope tree. */
struct cancel_walk {
    struct weft__rt *rt;
    const weft_scope *root;
    int reason;
};

/* First child of parent, from list position pos on, that cancellation
 * of parent reaches. A shield it stops at is a trace event. */
static weft_scope *reachable_from(const struct cancel_walk *cw,
                                  weft_scope *parent, struct weft__list *pos) {
    for (; pos != &parent->children; pos = pos->next) {
        weft_scope *c = container_of(pos, weft_scope, sibling);
        if (reachable(c)) return c;
        if (!c->cancelled) {
            weft__trace_shielded(cw->rt, c, cw->root, cw->reason);
        }
    }
    return NULL;
}

/* Depth-first walk without recursion: a deep tree of groups must not
 * exhaust the small stack of the task that cancels. */
static void wake_subtree(const struct cancel_walk *cw) {
    weft_scope *root = (weft_scope *)cw->root, *s = root;
    weft__wake_cancelled_in(s);
    for (;;) {
        weft_scope *c = reachable_from(cw, s, s->children.next);
        while (!c) {
            if (s == root) return;
            c = reachable_from(cw, s->parent, s->sibling.next);
            s = s->parent;
        }
        s = c;
        weft__wake_cancelled_in(s);
    }
}

void weft__scope_cancel(weft_scope *s, int reason) {
    if (s->cancelled) return;
    s->cancelled = (uint8_t)reason;
    struct weft__rt *rt = weft__rt_current();
    weft__trace_scope(rt, WEFT_EV_SCOPE_CANCEL, s, reason);
    rt->cancel_epoch++; /* every scope's cached chain state is stale */
    weft__timer_disarm(rt, &s->timer);
    wake_subtree(&(struct cancel_walk){rt, s, reason});
}

void weft__scope_move(weft_scope *s, weft_scope *parent) {
    bool was_cancelled = weft__scope_chain_cancelled(s);
    weft__list_erase(&s->sibling);
    s->parent = parent;
    weft__list_push(&parent->children, &s->sibling);
    weft__rt_current()->cancel_epoch++; /* its chain changed */
    if (!was_cancelled && weft__scope_chain_cancelled(s)) {
        struct weft__rt *rt = weft__rt_current();
        weft__trace_scope(rt, WEFT_EV_SCOPE_CANCEL, s,
                          WEFT_TRACE_CANCEL_PARENT);
        wake_subtree(&(struct cancel_walk){rt, s, WEFT_TRACE_CANCEL_PARENT});
    }
}

/* ---- public API ---- */

void weft_scope_enter_at(weft_scope *s, weft_time deadline, unsigned flags,
                         const char *file, int line) {
    struct weft__task *t = weft__task_current("weft_scope_enter");
    weft__scope_enter(t, s, deadline, flags & (WEFT_SHIELD | WEFT_FAIL), file,
                      line);
    s->entered_at = weft__leak_clock(t->rt); /* scopes: tracked by chain */
}

int weft_scope_exit(weft_scope *s, int rc) {
    struct weft__task *t = weft__task_current("weft_scope_exit");
    if (unlikely(s->flags & (WEFT__SCOPE_GROUP | WEFT__SCOPE_BASE))) {
        weft__misuse(s, s->site.file, s->site.line,
                     "weft_scope_exit: the scope belongs to a group or "
                     "task: leave it with weft_group_join");
    }
    weft__scope_leave(t, s, "weft_scope_exit");
    if (rc == -ECANCELED && s->cancelled) {
        s->caught = true;
        bool expired = s->cancelled == WEFT__CANCEL_DEADLINE;
        rc = (s->flags & WEFT_FAIL) && expired ? -ETIMEDOUT : 0;
    }
    return rc;
}

void weft_scope_cancel(weft_scope *s) {
    weft__task_current("weft_scope_cancel");
    if (!s->owner) return; /* exited: nothing left to cancel (trio) */
    weft__scope_cancel(s, WEFT__CANCEL_EXPLICIT);
}

bool weft_scope_cancel_caught(const weft_scope *s) { return s->caught; }

weft_time weft_effective_deadline(void) {
    const struct weft__task *t = weft__task_current("weft_effective_deadline");
    weft_time d = WEFT_NEVER;
    for (const weft_scope *s = t->scope_top; s; s = s->parent) {
        if (s->deadline < d) d = s->deadline;
        if (s->flags & WEFT_SHIELD) break;
    }
    return d;
}

static weft_time deadline_after(weft_time duration) {
    if (duration == WEFT_NEVER) return WEFT_NEVER;
    weft_time now = weft_now();
    if (duration <= 0) return now; /* already expired */
    return duration > WEFT_NEVER - now ? WEFT_NEVER - 1 : now + duration;
}

void weft_move_on_after_at(weft_scope *s, weft_time duration,
                           const char *file, int line) {
    weft_scope_enter_at(s, deadline_after(duration), 0, file, line);
}

void weft_move_on_at_at(weft_scope *s, weft_time deadline, const char *file,
                        int line) {
    weft_scope_enter_at(s, deadline, 0, file, line);
}

void weft_fail_after_at(weft_scope *s, weft_time duration, const char *file,
                        int line) {
    weft_scope_enter_at(s, deadline_after(duration), WEFT_FAIL, file, line);
}

void weft_fail_at_at(weft_scope *s, weft_time deadline, const char *file,
                     int line) {
    weft_scope_enter_at(s, deadline, WEFT_FAIL, file, line);
}

int weft_shield(int (*fn)(void *), void *arg) {
    weft_scope s;
    weft_scope_enter_at(&s, WEFT_NEVER, WEFT_SHIELD, __FILE__, __LINE__);
    return weft_scope_exit(&s, fn(arg));
}
