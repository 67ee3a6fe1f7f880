/* examples/timeouts.c: cancel scopes. move_on_after gives up quietly,
 * fail_after reports -ETIMEDOUT, and a shield lets cleanup finish even
 * inside a cancelled scope.
 *
 *   WEFT_BACKEND=sim ./examples/timeouts    # exact virtual times */
#include <stdio.h>
#include <string.h>
#include <weft.h>

static int cleanup(void *arg) {
    (void)arg;
    return weft_sleep(50 * WEFT_MSEC); /* not cancelled: shielded */
}

static int main_task(void *arg) {
    (void)arg;
    weft_time t0 = weft_now();
    weft_scope s;

    weft_move_on_after(&s, 100 * WEFT_MSEC);
    int rc = weft_sleep(WEFT_SEC);              /* -ECANCELED at 100 ms */
    rc = weft_scope_exit(&s, rc);               /* move_on: 0 */
    printf("move_on_after: rc=%d at %lld ms\n", rc,
           (long long)((weft_now() - t0) / WEFT_MSEC));

    weft_fail_after(&s, 100 * WEFT_MSEC);
    rc = weft_sleep(WEFT_SEC);
    int shielded = weft_shield(cleanup, NULL);  /* runs to the end */
    rc = weft_scope_exit(&s, rc);               /* fail: -ETIMEDOUT */
    printf("fail_after: %s, cleanup rc=%d, at %lld ms\n", strerror(-rc),
           shielded, (long long)((weft_now() - t0) / WEFT_MSEC));
    return 0;
}

int main(void) { return weft_run(NULL, main_task, NULL); }
