/* examples/cookbook/worker_pool.c: process many items, a few at once. */
#include <stdio.h>
#include <weft.h>

struct pool_stats {
    int running; /* calls running now */
    int peak;    /* the most that ever ran at once */
};

/* One job: "download" the item's size in ms; size 0 is a bad item. */
static int process(void *item, void *ctx) {
    const int *size = item;
    struct pool_stats *st = ctx;
    if (++st->running > st->peak) st->peak = st->running;
    int rc = *size ? weft_sleep(*size * WEFT_MSEC) : -EIO;
    st->running--;
    return rc;
}

static int main_task(void *arg) {
    (void)arg;
    int sizes[] = {40, 10, 30, 20, 0, 10, 50, 20};
    size_t n = sizeof sizes / sizeof sizes[0];
    int codes[sizeof sizes / sizeof sizes[0]];
    struct pool_stats st = {0, 0};
    weft_time t0 = weft_now();

    /* At most 3 at once; every item runs even when one fails. */
    int rc = weft_bounded_map(process, sizes, n, sizeof sizes[0], 3, &st,
                              codes, WEFT_COLLECT_ERRORS);
    printf("%zu items, at most %d at once, rc=%d, %lld ms\n", n, st.peak,
           rc, (long long)((weft_now() - t0) / WEFT_MSEC));
    for (size_t i = 0; i < n; i++) {
        if (codes[i] < 0) printf("item %zu failed: %d\n", i, codes[i]);
    }

    /* Without WEFT_COLLECT_ERRORS, the first failure cancels the rest. */
    rc = weft_bounded_map(process, sizes, n, sizeof sizes[0], 3, &st, codes,
                          0);
    printf("stop at first failure: rc=%d\n", rc);
    return 0;
}

int main(void) { return weft_run(NULL, main_task, NULL); }
