/* examples/guide/flaky.c: a program the simulator cannot replay, for
 * docs/TESTING-YOUR-PROGRAM.md. A poller retries a few times before it
 * gives up, and how many times comes from the real clock: the same seed
 * takes other decisions on the next run, and weft-explore reports the
 * failure as nondeterminism. Built with -DFIXED (examples/guide/flaky_fixed)
 * the count comes from weft_random(), which the seed replays. */
#include <errno.h>
#include <stdio.h>
#include <time.h>
#include <weft.h>

static int ready;

static int retries(void) {
#ifndef FIXED
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts); /* the real clock: not replayed */
    return 1 + (int)(ts.tv_nsec / 1000 % 16);
#else
    return 1 + (int)(weft_random() % 16); /* the seed's own stream */
#endif
}

static int poller(void *arg) {
    (void)arg;
    for (int n = retries(); n > 0; n--) {
        if (ready) return 0;
        weft_yield();
    }
    return ready ? 0 : -ETIMEDOUT;
}

static int producer(void *arg) {
    (void)arg;
    for (int i = 0; i < 3; i++) weft_yield(); /* getting ready */
    ready = 1;
    return 0;
}

static int flaky_main(void *arg) {
    (void)arg;
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "poller", poller, NULL);
    weft_spawn(&g, "producer", producer, NULL);
    int rc = weft_group_join(&g);
    weft_group_destroy(&g);
    return rc;
}

int main(void) {
    int rc = weft_run(NULL, flaky_main, NULL);
    printf("%s\n", rc ? "gave up" : "ok");
    return rc ? 1 : 0;
}
