/* src/sched.h: tasks, the runtime and the one wait primitive.
 *
 * Every blocking call in weft parks the calling task on a wait queue
 * (struct weft__waitq) with an optional deadline. A parked task is woken
 * exactly once, by one of: a peer (weft__wake, which dequeues it and
 * hands it a result), its deadline (-ETIMEDOUT), or cancellation of an
 * enclosing scope (-ECANCELED). Whoever wakes it dequeues it first, so a
 * peer's hand-over (an item, a lock) is never lost to a later
 * cancellation: that is where cancel-safety lives. Wait records are on
 * the waiting task's stack; waiting never allocates.
 *
 * Scheduling: runnable tasks sit in a ring (rt->runq) in the order they
 * became runnable; the backend's pick_next chooses which runs next. A
 * task switches directly to the next one; the scheduler loop (on the
 * thread that called weft_run) runs timers and external waits when the
 * ring is empty or a batch of switches has passed. */
#ifndef WEFT_SCHED_H
#define WEFT_SCHED_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "backend.h"
#include "common.h"
#include "ctx/ctx.h"
#include "leak.h"
#include "list.h"
#include "stack.h"
#include "strategy.h"
#include "timer.h"
#include "weft/cancel.h"
#include "weft/task.h"

enum weft__task_state {
    WEFT__TASK_RUNNABLE, /* in rt->runq */
    WEFT__TASK_RUNNING,  /* rt->current */
    WEFT__TASK_PARKED,   /* on a wait queue, t->wait set */
    WEFT__TASK_DONE,     /* ended; its stack is reclaimed by the loop */
};

/* Park flags. */
#define WEFT__PARK_NOCANCEL 0x1u /* cancellation does not wake this wait */
#define WEFT__PARK_CHECKED 0x2u  /* the caller has just found the task not
                                    cancelled, and nothing ran since: park
                                    skips its own check */

/* One parked task on one wait queue; lives on the task's stack. */
struct weft__wait {
    struct weft__list node;  /* in q->waiters while queued */
    struct weft__task *task; /* the waiting task */
    struct weft__waitq *q;   /* the queue, NULL once dequeued */
    void *data;              /* payload for the waker (borrowed) */
    int result;              /* set by whoever wakes it */
};

/* Timer-heap slots a task reserves at spawn, so that neither its waits
 * nor its first deadline scope allocate: its park_timer's, and one
 * scope deadline's (src/cancel.c). */
#define WEFT__TASK_TIMER_SLOTS 2

/* A task. Lives at the top of its own stack, so a parked task costs the
 * pages of stack it touched and nothing else. Spawn clears the lines
 * from the first field to `base`'s timer (task.c) and sets the others.
 * The base scope has no deadline, so its timer is never armed nor read:
 * it is left as it is. */
struct weft__task {
    /* First cache line: what switching to the task and waking it from a
     * timer touch, so that one prefetch (src/sched.c) covers both. ctx
     * and rt are set at spawn, the rest cleared. */
    struct weft__ctx ctx;        /* saved registers while not running */
    struct weft__rt *rt;         /* weak: the runtime outlives the task */
    int state;                   /* enum weft__task_state */
    unsigned park_flags;         /* WEFT__PARK_* of the current wait */
    struct weft__wait *wait;     /* while PARKED */
    struct weft__timer park_timer; /* deadline of the current wait */
    /* cleared at spawn */
    weft_group *group;           /* weak: joins before the task is freed */
    int (*fn)(void *);           /* body, or NULL for a started task */
    int (*start_fn)(void *, weft_task_status *);
    void *arg;
    weft_task_status *status;    /* weft_start handshake, until started */
    const char *resumed_from;    /* slow-task report: what it last waited
                                    on (src/slow.c); NULL: its start */
    struct weft__task_leaks leaks; /* objects it created, still tracked */
    unsigned ndeadline_scopes;   /* its entered scopes with a deadline:
                                    the first uses a slot reserved at
                                    spawn (WEFT__TASK_TIMER_SLOTS) */
    weft_scope *scope_top;       /* innermost entered scope */
    weft_scope base;             /* outermost scope: child of the group's,
                                    its cancellation cache next to
                                    scope_top; its timer (last) is never
                                    touched */
    /* set at spawn */
    uint64_t id;                 /* 1 for the root task */
    const char *name;            /* borrowed from the spawner */
    uintptr_t site;              /* where it last left the CPU: a code
                                    address (schedule coverage) */
    struct weft__list all_node;  /* in rt->tasks */
    struct weft__stack stack;    /* where this task lives */
    void *host;                  /* weak: its simulated host (sim/net.h),
                                    inherited; NULL: none */
    struct weft_call_site call_site; /* its blocking call's line, while in
                                    one made by macro (weft/common.h) */
};


