/* sim/net_stream.c: segments in flight (docs/NETWORK.md "Streams"). A
 * pipe's segments are delivered in order by one timer, at times drawn
 * from the link's latency and never earlier than the segment before
 * (TCP reorders nothing the reader can see). At delivery the link is
 * asked: cut, the segment is dropped and, as TCP retransmits, tried
 * again after a timeout that doubles; clogged, it waits. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "net_sock.h"

#define SYN_RTO (1 * WEFT_SEC)     /* Linux's initial SYN timeout */
#define DATA_RTO (200 * WEFT_MSEC) /* TCP_RTO_MIN */
#define RTO_MAX (120 * WEFT_SEC)   /* TCP_RTO_MAX */
#define SYN_TRIES 6                /* tcp_syn_retries */
#define DATA_TRIES 15              /* tcp_retries2 */

static void deliver_due(struct weft__timer *tm);

/* A connection's two delivery timers have their slots in the timer heap
 * from its creation to its end, so that arming them never allocates. */
#define CONN_TIMER_SLOTS 2

struct net_conn *weft__conn_new(struct weft__net *net, int src, int dst) {
    struct net_conn *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    if (weft__timers_reserve(&net->rt->timers, CONN_TIMER_SLOTS)) {
        free(c);
        return NULL;
    }
    c->id = ++net->nconns;
    for (int d = 0; d < 2; d++) {
        c->pipe[d].conn = c;
        c->pipe[d].dir = d;
        c->pipe[d].src = d ? dst : src;
        c->pipe[d].dst = d ? src : dst;
    }
    c->next = net->conns;
    if (c->next) c->next->prev = c;
    net->conns = c;
    return c;
}

static void arm(struct weft__net *net, struct net_pipe *p) {
    if (p->timer.armed) weft__timer_disarm(net->rt, &p->timer);
    if (p->head) weft__timer_arm(net->rt, &p->timer, p->head->at, deliver_due);
}

int weft__pipe_send(struct weft__net *net, struct net_pipe *p, int kind,
                    const void *data, size_t len) {
    struct net_seg *s = malloc(sizeof *s + len);
    if (!s) return -ENOMEM;
    weft_time now = net->rt->backend->now(net->rt);
    /* To or from no host (an unreachable address): the sender's own
     * network answers, at its loopback's latency. */
    int a = p->src < 0 ? p->dst : p->src;
    int b = p->dst < 0 ? p->src : p->dst;
    weft_time at = now + weft__net_latency(net, a, b);
    s->at = at > p->last_at ? at : p->last_at;
    p->last_at = s->at;
    s->next = NULL;
    s->id = ++net->nsegs;
    s->kind = kind;
    s->len = len;
    s->off = 0;
    if (len) memcpy(s->data, data, len);
    p->queued += len;
    if (p->tail) {
        p->tail->next = s;
    } else {
        p->head = s;
    }
    p->tail = s;
    if (p->head == s) arm(net, p);
    weft__net_trace_seg(net, WEFT__NET_SEND, p->conn->id, s->id, p->src,
                        p->dst, len);
    return 0;
}

static void free_list(struct net_seg *s) {
    while (s) {
        struct net_seg *next = s->next;
        free(s);
        s = next;
    }
}

void weft__pipe_flush(struct weft__net *net, struct net_pipe *p) {
    if (p->timer.armed) weft__timer_disarm(net->rt, &p->timer);
    free_list(p->head);
    free_list(p->rhead);
    p->head = p->tail = p->rhead = p->rtail = NULL;
    p->queued = 0;
}

void weft__conn_maybe_free(struct weft__net *net, struct net_conn *c) {
    if (c->end[0] || c->end[1] || c->pipe[0].head || c->pipe[1].head) return;
    weft__pipe_flush(net, &c->pipe[0]);
    weft__pipe_flush(net, &c->pipe[1]);
    if (c->prev) {
        c->prev->next = c->next;
    } else {
        net->conns = c->next;
    }
    if (c->next) c->next->prev = c->prev;
    weft__timers_release(&net->rt->timers, CONN_TIMER_SLOTS);
    free(c);
}

void weft__conns_free(struct weft__net *net) {
    while (net->conns) {
        struct net_conn *c = net->conns;
        c->end[0] = c->end[1] = NULL;
        weft__pipe_flush(net, &c->pipe[0]);
        weft__pipe_flush(net, &c->pipe[1]);
        weft__conn_maybe_free(net, c);
    }
}

/* Every segment of p waits until at least `until`, in order. */
static void hold(struct net_pipe *p, weft_time until) {
    for (struct net_seg *s = p->head; s; s = s->next) {
        if (s->at < until) s->at = until;
    }
    if (p->last_at < until) p->last_at = until;
}

/* TCP gives up: the sender's end gets -ETIMEDOUT. */
static void give_up(struct weft__net *net, struct net_pipe *p) {
    struct net_sock *sender = p->conn->end[p->dir];
    weft__pipe_flush(net, p);
    p->drops = 0;
    p->expired = false;
    if (sender) weft__sock_reset(net, sender, ETIMEDOUT);
}

