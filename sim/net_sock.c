/* sim/net_sock.c: the sim backend's sockets (struct weft__sock_ops in
 * src/backend.h) over the simulated network: fds from WEFT__NET_FD_BASE
 * up, lowest free first as a kernel's; the socket calls as a kernel
 * answers them (short writes when the window is full, reads of what has
 * arrived, EOF, -ECONNRESET, -EPIPE, -ECONNREFUSED); and the watchers of
 * src/io/, to which every change is an edge. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include "io/io.h"
#include "net_sock.h"
#include "weft/buggify.h"

static struct weft__net *net_of(struct weft__rt *rt) {
    return weft__net_get(rt);
}

/* fd's socket, a dead one too (see weft__net_close_host). */
static struct net_sock *slot_of(struct weft__net *net, int fd) {
    if (!net || fd < WEFT__NET_FD_BASE) return NULL;
    size_t slot = (size_t)(fd - WEFT__NET_FD_BASE);
    return slot < net->nsocks ? net->socks[slot] : NULL;
}

/* fd's socket, NULL when there is none or it died with its host. */
static struct net_sock *lookup(struct weft__net *net, int fd) {
    struct net_sock *s = slot_of(net, fd);
    return s && !s->dead ? s : NULL;
}

/* Gives s the lowest free fd. 0 or -ENOMEM. */
static int fd_alloc(struct weft__net *net, struct net_sock *s) {
    size_t slot = 0;
    while (slot < net->nsocks && net->socks[slot]) slot++;
    if (slot == net->nsocks) {
        size_t n = net->nsocks ? net->nsocks * 2 : 16;
        struct net_sock **socks = realloc(net->socks, n * sizeof *socks);
        if (!socks) return -ENOMEM;
        for (size_t i = net->nsocks; i < n; i++) socks[i] = NULL;
        net->socks = socks;
        net->nsocks = n;
    }
    net->socks[slot] = s;
    s->fd = WEFT__NET_FD_BASE + (int)slot;
    return 0;
}

static void fd_release(struct weft__net *net, struct net_sock *s) {
    if (s->fd >= 0) net->socks[s->fd - WEFT__NET_FD_BASE] = NULL;
    s->fd = -1;
}

/* A connecting socket turns writable only when the connect is over, as a
 * kernel's: its waiter then reads the outcome. */
void weft__sock_notify(struct weft__net *net, struct net_sock *s,
                       unsigned events) {
    if (!s || !s->watcher) return;
    if (!s->connected && !s->err && !s->listening) events &= ~WEFT__IO_WRITE;
    struct weft__io *w = s->watcher;
    if (events & w->events) w->cb(net->rt, w, events & w->events);
}

/* The calling task's host, when it may use the network; NULL when it
 * crashed (its calls fail as cancelled). */
static struct net_host *caller(struct weft__net *net) {
    struct net_host *h = weft__net_self(net);
    return h->up ? h : NULL;
}

static struct net_pipe *in_pipe(const struct net_sock *s) {
    return &s->conn->pipe[1 - s->side];
}

static struct net_pipe *out_pipe(const struct net_sock *s) {
    return &s->conn->pipe[s->side];
}

/* Drops what s has not read (a reset discards it). */
static void drop_unread(struct weft__net *net, struct net_sock *s) {
    struct net_pipe *p = in_pipe(s);
    for (struct net_seg *g = p->rhead; g;) {
        struct net_seg *next = g->next;
        p->queued -= g->len - g->off;
        free(g);
        g = next;
    }
    p->rhead = p->rtail = NULL;
    weft__sock_notify(net, s->conn->end[1 - s->side], WEFT__IO_WRITE);
}

void weft__sock_reset(struct weft__net *net, struct net_sock *s, int err) {
    s->err = err;
    s->broken = true;
    drop_unread(net, s);
    weft__sock_notify(net, s, WEFT__IO_READ | WEFT__IO_WRITE);
}

static int addr_of(const struct sockaddr_storage *ss, struct net_addr *a,
                   uint16_t *port) {
    memset(a, 0, sizeof *a);
    a->family = ss->ss_family;
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *v4 = (const struct sockaddr_in *)ss;
        memcpy(a->bytes, &v4->sin_addr, 4);
        *port = ntohs(v4->sin_port);
        return 0;
    }
    const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)ss;
    memcpy(a->bytes, &v6->sin6_addr, 16);
    *port = ntohs(v6->sin6_port);
    return 0;
}

static bool is_any(const struct net_addr *a) {
    static const uint8_t zero[16];
    return !memcmp(a->bytes, zero, 16);
}

