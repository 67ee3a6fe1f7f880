/* bench/workloads.h: loops more than one benchmark program measures, in
 * the harness's (ctx, n) form. */
#ifndef WEFT_BENCH_WORKLOADS_H
#define WEFT_BENCH_WORKLOADS_H

#include <stddef.h>

/* Tasks per group in bench_spawn_join. */
#define BENCH_SPAWN_GROUP ((size_t)1000)

/* n empty tasks spawned and joined, BENCH_SPAWN_GROUP per group. Call it
 * inside a task. */
void bench_spawn_join(void *ctx, size_t n);

/* glibc swapcontext between two contexts, n switches one way. Call
 * bench_swap_init once first. Both sides switch from one call site, as
 * weft's tasks do, so that the return predictor is right on both (see
 * bench/ctx.c). */
void bench_swap_init(void);
void bench_swap_pingpong(void *ctx, size_t n);

/* n yields in all, n / 2 by each of two tasks: each yield switches to
 * the other. ctx: non-NULL when one of them first sets a sticky MXCSR
 * flag (their saved control words then differ). Call it inside a task. */
void bench_yield_pair(void *ctx, size_t n);

/* n messages through two rendezvous queues (n / 2 round trips) between
 * two tasks. Call it inside a task. */
void bench_queue_pingpong(void *ctx, size_t n);

#endif
