/* src/io/fd.c: the per-fd records (io.h), weft_fd_wait and weft_close.
 * Invariants: rt->io->fds[fd] is the record of fd or NULL; a direction
 * (read, write) has at most one waiter over the record's queues q[0]
 * (read), q[1] (write) and q[2] (either); whoever wakes a waiter
 * dequeues it (the one wait primitive), so a record freed by weft_close
 * is never touched by a task it woke; a parked waiter is counted in
 * rt->nexternal, so the loop polls and never calls it a deadlock. */
#include "config.h"

#include "io.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

#include "weft/io.h"

struct weft__io_state {
    struct weft__fd **fds; /* indexed by fd, cap entries */
    size_t cap;
    unsigned streak;   /* calls in a row that completed without parking */
    bool mask_saved;   /* signals were blocked: old_mask to restore */
    sigset_t old_mask;
};

struct weft__rt *weft__io_rt(const char *what) {
    weft__task_current(what);
    return weft__rt_current();
}

static struct weft__io_state *state(struct weft__rt *rt) {
    if (!rt->io) rt->io = calloc(1, sizeof *rt->io);
    return rt->io;
}

static int grow(struct weft__io_state *s, int fd) {
    size_t cap = s->cap ? s->cap : 64;
    while (cap <= (size_t)fd) cap *= 2;
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

static int set_nonblocking(int fd) {
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0) return -errno;
    if (!(fl & O_NONBLOCK) && fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
        return -errno;
    }
    return 0;
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
    if (!rc && !nonblocking && !f->plain) rc = set_nonblocking(fd);
    if (rc) {
        rt->backend->io_stop(rt, &f->io);
        free(f);
        return rc;
    }
    *out = f;
    return 0;
}

int weft__fd_get(struct weft__rt *rt, int fd, bool fresh,
                 struct weft__fd **out) {
    struct weft__io_state *s = state(rt);
    if (!s) return -ENOMEM;
    if (fd < 0) return -EBADF;
    if (fresh) weft__fd_forget(rt, fd);
    if ((size_t)fd < s->cap && s->fds[fd]) {
        *out = s->fds[fd];
        return 0;
    }
    int saved = errno;
    int rc = (size_t)fd < s->cap ? 0 : grow(s, fd);
    if (!rc) rc = fd_new(rt, fd, fresh, out);
    if (!rc) s->fds[fd] = *out;
    errno = saved;
    return rc;
}

int weft__fd_park(struct weft__rt *rt, struct weft__fd *f, unsigned events) {
    bool rd = !weft__waitq_empty(&f->q[0]) || !weft__waitq_empty(&f->q[2]);
    bool wr = !weft__waitq_empty(&f->q[1]) || !weft__waitq_empty(&f->q[2]);
    if (((events & WEFT__IO_READ) && rd) || ((events & WEFT__IO_WRITE) && wr)) {
        return -EBUSY;
    }
    struct weft__wait w;
    rt->nexternal++;
    rt->io->streak = 0;
    int rc = weft__park(&f->q[events - 1], &w, WEFT_NEVER, 0);
    rt->nexternal--;
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

/* Whether fd is ready now, for the level-triggered weft_fd_wait. */
static int ready_now(int fd, unsigned events) {
    struct pollfd p = {.fd = fd, .events = 0};
    if (events & WEFT_READABLE) p.events |= POLLIN;
    if (events & WEFT_WRITABLE) p.events |= POLLOUT;
    int saved = errno;
    int n;
    while ((n = poll(&p, 1, 0)) < 0 && errno == EINTR) {
    }
    errno = saved;
    if (n <= 0) return 0;
    if (p.revents & POLLNVAL) return -EBADF;
    unsigned r = 0;
    if (p.revents & (POLLIN | POLLHUP | POLLERR)) r |= WEFT_READABLE;
    if (p.revents & (POLLOUT | POLLHUP | POLLERR)) r |= WEFT_WRITABLE;
    return (int)(r & events);
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
    rc = f->plain ? (int)events : ready_now(fd, events);
    if (rc == 0) return weft__fd_park(rt, f, events);
    if (rc > 0) weft__io_yield(rt);
    return rc;
}

void weft__fd_forget(struct weft__rt *rt, int fd) {
    struct weft__io_state *s = rt->io;
    if (!s || fd < 0 || (size_t)fd >= s->cap || !s->fds[fd]) return;
    struct weft__fd *f = s->fds[fd];
    s->fds[fd] = NULL;
    for (int i = 0; i < 3; i++) weft__wake_all(&f->q[i], -EBADF);
    rt->backend->io_stop(rt, &f->io);
    free(f);
}

int weft_close(int fd) {
    struct weft__rt *rt = weft__io_rt("weft_close");
    weft__fd_forget(rt, fd);
    int saved = errno;
    /* Linux frees the descriptor even when close fails with EINTR:
     * retrying could close another thread's new fd. */
    int rc = close(fd) < 0 && errno != EINTR ? -errno : 0;
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
    if (s->mask_saved) pthread_sigmask(SIG_SETMASK, &s->old_mask, NULL);
    free(s);
    rt->io = NULL;
}
