/* sim/explore_child.h: collecting a run made in a child process. */
#ifndef WEFT_EXPLORE_CHILD_H
#define WEFT_EXPLORE_CHILD_H

#include <sys/types.h>

#include "explore.h"

/* Reads the report of child pid from rfd (closed here), waits for the
 * child, and judges the run: a crash by its signal, a hang when no
 * report came within timeout (the child is killed). 0 or -errno. */
int weft__child_collect(pid_t pid, int rfd, weft_time timeout,
                        struct weft__run_report *r, struct weft__outcome *o);

#endif