/* Whether a listener bound to l takes connections to a: the same family
 * and its address, or any. */
static bool binds(const struct net_addr *l, const struct net_addr *a) {
    if (l->family != a->family) return false;
    return is_any(l) || !memcmp(l->bytes, a->bytes, 16);
}

struct net_sock *weft__sock_listener(struct weft__net *net, int host,
                                     const struct net_addr *a, uint16_t port) {
    for (size_t i = 0; i < net->nsocks; i++) {
        struct net_sock *s = net->socks[i];
        if (s && s->listening && s->host == host && s->port == port &&
            binds(&s->addr, a)) {
            return s;
        }
    }
    return NULL;
}

static bool port_taken(struct weft__net *net, int host, uint16_t port) {
    for (size_t i = 0; i < net->nsocks; i++) {
        const struct net_sock *s = net->socks[i];
        if (s && s->host == host && s->port == port) return true;
    }
    return false;
}

static uint16_t ephemeral(struct weft__net *net, struct net_host *h) {
    for (int i = 0; i < 20000; i++) {
        uint16_t p = h->next_port++;
        if (h->next_port > 60999) h->next_port = 40000;
        if (!port_taken(net, h->id, p)) return p;
    }
    return 0;
}

/* The addresses a host's socket may bind: any, loopback, its own. */
static bool local_to(struct weft__net *net, const struct net_host *h,
                     const struct net_addr *a) {
    return is_any(a) || weft__net_route(net, h, a) == h;
}

static int sim_listen(struct weft__rt *rt, const struct sockaddr_storage *ss,
                      int backlog) {
    struct weft__net *net = net_of(rt);
    if (!net) return -ENOMEM;
    struct net_host *h = caller(net);
    if (!h) return -ECANCELED;
    struct net_addr a;
    uint16_t port;
    addr_of(ss, &a, &port);
    if (!local_to(net, h, &a)) return -EADDRNOTAVAIL;
    if (port && port_taken(net, h->id, port)) return -EADDRINUSE;
    if (!port && !(port = ephemeral(net, h))) return -EADDRINUSE;
    struct net_sock *s = calloc(1, sizeof *s);
    if (!s || fd_alloc(net, s)) {
        free(s);
        return -ENOMEM;
    }
    s->host = h->id;
    s->listening = true;
    s->addr = a;
    s->port = port;
    s->backlog = backlog < 1 ? 1 : backlog > 4096 ? 4096 : backlog;
    return s->fd;
}

struct net_sock *weft__sock_enqueue(struct weft__net *net, struct net_sock *l,
                                    struct net_conn *c) {
    struct net_sock *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->fd = -1;
    s->host = l->host;
    s->addr = c->daddr;
    s->port = l->port;
    s->conn = c;
    s->side = 1;
    s->connected = true;
    c->end[1] = s;
    if (l->qtail) {
        l->qtail->qnext = s;
    } else {
        l->qhead = s;
    }
    l->qtail = s;
    l->nq++;
    weft__sock_notify(net, l, WEFT__IO_READ);
    return s;
}

static int sim_accept(struct weft__rt *rt, int lfd) {
    struct weft__net *net = net_of(rt);
    struct net_sock *l = lookup(net, lfd);
    if (!l) return -EBADF;
    if (!l->listening) return -EINVAL;
    if (!caller(net)) return -ECANCELED;
    struct net_sock *s = l->qhead;
    if (!s) return -EAGAIN;
    if (fd_alloc(net, s)) return -ENOMEM;
    l->qhead = s->qnext;
    if (!l->qhead) l->qtail = NULL;
    l->nq--;
    s->qnext = NULL;
    struct net_pipe *p = in_pipe(s);
    weft__net_trace_seg(net, WEFT__NET_ACCEPT, s->conn->id, 0, p->src,
                        p->dst, 0);
    return s->fd;
}

static int sim_connect(struct weft__rt *rt, const struct sockaddr_storage *ss,
                       bool *pending) {
    struct weft__net *net = net_of(rt);
    if (!net) return -ENOMEM;
    struct net_host *h = caller(net);
    if (!h) return -ECANCELED;
    struct net_addr a;
    uint16_t port;
    addr_of(ss, &a, &port);
    struct net_host *to = weft__net_route(net, h, &a);
    struct net_sock *s = calloc(1, sizeof *s);
    struct net_conn *c = s ? weft__conn_new(net, h->id, to ? to->id : -1)
                           : NULL;
    if (!c || fd_alloc(net, s)) goto fail;
    s->host = h->id;
    s->addr = h->addr;
    s->port = ephemeral(net, h);
    s->conn = c;
    c->end[0] = s;
    c->daddr = a;
    c->dport = port;
    weft__net_trace_seg(net, WEFT__NET_CONNECT, c->id, 0, h->id,
                        to ? to->id : -1, 0);
    if (weft__pipe_send(net, &c->pipe[0], SEG_SYN, NULL, 0)) goto fail;
    *pending = true;
    return s->fd;
fail:
    if (s && s->fd > 0) fd_release(net, s);
    if (c) {
        c->end[0] = NULL;
        weft__conn_maybe_free(net, c);
    }
    free(s);
    return -ENOMEM;
}

