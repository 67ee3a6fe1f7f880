/* weft/patterns.h: common concurrent workflows on top of task groups
 * (lionpride's patterns module: gather, race, bounded_map, retry,
 * CompletionStream). docs/PATTERNS.md has an example of each.
 *
 * Every pattern is structured: the tasks it starts have all ended before
 * it returns (for a completion stream: before weft_completions_destroy
 * returns). A task's result follows the group rule: negative and not
 * -ECANCELED is an error, anything else (0 or a positive value) is a
 * success. When the caller is cancelled from outside while a pattern
 * waits, the pattern's tasks are cancelled and awaited, and it returns
 * -ECANCELED. */
#ifndef WEFT_PATTERNS_H
#define WEFT_PATTERNS_H

#include "weft/common.h"
#include "weft/private.h"
#include "weft/task.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One function call to run as a task: fn(arg), named name for reports
 * and traces (borrowed until the pattern returns; NULL: the pattern's
 * name). */
typedef struct weft_call {
    int (*fn)(void *);
    void *arg;
    const char *name;
} weft_call;

/* gather, bounded_map: every call runs to its end, a failure does not
 * cancel the others, and the pattern returns 0 (lionpride's
 * return_exceptions=True). */
#define WEFT_COLLECT_ERRORS 0x1u

/* Runs the n calls concurrently, one task each, and waits for all.
 * codes[i] (codes may be NULL) receives call i's result, in input
 * order. Without WEFT_COLLECT_ERRORS the first call to fail cancels the
 * others (they see -ECANCELED at their checkpoints; their codes say what
 * they returned) and its code is returned once every task has ended;
 * else 0. With it, every call runs to completion and 0 is returned.
 * Checkpoint (even for n == 0). Errors: the first failure, -ECANCELED,
 * -EINVAL (calls NULL with n > 0, a call without fn, unknown flags),
 * -ENOMEM (not every task could be started: those started were
 * cancelled and awaited; codes of calls never started are -ECANCELED).
 * Misuse: outside a task. */
WEFT_API int weft_gather(const weft_call *calls, size_t n, int *codes,
                         unsigned flags);

/* Runs the n calls concurrently; the first to succeed (return >= 0)
 * wins: the others are cancelled and awaited, *winner (may be NULL) is
 * set to its index and its result is returned. A failure does not end
 * the race; if every call fails, the code of the first to fail (in
 * completion order) is returned and *winner is left alone. Checkpoint.
 * Errors: that failure, -ECANCELED (the caller was cancelled: even a
 * winner's result is then dropped), -EINVAL (n == 0, calls NULL, a call
 * without fn), -ENOMEM (as weft_gather). Misuse: outside a task. */
WEFT_API int weft_race(const weft_call *calls, size_t n, size_t *winner);

/* Calls fn(item, ctx) for each of the n items (item i at
 * (char *)items + i * item_size) with at most limit calls running at
 * once, started in input order. codes[i] (codes may be NULL) receives
 * item i's result. Without WEFT_COLLECT_ERRORS the first failure cancels
 * the rest (items never started get -ECANCELED) and is returned once
 * every task has ended; with it, every item runs and 0 is returned.
 * Runs min(limit, n) worker tasks; when fewer could be started it runs
 * with those. Checkpoint. Errors: the first failure, -ECANCELED,
 * -EINVAL (limit 0, fn NULL, items NULL with n > 0, n * item_size
 * overflows, unknown flags), -ENOMEM (no worker could be started; every
 * code is then -ECANCELED). Misuse: outside a task. */
WEFT_API int weft_bounded_map(int (*fn)(void *item, void *ctx), void *items,
                              size_t n, size_t item_size, size_t limit,
                              void *ctx, int *codes, unsigned flags);

/* Options of weft_retry; weft_retry_opts_init fills in the defaults. */
typedef struct weft_retry_opts {
    int attempts;             /* total tries, >= 1; default 3 */
    weft_time base_delay;     /* >= 0; default 100 ms */
    weft_time max_delay;      /* >= 0; default 2 s */
    double jitter;            /* >= 0; default 0.1: see weft_retry */
    bool (*retry_on)(int rc); /* NULL (default): any error but -ECANCELED */
} weft_retry_opts;

/* Fills *opts with the defaults above. Cannot fail. */
WEFT_API void weft_retry_opts_init(weft_retry_opts *opts);

