/* examples/docs/guide.c: the fragments docs/GUIDE.md quotes, in a
 * program that checks what the guide says of them (run by
 * tests/doc_examples.sh; non-zero when a claim does not hold). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <weft.h>

/* The declaration the guide shows: it must agree with <weft.h>'s. */
int weft_run(const weft_config *cfg, int (*main)(void *), void *arg);

static int failures;
#define EXPECT(cond)                                                       \
    do {                                                                   \
        if (!(cond)) {                                                     \
            fprintf(stderr, "guide: %s:%d: %s\n", __FILE__, __LINE__,      \
                    #cond);                                                \
            failures++;                                                    \
        }                                                                  \
    } while (0)

/* Tasks and groups ------------------------------------------------------ */
static int worker(void *p) {
    int *n = p;
    int rc = weft_sleep(10 * WEFT_MSEC);
    if (rc == 0) (*n)++;
    return rc;
}

static int group_demo(void) {
    int arg = 0;
weft_group g;
weft_group_init(&g);
weft_spawn(&g, "worker", worker, &arg);   /* runs at the next checkpoint */
int rc = weft_group_join(&g);             /* waits for every task */
weft_group_destroy(&g);
    EXPECT(rc == 0 && arg == 1);   /* the worker ran to its end */
    return rc;
}

/* Cancellation ---------------------------------------------------------- */
static int do_work(void) { return weft_sleep(WEFT_SEC); }

static int scope_demo(void) {
    weft_time t0 = weft_now();
weft_scope s;
weft_move_on_after(&s, 100 * WEFT_MSEC);   /* or weft_fail_after, _at */
int rc = do_work();                         /* -ECANCELED once expired */
rc = weft_scope_exit(&s, rc);               /* 0 (move_on) or -ETIMEDOUT (fail) */
    EXPECT(rc == 0);
    EXPECT(weft_now() - t0 < WEFT_SEC);
    if (strcmp(weft_backend(), "sim") == 0) EXPECT(weft_now() - t0 == 100 * WEFT_MSEC);

    weft_scope f;   /* the same with weft_fail_after */
    weft_fail_after(&f, 100 * WEFT_MSEC);
    rc = do_work();
    EXPECT(rc == -ECANCELED);
    rc = weft_scope_exit(&f, rc);
    EXPECT(rc == -ETIMEDOUT);
    return 0;
}

static int main_task(void *arg) {
    (void)arg;
    group_demo();
    scope_demo();
    return failures ? 1 : 0;
}

int main(void) {
    int rc = weft_run(NULL, main_task, NULL);
    if (rc) fprintf(stderr, "guide: %d failures (rc=%d)\n", failures, rc);
    return rc ? 1 : 0;
}
