/* src/io/sock_real.h: the real backend's read and write
 * (src/io/sock_real.c), inline: src/io/rw.c calls them directly when the
 * runtime's socket table is the real one, so the real backend's hot path
 * costs what it did before the socket interface (no call through the
 * table; docs/PERFORMANCE.md "The simulated network"). -errno on
 * failure; errno is the caller's to keep. */
#ifndef WEFT_SRC_IO_SOCK_REAL_H
#define WEFT_SRC_IO_SOCK_REAL_H

#include <errno.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <unistd.h>

static inline ssize_t weft__real_read(int fd, void *buf, size_t n) {
    ssize_t r;
    while ((r = read(fd, buf, n)) < 0 && errno == EINTR) {
    }
    return r < 0 ? -errno : r;
}

/* One send (write for what is not a socket: *not_socket is set once
 * send(2) said ENOTSOCK). */
static inline ssize_t weft__real_write(int fd, const void *buf, size_t n,
                                       bool *not_socket) {
    ssize_t w;
    if (!*not_socket) {
        w = send(fd, buf, n, MSG_NOSIGNAL);
        if (w >= 0 || errno != ENOTSOCK) return w < 0 ? -errno : w;
        *not_socket = true;
    }
    w = write(fd, buf, n);
    return w < 0 ? -errno : w;
}

#endif
