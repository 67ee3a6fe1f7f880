/* src/io/tcp.c: TCP over IPv4 and IPv6 with numeric addresses: listen,
 * accept, connect. Every socket weft makes is non-blocking and
 * close-on-exec from its creation, and gets its record (io.h) at once;
 * accepted and connected ones have TCP_NODELAY (request-response
 * traffic would otherwise wait on Nagle and delayed ACKs). A failed
 * call leaves no fd open. Under sim the socket is closed before any
 * bind or connect, when its record cannot be watched (-ENOTSUP). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "io.h"
#include "weft/io.h"

/* A numeric address; NULL: every IPv4 interface. 0 or -EINVAL. */
static int make_addr(const char *addr, int port, struct sockaddr_storage *ss,
                     socklen_t *len) {
    if (port < 0 || port > 65535) return -EINVAL;
    memset(ss, 0, sizeof *ss);
    struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
    if (!addr || inet_pton(AF_INET, addr, &v4->sin_addr) == 1) {
        if (!addr) v4->sin_addr.s_addr = htonl(INADDR_ANY);
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        *len = sizeof *v4;
        return 0;
    }
    if (inet_pton(AF_INET6, addr, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        *len = sizeof *v6;
        return 0;
    }
    return -EINVAL;
}

/* A socket with its record; under sim -ENOTSUP before any socket. */
static int new_socket(struct weft__rt *rt, int family) {
    int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    struct weft__fd *f;
    int rc = weft__fd_get(rt, fd, true, &f);
    if (rc) {
        close(fd);
        return rc;
    }
    return fd;
}

static void drop(struct weft__rt *rt, int fd) {
    weft__fd_forget(rt, fd);
    close(fd);
}

static void set_nodelay(int fd) {
    int one = 1;
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static int bind_listen(int fd, const struct sockaddr_storage *ss,
                       socklen_t len, int backlog) {
    int one = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
        (ss->ss_family == AF_INET6 &&
         setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) < 0) ||
        bind(fd, (const struct sockaddr *)ss, len) < 0 ||
        listen(fd, backlog) < 0) {
        return -errno;
    }
    return 0;
}

int weft_tcp_listen(const char *addr, int port, int backlog) {
    struct weft__rt *rt = weft__io_rt("weft_tcp_listen");
    struct sockaddr_storage ss;
    socklen_t len;
    if (backlog < 0 || make_addr(addr, port, &ss, &len)) return -EINVAL;
    if (weft__task_cancelled(rt->current)) return -ECANCELED;
    int saved = errno;
    int fd = new_socket(rt, ss.ss_family);
    int rc = fd < 0 ? 0 : bind_listen(fd, &ss, len, backlog);
    if (rc) {
        drop(rt, fd);
        fd = rc;
    }
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
        rc = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (rc >= 0) break;
        rc = -errno;
        if (rc == -EINTR || rc == -ECONNABORTED) continue;
        if (rc != -EAGAIN) break;
        lf->ready &= ~WEFT__IO_READ;
    }
    if (rc >= 0) {
        struct weft__fd *f;
        int fd = rc;
        set_nodelay(fd);
        rc = weft__fd_get(rt, fd, true, &f);
        if (rc) close(fd);
        else rc = fd;
    }
    errno = saved;
    if (rc >= 0 && !parked) weft__io_yield(rt);
    return rc;
}

/* The outcome of a connect in progress: waits until the socket is
 * writable, then reads SO_ERROR. 0 or -errno. */
static int finish_connect(struct weft__rt *rt, int fd) {
    struct weft__fd *f;
    int rc = weft__fd_get(rt, fd, false, &f); /* new_socket made it */
    if (rc) return rc;
    rc = weft__fd_park(rt, f, WEFT__IO_WRITE);
    if (rc < 0) return rc;
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) return -errno;
    return -err;
}

int weft_tcp_connect(const char *addr, int port) {
    struct weft__rt *rt = weft__io_rt("weft_tcp_connect");
    struct sockaddr_storage ss;
    socklen_t len;
    if (!addr || make_addr(addr, port, &ss, &len) || port == 0) {
        return -EINVAL;
    }
    if (weft__task_cancelled(rt->current)) return -ECANCELED;
    int saved = errno;
    int fd = new_socket(rt, ss.ss_family);
    if (fd >= 0) {
        set_nodelay(fd);
        int rc = connect(fd, (struct sockaddr *)&ss, len) < 0 ? -errno : 0;
        /* EINTR: the connect goes on in the background, as EINPROGRESS. */
        if (rc == -EINPROGRESS || rc == -EINTR) rc = finish_connect(rt, fd);
        if (rc) {
            drop(rt, fd);
            fd = rc;
        }
    }
    errno = saved;
    return fd;
}

int weft_tcp_port(int fd) {
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    int saved = errno;
    int rc = getsockname(fd, (struct sockaddr *)&ss, &len) < 0 ? -errno : 0;
    errno = saved;
    if (rc) return rc;
    if (ss.ss_family == AF_INET) {
        return ntohs(((struct sockaddr_in *)&ss)->sin_port);
    }
    if (ss.ss_family == AF_INET6) {
        return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    }
    return -EINVAL;
}