/* Work posted to the runtime's thread by another thread (a finished
 * run_sync job): the loop calls deliver(r) on the runtime's thread.
 * Whoever posts it keeps rt->nexternal counted until delivery. */
struct weft__remote {
    struct weft__remote *next;
    void (*deliver)(struct weft__remote *r);
};

/* The runtime: one per thread running weft_run. */
struct weft__rt {
    const struct weft__backend_ops *backend;
    void *backend_state;         /* owned by the backend */
    const weft_config *cfg;      /* borrowed for the run */
    struct weft__ctx loop_ctx;   /* the scheduler loop, on the caller's stack */
    struct weft__task *current;  /* running task, NULL in the loop */
    struct weft__trace *trace;   /* owned: the recorder, NULL when off */
    struct weft__task **runq;    /* owned ring of runnable tasks */
    size_t runq_cap;             /* >= ntasks, reserved at spawn */
    size_t runq_head;
    size_t runq_len;
    size_t budget;               /* switches left before the loop polls */
    struct weft__timers timers;
    struct weft__stacks stacks;
    struct weft__list tasks;     /* every live task, by creation */
    size_t ntasks;
    uint64_t next_task_id;
    uint64_t steps;              /* scheduling decisions so far */
    uint64_t cancel_epoch;       /* bumped when a scope is cancelled or a
                                    scope moves in the tree: makes every
                                    scope's cached chain state stale;
                                    starts at 1 (0: never cached) */
    struct weft__task *zombie;   /* ended task whose stack the loop frees */
    struct weft__task *root;
    size_t nexternal;            /* pending thread jobs and fd waits:
                                    events that may still wake a task */
    uint64_t timer_seq;          /* arming order of timers (tiebreak) */
    uint64_t last_id;            /* the task that left the CPU last */
    int last_left;               /* how: enum weft__left (strategy.h) */
    uintptr_t last_site;         /* and where: its site */
    bool yielding;               /* in weft_yield: a strategy may let
                                    the others run first (pct) */
    uint64_t step_limit;         /* past it the run stops: livelock */
    weft_time time_limit;        /* a timer past it: livelock */
    int stop;                    /* set: the run stops with this code
                                    (-ELOOP livelock, or a failed
                                    WEFT_ASSERT under exploration) */
    uint64_t rand_state[4];      /* weft_random's xoshiro256** stream */
    int root_result;
    struct weft__leak_state leaks; /* tracked and leaked objects */
    struct weft__list jobs;      /* run_sync jobs not yet done */
    struct weft__io_state *io;   /* owned: fd records (src/io/), on demand */
    pthread_mutex_t remote_lock; /* guards remote */
    struct weft__remote *remote; /* posted by other threads, LIFO */
    weft_time slow_ns;           /* slow-task threshold, 0: off (slow.c) */
    weft_time slice_start;       /* when the running task was switched in */
    bool deadlocked;
    void *altstack;              /* owned: signal stack for overflows */
    stack_t old_altstack;        /* the thread's, restored at the end */
    const void *loop_stack_lo;   /* the caller's stack, for ASan */
    size_t loop_stack_size;
};

extern __thread struct weft__rt *weft__tls_rt
    __attribute__((tls_model("initial-exec")));

/* The runtime of the calling thread, NULL outside weft_run. */
static inline struct weft__rt *weft__rt_current(void) { return weft__tls_rt; }

/* Thread-safe: queues r for delivery on rt's thread and wakes its loop. */
void weft__remote_post(struct weft__rt *rt, struct weft__remote *r);
/* On rt's thread: delivers what other threads posted, oldest first (the
 * one delivery loop: the scheduler loop's and weft_run's last). */
