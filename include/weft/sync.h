/* weft/sync.h: locks, semaphores, capacity limiters, events and
 * conditions (lionpride's primitives; trio's Lock, Semaphore,
 * CapacityLimiter, Event, Condition). Queues are in weft/queue.h.
 *
 * Rules common to every object here (docs/SYNC.md):
 * - The caller allocates the object; weft_X_init (a macro recording the
 *   creation site) sets it up inside a running task, and the object
 *   belongs to that task's runtime. It must not move until
 *   weft_X_destroy returns.
 * - Every blocking call is a checkpoint, even when it does not block: it
 *   returns -ECANCELED at once if an enclosing scope is cancelled (taking
 *   nothing); past that check it is a schedule point, whatever it
 *   returns. try_ calls never block and are not checkpoints.
 * - Waiters are served first come, first served, and a release hands the
 *   resource straight to the oldest waiter, so a later caller cannot
 *   barge in.
 * - Cancel-safety: a blocking call that returns an error took nothing.
 * - Misuse aborts with a one-line message naming the object and its
 *   creation site: using an object that is not initialised, destroyed or
 *   belongs to another runtime (each call checks a magic word and the
 *   owning runtime: two loads and two compares), destroying an object
 *   that still has waiters or holders. */
#ifndef WEFT_SYNC_H
#define WEFT_SYNC_H

#include <errno.h>

#include "weft/common.h"
#include "weft/private.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct weft_lock weft_lock;
typedef struct weft_sem weft_sem;
typedef struct weft_limiter weft_limiter;
typedef struct weft_event weft_event;
typedef struct weft_cond weft_cond;

/* ---- Lock (lionpride's Lock): a mutex owned by one task ---- */

struct weft_lock {
    /* private: not API */
    uint32_t magic;             /* its kind; lower case once destroyed */
    struct weft__rt *rt;        /* weak: the runtime it belongs to */
    uint64_t owner_id;          /* the holder's task id, 0 when free: an
                                   id is never reused within a runtime,
                                   a task's address is (stacks are
                                   pooled); waiters nonempty =>
                                   owner_id != 0 */
    struct weft__waitq waitq;   /* tasks in weft_lock_acquire */
    struct weft__tracked track; /* leak tracking and the creation site */
};

/* Initialises lk, free. Not a checkpoint. Returns 0.
 * Misuse: outside a task. */
WEFT_API int weft_lock_init_at(weft_lock *lk, const char *file, int line);
#define weft_lock_init(lk) weft_lock_init_at((lk), __FILE__, __LINE__)

/* Takes lk for the calling task, waiting (FIFO) while another task holds
 * it. Checkpoint. Returns 0; -ECANCELED when an enclosing scope is
 * cancelled before the lock was taken (then it is not held);
 * -EDEADLK when the caller already holds it. */
WEFT_API int weft_lock_acquire(weft_lock *lk);

/* Takes lk if it is free. Not a checkpoint. Returns 0, -EWOULDBLOCK when
 * another task holds it, -EDEADLK when the caller does. */
WEFT_API int weft_lock_try_acquire(weft_lock *lk);

/* Releases lk, handing it to the oldest waiter if any. Not a
 * checkpoint. Returns 0, or -EPERM when the caller does not hold it
 * (nothing changes). Only the holder can release: a lock whose holder
 * ended without releasing it stays held for good. */
WEFT_API int weft_lock_release(weft_lock *lk);

/* Whether some task holds lk. */
WEFT_API bool weft_lock_locked(const weft_lock *lk);

/* Tasks waiting in weft_lock_acquire. */
WEFT_API size_t weft_lock_waiters(const weft_lock *lk);

/* Ends lk's life. Misuse: held or waited on. */
WEFT_API void weft_lock_destroy(weft_lock *lk);

/* ---- Semaphore (lionpride's Semaphore) ---- */

struct weft_sem {
    /* private: not API */
    uint32_t magic;
    struct weft__rt *rt;      /* weak */
    unsigned value;           /* free units; waiters nonempty => 0 */
    unsigned max;             /* upper bound of value, 0: none */
    struct weft__waitq waitq; /* tasks in weft_sem_acquire */
    struct weft__tracked track;
};

/* Initialises s with value free units and an upper bound max (0: no
 * bound). Not a checkpoint. Returns 0, or -EINVAL when max && value >
 * max. Misuse: outside a task. */
WEFT_API int weft_sem_init_at(weft_sem *s, unsigned value, unsigned max,
                              const char *file, int line);
#define weft_sem_init(s, value, max)                                           \
    weft_sem_init_at((s), (value), (max), __FILE__, __LINE__)

/* Takes one unit, waiting (FIFO) while there is none. Checkpoint.
 * Returns 0, or -ECANCELED (no unit taken). */
