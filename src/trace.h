/* src/trace.h: the hook layer of trace recording (docs/TRACING.md).
 *
 * Each event site in the library is one call to one of these inline
 * hooks. While no runtime of the process records, a hook is one compare
 * of a global with zero and a predicted-not-taken branch (weft__tracing
 * is not thread-local and needs no pointer chase, unlike rt->trace); the
 * recording itself is out of line in src/trace.c, the only file that
 * knows the format. Tasks are named by
 * their ids and objects by small ids handed out per run, so that a sim
 * trace depends on the program and the seed only. */
#ifndef WEFT_SRC_TRACE_H
#define WEFT_SRC_TRACE_H

#include "config.h"
#include "sched.h"
#include "trace_format.h"

struct weft_leak_info;

/* How many runtimes of the process record a trace (any thread). */
extern int weft__tracing __attribute__((visibility("hidden")));

/* Whether any runtime records; relaxed: another thread's open or close
 * only needs to be seen eventually (a plain load on every target).
 * Built with --disable-trace, a constant false: every hook compiles to
 * nothing. */
#if WEFT_TRACE_BUILD
#define WEFT__ANY_TRACING() unlikely(__atomic_load_n(&weft__tracing, \
                                                     __ATOMIC_RELAXED))
#else
#define WEFT__ANY_TRACING() 0
#endif

/* Whether rt records: the global first, so that off costs one compare. */
#define WEFT__TRACING(rt) (WEFT__ANY_TRACING() && (rt)->trace)

/* Module lifetime (runtime.c): open before the root task exists (0 or
 * -errno, message printed), close after the last event (writes the run
 * end and the last block). */
int weft__trace_open(struct weft__rt *rt, const char *path);
void weft__trace_close(struct weft__rt *rt, int result);

/* Abort paths (misuse.c, overflow): record what stops the run and write
 * what is buffered. The signal variant only writes (async-signal-safe). */
void weft__trace_abort(int kind, const char *msg, const char *file, int line);
void weft__trace_flush_signal(void);

/* Out-of-line recorders behind the hooks below. Cold to their callers
 * (not to src/trace.c, which is compiled for speed): the compiler moves
 * each call out of the hot path's way and does not count it against
 * inlining the function that holds the hook. */
#ifdef WEFT__TRACE_RECORDER
#define WEFT__TRACE_COLD
#else
#define WEFT__TRACE_COLD __attribute__((cold))
#endif
WEFT__TRACE_COLD void weft__trace_task_rec(struct weft__rt *rt, int kind,
                          const struct weft__task *t, int64_t value);
WEFT__TRACE_COLD void weft__trace_spawn_rec(struct weft__rt *rt, const struct weft__task *child,
                           const weft_scope *in);
WEFT__TRACE_COLD void weft__trace_switch_rec(struct weft__rt *rt, const struct weft__task *to);
WEFT__TRACE_COLD void weft__trace_park_rec(struct weft__rt *rt, const struct weft__wait *w);
WEFT__TRACE_COLD void weft__trace_wake_rec(struct weft__rt *rt, const struct weft__task *t,
                          int result);
WEFT__TRACE_COLD void weft__trace_scope_rec(struct weft__rt *rt, int kind, const weft_scope *s,
                           int reason);
WEFT__TRACE_COLD void weft__trace_shielded_rec(struct weft__rt *rt, const weft_scope *shield,
                              const weft_scope *from, int reason);
WEFT__TRACE_COLD void weft__trace_timer_rec(struct weft__rt *rt, weft_time deadline);
WEFT__TRACE_COLD void weft__trace_obj_rec(struct weft__rt *rt, int kind, uint64_t task,
                         const void *obj, int64_t value);
WEFT__TRACE_COLD void weft__trace_pass_rec(struct weft__rt *rt, const void *obj,
                          const struct weft__task *putter,
                          const struct weft__task *getter);
WEFT__TRACE_COLD void weft__trace_object_rec(struct weft__rt *rt, const void *obj,
                            const char *kind, const char *file, int line);
WEFT__TRACE_COLD void weft__trace_leak_rec(struct weft__rt *rt,
                          const struct weft_leak_info *li);
WEFT__TRACE_COLD void weft__trace_label_rec(struct weft__rt *rt, const char *label);
WEFT__TRACE_COLD void weft__trace_event_rec(struct weft__rt *rt, int kind, int64_t value);
WEFT__TRACE_COLD void weft__trace_waits_rec(struct weft__rt *rt, const struct weft__task *t,
                           const struct weft__waitq *q, uint64_t holder);

/* The hooks. Macros rather than inline functions so that the arguments
 * are computed only inside the branch: for an inline call the compiler
 * hoists the loads of its arguments above the test, and the untaken path
 * pays them. Each argument is evaluated at most twice (rt) and never when
 * no runtime records, so none may have side effects. */
