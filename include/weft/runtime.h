/* weft/runtime.h: starting a runtime (lionpride's run_async). */
#ifndef WEFT_RUNTIME_H
#define WEFT_RUNTIME_H

#include "weft/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Backends, chosen at run time. */
#define WEFT_BACKEND_REAL 0 /* epoll event loop, monotonic clock */
#define WEFT_BACKEND_SIM 1  /* virtual clock, seeded deterministic scheduler */

/* How task stacks are protected against overflow (docs/STACKS.md).
 * Where the kernel has lightweight guard pages (Linux 6.13 and later:
 * madvise MADV_GUARD_INSTALL), every stack gets one in every mode: they
 * cost no kernel mapping, and the modes differ only on older kernels.
 * There a guard page is PROT_NONE and costs two kernel mappings per
 * stack, which caps a process near vm.max_map_count / 2 tasks; a canary
 * costs one compare per switch and detects an overflow at the next
 * switch, or at the first fault once the task has run off its stack,
 * instead of at the first write below it.
 * Every mode reports an overflow with a message naming the task. */
#define WEFT_STACK_GUARD_AUTO 0   /* guard pages while they are cheap or
                                     mappings plenty, canaries beyond
                                     (default) */
#define WEFT_STACK_GUARD_PAGE 1   /* a guard page under every stack */
#define WEFT_STACK_GUARD_CANARY 2 /* one mapping per slab: a lightweight
                                     guard page where the kernel has them,
                                     else canary words only (checked at
                                     switch) and the fault handler */

/* Task stack sizes (weft_config.stack_size), rounded up to whole pages.
 * Only the pages a task touches use memory; the rest is address space. */
#define WEFT_STACK_SIZE_DEFAULT (256 * 1024)        /* 256 KiB */
#define WEFT_STACK_SIZE_MIN (16 * 1024)             /* 16 KiB */
#define WEFT_STACK_SIZE_MAX (1024 * 1024 * 1024)    /* 1 GiB */

/* The largest slow-task threshold (weft_config.slow_task_ms): an hour. */
#define WEFT_SLOW_TASK_MS_MAX 3600000u

typedef struct weft_config {
    int backend;            /* WEFT_BACKEND_REAL (default) or _SIM */
    uint64_t seed;          /* sim: the one seed of every choice */
    const char *strategy;   /* sim: "random" (default) */
    const char *trace_path; /* trace file (docs/TRACING.md); NULL: none */
    size_t stack_size;      /* per task, bytes; 0: default (256 KiB) */
                            /* else WEFT_STACK_SIZE_MIN to _MAX */
    int stack_guard;        /* WEFT_STACK_GUARD_*; default AUTO */
    bool track_leaks;       /* leak tracking (weft/leak.h); default on */
    uint32_t slow_task_ms;  /* real: name on stderr a task that runs this
                               long without a checkpoint; 0: off (default),
                               at most WEFT_SLOW_TASK_MS_MAX */
    const char *buggify;    /* sim: WEFT_BUGGIFY's "E/F" percents or
                               "off"; NULL: "25/25" (weft/buggify.h) */
    /* room to grow: add fields at the end only */
} weft_config;

/* Fills *cfg with the defaults. Cannot fail. */
WEFT_API void weft_config_init(weft_config *cfg);

/* Runs main(arg) as the root task of a new runtime on the calling thread
 * and returns its result once every task has ended. cfg NULL: defaults.
 * WEFT_BACKEND (real|sim), WEFT_SEED (decimal without leading zeros, or
 * 0x hex), WEFT_STRATEGY, WEFT_TRACE, WEFT_TRACK_LEAKS (0|1) and
 * WEFT_SLOW_TASK_MS override the config where set (docs/GUIDE.md,
 * "Configuration"). -ENOTSUP for WEFT_BACKEND=sim in a build without the
 * simulator (./configure --disable-sim).
 * Before it returns, the run_sync worker threads are joined (waiting
 * for functions a cancelled caller left running) and what is still
 * tracked is reported as leaked (weft/leak.h).
 * Errors (before main runs): -EINVAL for a bad config field or
 * environment value, whichever the backend (one line on stderr names the
 * field or variable, the value and what is accepted), -errno when
 * the trace file (trace_path, WEFT_TRACE) cannot be created (a message
 * names it),
 * -EBUSY when called inside a running task, -ENOMEM.
 * -EDEADLK when every remaining task is blocked with nothing that could
 * wake it (the report on stderr names each task and what it waits on).
 * fork() inside a task: the child must not use the inherited runtime
 * (weft calls there are misuse); it may exec, _exit, or call weft_run
 * for a runtime of its own (docs/GUIDE.md, "fork inside a task"). */
WEFT_API int weft_run(const weft_config *cfg, int (*main)(void *), void *arg);

#ifdef __cplusplus
}
#endif
#endif
