/* weft/common.h: shared definitions of the public API (visibility, time).
 * Every other weft header includes this one. */
#ifndef WEFT_COMMON_H
#define WEFT_COMMON_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define WEFT_API __attribute__((visibility("default")))
#else
#define WEFT_API
#endif

/* Time in nanoseconds on a monotonic clock (virtual under the simulator). */
typedef int64_t weft_time;

#define WEFT_NSEC ((weft_time)1)
#define WEFT_USEC ((weft_time)1000)
#define WEFT_MSEC ((weft_time)1000000)
#define WEFT_SEC ((weft_time)1000000000)
/* No deadline. */
#define WEFT_NEVER ((weft_time)INT64_MAX)

/* Where the running task made its current blocking call, so that a trace
 * names the line of the program that waits (docs/TRACING.md, "Call
 * sites"). Each blocking function is also a macro of the same name that
 * fills the running task's slot before the call and clears it after;
 * weft__call_site points at that slot (the scheduler repoints it at every
 * switch). Define WEFT_NO_CALL_SITES before including weft to call the
 * plain functions (the library's own sources do: a call it makes on the
 * user's behalf keeps the user's line). */
struct weft_call_site {
    const char *file; /* NULL: not inside a blocking call made by macro */
    int line;
};
WEFT_API extern __thread struct weft_call_site *weft__call_site
    __attribute__((tls_model("initial-exec")));

#if defined(WEFT_NO_CALL_SITES) || !defined(__GNUC__)
#define WEFT__AT(call) (call)
#else
/* call, with the running task's call site set around it (GNU C: a
 * statement expression, so the site is cleared once the call returns). */
#define WEFT__AT(call)                                                         \
    __extension__({                                                            \
        struct weft_call_site *weft__at_slot = weft__call_site;                \
        weft__at_slot->file = __FILE__;                                        \
        weft__at_slot->line = __LINE__;                                        \
        __typeof__(call) weft__at_result = (call);                             \
        weft__at_slot->file = NULL; /* the task's slot: the call kept it */    \
        weft__at_result;                                                       \
    })
#endif

#ifdef __cplusplus
}
#endif
#endif
