/* bench/tasks.c: the cost of tasks through the public API (libweft.la).
 *
 *   switch       two tasks calling weft_yield in a loop under the real
 *                backend: ns per yield, each yield is one switch; against
 *                glibc swapcontext (one way) in this binary; again with
 *                one task's MXCSR flags set by a float division
 *   spawn+join   empty tasks spawned into a group and joined, in groups
 *                of 1,000: ns per task
 *   sim sleep    10,000 tasks each weft_sleep for a random duration in
 *                (0, 100 ms] under sim: wall time and virtual time per
 *                run, against the same run under the real backend; again
 *                with durations up to 10 s (the wall time must not grow)
 *
 * Python (AnyIO, trio) and libuv baselines come from bench/run.sh through
 * WEFT_BENCH_BASELINES. Goals: docs/PERFORMANCE.md. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <ucontext.h>
#include <weft.h>

#include "harness.h"
#include "workloads.h"

#define YIELD_OPS ((size_t)2000000)
#define SPAWN_OPS ((size_t)100 * BENCH_SPAWN_GROUP)
#define SLEEPERS ((size_t)10000)
#define SLEEP_MAX (100 * WEFT_MSEC)
#define SWAP_OPS ((size_t)200000)

static void measure_swapcontext(struct bench_result *r) {
    bench_swap_init();
    bench_measure(r, "glibc swapcontext, one way", "ns/switch",
                  bench_swap_pingpong, NULL, SWAP_OPS, 15);
}

/* ---- weft_yield ping-pong ---- */

struct real_results {
    struct bench_result yield;
    struct bench_result yield_fp;
    struct bench_result spawn;
};

static int real_main(void *arg) {
    struct real_results *res = arg;
    bench_measure(&res->yield, "weft_yield, 2 tasks, real backend",
                  "ns/switch", bench_yield_pair, NULL, YIELD_OPS, 15);
    bench_measure(&res->yield_fp, "same, one task did a float division",
                  "ns/switch", bench_yield_pair, res, YIELD_OPS / 4, 15);
    bench_measure(&res->spawn, "spawn+join empty task, groups of 1000",
                  "ns/task", bench_spawn_join, NULL, SPAWN_OPS, 15);
    return 0;
}

/* ---- 10,000 sleepers ---- */

struct sleep_run {
    uint64_t seed;       /* the durations, the same under both backends */
    weft_time max;       /* durations are uniform in (0, max] */
    weft_time elapsed;   /* weft_now() after join minus before spawn */
};

