/* sim/net_host.c: the simulated hosts (docs/NETWORK.md "Hosts"). A host
 * is a name, an address and a task tree: a supervisor task in the
 * caller's group runs the host's main in a group of its own, and every
 * task spawned below inherits the host (weft__task.host). A crash closes
 * the host's sockets and cancels that group; a restart runs main again,
 * on the same durable state, once the old tree has ended. Host 0 is the
 * implicit host "local", made with the network. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cancel.h"
#include "net.h"
#include "weft/task.h"

static struct net_host *host_new(struct weft__net *net, const char *name) {
    struct net_host *h = calloc(1, sizeof *h);
    if (!h) return NULL;
    h->id = (int)net->nhosts;
    snprintf(h->name, sizeof h->name, "%s", name);
    h->up = true;
    h->incarnation = 1;
    h->next_port = 40000;
    weft__waitq_init(&h->restart_q, "host restart", h, NULL);
    net->hosts[net->nhosts++] = h;
    return h;
}

/* Loopback between hosts is quick; the defaults are in docs/NETWORK.md. */
struct weft__net *weft__net_new(struct weft__rt *rt) {
    struct weft__net *net = calloc(1, sizeof *net);
    if (!net) return NULL;
    net->rt = rt;
    net->lat_min = 100 * WEFT_USEC;
    net->lat_max = 2 * WEFT_MSEC;
    net->loop_min = 5 * WEFT_USEC;
    net->loop_max = 40 * WEFT_USEC;
    /* The fault timer's slot in the timer heap, for the whole run. */
    if (weft__timers_reserve(&rt->timers, 1)) {
        free(net);
        return NULL;
    }
    if (!host_new(net, "local")) {
        weft__timers_release(&rt->timers, 1);
        free(net);
        return NULL;
    }
    weft__net_faults_start(net);
    return net;
}

struct net_host *weft__net_self(struct weft__net *net) {
    const struct weft__task *t = net->rt->current;
    struct net_host *h = t ? t->host : NULL;
    return h ? h : net->hosts[WEFT__NET_LOCAL];
}

int weft__net_addr_parse(const char *text, struct net_addr *a) {
    memset(a, 0, sizeof *a);
    if (!text) return -EINVAL;
    if (inet_pton(AF_INET, text, a->bytes) == 1) {
        a->family = AF_INET;
        return 0;
    }
    if (inet_pton(AF_INET6, text, a->bytes) == 1) {
        a->family = AF_INET6;
        return 0;
    }
    return -EINVAL;
}

void weft__net_addr_format(const struct net_addr *a, char *buf, size_t n) {
    if (!a->family || !inet_ntop(a->family, a->bytes, buf, (socklen_t)n)) {
        snprintf(buf, n, "-");
    }
}

static bool is_loopback(const struct net_addr *a) {
    static const uint8_t v6[16] = {[15] = 1};
    if (a->family == AF_INET) return a->bytes[0] == 127;
    return !memcmp(a->bytes, v6, 16);
}

struct net_host *weft__net_route(struct weft__net *net,
                                 const struct net_host *from,
                                 const struct net_addr *a) {
    if (is_loopback(a)) return net->hosts[from->id];
    for (size_t i = 1; i < net->nhosts; i++) {
        const struct net_addr *h = &net->hosts[i]->addr;
        if (h->family == a->family && !memcmp(h->bytes, a->bytes, 16)) {
            return net->hosts[i];
        }
    }
    return NULL;
}

static struct net_host *by_name(struct weft__net *net, const char *name,
                                size_t len) {
    for (size_t i = 0; i < net->nhosts; i++) {
        const char *n = net->hosts[i]->name;
        if (strlen(n) == len && !strncmp(n, name, len)) return net->hosts[i];
    }
    return NULL;
}

int weft__net_hosts_parse(struct weft__net *net, const char *list,
                          uint64_t *bits) {
    *bits = 0;
    if (!list || !*list) return -EINVAL;
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, ",");
        if (len == 1 && *p == '*') {
            *bits |= net->nhosts == 64 ? ~UINT64_C(0)
                                       : (UINT64_C(1) << net->nhosts) - 1;
        } else {
            struct net_host *h = by_name(net, p, len);
            if (!h) return len ? -ENOENT : -EINVAL;
            *bits |= UINT64_C(1) << h->id;
        }
        p += len;
        if (*p == ',') p++;
    }
    return 0;
}

/* One incarnation: main in a group of its own, until it ends or the
 * crash's cancellation has unwound it. */
static void run_incarnation(struct net_host *h) {
    weft_group tree;
    weft_group_init(&tree);
    h->tree = &tree;
    int rc = weft_spawn(&tree, h->name, h->main, h->durable);
    if (rc) weft_group_cancel(&tree);
    weft_group_join(&tree);
    weft_group_destroy(&tree);
    h->tree = NULL;
}

