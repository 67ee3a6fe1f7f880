/* tests/trace_programs.c: small programs whose traces the trace tests
 * read and draw (tests/check_trace.c, tests/trace-views.sh). Each runs
 * under the backend, seed and trace file of the WEFT_* environment:
 *   bank      tellers share a lock and a queue; one fails, its siblings
 *             are cancelled; a timeout; a note; a leaked event
 *   deadlock  two tasks take two locks in opposite orders
 *   misuse    a task releases a lock it does not hold twice, then aborts
 *             (destroying a lock that is held)
 *   many      a few hundred workers, for folding
 *   net       a client and a simulated host db1 exchange messages over
 *             the simulated network; a partition drops a segment, db1
 *             crashes and restarts (sim only) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <weft.h>

struct bank {
    weft_lock lock;
    weft_queue q;
    int balance;
};

static int teller(void *arg) {
    struct bank *b = arg;
    for (int i = 0; i < 3; i++) {
        int rc = weft_lock_acquire(&b->lock);
        if (rc) return rc;
        b->balance += 10;
        weft_sched_point("in the lock");
        weft_lock_release(&b->lock);
        rc = weft_queue_put(&b->q, &i);
        if (rc) return rc;
    }
    return 0;
}

static int auditor(void *arg) {
    struct bank *b = arg;
    int item;
    for (int i = 0; i < 2; i++) {
        if (weft_queue_get(&b->q, &item)) break;
    }
    weft_trace_note("auditor saw %d", item);
    return -EIO; /* fails: its siblings are cancelled */
}

static int slow(void *arg) {
    (void)arg;
    weft_scope s;
    weft_move_on_after(&s, 5 * WEFT_MSEC);
    int rc = weft_sleep(WEFT_SEC);
    return weft_scope_exit(&s, rc);
}

static int bank_main(void *arg) {
    (void)arg;
    static weft_event forgotten; /* never destroyed: a leak */
    struct bank b = {0};
    weft_lock_init(&b.lock);
    weft_queue_init(&b.q, 2, sizeof(int));
    weft_event_init(&forgotten);
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "slow", slow, NULL);
    weft_spawn(&g, "teller A", teller, &b);
    weft_spawn(&g, "teller B", teller, &b);
    weft_spawn(&g, "auditor", auditor, &b);
    int rc = weft_group_join(&g);
    weft_group_destroy(&g);
    weft_queue_close(&b.q);
    int item;
    while (weft_queue_try_get(&b.q, &item) == 0) {
    }
    weft_queue_destroy(&b.q);
    weft_lock_destroy(&b.lock);
    return rc == -EIO ? 0 : 1;
}

struct pair {
    weft_lock a, b;
};

static int ab(void *arg) {
    struct pair *p = arg;
    weft_lock_acquire(&p->a);
    weft_yield();
    weft_lock_acquire(&p->b);
    return 0;
}

static int ba(void *arg) {
    struct pair *p = arg;
    weft_lock_acquire(&p->b);
    weft_yield();
    weft_lock_acquire(&p->a);
    return 0;
}

static int deadlock_main(void *arg) {
    (void)arg;
    static struct pair p;
    weft_lock_init(&p.a);
    weft_lock_init(&p.b);
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "a then b", ab, &p);
    weft_spawn(&g, "b then a", ba, &p);
    return weft_group_join(&g);
}

static int holder(void *arg) {
    weft_lock_acquire(arg);
    return 0;
}

static int misuse_main(void *arg) {
    (void)arg;
    static weft_lock lk;
    weft_lock_init(&lk);
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "holder", holder, &lk);
    weft_group_join(&g);
    weft_trace_note("about to destroy a held lock");
    weft_lock_destroy(&lk); /* misuse: aborts */
    return 0;
}

static int worker(void *arg) {
    (void)arg;
    return weft_yield();
}

static int many_main(void *arg) {
    (void)arg;
    weft_group g;
    weft_group_init(&g);
    for (int i = 0; i < 400; i++) weft_spawn(&g, "worker", worker, NULL);
    int rc = weft_group_join(&g);
    weft_group_destroy(&g);
    return rc;
}

static int net_echo(void *arg) {
    (void)arg;
    int lfd = weft_tcp_listen(NULL, 7000, 4);
    int fd = lfd < 0 ? lfd : weft_tcp_accept(lfd);
    char b;
    while (fd >= 0 && weft_read(fd, &b, 1) == 1 &&
           weft_write(fd, &b, 1, NULL) == 0) {
    }
    if (fd >= 0) weft_close(fd);
    if (lfd >= 0) weft_close(lfd);
    return 0;
}

static int net_main(void *arg) {
    (void)arg;
    weft_group g;
    weft_group_init(&g);
    int rc = weft_sim_host_spawn(&g, "db1", "10.0.0.1", net_echo, NULL);
    weft_sleep(WEFT_MSEC);
    int fd = rc ? rc : weft_tcp_connect("10.0.0.1", 7000);
    char b = 'x';
    for (int i = 0; fd >= 0 && i < 3; i++) {
        if (i == 1) weft_sim_partition("local", "db1", false);
        if (i == 2) weft_sim_heal("*", "*");
        weft_write(fd, &b, 1, NULL);
        weft_scope s;
        weft_move_on_after(&s, 400 * WEFT_MSEC);
        weft_read(fd, &b, 1);
        weft_scope_exit(&s, 0);
    }
    weft_sim_crash("db1");
    weft_sim_restart("db1");
    weft_sleep(WEFT_MSEC);
    if (fd >= 0) weft_close(fd);
    weft_group_cancel(&g);
    weft_group_join(&g);
    weft_group_destroy(&g);
    return 0;
}

int main(int argc, char **argv) {
    static const struct {
        const char *name;
        int (*fn)(void *);
    } progs[] = {{"bank", bank_main}, {"deadlock", deadlock_main},
                 {"misuse", misuse_main}, {"many", many_main},
                 {"net", net_main}};
    for (size_t i = 0; argc == 2 && i < sizeof progs / sizeof *progs; i++) {
        if (strcmp(argv[1], progs[i].name)) continue;
        int rc = weft_run(NULL, progs[i].fn, NULL);
        return rc == 0 ? 0 : rc == -EDEADLK ? 3 : 1;
    }
    fprintf(stderr, "usage: trace_programs bank|deadlock|misuse|many|net\n");
    return 2;
}
