/* bench/boost_baseline.c: Boost.Context's jump_fcontext as a baseline of
 * bench/ctx (optional: built by `make bench` only when libboost_context
 * links; Debian's libboost-context-dev).
 *
 *   boost.jump       two contexts switching to each other in a loop: ns
 *                    per one-way switch (bench/ctx's first row)
 *   boost.jump_deep  the same, each switch called two frames down and
 *                    returned from, as weft's scheduler calls its switch
 *
 * jump_fcontext saves and restores the same state as weft__ctx_switch
 * (six registers, MXCSR and the x87 control word, both reloaded every
 * time) but leaves with an indirect jmp where weft's returns.
 *
 * Prints records for WEFT_BENCH_BASELINES (bench/harness.h). */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"

#define OPS ((size_t)10000000)
#define STACK_BYTES ((size_t)64 * 1024)

/* boost/context/detail/fcontext.hpp declares these extern "C" in a C++
 * namespace; the C declarations below are the same symbols and ABI. */
typedef void *bench_fcontext;
typedef struct {
    bench_fcontext fctx; /* the context that switched to this one */
    void *data;
} bench_transfer;
bench_transfer jump_fcontext(bench_fcontext to, void *vp);
bench_fcontext make_fcontext(void *sp, size_t size,
                             void (*fn)(bench_transfer t));

static bench_transfer loop_peer; /* the loop's other context */
static bench_transfer deep_peer;

static void co_loop(bench_transfer t) {
    for (;;) t = jump_fcontext(t.fctx, NULL);
}

static void loop_pingpong(void *ctx, size_t n) {
    (void)ctx;
    for (size_t i = 0; i < n / 2; i++) {
        loop_peer = jump_fcontext(loop_peer.fctx, NULL);
    }
}

/* Both sides switch through these two frames, as two weft tasks yielding
 * switch from leave_current under weft__reschedule. */
__attribute__((noinline)) static bench_transfer deep1(bench_transfer t) {
    t = jump_fcontext(t.fctx, NULL);
    bench_keep(&t);
    return t;
}

__attribute__((noinline)) static bench_transfer deep2(bench_transfer t) {
    t = deep1(t);
    bench_keep(&t);
    return t;
}

static void co_deep(bench_transfer t) {
    for (;;) t = deep2(t);
}

static void deep_pingpong(void *ctx, size_t n) {
    (void)ctx;
    for (size_t i = 0; i < n / 2; i++) deep_peer = deep2(deep_peer);
}

static bench_fcontext new_context(void (*fn)(bench_transfer t)) {
    char *stack = aligned_alloc(64, STACK_BYTES);
    if (!stack) bench_check(-ENOMEM, "allocating a stack");
    return make_fcontext(stack + STACK_BYTES, STACK_BYTES, fn);
}

int main(void) {
    struct bench_result r;
    loop_peer.fctx = new_context(co_loop);
    bench_measure(&r, "Boost.Context jump_fcontext", "ns/switch",
                  loop_pingpong, NULL, OPS, 15);
    snprintf(r.note, sizeof r.note, "libboost_context; MXCSR/x87 always "
             "reloaded, leaves by jmp");
    bench_emit("boost.jump", &r);
    deep_peer.fctx = new_context(co_deep);
    bench_measure(&r, "Boost.Context jump_fcontext", "ns/switch",
                  deep_pingpong, NULL, OPS, 15);
    snprintf(r.note, sizeof r.note, "libboost_context");
    bench_emit("boost.jump_deep", &r);
    return 0;
}
