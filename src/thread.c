/* src/thread.c: weft_run_sync and the real backend's worker pool (see
 * thread.h; DESIGN.md "Threads under sim" for the simulator's side).
 * Invariants: a job is in rt->jobs and counted in rt->nexternal from
 * submission until weft__job_done; a queued job is in pool->queue, and
 * pool->nqueued counts them; only the runtime's thread touches rt->jobs,
 * only pool->lock holders touch the pool's queue and counters. A worker
 * never touches a job after posting it: the loop may free it at once. */
#include "config.h"

#include "thread.h"
#include "trace.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "weft/thread.h"

struct weft__pool {
    pthread_mutex_t lock;
    pthread_cond_t work;     /* a job was queued, or stop */
    struct weft__list queue; /* jobs not started, oldest first */
    size_t nqueued;
    size_t nidle;    /* workers waiting for work */
    size_t nthreads; /* workers started */
    bool stopping;
    pthread_t threads[WEFT_RUN_SYNC_THREADS];
};

/* ---- the pool (real backend) ---- */

static void *worker_main(void *p) {
    struct weft__pool *pool = p;
    pthread_mutex_lock(&pool->lock);
    for (;;) {
        while (!pool->nqueued && !pool->stopping) {
            pool->nidle++;
            pthread_cond_wait(&pool->work, &pool->lock);
            pool->nidle--;
        }
        if (!pool->nqueued) break; /* stopping, and the queue is drained */
        struct weft__job *j =
            container_of(pool->queue.next, struct weft__job, node);
        weft__list_erase(&j->node);
        pool->nqueued--;
        pthread_mutex_unlock(&pool->lock);
        j->result = j->fn(j->arg);
        weft__remote_post(j->rt, &j->remote); /* j is the loop's now */
        pthread_mutex_lock(&pool->lock);
    }
    pthread_mutex_unlock(&pool->lock);
    return NULL;
}

/* Starts a worker with every signal blocked, so signals keep going to
 * the runtime's thread. Called with pool->lock held. 0 or -errno. */
static int start_worker(struct weft__pool *pool) {
    sigset_t all;
    sigset_t old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc =
        pthread_create(&pool->threads[pool->nthreads], NULL, worker_main, pool);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc) return -rc;
    pool->nthreads++;
    return 0;
}

static struct weft__pool *pool_create(void) {
    struct weft__pool *pool = calloc(1, sizeof *pool);
    if (!pool) return NULL;
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->work, NULL);
    weft__list_init(&pool->queue);
    return pool;
}

static void pool_destroy(struct weft__pool *pool) {
    pthread_mutex_lock(&pool->lock);
    pool->stopping = true;
    pthread_cond_broadcast(&pool->work);
    pthread_mutex_unlock(&pool->lock);
    for (size_t i = 0; i < pool->nthreads; i++) {
        pthread_join(pool->threads[i], NULL);
    }
    pthread_cond_destroy(&pool->work);
    pthread_mutex_destroy(&pool->lock);
    free(pool);
}

static void job_posted(struct weft__remote *r) {
    weft__job_done(container_of(r, struct weft__job, remote));
}

int weft__pool_submit(struct weft__rt *rt, struct weft__job *j) {
    if (!rt->pool && !(rt->pool = pool_create())) return -ENOMEM;
    struct weft__pool *pool = rt->pool;
    j->remote.deliver = job_posted;
    pthread_mutex_lock(&pool->lock);
    if (pool->nidle <= pool->nqueued &&
        pool->nthreads < WEFT_RUN_SYNC_THREADS) {
        int rc = start_worker(pool);
        if (rc && pool->nthreads == 0) { /* nobody would ever run it */
            pthread_mutex_unlock(&pool->lock);
            return rc;
        }
    }
    weft__list_push(&pool->queue, &j->node);
    pool->nqueued++;
    pthread_cond_signal(&pool->work);
    pthread_mutex_unlock(&pool->lock);
    return 0;
}

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

/* Delivers what workers posted after the loop stopped looking. */
static void deliver_posted(struct weft__rt *rt) {
    pthread_mutex_lock(&rt->remote_lock);
    struct weft__remote *r = rt->remote;
    rt->remote = NULL;
    pthread_mutex_unlock(&rt->remote_lock);
    while (r) {
        struct weft__remote *next = r->next;
        r->deliver(r);
        r = next;
    }
}

void weft__threads_fini(struct weft__rt *rt) {
    if (rt->pool) {
        pool_destroy(rt->pool);
        rt->pool = NULL;
    }
    deliver_posted(rt);
    /* Left: abandoned jobs whose completion is a timer (sim), and the
     * jobs of tasks a stopped run abandoned. */
    while (!weft__list_empty(&rt->jobs)) {
        struct weft__job *j =
            container_of(rt->jobs.next, struct weft__job, live);
        weft__assert(j->abandoned || rt->stop);
        weft__timer_disarm(rt, &j->timer);
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
    int rc =
        submit_and_wait(t->rt, j, cancellable ? 0 : WEFT__PARK_NOCANCEL, &left);
    if (!left) job_free(j);
    return rc;
}