/* Calls fn(arg) until it succeeds (returns >= 0: that result is
 * returned), fails with a code that is -ECANCELED or that retry_on
 * rejects, or has been called `attempts` times; a failure ends with its
 * code. Between try k and try k + 1 (k = 1, 2, ...) it sleeps
 *     c + floor(c * jitter * u),  c = min(max_delay, base_delay * 2^(k-1)),
 * u uniform in [0, 1) from one weft_random() draw (no draw when jitter
 * is 0), so a sim run replays its delays. It never sleeps past the
 * caller's weft_effective_deadline(): when the end of the next sleep
 * would reach or pass it, the last error is returned at once. opts NULL:
 * the defaults. Not a checkpoint of its own: fn's checkpoints and the
 * sleeps are. Errors: fn's, -ECANCELED (cancelled while sleeping),
 * -EINVAL (fn NULL, attempts < 1, a negative delay, a negative or
 * non-finite jitter). Misuse: outside a task. */
WEFT_API int weft_retry(int (*fn)(void *), void *arg,
                        const weft_retry_opts *opts);

/* A completion stream (lionpride's CompletionStream): runs calls with at
 * most `limit` at once (0: no limit), started in input order, and hands
 * their results out in completion order. Caller-allocated. Between
 * weft_completions_init and weft_completions_destroy the caller is
 * inside the stream's task group, so the two nest like a group's init
 * and join with the caller's scopes and groups. */
typedef struct weft_completions {
    /* private: not API */
    weft_group group;           /* runs the calls, from init to destroy */
    struct weft__waitq ready_q; /* tasks waiting in next() */
    const weft_call *calls;     /* borrowed until destroy */
    size_t n;
    size_t nstarted; /* calls handed to a worker so far */
    size_t nworkers; /* worker tasks not yet ended */
    size_t *order;   /* owned: call indices, completion order */
    int *codes;      /* in order's allocation: code of call i */
    size_t ndone;    /* entries in order */
    size_t nread;    /* entries handed out by next() */
    int state;       /* open, destroyed */
    struct weft__tracked tracked;
} weft_completions;

/* Starts the stream over calls[0..n) (borrowed until destroy): min(limit,
 * n) worker tasks (n when limit is 0) take the calls in input order. A
 * failing call is reported by next(); it does not cancel the rest. Not a
 * checkpoint. Errors: -EINVAL (calls NULL with n > 0, a call without
 * fn), -ENOMEM (nothing was started; when only some workers could be
 * started the stream runs with those). Misuse: outside a task. */
WEFT_API int weft_completions_init_at(weft_completions *cs,
                                      const weft_call *calls, size_t n,
                                      size_t limit, const char *file, int line);
#define weft_completions_init(cs, calls, n, limit)                             \
    weft_completions_init_at((cs), (calls), (n), (limit), __FILE__, __LINE__)

/* Waits for the next call to end and sets *index (its position in
 * calls) and *code (its result); either may be NULL. Returns 0, or
 * -EPIPE once every call has been handed out (and again after). Calls
 * that never started because the stream's tasks were cancelled are
 * handed out with code -ECANCELED. Checkpoint, even when a result is
 * ready; a cancelled next() loses no result. Errors: -EPIPE,
 * -ECANCELED. Misuse: cs not open. */
WEFT_API int weft_completions_next(weft_completions *cs, size_t *index,
                                   int *code);

/* Cancels the calls still running or not started, waits for them, and
 * frees what the stream holds; results not read are dropped. Waits
 * even when the caller is cancelled. Must be called by the task that
 * called init, with the stream as its innermost group or scope. Misuse:
 * cs not open, another scope or group still open inside it, or another
 * task still waiting in weft_completions_next. */
WEFT_API void weft_completions_destroy(weft_completions *cs);

/* The blocking calls, with the call site (weft/common.h, WEFT__AT). */
#ifndef WEFT_NO_CALL_SITES
#define weft_gather(...) WEFT__AT(weft_gather(__VA_ARGS__))
#define weft_race(...) WEFT__AT(weft_race(__VA_ARGS__))
#define weft_bounded_map(...) WEFT__AT(weft_bounded_map(__VA_ARGS__))
#define weft_retry(...) WEFT__AT(weft_retry(__VA_ARGS__))
#define weft_completions_next(...) WEFT__AT(weft_completions_next(__VA_ARGS__))
#endif

#ifdef __cplusplus
}
#endif
#endif
