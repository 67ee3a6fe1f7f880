/* bench/ctx.c: the machine context switch alone, without the scheduler:
 * two contexts switching to each other, ns per one-way switch.
 *
 *   build's switch   weft__ctx_switch as configured (src/ctx/x86_64.S,
 *                    aarch64.S, or ucontext.c), from libweftcore.la
 *   ucontext.c       the portable fallback, compiled into this binary
 *                    by bench/ctx_ucontext.c
 *   swapcontext      glibc's, called directly
 *   bare switch      x86_64 only: six callee-saved registers and the
 *                    stack pointer, without the MXCSR and x87 control
 *                    words (the floor a switch can reach)
 *   Boost.Context    jump_fcontext, measured by bench/boost_baseline.c
 *                    (when libboost_context is installed) through
 *                    WEFT_BENCH_BASELINES
 *
 * Then the build's switch and jump_fcontext again, each switch called
 * two frames down and returned from, as the scheduler calls it: a switch
 * that leaves by jmp (jump_fcontext) has the return predictor one frame
 * off for those returns, one that leaves by ret (weft's) does not.
 *
 * The difference between the build's switch and weft_yield (bench/tasks)
 * is the scheduler's share. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <ucontext.h>

#if defined(__x86_64__)
#include <xmmintrin.h>
#endif

#include "ctx/ctx.h"
#include "ctx_ucontext.h"
#include "harness.h"
#include "workloads.h"

#define OPS ((size_t)10000000)
#define SLOW_OPS ((size_t)200000)
#define STACK_BYTES ((size_t)64 * 1024)

static void *new_stack(void) {
    void *p = aligned_alloc(64, STACK_BYTES);
    if (!p) bench_check(-ENOMEM, "allocating a stack");
    return p;
}

/* ---- the build's switch ---- */

static struct weft__ctx asm_main;
static struct weft__ctx asm_co;

/* Both sides switch from this one call site, as tasks do in the
 * scheduler: each return then lands where the CPU's return predictor
 * expects. (From two different call sites every switch costs a
 * mispredicted return, about 10 cycles more.) */
__attribute__((noinline)) static void asm_bounce(struct weft__ctx *self,
                                                 struct weft__ctx *other,
                                                 size_t n) {
    for (size_t i = 0; i < n; i++) weft__ctx_switch(self, other);
}

static void asm_co_entry(void *arg) {
    (void)arg;
    asm_bounce(&asm_co, &asm_main, SIZE_MAX);
}

/* ctx NULL: the main side's MXCSR status flags are cleared first, so both
 * sides hold the same MXCSR (the flags are sticky: the harness's own
 * floating point sets "precision"). ctx non-NULL: they are set, as in a
 * task that did an inexact division, and every switch changes MXCSR. */
static void asm_pingpong(void *ctx, size_t n) {
#if defined(__x86_64__)
    unsigned csr = _mm_getcsr() & ~0x3fu;
    _mm_setcsr(ctx ? csr | 0x20u : csr);
#endif
    asm_bounce(&asm_main, &asm_co, n / 2);
}

/* The same two frames down (bench/boost_baseline.c's deep1, deep2). */
static struct weft__ctx deep_main;
static struct weft__ctx deep_co;

__attribute__((noinline)) static void deep1(struct weft__ctx *self,
                                            struct weft__ctx *other) {
    weft__ctx_switch(self, other);
    bench_keep(self);
}

__attribute__((noinline)) static void deep2(struct weft__ctx *self,
                                            struct weft__ctx *other) {
    deep1(self, other);
    bench_keep(self);
}

static void deep_co_entry(void *arg) {
    (void)arg;
    for (;;) deep2(&deep_co, &deep_main);
}

static void deep_pingpong(void *ctx, size_t n) {
    (void)ctx;
    for (size_t i = 0; i < n / 2; i++) deep2(&deep_main, &deep_co);
}

/* ---- ucontext.c ---- */

static struct bench__uctx *uc_main;
static struct bench__uctx *uc_co;

__attribute__((noinline)) static void uc_bounce(struct bench__uctx *self,
                                                struct bench__uctx *other,
                                                size_t n) {
    for (size_t i = 0; i < n; i++) bench__uctx_switch(self, other);
}

static void uc_co_entry(void *arg) {
    (void)arg;
    uc_bounce(uc_co, uc_main, SIZE_MAX);
}

static void uc_pingpong(void *ctx, size_t n) {
    (void)ctx;
    uc_bounce(uc_main, uc_co, n / 2);
}


/* ---- bare switch: x86_64, no FP control words ---- */

#if defined(__x86_64__)
void bench_bare_switch(void **from_sp, void *const *to_sp);
__asm__(".text\n"
        ".globl bench_bare_switch\n"
        ".hidden bench_bare_switch\n"
        ".type bench_bare_switch, @function\n"
        "bench_bare_switch:\n"
        "    pushq %rbp\n    pushq %rbx\n    pushq %r12\n"
        "    pushq %r13\n    pushq %r14\n    pushq %r15\n"
        "    movq %rsp, (%rdi)\n"
        "    movq (%rsi), %rsp\n"
        "    popq %r15\n    popq %r14\n    popq %r13\n"
        "    popq %r12\n    popq %rbx\n    popq %rbp\n"
        "    ret\n"
        ".size bench_bare_switch, .-bench_bare_switch\n");

