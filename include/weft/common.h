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

#ifdef __cplusplus
}
#endif
#endif
