/* src/backend.h: the backend interface (DESIGN.md, "Layers").
 *
 * One ops object per backend, chosen once per runtime by weft_run. The
 * scheduler core calls only these; nothing above the scheduler knows
 * which backend runs. real: src/backend_epoll.c; sim: sim/backend_sim.c.
 * File descriptors enter through one watcher sub-interface (libuv's
 * uv__io_t): an intrusive struct weft__io, started and stopped. */
#ifndef WEFT_BACKEND_H
#define WEFT_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "weft/runtime.h"

struct weft__rt;
struct weft__job;

/* Readiness bits of a watcher (the values of WEFT_READABLE and
 * WEFT_WRITABLE in include/weft/io.h). An error or a hang-up on the fd
 * is reported as both: the owner's next syscall returns the error. */
#define WEFT__IO_READ 0x1u
#define WEFT__IO_WRITE 0x2u

/* A file descriptor watcher, embedded in its owner's state (src/io/).
 * Between io_start and io_stop the backend calls cb(rt, w, revents) on
 * the runtime's thread, from wait_external, when one of w->events
 * becomes ready. Readiness is an edge: cb reports a change, not a level,
 * so the owner tries its syscall first and waits for cb only after
 * EAGAIN (real registers the fd once, edge-triggered: docs/DECISIONS.md,
 * "I/O readiness"). */
struct weft__io {
    int fd;
    unsigned events; /* wanted: WEFT__IO_READ | WEFT__IO_WRITE */
    bool started;    /* the backend watches it (the backend's to set) */
    void (*cb)(struct weft__rt *rt, struct weft__io *w, unsigned revents);
};

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
    /* Checks a setting this backend reads, for every backend built in,
     * whichever runs: a value is refused or accepted alike under both.
     * key: the setting ("strategy"); name: how the user spelled it, for
     * the message (weft_config.strategy, WEFT_STRATEGY). 0, or -EINVAL
     * after weft__config_refuse (src/conf.h) printed the line. NULL:
     * the backend reads no setting. */
    int (*check_config)(const char *key, const char *name, const char *value);
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
    /* At weft_run's end: waits for every offloaded job still running and
     * returns once no other thread will post (weft__remote_post) again.
     * NULL: offloaded work never leaves the runtime's thread (sim). */
    void (*offload_drain)(struct weft__rt *rt);
    /* Starts watching w->fd for w->events, or changes the events of a
     * started watcher. 0, or -errno (the fd cannot be watched: -EPERM for
     * a regular file, -EBADF). sim: -ENOTSUP, with a message, until the
     * simulated network exists; no real fd is touched. */
    int (*io_start)(struct weft__rt *rt, struct weft__io *w);
    /* Stops watching w (before its fd is closed); no-op if not started. */
    void (*io_stop)(struct weft__rt *rt, struct weft__io *w);
    /* Which of n >= 2 timers due at the same instant (in arming order)
     * fires first. NULL (real): arming order; sim: the strategy's. */
    size_t (*timer_tie)(struct weft__rt *rt, size_t n);
    /* NULL, or called at the end of weft_run with its result, outside
     * the runtime (sim: reports the run to an explorer). */
    void (*run_end)(struct weft__rt *rt, int rc);
    /* NULL, or called by weft_run with the resolved configuration
     * before anything is built (sim: under weft-explore the process
     * becomes a fork server, and returns here in each child with that
     * run's seed and strategy; sim/serve.c). */
    void (*before_run)(weft_config *cfg);
    /* Seed of weft_random's stream. */
    uint64_t (*random_seed)(struct weft__rt *rt);
    /* Whether weft_sched_point is a schedule point (sim) or free (real). */
    bool sched_points;
};

extern const struct weft__backend_ops weft__backend_epoll;
extern const struct weft__backend_ops weft__backend_sim;

/* The backend WEFT_BACKEND_<id> (weft/runtime.h), NULL when it is not
 * built in (./configure --disable-sim). i-th built-in backend: see
 * weft__backend_nth (NULL past the last), for the config checks. */
const struct weft__backend_ops *weft__backend_find(int id);
const struct weft__backend_ops *weft__backend_nth(size_t i);

#endif