static int sim_connect_result(struct weft__rt *rt, int fd) {
    struct net_sock *s = lookup(net_of(rt), fd);
    if (!s) return -EBADF;
    if (s->err) return -s->err;
    return s->connected ? 0 : -EINPROGRESS;
}

static int sim_level(struct weft__rt *rt, int fd, unsigned events) {
    struct net_sock *s = lookup(net_of(rt), fd);
    if (!s) return -EBADF;
    unsigned r = 0;
    if (s->listening) {
        if (s->qhead) r |= WEFT__IO_READ;
    } else if (s->err || s->broken) {
        r = WEFT__IO_READ | WEFT__IO_WRITE;
    } else if (s->connected) {
        if (in_pipe(s)->rhead || s->eof) r |= WEFT__IO_READ;
        if (out_pipe(s)->queued < WEFT__NET_WINDOW) r |= WEFT__IO_WRITE;
    }
    return (int)(r & events);
}

/* The pending error, once: later calls see the stream as ended. */
static int take_err(struct net_sock *s) {
    int err = s->err;
    s->err = 0;
    return -err;
}

static ssize_t sim_read(struct weft__rt *rt, int fd, void *buf, size_t n) {
    struct weft__net *net = net_of(rt);
    struct net_sock *s = lookup(net, fd);
    if (!s) return -EBADF;
    if (s->listening || !s->connected) return s->err ? take_err(s) : -ENOTCONN;
    if (!caller(net)) return -ECANCELED;
    struct net_pipe *p = in_pipe(s);
    size_t got = 0;
    while (got < n && p->rhead) {
        struct net_seg *g = p->rhead;
        size_t k = g->len - g->off;
        if (k > n - got) k = n - got;
        memcpy((char *)buf + got, g->data + g->off, k);
        g->off += k;
        got += k;
        if (g->off < g->len) break;
        p->rhead = g->next;
        if (!p->rhead) p->rtail = NULL;
        free(g);
    }
    if (got) {
        p->queued -= got;
        weft__sock_notify(net, s->conn->end[1 - s->side], WEFT__IO_WRITE);
        return (ssize_t)got;
    }
    if (s->err) return take_err(s);
    return s->eof || s->broken ? 0 : -EAGAIN;
}

/* A write of k bytes goes out as one segment or two: where a kernel's
 * would cut it is a decision (0: whole), so readers meet partial reads. */
static int send_cut(struct weft__net *net, struct net_pipe *p, const char *b,
                    size_t k) {
    size_t cut = 0;
    if (k >= 2) {
        size_t how = weft__sim_decide(net->rt, WEFT__CHOICE_NET, 3);
        cut = how == 1 ? 1 : how == 2 ? k / 2 : 0;
    }
    int rc = 0;
    if (cut) rc = weft__pipe_send(net, p, SEG_DATA, b, cut);
    if (!rc) rc = weft__pipe_send(net, p, SEG_DATA, b + cut, k - cut);
    return rc;
}

static ssize_t sim_write(struct weft__rt *rt, int fd, const void *buf,
                         size_t n, bool *not_socket) {
    (void)not_socket;
    struct weft__net *net = net_of(rt);
    struct net_sock *s = lookup(net, fd);
    if (!s) return -EBADF;
    if (s->listening) return -ENOTCONN;
    if (s->err) return take_err(s);
    if (s->broken) return -EPIPE;
    if (!s->connected) return -ENOTCONN;
    if (!caller(net)) return -ECANCELED;
    struct net_pipe *p = out_pipe(s);
    size_t room = WEFT__NET_WINDOW - p->queued;
    if (!room) return -EAGAIN;
    size_t k = n < room ? n : room;
    if (k > 1 && WEFT_BUGGIFY()) k = 1; /* a short write, now and then */
    int rc = send_cut(net, p, buf, k);
    return rc ? rc : (ssize_t)k;
}

/* Closes a stream end as a kernel does: FIN after what was sent, or a
 * RST when data was left unread (or rst: never accepted). */
