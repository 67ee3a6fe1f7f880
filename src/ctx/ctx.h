/* src/ctx/ctx.h: the machine context switch. configure picks one
 * implementation: x86_64.S, aarch64.S (callee-saved registers and the FP
 * control state the ABI requires callees to preserve) or ucontext.c (a
 * portable, slower fallback). */
#ifndef WEFT_CTX_H
#define WEFT_CTX_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

#if WEFT_CTX_UCONTEXT
#include <ucontext.h>
struct weft__ctx {
    ucontext_t uc;
};
#else
struct weft__ctx {
    void *sp; /* saved stack pointer; the registers sit on that stack */
};
#endif

/* Prepares c to run entry(arg) on the stack [lo, lo + size) at the first
 * switch to it. entry must never return. */
void weft__ctx_make(struct weft__ctx *c, void *lo, size_t size,
                    void (*entry)(void *), void *arg);

/* Saves the running context in from and resumes to. */
void weft__ctx_switch(struct weft__ctx *from, struct weft__ctx *to);

/* keep: the runtime changed the thread's signal mask (weft_signal_wait
 * blocks signals) and every later switch must keep it; false: it put the
 * old mask back. Only the ucontext switch loads a mask (swapcontext
 * restores each context's own); the assembly switches never touch it. */
#if WEFT_CTX_UCONTEXT
void weft__ctx_keep_sigmask(bool keep);
#else
static inline void weft__ctx_keep_sigmask(bool keep) { (void)keep; }
#endif

/* Starts fetching the memory a switch to c will read first: the saved
 * registers and the frames that return above them. c itself must be in
 * the cache already, or this stalls until it is. */
static inline void weft__ctx_prefetch(const struct weft__ctx *c) {
#if WEFT_CTX_UCONTEXT
    (void)c; /* the registers are in c itself */
#else
    const char *sp = c->sp;
    for (int off = 0; off < 256; off += 64) __builtin_prefetch(sp + off);
#endif
}

#endif
