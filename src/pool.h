/* src/pool.h: the real backend's worker pool (src/pool.c), the
 * implementation of its offload op. The pool belongs to the backend's
 * state, created at the first job. */
#ifndef WEFT_SRC_POOL_H
#define WEFT_SRC_POOL_H

struct weft__pool;
struct weft__job;

/* Queues j for a worker thread of *pp (created on first use), starting
 * one when none is idle and the pool is below WEFT_RUN_SYNC_THREADS.
 * 0, -ENOMEM (no pool), or -EAGAIN (no thread at all could start). */
int weft__pool_submit(struct weft__pool **pp, struct weft__job *j);

/* Joins the workers (they finish every queued job first, posting each)
 * and frees *pp, leaving it NULL. No-op when *pp is NULL. */
void weft__pool_destroy(struct weft__pool **pp);

#endif
