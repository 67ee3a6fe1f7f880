/* src/io/fd.c: the per-fd records (io.h), weft_fd_wait and weft_close.
 * Invariants: rt->io->fds[fd] is the record of fd or NULL; a direction
 * (read, write) has at most one waiter over the record's queues q[0]
 * (read), q[1] (write) and q[2] (either); whoever wakes a waiter
 * dequeues it (the one wait primitive), so a record freed by weft_close
 * is never touched by a task it woke; a parked waiter is counted in
 * rt->nexternal (when the backend's sockets are outside the process),
 * so the loop polls and never calls it a deadlock. Records are indexed
 * by fd - sock->fd_base: simulated fds start far above real ones. */
#include "config.h"

#include "io.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "weft/io.h"

struct weft__io_state {
    struct weft__fd **fds; /* indexed by fd - base, cap entries */
    size_t cap;
    int base;          /* the backend's sock->fd_base */
    bool external;     /* and its sock->external */
    bool foreign_said; /* a real fd under sim was refused, with a line */
    unsigned streak;   /* calls in a row that completed without parking */
    bool mask_saved;   /* signals were blocked: old_mask to restore */
    sigset_t old_mask;
};

struct weft__rt *weft__io_rt(const char *what) {
    weft__task_current(what);
    return weft__rt_current();
}

static struct weft__io_state *state(struct weft__rt *rt) {
    if (!rt->io) {
        rt->io = calloc(1, sizeof *rt->io);
        if (rt->io) {
            rt->io->base = rt->backend->sock->fd_base;
            rt->io->external = rt->backend->sock->external;
        }
    }
    return rt->io;
}

static int grow(struct weft__io_state *s, size_t slot) {
    size_t cap = s->cap ? s->cap : 64;
    while (cap <= slot) cap *= 2;
    struct weft__fd **fds = realloc(s->fds, cap * sizeof *fds);
    if (!fds) return -ENOMEM;
    for (size_t i = s->cap; i < cap; i++) fds[i] = NULL;
    s->fds = fds;
    s->cap = cap;
    return 0;
}

static void on_ready(struct weft__rt *rt, struct weft__io *w, unsigned rev) {
    (void)rt;
    struct weft__fd *f = container_of(w, struct weft__fd, io);
    f->ready |= rev;
    if (rev & WEFT__IO_READ) weft__wake_first(&f->q[0], (int)rev);
    if (rev & WEFT__IO_WRITE) weft__wake_first(&f->q[1], (int)rev);
    weft__wake_first(&f->q[2], (int)rev);
}

/* An fd below the backend's range: a real fd under sim, which must
 * never be touched (a simulated run depends only on its seed). */
static int foreign(struct weft__io_state *s, int fd) {
    if (!s->foreign_said) {
        s->foreign_said = true;
        fprintf(stderr, "weft: fd %d is not a simulated socket: under "
                        "WEFT_BACKEND=sim the I/O calls work only on the "
                        "simulated network's sockets and return -ENOTSUP "
                        "for real fds (docs/NETWORK.md)\n", fd);
    }
    return -ENOTSUP;
}

/* Watching first: under sim it fails before the fd is touched. */
static int fd_new(struct weft__rt *rt, int fd, bool nonblocking,
                  struct weft__fd **out) {
    struct weft__fd *f = calloc(1, sizeof *f);
    if (!f) return -ENOMEM;
    f->io.fd = fd;
    f->io.events = WEFT__IO_READ | WEFT__IO_WRITE;
    f->io.cb = on_ready;
    f->ready = WEFT__IO_READ | WEFT__IO_WRITE; /* unknown: try first */
    static const char *const kinds[3] = {"fd read", "fd write", "fd"};
    for (int i = 0; i < 3; i++) {
        weft__waitq_init(&f->q[i], kinds[i], (void *)(intptr_t)fd, NULL);
    }
    int rc = rt->backend->io_start(rt, &f->io);
    if (rc == -EPERM) { /* a regular file or a directory: always ready */
        f->plain = true;
        rc = 0;
    }
    if (!rc && !nonblocking && !f->plain) rc = rt->backend->sock->adopt(rt, fd);
    if (rc) {
        rt->backend->io_stop(rt, &f->io);
        free(f);
        return rc;
    }
    *out = f;
    return 0;
}

/* fd's record when it is not there yet, or fresh. */
static int fd_get_slow(struct weft__rt *rt, struct weft__io_state *s, int fd,
                       bool fresh, struct weft__fd **out) {
    if (fd < 0) return -EBADF;
    if (fd < s->base) return foreign(s, fd);
    size_t slot = (size_t)(fd - s->base);
    if (fresh) weft__fd_forget(rt, fd);
    if (slot < s->cap && s->fds[slot]) {
        *out = s->fds[slot];
        return 0;
    }
    int saved = errno;
    int rc = slot < s->cap ? 0 : grow(s, slot);
    if (!rc) rc = fd_new(rt, fd, fresh, out);
    if (!rc) s->fds[slot] = *out;
    errno = saved;
    return rc;
}

