/* src/pool.c: the real backend's worker pool, behind its offload op
 * (src/backend.h): at most WEFT_RUN_SYNC_THREADS threads, started on
 * demand, each running queued jobs oldest first and posting each done
 * job back through weft__remote_post. Invariants: a queued job is in
 * pool->queue and pool->nqueued counts them; only pool->lock holders
 * touch the queue and counters; a worker never touches a job after
 * posting it (the loop may free it at once). */
#include "config.h"

#include "pool.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>

#include "thread.h"
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

void weft__pool_destroy(struct weft__pool **pp) {
    struct weft__pool *pool = *pp;
    if (!pool) return;
    *pp = NULL;
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

int weft__pool_submit(struct weft__pool **pp, struct weft__job *j) {
    if (!*pp && !(*pp = pool_create())) return -ENOMEM;
    struct weft__pool *pool = *pp;
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