/* splitmix64: durations that do not depend on the backend's streams. */
static uint64_t next_rand(uint64_t *x) {
    uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static int sleeper(void *arg) {
    weft_time d = (weft_time)(uintptr_t)arg;
    return weft_sleep(d);
}

static int sleep_main(void *arg) {
    struct sleep_run *run = arg;
    uint64_t x = run->seed;
    weft_time t0 = weft_now();
    weft_group g;
    weft_group_init(&g);
    for (size_t i = 0; i < SLEEPERS; i++) {
        weft_time d = 1 + (weft_time)(next_rand(&x) % (uint64_t)run->max);
        bench_check(weft_spawn(&g, NULL, sleeper, (void *)(uintptr_t)d),
                    "weft_spawn");
    }
    bench_check(weft_group_join(&g), "weft_group_join");
    weft_group_destroy(&g);
    run->elapsed = weft_now() - t0;
    return 0;
}

/* Runs the sleepers nrun times under backend, sleeping up to max; wall
 * and virtual (or real) elapsed time per run, in ms. */
static void measure_sleepers(int backend, weft_time max, size_t nrun,
                             double *wall, double *virt) {
    for (size_t i = 0; i < nrun; i++) {
        weft_config cfg;
        weft_config_init(&cfg);
        cfg.backend = backend;
        cfg.seed = i + 1;
        struct sleep_run run = {.seed = i + 1, .max = max, .elapsed = 0};
        uint64_t t0 = bench_now_ns();
        bench_check(weft_run(&cfg, sleep_main, &run), "weft_run");
        wall[i] = (double)(bench_now_ns() - t0) / 1e6;
        virt[i] = (double)run.elapsed / 1e6;
    }
}

/* ---- report ---- */

static void report_switch(const struct bench_result *yield,
                          const struct bench_result *yield_fp) {
    struct bench_result swap;
    struct bench_result base;
    measure_swapcontext(&swap);
    bench_section(WEFT_CTX_UCONTEXT
                      ? "task switch: 2 tasks, weft_yield (ucontext build)"
                      : "task switch: 2 tasks, weft_yield (assembly switch)");
    bench_row(yield, ">= 20x swapcontext", bench_goal_ratio(yield, &swap, 20));
    bench_row_baseline(&swap, yield);
    bench_reference(&base, "libdill yield, AMD", "ns/switch", 27,
                    "27-36, reported on AMD EPYC (issue 8), not measured "
                    "here");
    bench_row_baseline(&base, yield);
    bench_baseline_load(&base, "trio.yield", "trio sleep(0), 2 tasks");
    bench_row_baseline(&base, yield);
    bench_baseline_load(&base, "anyio.yield", "AnyIO sleep(0), 2 tasks");
    bench_row_baseline(&base, yield);
    bench_baseline_load(&base, "uv.idle", "libuv idle callback");
    bench_row_baseline(&base, yield);
    bench_row(yield_fp, ">= 20x swapcontext",
              bench_goal_ratio(yield_fp, &swap, 20));
    bench_row_note("(its MXCSR then differs from the other task's: see "
                   "docs/PERFORMANCE.md)");
}

static void report_spawn(const struct bench_result *spawn) {
    struct bench_result base;
    bench_section("spawn + join of an empty task");
    bench_row(spawn, "<= 32 ns/task", bench_goal_at_most(spawn, 32));
    bench_reference(&base, "libdill bundle_go + bundle_wait, AMD", "ns/task",
                    32, "reported on AMD EPYC (issue 8), not measured here");
    bench_row_baseline(&base, spawn);
    bench_reference(&base, "weft spawn+join before, AMD", "ns/task", 87,
                    "87-93; 118-134 outside the tree; AMD EPYC (issue 8)");
    bench_row_baseline(&base, spawn);
    bench_baseline_load(&base, "trio.spawn_join", "trio spawn+join");
    bench_row_baseline(&base, spawn);
    bench_baseline_load(&base, "anyio.spawn_join", "AnyIO spawn+join");
    bench_row_baseline(&base, spawn);
}

static void report_sleep(void) {
    enum { NSIM = 7, NREAL = 3 };
    double wall[NSIM];
    double virt[NSIM];
    double real_wall[NREAL];
    double real_elapsed[NREAL];
    measure_sleepers(WEFT_BACKEND_SIM, SLEEP_MAX, NSIM, wall, virt);
    measure_sleepers(WEFT_BACKEND_REAL, SLEEP_MAX, NREAL, real_wall,
                     real_elapsed);
    struct bench_result w;
    struct bench_result v;
    struct bench_result base;
    bench_from_samples(&w, "sim: wall time of one run", "ms/run", wall, NSIM);
    bench_from_samples(&v, "sim: virtual time of one run", "ms virtual",
                       virt, NSIM);
    bench_from_samples(&base, "same run, real backend", "ms/run", real_wall,
                       NREAL);
    bench_section("10,000 tasks weft_sleep(random (0, 100 ms]), sim");
    bench_row(&w, "< virtual time", w.median < v.min ? BENCH_MET
                                                     : BENCH_MISSED);
    bench_row_baseline(&base, &w);
    bench_row(&v, NULL, BENCH_NO_GOAL);
    bench_row_note("wall per sleeping task under sim: %.0f ns (spawn, "
                   "sleep, wake, end)", w.median * 1e6 / (double)SLEEPERS);
    /* Wall time must not follow the durations: 100 times longer ones. */
    measure_sleepers(WEFT_BACKEND_SIM, 100 * SLEEP_MAX, NSIM, wall, virt);
    bench_from_samples(&w, "sim, durations up to 10 s: wall", "ms/run", wall,
                       NSIM);
    bench_from_samples(&v, "sim, durations up to 10 s: virtual",
                       "ms virtual", virt, NSIM);
    bench_row(&w, "< virtual time", w.median < v.min ? BENCH_MET
                                                     : BENCH_MISSED);
    bench_row(&v, NULL, BENCH_NO_GOAL);
}

int main(void) {
    bench_table_begin(NULL);
    struct real_results res;
    weft_config cfg;
    weft_config_init(&cfg);
    cfg.backend = WEFT_BACKEND_REAL;
    bench_check(weft_run(&cfg, real_main, &res), "weft_run");
    report_switch(&res.yield, &res.yield_fp);
    report_spawn(&res.spawn);
    report_sleep();
    return 0;
}
