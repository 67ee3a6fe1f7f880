/* src/io/sock_real.c: the real backend's sockets (struct weft__sock_ops
 * in src/backend.h): the syscalls src/io/ makes, each returning -errno
 * on failure (the caller keeps its errno). Every socket is made
 * non-blocking and close-on-exec; accepted and connected ones have
 * TCP_NODELAY (request-response traffic would otherwise wait on Nagle
 * and delayed ACKs). A failed call leaves no fd open. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "backend.h"
#include "sock_real.h"

static int real_adopt(struct weft__rt *rt, int fd) {
    (void)rt;
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0) return -errno;
    if (!(fl & O_NONBLOCK) && fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
        return -errno;
    }
    return 0;
}

static int real_level(struct weft__rt *rt, int fd, unsigned events) {
    (void)rt;
    struct pollfd p = {.fd = fd, .events = 0};
    if (events & WEFT__IO_READ) p.events |= POLLIN;
    if (events & WEFT__IO_WRITE) p.events |= POLLOUT;
    int n;
    while ((n = poll(&p, 1, 0)) < 0 && errno == EINTR) {
    }
    if (n <= 0) return 0;
    if (p.revents & POLLNVAL) return -EBADF;
    unsigned r = 0;
    if (p.revents & (POLLIN | POLLHUP | POLLERR)) r |= WEFT__IO_READ;
    if (p.revents & (POLLOUT | POLLHUP | POLLERR)) r |= WEFT__IO_WRITE;
    return (int)(r & events);
}

static ssize_t real_read(struct weft__rt *rt, int fd, void *buf, size_t n) {
    (void)rt;
    return weft__real_read(fd, buf, n);
}

static ssize_t real_write(struct weft__rt *rt, int fd, const void *buf,
                          size_t n, bool *not_socket) {
    (void)rt;
    return weft__real_write(fd, buf, n, not_socket);
}

static socklen_t addr_len(const struct sockaddr_storage *ss) {
    return ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                     : sizeof(struct sockaddr_in);
}

static int new_socket(int family) {
    int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    return fd < 0 ? -errno : fd;
}

static int fail_closing(int fd) {
    int rc = -errno;
    close(fd);
    return rc;
}

static int real_listen(struct weft__rt *rt, const struct sockaddr_storage *ss,
                       int backlog) {
    (void)rt;
    int fd = new_socket(ss->ss_family);
    if (fd < 0) return fd;
    int one = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
        (ss->ss_family == AF_INET6 &&
         setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) < 0) ||
        bind(fd, (const struct sockaddr *)ss, addr_len(ss)) < 0 ||
        listen(fd, backlog) < 0) {
        return fail_closing(fd);
    }
    return fd;
}

static void set_nodelay(int fd) {
    int one = 1;
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static int real_accept(struct weft__rt *rt, int lfd) {
    (void)rt;
    for (;;) {
        int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0) {
            set_nodelay(fd);
            return fd;
        }
        if (errno != EINTR && errno != ECONNABORTED) return -errno;
    }
}

static int real_connect(struct weft__rt *rt, const struct sockaddr_storage *ss,
                        bool *pending) {
    (void)rt;
    int fd = new_socket(ss->ss_family);
    if (fd < 0) return fd;
    set_nodelay(fd);
    *pending = false;
    if (connect(fd, (const struct sockaddr *)ss, addr_len(ss)) == 0) {
        return fd;
    }
    /* EINTR: the connect goes on in the background, as EINPROGRESS. */
    if (errno != EINPROGRESS && errno != EINTR) return fail_closing(fd);
    *pending = true;
    return fd;
}

static int real_connect_result(struct weft__rt *rt, int fd) {
    (void)rt;
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) return -errno;
    return -err;
}

/* Linux frees the descriptor even when close fails with EINTR: retrying
 * could close another thread's new fd. */
static int real_close(struct weft__rt *rt, int fd) {
    (void)rt;
    return close(fd) < 0 && errno != EINTR ? -errno : 0;
}

static int real_port(struct weft__rt *rt, int fd) {
    (void)rt;
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0) return -errno;
    if (ss.ss_family == AF_INET) {
        return ntohs(((struct sockaddr_in *)&ss)->sin_port);
    }
    if (ss.ss_family == AF_INET6) {
        return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    }
    return -EINVAL;
}

const struct weft__sock_ops weft__sock_real = {
    .fd_base = 0,
    .external = true,
    .adopt = real_adopt,
    .level = real_level,
    .read = real_read,
    .write = real_write,
    .listen = real_listen,
    .accept = real_accept,
    .connect = real_connect,
    .connect_result = real_connect_result,
    .close = real_close,
    .port = real_port,
};
