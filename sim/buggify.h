/* sim/buggify.h: the sim backend's side of WEFT_BUGGIFY
 * (sim/buggify.c): a run's fault decisions begin and end with it. */
#ifndef WEFT_SIM_BUGGIFY_H
#define WEFT_SIM_BUGGIFY_H

#include <stdint.h>

/* Parses "E/F" (percents 0-100) or "off"; NULL: the defaults (25/25).
 * 0 or -EINVAL. */
int weft__buggify_parse(const char *spec, unsigned *enable, unsigned *fire);

/* A sim run with seed and setting spec (already checked) starts on the
 * calling thread; it ends. */
void weft__buggify_begin(uint64_t seed, const char *spec);
void weft__buggify_end(void);

#endif
