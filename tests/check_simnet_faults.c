/* tests/check_simnet_faults.c: seed-chosen network faults
 * (weft_sim_faults; docs/NETWORK.md) are strategy decisions: off, a
 * request-response client always succeeds; on, some seeds make it miss
 * its deadline, each seed the same way every time; an exploration finds
 * such a seed, shrinks its schedule, and the shrunk schedule replays the
 * failure, a long run's too by its fault choices alone ("f" pairs);
 * DFS enumerates the network's decisions; WEFT_BUGGIFY makes the
 * network's writes short. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "decision.h"
#include "harness.h"

#define PORT 7000
#define NREQ 30

static int echo_conn(int fd) {
    char b;
    ssize_t r;
    while ((r = weft_read(fd, &b, 1)) == 1) {
        int rc = weft_write(fd, &b, 1, NULL);
        if (rc) return rc;
    }
    return (int)r;
}

static int conn_task(void *arg) {
    int fd = (int)(intptr_t)arg;
    echo_conn(fd);
    weft_close(fd);
    return 0;
}

static int server_main(void *arg) {
    (void)arg;
    int lfd = weft_tcp_listen(NULL, PORT, 8);
    if (lfd < 0) return lfd;
    weft_group g;
    weft_group_init(&g);
    int fd;
    while ((fd = weft_tcp_accept(lfd)) >= 0) {
        weft_spawn(&g, "conn", conn_task, (void *)(intptr_t)fd);
    }
    weft_group_cancel(&g);
    weft_group_join(&g);
    weft_group_destroy(&g);
    weft_close(lfd);
    return 0;
}

static int nreq = NREQ;

/* nreq one-byte requests, each answered within 300 ms: 0, or 1 when one
 * was not (a fault got in the way). */
static int requests(void) {
    int fd = weft_tcp_connect("10.0.0.1", PORT);
    int bad = fd < 0;
    for (int i = 0; i < nreq && !bad; i++) {
        weft_scope s;
        weft_fail_after(&s, 300 * WEFT_MSEC);
        char b = (char)('a' + i % 26);
        int rc = weft_write(fd, &b, 1, NULL);
        if (!rc) rc = weft_read(fd, &b, 1) == 1 ? 0 : -EIO;
        bad = weft_scope_exit(&s, rc) != 0;
        weft_sleep(100 * WEFT_MSEC);
    }
    if (fd >= 0) weft_close(fd);
    return bad;
}

static int client_main(void *arg) {
    const char *faults = arg;
    if (faults) ck_assert_int_eq(weft_sim_faults(faults), 0);
    weft_group hosts;
    weft_group_init(&hosts);
    ck_assert_int_eq(weft_sim_host_spawn(&hosts, "db1", "10.0.0.1",
                                         server_main, NULL), 0);
    weft_sleep(WEFT_MSEC);
    int bad = requests();
    weft_group_cancel(&hosts);
    weft_group_join(&hosts);
    weft_group_destroy(&hosts);
    return bad;
}

START_TEST(faults_off_never_fail) {
    for (uint64_t seed = 1; seed <= 20; seed++) {
        ck_assert_run(run_sim(seed, client_main, NULL), 0, seed);
    }
}
END_TEST

/* WEFT_SIM_FAULTS turns them on for a program that does not ask; a bad
 * value is said once and ignored. */
START_TEST(faults_from_the_environment) {
    setenv("WEFT_SIM_FAULTS", "partition,clog,spike/500", 1);
    int failed = 0;
    for (uint64_t seed = 1; seed <= 20; seed++) {
        failed += run_sim(seed, client_main, NULL) != 0;
    }
    ck_assert_int_gt(failed, 0);
    setenv("WEFT_SIM_FAULTS", "flood", 1);
    char err[512];
    weft_config cfg;
    weft_config_init(&cfg);
    cfg.backend = WEFT_BACKEND_SIM;
    cfg.seed = 1;
    ck_assert_int_eq(run_capturing(&cfg, client_main, NULL, err, sizeof err),
                     0);
    ck_assert_ptr_nonnull(strstr(err, "WEFT_SIM_FAULTS=flood ignored"));
    unsetenv("WEFT_SIM_FAULTS");
}
END_TEST

static char some_faults[] = "partition,crash,reset/500";
static char partitions[] = "partition/500";

START_TEST(faults_on_some_seeds_fail_each_the_same) {
    int failed = 0;
    for (uint64_t seed = 1; seed <= 40; seed++) {
        int a = run_sim(seed, client_main, some_faults);
        int b = run_sim(seed, client_main, some_faults);
        ck_assert_run(b, a, seed);
        failed += a != 0;
    }
    ck_assert_int_gt(failed, 0);
    ck_assert_int_lt(failed, 40);
}
END_TEST

static int explored_main(void *arg) {
    (void)arg;
    return client_main(partitions);
}

/* Explores fn over 200 seeds with shrinking: the first failure in *r. */
static void explore_shrinking(int (*fn)(void *), weft_explore_result *r) {
    weft_explore_opts o;
    weft_explore_opts_init(&o);
    o.seed_count = 200;
    o.shrink = true;
    o.quiet = true;
    ck_assert_int_eq(weft_explore(&o, fn, NULL, r), 1);
    ck_assert_str_ne(r->first.shrunk, "");
}

/* Runs fn once under the shrunk schedule of r's first failure: it fails
 * again (how, in *again when not NULL). */