WEFT_API int weft_sem_acquire(weft_sem *s);

/* Takes one unit if one is free. Not a checkpoint. Returns 0 or
 * -EWOULDBLOCK. */
WEFT_API int weft_sem_try_acquire(weft_sem *s);

/* Gives one unit back: to the oldest waiter if any, else to the value.
 * Any task may release. Not a checkpoint. Returns 0, or -EOVERFLOW when
 * the value is already max (UINT_MAX when max is 0; nothing changes). */
WEFT_API int weft_sem_release(weft_sem *s);

/* Free units now. */
WEFT_API unsigned weft_sem_value(const weft_sem *s);

/* Tasks waiting in weft_sem_acquire. */
WEFT_API size_t weft_sem_waiters(const weft_sem *s);

/* Ends s's life. Misuse: waited on. (Units never given back are not
 * misuse: a semaphore does not know its holders.) */
WEFT_API void weft_sem_destroy(weft_sem *s);

/* ---- CapacityLimiter (lionpride's CapacityLimiter) ----
 * total tokens, at most one per borrower. The borrower is the calling
 * task, or any non-NULL pointer given to the _on_behalf calls (a
 * request, a connection), released by the same pointer from any task. */

struct weft__borrower; /* a task by id, or a pointer (limiter.c) */

struct weft_limiter {
    /* private: not API */
    uint32_t magic;
    struct weft__rt *rt;        /* weak */
    size_t total;               /* tokens; may be below nborrowed after
                                   set_total lowered it */
    size_t nborrowed;           /* tokens out; waiters => >= total */
    struct weft__borrower *set; /* owned: open-addressing hash set of
                                   borrowers, zeroed empty slots */
    size_t nslots;              /* 0 or a power of two >= 2 * nborrowed */
    struct weft__waitq waitq;   /* waiters; wait.data: their borrower */
    struct weft__tracked track;
};

/* Initialises l with total tokens (may be SIZE_MAX: no real limit). Not
 * a checkpoint. Returns 0, or -EINVAL when total is 0. Misuse: outside
 * a task. */
WEFT_API int weft_limiter_init_at(weft_limiter *l, size_t total,
                                  const char *file, int line);
#define weft_limiter_init(l, total)                                            \
    weft_limiter_init_at((l), (total), __FILE__, __LINE__)

/* Borrows a token for the calling task, waiting (FIFO) while none is
 * free. Checkpoint. Returns 0; -ECANCELED (no token taken); -EDEADLK
 * when the task already holds (or waits for) a token of l; -ENOMEM when
 * the borrower set could not grow. */
WEFT_API int weft_limiter_acquire(weft_limiter *l);

/* As weft_limiter_acquire without waiting: -EWOULDBLOCK when no token
 * is free. Not a checkpoint. */
WEFT_API int weft_limiter_try_acquire(weft_limiter *l);

/* As weft_limiter_acquire for borrower (non-NULL, borrowed: compared by
 * address only, never dereferenced). -EINVAL when borrower is NULL. */
WEFT_API int weft_limiter_acquire_on_behalf(weft_limiter *l,
                                            const void *borrower);

/* As weft_limiter_try_acquire for borrower. */
WEFT_API int weft_limiter_try_acquire_on_behalf(weft_limiter *l,
                                                const void *borrower);

/* Gives back the calling task's token, handing it to the oldest waiter
 * if a token is then free. Not a checkpoint. Returns 0, or -EPERM when
 * the task holds none (nothing changes). The token of a task that ended
 * without releasing it stays borrowed for good. */
WEFT_API int weft_limiter_release(weft_limiter *l);

/* As weft_limiter_release for borrower: -EPERM when it holds none,
 * -EINVAL when it is NULL. */
WEFT_API int weft_limiter_release_on_behalf(weft_limiter *l,
                                            const void *borrower);

/* Sets the number of tokens. Raising it hands the new tokens to waiters
 * at once, oldest first; lowering it below what is borrowed takes
 * nothing back (later releases do not hand out until borrowed < total).
 * Not a checkpoint. Returns 0, -EINVAL when total is 0, -ENOMEM when the
 * borrower set could not grow (nothing changes). */
WEFT_API int weft_limiter_set_total(weft_limiter *l, size_t total);

/* Tokens now. */
WEFT_API size_t weft_limiter_total(const weft_limiter *l);

/* Tokens borrowed now (exact; may exceed total after set_total). */
WEFT_API size_t weft_limiter_borrowed(const weft_limiter *l);

/* Tokens free now: total - borrowed, or 0 when borrowed >= total. */
WEFT_API size_t weft_limiter_available(const weft_limiter *l);

