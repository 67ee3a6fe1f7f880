/* sim/net_link.c: the links between hosts and the scripted faults on
 * them (docs/NETWORK.md "Links" and "Faults"). A link is one direction
 * between two hosts: its latency bounds, whether it is cut (partition),
 * clogged until some time, or slowed by a spike. The stream layer asks
 * it at each send and each delivery. */
#include "config.h"

#include <errno.h>

#include "net.h"

/* Eight latency steps between the bounds: a bounded choice, so DFS can
 * enumerate it and the default (0) is the fastest. */
#define LAT_STEPS 8

weft_time weft__net_latency(struct weft__net *net, int a, int b) {
    const struct net_link *l = weft__net_link(net, a, b);
    weft_time lo = a == b ? net->loop_min : net->lat_min;
    weft_time hi = a == b ? net->loop_max : net->lat_max;
    if (l->custom) {
        lo = l->lat_min;
        hi = l->lat_max;
    }
    size_t k = hi > lo ? weft__sim_decide(net->rt, WEFT__CHOICE_NET, LAT_STEPS)
                       : 0;
    weft_time lat = lo + (hi - lo) * (weft_time)k / (LAT_STEPS - 1);
    weft_time now = net->rt->backend->now(net->rt);
    if (l->spike_until > now) lat += l->spike_extra;
    return lat;
}

/* The two host sets a call names; both ways unless oneway. */
struct link_set {
    struct weft__net *net;
    uint64_t from, to;
    bool oneway;
};

static int parse_pair(const char *what, const char *from, const char *to,
                      bool oneway, struct link_set *ls) {
    struct weft__rt *rt = weft__task_current(what)->rt;
    ls->net = weft__net_get(rt);
    if (!ls->net) return rt->backend->sock->fd_base ? -ENOMEM : -ENOTSUP;
    ls->oneway = oneway;
    int rc = weft__net_hosts_parse(ls->net, from, &ls->from);
    if (!rc) rc = weft__net_hosts_parse(ls->net, to, &ls->to);
    return rc;
}

/* Calls fn on each link of the set (never a host to itself). */
static void each_link(const struct link_set *ls,
                      void (*fn)(struct net_link *l, const void *arg),
                      const void *arg) {
    for (size_t a = 0; a < ls->net->nhosts; a++) {
        for (size_t b = 0; b < ls->net->nhosts; b++) {
            if (a == b) continue;
            bool fwd = (ls->from >> a & 1) && (ls->to >> b & 1);
            bool back = !ls->oneway && (ls->to >> a & 1) && (ls->from >> b & 1);
            if (fwd || back) fn(&ls->net->links[a][b], arg);
        }
    }
}

static void cut(struct net_link *l, const void *arg) {
    l->cut = *(const bool *)arg;
}

int weft__net_partition(struct weft__net *net, uint64_t from, uint64_t to,
                        bool oneway, bool on) {
    struct link_set ls = {net, from, to, oneway};
    each_link(&ls, cut, &on);
    weft__net_trace_fault(net, on ? WEFT__NET_PARTITION : WEFT__NET_HEAL,
                          from, to);
    return 0;
}

int weft_sim_partition(const char *from, const char *to, bool oneway) {
    struct link_set ls;
    int rc = parse_pair("weft_sim_partition", from, to, oneway, &ls);
    return rc ? rc : weft__net_partition(ls.net, ls.from, ls.to, oneway, true);
}

int weft_sim_heal(const char *from, const char *to) {
    struct link_set ls;
    int rc = parse_pair("weft_sim_heal", from, to, false, &ls);
    return rc ? rc : weft__net_partition(ls.net, ls.from, ls.to, false, false);
}

static void set_clog(struct net_link *l, const void *arg) {
    weft_time until = *(const weft_time *)arg;
    if (until > l->clog_until) l->clog_until = until;
}

int weft__net_clog(struct weft__net *net, uint64_t from, uint64_t to,
                   weft_time duration) {
    struct link_set ls = {net, from, to, false};
    weft_time until = net->rt->backend->now(net->rt) + duration;
    each_link(&ls, set_clog, &until);
    weft__net_trace_fault(net, WEFT__NET_CLOG, from, to);
    return 0;
}

int weft_sim_clog(const char *from, const char *to, weft_time duration) {
    struct link_set ls;
    int rc = parse_pair("weft_sim_clog", from, to, false, &ls);
    if (!rc && duration < 0) rc = -EINVAL;
    return rc ? rc : weft__net_clog(ls.net, ls.from, ls.to, duration);
}

struct spike {
    weft_time until, extra;
};

static void set_spike(struct net_link *l, const void *arg) {
    const struct spike *sp = arg;
    l->spike_until = sp->until;
    l->spike_extra = sp->extra;
}

int weft__net_spike(struct weft__net *net, uint64_t from, uint64_t to,
                    weft_time extra, weft_time duration) {
    struct link_set ls = {net, from, to, false};
    struct spike sp = {net->rt->backend->now(net->rt) + duration, extra};
    each_link(&ls, set_spike, &sp);
    weft__net_trace_fault(net, WEFT__NET_SPIKE, from, to);
    return 0;
}

int weft_sim_spike(const char *from, const char *to, weft_time extra,
                   weft_time duration) {
    struct link_set ls;
    int rc = parse_pair("weft_sim_spike", from, to, false, &ls);
    if (!rc && (extra < 0 || duration < 0)) rc = -EINVAL;
    return rc ? rc : weft__net_spike(ls.net, ls.from, ls.to, extra, duration);
}

static void bounds(struct net_link *l, const void *arg) {
    const weft_time *b = arg;
    l->lat_min = b[0];
    l->lat_max = b[1];
    l->custom = true;
}

int weft_sim_latency(const char *from, const char *to, weft_time min,
                     weft_time max) {
    struct link_set ls;
    int rc = parse_pair("weft_sim_latency", from, to, false, &ls);
    if (rc) return rc;
    if (min < 0 || max < min || max > 3600 * WEFT_SEC) return -EINVAL;
    weft_time b[2] = {min, max};
    each_link(&ls, bounds, b);
    return 0;
}

int weft_sim_reset(const char *a, const char *b) {
    struct link_set ls;
    int rc = parse_pair("weft_sim_reset", a, b, false, &ls);
    if (!rc) weft__net_reset_between(ls.net, ls.from, ls.to);
    return rc;
}
