/* weft/trace.h: notes in the run's trace (docs/TRACING.md).
 * A run records a trace when weft_config.trace_path or WEFT_TRACE names
 * a file; weft-trace reads it. */
#ifndef WEFT_TRACE_H
#define WEFT_TRACE_H

#include "weft/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Adds a note, printf-formatted and cut to 255 bytes, to the trace of
 * the calling thread's run, attributed to the running task. Does
 * nothing when the run records no trace or outside a run. */
WEFT_API void weft_trace_note(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

#ifdef __cplusplus
}
#endif
#endif