int weft__fd_get(struct weft__rt *rt, int fd, bool fresh,
                 struct weft__fd **out) {
    struct weft__io_state *s = state(rt);
    if (!s) return -ENOMEM;
    /* One compare for the common case: a negative fd, or one below the
     * backend's range, wraps to a slot past cap. */
    size_t slot = (size_t)fd - (size_t)s->base;
    if (!fresh && slot < s->cap && s->fds[slot]) {
        *out = s->fds[slot];
        return 0;
    }
    return fd_get_slow(rt, s, fd, fresh, out);
}

int weft__fd_park(struct weft__rt *rt, struct weft__fd *f, unsigned events) {
    bool rd = !weft__waitq_empty(&f->q[0]) || !weft__waitq_empty(&f->q[2]);
    bool wr = !weft__waitq_empty(&f->q[1]) || !weft__waitq_empty(&f->q[2]);
    if (((events & WEFT__IO_READ) && rd) || ((events & WEFT__IO_WRITE) && wr)) {
        return -EBUSY;
    }
    struct weft__wait w;
    bool external = rt->io->external;
    rt->nexternal += external;
    rt->io->streak = 0;
    int rc = weft__park(&f->q[events - 1], &w, WEFT_NEVER, 0);
    rt->nexternal -= external;
    return rc; /* -EBADF: f is freed */
}

int weft__fd_ready(struct weft__rt *rt, struct weft__fd *f, unsigned dir,
                   bool *parked) {
    if (f->ready & dir) return 0;
    *parked = true;
    int rc = weft__fd_park(rt, f, dir);
    return rc < 0 ? rc : 0;
}

void weft__io_yield(struct weft__rt *rt) {
    if (++rt->io->streak < WEFT__IO_BUDGET) return;
    rt->io->streak = 0;
    weft__reschedule();
}

int weft_fd_wait(int fd, unsigned events) {
    struct weft__rt *rt = weft__io_rt("weft_fd_wait");
    if (!events || (events & ~(WEFT_READABLE | WEFT_WRITABLE))) {
        return -EINVAL;
    }
    if (weft__task_cancelled(rt->current)) return -ECANCELED;
    struct weft__fd *f;
    int rc = weft__fd_get(rt, fd, false, &f);
    if (rc) return rc;
    /* Edges from before this call are gone: ask the level once. */
    int saved = errno;
    rc = f->plain ? (int)events : rt->backend->sock->level(rt, fd, events);
    errno = saved;
    if (rc == 0) { /* an edge may say more than was asked */
        rc = weft__fd_park(rt, f, events);
        return rc > 0 ? (int)((unsigned)rc & events) : rc;
    }
    if (rc > 0) weft__io_yield(rt);
    return rc;
}

void weft__fd_forget(struct weft__rt *rt, int fd) {
    struct weft__io_state *s = rt->io;
    if (!s || fd < s->base) return;
    size_t slot = (size_t)(fd - s->base);
    if (slot >= s->cap || !s->fds[slot]) return;
    struct weft__fd *f = s->fds[slot];
    s->fds[slot] = NULL;
    for (int i = 0; i < 3; i++) weft__wake_all(&f->q[i], -EBADF);
    rt->backend->io_stop(rt, &f->io);
    free(f);
}

int weft_close(int fd) {
    struct weft__rt *rt = weft__io_rt("weft_close");
    struct weft__io_state *s = state(rt);
    if (!s) return -ENOMEM;
    if (fd < 0) return -EBADF;
    if (fd < s->base) return foreign(s, fd);
    weft__fd_forget(rt, fd);
    int saved = errno;
    int rc = rt->backend->sock->close(rt, fd);
    errno = saved;
    return rc;
}

int weft__io_block_signals(struct weft__rt *rt, const sigset_t *sigs) {
    struct weft__io_state *s = state(rt);
    if (!s) return -ENOMEM;
    sigset_t old;
    int rc = pthread_sigmask(SIG_BLOCK, sigs, &old);
    if (rc) return -rc;
    if (!s->mask_saved) {
        s->old_mask = old;
        s->mask_saved = true;
    }
    weft__ctx_keep_sigmask(true);
    return 0;
}

void weft__io_fini(struct weft__rt *rt) {
    struct weft__io_state *s = rt->io;
    if (!s) return;
    for (size_t i = 0; i < s->cap; i++) {
        if (!s->fds[i]) continue;
        rt->backend->io_stop(rt, &s->fds[i]->io);
        free(s->fds[i]);
    }
    free(s->fds);
    if (s->mask_saved) {
        pthread_sigmask(SIG_SETMASK, &s->old_mask, NULL);
        weft__ctx_keep_sigmask(false);
    }
    free(s);
    rt->io = NULL;
}
