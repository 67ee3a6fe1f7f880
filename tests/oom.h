/* tests/oom.h: allocation failures on demand, for the oom TCases (STYLE
 * section 9: fail allocation 1, 2, 3... until the call succeeds).
 * tests/oom.c interposes malloc, calloc and realloc in the test binary
 * (the one interposer: every suite that fails allocations links it);
 * oom_fail_at(k) makes the k-th allocation of the calling thread from
 * now fail, once. Other threads (run_sync's workers) are never failed.
 * No ck_assert while armed: Check allocates. Under AddressSanitizer the
 * allocator cannot be interposed this way: OOM_AVAILABLE is 0, the
 * interposer is left out and so are the oom cases. */
#ifndef WEFT_TESTS_OOM_H
#define WEFT_TESTS_OOM_H

#include <stdbool.h>

#if defined(__SANITIZE_ADDRESS__)
#define OOM_AVAILABLE 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define OOM_AVAILABLE 0
#endif
#endif
#ifndef OOM_AVAILABLE
#define OOM_AVAILABLE 1
#endif

/* Arms the failure of the k-th allocation from now (k >= 1). */
void oom_fail_at(long k);
/* Disarms; returns whether the armed failure happened. */
bool oom_off(void);

#endif
