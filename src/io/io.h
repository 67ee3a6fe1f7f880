/* src/io/io.h: the I/O layer's per-fd records over the backend's watcher
 * interface (src/backend.h). One record per fd a task used, in a table
 * indexed by fd, owned by the runtime (rt->io). A record holds the fd's
 * watcher, registered once for both directions, and wait queues; the
 * watcher's callback wakes their tasks. */
#ifndef WEFT_SRC_IO_H
#define WEFT_SRC_IO_H

#include "sched.h"

struct weft__fd {
    struct weft__io io;
    struct weft__waitq q[3];      /* [events - 1]: tasks parked for read,
                                     write, either; at most one each */
    unsigned ready;               /* WEFT__IO_READ/WRITE: may be ready
                                     (set by the watcher's edges, cleared
                                     at EAGAIN): a syscall is worth trying */
    bool plain;                   /* never blocks (a regular file): not
                                     watched, syscalls go straight */
    bool not_socket;              /* send(2) said ENOTSOCK: use write(2) */
};

/* The runtime and task of an I/O call; misuse outside a task. */
struct weft__rt *weft__io_rt(const char *what);

/* fd's record, made at its first use: the fd set non-blocking and
 * watched. fresh: weft just made fd, non-blocking already; a record
 * found for its number is stale (its fd was closed behind weft's back)
 * and is dropped first. 0 with *out, or -EBADF, -ENOMEM, -ENOTSUP (sim:
 * a message was printed), -errno. */
int weft__fd_get(struct weft__rt *rt, int fd, bool fresh,
                 struct weft__fd **out);

/* Parks until f is ready for one of events (after the syscall said
 * EAGAIN: readiness is an edge). The ready events (> 0), -EBADF (closed
 * by weft_close), -EBUSY (a task already waits that way), -ECANCELED. */
int weft__fd_park(struct weft__rt *rt, struct weft__fd *f, unsigned events);

/* After a call that completed without parking: a schedule point once
 * in WEFT__IO_BUDGET such calls in a row on the runtime (tokio's
 * cooperative budget), so a task on a fast stream cannot starve the
 * others, without a switch per message. */
#define WEFT__IO_BUDGET 32
void weft__io_yield(struct weft__rt *rt);

/* Before a syscall in direction dir (one WEFT__IO_ bit): returns 0 at
 * once when f may be ready that way, else parks until an edge says it
 * is (setting *parked): 0, or -EBADF (f is freed), -EBUSY, -ECANCELED.
 * After the syscall said EAGAIN, clear the bit: f->ready &= ~dir. This
 * saves the syscall that would only say EAGAIN (a request-response
 * connection reads when the answer has not come yet). */
int weft__fd_ready(struct weft__rt *rt, struct weft__fd *f, unsigned dir,
                   bool *parked);

/* Forgets fd's record (its waiters wake with -EBADF) without closing fd. */
void weft__fd_forget(struct weft__rt *rt, int fd);

/* At weft_run's end: frees every record, restores the signal mask. */
void weft__io_fini(struct weft__rt *rt);

/* Blocks sigs on the runtime's thread until weft__io_fini, saving the
 * mask it had the first time (signal.c). 0 or -errno. */
int weft__io_block_signals(struct weft__rt *rt, const sigset_t *sigs);

#endif
