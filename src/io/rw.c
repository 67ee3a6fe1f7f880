/* src/io/rw.c: weft_read and weft_write. Each tries its syscall while
 * the fd may be ready, and after EAGAIN parks until the watcher reports
 * an edge (io.h, weft__fd_ready); calls
 * that did not park yield once in a while (weft__io_yield), so a task on
 * a fast stream cannot starve the others or the timers. Cancellation is
 * checked before any syscall and in every wait, never after bytes moved:
 * none is lost. */
#include "config.h"

#include <errno.h>

#include "io.h"
#include "sock_real.h"
#include "weft/io.h"

/* The backend's read and write, the real ones inline (sock_real.h). */
static inline ssize_t sock_read(struct weft__rt *rt, int fd, void *buf,
                                size_t n) {
    const struct weft__sock_ops *ops = rt->backend->sock;
    if (ops == &weft__sock_real) return weft__real_read(fd, buf, n);
    return ops->read(rt, fd, buf, n);
}

static inline ssize_t sock_write(struct weft__rt *rt, int fd, const void *buf,
                                 size_t n, bool *not_socket) {
    const struct weft__sock_ops *ops = rt->backend->sock;
    if (ops == &weft__sock_real) {
        return weft__real_write(fd, buf, n, not_socket);
    }
    return ops->write(rt, fd, buf, n, not_socket);
}

ssize_t weft_read(int fd, void *buf, size_t n) {
    struct weft__rt *rt = weft__io_rt("weft_read");
    if (n == 0) return -EINVAL; /* 0 is the end of the stream */
    if (weft__task_cancelled(rt->current)) return -ECANCELED;
    struct weft__fd *f;
    int rc = weft__fd_get(rt, fd, false, &f);
    if (rc) return rc;
    int saved = errno;
    bool parked = false;
    ssize_t r;
    for (;;) {
        r = weft__fd_ready(rt, f, WEFT__IO_READ, &parked);
        if (r < 0) break;
        r = sock_read(rt, fd, buf, n);
        if (r != -EAGAIN || f->plain) break;
        f->ready &= ~WEFT__IO_READ;
    }
    errno = saved;
    if (r >= 0 && !parked) weft__io_yield(rt);
    return r;
}

int weft_write(int fd, const void *buf, size_t n, size_t *written) {
    struct weft__rt *rt = weft__io_rt("weft_write");
    size_t done = 0;
    int rc = 0;
    struct weft__fd *f;
    if (weft__task_cancelled(rt->current)) {
        rc = -ECANCELED;
    } else {
        rc = weft__fd_get(rt, fd, false, &f);
    }
    int saved = errno;
    bool parked = false;
    while (!rc && done < n) {
        rc = weft__fd_ready(rt, f, WEFT__IO_WRITE, &parked);
        if (rc) break; /* -EBADF: f is freed */
        ssize_t w = sock_write(rt, fd, (const char *)buf + done, n - done,
                               &f->not_socket);
        if (w >= 0) {
            done += (size_t)w;
        } else if (w == -EAGAIN && !f->plain) {
            f->ready &= ~WEFT__IO_WRITE;
        } else if (w != -EINTR) {
            rc = (int)w;
        }
    }
    errno = saved;
    if (written) *written = done;
    if (!rc && !parked) weft__io_yield(rt);
    return rc;
}
