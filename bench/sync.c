/* bench/sync.c: the cost of the synchronisation primitives and queues
 * (weft/sync.h, weft/queue.h) through the public API (libweft.la), all
 * under the real backend (epoll), leak tracking on (the default) unless
 * a row says otherwise.
 *
 *   lock         one task: weft_lock_acquire + weft_lock_release, no
 *                other task: ns per pair (and try_acquire + release)
 *   sem          the same with a weft_sem of value 1, max 1
 *   limiter      the same with a weft_limiter of 1 token
 *   queue        two tasks, two rendezvous queues (capacity 0, 8-byte
 *                items): ping puts, pong gets and puts back, ping gets
 *                (libdill's perf/chan.c): ns per message, a round trip
 *                being two messages
 *   event        two tasks hand control back and forth through events:
 *                an event is set once and never cleared, so each hand-off
 *                uses a fresh one (init, wait, set, destroy): ns per
 *                hand-off (set + wait)
 *   leak         the queue ping-pong, spawn+join (groups of 1,000) and
 *                the event hand-off with weft_config.track_leaks on and
 *                off, one runtime per sample (the fastest of 5 timed runs
 *                after a warm-up); runtimes alternate on, off, off, on,
 *                ... and each sample is paired with its neighbour: the
 *                overhead is the median of the pairs' on / off - 1 (its
 *                min column: fastest on / fastest off - 1)
 *
 * Python (AnyIO, trio) baselines come from bench/run.sh through
 * WEFT_BENCH_BASELINES. Goals: docs/PERFORMANCE.md. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <weft.h>

#include "harness.h"
#include "workloads.h"

#define LOCK_OPS ((size_t)2000000)
#define QUEUE_MSGS ((size_t)1000000)
#define EVENT_OPS ((size_t)1000000)
#define SPAWN_OPS ((size_t)100 * BENCH_SPAWN_GROUP)
#define REPEATS 15

/* ---- uncontended acquire + release in one task ---- */

static void lock_loop(void *ctx, size_t n) {
    weft_lock *lk = ctx;
    for (size_t i = 0; i < n; i++) {
        bench_check(weft_lock_acquire(lk), "weft_lock_acquire");
        bench_check(weft_lock_release(lk), "weft_lock_release");
    }
}

static void lock_try_loop(void *ctx, size_t n) {
    weft_lock *lk = ctx;
    for (size_t i = 0; i < n; i++) {
        bench_check(weft_lock_try_acquire(lk), "weft_lock_try_acquire");
        bench_check(weft_lock_release(lk), "weft_lock_release");
    }
}

static void sem_loop(void *ctx, size_t n) {
    weft_sem *s = ctx;
    for (size_t i = 0; i < n; i++) {
        bench_check(weft_sem_acquire(s), "weft_sem_acquire");
        bench_check(weft_sem_release(s), "weft_sem_release");
    }
}

static void limiter_loop(void *ctx, size_t n) {
    weft_limiter *l = ctx;
    for (size_t i = 0; i < n; i++) {
        bench_check(weft_limiter_acquire(l), "weft_limiter_acquire");
        bench_check(weft_limiter_release(l), "weft_limiter_release");
    }
}

/* ---- queue ping-pong through two rendezvous queues ---- */

/* ---- event hand-off, a fresh event each time ---- */

/* a waits on ev_a, b on ev_b. Each waiter initialises its event before
 * it wakes the other side, and destroys it once woken: the other side
 * sets it only after that. */
struct handoff {
    weft_event ev_a;
    weft_event ev_b;
    volatile bool b_ready; /* ev_b initialised the first time */
    size_t rounds;
};

static int event_a(void *arg) {
    struct handoff *h = arg;
    while (!h->b_ready) bench_check(weft_yield(), "weft_yield");
    for (size_t i = 0; i < h->rounds; i++) {
        weft_event_init(&h->ev_a);
        weft_event_set(&h->ev_b); /* b's wait returns */
        bench_check(weft_event_wait(&h->ev_a), "weft_event_wait");
        weft_event_destroy(&h->ev_a);
    }
    return 0;
}

static int event_b(void *arg) {
    struct handoff *h = arg;
    weft_event_init(&h->ev_b);
    h->b_ready = true;
    for (size_t i = 0; i < h->rounds; i++) {
        bench_check(weft_event_wait(&h->ev_b), "weft_event_wait");
        weft_event_destroy(&h->ev_b);
        if (i + 1 < h->rounds) weft_event_init(&h->ev_b); /* before a wakes */
        weft_event_set(&h->ev_a);
    }
    return 0;
}

/* n hand-offs: n / 2 rounds, each a -> b and b -> a. */
static void event_pingpong(void *ctx, size_t n) {
    (void)ctx;
    struct handoff h = {.b_ready = false, .rounds = n / 2};
    weft_group g;
    weft_group_init(&g);
    bench_check(weft_spawn(&g, "b", event_b, &h), "weft_spawn");
    bench_check(weft_spawn(&g, "a", event_a, &h), "weft_spawn");
    bench_check(weft_group_join(&g), "weft_group_join");
    weft_group_destroy(&g);
}