/* The supervisor: runs incarnations while crashes are followed by
 * restarts; parks while the host is down. */
static int supervise(void *arg) {
    struct net_host *h = arg;
    struct weft__net *net = weft__net_get(weft__rt_current());
    weft__task_current("host")->host = h;
    weft__net_trace_host(net, h, WEFT__NET_HOST);
    for (;;) {
        run_incarnation(h);
        /* Every task of the incarnation ended: its fds are free. */
        weft__net_close_host(net, h->id, false);
        if (h->up) return 0; /* main returned: the process exited */
        if (!h->restart_wanted) {
            struct weft__wait w;
            int rc = weft__park(&h->restart_q, &w, WEFT_NEVER, 0);
            if (rc == -ECANCELED) return 0;
        }
        h->restart_wanted = false;
        h->up = true;
        h->incarnation++;
        weft__net_trace_host(net, h, WEFT__NET_RESTART);
    }
}

static int check_name(const char *name) {
    size_t len = name ? strlen(name) : 0;
    if (!len || len >= sizeof(((struct net_host *)0)->name)) return -EINVAL;
    if (strpbrk(name, ",*") || !strcmp(name, "local")) return -EINVAL;
    return 0;
}

int weft_sim_host_spawn(weft_group *g, const char *name, const char *addr,
                        int (*main)(void *), void *durable) {
    struct weft__rt *rt = weft__task_current("weft_sim_host_spawn")->rt;
    struct weft__net *net = weft__net_get(rt);
    if (!net) return rt->backend->sock->fd_base ? -ENOMEM : -ENOTSUP;
    struct net_addr a;
    if (check_name(name) || !main || weft__net_addr_parse(addr, &a)) {
        return -EINVAL;
    }
    if (by_name(net, name, strlen(name))) return -EEXIST;
    if (is_loopback(&a) || weft__net_route(net, net->hosts[0], &a)) {
        return -EADDRINUSE;
    }
    if (net->nhosts == WEFT_SIM_MAX_HOSTS) return -ENOSPC;
    struct net_host *h = host_new(net, name);
    if (!h) return -ENOMEM;
    h->addr = a;
    h->main = main;
    h->durable = durable;
    int rc = weft_spawn(g, h->name, supervise, h);
    if (rc) free(net->hosts[--net->nhosts]);
    return rc;
}

const char *weft_sim_host_name(void) {
    struct weft__rt *rt = weft__rt_current();
    struct weft__net *net = rt ? weft__net_get(rt) : NULL;
    return net ? weft__net_self(net)->name : NULL;
}

int weft__net_crash(struct weft__net *net, struct net_host *h) {
    if (h->id == WEFT__NET_LOCAL) return -EINVAL;
    if (!h->up) return -EALREADY;
    h->up = false;
    weft__net_trace_host(net, h, WEFT__NET_CRASH);
    weft__net_close_host(net, h->id, true);
    if (h->tree) weft__scope_cancel(&h->tree->scope, WEFT__CANCEL_EXPLICIT);
    return 0;
}

int weft__net_restart(struct weft__net *net, struct net_host *h) {
    (void)net;
    if (h->up || h->restart_wanted) return -EALREADY;
    h->restart_wanted = true;
    weft__wake_first(&h->restart_q, 0);
    return 0;
}

/* The one host a public call names. */
static int one_host(const char *what, const char *name,
                    struct weft__net **net, struct net_host **h) {
    struct weft__rt *rt = weft__task_current(what)->rt;
    *net = weft__net_get(rt);
    if (!*net) return rt->backend->sock->fd_base ? -ENOMEM : -ENOTSUP;
    if (!name || !*name || strchr(name, ',') || !strcmp(name, "*")) {
        return -EINVAL;
    }
    *h = by_name(*net, name, strlen(name));
    return *h ? 0 : -ENOENT;
}

int weft_sim_crash(const char *host) {
    struct weft__net *net;
    struct net_host *h;
    int rc = one_host("weft_sim_crash", host, &net, &h);
    return rc ? rc : weft__net_crash(net, h);
}

int weft_sim_restart(const char *host) {
    struct weft__net *net;
    struct net_host *h;
    int rc = one_host("weft_sim_restart", host, &net, &h);
    return rc ? rc : weft__net_restart(net, h);
}

void weft__net_free(struct weft__net *net) {
    weft__net_socks_free(net);
    if (net->fault_timer.armed) weft__timer_disarm(net->rt, &net->fault_timer);
    weft__timers_release(&net->rt->timers, 1);
    for (size_t i = 0; i < net->nhosts; i++) free(net->hosts[i]);
    free(net);
}
