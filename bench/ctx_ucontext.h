/* bench/ctx_ucontext.h: src/ctx/ucontext.c under other names, so that
 * bench/ctx can time it beside the build's own switch (see
 * bench/ctx_ucontext.c). */
#ifndef WEFT_BENCH_CTX_UCONTEXT_H
#define WEFT_BENCH_CTX_UCONTEXT_H

#include <stddef.h>

struct bench__uctx;

/* A zeroed context, or NULL; free() it. */
struct bench__uctx *bench_uctx_new(void);

/* weft__ctx_make and weft__ctx_switch of src/ctx/ucontext.c. */
void bench__uctx_make(struct bench__uctx *c, void *lo, size_t size,
                      void (*entry)(void *), void *arg);
void bench__uctx_switch(struct bench__uctx *from, struct bench__uctx *to);

#endif
