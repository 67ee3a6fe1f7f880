/* src/ctx/ucontext.c: portable context switch over makecontext and
 * swapcontext. Much slower than the assembly switches (swapcontext makes
 * a sigprocmask system call); chosen by ./configure --with-context=ucontext
 * or on an architecture without an assembly switch. */
#include "config.h"

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "ctx/ctx.h"
#include "common.h"

/* makecontext passes only int arguments: the pointer goes in two. */
static void ucontext_entry(unsigned hi, unsigned lo) {
    uintptr_t p = ((uintptr_t)hi << 16 << 16) | (uintptr_t)lo;
    void **pair = (void **)p;
    void (*entry)(void *) = (void (*)(void *))pair[0];
    entry(pair[1]);
    weft__assert(!"context entry returned");
}

void weft__ctx_make(struct weft__ctx *c, void *lo, size_t size,
                    void (*entry)(void *), void *arg) {
    /* The entry/arg pair lives at the top of the new stack. */
    void **pair = (void **)(((uintptr_t)lo + size - 2 * sizeof(void *)) &
                            ~(uintptr_t)15);
    pair[0] = (void *)entry;
    pair[1] = arg;
    getcontext(&c->uc);
    c->uc.uc_stack.ss_sp = lo;
    c->uc.uc_stack.ss_size = (size_t)((char *)pair - (char *)lo);
    c->uc.uc_link = NULL;
    uintptr_t p = (uintptr_t)pair;
    makecontext(&c->uc, (void (*)(void))ucontext_entry, 2,
                (unsigned)(p >> 16 >> 16), (unsigned)(p & 0xffffffffu));
}

/* The mask the runtime set, carried into each context resumed: a context
 * saved before the change (the loop's, a task's not yet started) would
 * otherwise put the old mask back. */
static __thread sigset_t kept_mask;
static __thread bool keeping;

void weft__ctx_keep_sigmask(bool keep) {
    keeping = keep && pthread_sigmask(SIG_SETMASK, NULL, &kept_mask) == 0;
}

void weft__ctx_switch(struct weft__ctx *from, struct weft__ctx *to) {
    if (keeping) to->uc.uc_sigmask = kept_mask;
    swapcontext(&from->uc, &to->uc);
}
