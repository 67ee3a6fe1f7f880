/* tests/oom.c: see oom.h. glibc exports its allocator as __libc_malloc
 * and friends, so the interposed functions forward there. */
#include "oom.h"

#include <stddef.h>
#include <stdlib.h>

static __thread long countdown; /* 0: disarmed */
static __thread bool failed;

void oom_fail_at(long k) {
    countdown = k;
    failed = false;
}

bool oom_off(void) {
    countdown = 0;
    return failed;
}

#if OOM_AVAILABLE
extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t n);

static bool fail_now(void) {
    if (countdown == 0 || --countdown) return false;
    failed = true;
    return true;
}

void *malloc(size_t n) {
    return fail_now() ? NULL : __libc_malloc(n);
}

void *calloc(size_t n, size_t size) {
    return fail_now() ? NULL : __libc_calloc(n, size);
}

void *realloc(void *p, size_t n) {
    return fail_now() ? NULL : __libc_realloc(p, n);
}
#endif
