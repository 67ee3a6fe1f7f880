/* src/slow.c: the slow-task warning (weft_config.slow_task_ms,
 * WEFT_SLOW_TASK_MS; asyncio's debug mode). A task runs from the moment
 * it is switched in until it reaches a checkpoint; one that ran longer
 * than the threshold (a blocking syscall, a long loop) stalled every
 * other task and timer meanwhile, and is named on stderr with how long
 * it ran and where it had last resumed. Off (rt->slow_ns 0) it costs
 * the scheduler one untaken branch per switch; on, a read of the coarse
 * clock per switch (a few ms of resolution, cheaper than the precise
 * clock: docs/PERFORMANCE.md). Under sim virtual time stands still while
 * a task runs: it never fires. */
#include "config.h"

#include <stdio.h>

#include "sched.h"

static void report(const struct weft__task *t, weft_time ran,
                   weft_time threshold) {
    fprintf(stderr,
            "weft: slow task '%s' (id %llu) ran %lld ms without reaching a "
            "checkpoint, since it resumed from %s (threshold %lld ms): "
            "every other task and timer waited; move blocking work to "
            "weft_run_sync or add a checkpoint (weft_yield)\n",
            t->name ? t->name : "?", (unsigned long long)t->id,
            (long long)(ran / WEFT_MSEC),
            t->resumed_from ? t->resumed_from : "its start",
            (long long)(threshold / WEFT_MSEC));
}

void weft__slow_check(struct weft__rt *rt, struct weft__task *t) {
    weft_time now = rt->backend->now_coarse(rt);
    if (now - rt->slice_start > rt->slow_ns) {
        report(t, now - rt->slice_start, rt->slow_ns);
    }
    rt->slice_start = now;
    const struct weft__waitq *q = t->wait ? t->wait->q : NULL;
    if (q) {
        t->resumed_from = q->kind;
    } else {
        t->resumed_from = t->wait ? "a sleep or a deadline" : "a yield";
    }
}
