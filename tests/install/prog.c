/* tests/install/prog.c: a program built outside the tree, as a user
 * builds one: `cc prog.c $(pkg-config --cflags --libs weft)` against an
 * installed weft (make installcheck). Two tasks in a group, one cut
 * short by a timeout; prints what it saw. */
#include <stdio.h>
#include <weft.h>

static int sleeper(void *arg) {
    return weft_sleep(*(const weft_time *)arg);
}

static int main_task(void *arg) {
    static const weft_time short_nap = 10 * WEFT_MSEC;
    static const weft_time long_nap = 10 * WEFT_SEC;
    weft_group g;
    weft_scope s;
    (void)arg;
    weft_fail_after(&s, 50 * WEFT_MSEC);
    weft_group_init(&g);
    weft_spawn(&g, "short", sleeper, (void *)&short_nap);
    weft_spawn(&g, "long", sleeper, (void *)&long_nap);
    int rc = weft_scope_exit(&s, weft_group_join(&g));
    weft_group_destroy(&g);
    printf("installed weft: join rc=%d (%s)\n", rc,
           rc == -ETIMEDOUT ? "timed out, as expected" : "unexpected");
    return rc == -ETIMEDOUT ? 0 : 1;
}

int main(void) { return weft_run(NULL, main_task, NULL) == 0 ? 0 : 1; }
