/* sim/net_sock.h: simulated sockets and the connections between them,
 * shared by net_sock.c (the socket calls) and net_stream.c (segments in
 * flight). A connection is two pipes, one per direction; a pipe holds
 * the segments in flight, in order, and those delivered but unread. */
#ifndef WEFT_SIM_NET_SOCK_H
#define WEFT_SIM_NET_SOCK_H

#include "net.h"

enum seg_kind { SEG_DATA, SEG_SYN, SEG_SYNACK, SEG_FIN, SEG_RST, SEG_UNREACH };

struct net_seg {
    struct net_seg *next;
    weft_time at;       /* delivery time */
    uint64_t id;        /* for the trace's arrows */
    int kind;           /* enum seg_kind */
    size_t len, off;    /* data bytes, and those already read */
    char data[];
};

struct net_conn;

struct net_pipe {
    struct net_conn *conn; /* weak: the owner */
    int dir;               /* 0: client to server, 1: back */
    int src, dst;          /* hosts; dst -1: no host has the address */
    struct net_seg *head, *tail;   /* owned: in flight, by time */
    struct net_seg *rhead, *rtail; /* owned: delivered, unread */
    size_t queued;         /* data bytes in flight or unread */
    weft_time last_at;     /* the last segment's delivery time */
    weft_time rto;         /* retransmission timeout after a drop */
    unsigned drops;        /* drops in a row */
    bool expired;          /* the last retry was dropped: at the head's
                              next time, TCP gives up */
    struct weft__timer timer; /* the head's delivery */
};

struct net_sock {
    int fd;                   /* -1 while in a listener's queue */
    int host;
    bool listening;
    struct weft__io *watcher; /* borrowed from src/io/, while started */
    struct net_addr addr;     /* local */
    uint16_t port;
    int backlog;              /* listening: queue bound */
    struct net_sock *qhead, *qtail; /* listening: owned, not accepted */
    size_t nq;
    struct net_sock *qnext;
    struct net_conn *conn;    /* stream: shared with the peer */
    int side;                 /* its end: 0 client, 1 server */
    bool connected;           /* the handshake completed */
    bool eof;                 /* the peer's FIN came */
    bool broken;              /* reset or timed out: writes -EPIPE */
    int err;                  /* a pending error, reported once */
    bool dead;                /* closed by its host's crash: only its
                                 number is left, for its owner's close */
};

struct net_conn {
    struct net_pipe pipe[2];
    struct net_sock *end[2];  /* weak: cleared when that end closes */
    uint64_t id;
    struct net_addr daddr;    /* connected to */
    uint16_t dport;
    struct net_conn *prev, *next; /* in the network's list */
};

/* net_stream.c */
struct net_conn *weft__conn_new(struct weft__net *net, int src, int dst);
/* Queues a segment on p, delivered after a latency (a decision). */
int weft__pipe_send(struct weft__net *net, struct net_pipe *p, int kind,
                    const void *data, size_t len);
/* Frees p's segments, in flight and unread. */
void weft__pipe_flush(struct weft__net *net, struct net_pipe *p);
/* Frees c once both ends closed and nothing is in flight. */
void weft__conn_maybe_free(struct weft__net *net, struct net_conn *c);
/* Every connection (the run's end). */
void weft__conns_free(struct weft__net *net);

/* net_sock.c */
/* Edges for s's watcher (when one is started). */
void weft__sock_notify(struct weft__net *net, struct net_sock *s,
                       unsigned events);
/* A SYN came to host on port: the listener, or NULL. */
struct net_sock *weft__sock_listener(struct weft__net *net, int host,
                                     const struct net_addr *a, uint16_t port);
/* A new connected server end for c, queued on l. NULL: out of memory. */
struct net_sock *weft__sock_enqueue(struct weft__net *net, struct net_sock *l,
                                    struct net_conn *c);
/* Ends s's side of its connection with a RST (a reset by a third party:
 * both ends get -ECONNRESET). */
void weft__sock_reset(struct weft__net *net, struct net_sock *s, int err);

#endif
