/* src/sched.c: the run queue, context switches, the wait primitive and
 * the scheduler loop (docs/ARCHITECTURE.md "Layers": scheduler).
 * Invariants: a task is in exactly one of runq (RUNNABLE), rt->current
 * (RUNNING), one wait (PARKED) or rt->zombie (DONE); a parked task's
 * park_timer is armed iff its wait has a deadline. */
#include "config.h"

#include "sched.h"
#include "trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if WEFT_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

void (*weft__switch_hook)(bool wake, uintptr_t from, uintptr_t to);

__thread struct weft__rt *weft__tls_rt __attribute__((tls_model("initial-exec")));

/* Where weft__call_site points while no task runs: a blocking call made
 * there is misuse, reported after the caller's macro wrote here. */
static struct weft_call_site no_task_site;
__thread struct weft_call_site *weft__call_site
    __attribute__((tls_model("initial-exec"))) = &no_task_site;

void weft__outside_task(const char *what) {
    weft__misuse(NULL, NULL, 0, "%s called outside a weft task", what);
}

/* ---- the run queue: a ring of capacity >= ntasks, a power of two ---- */

int weft__runq_grow(struct weft__rt *rt, size_t n) {
    size_t cap = rt->runq_cap ? rt->runq_cap : 64;
    while (cap < n) cap *= 2;
    struct weft__task **q = malloc(cap * sizeof *q);
    if (!q) return -ENOMEM;
    for (size_t i = 0; i < rt->runq_len; i++) {
        q[i] = rt->runq[(rt->runq_head + i) & (rt->runq_cap - 1)];
    }
    free(rt->runq);
    rt->runq = q;
    rt->runq_cap = cap;
    rt->runq_head = 0;
    return 0;
}

/* Takes the i-th oldest runnable task; the i older ones move up one
 * slot, so index order stays age order for the next choice. */
static inline __attribute__((always_inline)) struct weft__task *
runq_take(struct weft__rt *rt, size_t i) {
    size_t mask = rt->runq_cap - 1;
    size_t h = rt->runq_head;
    struct weft__task *t = rt->runq[(h + i) & mask];
    for (; i > 0; i--) rt->runq[(h + i) & mask] = rt->runq[(h + i - 1) & mask];
    rt->runq_head = (h + 1) & mask;
    rt->runq_len--;
    return t;
}

/* The task leaving the CPU, for the strategy: how it left. */
static void note_leaving(struct weft__rt *rt, const struct weft__task *self) {
    rt->last_id = self->id;
    rt->last_site = self->site;
    rt->last_left = self->state == WEFT__TASK_DONE    ? WEFT__LEFT_END
                    : self->state != WEFT__TASK_RUNNABLE ? WEFT__LEFT_BLOCK
                    : rt->yielding                    ? WEFT__LEFT_YIELD
                                                      : WEFT__LEFT_POINT;
    rt->yielding = false;
}

/* Inline: it runs at every switch, and its call would cost a quarter
 * of its work. */
static inline __attribute__((always_inline)) struct weft__task *
pick(struct weft__rt *rt) {
    size_t i = 0;
    if (rt->runq_len > 1 && !rt->backend->fifo) {
        i = rt->backend->pick_next(rt, rt->runq_len);
    }
    rt->steps++;
    struct weft__task *t = runq_take(rt, i);
    /* The next tasks in line are likely picked next: with many tasks
     * their memory is far out of the caches, so fetch it meanwhile, in
     * two steps as one task's run is too short to hide a miss: the
     * second's control block, then (it came meanwhile) the first's
     * frames. With fewer tasks all is in the caches: nothing to do. */
    if (rt->runq_len > 1) {
        size_t mask = rt->runq_cap - 1;
        const char *n = (const char *)rt->runq[(rt->runq_head + 1) & mask];
        __builtin_prefetch(n, 1);      /* context, state, wait */
        __builtin_prefetch(n + 64, 1); /* scope_top, the base scope's cache */
        weft__ctx_prefetch(&rt->runq[rt->runq_head & mask]->ctx);
    }
    if (unlikely(weft__switch_hook) && rt->runq_len) {
        weft__switch_hook(false, rt->last_site, t->site);
    }
    t->state = WEFT__TASK_RUNNING;
    weft__trace_switch(rt, t);
    return t;
}

/* ---- switching ---- */

