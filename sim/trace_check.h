/* sim/trace_check.h: the explorer's determinism check on traces. */
#ifndef WEFT_SIM_TRACE_CHECK_H
#define WEFT_SIM_TRACE_CHECK_H

/* Compares the trace files a and b byte for byte, skipping the header's
 * wall-clock field (the one field that differs between two runs of one
 * seed, docs/TRACE-FORMAT.md). 0: the same; 1: they differ; -errno: one
 * could not be read. */
int weft__traces_differ(const char *a, const char *b);

/* The path of the re-run's trace next to path ("X.trace" gives
 * "X.again.trace") into buf of n bytes. */
void weft__trace_again_path(const char *path, char *buf, size_t n);

#endif
