/* sim/junit.h: a campaign as a JUnit XML report (sim/junit.c). */
#ifndef WEFT_JUNIT_H
#define WEFT_JUNIT_H

#include <stddef.h>

#include "weft/sim.h"

struct weft__junit {
    const char *name;      /* the testcase: program, strategy, seeds */
    const char *program;   /* for classname and replay commands */
    const char *summary;   /* the summary line, as system-out */
    double seconds;
    const weft_explore_failure *fail; /* failures kept, nfail of them */
    size_t nfail;
    const char *const *missing;       /* required cover marks missed */
    size_t nmissing;
};

/* Writes j to path. 0 or -errno. */
int weft__junit_write(const char *path, const struct weft__junit *j);

#endif
