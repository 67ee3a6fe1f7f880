/* sim/net_trace.c: the network's trace records (docs/TRACE-FORMAT.md
 * "Network"): which task is a host's supervisor (so a viewer groups the
 * host's tasks), each segment sent, delivered or dropped (so a viewer
 * draws it as an arrow), connections, resets, and the faults. */
#include "config.h"

#include <stdio.h>

#include "net.h"
#include "trace.h"

static const int kinds[] = {
    [WEFT__NET_CONNECT] = WEFT_EV_NET_CONNECT,
    [WEFT__NET_ACCEPT] = WEFT_EV_NET_ACCEPT,
    [WEFT__NET_SEND] = WEFT_EV_NET_SEND,
    [WEFT__NET_DELIVER] = WEFT_EV_NET_DELIVER,
    [WEFT__NET_DROP] = WEFT_EV_NET_DROP,
    [WEFT__NET_RESET] = WEFT_EV_NET_RESET,
    [WEFT__NET_PARTITION] = WEFT_EV_NET_PARTITION,
    [WEFT__NET_HEAL] = WEFT_EV_NET_HEAL,
    [WEFT__NET_CLOG] = WEFT_EV_NET_CLOG,
    [WEFT__NET_SPIKE] = WEFT_EV_NET_SPIKE,
    [WEFT__NET_CRASH] = WEFT_EV_HOST_CRASH,
    [WEFT__NET_RESTART] = WEFT_EV_HOST_RESTART,
    [WEFT__NET_HOST] = WEFT_EV_NET_HOST,
};

static uint16_t host_field(int h) {
    return h < 0 ? WEFT_TRACE_NO_HOST : (uint16_t)h;
}

void weft__net_trace_host(struct weft__net *net, const struct net_host *h,
                          int kind) {
    char text[96];
    snprintf(text, sizeof text, "%s", h->name);
    if (kind == WEFT__NET_HOST) {
        char addr[64];
        weft__net_addr_format(&h->addr, addr, sizeof addr);
        snprintf(text, sizeof text, "%s %s", h->name, addr);
    }
    struct weft__trace_net n = {.host = host_field(h->id), .to = -1,
                                .value = h->incarnation, .text = text};
    weft__trace_net(net->rt, kinds[kind], &n);
}

/* "a,b": the names of the hosts in bits. */
static void names(const struct weft__net *net, uint64_t bits, char *buf,
                  size_t n) {
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < net->nhosts && len < n; i++) {
        if (!(bits >> i & 1)) continue;
        len += (size_t)snprintf(buf + len, n - len, "%s%s", len ? "," : "",
                                net->hosts[i]->name);
    }
}

void weft__net_trace_fault(struct weft__net *net, int kind, uint64_t from,
                           uint64_t to) {
    if (!WEFT__TRACING(net->rt)) return; /* spares the names */
    char a[128], b[128], text[272];
    names(net, from, a, sizeof a);
    names(net, to, b, sizeof b);
    snprintf(text, sizeof text, "%s -> %s", a, b);
    struct weft__trace_net n = {.host = WEFT_TRACE_NO_HOST, .to = -1,
                                .value = from, .text = text};
    weft__trace_net(net->rt, kinds[kind], &n);
}

void weft__net_trace_seg(struct weft__net *net, int kind, uint64_t conn,
                         uint64_t seg, int a, int b, size_t len) {
    struct weft__trace_net n = {
        .host = host_field(a),
        .conn = (uint32_t)conn,
        .to = b,
        .value = (uint32_t)seg | (uint64_t)(uint32_t)len << 32,
    };
    weft__trace_net(net->rt, kinds[kind], &n);
}