#define WEFT__TRACE_IF(rt, call)                                               \
    do {                                                                       \
        if (WEFT__TRACING(rt)) call;                                           \
    } while (0)

/* Task t started, exited (value: result) or saw a cancellation. */
#define weft__trace_task(rt, kind, t, v)                                       \
    WEFT__TRACE_IF(rt, weft__trace_task_rec(rt, kind, t, v))

/* child was created by the running task (NULL: the root), under scope in. */
#define weft__trace_spawn(rt, child, in)                                       \
    WEFT__TRACE_IF(rt, weft__trace_spawn_rec(rt, child, in))

/* `to` runs next (rt->current is the one before, NULL: the loop). */
#define weft__trace_switch(rt, to)                                             \
    WEFT__TRACE_IF(rt, weft__trace_switch_rec(rt, to))

/* w->task parks in w (its queue and armed park timer say on what and
 * until when). */
#define weft__trace_park(rt, w) WEFT__TRACE_IF(rt, weft__trace_park_rec(rt, w))

/* t is woken with result, by the running task or the loop's cause. */
#define weft__trace_wake(rt, t, result)                                        \
    WEFT__TRACE_IF(rt, weft__trace_wake_rec(rt, t, result))

/* Scope s entered, exited or cancelled (reason: WEFT__CANCEL_*). */
#define weft__trace_scope(rt, kind, s, reason)                                 \
    WEFT__TRACE_IF(rt, weft__trace_scope_rec(rt, kind, s, reason))

/* The cancellation of scope from (reason: WEFT__CANCEL_*) stopped at the
 * shielded scope shield, below it. */
#define weft__trace_shielded(rt, shield, from, reason)                         \
    WEFT__TRACE_IF(rt, weft__trace_shielded_rec(rt, shield, from, reason))

#define weft__trace_timer(rt, deadline)                                        \
    WEFT__TRACE_IF(rt, weft__trace_timer_rec(rt, deadline))

/* An operation of kind on obj on behalf of the task with id task (0: the
 * running one). */
#define weft__trace_obj(rt, kind, task, obj, value)                            \
    WEFT__TRACE_IF(rt, weft__trace_obj_rec(rt, kind, task, obj, value))

/* A queue's item went straight from putter's buffer to getter's (one of
 * them runs): a put and a get in one record. */
#define weft__trace_pass(rt, obj, putter, getter)                              \
    WEFT__TRACE_IF(rt, weft__trace_pass_rec(rt, obj, putter, getter))

/* obj (kind, created at file:line) is new: it gets a fresh id. rt may be
 * NULL (outside a run). */
static inline void weft__trace_object(struct weft__rt *rt, const void *obj,
                                      const char *kind, const char *file,
                                      int line) {
    if (WEFT__ANY_TRACING() && rt && rt->trace) {
        weft__trace_object_rec(rt, obj, kind, file, line);
    }
}

static inline void weft__trace_leak(const struct weft_leak_info *li) {
    if (!WEFT__ANY_TRACING()) return;
    struct weft__rt *rt = weft__rt_current();
    if (rt && rt->trace) weft__trace_leak_rec(rt, li);
}

/* The running task reached weft_sched_point(label): a note, aux 1. */
#define weft__trace_label(rt, label)                                           \
    WEFT__TRACE_IF(rt, if (label) weft__trace_label_rec(rt, label))

/* An event of the run as a whole (a deadlock: value, the blocked tasks). */
#define weft__trace_event(rt, kind, value)                                     \
    WEFT__TRACE_IF(rt, weft__trace_event_rec(rt, kind, value))

/* A record of the simulated network (sim/net_trace.c): the fields as
 * docs/TRACE-FORMAT.md "Network" gives them per kind. */
struct weft__trace_net {
    uint16_t host;     /* aux: the host (a segment's source) */
    uint32_t conn;     /* obj: the connection, 0 for none */
    int32_t to;        /* line: a segment's destination host, -1: none */
    uint64_t value;
    const char *text;  /* str: copied, may be NULL */
};
void weft__trace_net_rec(struct weft__rt *rt, int kind,
                         const struct weft__trace_net *n);
static inline void weft__trace_net(struct weft__rt *rt, int kind,
                                   const struct weft__trace_net *n) {
    if (WEFT__TRACING(rt)) weft__trace_net_rec(rt, kind, n);
}

/* At a deadlock: t waits in q on an object held by task holder (0: none). */
#define weft__trace_waits(rt, t, q, holder)                                    \
    WEFT__TRACE_IF(rt, weft__trace_waits_rec(rt, t, q, holder))

#endif
