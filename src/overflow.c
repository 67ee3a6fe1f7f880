/* src/overflow.c: turns a stack overflow into a message naming the task.
 * A task that runs off its stack faults in the guard page below it; the
 * SIGSEGV handler runs on an alternate signal stack (the task's own is
 * exhausted), finds the task that owns that guard page, prints one line
 * and aborts. Faults elsewhere go to the handler installed before. */
#include "config.h"

#include "overflow.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sched.h"
#include "trace.h"

#define ALTSTACK_SIZE ((size_t)64 * 1024)

static struct sigaction previous;
static pthread_once_t install_once = PTHREAD_ONCE_INIT;

/* Async-signal-safe helpers: no stdio in a SIGSEGV handler. */
static void put(const char *s) {
    ssize_t rc = write(STDERR_FILENO, s, strlen(s));
    (void)rc;
}

static void put_u64(unsigned long long v) {
    char buf[24];
    char *p = buf + sizeof buf;
    *--p = '\0';
    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    put(p);
}

static void chain(int sig, siginfo_t *si, void *uc) {
    if (previous.sa_flags & SA_SIGINFO) {
        previous.sa_sigaction(sig, si, uc);
    } else if (previous.sa_handler != SIG_DFL &&
               previous.sa_handler != SIG_IGN) {
        previous.sa_handler(sig);
    } else {
        signal(sig, SIG_DFL); /* the fault repeats, now fatal */
    }
}

static void on_segv(int sig, siginfo_t *si, void *uc) {
    struct weft__rt *rt = weft__rt_current();
    struct weft__stack st;
    weft__trace_flush_signal(); /* whatever the fault, keep the trace */
    if (!rt || !weft__stack_find_overflow(&rt->stacks, si->si_addr, &st)) {
        chain(sig, si, uc);
        return;
    }
    const struct weft__task *t =
        weft__stack_top_object(&st, sizeof(struct weft__task));
    put("weft: stack overflow in task '");
    put(t->name ? t->name : "?");
    put("' (id ");
    put_u64(t->id);
    put("): its ");
    put_u64(st.size);
    put("-byte stack is exhausted; raise weft_config.stack_size\n");
    abort();
}

static void install_handler(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &previous);
}

int weft__overflow_init(struct weft__rt *rt) {
    void *mem = mmap(NULL, ALTSTACK_SIZE, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) return -ENOMEM;
    stack_t ss = {.ss_sp = mem, .ss_size = ALTSTACK_SIZE, .ss_flags = 0};
    stack_t old;
    if (sigaltstack(&ss, &old) != 0) {
        munmap(mem, ALTSTACK_SIZE);
        return -errno;
    }
    rt->altstack = mem;
    rt->old_altstack = old;
    pthread_once(&install_once, install_handler);
    return 0;
}

void weft__overflow_fini(struct weft__rt *rt) {
    sigaltstack(&rt->old_altstack, NULL);
    munmap(rt->altstack, ALTSTACK_SIZE);
}