static void *bare_main_sp;
static void *bare_co_sp;

__attribute__((noinline)) static void bare_bounce(void **self,
                                                  void **other, size_t n) {
    for (size_t i = 0; i < n; i++) bench_bare_switch(self, other);
}

static void bare_co_body(void) {
    bare_bounce(&bare_co_sp, &bare_main_sp, SIZE_MAX);
}

static void bare_pingpong(void *ctx, size_t n) {
    (void)ctx;
    bare_bounce(&bare_main_sp, &bare_co_sp, n / 2);
}

/* Six zeroed registers, then bare_co_body as the return address; at its
 * entry the stack is aligned as after a call (rsp + 8 = 0 mod 16). */
static void bare_make(void *stack) {
    uintptr_t top = ((uintptr_t)stack + STACK_BYTES) & ~(uintptr_t)15;
    void **frame = (void **)top - 8;
    for (int i = 0; i < 6; i++) frame[i] = NULL;
    frame[6] = (void *)(uintptr_t)bare_co_body;
    bare_co_sp = frame;
}
#endif

/* The build's switch, with equal and (x86_64) differing MXCSR flags,
 * against jump_fcontext (boost: loaded, or skipped). */
static void measure_build(struct bench_result *build,
                          const struct bench_result *boost) {
    weft__ctx_make(&asm_co, new_stack(), STACK_BYTES, asm_co_entry, NULL);
    bench_measure(build,
                  WEFT_CTX_UCONTEXT ? "weft__ctx_switch (ucontext.c)"
                                    : "weft__ctx_switch (assembly)",
                  "ns/switch", asm_pingpong, NULL,
                  WEFT_CTX_UCONTEXT ? SLOW_OPS : OPS, 15);
    bench_section("context switch alone, one way (no scheduler)");
    if (boost->ok) {
        bench_row(build, "<= jump_fcontext",
                  bench_goal_at_most(build, boost->median));
    } else {
        bench_row(build, NULL, BENCH_NO_GOAL);
    }
    bench_row_baseline(boost, build);
#if defined(__x86_64__)
    struct bench_result differ;
    bench_measure(&differ, "  same, MXCSR status flags differ", "ns/switch",
                  asm_pingpong, &differ, SLOW_OPS, 15);
    bench_row(&differ, NULL, BENCH_NO_GOAL);
#endif
}

static void measure_ucontext(struct bench_result *r) {
    uc_main = bench_uctx_new();
    uc_co = bench_uctx_new();
    if (!uc_main || !uc_co) bench_check(-ENOMEM, "allocating contexts");
    bench__uctx_make(uc_co, new_stack(), STACK_BYTES, uc_co_entry, NULL);
    bench_measure(r, "ucontext.c fallback", "ns/switch", uc_pingpong, NULL,
                  SLOW_OPS, 15);
}

static void measure_swapcontext(struct bench_result *r) {
    bench_swap_init();
    bench_measure(r, "glibc swapcontext", "ns/switch", bench_swap_pingpong, NULL,
                  SLOW_OPS, 15);
}

/* Both switches called two frames down (see the top of this file). */
static void measure_deep(void) {
    struct bench_result deep;
    struct bench_result base;
    weft__ctx_make(&deep_co, new_stack(), STACK_BYTES, deep_co_entry, NULL);
    bench_measure(&deep, "weft__ctx_switch, 2 frames down", "ns/switch",
                  deep_pingpong, NULL, WEFT_CTX_UCONTEXT ? SLOW_OPS : OPS,
                  15);
    bench_section("context switch called 2 frames down, returned from");
    bench_baseline_load(&base, "boost.jump_deep",
                        "Boost.Context jump_fcontext, same");
    bench_row(&deep, base.ok ? "<= jump_fcontext" : NULL,
              base.ok ? bench_goal_at_most(&deep, base.median)
                      : BENCH_NO_GOAL);
    bench_row_baseline(&base, &deep);
}

int main(void) {
    bench_table_begin(NULL);
    struct bench_result build;
    struct bench_result base;
    struct bench_result boost;
    bench_baseline_load(&boost, "boost.jump", "Boost.Context jump_fcontext");
    measure_build(&build, &boost);
    measure_ucontext(&base);
    bench_row_baseline(&base, &build);
    measure_swapcontext(&base);
    bench_row_baseline(&base, &build);
#if defined(__x86_64__)
    bare_make(new_stack());
    bench_measure(&base, "bare switch, 6 regs, no MXCSR/x87", "ns/switch",
                  bare_pingpong, NULL, OPS, 15);
    bench_row_baseline(&base, &build);
#endif
    /* Reported on an AMD EPYC machine (issue 8), before this switch:
     * context for a run there, not figures of this machine. */
    bench_reference(&base, "weft__ctx_switch before, AMD", "ns/switch", 11.6,
                    "reported on AMD EPYC (issue 8), not measured here");
    bench_row_baseline(&base, &build);
    bench_reference(&base, "Boost jump_fcontext, AMD", "ns/switch", 5.5,
                    "reported on AMD EPYC (issue 8), not measured here");
    bench_row_baseline(&base, &build);
    bench_reference(&base, "bare switch, 6 regs, AMD", "ns/switch", 4.0,
                    "reported on AMD EPYC (issue 8), not measured here");
    bench_row_baseline(&base, &build);
    measure_deep();
    return 0;
}
