/* src/thread.c: weft_run_sync's jobs (see thread.h); how a job runs is
 * the backend's offload op (real: src/pool.c; sim: sim/backend_sim.c).
 * Invariants: a job is in rt->jobs and counted in rt->nexternal from
 * submission until weft__job_done; only the runtime's thread touches
 * rt->jobs. */
#include "config.h"

#include "thread.h"
#include "trace.h"

#include <stdlib.h>
#include <string.h>

#include "weft/thread.h"

/* ---- jobs ---- */

static void job_free(struct weft__job *j) {
    weft__untrack(&j->tracked, j);
    if (j->heap) free(j);
}

void weft__job_done(struct weft__job *j) {
    weft__list_erase(&j->live);
    j->rt->nexternal--;
    j->done = true;
    weft__trace_obj(j->rt, WEFT_EV_SYNC_DONE, 0, j, j->result);
    /* The caller was cancelled and left: the result is dropped here. */
    if (j->abandoned) {
        job_free(j);
        return;
    }
    weft__wake_first(&j->caller, 0); /* none: cancellation woke it first */
}

void weft__threads_fini(struct weft__rt *rt) {
    if (rt->backend->offload_drain) rt->backend->offload_drain(rt);
    weft__remote_deliver(rt); /* what was posted after the loop ended */
    /* Left: abandoned jobs whose completion is a timer (sim), and the
     * jobs of tasks a stopped run abandoned. */
    while (!weft__list_empty(&rt->jobs)) {
        struct weft__job *j =
            container_of(rt->jobs.next, struct weft__job, live);
        weft__assert(j->abandoned || rt->stop);
        if (j->timer.armed) { /* sim: its completion, and its slot */
            weft__timer_disarm(rt, &j->timer);
            weft__timers_release(&rt->timers, 1);
        }
        weft__list_erase(&j->live);
        rt->nexternal--;
        if (j->abandoned) job_free(j); /* else on an abandoned stack */
    }
}

/* ---- public API ---- */

/* Submits j and waits for it. *left: the caller was cancelled and the
 * job is the runtime's now (it frees it when done). */
static int submit_and_wait(struct weft__rt *rt, struct weft__job *j,
                           unsigned park_flags, bool *left) {
    *left = false;
    weft__list_push(&rt->jobs, &j->live);
    rt->nexternal++;
    weft__trace_obj(rt, WEFT_EV_SYNC_SUBMIT, 0, j, 0);
    int rc = rt->backend->offload(rt, j);
    if (rc) {
        weft__list_erase(&j->live);
        rt->nexternal--;
        return rc;
    }
    struct weft__wait w;
    rc = weft__park(&j->caller, &w, WEFT_NEVER, park_flags);
    if (rc != -ECANCELED) return j->result;
    /* WEFT_CANCELLABLE: the caller stops waiting; a job that completed
     * in the same turn is freed by the caller, one still running by
     * weft__job_done. */
    if (!j->done) {
        j->abandoned = true;
        weft__tracked_disown(&j->tracked, j);
        *left = true;
    }
    return -ECANCELED;
}

int weft_run_sync_at(int (*fn)(void *), void *arg, unsigned flags,
                     const char *file, int line) {
    struct weft__task *t = weft__task_current("weft_run_sync");
    if (!fn || (flags & ~WEFT_CANCELLABLE)) return -EINVAL;
    if (weft__task_cancelled(t)) return -ECANCELED;
    bool cancellable = flags & WEFT_CANCELLABLE;
    struct weft__job on_stack;
    struct weft__job *j = &on_stack;
    if (cancellable && !(j = malloc(sizeof *j))) return -ENOMEM;
    memset(j, 0, sizeof *j);
    j->rt = t->rt;
    j->fn = fn;
    j->arg = arg;
    j->heap = cancellable;
    weft__waitq_init(&j->caller, "run_sync", j, NULL);
    weft__track(&j->tracked, j, "run_sync job", file, line);
    bool left;
    t->call_site = (struct weft_call_site){file, line}; /* its park's site */
    int rc =
        submit_and_wait(t->rt, j, cancellable ? 0 : WEFT__PARK_NOCANCEL, &left);
    t->call_site.file = NULL;
    if (!left) job_free(j);
    return rc;
}