/* ---- the measurements with tracking on ---- */

struct results {
    struct bench_result lock;
    struct bench_result lock_try;
    struct bench_result sem;
    struct bench_result limiter;
    struct bench_result queue;
    struct bench_result event;
};

static int real_main(void *arg) {
    struct results *res = arg;
    weft_lock lk;
    weft_lock_init(&lk);
    bench_measure(&res->lock, "weft_lock acquire+release", "ns/pair",
                  lock_loop, &lk, LOCK_OPS, REPEATS);
    bench_measure(&res->lock_try, "weft_lock try_acquire+release", "ns/pair",
                  lock_try_loop, &lk, LOCK_OPS, REPEATS);
    weft_lock_destroy(&lk);

    weft_sem s;
    bench_check(weft_sem_init(&s, 1, 1), "weft_sem_init");
    bench_measure(&res->sem, "weft_sem acquire+release", "ns/pair", sem_loop,
                  &s, LOCK_OPS, REPEATS);
    weft_sem_destroy(&s);

    weft_limiter l;
    bench_check(weft_limiter_init(&l, 1), "weft_limiter_init");
    bench_measure(&res->limiter, "weft_limiter acquire+release", "ns/pair",
                  limiter_loop, &l, LOCK_OPS, REPEATS);
    weft_limiter_destroy(&l);

    bench_measure(&res->queue, "queue ping-pong, capacity 0", "ns/msg",
                  bench_queue_pingpong, NULL, QUEUE_MSGS, REPEATS);
    bench_measure(&res->event, "event set+wait, fresh event each", "ns/handoff",
                  event_pingpong, NULL, EVENT_OPS, REPEATS);
    return 0;
}

/* ---- leak tracking on vs off ---- */

/* Timed runs per runtime; a sample is their minimum, which a preemption
 * by other work on the machine is less likely to hit than one long run. */
#define ONOFF_RUNS 5
#define ONOFF_PAIRS 15

struct one_sample {
    bench_fn fn;
    size_t n;
    double ns; /* per operation: the fastest of ONOFF_RUNS timed runs */
};

static int sample_main(void *arg) {
    struct one_sample *s = arg;
    s->fn(NULL, s->n); /* warm-up: this runtime's stack pool, caches */
    for (int i = 0; i < ONOFF_RUNS; i++) {
        uint64_t t0 = bench_now_ns();
        s->fn(NULL, s->n);
        double ns = (double)(bench_now_ns() - t0) / (double)s->n;
        if (i == 0 || ns < s->ns) s->ns = ns;
    }
    return 0;
}

/* One runtime with tracking on or off: its sample. */
static double sample(bench_fn fn, size_t n, bool track) {
    weft_config cfg;
    weft_config_init(&cfg);
    cfg.backend = WEFT_BACKEND_REAL;
    cfg.track_leaks = track;
    struct one_sample s = {.fn = fn, .n = n, .ns = 0};
    bench_check(weft_run(&cfg, sample_main, &s), "weft_run");
    return s.ns;
}

struct onoff {
    struct bench_result on;
    struct bench_result off;
    struct bench_result overhead; /* % */
};

static size_t repeats(size_t dflt) {
    const char *v = getenv("WEFT_BENCH_REPEATS");
    long k = v && *v ? strtol(v, NULL, 10) : 0;
    return k > 0 ? (size_t)k : dflt;
}

/* Runtimes with tracking on and off in the order on off off on on off
 * ..., so drift in the machine's speed hits both alike. The overhead's
 * median is that of the pairs' on_i / off_i - 1, in per cent; its min
 * column compares the two minima instead (min on / min off - 1). */
static void measure_onoff(struct onoff *r, const char *what, const char *unit,
                          bench_fn fn, size_t n, size_t pairs) {
    size_t k = repeats(pairs);
    double *on = calloc(k, sizeof *on);
    double *off = calloc(k, sizeof *off);
    double *pct = calloc(k, sizeof *pct);
    if (!on || !off || !pct) bench_check(-ENOMEM, "measure_onoff");
    for (size_t i = 0; i < k; i++) {
        if (i % 2 == 0) {
            on[i] = sample(fn, n, true);
            off[i] = sample(fn, n, false);
        } else {
            off[i] = sample(fn, n, false);
            on[i] = sample(fn, n, true);
        }
        pct[i] = (on[i] / off[i] - 1) * 100;
    }
    char name[64];
    snprintf(name, sizeof name, "%s, tracking on", what);
    bench_from_samples(&r->on, name, unit, on, k);
    snprintf(name, sizeof name, "same, tracking off");
    bench_from_samples(&r->off, name, unit, off, k);
    snprintf(name, sizeof name, "%s: overhead of tracking", what);
    bench_from_samples(&r->overhead, name, "%", pct, k);
    /* Its min column: the fastest on against the fastest off. */
    r->overhead.min = (r->on.min / r->off.min - 1) * 100;
    free(on);
    free(off);
    free(pct);
}

