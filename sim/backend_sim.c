/* sim/backend_sim.c: the simulator backend. A virtual clock that only
 * moves when no task can run (it jumps to the next timer, trio's
 * autojump), and a strategy that makes every scheduling choice (next
 * task, timer ties, run_sync delays, the network's latencies and
 * faults) from the run's seed, each appended
 * to the run's decision log. Nothing here reads the real clock or real
 * randomness; weft_random is a stream of its own. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "buggify.h"
#include "conf.h"
#include "decision.h"
#include "net.h"
#include "prng.h"
#include "report.h"
#include "sched.h"
#include "serve.h"
#include "strategy.h"
#include "thread.h"

struct sim_state {
    weft_time now;
    const struct weft__strategy_ops *strategy;
    void *strategy_run;             /* owned by the strategy */
    const char *spec;               /* the strategy string (borrowed) */
    struct weft__run_report *report; /* borrowed: the explorer's, or NULL */
    uint64_t nchoices;              /* choices made so far */
    uint64_t nfaults;               /* fault choices among them */
    struct weft__net *net;          /* owned: the network, on demand */
};

static struct sim_state *state_of(struct weft__rt *rt) {
    return rt->backend_state;
}

/* The bounds an explorer asked for become the scheduler's limits. */
static void apply_report(struct weft__rt *rt, struct sim_state *s,
                         struct weft__run_report *r) {
    s->report = r;
    if (!r) return;
    r->ran = true;
    r->seed = rt->cfg->seed;
    snprintf(r->strategy, sizeof r->strategy, "%s", s->spec);
    if (r->step_limit) rt->step_limit = r->step_limit;
    if (r->time_limit) rt->time_limit = r->time_limit;
}

static int sim_init(struct weft__rt *rt, const weft_config *cfg) {
    struct sim_state *s = calloc(1, sizeof *s);
    if (!s) return -ENOMEM;
    const char *params;
    /* The name and parameters were checked with the rest of the
     * configuration (src/conf.c), whichever the backend. */
    s->spec = cfg->strategy ? cfg->strategy : "random";
    s->strategy = weft__strategy_find(s->spec, &params);
    weft__assert(s->strategy);
    int rc = s->strategy->init(&s->strategy_run, cfg->seed, params);
    if (rc) {
        weft__assert(rc == -ENOMEM);
        free(s);
        return rc;
    }
    rt->backend_state = s;
    weft__buggify_begin(cfg->seed, cfg->buggify);
    apply_report(rt, s, weft__report_begin());
    return 0;
}

static void sim_fini(struct weft__rt *rt) {
    struct sim_state *s = state_of(rt);
    if (s->net) weft__net_free(s->net);
    s->strategy->fini(s->strategy_run);
    weft__buggify_end();
    free(s);
}

static weft_time sim_now(struct weft__rt *rt) { return state_of(rt)->now; }

/* Asks the strategy and logs the answer (when an explorer listens). */
static size_t decide(struct sim_state *s, struct weft__choice *c) {
    c->step = s->nchoices++;
    if (c->kind == WEFT__CHOICE_FAULT) c->fstep = s->nfaults++;
    size_t k = s->strategy->choose(s->strategy_run, c);
    weft__assert(k < c->n);
    /* A network or fault choice off its calm default counts as a
     * preemption does: dfs:B bounds both together, and shrinking seeks
     * the fewest of both. */
    bool counted = (c->kind == WEFT__CHOICE_TASK && c->stay < c->n) ||
                   c->kind == WEFT__CHOICE_NET ||
                   c->kind == WEFT__CHOICE_FAULT;
    struct weft__decision d = {
        .n = (uint32_t)c->n,
        .pick = (uint32_t)k,
        .base = (uint32_t)weft__choice_default(c),
        .kind = (uint8_t)c->kind,
        .stay = counted,
        .preempt = counted && k != weft__choice_default(c),
    };
    if (s->report && !weft__dlog_push(&s->report->log, &d)) {
        s->report->log_lost = true;
    }
    return k;
}

size_t weft__sim_decide(struct weft__rt *rt, int kind, size_t n) {
    struct weft__choice c = {.kind = (enum weft__choice_kind)kind, .n = n,
                             .stay = n};
    return decide(state_of(rt), &c);
}

