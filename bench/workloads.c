/* bench/workloads.c: see workloads.h. Public API only (no config.h):
 * bench/ext/installed.c builds it outside the tree too. */
#include "workloads.h"

#include <stdint.h>
#include <ucontext.h>
#include <weft.h>

#include "harness.h"

static int empty_task(void *arg) {
    (void)arg;
    return 0;
}

void bench_spawn_join(void *ctx, size_t n) {
    (void)ctx;
    for (size_t done = 0; done < n; done += BENCH_SPAWN_GROUP) {
        weft_group g;
        weft_group_init(&g);
        for (size_t i = 0; i < BENCH_SPAWN_GROUP; i++) {
            bench_check(weft_spawn(&g, NULL, empty_task, NULL), "weft_spawn");
        }
        bench_check(weft_group_join(&g), "weft_group_join");
        weft_group_destroy(&g);
    }
}

static ucontext_t swap_main;
static ucontext_t swap_co;

__attribute__((noinline)) static void swap_bounce(ucontext_t *self,
                                                  ucontext_t *other,
                                                  size_t n) {
    for (size_t i = 0; i < n; i++) swapcontext(self, other);
}

static void swap_co_body(void) {
    swap_bounce(&swap_co, &swap_main, SIZE_MAX);
}

void bench_swap_init(void) {
    static char stack[64 * 1024] __attribute__((aligned(64)));
    getcontext(&swap_co);
    swap_co.uc_stack.ss_sp = stack;
    swap_co.uc_stack.ss_size = sizeof stack;
    swap_co.uc_link = NULL;
    makecontext(&swap_co, swap_co_body, 0);
}

void bench_swap_pingpong(void *ctx, size_t n) {
    (void)ctx;
    swap_bounce(&swap_main, &swap_co, n / 2);
}
