/* bench/uctx/config.h: the build's config.h with WEFT_CTX_UCONTEXT forced
 * to 1, found first (-iquote) when bench/ctx_ucontext.c compiles
 * src/ctx/ucontext.c into an assembly-switch build, so bench/ctx can time
 * both switches side by side. Guarded: config.h itself is not. */
#ifndef WEFT_BENCH_UCTX_CONFIG_H
#define WEFT_BENCH_UCTX_CONFIG_H
#include_next "config.h"
#undef WEFT_CTX_UCONTEXT
#define WEFT_CTX_UCONTEXT 1
#endif
