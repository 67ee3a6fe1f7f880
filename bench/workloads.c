/* bench/workloads.c: see workloads.h. Public API only (no config.h):
 * bench/ext/installed.c builds it outside the tree too. */
#include "workloads.h"

#include <errno.h>
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

struct yield_arg {
    size_t n;      /* yields */
    bool fp;       /* do an inexact float division first */
};

/* With fp, an inexact division first sets the sticky "precision" flag
 * in this task's MXCSR (x86_64), so the two tasks' saved MXCSR values
 * differ. Both tasks run this one function, so that their call chains,
 * and the CPU's return predictions across a switch, are the same. */
static int yielder(void *arg) {
    const struct yield_arg *a = arg;
    if (a->fp) {
        volatile double x = 1.0;
        x /= 3.0;
    }
    for (size_t i = 0; i < a->n; i++) bench_check(weft_yield(), "weft_yield");
    return 0;
}

/* n yields in all, n / 2 by each of two tasks: each yield switches to
 * the other task (the parent sleeps in join). ctx: non-NULL when one of
 * them does a float division first. */
void bench_yield_pair(void *ctx, size_t n) {
    struct yield_arg ping = {.n = n / 2, .fp = ctx != NULL};
    struct yield_arg pong = {.n = n / 2, .fp = false};
    weft_group g;
    weft_group_init(&g);
    bench_check(weft_spawn(&g, "ping", yielder, &ping), "weft_spawn");
    bench_check(weft_spawn(&g, "pong", yielder, &pong), "weft_spawn");
    bench_check(weft_group_join(&g), "weft_group_join");
    weft_group_destroy(&g);
}

struct pingpong {
    weft_queue ping; /* ping -> pong */
    weft_queue pong; /* pong -> ping */
    size_t rounds;
};

static int pinger(void *arg) {
    struct pingpong *p = arg;
    uint64_t x = 0;
    for (size_t i = 0; i < p->rounds; i++) {
        bench_check(weft_queue_put(&p->ping, &x), "weft_queue_put");
        bench_check(weft_queue_get(&p->pong, &x), "weft_queue_get");
        x++;
    }
    if (x != p->rounds) bench_check(-EPROTO, "queue ping-pong");
    return 0;
}

static int ponger(void *arg) {
    struct pingpong *p = arg;
    uint64_t x;
    for (size_t i = 0; i < p->rounds; i++) {
        bench_check(weft_queue_get(&p->ping, &x), "weft_queue_get");
        bench_check(weft_queue_put(&p->pong, &x), "weft_queue_put");
    }
    return 0;
}

/* n messages: n / 2 round trips. */
void bench_queue_pingpong(void *ctx, size_t n) {
    (void)ctx;
    struct pingpong p = {.rounds = n / 2};
    bench_check(weft_queue_init(&p.ping, 0, sizeof(uint64_t)),
                "weft_queue_init");
    bench_check(weft_queue_init(&p.pong, 0, sizeof(uint64_t)),
                "weft_queue_init");
    weft_group g;
    weft_group_init(&g);
    bench_check(weft_spawn(&g, "ping", pinger, &p), "weft_spawn");
    bench_check(weft_spawn(&g, "pong", ponger, &p), "weft_spawn");
    bench_check(weft_group_join(&g), "weft_group_join");
    weft_group_destroy(&g);
    weft_queue_destroy(&p.ping);
    weft_queue_destroy(&p.pong);
}
