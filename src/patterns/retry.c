/* src/patterns/retry.c: weft_retry (docs/PATTERNS.md; lionpride's
 * retry). Exponential backoff with upward jitter drawn from
 * weft_random(), so that a sim run replays its delays; a sleep that
 * would end at or past the caller's effective deadline is not taken,
 * because it could only end cancelled. */
#include "config.h"

#include <float.h>

#include "patterns/patterns.h"
#include "weft/time.h"

void weft_retry_opts_init(weft_retry_opts *opts) {
    opts->attempts = 3;
    opts->base_delay = 100 * WEFT_MSEC;
    opts->max_delay = 2 * WEFT_SEC;
    opts->jitter = 0.1;
    opts->retry_on = NULL;
}

static int opts_check(const weft_retry_opts *o) {
    if (o->attempts < 1 || o->base_delay < 0 || o->max_delay < 0) {
        return -EINVAL;
    }
    if (!(o->jitter >= 0 && o->jitter <= DBL_MAX)) return -EINVAL; /* NaN */
    return 0;
}

/* The sleep after try k (k >= 1): c + floor(c * jitter * u) with
 * c = min(max_delay, base_delay * 2^(k-1)), saturating at WEFT_NEVER. */
static weft_time backoff(const weft_retry_opts *o, int k) {
    weft_time c = o->base_delay;
    for (int i = 1; i < k && c < o->max_delay; i++) {
        c = c > WEFT_NEVER / 2 ? WEFT_NEVER : c * 2;
    }
    if (c > o->max_delay) c = o->max_delay;
    if (o->jitter == 0) return c;
    double u = (double)(weft_random() >> 11) * 0x1p-53; /* [0, 1) */
    double extra = (double)c * o->jitter * u; /* >= 0: truncation floors */
    if (extra >= (double)(WEFT_NEVER - c)) return WEFT_NEVER;
    return c + (weft_time)extra;
}

static bool retryable(const weft_retry_opts *o, int rc) {
    if (rc == -ECANCELED) return false;
    return o->retry_on ? o->retry_on(rc) : true;
}

int weft_retry(int (*fn)(void *), void *arg, const weft_retry_opts *opts) {
    weft__task_current("weft_retry");
    weft_retry_opts defaults;
    if (!opts) {
        weft_retry_opts_init(&defaults);
        opts = &defaults;
    }
    if (!fn) return -EINVAL;
    int rc = opts_check(opts);
    if (rc) return rc;
    for (int k = 1;; k++) {
        rc = fn(arg);
        if (rc >= 0 || k >= opts->attempts || !retryable(opts, rc)) return rc;
        weft_time delay = backoff(opts, k);
        weft_time deadline = weft_effective_deadline();
        if (deadline != WEFT_NEVER && delay >= deadline - weft_now()) {
            return rc; /* the sleep could only end cancelled */
        }
        int slept = weft_sleep(delay);
        if (slept) return slept; /* -ECANCELED */
    }
}