struct weft__net *weft__net_get(struct weft__rt *rt) {
    if (rt->backend != &weft__backend_sim) return NULL;
    struct sim_state *s = state_of(rt);
    if (!s->net) s->net = weft__net_new(rt);
    return s->net;
}

static uint64_t runq_id(const struct weft__choice *c, size_t i) {
    const struct weft__rt *rt = c->ctx;
    return rt->runq[(rt->runq_head + i) & (rt->runq_cap - 1)]->id;
}

static size_t sim_pick_next(struct weft__rt *rt, size_t n) {
    struct weft__choice c = {.kind = WEFT__CHOICE_TASK, .n = n,
                             .id = runq_id, .ctx = rt,
                             .last_id = rt->last_id,
                             .left = (enum weft__left)rt->last_left,
                             .stay = n};
    if (c.left == WEFT__LEFT_POINT || c.left == WEFT__LEFT_YIELD) {
        /* it went to the back of the queue: search from there */
        for (size_t i = n; i-- > 0;) {
            if (runq_id(&c, i) == rt->last_id) {
                c.stay = i;
                break;
            }
        }
    }
    return decide(state_of(rt), &c);
}

static size_t sim_timer_tie(struct weft__rt *rt, size_t n) {
    struct weft__choice c = {.kind = WEFT__CHOICE_TIMER, .n = n, .stay = n};
    return decide(state_of(rt), &c);
}

static void sim_wait_external(struct weft__rt *rt, weft_time deadline) {
    struct sim_state *s = state_of(rt);
    if (deadline != WEFT_NEVER && deadline > s->now) s->now = deadline;
}

static void sim_wake_from_thread(struct weft__rt *rt) {
    (void)rt; /* offloaded work runs inline under sim */
}

static void job_timer_fire(struct weft__timer *tm) {
    struct weft__job *j = container_of(tm, struct weft__job, timer);
    weft__timers_release(&j->rt->timers, 1);
    weft__job_done(j);
}

/* The virtual delays a run_sync job may take under sim: a bounded
 * choice, so DFS enumerates them and replay follows them. */
static const weft_time delays[] = {1 * WEFT_USEC, 10 * WEFT_USEC,
                                   100 * WEFT_USEC, 1 * WEFT_MSEC};

/* run_sync under sim: fn runs now, on the caller's stack but outside the
 * runtime (as on a worker thread: weft calls in it are misuse under both
 * backends), and its completion is a timer one of `delays` ahead, chosen
 * by the strategy so that it replays and its order is explored. */
static int sim_offload(struct weft__rt *rt, struct weft__job *j) {
    struct sim_state *s = state_of(rt);
    int rc = weft__timers_reserve(&rt->timers, 1); /* its completion's */
    if (rc) return rc;
    weft__tls_rt = NULL;
    j->result = j->fn(j->arg);
    weft__tls_rt = rt;
    struct weft__choice c = {.kind = WEFT__CHOICE_DELAY,
                             .n = sizeof delays / sizeof delays[0]};
    c.stay = c.n;
    weft__timer_arm(rt, &j->timer, s->now + delays[decide(s, &c)],
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
    return weft__config_refuse(name, value, true, weft__strategy_names());
}

static void sim_run_end(struct weft__rt *rt, int rc) {
    struct sim_state *s = state_of(rt);
    struct weft__run_report *r = s->report;
    if (!r) return;
    r->rc = rc;
    r->nleaks = weft_leaks(NULL, 0);
    r->log.steps = rt->steps;
    if (rc == -ELOOP && r->kind == WEFT_FAILURE_NONE) {
        r->kind = WEFT_FAILURE_LIVELOCK;
        snprintf(r->message, sizeof r->message,
                 "no end after %llu steps, virtual time %.3f s",
                 (unsigned long long)rt->steps, (double)s->now / WEFT_SEC);
    }
    weft__report_end(r);
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
    .io_start = weft__net_io_start,
    .io_stop = weft__net_io_stop,
    .timer_tie = sim_timer_tie,
    .run_end = sim_run_end,
    .before_run = weft__serve,
    .random_seed = sim_random_seed,
    .sched_points = true,
    .sock = &weft__sock_sim,
};