/* The row of an overhead in per cent, whose min may be negative. */
static void report_onoff(const struct onoff *r, const char *goal,
                         double max_pct) {
    bench_row(&r->on, NULL, BENCH_NO_GOAL);
    bench_row_baseline(&r->off, &r->on);
    bench_row(&r->overhead, goal,
              goal ? bench_goal_at_most(&r->overhead, max_pct)
                   : BENCH_NO_GOAL);
}

/* ---- report ---- */

static void python_rows(const char *key, const char *what,
                        const struct bench_result *subject) {
    struct bench_result base;
    char k[64];
    char name[64];
    snprintf(k, sizeof k, "trio.%s", key);
    snprintf(name, sizeof name, "trio %s", what);
    bench_baseline_load(&base, k, name);
    bench_row_baseline(&base, subject);
    snprintf(k, sizeof k, "anyio.%s", key);
    snprintf(name, sizeof name, "AnyIO %s", what);
    bench_baseline_load(&base, k, name);
    bench_row_baseline(&base, subject);
}

int main(void) {
    /* Tracking is this program's choice (on, or on and off where a row
     * says so): the environment's override would blur the comparison. */
    unsetenv("WEFT_TRACK_LEAKS");
    bench_table_begin(NULL);
    struct results res;
    weft_config cfg;
    weft_config_init(&cfg);
    cfg.backend = WEFT_BACKEND_REAL;
    bench_check(weft_run(&cfg, real_main, &res), "weft_run");

    bench_section("uncontended acquire + release, one task, real backend");
    bench_row(&res.lock, "<= 10 ns/pair", bench_goal_at_most(&res.lock, 10));
    struct bench_result ref;
    bench_reference(&ref, "weft_lock before, AMD", "ns/pair", 14.5,
                    "14.5-15.7, reported on AMD EPYC (issue 8)");
    bench_row_baseline(&ref, &res.lock);
    python_rows("lock", "Lock acquire+release", &res.lock);
    bench_row(&res.lock_try, NULL, BENCH_NO_GOAL);
    bench_row_note("(no checkpoint: the difference is the schedule point)");
    bench_row(&res.sem, NULL, BENCH_NO_GOAL);
    python_rows("sem", "Semaphore acquire+release", &res.sem);
    bench_row(&res.limiter, NULL, BENCH_NO_GOAL);
    python_rows("limiter", "CapacityLimiter acq+release", &res.limiter);

    struct bench_result base;
    bench_section("queue ping-pong: 2 tasks, 2 rendezvous queues, real "
                  "backend");
    bench_row(&res.queue, "<= 56 ns/msg", bench_goal_at_most(&res.queue, 56));
    bench_reference(&base, "libdill unbuffered channel, AMD", "ns/msg", 56,
                    "56-65, reported on AMD EPYC (issue 8), not measured "
                    "here");
    bench_row_baseline(&base, &res.queue);
    bench_reference(&base, "weft queue before, AMD", "ns/msg", 69,
                    "69-98, reported on AMD EPYC (issue 8)");
    bench_row_baseline(&base, &res.queue);
    python_rows("queue", "memory channel(0)", &res.queue);
    bench_row_note("(2 switches per message: a put or get that does not "
                   "wait is still a schedule point)");

    bench_section("event hand-off: 2 tasks, fresh event each, real backend");
    bench_row(&res.event, NULL, BENCH_NO_GOAL);
    python_rows("event", "Event set+wait, fresh", &res.event);
    bench_row_note("(per hand-off: init, set by the other task, wait, "
                   "destroy; 1 switch)");

    bench_section("leak tracking on vs off, real backend (paired runtimes)");
    struct onoff r;
    /* Runtimes differ from one another by several per cent, tracking
     * or not (where their stacks land, other work on the machine):
     * more pairs than elsewhere, and more again for spawn+join, whose
     * runtimes differ by up to +-15 %. */
    measure_onoff(&r, "queue ping-pong", "ns/msg", bench_queue_pingpong,
                  QUEUE_MSGS / 20, 2 * ONOFF_PAIRS);
    report_onoff(&r, "< 5 %", 5);
    measure_onoff(&r, "spawn+join", "ns/task", bench_spawn_join, SPAWN_OPS / 5,
                  4 * ONOFF_PAIRS);
    report_onoff(&r, "< 5 %", 5);
    measure_onoff(&r, "event hand-off", "ns/handoff", event_pingpong,
                  EVENT_OPS / 20, ONOFF_PAIRS);
    report_onoff(&r, NULL, 0);
    return 0;
}
