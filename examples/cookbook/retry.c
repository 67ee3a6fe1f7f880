/* examples/cookbook/retry.c: retry a flaky call with backoff, within a
 * deadline. */
#include <stdio.h>
#include <string.h>
#include <weft.h>

/* Stands for a call that fails until the service is back. */
struct flaky {
    int failures; /* how many calls fail before one succeeds */
    int ncalls;   /* calls made */
};

static int flaky_call(void *arg) {
    struct flaky *f = arg;
    f->ncalls++;
    return f->ncalls <= f->failures ? -EAGAIN : 0;
}

/* Retries flaky_call with delays of 100, 200, 400... ms; gives up at
 * once when the next delay would reach the limit. */
static int call_within(struct flaky *f, weft_time limit) {
    weft_retry_opts opts;
    weft_retry_opts_init(&opts);
    opts.attempts = 10;
    opts.base_delay = 100 * WEFT_MSEC;
    opts.jitter = 0; /* exact delays, for the printout */
    weft_scope s;
    weft_fail_after(&s, limit);
    int rc = weft_retry(flaky_call, f, &opts);
    return weft_scope_exit(&s, rc);
}

static int main_task(void *arg) {
    (void)arg;
    struct flaky back_soon = {.failures = 2, .ncalls = 0};
    weft_time t0 = weft_now();
    int rc = call_within(&back_soon, WEFT_SEC);
    printf("back soon: rc=%d after %d calls, at %lld ms\n", rc,
           back_soon.ncalls, (long long)((weft_now() - t0) / WEFT_MSEC));

    struct flaky down = {.failures = 1000, .ncalls = 0};
    t0 = weft_now();
    rc = call_within(&down, WEFT_SEC);
    printf("down: %s after %d calls, at %lld ms\n", strerror(-rc),
           down.ncalls, (long long)((weft_now() - t0) / WEFT_MSEC));
    return 0;
}

int main(void) { return weft_run(NULL, main_task, NULL); }
