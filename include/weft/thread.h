/* weft/thread.h: running blocking functions off the event loop (lionpride's
 * utils.run_sync; trio's to_thread.run_sync, AnyIO's to_thread.run_sync).
 *
 * Under the real backend the function runs on a worker thread of the
 * runtime's pool: at most WEFT_RUN_SYNC_THREADS threads, started on
 * demand, joined when weft_run returns; further calls queue in FIFO
 * order. The loop keeps running timers, I/O and other tasks meanwhile,
 * and the worker wakes it through the backend's cross-thread wake-up.
 * Under the simulator the function runs inline, at once, as if on a
 * worker thread (outside the runtime), and its completion is delivered
 * after a virtual delay drawn from the run's seed (1 us to 1 ms), so the
 * run replays. */
#ifndef WEFT_THREAD_H
#define WEFT_THREAD_H

#include "weft/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The bound of the worker pool of each runtime (real backend). */
#define WEFT_RUN_SYNC_THREADS 16

/* Flags of weft_run_sync. */
#define WEFT_CANCELLABLE 0x1u /* a cancelled caller stops waiting */

/* Runs fn(arg) on a worker thread and waits for it; returns fn's result.
 * fn runs outside the runtime: it must not call weft functions that
 * need a task (weft_sleep, weft_spawn, ...), and its arg must stay
 * valid until fn returns.
 *
 * Checkpoint: a caller already cancelled gets -ECANCELED and fn does not
 * run. Once fn is submitted it always runs to its end:
 *   - without WEFT_CANCELLABLE the wait is not cancellable: the caller
 *     waits for fn and gets its result; its next checkpoint then sees a
 *     cancellation that arrived meanwhile;
 *   - with WEFT_CANCELLABLE a cancelled caller stops waiting and gets
 *     -ECANCELED; fn finishes in the background and its result is
 *     dropped (arg must outlive fn: weft_run waits for it at the end).
 * Every call is tracked as a "run_sync job" (weft/leak.h).
 * Errors: -EINVAL (fn NULL or unknown flags), -ECANCELED, -ENOMEM (a
 * WEFT_CANCELLABLE job is allocated; the other kind lives on the
 * caller's stack), -EAGAIN (no worker thread could be started).
 * Misuse: outside a task. */
WEFT_API int weft_run_sync_at(int (*fn)(void *), void *arg, unsigned flags,
                              const char *file, int line);
#define weft_run_sync(fn, arg, flags)                                          \
    weft_run_sync_at((fn), (arg), (flags), __FILE__, __LINE__)

#ifdef __cplusplus
}
#endif
#endif
