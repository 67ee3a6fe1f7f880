/* weft/buggify.h: fault points and coverage marks in the program under
 * test (docs/FUZZING.md "Fault points and coverage marks").
 *
 * WEFT_BUGGIFY() is true only inside a sim run, decided from its seed
 * (FoundationDB's BUGGIFY): each call site is enabled for a run with
 * probability E, and an enabled site fires with probability F each time
 * it is reached. E and F are percents set by weft_config.buggify or
 * WEFT_BUGGIFY ("E/F", default "25/25"; "off": never fires).
 *
 * WEFT_COVER("label") marks a rare path (TigerBeetle's coverage marks):
 * the explorer reports which marks a campaign reached and how often, and
 * `weft-explore --require-cover LABEL` fails a campaign that never
 * reached LABEL.
 *
 * Under the real backend both cost one predictable test of a global that
 * only a sim run sets; built with -DWEFT_NO_SIM they are the constants 0
 * and nothing, and the compiler removes the code they guard. */
#ifndef WEFT_BUGGIFY_H
#define WEFT_BUGGIFY_H

#include "weft/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Sim runs under way in this process; 0 while only real runs are. */
WEFT_API extern int weft__sim_live;

/* The calls behind the macros: use the macros. */
WEFT_API int weft_buggify_fire(const char *file, int line);
WEFT_API void weft_cover_hit(const char *label);

#if defined(WEFT_NO_SIM)
#define WEFT_BUGGIFY() 0
#define WEFT_COVER(label) ((void)0)
#else
#define WEFT_BUGGIFY()                                                      \
    (__builtin_expect(weft__sim_live != 0, 0) &&                            \
     weft_buggify_fire(__FILE__, __LINE__))
#define WEFT_COVER(label)                                                   \
    (__builtin_expect(weft__sim_live != 0, 0) ? weft_cover_hit(label)       \
                                              : (void)0)
#endif

#ifdef __cplusplus
}
#endif
#endif
