/* src/common.h: macros shared by every source file, nothing else. */
#ifndef WEFT_SRC_COMMON_H
#define WEFT_SRC_COMMON_H

#include <stddef.h>

/* Built with AddressSanitizer: context switches announce stack changes. */
#if defined(__SANITIZE_ADDRESS__)
#define WEFT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WEFT_ASAN 1
#endif
#endif
#ifndef WEFT_ASAN
#define WEFT_ASAN 0
#endif

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define container_of(ptr, type, member) \
    ((type *)(void *)((char *)(ptr) - offsetof(type, member)))

#define WEFT__NORETURN __attribute__((noreturn))
#define WEFT__PRINTF(f, a) __attribute__((format(printf, f, a)))

/* A proven invariant, always checked: prints the expression, file:line
 * and, under sim, the seed and step, then aborts. */
#define weft__assert(x)                                                  \
    do {                                                                 \
        if (unlikely(!(x))) weft__assert_fail(#x, __FILE__, __LINE__);   \
    } while (0)

WEFT__NORETURN void weft__assert_fail(const char *expr, const char *file,
                                      int line);

/* API misuse: one line naming the object and its creation site, then
 * abort. Always compiled in. site_file may be NULL. */
WEFT__NORETURN WEFT__PRINTF(4, 5) void weft__misuse(const void *obj,
                                                    const char *site_file,
                                                    int site_line,
                                                    const char *fmt, ...);

#endif
