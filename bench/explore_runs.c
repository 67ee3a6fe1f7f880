/* bench/explore_runs.c: the cost of one exploration run (issue 10): runs
 * per second of weft_explore over a program of 3 tasks and about 100
 * schedule points, in process and with fork isolation. Prints rows of
 * one table (bench/harness.h is for timing loops; this counts runs). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <weft.h>

static int steps(void *arg) {
    (void)arg;
    for (int i = 0; i < 33; i++) weft_sched_point("step");
    return 0;
}

static int three_tasks(void *arg) {
    (void)arg;
    weft_group g;
    weft_group_init(&g);
    for (int i = 0; i < 3; i++) weft_spawn(&g, "t", steps, NULL);
    int rc = weft_group_join(&g);
    weft_group_destroy(&g);
    return rc;
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void row(const char *strategy, bool isolate, uint64_t n) {
    weft_explore_opts o;
    weft_explore_opts_init(&o);
    o.strategy = strategy;
    o.seed_count = n;
    o.isolate = isolate;
    o.quiet = true;
    weft_explore_result r;
    double t0 = now_s();
    int rc = weft_explore(&o, three_tasks, NULL, &r);
    double dt = now_s() - t0;
    printf("| %-8s | %-10s | %7llu | %6.2f | %8.0f | %s\n", strategy,
           isolate ? "fork" : "in-process", (unsigned long long)r.runs, dt,
           (double)r.runs / dt, rc ? "FAILED" : "ok");
}

int main(int argc, char **argv) {
    uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 20000;
    printf("| strategy | runs       |    runs |      s |   runs/s |\n");
    printf("|---|---|---|---|---|\n");
    row("random", false, n);
    row("pct:3", false, n);
    row("random", true, n / 10);
    return 0;
}