/* Tasks waiting for a token. */
WEFT_API size_t weft_limiter_waiters(const weft_limiter *l);

/* Ends l's life and frees its borrower set. Misuse: a token is borrowed
 * or a task waits. */
WEFT_API void weft_limiter_destroy(weft_limiter *l);

/* ---- Event (lionpride's Event): set once, never cleared ---- */

struct weft_event {
    /* private: not API */
    uint32_t magic;
    struct weft__rt *rt;      /* weak */
    bool is_set;              /* is_set => no waiters */
    struct weft__waitq waitq; /* tasks in weft_event_wait */
    struct weft__tracked track;
};

/* Initialises e, not set. Not a checkpoint. Returns 0. Misuse: outside a
 * task. */
WEFT_API int weft_event_init_at(weft_event *e, const char *file, int line);
#define weft_event_init(e) weft_event_init_at((e), __FILE__, __LINE__)

/* Sets e and wakes every waiter. Idempotent. Not a checkpoint; cannot
 * fail. */
WEFT_API void weft_event_set(weft_event *e);

/* Whether e is set. */
WEFT_API bool weft_event_is_set(const weft_event *e);

/* Waits until e is set. Checkpoint, even when e is already set. Returns
 * 0, or -ECANCELED (then e may or may not be set). */
WEFT_API int weft_event_wait(weft_event *e);

/* Tasks waiting in weft_event_wait. */
WEFT_API size_t weft_event_waiters(const weft_event *e);

/* Ends e's life. Misuse: waited on. */
WEFT_API void weft_event_destroy(weft_event *e);

/* ---- Condition (lionpride's Condition), bound to a lock ---- */

struct weft_cond {
    /* private: not API */
    uint32_t magic;
    struct weft__rt *rt;      /* weak */
    weft_lock *lock;          /* borrowed: must outlive the cond */
    struct weft__waitq waitq; /* tasks in weft_cond_wait */
    struct weft__tracked track;
};

/* Initialises c bound to lk (initialised, same runtime; borrowed for
 * c's lifetime). Not a checkpoint. Returns 0. Misuse: outside a task, or
 * lk not a live lock of this runtime. */
WEFT_API int weft_cond_init_at(weft_cond *c, weft_lock *lk, const char *file,
                               int line);
#define weft_cond_init(c, lk) weft_cond_init_at((c), (lk), __FILE__, __LINE__)

/* Releases the lock, waits for a notify, and takes the lock again before
 * returning, whatever the result: even when cancelled, the caller holds
 * the lock on return (re-acquiring it ignores cancellation). Notified
 * waiters take the lock in notify order, before any later acquirer.
 * Checkpoint. Returns 0 once notified (even if cancelled after the
 * notify: a notify is never lost); -ECANCELED when cancelled before a
 * notify reached it; -EPERM when the caller does not hold the lock
 * (nothing changes). There are no spurious wake-ups, but another waiter
 * may have changed the state first: test the predicate in a loop. */
WEFT_API int weft_cond_wait(weft_cond *c);

/* Notifies the n oldest waiters (fewer if fewer wait): each takes the
 * lock after the caller releases it, in this order. Not a checkpoint.
 * Misuse: the caller does not hold the lock. */
WEFT_API void weft_cond_notify(weft_cond *c, size_t n);

/* Wakes every waiter. Not a checkpoint. Misuse: as weft_cond_notify. */
WEFT_API void weft_cond_notify_all(weft_cond *c);

/* The lock c is bound to. */
WEFT_API weft_lock *weft_cond_lock(const weft_cond *c);

/* Tasks waiting in weft_cond_wait for a notify (those notified wait for
 * the lock and count in weft_lock_waiters). */
WEFT_API size_t weft_cond_waiters(const weft_cond *c);

/* Ends c's life (not the lock's). Misuse: waited on. */
WEFT_API void weft_cond_destroy(weft_cond *c);

/* The blocking calls, with the call site (weft/common.h, WEFT__AT). */
#ifndef WEFT_NO_CALL_SITES
#define weft_lock_acquire(...) WEFT__AT(weft_lock_acquire(__VA_ARGS__))
#define weft_sem_acquire(...) WEFT__AT(weft_sem_acquire(__VA_ARGS__))
#define weft_limiter_acquire(...) WEFT__AT(weft_limiter_acquire(__VA_ARGS__))
#define weft_limiter_acquire_on_behalf(...) WEFT__AT(weft_limiter_acquire_on_behalf(__VA_ARGS__))
#define weft_event_wait(...) WEFT__AT(weft_event_wait(__VA_ARGS__))
#define weft_cond_wait(...) WEFT__AT(weft_cond_wait(__VA_ARGS__))
#endif

#ifdef __cplusplus
}
#endif
#endif