static void close_stream(struct weft__net *net, struct net_sock *s, bool rst) {
    struct net_conn *c = s->conn;
    if (!s->broken) {
        int kind = rst || in_pipe(s)->rhead ? SEG_RST : SEG_FIN;
        weft__pipe_send(net, out_pipe(s), kind, NULL, 0);
    }
    drop_unread(net, s);
    c->end[s->side] = NULL;
    weft__conn_maybe_free(net, c);
}

/* What the network sees of a close: the socket's connections end. */
static void shut_sock(struct weft__net *net, struct net_sock *s) {
    if (s->listening) {
        while (s->qhead) { /* connections never accepted are reset */
            struct net_sock *q = s->qhead;
            s->qhead = q->qnext;
            close_stream(net, q, true);
            free(q);
        }
    } else if (s->conn) {
        close_stream(net, s, false);
    }
    s->conn = NULL;
    s->listening = false;
    s->watcher = NULL;
}

static void close_sock(struct weft__net *net, struct net_sock *s) {
    shut_sock(net, s);
    fd_release(net, s);
    free(s);
}

/* A dead socket's number is freed by the close its old owner makes. */
static int sim_close(struct weft__rt *rt, int fd) {
    struct weft__net *net = net_of(rt);
    struct net_sock *s = slot_of(net, fd);
    if (!s) return -EBADF;
    close_sock(net, s);
    return 0;
}

static int sim_port(struct weft__rt *rt, int fd) {
    struct net_sock *s = lookup(net_of(rt), fd);
    return s ? s->port : -EBADF;
}

static int sim_adopt(struct weft__rt *rt, int fd) {
    return lookup(net_of(rt), fd) ? 0 : -EBADF;
}

int weft__net_io_start(struct weft__rt *rt, struct weft__io *w) {
    struct net_sock *s = lookup(net_of(rt), w->fd);
    if (!s) return -EBADF;
    s->watcher = w;
    w->started = true;
    return 0;
}

void weft__net_io_stop(struct weft__rt *rt, struct weft__io *w) {
    if (!w->started) return;
    w->started = false;
    struct net_sock *s = lookup(net_of(rt), w->fd);
    if (s && s->watcher == w) s->watcher = NULL;
}

/* A crashed host's tasks still hold their fd numbers and close them
 * while they unwind: the numbers stay taken (dead sockets) until then,
 * or until the tree has ended, so that such a close cannot hit a socket
 * made since with the same number. */
void weft__net_close_host(struct weft__net *net, int host, bool keep) {
    for (size_t i = 0; i < net->nsocks; i++) {
        struct net_sock *s = net->socks[i];
        if (!s || s->host != host || (s->dead && keep)) continue;
        if (!s->dead) weft__fd_forget(net->rt, s->fd); /* waiters: -EBADF */
        if (keep) {
            shut_sock(net, s);
            s->dead = true;
        } else {
            close_sock(net, s);
        }
    }
}

static bool between(uint64_t a, uint64_t b, int x, int y) {
    if (x < 0 || y < 0) return false;
    return ((a >> x & 1) && (b >> y & 1)) || ((b >> x & 1) && (a >> y & 1));
}

void weft__net_reset_between(struct weft__net *net, uint64_t a, uint64_t b) {
    for (struct net_conn *c = net->conns; c; c = c->next) {
        if (!between(a, b, c->pipe[0].src, c->pipe[0].dst)) continue;
        weft__net_trace_seg(net, WEFT__NET_RESET, c->id, 0, c->pipe[0].src,
                            c->pipe[0].dst, 0);
        for (int d = 0; d < 2; d++) {
            if (c->end[d]) weft__sock_reset(net, c->end[d], ECONNRESET);
        }
    }
}

void weft__net_socks_free(struct weft__net *net) {
    for (size_t i = 0; i < net->nsocks; i++) {
        struct net_sock *s = net->socks[i];
        if (!s) continue;
        for (struct net_sock *q = s->qhead; q;) {
            struct net_sock *next = q->qnext;
            free(q);
            q = next;
        }
        free(s);
    }
    free(net->socks);
    weft__conns_free(net);
}

const struct weft__sock_ops weft__sock_sim = {
    .fd_base = WEFT__NET_FD_BASE,
    .external = false,
    .adopt = sim_adopt,
    .level = sim_level,
    .read = sim_read,
    .write = sim_write,
    .listen = sim_listen,
    .accept = sim_accept,
    .connect = sim_connect,
    .connect_result = sim_connect_result,
    .close = sim_close,
    .port = sim_port,
};
