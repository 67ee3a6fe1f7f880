/* src/fork.h: the fork rule (see fork.c). */
#ifndef WEFT_FORK_H
#define WEFT_FORK_H

struct weft__rt;

/* Installs the process's fork handler once. */
void weft__fork_watch(void);

/* In a child forked inside a task: the runtime it inherited (not the
 * calling thread's any more), else NULL. */
struct weft__rt *weft__fork_inherited(void);

#endif
