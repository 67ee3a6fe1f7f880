/* examples/docs/exploration.c: the fragment docs/EXPLORATION.md quotes:
 * a campaign that must find the lost update of a read-modify-write with
 * a schedule point in the middle (run by tests/doc_examples.sh). */
#include <errno.h>
#include <stdio.h>
#include <weft.h>

static int counter;

static int increment(void *arg) {
    (void)arg;
    int seen = counter;
    weft_sched_point("between read and write");
    counter = seen + 1;
    return 0;
}

/* Fails (-EIO) when an increment was lost. */
static int main_task(void *arg) {
    (void)arg;
    counter = 0;
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "a", increment, NULL);
    weft_spawn(&g, "b", increment, NULL);
    int rc = weft_group_join(&g);
    weft_group_destroy(&g);
    return rc ? rc : counter == 2 ? 0 : -EIO;
}

int main(void) {
    int found = 0;
weft_explore_opts o;
weft_explore_opts_init(&o);        /* seeds 1..100, random */
o.strategy = "pct:3";
o.seed_count = 300;
o.shrink = true;
weft_explore_result r;
if (weft_explore(&o, main_task, NULL, &r) == 1) {
    printf("seed %llu: %s\n", (unsigned long long)r.first.seed,
           r.first.message);
}
    /* the campaign is deterministic: once more, checking its result */
    found = weft_explore(&o, main_task, NULL, &r) == 1 && r.failures > 0;
    if (!found) {
        fprintf(stderr, "exploration: the lost update was not found\n");
        return 1;
    }
    return 0;
}
