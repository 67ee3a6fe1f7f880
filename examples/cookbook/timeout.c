/* examples/cookbook/timeout.c: give a call a time limit. */
#include <stdio.h>
#include <string.h>
#include <weft.h>

/* Stands for a call that may be slow: a request, a query. */
static int slow_call(weft_time duration) {
    return weft_sleep(duration);
}

/* The call, or -ETIMEDOUT when it takes more than 100 ms. */
static int call_with_timeout(weft_time duration) {
    weft_scope s;
    weft_fail_after(&s, 100 * WEFT_MSEC);
    int rc = slow_call(duration);
    return weft_scope_exit(&s, rc);
}

static int main_task(void *arg) {
    (void)arg;
    weft_time t0 = weft_now();
    int rc = call_with_timeout(30 * WEFT_MSEC);
    printf("fast call: rc=%d\n", rc);
    rc = call_with_timeout(5 * WEFT_SEC);
    printf("slow call: %s at %lld ms\n", strerror(-rc),
           (long long)((weft_now() - t0) / WEFT_MSEC));

    /* Best effort: do steps for 50 ms, then move on without an error. */
    weft_scope s;
    weft_move_on_after(&s, 50 * WEFT_MSEC);
    int steps = 0;
    while ((rc = weft_sleep(20 * WEFT_MSEC)) == 0) steps++;
    rc = weft_scope_exit(&s, rc);
    printf("best effort: %d steps, rc=%d\n", steps, rc);
    return 0;
}

int main(void) { return weft_run(NULL, main_task, NULL); }
