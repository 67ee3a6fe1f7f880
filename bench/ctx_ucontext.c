/* bench/ctx_ucontext.c: compiles src/ctx/ucontext.c as it is, with its
 * symbols renamed (bench__uctx_*) and WEFT_CTX_UCONTEXT forced on by
 * bench/uctx/config.h, so one binary holds both context switches. */
#include "ctx_ucontext.h"

#define weft__ctx bench__uctx
#define weft__ctx_make bench__uctx_make
#define weft__ctx_switch bench__uctx_switch
#include "ctx/ucontext.c"

#include <stdlib.h>

struct bench__uctx *bench_uctx_new(void) {
    return calloc(1, sizeof(struct bench__uctx));
}