WEFT__NORETURN static void report_canary(const struct weft__task *t) {
    fprintf(stderr,
            "weft: stack overflow in task '%s' (id %llu): its %zu-byte "
            "stack was exhausted (canary overwritten, found at a switch; "
            "memory below it may be corrupt). Raise weft_config.stack_size "
            "or use WEFT_STACK_GUARD_PAGE to stop at the faulting write.\n",
            t->name ? t->name : "?", (unsigned long long)t->id, t->stack.size);
    weft__trace_flush_signal();
    abort();
}

/* Switches from the running context to `to`'s. dying: the old context
 * never resumes (ASan may drop its fake stack). */
static void switch_ctx(struct weft__rt *rt, struct weft__ctx *from,
                       struct weft__task *to, bool dying) {
    struct weft__ctx *to_ctx = to ? &to->ctx : &rt->loop_ctx;
    weft__call_site = to ? &to->call_site : &no_task_site;
#if WEFT_ASAN
    void *fake = NULL;
    const void *lo = to ? to->stack.lo : rt->loop_stack_lo;
    size_t size = to ? (size_t)((char *)to->stack.top - (char *)to->stack.lo)
                     : rt->loop_stack_size;
    __sanitizer_start_switch_fiber(dying ? NULL : &fake, lo, size);
    weft__ctx_switch(from, to_ctx);
    __sanitizer_finish_switch_fiber(fake, NULL, NULL);
#else
    (void)rt;
    (void)dying;
    weft__ctx_switch(from, to_ctx);
#endif
}

static void reap(struct weft__rt *rt) {
    struct weft__task *t = rt->zombie;
    rt->zombie = NULL;
    weft__stack_put(&rt->stacks, &t->stack);
}

/* The running task gives up the CPU; it has already put itself in the
 * run queue, on a wait, or in DONE (dying). Returns when it runs again.
 * A dying task cannot free its own stack: whoever runs next does.
 * Out of line on purpose: every task then calls the machine switch
 * from this one place, so the return the switch makes into the resumed
 * task is the one the CPU's return stack predicts. Inlined into its
 * callers (one call fewer, 14 instructions fewer per queue message) the
 * ping-pong measured 15 to 20 % slower. */
static void leave_current(struct weft__rt *rt, bool dying) {
    struct weft__task *self = rt->current;
    if (unlikely(!weft__stack_canary_ok(&self->stack))) report_canary(self);
    if (unlikely(rt->slow_ns)) weft__slow_check(rt, self);
    struct weft__task *next = NULL;
    note_leaving(rt, self);
    if (rt->runq_len && rt->budget && !rt->stop) {
        rt->budget--;
        next = pick(rt);
        if (next == self) return;
    }
    rt->current = next;
    switch_ctx(rt, &self->ctx, next, dying);
    if (rt->zombie) reap(rt);
}

void weft__sched_first_entry(void) {
#if WEFT_ASAN
    __sanitizer_finish_switch_fiber(NULL, NULL, NULL);
#endif
    struct weft__rt *rt = weft__tls_rt;
    if (rt->zombie) reap(rt);
}

void weft__canary_failed(const struct weft__task *t) { report_canary(t); }

void weft__reschedule_switch(struct weft__rt *rt, struct weft__task *t) {
    weft__make_runnable(rt, t);
    leave_current(rt, false);
}

/* Level-triggered cancellation is asked at every checkpoint, so each
 * scope caches the answer for its chain, valid while rt->cancel_epoch
 * stays the same (a cancel anywhere or a move in the scope tree bumps
 * it). A walk stops at the first scope that decides: cancelled,
 * shielded, or already cached; so entering, leaving and joining cost
 * O(1) whatever the depth of the tree, and only the first checkpoint
 * after a cancel pays for a walk. */
bool weft__scope_chain_walk(weft_scope *s) {
    uint64_t epoch = weft__tls_rt->cancel_epoch;
    weft_scope *end = s;
    bool cancelled;
    for (;;) {
        if (end->chain_epoch == epoch) {
            cancelled = end->chain_cancelled;
            break;
        }
        if (end->cancelled) {
            cancelled = true;
            break;
        }
        if ((end->flags & WEFT_SHIELD) || !end->parent) {
            cancelled = false;
            break;
        }
        end = end->parent;
    }
    /* The scopes walked below `end` are neither cancelled nor shielded:
     * their answer is end's. */
    for (weft_scope *x = s;; x = x->parent) {
        x->chain_epoch = epoch;
        x->chain_cancelled = cancelled;
        if (x == end) break;
    }
    return cancelled;
}

/* Out of line, so that the common answer needs no stack frame. */
__attribute__((noinline, cold)) bool weft__cancel_seen(struct weft__task *t) {
    weft__trace_task(t->rt, WEFT_EV_CANCELLED, t, 0);
    return true;
}

