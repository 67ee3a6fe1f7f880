/* examples/groups.c: tasks and task groups. Three workers run
 * concurrently; one fails, which cancels its siblings; the join waits for
 * all of them and returns the failure, and the error group lists every
 * task that did not return 0.
 *
 *   ./examples/groups                       # real backend
 *   WEFT_BACKEND=sim ./examples/groups      # same result, virtual time */
#include <stdio.h>
#include <string.h>
#include <weft.h>

static int worker(void *arg) {
    weft_time work = *(const weft_time *)arg;
    int rc = weft_sleep(work);
    if (rc) return rc;           /* -ECANCELED: a sibling failed */
    if (work == 20 * WEFT_MSEC) return -EIO;
    return 0;
}

static int main_task(void *arg) {
    (void)arg;
    static const weft_time work[] = {10 * WEFT_MSEC, 20 * WEFT_MSEC,
                                     500 * WEFT_MSEC};
    weft_time start = weft_now();
    weft_group g;
    weft_group_init(&g);
    for (int i = 0; i < 3; i++) weft_spawn(&g, "worker", worker, (void *)&work[i]);
    int rc = weft_group_join(&g);
    const weft_task_error *errs;
    size_t n = weft_group_errors(&g, &errs);
    printf("join: %s after %lld ms\n", rc ? strerror(-rc) : "ok",
           (long long)((weft_now() - start) / WEFT_MSEC));
    for (size_t i = 0; i < n; i++) {
        printf("  task %llu: %s\n", (unsigned long long)errs[i].task_id,
               strerror(-errs[i].code));
    }
    weft_group_destroy(&g);
    return rc == -EIO ? 0 : 1;
}

int main(void) { return weft_run(NULL, main_task, NULL); }
