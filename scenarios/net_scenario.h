/* scenarios/net_scenario.h: what the distributed scenarios share
 * (docs/NETWORK.md "Proving it on a real protocol"): a directory of
 * peers that works under both backends, and request-response helpers.
 * Under sim each peer is a simulated host at its own address and a
 * fixed port; under real, a task of this process listening on
 * 127.0.0.1 at a port the kernel chose, which the directory passes to
 * the others. The protocol code is the same under both. */
#ifndef WEFT_NET_SCENARIO_H
#define WEFT_NET_SCENARIO_H

#include <errno.h>

#include "scenario.h"

#define PEER_PORT 7000

struct peer {
    const char *name;
    const char *sim_addr; /* its address under sim */
    int port;             /* where it listens; 0: not yet */
};

static inline bool on_sim(void) { return strcmp(weft_backend(), "sim") == 0; }

/* Starts p's main(durable): a simulated host under sim, a task of g under
 * real. */
static inline int peer_spawn(weft_group *g, struct peer *p,
                             int (*main_fn)(void *), void *durable) {
    if (on_sim()) {
        return weft_sim_host_spawn(g, p->name, p->sim_addr, main_fn, durable);
    }
    return weft_spawn(g, p->name, main_fn, durable);
}

/* Called by p's main: its listening fd, or a negative code. */
static inline int peer_listen(struct peer *p) {
    int lfd = on_sim() ? weft_tcp_listen(NULL, PEER_PORT, 16)
                       : weft_tcp_listen("127.0.0.1", p->port, 16);
    if (lfd >= 0) p->port = weft_tcp_port(lfd);
    return lfd;
}

/* A connection to p within `within`, or a negative code. */
static inline int peer_connect(const struct peer *p, weft_time within) {
    if (!p->port) return -ECONNREFUSED; /* it has not listened yet */
    weft_scope s;
    weft_fail_after(&s, within);
    int fd = weft_tcp_connect(on_sim() ? p->sim_addr : "127.0.0.1", p->port);
    return weft_scope_exit(&s, fd);
}

/* Exactly n bytes, or a negative code (-EPIPE: the stream ended). */
static inline int read_exact(int fd, void *buf, size_t n) {
    for (size_t got = 0; got < n;) {
        ssize_t r = weft_read(fd, (char *)buf + got, n - got);
        if (r <= 0) return r < 0 ? (int)r : -EPIPE;
        got += (size_t)r;
    }
    return 0;
}

/* Sends req (n bytes) and reads the m-byte answer, within `within`. */
static inline int call(int fd, const void *req, size_t n, void *resp,
                       size_t m, weft_time within) {
    weft_scope s;
    weft_fail_after(&s, within);
    int rc = weft_write(fd, req, n, NULL);
    if (!rc) rc = read_exact(fd, resp, m);
    return weft_scope_exit(&s, rc);
}

/* Stops the hosts (or tasks) of g once the workload is done. */
static inline void peers_stop(weft_group *g) {
    weft_group_cancel(g);
    weft_group_join(g);
    weft_group_destroy(g);
}

#endif
