/* tests/leak_test.h: helpers shared by the leak suites
 * (tests/check_leak.c, tests/check_leak_stack.c): stderr captured to a
 * string, the weft_leaks() entry of an object, and a run with tracking
 * switched on or off. */
#ifndef WEFT_TESTS_LEAK_TEST_H
#define WEFT_TESTS_LEAK_TEST_H

#include <stdio.h>

#include "harness.h"

/* stderr goes to a temporary file between begin and end. */
struct capture {
    FILE *f;
    int saved;
};

void capture_begin(struct capture *c);
/* Restores stderr; returns buf holding what was written, cut to n - 1. */
const char *capture_end(struct capture *c, char *buf, size_t n);

/* The entry of weft_leaks() for ptr, or NULL. */
const weft_leak_info *find_leak(const weft_leak_info *all, size_t n,
                                const void *ptr);

/* fn(arg) under the real backend (i == 0) or sim seed i, with
 * weft_config.track_leaks = track. */
int run_cfg(int i, bool track, int (*fn)(void *), void *arg);

#endif
