/* sim/net_fault.c: seed-chosen faults (docs/NETWORK.md "Faults chosen
 * by the seed"). When enabled (weft_sim_faults, WEFT_SIM_FAULTS), a timer
 * ticks every `fault_every` of virtual time and asks the strategy: a
 * fault now or not (0: not), which kind, which host, and for how long
 * (all four every tick, the last three used only for a fault).
 * Every answer is a FAULT decision: logged, replayed, shrunk (toward no
 * fault) and enumerated as any other. A partition isolates the host
 * until its heal time; a crash restarts it at its restart time. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"

#define FAULT_MAP(X)            \
    X(PARTITION, "partition")   \
    X(CLOG, "clog")             \
    X(SPIKE, "spike")           \
    X(RESET, "reset")           \
    X(CRASH, "crash")

enum {
#define ENUM(id, name) FAULT_##id,
    FAULT_MAP(ENUM)
#undef ENUM
    FAULT_COUNT
};

static const char *const fault_names[] = {
#define NAME(id, name) name,
    FAULT_MAP(NAME)
#undef NAME
};

/* How long a fault lasts, in ticks: a decision among these. */
static const unsigned fault_ticks[] = {1, 2, 5};

static int parse_kind(const char *p, size_t len, unsigned *bits) {
    if (len == 3 && !strncmp(p, "all", 3)) {
        *bits = (1u << FAULT_COUNT) - 1;
        return 0;
    }
    if (len == 3 && !strncmp(p, "off", 3)) return 0;
    for (int i = 0; i < FAULT_COUNT; i++) {
        if (strlen(fault_names[i]) == len && !strncmp(p, fault_names[i], len)) {
            *bits |= 1u << i;
            return 0;
        }
    }
    return -EINVAL;
}

/* "kind,kind[/MS]": 0 with *bits and *every, or -EINVAL. */
static int parse(const char *spec, unsigned *bits, weft_time *every) {
    *bits = 0;
    *every = WEFT_SEC;
    if (!spec || !*spec) return -EINVAL;
    const char *slash = strchr(spec, '/');
    size_t end = slash ? (size_t)(slash - spec) : strlen(spec);
    for (size_t i = 0; i < end;) {
        size_t len = strcspn(spec + i, ",/");
        if (!len || parse_kind(spec + i, len, bits)) return -EINVAL;
        i += len + (spec[i + len] == ',');
    }
    if (!slash) return 0;
    char *e;
    unsigned long ms = strtoul(slash + 1, &e, 10);
    if (e == slash + 1 || *e || ms == 0 || ms > 3600000) return -EINVAL;
    *every = (weft_time)ms * WEFT_MSEC;
    return 0;
}

static size_t decide(struct weft__net *net, size_t n) {
    return n < 2 ? 0 : weft__sim_decide(net->rt, WEFT__CHOICE_FAULT, n);
}

/* Faults that ended by now are undone: partitions healed, crashed hosts
 * restarted. */
static void expire(struct weft__net *net, weft_time now) {
    for (size_t h = 1; h < net->nhosts; h++) {
        uint64_t bit = UINT64_C(1) << h;
        uint64_t rest = ((net->nhosts == 64 ? 0 : UINT64_C(1) << net->nhosts)
                         - 1) & ~bit;
        if (net->heal_at[h] && net->heal_at[h] <= now) {
            net->heal_at[h] = 0;
            weft__net_partition(net, bit, rest, false, false);
        }
        if (net->restart_at[h] && net->restart_at[h] <= now) {
            net->restart_at[h] = 0;
            weft__net_restart(net, net->hosts[h]);
        }
    }
}

/* Every tick makes the same choices, a fault or not, so that the k-th
 * fault choice of a run is the same question whatever the choices
 * around it (the "f" pairs of a schedule, sim/decision.h). */
static void inject(struct weft__net *net, weft_time now) {
    int enabled[FAULT_COUNT];
    size_t n = 0;
    for (int i = 0; i < FAULT_COUNT; i++) {
        if (net->faults >> i & 1) enabled[n++] = i;
    }
    bool now_one = decide(net, 2);
    int kind = enabled[decide(net, n)];
    size_t h = 1 + decide(net, net->nhosts - 1);
    weft_time lasts = fault_ticks[decide(net, 3)] * net->fault_every;
    if (!now_one) return;
    uint64_t bit = UINT64_C(1) << h;
    uint64_t rest = ((net->nhosts == 64 ? 0 : UINT64_C(1) << net->nhosts) - 1)
                    & ~bit;
    switch (kind) {
    case FAULT_PARTITION:
        weft__net_partition(net, bit, rest, false, true);
        net->heal_at[h] = now + lasts;
        break;
    case FAULT_CLOG:
        weft__net_clog(net, bit, rest, lasts);
        break;
    case FAULT_SPIKE:
        weft__net_spike(net, bit, rest, 50 * WEFT_MSEC, lasts);
        break;
    case FAULT_RESET:
        weft__net_reset_between(net, bit, rest);
        break;
    case FAULT_CRASH:
        if (!weft__net_crash(net, net->hosts[h])) {
            net->restart_at[h] = now + lasts;
        }
        break;
    }
}

static void tick(struct weft__timer *tm) {
    struct weft__net *net = container_of(tm, struct weft__net, fault_timer);
    weft_time now = net->rt->backend->now(net->rt);
    expire(net, now);
    if (net->faults && net->nhosts > 1) inject(net, now);
    if (net->faults) {
        weft__timer_arm(net->rt, tm, now + net->fault_every, tick);
    }
}

static void start(struct weft__net *net) {
    if (net->faults && !net->fault_timer.armed) {
        weft_time now = net->rt->backend->now(net->rt);
        weft__timer_arm(net->rt, &net->fault_timer, now + net->fault_every,
                        tick);
    }
}

void weft__net_faults_start(struct weft__net *net) {
    const char *env = getenv("WEFT_SIM_FAULTS");
    if (!env) return;
    if (parse(env, &net->faults, &net->fault_every)) {
        fprintf(stderr, "weft: WEFT_SIM_FAULTS=%s ignored: want a list of "
                        "partition, clog, spike, reset, crash (or all, off), "
                        "optionally /MS (docs/NETWORK.md)\n", env);
        net->faults = 0;
        return;
    }
    start(net);
}

int weft_sim_faults(const char *spec) {
    struct weft__rt *rt = weft__task_current("weft_sim_faults")->rt;
    struct weft__net *net = weft__net_get(rt);
    if (!net) return rt->backend->sock->fd_base ? -ENOMEM : -ENOTSUP;
    unsigned bits;
    weft_time every;
    if (parse(spec, &bits, &every)) {
        fprintf(stderr, "weft: weft_sim_faults(\"%s\"): want a list of "
                        "partition, clog, spike, reset, crash (or all, off), "
                        "optionally /MS\n", spec ? spec : "(null)");
        return -EINVAL;
    }
    net->faults = bits;
    net->fault_every = every;
    if (!bits && net->fault_timer.armed) {
        weft__timer_disarm(rt, &net->fault_timer);
    }
    start(net);
    return 0;
}
