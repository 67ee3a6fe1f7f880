/* sim/net_trace.c: the network's trace events (docs/TRACE-FORMAT.md
 * "Network"). */
#include "config.h"

#include "net.h"

void weft__net_trace_host(struct weft__net *net, const struct net_host *h,
                          int kind) {
    (void)net;
    (void)h;
    (void)kind;
}

void weft__net_trace_fault(struct weft__net *net, int kind, uint64_t from,
                           uint64_t to) {
    (void)net;
    (void)kind;
    (void)from;
    (void)to;
}

void weft__net_trace_seg(struct weft__net *net, int kind, uint64_t conn,
                         uint64_t seg, int a, int b, size_t len) {
    (void)net;
    (void)kind;
    (void)conn;
    (void)seg;
    (void)a;
    (void)b;
    (void)len;
}
