/* src/runtime.c: weft_run (docs/GUIDE.md): takes the checked
 * configuration (conf.c), builds the runtime module by module, runs the
 * scheduler loop, and unwinds in reverse order. */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "fork.h"
#include "io/io.h"
#include "overflow.h"
#include "prng.h"
#include "sched.h"
#include "thread.h"
#include "trace.h"
#include "weft/runtime.h"

/* The thread's stack, asked once per thread: for the main thread the
 * C library reads /proc/self/maps to answer. */
static void record_loop_stack(struct weft__rt *rt) {
    static __thread void *lo;
    static __thread size_t size;
    pthread_attr_t attr;
    if (!size && pthread_getattr_np(pthread_self(), &attr) == 0) {
        if (pthread_attr_getstack(&attr, &lo, &size) != 0) size = 0;
        pthread_attr_destroy(&attr);
    }
    rt->loop_stack_lo = lo;
    rt->loop_stack_size = size;
}

/* Builds rt's modules in order; on failure unwinds what was built. */
static int rt_init(struct weft__rt *rt, const weft_config *cfg) {
    rt->cfg = cfg;
    rt->backend = weft__backend_find(cfg->backend); /* conf.c checked it */
    weft__list_init(&rt->tasks);
    rt->cancel_epoch = 1; /* a new scope's 0 is stale */
    rt->slow_ns = (weft_time)cfg->slow_task_ms * WEFT_MSEC;
    rt->step_limit = UINT64_MAX; /* the sim backend may lower them */
    rt->time_limit = WEFT_NEVER;
    weft__leaks_init(rt, cfg->track_leaks);
    weft__list_init(&rt->jobs);
    pthread_mutex_init(&rt->remote_lock, NULL);
    weft__timers_init(&rt->timers);
    weft__stacks_init(&rt->stacks, cfg->stack_size, cfg->stack_guard);
    int rc = rt->backend->init(rt, cfg);
    if (rc) goto fail_stacks;
    weft__xoshiro_seed(rt->rand_state, rt->backend->random_seed(rt));
    rc = weft__overflow_init(rt);
    if (rc) goto fail_backend;
    if (cfg->trace_path && (rc = weft__trace_open(rt, cfg->trace_path))) {
        goto fail_overflow;
    }
    record_loop_stack(rt);
    return 0;
fail_overflow:
    weft__overflow_fini(rt);
fail_backend:
    rt->backend->fini(rt);
fail_stacks:
    weft__stacks_fini(&rt->stacks);
    return rc;
}

static void rt_fini(struct weft__rt *rt) {
    pthread_mutex_destroy(&rt->remote_lock);
    weft__overflow_fini(rt);
    rt->backend->fini(rt);
    weft__stacks_fini(&rt->stacks);
    weft__timers_fini(&rt->timers);
    free(rt->runq);
}

/* What every run checks first: 0, -EBUSY or -EINVAL. */
static int run_prologue(int (*main_fn)(void *)) {
    if (weft__rt_current()) return -EBUSY;
    if (!main_fn) return -EINVAL;
    weft__fork_watch();
    weft__leaks_forget_last_run();
    return 0;
}

/* Runs main_fn under cfg, already checked. */
static int run_checked(const weft_config *cfg, int (*main_fn)(void *),
                       void *arg) {
    struct weft__rt *rt = calloc(1, sizeof *rt);
    if (!rt) return -ENOMEM;
    int rc = rt_init(rt, cfg);
    if (rc) goto fail_free;
    weft__tls_rt = rt;
    rc = weft__task_create_root(rt, main_fn, arg);
    if (!rc) rc = weft__sched_loop(rt);
    if (unlikely(weft__fork_inherited() == rt)) { /* its root returned */
        weft__misuse(NULL, NULL, 0, "weft_run of a runtime inherited "
                     "through fork() returned");
    }
    if (!rc) rc = rt->root_result;
    weft__threads_fini(rt);
    weft__io_fini(rt);
    weft__leaks_run_end(rt); /* before rt_fini unmaps the task stacks */
    weft__trace_close(rt, rc);
    if (rt->deadlocked || rt->stop) weft__tasks_abandon(rt);
    weft__tls_rt = NULL;
    if (rt->backend->run_end) rt->backend->run_end(rt, rc);
    rt_fini(rt);
fail_free:
    free(rt);
    return rc;
}

int weft__run_exact(const weft_config *cfg, int (*main_fn)(void *),
                    void *arg) {
    int rc = run_prologue(main_fn);
    if (!rc) rc = weft__config_check(cfg);
    return rc ? rc : run_checked(cfg, main_fn, arg);
}

int weft_run(const weft_config *cfg_in, int (*main_fn)(void *), void *arg) {
    int rc = run_prologue(main_fn);
    if (rc) return rc;
    weft_config cfg;
    rc = weft__config_resolve(cfg_in, &cfg);
    if (rc) return rc;
    const struct weft__backend_ops *b = weft__backend_find(cfg.backend);
    if (b->before_run) { /* conf.c checked that b is built in */
        b->before_run(&cfg); /* sim, under weft-explore: in a child */
        rc = weft__config_check(&cfg);
    }
    return rc ? rc : run_checked(&cfg, main_fn, arg);
}
