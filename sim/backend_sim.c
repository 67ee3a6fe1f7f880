/* sim/backend_sim.c: the simulator backend. A virtual clock that only
 * moves when no task can run (it jumps to the next timer, trio's
 * autojump), and a strategy that makes every scheduling choice from the
 * run's seed. Nothing here reads the real clock or real randomness. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "conf.h"
#include "prng.h"
#include "sched.h"
#include "strategy.h"
#include "thread.h"

struct sim_state {
    weft_time now;
    const struct weft__strategy_ops *strategy;
    void *strategy_state; /* owned by the strategy */
    bool io_warned;       /* the -ENOTSUP of I/O was explained */
};

static struct sim_state *state_of(struct weft__rt *rt) {
    return rt->backend_state;
}

static int sim_init(struct weft__rt *rt, const weft_config *cfg) {
    struct sim_state *s = calloc(1, sizeof *s);
    if (!s) return -ENOMEM;
    const char *params;
    /* The name and parameters were checked with the rest of the
     * configuration (src/conf.c), whichever the backend. */
    s->strategy = weft__strategy_find(cfg->strategy ? cfg->strategy : "random",
                                      &params);
    weft__assert(s->strategy);
    int rc = s->strategy->init(&s->strategy_state, cfg->seed, params);
    if (rc) {
        weft__assert(rc == -ENOMEM);
        free(s);
        return rc;
    }
    rt->backend_state = s;
    return 0;
}

static void sim_fini(struct weft__rt *rt) {
    struct sim_state *s = state_of(rt);
    s->strategy->fini(s->strategy_state);
    free(s);
}

static weft_time sim_now(struct weft__rt *rt) { return state_of(rt)->now; }

static size_t sim_pick_next(struct weft__rt *rt, size_t n) {
    struct sim_state *s = state_of(rt);
    return s->strategy->choose(s->strategy_state, n);
}

static void sim_wait_external(struct weft__rt *rt, weft_time deadline) {
    struct sim_state *s = state_of(rt);
    if (deadline != WEFT_NEVER && deadline > s->now) s->now = deadline;
}

static void sim_wake_from_thread(struct weft__rt *rt) {
    (void)rt; /* offloaded work runs inline under sim */
}

static void job_timer_fire(struct weft__timer *tm) {
    weft__job_done(container_of(tm, struct weft__job, timer));
}

/* run_sync under sim: fn runs now, on the caller's stack but outside the
 * runtime (as on a worker thread: weft calls in it are misuse under both
 * backends), and its completion is a timer 1 us to 1 ms ahead, drawn
 * from the strategy so that it replays and its order is explored. */
static int sim_offload(struct weft__rt *rt, struct weft__job *j) {
    struct sim_state *s = state_of(rt);
    weft__tls_rt = NULL;
    j->result = j->fn(j->arg);
    weft__tls_rt = rt;
    uint64_t us = s->strategy->draw(s->strategy_state) % 1000 + 1;
    weft__timer_arm(rt, &j->timer, s->now + (weft_time)us * WEFT_USEC,
                    job_timer_fire);
    return 0;
}

/* "name" or "name:params": a strategy that accepts those parameters,
 * checked by setting one up. */
static int sim_check_config(const char *key, const char *name,
                            const char *value) {
    if (strcmp(key, "strategy")) return 0;
    const char *params;
    const struct weft__strategy_ops *st = weft__strategy_find(value, &params);
    void *state;
    int rc = st ? st->init(&state, 0, params) : -EINVAL;
    if (rc == 0) st->fini(state);
    if (rc != -EINVAL) return rc;
    return weft__config_refuse(name, value, true, weft__strategy_names() + 1);
}

/* Until the simulated network exists, nothing under sim touches a real
 * fd: a watcher cannot start. Said once per run. */
static int sim_io_start(struct weft__rt *rt, struct weft__io *w) {
    (void)w;
    struct sim_state *s = state_of(rt);
    if (!s->io_warned) {
        s->io_warned = true;
        fprintf(stderr, "weft: I/O on file descriptors is not simulated yet: "
                        "under WEFT_BACKEND=sim weft_fd_wait, weft_read, "
                        "weft_write, weft_tcp_* and weft_signal_wait return "
                        "-ENOTSUP (docs/IO.md)\n");
    }
    return -ENOTSUP;
}

static void sim_io_stop(struct weft__rt *rt, struct weft__io *w) {
    (void)rt;
    (void)w;
}

static uint64_t sim_timer_tiebreak(struct weft__rt *rt) {
    struct sim_state *s = state_of(rt);
    return s->strategy->draw(s->strategy_state);
}

static uint64_t sim_random_seed(struct weft__rt *rt) {
    /* A stream of its own, so user draws do not shift scheduling. */
    uint64_t x = rt->cfg->seed ^ UINT64_C(0x5745465455534552);
    return weft__splitmix64(&x);
}

const struct weft__backend_ops weft__backend_sim = {
    .name = "sim",
    .init = sim_init,
    .fini = sim_fini,
    .now = sim_now,
    .now_coarse = sim_now,
    .check_config = sim_check_config,
    .pick_next = sim_pick_next,
    .fifo = false,
    .wait_external = sim_wait_external,
    .wake_from_thread = sim_wake_from_thread,
    .offload = sim_offload,
    .io_start = sim_io_start,
    .io_stop = sim_io_stop,
    .timer_tiebreak = sim_timer_tiebreak,
    .random_seed = sim_random_seed,
    .sched_points = true,
};
