/* weft/task.h: tasks and task groups (lionpride's task module; trio's
 * nursery).
 *
 * Structured: a group is entered by weft_group_init and left by
 * weft_group_join in the same task, like a block; its tasks never
 * outlive the join. The first task that fails (returns a negative code
 * other than -ECANCELED) cancels the group: its siblings and the code of
 * the parent between init and join. */
#ifndef WEFT_TASK_H
#define WEFT_TASK_H

#include "weft/cancel.h"
#include "weft/common.h"
#include "weft/private.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct weft_task_status weft_task_status;

/* One entry of a group's error group: a task's non-zero result. */
typedef struct weft_task_error {
    int code;              /* the task's result, negative */
    const char *task_name; /* borrowed from the spawner */
    uint64_t task_id;      /* unique in the runtime, root is 1 */
} weft_task_error;

typedef struct weft_group weft_group;

struct weft_group {
    /* private: not API */
    weft_scope scope;            /* cancelled on the first error */
    struct weft__waitq join_q;   /* the parent, while in join */
    size_t nrunning;             /* started tasks not yet ended */
    int first_error;             /* first non-cancel failure, or 0 */
    weft_task_error *errs;       /* owned; every non-zero result */
    size_t nerrs;
    size_t caperrs;
    int state;                   /* open, joined, destroyed */
    struct weft__site site;
    struct weft__tracked tracked; /* from init to destroy (weft/leak.h) */
};

/* Opens g in the calling task (enters its cancel scope). Not a
 * checkpoint. Returns 0. Misuse: outside a task. */
WEFT_API int weft_group_init_at(weft_group *g, const char *file, int line);
#define weft_group_init(g) weft_group_init_at((g), __FILE__, __LINE__)

/* Starts fn(arg) as a new task in g (start_soon). name is borrowed for
 * the group's lifetime (may be NULL). Not a checkpoint: the new task
 * runs at the caller's next checkpoint or later. A task spawned into a
 * cancelled group still starts; its first checkpoint gets -ECANCELED.
 * Errors: -EINVAL (fn is NULL), -ENOMEM (no stack; the message names
 * vm.max_map_count when the kernel refused a mapping). Misuse: g joined
 * or not open. */
WEFT_API int weft_spawn(weft_group *g, const char *name, int (*fn)(void *),
                        void *arg);

/* Starts fn(arg, st) in g and waits until it calls weft_started(st, v)
 * (then returns 0 with *value = v, when value is not NULL) or ends
 * first (then returns its result, or -EINVAL if that was 0; the result
 * is not added to g). Until it calls weft_started the child is
 * cancelled with the caller; when it moves into g and g is already
 * cancelled, its whole subtree is cancelled then (tasks it spawned that
 * are parked wake with -ECANCELED). Checkpoint. Errors: -EINVAL (fn is
 * NULL), -ENOMEM. */
WEFT_API int weft_start(weft_group *g, const char *name,
                        int (*fn)(void *arg, weft_task_status *st), void *arg,
                        void **value);

/* Called by a task started with weft_start: "I am ready". Once only. */
WEFT_API void weft_started(weft_task_status *st, void *value);

/* Cancels every task of g and the parent's code inside g. */
WEFT_API void weft_group_cancel(weft_group *g);

/* Waits for every task of g, even when the caller is cancelled, then
 * leaves g. Returns the first non-cancel error of a task; else
 * -ECANCELED when the caller was cancelled from outside g; else 0.
 * Checkpoint. Misuse: g not the caller's innermost scope, or joined. */
WEFT_API int weft_group_join(weft_group *g);

/* The error group: sets *errs to the results of the tasks that returned
 * non-zero (in the order they ended) and returns their count. *errs is
 * valid until weft_group_destroy. */
WEFT_API size_t weft_group_errors(const weft_group *g,
                                  const weft_task_error **errs);

/* Frees g's error group. Misuse: g was not joined. */
WEFT_API void weft_group_destroy(weft_group *g);

/* Copies the entries of in[0..n) whose code is not -ECANCELED to out
 * (room for n) and returns how many (lionpride's non_cancel_subgroup). */
WEFT_API size_t weft_errors_non_cancel(const weft_task_error *in, size_t n,
                                       weft_task_error *out);

/* The blocking calls, with the call site (weft/common.h, WEFT__AT). */
#ifndef WEFT_NO_CALL_SITES
#define weft_start(...) WEFT__AT(weft_start(__VA_ARGS__))
#define weft_group_join(...) WEFT__AT(weft_group_join(__VA_ARGS__))
#endif

#ifdef __cplusplus
}
#endif
#endif
