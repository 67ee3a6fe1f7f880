/* src/overflow.h: stack-overflow reports (see overflow.c). */
#ifndef WEFT_OVERFLOW_H
#define WEFT_OVERFLOW_H

struct weft__rt;

/* Gives the calling thread an alternate signal stack and installs the
 * process's SIGSEGV handler once. 0 or -errno. */
int weft__overflow_init(struct weft__rt *rt);
/* Restores the thread's previous alternate signal stack. */
void weft__overflow_fini(struct weft__rt *rt);

#endif
