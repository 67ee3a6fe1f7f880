/* trace/net.c: the simulated network's records in words, for the dump
 * and the timeline (docs/TRACE-FORMAT.md "Network"). */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include "views.h"

bool view_net_kind(unsigned kind) {
    return kind >= WEFT_EV_NET_HOST && kind <= WEFT_EV_HOST_RESTART;
}

static const char *host(const struct model *m, unsigned id, char *buf,
                        size_t n) {
    if (id == WEFT_TRACE_NO_HOST || id == UINT32_MAX) {
        snprintf(buf, n, "(no host)");
        return buf;
    }
    return model_host_name(m, id, buf, n);
}

void view_net_describe(const struct model *m, const struct trace_event *e,
                       char *buf, size_t n) {
    char a[64], b[64];
    const char *s = trace_str(m->tf, e->str);
    uint32_t seg = (uint32_t)e->value;
    uint32_t len = (uint32_t)((uint64_t)e->value >> 32);
    host(m, e->aux, a, sizeof a);
    host(m, e->line, b, sizeof b);
    switch (e->kind) {
    case WEFT_EV_NET_HOST:
        snprintf(buf, n, "host %u: %s", e->aux, s);
        break;
    case WEFT_EV_NET_CONNECT: case WEFT_EV_NET_ACCEPT: case WEFT_EV_NET_RESET:
        snprintf(buf, n, "connection %u, %s -> %s", e->obj, a, b);
        break;
    case WEFT_EV_NET_SEND: case WEFT_EV_NET_DELIVER: case WEFT_EV_NET_DROP:
        snprintf(buf, n, "segment %" PRIu32 " (%" PRIu32 " B) of connection "
                 "%u, %s -> %s", seg, len, e->obj, a, b);
        break;
    case WEFT_EV_HOST_CRASH: case WEFT_EV_HOST_RESTART:
        snprintf(buf, n, "%s, incarnation %" PRId64, a, e->value);
        break;
    default: /* the faults between host sets */
        snprintf(buf, n, "%s", s);
        break;
    }
}
