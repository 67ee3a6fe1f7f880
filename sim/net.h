/* sim/net.h: the simulated network (docs/NETWORK.md). One per sim run,
 * made at the first network call: hosts (net_host.c), the links between
 * them with their latency and faults (net_link.c, net_fault.c), and TCP
 * sockets as ordered byte streams over them (net_sock.c, net_stream.c).
 * Everything moves in virtual time: a segment is delivered by a timer,
 * and every latency, split and fault is a strategy decision (kind NET or
 * FAULT), so a run is replayed, shrunk and enumerated as any other. */
#ifndef WEFT_SIM_NET_H
#define WEFT_SIM_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sched.h"
#include "weft/sim.h"

/* Simulated fds start here: above any real fd (Linux caps nr_open below
 * 2^30), so weft_read and weft_close tell them apart by number. */
#define WEFT__NET_FD_BASE (1 << 30)
/* The implicit host: tasks of no host belong to it. */
#define WEFT__NET_LOCAL 0
/* Bytes a connection holds one way: in flight plus unread (a kernel's
 * send buffer and receive window together); a writer past it gets a
 * short write, then waits. */
#define WEFT__NET_WINDOW (64 * 1024)

struct net_addr {
    int family;        /* AF_INET, AF_INET6 */
    uint8_t bytes[16]; /* network order; IPv4 in the first 4 */
};

struct net_host {
    int id;                    /* index in net->hosts */
    char name[32];
    struct net_addr addr;      /* its own (the implicit host: none) */
    bool up;                   /* its tasks run (cleared by a crash) */
    bool restart_wanted;       /* weft_sim_restart before the tree ended */
    unsigned incarnation;      /* starts at 1, +1 per restart */
    int (*main)(void *);
    void *durable;             /* borrowed: what survives a crash */
    weft_group *tree;          /* the running incarnation's group, on the
                                  supervisor's stack; NULL between */
    struct weft__waitq restart_q; /* the supervisor, while down */
    uint16_t next_port;        /* ephemeral ports, counted up */
};

/* One direction between two hosts. */
struct net_link {
    bool cut;               /* partitioned: segments are dropped */
    weft_time clog_until;   /* nothing delivered before */
    weft_time spike_until;  /* latency + spike_extra before */
    weft_time spike_extra;
    bool custom;            /* lat_min, lat_max set (weft_sim_latency);
                               else the network's defaults */
    weft_time lat_min, lat_max;
};

struct net_sock;
struct net_conn;

struct weft__net {
    struct weft__rt *rt;
    struct net_host *hosts[WEFT_SIM_MAX_HOSTS]; /* owned */
    size_t nhosts;
    struct net_link links[WEFT_SIM_MAX_HOSTS][WEFT_SIM_MAX_HOSTS];
    weft_time lat_min, lat_max;       /* between hosts */
    weft_time loop_min, loop_max;     /* a host to itself */
    struct net_sock **socks;          /* owned, by fd - FD_BASE */
    size_t nsocks;                    /* slots in socks */
    unsigned faults;                  /* seed-chosen fault kinds (bits) */
    weft_time fault_every;            /* a fault decision this often */
    struct weft__timer fault_timer;
    weft_time heal_at[WEFT_SIM_MAX_HOSTS];    /* seed-chosen partitions */
    weft_time restart_at[WEFT_SIM_MAX_HOSTS]; /* seed-chosen crashes */
    struct net_conn *conns;           /* owned: every connection */
    uint64_t nconns;                  /* connections made (trace ids) */
    uint64_t nsegs;                   /* segments sent (trace ids) */
};

/* The run's network, made on first use (sim/backend_sim.c); NULL under
 * real or when out of memory. */
struct weft__net *weft__net_get(struct weft__rt *rt);
/* A new network for rt (net_host.c), NULL when out of memory. */
struct weft__net *weft__net_new(struct weft__rt *rt);
/* At the run's end: frees everything. */
void weft__net_free(struct weft__net *net);
/* A strategy decision among n >= 2 options (sim/backend_sim.c), of kind
 * NET (latency, splits) or FAULT: 0 is the calm default. */
