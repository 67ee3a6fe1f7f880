/* src/fork.c: the fork rule (docs/GUIDE.md, "fork"). A child forked
 * inside a task holds a copy of its parent's runtime, but the epoll set
 * and the wake-up eventfd in it are the parent's own kernel objects,
 * shared: a child running that copy would take its parent's wake-ups.
 * So, in the child, a pthread_atfork handler closes the child's copies
 * of those objects (the parent's stay open) and detaches the runtime
 * from the thread: a weft call that needs it is misuse naming fork, and
 * weft_run builds the child a runtime of its own. */
#include "config.h"

#include "fork.h"

#include <pthread.h>

#include "sched.h"

/* The forking thread is the child's only one: thread-local is exact. */
static __thread struct weft__rt *inherited;
static pthread_once_t install_once = PTHREAD_ONCE_INIT;

static void in_child(void) {
    struct weft__rt *rt = weft__tls_rt;
    if (!rt) return; /* forked outside a runtime: nothing inherited */
    if (rt->backend->after_fork) rt->backend->after_fork(rt);
    weft__tls_rt = NULL;
    inherited = rt;
}

static void install(void) { pthread_atfork(NULL, NULL, in_child); }

void weft__fork_watch(void) { pthread_once(&install_once, install); }

struct weft__rt *weft__fork_inherited(void) { return inherited; }
