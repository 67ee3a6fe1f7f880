/* tests/ci_prog.c: the program tests/explore_ci.sh explores. A retry
 * path taken only when a WEFT_BUGGIFY fault fires is marked with
 * WEFT_COVER("retry"); "never" marks a path no run takes. With the
 * argument "racy" two tasks also race on a counter (a lost update found
 * by some seeds and not others), so campaigns have both failures and
 * passes to save, shard and report. */
#include <stdio.h>
#include <string.h>
#include <weft.h>

static int counter;
static int racy;

static int add(void *arg) {
    (void)arg;
    int seen = counter;
    weft_sched_point("between read and write");
    counter = seen + 1;
    return 0;
}

static int body(void *arg) {
    (void)arg;
    for (int i = 0; i < 4; i++) {
        if (WEFT_BUGGIFY()) {
            WEFT_COVER("retry"); /* a fault: the path under test */
            weft_sleep(WEFT_MSEC);
        }
    }
    if (counter < 0) WEFT_COVER("never");
    if (!racy) return 0;
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "a", add, NULL);
    weft_spawn(&g, "b", add, NULL);
    int rc = weft_group_join(&g);
    weft_group_destroy(&g);
    WEFT_ASSERT(counter == 2);
    return rc;
}

int main(int argc, char **argv) {
    racy = argc > 1 && !strcmp(argv[1], "racy");
    return weft_run(NULL, body, NULL) ? 1 : 0;
}
