/* src/backend.h: the backend interface (DESIGN.md, "Layers").
 *
 * One ops object per backend, chosen once per runtime by weft_run. The
 * scheduler core calls only these; nothing above the scheduler knows
 * which backend runs. real: src/backend_epoll.c; sim: sim/backend_sim.c. */
#ifndef WEFT_BACKEND_H
#define WEFT_BACKEND_H

#include <stdbool.h>
#include <stdint.h>

#include "weft/runtime.h"

struct weft__rt;
struct weft__job;

struct weft__backend_ops {
    const char *name; /* "real", "sim" */
    /* Sets up rt->backend_state from cfg; 0 or -errno (message printed). */
    int (*init)(struct weft__rt *rt, const weft_config *cfg);
    void (*fini)(struct weft__rt *rt);
    /* In the child of a fork inside a task (src/fork.c): closes the
     * child's copies of kernel objects shared with the parent, leaving
     * the parent's open; later waits are misuse. NULL: none to close. */
    void (*after_fork)(struct weft__rt *rt);
    /* The runtime's clock. */
    weft_time (*now)(struct weft__rt *rt);
    /* The same clock, cheaper and only to a few ms (real:
     * CLOCK_MONOTONIC_COARSE): for stamps in reports, not for timers. */
    weft_time (*now_coarse)(struct weft__rt *rt);
    /* The scheduling decision: index in [0, n) of the runnable task to
     * run next, counted from the oldest (rt->runq from runq_head is in
     * age order; rt->last_id and last_left say who ran last and how it
     * left). Not called when fifo is set. */
    size_t (*pick_next)(struct weft__rt *rt, size_t n);
    /* Always the oldest runnable task (real): saves the call. */
    bool fifo;
    /* Blocks the thread until deadline (WEFT_NEVER: no timer pending),
     * an fd or a wake_from_thread. deadline 0: poll without blocking.
     * sim: moves the virtual clock to the deadline. */
    void (*wait_external)(struct weft__rt *rt, weft_time deadline);
    /* Thread-safe: makes a blocked wait_external return. */
    void (*wake_from_thread)(struct weft__rt *rt);
    /* Runs job->fn(job->arg) away from the tasks (run_sync) and later
     * hands the job back on the runtime's thread through weft__job_done
     * (src/thread.h). 0, or -errno when nothing could start it (fn did
     * not run). real: a worker thread of the pool; sim: inline at once,
     * outside the runtime, done after a virtual delay the strategy
     * chooses. */
    int (*offload)(struct weft__rt *rt, struct weft__job *job);
    /* Which of n >= 2 timers due at the same instant (in arming order)
     * fires first. NULL (real): arming order; sim: the strategy's. */
    size_t (*timer_tie)(struct weft__rt *rt, size_t n);
    /* NULL, or called at the end of weft_run with its result, outside
     * the runtime (sim: reports the run to an explorer). */
    void (*run_end)(struct weft__rt *rt, int rc);
    /* Seed of weft_random's stream. */
    uint64_t (*random_seed)(struct weft__rt *rt);
    /* Whether weft_sched_point is a schedule point (sim) or free (real). */
    bool sched_points;
};

extern const struct weft__backend_ops weft__backend_epoll;
extern const struct weft__backend_ops weft__backend_sim;

#endif
