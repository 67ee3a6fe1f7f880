/* sim/serve.h: the fork server of a program under weft-explore (the
 * program's side in sim/serve.c, the explorer's in sim/explore_cli.c). */
#ifndef WEFT_SERVE_H
#define WEFT_SERVE_H

#include <stdbool.h>
#include <stdint.h>

#include "weft/runtime.h"

struct weft__serve_request {
    uint64_t seed;
    char spec[512]; /* the strategy string, NUL-terminated */
};

/* Called by weft_run under sim with its configuration: when WEFT_EXPLORE
 * asks for a fork server, returns only in a forked child, with cfg's
 * seed and strategy set from the request; else returns at once. */
void weft__serve(weft_config *cfg);

/* The explorer's side: sends one request on fd req. 0 or -errno. */
int weft__serve_send(int req, uint64_t seed, const char *spec);

/* Reads one int answer (a pid, then a wait status); false at EOF. */
bool weft__serve_read_int(int fd, int *v);

#endif