void weft__remote_deliver(struct weft__rt *rt);

/* Arms tm to call fire at the absolute deadline. */
void weft__timer_arm(struct weft__rt *rt, struct weft__timer *tm,
                     weft_time deadline, void (*fire)(struct weft__timer *));
/* Disarms tm if armed (inline: most timers disarmed were never armed). */
static inline void weft__timer_disarm(struct weft__rt *rt,
                                      struct weft__timer *tm) {
    if (tm->armed) weft__timers_erase(&rt->timers, tm);
}

/* Misuse: what was called outside a weft task. */
WEFT__NORETURN void weft__outside_task(const char *what);

/* The running task; misuse outside a task (what names the caller).
 * Inline: every API call starts with it. */
static inline struct weft__task *weft__task_current(const char *what) {
    struct weft__rt *rt = weft__tls_rt;
    if (unlikely(!rt || !rt->current)) weft__outside_task(what);
    return rt->current;
}

/* Wait queues. */
/* kind is a static description ("lock"); obj and site identify the
 * object in deadlock reports (site may be NULL). */
void weft__waitq_init(struct weft__waitq *q, const char *kind,
                      const void *obj, const struct weft__site *site);
static inline bool weft__waitq_empty(const struct weft__waitq *q) {
    return q->nwaiters == 0;
}
/* Oldest waiter, NULL when empty. */
static inline struct weft__wait *weft__waitq_first(const struct weft__waitq *q) {
    if (!q->nwaiters) return NULL;
    return container_of(q->waiters.next, struct weft__wait, node);
}

/* Parks the calling task on q (may be NULL: wait only for the deadline
 * or cancellation) until woken. Returns the waker's result, -ETIMEDOUT
 * at the absolute deadline (WEFT_NEVER: none), or -ECANCELED when an
 * enclosing scope is or becomes cancelled (unless WEFT__PARK_NOCANCEL).
 * Already cancelled: returns -ECANCELED at once without parking (unless
 * WEFT__PARK_CHECKED says the caller has just checked). On
 * return w is on no queue. w->data is left to the caller. */
int weft__park(struct weft__waitq *q, struct weft__wait *w,
               weft_time deadline, unsigned flags);

/* Wakes the task parked in w with result: dequeues it and makes it
 * runnable. w must be parked. */
void weft__wake(struct weft__wait *w, int result);

/* Wakes the oldest waiter of q with result; false when q is empty. */
bool weft__wake_first(struct weft__waitq *q, int result);

/* Moves w, parked on a queue, to the tail of `to` without waking it
 * (a condition's notify moves its waiters onto the lock's queue). The
 * waiter got what it waited for and now waits only for its turn, so
 * from then on cancellation does not wake it: it keeps its place. */
void weft__requeue(struct weft__wait *w, struct weft__waitq *to);

/* Wakes every waiter of q, oldest first. */
void weft__wake_all(struct weft__waitq *q, int result);

/* weft__reschedule when other tasks are runnable or the batch is over:
 * t goes to the back of the run queue and the scheduler picks. */
void weft__reschedule_switch(struct weft__rt *rt, struct weft__task *t);
/* Reports t's overwritten stack canary and aborts. */
WEFT__NORETURN void weft__canary_failed(const struct weft__task *t);
/* The running task t leaves the CPU (a checkpoint, a park, its end):
 * reports it when it ran longer than rt->slow_ns, starts the next slice
 * (slow.c). Called only when rt->slow_ns is set. */
void weft__slow_check(struct weft__rt *rt, struct weft__task *t);

/* Makes the calling task runnable again and lets the scheduler pick.
 * Alone (no other task runnable, budget left) the pick could only
 * return the caller, so this does that pick's bookkeeping and returns,
 * inline: an uncontended lock or a checkpoint then makes no call. Both
 * backends call pick_next only with two or more runnable tasks, so the
 * simulator's choices and step count are the same. */
static inline void weft__reschedule(void) {
    struct weft__rt *rt = weft__tls_rt;
    struct weft__task *t = weft__task_current("a checkpoint");
    if (rt->runq_len || !rt->budget) {
        weft__reschedule_switch(rt, t);
        return;
    }
    if (unlikely(!weft__stack_canary_ok(&t->stack))) weft__canary_failed(t);
    if (unlikely(rt->slow_ns)) weft__slow_check(rt, t);
    rt->budget--;
    rt->steps++;
}