static void replay_shrunk(int (*fn)(void *), const weft_explore_result *r,
                          weft_explore_result *again) {
    weft_explore_opts o;
    weft_explore_opts_init(&o);
    o.seed_first = r->first.seed;
    o.seed_count = 1;
    o.strategy = r->first.shrunk;
    o.quiet = true;
    ck_assert_int_eq(weft_explore(&o, fn, NULL, again), 1);
}

START_TEST(faults_found_shrunk_replayed) {
    weft_explore_result r;
    explore_shrinking(explored_main, &r);
    ck_assert_uint_gt(r.failures, 0);
    ck_assert_int_eq(r.first.kind, WEFT_FAILURE_RESULT);
    /* The shrunk schedule, alone, fails the same way. */
    weft_explore_result r2;
    replay_shrunk(explored_main, &r, &r2);
    ck_assert_int_eq(r2.first.kind, WEFT_FAILURE_RESULT);
}
END_TEST

/* A run too long for its whole schedule to fit in a strategy string
 * shrinks to its faults, named by their index among the fault choices. */
static char crashes[] = "crash/20000"; /* the first at 20 s */

static int long_main(void *arg) {
    (void)arg;
    nreq = 300;
    int rc = client_main(crashes);
    nreq = NREQ;
    return rc;
}

START_TEST(faults_long_run_shrinks_to_its_faults) {
    weft_explore_result r;
    explore_shrinking(long_main, &r);
    ck_assert_uint_le(r.first.preemptions, 4); /* a crash: when, which */
    /* Only the fault choices could be kept: the shrunk string is short. */
    ck_assert_uint_lt(strlen(r.first.shrunk), 40);
    replay_shrunk(long_main, &r, NULL);
}
END_TEST

START_TEST(faults_pairs_parse) {
    struct weft__sched_pair *v;
    size_t n;
    ck_assert_int_eq(weft__sched_parse("3.1,f0.1,5.2,f2.1", &v, &n), 0);
    ck_assert_uint_eq(n, 4);
    ck_assert(!v[0].fault && v[1].fault && v[1].step == 0);
    ck_assert(v[3].fault && v[3].step == 2 && v[3].offset == 1);
    free(v);
    ck_assert_int_eq(weft__sched_parse("f2.1,f1.1", &v, &n), -EINVAL);
    ck_assert_int_eq(weft__sched_parse("f.1", &v, &n), -EINVAL);
    ck_assert_int_eq(weft__sched_parse("f1.0", &v, &n), -EINVAL);
}
END_TEST

/* ---- DFS over the network's decisions ---- */

static int tiny_main(void *arg) {
    (void)arg;
    int lfd = weft_tcp_listen("127.0.0.1", PORT, 1);
    int fd = weft_tcp_connect("127.0.0.1", PORT);
    int sfd = weft_tcp_accept(lfd);
    char b[2];
    int rc = weft_write(fd, "hi", 2, NULL);
    if (!rc) rc = weft_read(sfd, b, 2) > 0 ? 0 : 1;
    weft_close(sfd);
    weft_close(fd);
    weft_close(lfd);
    return rc;
}

START_TEST(faults_dfs_enumerates_network_decisions) {
    weft_explore_opts o;
    weft_explore_opts_init(&o);
    o.strategy = "dfs:1";
    o.seed_count = 100000;
    o.quiet = true;
    weft_explore_result r;
    ck_assert_int_eq(weft_explore(&o, tiny_main, NULL, &r), 0);
    ck_assert(r.complete);
    /* SYN, SYN-ACK and the data: 7 other latencies each, and the cuts. */
    ck_assert_uint_gt(r.schedules, 3 * 7);
}
END_TEST

/* ---- buggify: short writes ---- */

static ssize_t first_read;

static int buggify_main(void *arg) {
    (void)arg;
    int lfd = weft_tcp_listen("127.0.0.1", PORT, 1);
    int fd = weft_tcp_connect("127.0.0.1", PORT);
    int sfd = weft_tcp_accept(lfd);
    static char out[100], in[100];
    int rc = weft_write(fd, out, sizeof out, NULL);
    first_read = weft_read(sfd, in, sizeof in);
    weft_close(sfd);
    weft_close(fd);
    weft_close(lfd);
    return rc;
}

/* Without buggify a write of 100 bytes goes out whole or cut in two (at
 * 1 or 50): the first read is 100, 1 or 50. With it, the network's
 * writes take one byte at a time, and first reads of other sizes come. */
static int odd_first_reads(const char *buggify) {
    int odd = 0;
    for (uint64_t seed = 1; seed <= 20; seed++) {
        weft_config cfg;
        weft_config_init(&cfg);
        cfg.backend = WEFT_BACKEND_SIM;
        cfg.seed = seed;
        cfg.buggify = buggify;
        ck_assert_run(weft_run(&cfg, buggify_main, NULL), 0, seed);
        odd += first_read != 100 && first_read != 1 && first_read != 50;
    }
    return odd;
}

START_TEST(faults_buggify_short_writes) {
    ck_assert_int_eq(odd_first_reads("off"), 0);
    ck_assert_int_gt(odd_first_reads("100/100"), 0);
}
END_TEST

int main(void) {
    Suite *s = suite_create("simnet_faults");
    TCase *tc = tcase_create("faults");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, faults_off_never_fail);
    tcase_add_test(tc, faults_on_some_seeds_fail_each_the_same);
    tcase_add_test(tc, faults_from_the_environment);
    tcase_add_test(tc, faults_found_shrunk_replayed);
    tcase_add_test(tc, faults_long_run_shrinks_to_its_faults);
    tcase_add_test(tc, faults_pairs_parse);
    tcase_add_test(tc, faults_dfs_enumerates_network_decisions);
    tcase_add_test(tc, faults_buggify_short_writes);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
