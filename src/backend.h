/* src/backend.h: the backend interface (docs/ARCHITECTURE.md "The
 * backend interface").
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
#include <sys/types.h>

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
 * "I/O"). */
struct weft__io {
    int fd;
    unsigned events; /* wanted: WEFT__IO_READ | WEFT__IO_WRITE */
    bool started;    /* the backend watches it (the backend's to set) */
    void (*cb)(struct weft__rt *rt, struct weft__io *w, unsigned revents);
};

struct sockaddr_storage;

/* The socket half of the I/O layer: everything src/io/ would otherwise
 * ask the kernel. Calls never block: -EAGAIN means "park on the fd's
 * watcher and try again". Results are as the syscalls' (fd numbers,
 * byte counts) or -errno. real: src/io/sock_real.c (the syscalls);
 * sim: sim/net_sock.c (the simulated network, docs/NETWORK.md). */
struct weft__sock_ops {
    int fd_base;   /* the lowest fd number the backend makes (sim: far
                      above any real fd, so the two never meet) */
    bool external; /* a parked fd waiter waits for the outside world:
                      the loop must poll, never call it a deadlock (real);
                      under sim every event is a timer */
    /* fd, not made by weft, is about to be watched: made non-blocking. */
    int (*adopt)(struct weft__rt *rt, int fd);
    /* The events of WEFT__IO_READ|WRITE ready now (a level), or -errno. */
    int (*level)(struct weft__rt *rt, int fd, unsigned events);
    ssize_t (*read)(struct weft__rt *rt, int fd, void *buf, size_t n);
    /* *not_socket: the fd is not a socket (real: send(2) said ENOTSOCK
     * once, write(2) from then on). */
    ssize_t (*write)(struct weft__rt *rt, int fd, const void *buf, size_t n,
                     bool *not_socket);
    /* A new listening socket on ss (port 0: one chosen for it). */
    int (*listen)(struct weft__rt *rt, const struct sockaddr_storage *ss,
                  int backlog);
    /* A connection from the listener's queue, or -EAGAIN. */
    int (*accept)(struct weft__rt *rt, int lfd);
    /* A new socket connecting to ss; *pending: the outcome comes later,
     * when the socket is writable, through connect_result. */
    int (*connect)(struct weft__rt *rt, const struct sockaddr_storage *ss,
                   bool *pending);
    /* 0 once connected, or the connect's error. */
    int (*connect_result)(struct weft__rt *rt, int fd);
    int (*close)(struct weft__rt *rt, int fd);
    /* The local port of a socket. */
    int (*port)(struct weft__rt *rt, int fd);
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
     * a regular file, -EBADF). sim: the fd is a simulated socket, whose
     * changes call w->cb; a real fd is -ENOTSUP, with a message, and is
     * never touched. */
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
    /* The sockets under src/io/. */
    const struct weft__sock_ops *sock;
};

extern const struct weft__backend_ops weft__backend_epoll;
extern const struct weft__sock_ops weft__sock_real;
extern const struct weft__backend_ops weft__backend_sim;

/* The backend WEFT_BACKEND_<id> (weft/runtime.h), NULL when it is not
 * built in (./configure --disable-sim). i-th built-in backend: see
 * weft__backend_nth (NULL past the last), for the config checks. */
const struct weft__backend_ops *weft__backend_find(int id);
const struct weft__backend_ops *weft__backend_nth(size_t i);

#endif
