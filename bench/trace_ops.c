/* bench/trace_ops.c: a fixed number of one operation, for counting
 * instructions with cachegrind (docs/PERFORMANCE.md, "Trace recording"):
 * on a shared, noisy machine an instruction count per operation is
 * repeatable where a time is not. Real backend; WEFT_TRACE records.
 *   bench/trace_ops yield N   two tasks, N weft_yield each
 *   bench/trace_ops queue N   N round trips through two rendezvous queues
 *   bench/trace_ops lock N    2N uncontended acquire + release pairs
 * Run twice with different N: the difference over the extra operations
 * is the cost of one, free of set-up. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <weft.h>

static size_t n;

static int yielder(void *arg) {
    (void)arg;
    for (size_t i = 0; i < n; i++) weft_yield();
    return 0;
}

struct pair {
    weft_queue a, b;
};

static int ping(void *arg) {
    struct pair *p = arg;
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        weft_queue_put(&p->a, &x);
        weft_queue_get(&p->b, &x);
    }
    return 0;
}

static int pong(void *arg) {
    struct pair *p = arg;
    uint64_t x;
    for (size_t i = 0; i < n; i++) {
        weft_queue_get(&p->a, &x);
        weft_queue_put(&p->b, &x);
    }
    return 0;
}

static int locks(void) {
    weft_lock lk;
    weft_lock_init(&lk);
    for (size_t i = 0; i < 2 * n; i++) {
        weft_lock_acquire(&lk);
        weft_lock_release(&lk);
    }
    weft_lock_destroy(&lk);
    return 0;
}

static int run(void *what) {
    if (!strcmp(what, "lock")) return locks();
    struct pair p;
    weft_queue_init(&p.a, 0, sizeof(uint64_t));
    weft_queue_init(&p.b, 0, sizeof(uint64_t));
    bool yield = !strcmp(what, "yield");
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "a", yield ? yielder : ping, &p);
    weft_spawn(&g, "b", yield ? yielder : pong, &p);
    int rc = weft_group_join(&g);
    weft_group_destroy(&g);
    weft_queue_destroy(&p.a);
    weft_queue_destroy(&p.b);
    return rc;
}

int main(int argc, char **argv) {
    if (argc != 3 || (strcmp(argv[1], "yield") && strcmp(argv[1], "queue") &&
                      strcmp(argv[1], "lock"))) {
        fprintf(stderr, "usage: trace_ops yield|queue|lock N\n");
        return 2;
    }
    n = strtoul(argv[2], NULL, 10);
    return weft_run(NULL, run, argv[1]) ? 1 : 0;
}
