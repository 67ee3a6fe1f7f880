/* bench/hot_ops.c: the scheduler's hot paths one at a time, for issue 8
 * (docs/PERFORMANCE.md, "Per machine type"). Real backend, default
 * configuration (leak tracking on, as in bench/sync).
 *   bench/hot_ops OP N      N operations once: for instruction counts
 *                           (callgrind with N and 2N; the difference is
 *                           free of set-up)
 *   bench/hot_ops OP N R    the same N operations R + 1 times in one
 *                           runtime, the first a warm-up: prints the
 *                           fastest of the R in ns per operation (on a
 *                           shared machine the minimum is the figure
 *                           least moved by other work)
 * OP and what an operation is:
 *   spawn   an empty task spawned and joined, in groups of 1,000 (N a
 *           multiple of 1,000)
 *   queue   a message through a rendezvous queue (capacity 0, 8-byte
 *           items): two tasks, two queues, N round trips of 2 messages
 *   lock    an uncontended weft_lock acquire + release, 2N pairs
 *   yield   a switch: two tasks calling weft_yield, N each */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <weft.h>

static size_t n;

static int empty(void *arg) {
    (void)arg;
    return 0;
}

static void spawns(void) {
    for (size_t done = 0; done < n; done += 1000) {
        weft_group g;
        weft_group_init(&g);
        for (int i = 0; i < 1000; i++) weft_spawn(&g, "empty", empty, NULL);
        weft_group_join(&g);
        weft_group_destroy(&g);
    }
}

static void locks(void) {
    weft_lock lk;
    weft_lock_init(&lk);
    for (size_t i = 0; i < 2 * n; i++) {
        weft_lock_acquire(&lk);
        weft_lock_release(&lk);
    }
    weft_lock_destroy(&lk);
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

static int yielder(void *arg) {
    (void)arg;
    for (size_t i = 0; i < n; i++) weft_yield();
    return 0;
}

/* Two tasks running a and b, joined. */
static void two_tasks(int (*a)(void *), int (*b)(void *), void *arg) {
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "a", a, arg);
    weft_spawn(&g, "b", b, arg);
    weft_group_join(&g);
    weft_group_destroy(&g);
}

static void queues(void) {
    struct pair p;
    weft_queue_init(&p.a, 0, sizeof(uint64_t));
    weft_queue_init(&p.b, 0, sizeof(uint64_t));
    two_tasks(ping, pong, &p);
    weft_queue_destroy(&p.a);
    weft_queue_destroy(&p.b);
}

static void yields(void) { two_tasks(yielder, yielder, NULL); }

struct op {
    const char *name;
    void (*run)(void);
    size_t per_n; /* operations per unit of N */
};

static const struct op ops[] = {
    {"spawn", spawns, 1},
    {"queue", queues, 2},
    {"lock", locks, 2},
    {"yield", yields, 2},
};

struct job {
    const struct op *op;
    int repeats;
    double best_ns; /* per operation */
};

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int run(void *arg) {
    struct job *j = arg;
    j->op->run(); /* the count's run, or the warm-up */
    for (int r = 0; r < j->repeats; r++) {
        double t0 = now_ns();
        j->op->run();
        double ns = (now_ns() - t0) / (double)(n * j->op->per_n);
        if (r == 0 || ns < j->best_ns) j->best_ns = ns;
    }
    return 0;
}

int main(int argc, char **argv) {
    struct job j = {NULL, 0, 0};
    for (size_t i = 0; argc >= 3 && i < sizeof ops / sizeof ops[0]; i++) {
        if (!strcmp(argv[1], ops[i].name)) j.op = &ops[i];
    }
    if (!j.op || argc > 4) {
        fprintf(stderr, "usage: hot_ops spawn|queue|lock|yield N [R]\n");
        return 2;
    }
    n = strtoul(argv[2], NULL, 10);
    if (argc == 4) j.repeats = atoi(argv[3]);
    if (weft_run(NULL, run, &j)) return 1;
    if (j.repeats > 0) printf("%s %.2f ns/op\n", j.op->name, j.best_ns);
    return 0;
}