int weft__yield(void) {
    struct weft__rt *rt = weft__tls_rt;
    if (rt) rt->yielding = true; /* else reschedule reports the misuse */
    int rc = weft__checkpoint();
    weft__tls_rt->yielding = false;
    return rc;
}

int weft__checkpoint(void) {
    struct weft__rt *rt = weft__tls_rt;
    if (rt && rt->current) {
        rt->current->site = (uintptr_t)__builtin_return_address(0);
    }
    weft__reschedule();
    return weft__task_cancelled(weft__tls_rt->current) ? -ECANCELED : 0;
}

/* ---- the wait primitive ---- */

void weft__waitq_init(struct weft__waitq *q, const char *kind,
                      const void *obj, const struct weft__site *site) {
    weft__list_init(&q->waiters);
    q->nwaiters = 0;
    q->kind = kind;
    q->obj = obj;
    q->site = site;
}

void weft__timer_arm(struct weft__rt *rt, struct weft__timer *tm,
                     weft_time deadline, void (*fire)(struct weft__timer *)) {
    tm->deadline = deadline;
    tm->tiebreak = rt->timer_seq++;
    tm->fire = fire;
    weft__timers_push(&rt->timers, tm);
}

static void park_timer_fire(struct weft__timer *tm) {
    struct weft__task *t = container_of(tm, struct weft__task, park_timer);
    weft__wake(t->wait, -ETIMEDOUT);
}

int weft__park(struct weft__waitq *q, struct weft__wait *w,
               weft_time deadline, unsigned flags) {
    struct weft__rt *rt = weft__tls_rt;
    struct weft__task *t = weft__task_current("a blocking call");
    if (!(flags & (WEFT__PARK_NOCANCEL | WEFT__PARK_CHECKED)) &&
        weft__task_cancelled(t)) {
        return -ECANCELED;
    }
    w->task = t;
    w->q = q;
    w->result = 0;
    if (q) {
        weft__list_push(&q->waiters, &w->node);
        q->nwaiters++;
    }
    t->wait = w;
    /* the blocking call, and where its object was made: the code
     * addresses only, so the site is the same in every run */
    t->site = (uintptr_t)__builtin_return_address(0) ^
              (q && q->site ? (uintptr_t)q->site->file * 31 + q->site->line
                            : 0);
    t->park_flags = flags;
    t->state = WEFT__TASK_PARKED;
    if (deadline != WEFT_NEVER) {
        weft__timer_arm(rt, &t->park_timer, deadline, park_timer_fire);
    }
    weft__trace_park(rt, w);
    leave_current(rt, false);
    return w->result;
}

void weft__wake(struct weft__wait *w, int result) {
    struct weft__task *t = w->task;
    struct weft__rt *rt = t->rt;
    weft__assert(t->state == WEFT__TASK_PARKED && t->wait == w);
    if (w->q) {
        weft__list_erase(&w->node);
        w->q->nwaiters--;
        w->q = NULL;
    }
    weft__timer_disarm(rt, &t->park_timer);
    t->wait = NULL;
    w->result = result;
    weft__trace_wake(rt, t, result);
    if (unlikely(weft__switch_hook)) {
        weft__switch_hook(true, (uintptr_t)__builtin_return_address(0),
                          t->site);
    }
    weft__make_runnable(rt, t);
}

bool weft__wake_first(struct weft__waitq *q, int result) {
    struct weft__wait *w = weft__waitq_first(q);
    if (!w) return false;
    weft__wake(w, result);
    return true;
}

void weft__requeue(struct weft__wait *w, struct weft__waitq *to) {
    weft__assert(w->q && w->task->state == WEFT__TASK_PARKED);
    w->task->park_flags |= WEFT__PARK_NOCANCEL;
    weft__list_erase(&w->node);
    w->q->nwaiters--;
    weft__list_push(&to->waiters, &w->node);
    to->nwaiters++;
    w->q = to;
}

void weft__wake_all(struct weft__waitq *q, int result) {
    while (weft__wake_first(q, result)) {
    }
}

void weft__wake_cancelled_in(weft_scope *s) {
    struct weft__task *t = s->owner;
    if (t->scope_top != s || t->state != WEFT__TASK_PARKED) return;
    if (t->park_flags & WEFT__PARK_NOCANCEL) return;
    weft__wake(t->wait, -ECANCELED);
}

/* ---- the loop ---- */

void weft__task_switch_away_dead(struct weft__rt *rt) {
    leave_current(rt, true);
    weft__assert_fail("a dead task was resumed", __FILE__, __LINE__);
}

