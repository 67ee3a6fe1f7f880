/* src/overflow.c: turns a stack overflow into a message naming the task,
 * in every guard mode. The SIGSEGV handler runs on an alternate signal
 * stack (the task's own is exhausted). A fault while a task runs is that
 * task's overflow when it lands in the page under the task's stack (its
 * guard page, or the gap above the neighbour's stack in canary mode),
 * or anywhere near a stack pointer that has left the stack (canary mode:
 * the task ran on through the memory below until it touched something
 * unmapped), or when the task's canary is overwritten. The handler
 * prints one line and aborts; other faults go to the handler installed
 * before (after a hint in a child forked inside a task, src/fork.c).
 * docs/STACKS.md says what each mode catches. */
#include "config.h"

#include "overflow.h"

#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "fork.h"
#include "sched.h"
#include "trace.h"

#define ALTSTACK_SIZE ((size_t)64 * 1024)
#define SP_SLACK ((uintptr_t)64 * 1024)

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

/* The stack pointer at the fault; UINTPTR_MAX where the architecture's
 * context is not known here (then only the page under the stack counts). */
static uintptr_t fault_sp(const void *ucv) {
    const ucontext_t *uc = ucv;
#if defined(__x86_64__)
    return (uintptr_t)uc->uc_mcontext.gregs[REG_RSP];
#elif defined(__aarch64__)
    return (uintptr_t)uc->uc_mcontext.sp;
#else
    (void)uc;
    return UINTPTR_MAX;
#endif
}

/* Whether a fault at addr, with the stack pointer at sp, is t running off
 * the bottom of its stack. A frame is written near the stack pointer:
 * below it by the red zone or a stack probe, above it up to its size.
 * Only addresses count, not si_code: a lightweight guard (stack.c)
 * faults with SEGV_MAPERR, a PROT_NONE page with SEGV_ACCERR. */
static bool ran_off(const struct weft__task *t, size_t page, uintptr_t addr,
                    uintptr_t sp) {
    uintptr_t lo = (uintptr_t)t->stack.lo;
    if (addr >= lo) return false;
    if (addr >= lo - page) return true;
    return sp < lo && addr + SP_SLACK >= sp;
}

WEFT__NORETURN static void report(const struct weft__task *t) {
    put("weft: stack overflow in task '");
    put(t->name ? t->name : "?");
    put("' (id ");
    put_u64(t->id);
    put("): its ");
    put_u64(t->stack.size);
    put("-byte stack is exhausted; raise weft_config.stack_size");
    if (!t->stack.guarded) {
        put(" (no guard page under this stack: the memory below it, other "
            "tasks' stacks included, may be corrupt)");
    }
    put("\n");
    abort();
}

static void on_segv(int sig, siginfo_t *si, void *uc) {
    struct weft__rt *rt = weft__rt_current();
    weft__trace_flush_signal(); /* whatever the fault, keep the trace */
    if (!rt && weft__fork_inherited()) { /* maybe not ours: a hint */
        put("weft: segmentation fault in a process forked inside a weft "
            "task: did it return from the task function? It must not use "
            "its parent's runtime; it may exec, _exit, or call weft_run "
            "for a runtime of its own\n");
    }
    const struct weft__task *t = rt ? rt->current : NULL;
    if (t && (ran_off(t, rt->stacks.page, (uintptr_t)si->si_addr,
                      fault_sp(uc)) ||
              !weft__stack_canary_ok(&t->stack))) {
        report(t);
    }
    chain(sig, si, uc);
}

static void install_handler(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &previous);
}

/* The signal stack stays installed after a runtime ends when the thread
 * had none before: the next runtime on the thread takes it over without
 * a system call (an explorer makes thousands of runs). Removed and
 * unmapped at thread exit. */
static __thread void *kept;
static pthread_key_t kept_key;
static pthread_once_t kept_once = PTHREAD_ONCE_INIT;

static void drop_kept(void *unused) {
    (void)unused;
    if (!kept) return;
    stack_t off = {.ss_flags = SS_DISABLE};
    sigaltstack(&off, NULL);
    munmap(kept, ALTSTACK_SIZE);
    kept = NULL;
}

static void make_kept_key(void) { pthread_key_create(&kept_key, drop_kept); }

int weft__overflow_init(struct weft__rt *rt) {
    if (kept) {
        rt->altstack = kept;
        rt->old_altstack = (stack_t){.ss_flags = SS_DISABLE};
        kept = NULL;
        return 0; /* the handler is installed since the first runtime */
    }
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
    if (rt->old_altstack.ss_flags & SS_DISABLE) {
        kept = rt->altstack;
        pthread_once(&kept_once, make_kept_key);
        pthread_setspecific(kept_key, kept); /* non-NULL: drop at exit */
        return;
    }
    sigaltstack(&rt->old_altstack, NULL);
    munmap(rt->altstack, ALTSTACK_SIZE);
}