size_t weft__sim_decide(struct weft__rt *rt, int kind, size_t n);

/* net_host.c */
/* The host of the running task (the implicit host outside any). */
struct net_host *weft__net_self(struct weft__net *net);
/* The host with address a, or NULL; loopback is from's own. */
struct net_host *weft__net_route(struct weft__net *net,
                                 const struct net_host *from,
                                 const struct net_addr *a);
/* Host ids of a comma-separated list of names ("*": all) as bits;
 * -ENOENT, -EINVAL. */
int weft__net_hosts_parse(struct weft__net *net, const char *list,
                          uint64_t *bits);
int weft__net_addr_parse(const char *text, struct net_addr *a);
void weft__net_addr_format(const struct net_addr *a, char *buf, size_t n);
/* Crashes h: closes its sockets, cancels its tree (docs/NETWORK.md). */
int weft__net_crash(struct weft__net *net, struct net_host *h);
int weft__net_restart(struct weft__net *net, struct net_host *h);

/* net_link.c */
/* The latency of a segment from a to b sent now: a decision. */
weft_time weft__net_latency(struct weft__net *net, int a, int b);
static inline struct net_link *weft__net_link(struct weft__net *net, int a,
                                              int b) {
    return &net->links[a][b];
}

/* Scripted or seed-chosen faults on the links between host sets. */
int weft__net_partition(struct weft__net *net, uint64_t from, uint64_t to,
                        bool oneway, bool on);
int weft__net_clog(struct weft__net *net, uint64_t from, uint64_t to,
                   weft_time duration);
int weft__net_spike(struct weft__net *net, uint64_t from, uint64_t to,
                    weft_time extra, weft_time duration);

/* net_fault.c: seed-chosen faults, from WEFT_SIM_FAULTS or
 * weft_sim_faults. Arms the fault timer when some are enabled. */
void weft__net_faults_start(struct weft__net *net);

/* net_sock.c / net_stream.c */
/* Closes every socket of host as its kernel would at a process's end:
 * waiters wake with -EBADF, peers get FIN or RST. keep (a crash, its
 * tasks still unwinding): the fd numbers stay taken until each is
 * closed, or until a call without keep. */
void weft__net_close_host(struct weft__net *net, int host, bool keep);
/* Resets every connection between hosts in a and in b. */
void weft__net_reset_between(struct weft__net *net, uint64_t a, uint64_t b);
/* Frees every socket and connection (the run's end). */
void weft__net_socks_free(struct weft__net *net);

/* net_trace.c: the network's trace events (docs/TRACE-FORMAT.md). */
enum weft__net_event {
    WEFT__NET_CONNECT, WEFT__NET_ACCEPT, WEFT__NET_SEND, WEFT__NET_DELIVER,
    WEFT__NET_DROP, WEFT__NET_PARTITION, WEFT__NET_HEAL, WEFT__NET_CLOG,
    WEFT__NET_SPIKE, WEFT__NET_RESET, WEFT__NET_CRASH, WEFT__NET_RESTART,
    WEFT__NET_HOST, /* a host's supervisor task starts */
};
void weft__net_trace_host(struct weft__net *net, const struct net_host *h,
                          int kind);
void weft__net_trace_fault(struct weft__net *net, int kind, uint64_t from,
                           uint64_t to);
/* A segment event: conn and seg ids, from host a to host b, len bytes. */
void weft__net_trace_seg(struct weft__net *net, int kind, uint64_t conn,
                         uint64_t seg, int a, int b, size_t len);

extern const struct weft__sock_ops weft__sock_sim;
/* The backend's watcher operations: a watcher follows its socket. */
int weft__net_io_start(struct weft__rt *rt, struct weft__io *w);
void weft__net_io_stop(struct weft__rt *rt, struct weft__io *w);

#endif
