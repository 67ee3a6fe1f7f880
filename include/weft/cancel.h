/* weft/cancel.h: cancel scopes, deadlines and shields (lionpride's cancel
 * and errors modules; trio's CancelScope).
 *
 * A scope is entered and exited by one task, strictly nested (LIFO).
 * Cancellation is level-triggered: once a scope is cancelled, every
 * checkpoint inside it returns -ECANCELED until the scope exits. A
 * shielded scope stops cancellation of the scopes around it (but not
 * its own). */
#ifndef WEFT_CANCEL_H
#define WEFT_CANCEL_H

#include <errno.h>

#include "weft/common.h"
#include "weft/private.h"

#ifdef __cplusplus
extern "C" {
#endif

#define WEFT_SHIELD 0x1u /* outer cancellation does not reach inside */
#define WEFT_FAIL 0x2u   /* expiry of the deadline is an error: -ETIMEDOUT */

typedef struct weft_scope weft_scope;

struct weft_scope {
    /* private: not API */
    /* first: what a checkpoint reads, so that in a task's base scope it
     * shares a cache line with the task's scope_top (src/sched.h) */
    uint64_t chain_epoch;          /* runtime epoch of that cache; 0: none */
    bool chain_cancelled;          /* cached: a checkpoint here is
                                      cancelled (src/sched.c) */
    uint8_t cancelled;             /* cancel reason, 0 while not cancelled */
    unsigned flags;                /* WEFT_SHIELD, WEFT_FAIL, internal */
    weft_scope *parent;            /* enclosing scope (weak: LIFO) */
    struct weft__list children;    /* scopes nested in this one */
    struct weft__list sibling;     /* link in parent->children */
    struct weft__task *owner;      /* task that entered it */
    weft_time deadline;
    bool caught;                   /* exit absorbed a cancellation */
    struct weft__site site;        /* where it was entered */
    weft_time entered_at;          /* for leak reports; 0: not tracked */
    struct weft__timer timer;      /* the deadline, when finite; last, so
                                      that a task's base scope, which never
                                      has one, need not clear it (src/task.c) */
};

/* Enters s in the calling task with an absolute deadline (WEFT_NEVER:
 * none; in the past: cancelled at once) and flags. Not a checkpoint.
 * Misuse: outside a task. */
WEFT_API void weft_scope_enter_at(weft_scope *s, weft_time deadline,
                                  unsigned flags, const char *file, int line);
#define weft_scope_enter(s, deadline, flags) \
    weft_scope_enter_at((s), (deadline), (flags), __FILE__, __LINE__)

/* Exits s, which must be the innermost scope of the calling task (else
 * the process aborts naming both scopes). rc is the body's result; the
 * result the caller should see is returned: a -ECANCELED that s caught
 * becomes 0, or -ETIMEDOUT when s has WEFT_FAIL and its deadline
 * expired; any other rc passes through. Not a checkpoint. */
WEFT_API int weft_scope_exit(weft_scope *s, int rc);

/* Cancels s and everything nested in it; parked tasks inside wake with
 * -ECANCELED. Idempotent; may be called from any task of the runtime.
 * On a scope that has already exited it does nothing (as in trio): a
 * supervisor may cancel a worker's published scope at any time while
 * the scope's memory is alive. */
WEFT_API void weft_scope_cancel(weft_scope *s);

/* Whether s's exit turned a cancellation into its result. */
WEFT_API bool weft_scope_cancel_caught(const weft_scope *s);

/* Nearest deadline among the calling task's enclosing scopes, up to and
 * including the innermost shielded one; WEFT_NEVER when none. */
WEFT_API weft_time weft_effective_deadline(void);

/* Enter s with a relative or absolute deadline; expiry makes exit return
 * 0 (move_on) or -ETIMEDOUT (fail). Zero or negative durations mean
 * already expired. */
WEFT_API void weft_move_on_after_at(weft_scope *s, weft_time duration,
                                    const char *file, int line);
WEFT_API void weft_move_on_at_at(weft_scope *s, weft_time deadline,
                                 const char *file, int line);
WEFT_API void weft_fail_after_at(weft_scope *s, weft_time duration,
                                 const char *file, int line);
WEFT_API void weft_fail_at_at(weft_scope *s, weft_time deadline,
                              const char *file, int line);
#define weft_move_on_after(s, d) weft_move_on_after_at((s), (d), __FILE__, __LINE__)
#define weft_move_on_at(s, d) weft_move_on_at_at((s), (d), __FILE__, __LINE__)
#define weft_fail_after(s, d) weft_fail_after_at((s), (d), __FILE__, __LINE__)
#define weft_fail_at(s, d) weft_fail_at_at((s), (d), __FILE__, __LINE__)

/* Runs fn(arg) in a shielded scope and returns its result. */
WEFT_API int weft_shield(int (*fn)(void *), void *arg);

/* Whether rc is the cancellation code (lionpride's is_cancelled). */
static inline bool weft_is_cancelled(int rc) { return rc == -ECANCELED; }

#ifdef __cplusplus
}
#endif
#endif
