/* bench/ext/installed.c: spawn+join measured as a program outside the
 * tree measures it: built by `make bench-installed` against an installed
 * copy of the library, with nothing but `pkg-config --cflags --libs
 * weft` (and bench/harness.c, bench/workloads.c, which use only the
 * public API).
 *
 *   warm   bench/tasks's row: one runtime, a warm-up run first, so the
 *          stack pool already holds the 1,000 stacks a group needs
 *   cold   a fresh runtime per repeat, timed from inside its first task:
 *          the first group carves its 1,000 stacks (mmap, a guard page
 *          each, the first touch of each stack's top page), as a program
 *          that starts weft_run and measures at once does
 *
 * The two show why such a program reports more than `make bench` for the
 * same library (docs/PERFORMANCE.md, "Outside the tree"). */
#include <stdio.h>
#include <weft.h>

#include "harness.h"
#include "workloads.h"

#define SPAWN_OPS ((size_t)100 * BENCH_SPAWN_GROUP)
#define REPEATS 15

static int warm_main(void *arg) {
    bench_measure(arg, "spawn+join, warm stack pool", "ns/task",
                  bench_spawn_join, NULL, SPAWN_OPS, REPEATS);
    return 0;
}

static int cold_main(void *arg) {
    double *ns = arg;
    uint64_t t0 = bench_now_ns();
    bench_spawn_join(NULL, SPAWN_OPS);
    *ns = (double)(bench_now_ns() - t0) / (double)SPAWN_OPS;
    return 0;
}

int main(void) {
    weft_config cfg;
    weft_config_init(&cfg);
    cfg.backend = WEFT_BACKEND_REAL;
    struct bench_result warm;
    bench_check(weft_run(&cfg, warm_main, &warm), "weft_run");
    double cold[REPEATS];
    for (size_t i = 0; i < REPEATS; i++) {
        bench_check(weft_run(&cfg, cold_main, &cold[i]), "weft_run");
    }
    struct bench_result r;
    bench_from_samples(&r, "spawn+join, fresh runtime (cold)", "ns/task",
                       cold, REPEATS);
    bench_table_begin("outside the tree: the installed libweft.so through "
                      "pkg-config");
    bench_section("spawn + join of an empty task, groups of 1000, 100,000 "
                  "tasks");
    bench_row(&warm, NULL, BENCH_NO_GOAL);
    bench_row(&r, NULL, BENCH_NO_GOAL);
    bench_row_note("(the first group carves its 1,000 stacks: %.0f ns more "
                   "per task over 100,000 tasks)", r.median - warm.median);
    return 0;
}
