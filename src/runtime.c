/* src/runtime.c: weft_run (API.md "Runtime"): reads the configuration
 * and the WEFT_* environment, builds the runtime module by module, runs
 * the scheduler loop, and unwinds in reverse order. */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "overflow.h"
#include "prng.h"
#include "sched.h"
#include "strategy.h"
#include "thread.h"
#include "trace.h"
#include "weft/runtime.h"

void weft_config_init(weft_config *cfg) {
    memset(cfg, 0, sizeof *cfg);
    cfg->backend = WEFT_BACKEND_REAL;
    cfg->stack_guard = WEFT_STACK_GUARD_AUTO;
    cfg->track_leaks = true;
}

static int bad(const char *var, const char *value, const char *accepted) {
    fprintf(stderr, "weft: %s='%s' is not valid; accepted: %s\n", var, value,
            accepted);
    return -EINVAL;
}

static int parse_u64(const char *s, uint64_t *out) {
    if (!*s || *s == '-' || *s == '+' || *s == ' ') return -EINVAL;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || *end) return -EINVAL;
    *out = v;
    return 0;
}

static int apply_env(weft_config *cfg) {
    const char *v = getenv("WEFT_BACKEND");
    if (v) {
        if (!strcmp(v, "real")) {
            cfg->backend = WEFT_BACKEND_REAL;
        } else if (!strcmp(v, "sim")) {
            cfg->backend = WEFT_BACKEND_SIM;
        } else {
            return bad("WEFT_BACKEND", v, "real, sim");
        }
    }
    if ((v = getenv("WEFT_SEED")) && parse_u64(v, &cfg->seed)) {
        return bad("WEFT_SEED", v,
                   "an unsigned 64-bit integer, decimal or 0x hex");
    }
    if ((v = getenv("WEFT_STRATEGY"))) {
        const char *params;
        if (!weft__strategy_find(v, &params)) {
            char names[128];
            snprintf(names, sizeof names, "%s", weft__strategy_names() + 1);
            return bad("WEFT_STRATEGY", v, names);
        }
        cfg->strategy = v;
    }
    if ((v = getenv("WEFT_TRACK_LEAKS"))) {
        if (strcmp(v, "0") && strcmp(v, "1")) {
            return bad("WEFT_TRACK_LEAKS", v, "0 (off), 1 (on)");
        }
        cfg->track_leaks = v[0] == '1';
    }
    if ((v = getenv("WEFT_TRACE"))) {
        if (!*v) return bad("WEFT_TRACE", v, "a file path");
        cfg->trace_path = v;
    }
    return 0;
}

static int check_config(const weft_config *cfg) {
    if (cfg->backend != WEFT_BACKEND_REAL && cfg->backend != WEFT_BACKEND_SIM) {
        fprintf(stderr, "weft: weft_config.backend=%d is not valid; accepted: "
                        "WEFT_BACKEND_REAL, WEFT_BACKEND_SIM\n", cfg->backend);
        return -EINVAL;
    }
    if (cfg->stack_guard < WEFT_STACK_GUARD_AUTO ||
        cfg->stack_guard > WEFT_STACK_GUARD_CANARY) {
        fprintf(stderr, "weft: weft_config.stack_guard=%d is not valid; "
                        "accepted: WEFT_STACK_GUARD_AUTO, _PAGE, _CANARY\n",
                cfg->stack_guard);
        return -EINVAL;
    }
    return 0;
}

static void record_loop_stack(struct weft__rt *rt) {
    pthread_attr_t attr;
    void *lo;
    size_t size;
    if (pthread_getattr_np(pthread_self(), &attr) != 0) return;
    if (pthread_attr_getstack(&attr, &lo, &size) == 0) {
        rt->loop_stack_lo = lo;
        rt->loop_stack_size = size;
    }
    pthread_attr_destroy(&attr);
}

/* Builds rt's modules in order; on failure unwinds what was built. */
static int rt_init(struct weft__rt *rt, const weft_config *cfg) {
    rt->cfg = cfg;
    rt->backend = cfg->backend == WEFT_BACKEND_SIM ? &weft__backend_sim
                                                   : &weft__backend_epoll;
    weft__list_init(&rt->tasks);
    rt->cancel_epoch = 1; /* a new scope's 0 is stale */
    weft__leaks_init(rt, cfg->track_leaks);
    weft__list_init(&rt->jobs);
    pthread_mutex_init(&rt->remote_lock, NULL);
    weft__timers_init(&rt->timers);
    int rc = weft__stacks_init(&rt->stacks, cfg->stack_size, cfg->stack_guard);
    if (rc) {
        fprintf(stderr, "weft: weft_config.stack_size=%zu is below the "
                        "minimum of 16384 bytes\n", cfg->stack_size);
        return rc;
    }
    rc = rt->backend->init(rt, cfg);
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
    free(rt->runq);
}

int weft_run(const weft_config *cfg_in, int (*main_fn)(void *), void *arg) {
    if (weft__rt_current()) return -EBUSY;
    if (!main_fn) return -EINVAL;
    weft__leaks_forget_last_run();
    weft_config cfg;
    if (cfg_in) {
        cfg = *cfg_in;
    } else {
        weft_config_init(&cfg);
    }
    int rc = apply_env(&cfg);
    if (!rc) rc = check_config(&cfg);
    if (rc) return rc;
    struct weft__rt *rt = calloc(1, sizeof *rt);
    if (!rt) return -ENOMEM;
    rc = rt_init(rt, &cfg);
    if (rc) goto fail_free;
    weft__tls_rt = rt;
    rc = weft__task_create_root(rt, main_fn, arg);
    if (!rc) rc = weft__sched_loop(rt);
    if (!rc) rc = rt->root_result;
    weft__threads_fini(rt);
    weft__leaks_run_end(rt); /* before rt_fini unmaps the task stacks */
    weft__trace_close(rt, rc);
    if (rt->deadlocked) weft__tasks_abandon(rt);
    weft__tls_rt = NULL;
    rt_fini(rt);
fail_free:
    free(rt);
    return rc;
}