/* weft__scope_chain_cancelled when s's cached answer is stale: walks
 * the chain and caches the answer (sched.c). */
bool weft__scope_chain_walk(weft_scope *s);

/* Whether a checkpoint whose innermost scope is s would be cancelled:
 * some scope from s up to the first shielded one is. The cached answer
 * is inline: every checkpoint asks. */
static inline bool weft__scope_chain_cancelled(weft_scope *s) {
    if (likely(s->chain_epoch == weft__tls_rt->cancel_epoch)) {
        return s->chain_cancelled;
    }
    return weft__scope_chain_walk(s);
}

/* weft__task_cancelled's yes, out of line (it is traced). */
bool weft__cancel_seen(struct weft__task *t);

/* Whether a checkpoint of t would return -ECANCELED now. */
static inline bool weft__task_cancelled(struct weft__task *t) {
    if (likely(!weft__scope_chain_cancelled(t->scope_top))) return false;
    return weft__cancel_seen(t);
}

/* A checkpoint: schedule point, then -ECANCELED or 0. */
int weft__checkpoint(void);
/* weft_yield: a checkpoint that tells the strategy the task waits for
 * the others (a polling loop), not only offers a schedule point. */
int weft__yield(void);

/* Called by cancel.c when scope s becomes cancelled: wakes the parked,
 * cancellable tasks whose innermost scope is s. */
void weft__wake_cancelled_in(weft_scope *s);

/* weft__runq_reserve's growth, when n exceeds the capacity. */
int weft__runq_grow(struct weft__rt *rt, size_t n);
/* Grows the run queue to hold n tasks: 0 or -ENOMEM. Called at every
 * spawn, hence inline. */
static inline int weft__runq_reserve(struct weft__rt *rt, size_t n) {
    if (likely(n <= rt->runq_cap)) return 0;
    return weft__runq_grow(rt, n);
}
/* Makes t runnable (t must be new or parked-and-dequeued). */
static inline void weft__make_runnable(struct weft__rt *rt,
                                       struct weft__task *t) {
    t->state = WEFT__TASK_RUNNABLE;
    rt->runq[(rt->runq_head + rt->runq_len++) & (rt->runq_cap - 1)] = t;
}
/* First thing a new context does (ASan bookkeeping). */
void weft__sched_first_entry(void);
/* Leaves the running task for good (it is DONE). */
WEFT__NORETURN void weft__task_switch_away_dead(struct weft__rt *rt);

/* Task lifecycle (task.c). */
/* Creates the root task of rt, runnable. 0 or -ENOMEM. */
int weft__task_create_root(struct weft__rt *rt, int (*fn)(void *), void *arg);
/* Frees what the tasks still alive at a deadlock hold. */
void weft__tasks_abandon(struct weft__rt *rt);

/* Stops the run: the loop returns code (negative) as soon as it runs,
 * and the tasks are abandoned as at a deadlock. Called from a task, it
 * never returns (the task is abandoned where it stands). */
void weft__sched_stop(struct weft__rt *rt, int code);
/* Prints the report of a deadlock and records it (deadlock.c). */
void weft__deadlock_report(struct weft__rt *rt);

/* Schedule coverage for a fuzzer (sim/fuzz.c), NULL unless a fuzz
 * target runs: called at each switch that was a choice with the site the
 * outgoing task left at and the site the incoming one resumes at (wake
 * false), and at each wake with the waker's site and the woken task's
 * (wake true). Sites are code addresses: stable within a process. */
extern void (*weft__switch_hook)(bool wake, uintptr_t from, uintptr_t to);

/* Runs the scheduler loop until the root task ended (sched.c). */
int weft__sched_loop(struct weft__rt *rt);

/* weft_run without the environment, cfg used as given (an in-process
 * exploration decides its own seeds). Not inside a runtime (runtime.c). */
int weft__run_exact(const weft_config *cfg, int (*main_fn)(void *),
                    void *arg);

/* The seed and step for assertion messages (runtime.c). */
void weft__describe_run(char *buf, size_t n);

#endif
