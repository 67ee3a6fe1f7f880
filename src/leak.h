/* src/leak.h: automatic leak tracking of weft objects (API.md "Leak
 * tracking"). Every object embeds a struct weft__tracked; its _init
 * tracks it and its _destroy (or exit) untracks it, so whatever is still
 * tracked when weft_run ends was leaked. Tracking never allocates. */
#ifndef WEFT_LEAK_H
#define WEFT_LEAK_H

#include "weft/private.h"

struct weft__rt;

/* Starts tracking obj (kind static, e.g. "lock"; created at file:line)
 * in the calling thread's runtime. Outside a runtime: not tracked. */
void weft__track(struct weft__tracked *tr, const void *obj, const char *kind,
                 const char *file, int line);

/* Stops tracking; harmless when tr is not tracked. */
void weft__untrack(struct weft__tracked *tr);

/* Reports what rt still tracks on stderr; returns how many. */
size_t weft__leaks_report(struct weft__rt *rt, const char *when);

#endif