/* Timers due at one instant fire in arming order, unless the backend
 * chooses (sim: a choice of the strategy, so ties are explored). */
#define MAX_TIED 16

static struct weft__timer *next_due(struct weft__rt *rt) {
    struct weft__timer *tied[MAX_TIED];
    if (!rt->backend->timer_tie) return weft__timers_first(&rt->timers);
    size_t n = weft__timers_tied(&rt->timers, tied, MAX_TIED);
    return n > 1 ? tied[rt->backend->timer_tie(rt, n)] : tied[0];
}

static void fire_due_timers(struct weft__rt *rt) {
    if (!rt->timers.n) return;
    weft_time now = rt->backend->now(rt);
    while (rt->timers.n && weft__timers_next(&rt->timers) <= now) {
        struct weft__timer *tm = next_due(rt);
        weft__timers_erase(&rt->timers, tm);
        /* The next timers to fire, the root and the one among its
         * children that follows: their owners' memory is likely cold. */
        for (size_t i = 0; i < 5 && i < rt->timers.n; i++) {
            __builtin_prefetch(rt->timers.heap[i].tm, 1);
        }
        weft__trace_timer(rt, tm->deadline);
        tm->fire(tm);
    }
}

void weft__remote_post(struct weft__rt *rt, struct weft__remote *r) {
    pthread_mutex_lock(&rt->remote_lock);
    r->next = rt->remote;
    rt->remote = r;
    pthread_mutex_unlock(&rt->remote_lock);
    rt->backend->wake_from_thread(rt);
}

void weft__remote_deliver(struct weft__rt *rt) {
    if (!__atomic_load_n(&rt->remote, __ATOMIC_ACQUIRE)) return;
    pthread_mutex_lock(&rt->remote_lock);
    struct weft__remote *r = rt->remote;
    rt->remote = NULL;
    pthread_mutex_unlock(&rt->remote_lock);
    struct weft__remote *fifo = NULL;
    while (r) { /* reverse the LIFO stack */
        struct weft__remote *next = r->next;
        r->next = fifo;
        fifo = r;
        r = next;
    }
    while (fifo) {
        struct weft__remote *next = fifo->next;
        fifo->deliver(fifo);
        fifo = next;
    }
}

/* Budget of direct task-to-task switches between two visits of the loop
 * (timers and I/O); 64 keeps a two-task ping-pong off the loop's path. */
#define MIN_BATCH 64

void weft__sched_stop(struct weft__rt *rt, int code) {
    rt->stop = code;
    struct weft__task *t = rt->current;
    if (!t) return;
    t->state = WEFT__TASK_PARKED; /* on nothing: abandoned with the run */
    t->wait = NULL;
    leave_current(rt, false);
    weft__assert_fail("a stopped task was resumed", __FILE__, __LINE__);
}

/* A bound of the run passed (livelock): says so and stops it. */
static int stop_livelock(struct weft__rt *rt, const char *what) {
    char run[128];
    weft__describe_run(run, sizeof run);
    fprintf(stderr, "weft: livelock: the run passed its %s bound with %zu "
                    "task(s) alive%s\n", what, rt->ntasks, run);
    rt->stop = -ELOOP;
    return -ELOOP;
}

int weft__sched_loop(struct weft__rt *rt) {
    for (;;) {
        if (rt->zombie) reap(rt);
        if (rt->ntasks == 0) return 0;
        if (unlikely(rt->stop)) return rt->stop;
        if (unlikely(rt->steps > rt->step_limit)) {
            return stop_livelock(rt, "step");
        }
        fire_due_timers(rt);
        if (rt->runq_len == 0) {
            weft_time next = weft__timers_next(&rt->timers);
            if (next == WEFT_NEVER && rt->nexternal == 0) {
                weft__deadlock_report(rt);
                rt->deadlocked = true;
                return -EDEADLK;
            }
            if (next != WEFT_NEVER && next > rt->time_limit) {
                return stop_livelock(rt, "virtual-time");
            }
            rt->backend->wait_external(rt, next);
            weft__remote_deliver(rt);
            continue;
        }
        if (rt->nexternal) {
            rt->backend->wait_external(rt, 0);
            weft__remote_deliver(rt);
        }
        rt->budget = rt->runq_len > MIN_BATCH ? rt->runq_len : MIN_BATCH;
        struct weft__task *next = pick(rt);
        rt->current = next;
        if (unlikely(rt->slow_ns)) {
            rt->slice_start = rt->backend->now_coarse(rt);
        }
        switch_ctx(rt, &rt->loop_ctx, next, false);
        rt->current = NULL;
    }
}
