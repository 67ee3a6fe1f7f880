/* net_lease: FAILS, fixed PASSES: two leaders under a partition.
 * Two nodes take a leader lease from a lease server: granted for 500 ms
 * from when it was asked, renewed every 100 ms. Buggy: a node that
 * cannot reach the server keeps extending its lease ("the server is
 * down, not me"); cut off by a partition, it stays leader while the
 * server, its lease expired, grants the other node: two leaders. Fixed:
 * a lease that could not be renewed ends when it expires. Faults:
 * partitions chosen by the seed (under the real backend there are none,
 * and both pass). */
#include "net_scenario.h"

#define LEASE (500 * WEFT_MSEC)
#define RENEW (100 * WEFT_MSEC)
#define RUN (3 * WEFT_SEC)

static struct peer server = {"leases", "10.0.0.1", 0};
static struct peer nodes[2] = {{"n0", "10.0.0.2", 0}, {"n1", "10.0.0.3", 0}};

/* The oracle (not part of the protocol): until when each node believes
 * it is the leader. */
static weft_time believed[2];

/* ---- the lease server: a node's id in, 'Y' or 'N' out ---- */

struct leases {
    int holder;       /* -1: none */
    weft_time expiry;
};

static struct leases *table; /* the server's, in its memory */

static int lease_conn(void *arg) {
    int fd = (int)(intptr_t)arg;
    unsigned char id;
    weft_scope s;
    weft_fail_after(&s, RENEW);
    int rc = read_exact(fd, &id, 1);
    rc = weft_scope_exit(&s, rc);
    if (rc == 0 && id < 2) {
        weft_time now = weft_now();
        bool free = table->holder < 0 || table->holder == id ||
                    now >= table->expiry;
        if (free) {
            table->holder = id;
            table->expiry = now + LEASE;
        }
        weft_write(fd, free ? "Y" : "N", 1, NULL);
    }
    weft_close(fd);
    return 0;
}

static int server_main(void *arg) {
    (void)arg;
    struct leases t = {.holder = -1};
    table = &t;
    int lfd = peer_listen(&server);
    if (lfd < 0) return lfd;
    weft_group g;
    weft_group_init(&g);
    int fd;
    while ((fd = weft_tcp_accept(lfd)) >= 0) {
        weft_spawn(&g, "lease", lease_conn, (void *)(intptr_t)fd);
    }
    weft_group_cancel(&g);
    weft_group_join(&g);
    weft_group_destroy(&g);
    weft_close(lfd);
    return 0;
}

/* ---- the nodes ---- */

/* 1 granted, 0 refused, < 0 the server could not be reached. */
static int ask(unsigned char id) {
    int fd = peer_connect(&server, RENEW / 2);
    if (fd < 0) return fd;
    char ans = 0;
    int rc = call(fd, &id, 1, &ans, 1, RENEW / 2);
    weft_close(fd);
    return rc < 0 ? rc : ans == 'Y';
}

static int node_main(void *arg) {
    int id = (int)(intptr_t)arg;
    for (;;) {
        weft_time asked = weft_now();
        int rc = ask((unsigned char)id);
        if (rc == 1) {
            believed[id] = asked + LEASE;
        } else if (rc < 0 && BUGGY && believed[id] > weft_now()) {
            believed[id] = weft_now() + LEASE; /* keeps going */
        }
        if (weft_now() < believed[id]) {
            /* Acting as the leader: nobody else may be. */
            WEFT_ASSERT(!(weft_now() < believed[1 - id]));
        }
        if (weft_sleep(RENEW)) return 0;
    }
}

static int body(void *arg) {
    (void)arg;
    weft_sim_faults("partition/200"); /* -ENOTSUP under real: none */
    weft_group hosts;
    weft_group_init(&hosts);
    peer_spawn(&hosts, &server, server_main, NULL);
    for (int i = 0; i < 2; i++) {
        peer_spawn(&hosts, &nodes[i], node_main, (void *)(intptr_t)i);
    }
    weft_sleep(RUN);
    peers_stop(&hosts);
    printf("net_lease: never two leaders in %d ms\n", (int)(RUN / WEFT_MSEC));
    return 0;
}

SCENARIO_MAIN(body)
