/* src/patterns/patterns.h: what the pattern files share (docs/ARCHITECTURE.md
 * "Layers": patterns, on top of groups and scopes). */
#ifndef WEFT_SRC_PATTERNS_H
#define WEFT_SRC_PATTERNS_H

#include <stdlib.h>

#include "sched.h"
#include "weft/patterns.h"

/* -EINVAL unless calls[0..n) exist and each has a function. */
static inline int weft__calls_check(const weft_call *calls, size_t n) {
    if (n && !calls) return -EINVAL;
    for (size_t i = 0; i < n; i++) {
        if (!calls[i].fn) return -EINVAL;
    }
    return 0;
}

/* malloc of n elements of size bytes; NULL on overflow or failure. */
static inline void *weft__alloc_array(size_t n, size_t size) {
    size_t bytes;
    if (__builtin_mul_overflow(n, size, &bytes)) return NULL;
    return malloc(bytes);
}

/* Whether the calling task's next checkpoint would be cancelled. */
static inline bool weft__self_cancelled(void) {
    return weft__task_cancelled(weft__task_current("a pattern"));
}

#endif
