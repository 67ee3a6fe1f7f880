/* bench/uv_baseline.c: libuv's event loop as a baseline (optional: built
 * by `make bench` only when pkg-config finds libuv).
 *
 *   uv.idle   an idle handle's callback, once per loop iteration: the cost
 *             of one turn of an event loop that has work every turn (each
 *             turn also polls epoll with a zero timeout)
 *
 * Prints records for WEFT_BENCH_BASELINES (bench/harness.h). */
#include <stdio.h>
#include <uv.h>

#include "harness.h"

#define IDLE_OPS ((size_t)1000000)

static size_t idle_left;

static void on_idle(uv_idle_t *h) {
    if (--idle_left == 0) uv_idle_stop(h);
}

static void idle_run(void *ctx, size_t n) {
    uv_loop_t *loop = ctx;
    uv_idle_t idle;
    uv_idle_init(loop, &idle);
    idle_left = n;
    uv_idle_start(&idle, on_idle);
    uv_run(loop, UV_RUN_DEFAULT);
    uv_close((uv_handle_t *)&idle, NULL);
    uv_run(loop, UV_RUN_DEFAULT);
}

int main(void) {
    uv_loop_t loop;
    if (uv_loop_init(&loop) != 0) return 1;
    struct bench_result r;
    bench_measure(&r, "libuv idle callback", "ns/iter", idle_run, &loop,
                  IDLE_OPS, 7);
    snprintf(r.note, sizeof r.note, "libuv %s; one loop turn, no task switch",
             uv_version_string());
    bench_emit("uv.idle", &r);
    uv_loop_close(&loop);
    return 0;
}
