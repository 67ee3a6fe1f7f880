/* sim/failfile.h: a failing run as a small text file (sim/failfile.c),
 * what a --corpus directory holds, what a fuzz target writes and what
 * `weft-explore --replay-file` runs:
 *
 *   # weft: a failing schedule (docs/FUZZING.md)
 *   strategy=replay:26.1
 *   seed=0
 *   kind=assert
 *   message=counter == 6 ...
 *
 * strategy and seed replay the run; kind and message say what it did. */
#ifndef WEFT_FAILFILE_H
#define WEFT_FAILFILE_H

#include "weft/sim.h"

/* Writes x to path (its shrunk schedule when it has one). 0 or -errno. */
int weft__failfile_write(const char *path, const weft_explore_failure *x);

/* Reads path into x (strategy, seed, kind, message). 0, -errno, or
 * -EINVAL when it has no strategy line or a bad seed. */
int weft__failfile_read(const char *path, weft_explore_failure *x);

#endif
