/* src/io/tcp.c: TCP over IPv4 and IPv6 with numeric addresses: listen,
 * accept, connect, through the backend's sockets (src/backend.h: the
 * kernel's under real, the simulated network's under sim). Every socket
 * gets its record (io.h) at once; a failed call leaves no fd open. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "io.h"
#include "weft/io.h"

/* A numeric address; NULL: every IPv4 interface. 0 or -EINVAL. */
static int make_addr(const char *addr, int port, struct sockaddr_storage *ss) {
    if (port < 0 || port > 65535) return -EINVAL;
    memset(ss, 0, sizeof *ss);
    struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
    if (!addr || inet_pton(AF_INET, addr, &v4->sin_addr) == 1) {
        if (!addr) v4->sin_addr.s_addr = htonl(INADDR_ANY);
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        return 0;
    }
    if (inet_pton(AF_INET6, addr, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        return 0;
    }
    return -EINVAL;
}

/* Gives fd, just made by the backend, its record; on failure closes it. */
static int adopt_new(struct weft__rt *rt, int fd) {
    struct weft__fd *f;
    int rc = weft__fd_get(rt, fd, true, &f);
    if (!rc) return fd;
    rt->backend->sock->close(rt, fd);
    return rc;
}

static void drop(struct weft__rt *rt, int fd) {
    weft__fd_forget(rt, fd);
    rt->backend->sock->close(rt, fd);
}

int weft_tcp_listen(const char *addr, int port, int backlog) {
    struct weft__rt *rt = weft__io_rt("weft_tcp_listen");
    struct sockaddr_storage ss;
    if (backlog < 0 || make_addr(addr, port, &ss)) return -EINVAL;
    if (weft__task_cancelled(rt->current)) return -ECANCELED;
    int saved = errno;
    int fd = rt->backend->sock->listen(rt, &ss, backlog);
    if (fd >= 0) fd = adopt_new(rt, fd);
    errno = saved;
    return fd;
}

int weft_tcp_accept(int lfd) {
    struct weft__rt *rt = weft__io_rt("weft_tcp_accept");
    if (weft__task_cancelled(rt->current)) return -ECANCELED;
    struct weft__fd *lf;
    int rc = weft__fd_get(rt, lfd, false, &lf);
    if (rc) return rc;
    int saved = errno;
    bool parked = false;
    for (;;) {
        rc = weft__fd_ready(rt, lf, WEFT__IO_READ, &parked);
        if (rc < 0) break;
        rc = rt->backend->sock->accept(rt, lfd);
        if (rc != -EAGAIN) break;
        lf->ready &= ~WEFT__IO_READ;
    }
    if (rc >= 0) rc = adopt_new(rt, rc);
    errno = saved;
    if (rc >= 0 && !parked) weft__io_yield(rt);
    return rc;
}

/* The outcome of a connect in progress: waits until the socket is
 * writable, then asks the backend. 0 or -errno. */
static int finish_connect(struct weft__rt *rt, int fd) {
    struct weft__fd *f;
    int rc = weft__fd_get(rt, fd, false, &f); /* adopt_new made it */
    if (rc) return rc;
    rc = weft__fd_park(rt, f, WEFT__IO_WRITE);
    if (rc < 0) return rc;
    return rt->backend->sock->connect_result(rt, fd);
}

int weft_tcp_connect(const char *addr, int port) {
    struct weft__rt *rt = weft__io_rt("weft_tcp_connect");
    struct sockaddr_storage ss;
    if (!addr || make_addr(addr, port, &ss) || port == 0) return -EINVAL;
    if (weft__task_cancelled(rt->current)) return -ECANCELED;
    int saved = errno;
    bool pending = false;
    int fd = rt->backend->sock->connect(rt, &ss, &pending);
    if (fd >= 0) fd = adopt_new(rt, fd);
    if (fd >= 0 && pending) {
        int rc = finish_connect(rt, fd);
        if (rc) {
            drop(rt, fd);
            fd = rc;
        }
    }
    errno = saved;
    return fd;
}

/* Outside a runtime too, as getsockname(2) works anywhere. */
int weft_tcp_port(int fd) {
    struct weft__rt *rt = weft__rt_current();
    const struct weft__sock_ops *ops = rt ? rt->backend->sock
                                          : &weft__sock_real;
    if (fd < ops->fd_base) return fd < 0 ? -EBADF : -ENOTSUP;
    int saved = errno;
    int rc = ops->port(rt, fd);
    errno = saved;
    return rc;
}