/* The link dropped p's head: retransmitted after a timeout that doubles;
 * once the last retry is dropped too, TCP waits one more timeout and
 * gives up (SYN: 1 + 2 + ... + 64 = 127 s, as Linux). */
static void dropped(struct weft__net *net, struct net_pipe *p, weft_time now) {
    struct net_seg *s = p->head;
    weft__net_trace_seg(net, WEFT__NET_DROP, p->conn->id, s->id, p->src,
                        p->dst, s->len);
    bool syn = s->kind == SEG_SYN;
    p->rto = p->rto ? p->rto * 2 : (syn ? SYN_RTO : DATA_RTO);
    if (p->rto > RTO_MAX) p->rto = RTO_MAX;
    if (++p->drops > (syn ? SYN_TRIES : DATA_TRIES)) p->expired = true;
    hold(p, now + p->rto);
}

/* A SYN reached host p->dst: a listener queues the connection and
 * answers; none, a RST; no such host, an unreachable. false: the
 * listener's queue is full, the SYN is dropped (and tried again). */
static bool syn_arrived(struct weft__net *net, struct net_pipe *p) {
    struct net_conn *c = p->conn;
    struct net_pipe *back = &c->pipe[1];
    if (p->dst < 0) {
        weft__pipe_send(net, back, SEG_UNREACH, NULL, 0);
        return true;
    }
    struct net_sock *l = weft__sock_listener(net, p->dst, &c->daddr, c->dport);
    if (!l) {
        weft__pipe_send(net, back, SEG_RST, NULL, 0);
        return true;
    }
    if (l->nq >= (size_t)l->backlog) return false;
    if (!weft__sock_enqueue(net, l, c)) return false;
    weft__pipe_send(net, back, SEG_SYNACK, NULL, 0);
    return true;
}

/* Segment s came out of p to its reader r (NULL: that end is closed). */
static void arrive(struct weft__net *net, struct net_pipe *p,
                   struct net_seg *s, struct net_sock *r) {
    struct net_pipe *back = &p->conn->pipe[1 - p->dir];
    switch (s->kind) {
    case SEG_SYNACK:
        if (!r) break; /* the connect gave up: its close sent a RST */
        r->connected = true;
        weft__sock_notify(net, r, WEFT__IO_WRITE);
        break;
    case SEG_DATA:
        if (!r || r->broken) { /* nobody to read it: a closed end's
                                  kernel answers with a RST */
            if (!r) weft__pipe_send(net, back, SEG_RST, NULL, 0);
            p->queued -= s->len;
            break;
        }
        s->next = NULL;
        if (p->rtail) {
            p->rtail->next = s;
        } else {
            p->rhead = s;
        }
        p->rtail = s;
        weft__net_trace_seg(net, WEFT__NET_DELIVER, p->conn->id, s->id,
                            p->src, p->dst, s->len);
        weft__sock_notify(net, r, WEFT__IO_READ);
        return; /* kept: the reader frees it */
    case SEG_FIN:
        if (r) r->eof = true;
        weft__sock_notify(net, r, WEFT__IO_READ);
        break;
    case SEG_RST:
        if (r) weft__sock_reset(net, r, r->connected ? ECONNRESET
                                                     : ECONNREFUSED);
        break;
    case SEG_UNREACH:
        if (r) weft__sock_reset(net, r, EHOSTUNREACH);
        break;
    }
    free(s);
}

/* p's timer: delivers every segment due, unless the link says no. */
static void deliver_due(struct weft__timer *tm) {
    struct net_pipe *p = container_of(tm, struct net_pipe, timer);
    struct net_conn *c = p->conn;
    struct weft__net *net = weft__net_get(weft__rt_current());
    weft_time now = net->rt->backend->now(net->rt);
    while (p->head && p->head->at <= now) {
        if (p->expired) {
            give_up(net, p);
            break;
        }
        const struct net_link *l = p->dst >= 0 && p->src >= 0 &&
                                           p->src != p->dst
                                       ? weft__net_link(net, p->src, p->dst)
                                       : NULL;
        if (l && l->cut) {
            dropped(net, p, now);
            continue;
        }
        if (l && l->clog_until > now) {
            hold(p, l->clog_until);
            break;
        }
        struct net_seg *s = p->head;
        if (s->kind == SEG_SYN && !syn_arrived(net, p)) {
            dropped(net, p, now);
            continue;
        }
        p->head = s->next;
        if (!p->head) p->tail = NULL;
        p->drops = 0;
        p->rto = 0;
        if (s->kind == SEG_SYN) {
            free(s); /* syn_arrived did what it brought */
        } else {
            arrive(net, p, s, c->end[1 - p->dir]);
        }
        if (!p->head) break;
    }
    arm(net, p);
    weft__conn_maybe_free(net, c);
}
