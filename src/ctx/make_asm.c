/* src/ctx/make_asm.c: builds the first frame of a context for the
 * assembly switches (x86_64.S, aarch64.S): the frame weft__ctx_switch
 * pops, with the trampoline as return address and entry/arg in two
 * callee-saved registers (x86_64: r12/r13, aarch64: x19/x20). */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "ctx/ctx.h"

void weft__ctx_trampoline(void);

#if defined(__x86_64__)
/* mxcsr|fpucw, r15, r14, r13, r12, rbx, rbp, return address */
enum { FRAME_WORDS = 8, SLOT_ARG = 3, SLOT_ENTRY = 4, SLOT_RET = 7 };
static const uint64_t control_words = 0x1F80u | ((uint64_t)0x037Fu << 32);
#elif defined(__aarch64__)
/* fpcr, pad, d8-d15, x19-x28, x29, x30 (aarch64.S): x19 = entry,
 * x20 = arg, x29 = 0 (end of the frame chain), x30 = trampoline; FPCR 0 is
 * the Linux default (round to nearest, no flush-to-zero, no traps). */
enum { FRAME_WORDS = 22, SLOT_ENTRY = 10, SLOT_ARG = 11, SLOT_RET = 21 };
static const uint64_t control_words = 0;
#else
#error "no assembly context switch for this architecture: use ucontext"
#endif

void weft__ctx_make(struct weft__ctx *c, void *lo, size_t size,
                    void (*entry)(void *), void *arg) {
    uintptr_t top = ((uintptr_t)lo + size) & ~(uintptr_t)15;
    uint64_t *frame = (uint64_t *)top - FRAME_WORDS;
    memset(frame, 0, FRAME_WORDS * sizeof *frame);
    frame[0] = control_words;
    frame[SLOT_ENTRY] = (uint64_t)(uintptr_t)entry;
    frame[SLOT_ARG] = (uint64_t)(uintptr_t)arg;
    frame[SLOT_RET] = (uint64_t)(uintptr_t)weft__ctx_trampoline;
    c->sp = frame;
}
