/* src/thread.h: run_sync jobs and the worker pool (API.md "Threads",
 * include/weft/thread.h).
 *
 * A job is one weft_run_sync call. The calling task parks until the job
 * is done; the backend's offload op decides how fn runs (real: the pool
 * of src/pool.c; sim: inline, done at a seeded virtual time), and hands the job
 * back on the runtime's thread through weft__job_done. The caller parks
 * on the job's own wait queue, so a completion that comes after a
 * cancellation already woke it finds the queue empty and wakes nobody.
 * From submission
 * to done the job is in rt->jobs and counted in rt->nexternal, so the
 * loop knows an outside event may still wake a task.
 *
 *   task --offload--> pool queue --worker: fn(arg)--> rt->remote
 *        <--wake------ weft__job_done <--loop: deliver--'              */
#ifndef WEFT_SRC_THREAD_H
#define WEFT_SRC_THREAD_H

#include "sched.h"

struct weft__job {
    struct weft__remote remote; /* real: how a worker hands it back */
    struct weft__list node;     /* real: in the pool's queue until taken */
    struct weft__list live;     /* in rt->jobs until done */
    struct weft__timer timer;   /* sim: its virtual completion */
    struct weft__rt *rt;        /* weak: outlives every job */
    int (*fn)(void *);
    void *arg;                 /* borrowed from the caller */
    int result;                /* fn's, written before done */
    struct weft__waitq caller; /* the caller, while it waits: whoever
                                  wakes it (completion or cancellation)
                                  dequeues it first */
    bool done;                 /* weft__job_done ran */
    bool abandoned;            /* the caller was cancelled and left:
                                  job_done frees it */
    bool heap;                 /* allocated (WEFT_CANCELLABLE) */
    struct weft__tracked tracked;
};

/* The job is finished: called on the runtime's thread (in the loop or
 * from a timer). Wakes the caller, or frees an abandoned job. */
void weft__job_done(struct weft__job *j);

/* At weft_run's end, on its thread: drains the backend's offload (real:
 * joins the workers, which finish every queued job first), delivers what
 * they posted, and frees jobs whose
 * caller left (their completion will never come through the loop). */
void weft__threads_fini(struct weft__rt *rt);

#endif
