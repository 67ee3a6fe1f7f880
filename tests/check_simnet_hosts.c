/* tests/check_simnet_hosts.c: simulated hosts and the faults between
 * them (docs/NETWORK.md): a host's tasks see their host; latency bounds
 * give exact virtual times; a one-way partition stops one direction
 * only and TCP's retransmission carries the data over once healed; a
 * clog delays; a crash closes the host's sockets and cancels its tree,
 * whose cleanup can no longer reach the network, and a restart runs main
 * again on its durable state; resets; connects that time out or find no
 * host; seed-chosen faults are decisions an exploration finds, shrinks
 * and replays; and bad input gets clear errors. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

#define PORT 7000

/* The durable state of the test's server host: its "disk". */
struct disk {
    int boots;
    char stored;        /* the last byte acknowledged */
    char log[64];       /* bytes received, '-' for a read that timed out */
    size_t nlog;
    int cleanup_rc;     /* a network call made while unwinding a crash */
    const char *name;   /* weft_sim_host_name() in main */
};

/* One connection: each byte read is stored, then echoed; a read silent
 * for 500 ms is logged as '-' and answered with a '.' keepalive. */
static int serve_conn(struct disk *d, int fd) {
    for (;;) {
        char b;
        weft_scope s;
        weft_fail_after(&s, 500 * WEFT_MSEC);
        ssize_t r = weft_read(fd, &b, 1);
        r = weft_scope_exit(&s, (int)r);
        if (r == -ETIMEDOUT) {
            b = '.';
            if (d->nlog < sizeof d->log) d->log[d->nlog++] = '-';
        } else if (r <= 0) {
            return (int)r;
        } else {
            d->stored = b;
            if (d->nlog < sizeof d->log) d->log[d->nlog++] = b;
        }
        int rc = weft_write(fd, &b, 1, NULL);
        if (rc) return rc;
    }
}

static int try_connect(void *arg) {
    (void)arg;
    return weft_tcp_connect("127.0.0.1", 9);
}

static int server_main(void *arg) {
    struct disk *d = arg;
    d->boots++;
    d->name = weft_sim_host_name();
    int lfd = weft_tcp_listen(NULL, PORT, 8);
    if (lfd < 0) return lfd;
    int rc;
    for (;;) {
        int fd = weft_tcp_accept(lfd);
        if (fd < 0) {
            rc = fd;
            break;
        }
        rc = serve_conn(d, fd);
        weft_close(fd);
        if (rc == -ECANCELED) break;
    }
    /* Unwinding (a crash, or the end): even shielded, the network is
     * gone for a crashed host. */
    d->cleanup_rc = weft_shield(try_connect, NULL);
    weft_close(lfd);
    return rc == -ECANCELED ? 0 : rc;
}

static int connect_db1(void) {
    return weft_tcp_connect("10.0.0.1", PORT);
}

static ssize_t read1(int fd, char *b, weft_time within) {
    weft_scope s;
    weft_fail_after(&s, within);
    ssize_t r = weft_read(fd, b, 1);
    return weft_scope_exit(&s, (int)r);
}

/* ---- hosts and latency ---- */

static int latency_body(void *arg) {
    struct disk *d = arg;
    ck_assert_str_eq(weft_sim_host_name(), "local");
    ck_assert_int_eq(weft_sim_latency("local", "db1", WEFT_MSEC, WEFT_MSEC),
                     0);
    weft_time t0 = weft_now();
    int fd = connect_db1();
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(weft_now() - t0, 2 * WEFT_MSEC); /* SYN, SYN-ACK */
    ck_assert_int_eq(weft_write(fd, "x", 1, NULL), 0);
    char b;
    ck_assert_int_eq(read1(fd, &b, WEFT_SEC), 1);
    ck_assert_int_eq(b, 'x');
    ck_assert_int_eq(weft_now() - t0, 4 * WEFT_MSEC);
    ck_assert_str_eq(d->name, "db1");
    ck_assert_int_eq(d->stored, 'x');
    weft_close(fd);
    return 0;
}

/* Runs body in the implicit host with db1 serving (server_main on d). */
struct world {
    int (*body)(void *);
    struct disk *d;
};

static int world_main(void *arg) {
    struct world *w = arg;
    weft_group hosts;
    weft_group_init(&hosts);
    int rc = weft_sim_host_spawn(&hosts, "db1", "10.0.0.1", server_main,
                                 w->d);
    ck_assert_int_eq(rc, 0);
    weft_sleep(WEFT_MSEC); /* db1 listens */
    rc = w->body(w->d);
    weft_group_cancel(&hosts);
    weft_group_join(&hosts);
    weft_group_destroy(&hosts);
    return rc;
}

static void in_world(uint64_t seed, int (*body)(void *), struct disk *d) {
    memset(d, 0, sizeof *d);
    struct world w = {body, d};
    ck_assert_run(run_sim(seed, world_main, &w), 0, seed);
}

START_TEST(hosts_latency_exact) {
    struct disk d;
    in_world((uint64_t)_i, latency_body, &d);
    ck_assert_int_eq(d.boots, 1);
}
END_TEST

/* ---- a host's tree, IPv6, spikes ---- */

static const char *grandchild_host;

static int grandchild(void *arg) {
    (void)arg;
    grandchild_host = weft_sim_host_name();
    return 0;
}

static int child(void *arg) {
    (void)arg;
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "grandchild", grandchild, NULL);
    int rc = weft_group_join(&g);
    weft_group_destroy(&g);
    return rc;
}

/* db6 listens on its IPv6 address and on its own ::1. */
static int v6_main(void *arg) {
    (void)arg;
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "child", child, NULL);
    weft_group_join(&g);
    weft_group_destroy(&g);
    int lfd = weft_tcp_listen("fd00::6", PORT, 4);
    if (lfd < 0) return lfd;
    int fd = weft_tcp_connect("::1", PORT); /* its own loopback */
    int sfd = fd < 0 ? fd : weft_tcp_accept(lfd);
    if (sfd >= 0) weft_close(sfd);
    if (fd >= 0) weft_close(fd);
    for (;;) {
        sfd = weft_tcp_accept(lfd);
        if (sfd < 0) break;
        weft_write(sfd, "6", 1, NULL);
        weft_close(sfd);
    }
    weft_close(lfd);
    return fd < 0 ? fd : 0;
}

static int v6_body(void *arg) {
    (void)arg;
    weft_group g;
    weft_group_init(&g);
    ck_assert_int_eq(weft_sim_host_spawn(&g, "db6", "fd00::6", v6_main,
                                         NULL), 0);
    weft_sleep(10 * WEFT_MSEC);
    ck_assert_str_eq(grandchild_host, "db6");
    /* local's ::1 is local's own: nothing listens there. */
    ck_assert_int_eq(weft_tcp_connect("::1", PORT), -ECONNREFUSED);
    ck_assert_int_eq(weft_sim_latency("local", "db6", WEFT_MSEC, WEFT_MSEC),
                     0);
    ck_assert_int_eq(weft_sim_spike("local", "db6", 50 * WEFT_MSEC,
                                    WEFT_SEC), 0);
    weft_time t0 = weft_now();
    int fd = weft_tcp_connect("fd00::6", PORT);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(weft_now() - t0, 2 * 51 * WEFT_MSEC); /* spiked */
    char b;
    ck_assert_int_eq(read1(fd, &b, WEFT_SEC), 1);
    ck_assert_int_eq(b, '6');
    weft_close(fd);
    weft_group_cancel(&g);
    weft_group_join(&g);
    weft_group_destroy(&g);
    return 0;
}

START_TEST(hosts_tree_ipv6_spike) {
    grandchild_host = NULL;
    ck_assert_run(run_sim((uint64_t)_i, v6_body, NULL), 0, _i);
}
END_TEST

/* ---- partition, one-way, heal ---- */

static int partition_body(void *arg) {
    struct disk *d = arg;
    int fd = connect_db1();
    ck_assert_int_ge(fd, 0);
    char b;
    ck_assert_int_eq(weft_write(fd, "a", 1, NULL), 0);
    ck_assert_int_eq(read1(fd, &b, WEFT_SEC), 1);
    ck_assert_int_eq(weft_sim_partition("local", "db1", true), 0);
    ck_assert_int_eq(weft_write(fd, "b", 1, NULL), 0); /* accepted, stuck */
    /* db1 to local still works: db1's keepalives arrive, 'b' does not. */
    ck_assert_int_eq(read1(fd, &b, WEFT_SEC), 1);
    ck_assert_int_eq(b, '.');
    ck_assert_ptr_null(memchr(d->log, 'b', d->nlog));
    weft_sleep(5 * WEFT_SEC);
    ck_assert_ptr_null(memchr(d->log, 'b', d->nlog));
    ck_assert_int_eq(weft_sim_heal("*", "*"), 0);
    /* Retransmitted: 'b' arrives (its echo after the keepalives). */
    do {
        ck_assert_int_eq(read1(fd, &b, 30 * WEFT_SEC), 1);
    } while (b == '.');
    ck_assert_int_eq(b, 'b');
    ck_assert_int_eq(d->stored, 'b');
    weft_close(fd);
    return 0;
}

START_TEST(hosts_partition_oneway_heal) {
    struct disk d;
    in_world((uint64_t)_i, partition_body, &d);
    ck_assert_ptr_nonnull(memchr(d.log, '-', d.nlog)); /* it timed out */
}
END_TEST

/* ---- clog ---- */

static int clog_body(void *arg) {
    (void)arg;
    int fd = connect_db1();
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(weft_sim_clog("local", "db1", 300 * WEFT_MSEC), 0);
    weft_time t0 = weft_now();
    ck_assert_int_eq(weft_write(fd, "c", 1, NULL), 0);
    char b;
    ck_assert_int_eq(read1(fd, &b, WEFT_SEC), 1);
    ck_assert_int_eq(b, 'c');
    weft_time took = weft_now() - t0;
    ck_assert_int_ge(took, 300 * WEFT_MSEC);
    ck_assert_int_lt(took, 310 * WEFT_MSEC); /* then the usual latency */
    weft_close(fd);
    return 0;
}

START_TEST(hosts_clog) {
    struct disk d;
    in_world((uint64_t)_i, clog_body, &d);
}
END_TEST

/* ---- crash and restart ---- */

static int crash_body(void *arg) {
    struct disk *d = arg;
    int fd = connect_db1();
    ck_assert_int_ge(fd, 0);
    char b;
    ck_assert_int_eq(weft_write(fd, "1", 1, NULL), 0);
    ck_assert_int_eq(read1(fd, &b, WEFT_SEC), 1);
    ck_assert_int_eq(weft_sim_crash("db1"), 0);
    ck_assert_int_eq(weft_sim_crash("db1"), -EALREADY);
    ssize_t r = read1(fd, &b, WEFT_SEC);
    ck_assert_msg(r == 0 || r == -ECONNRESET, "read after crash: %d",
                  (int)r);
    weft_close(fd);
    weft_sleep(10 * WEFT_MSEC);
    ck_assert_int_eq(connect_db1(), -ECONNREFUSED); /* nothing listens */
    ck_assert_int_eq(d->cleanup_rc, -ECANCELED);
    ck_assert_int_eq(weft_sim_restart("db1"), 0);
    ck_assert_int_eq(weft_sim_restart("db1"), -EALREADY);
    weft_sleep(10 * WEFT_MSEC);
    fd = connect_db1();
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(d->boots, 2);
    ck_assert_int_eq(d->stored, '1'); /* the durable state survived */
    ck_assert_int_eq(weft_write(fd, "2", 1, NULL), 0);
    ck_assert_int_eq(read1(fd, &b, WEFT_SEC), 1);
    ck_assert_int_eq(b, '2');
    weft_close(fd);
    return 0;
}

START_TEST(hosts_crash_restart_durable) {
    struct disk d;
    in_world((uint64_t)_i, crash_body, &d);
    ck_assert_int_eq(d.boots, 2);
}
END_TEST

/* A crashed host's tasks close their fds while they unwind, after the
 * crash: those numbers must not have gone to sockets made since. */
static int stale_close_body(void *arg) {
    (void)arg;
    ck_assert_int_eq(weft_sim_crash("db1"), 0);
    int lfd = weft_tcp_listen("127.0.0.1", 0, 1); /* before db1 unwinds */
    ck_assert_int_ge(lfd, 0);
    weft_sleep(10 * WEFT_MSEC); /* db1's tasks close their fds */
    int fd = weft_tcp_connect("127.0.0.1", weft_tcp_port(lfd));
    ck_assert_int_ge(fd, 0);
    int sfd = weft_tcp_accept(lfd);
    ck_assert_int_ge(sfd, 0);
    weft_close(sfd);
    weft_close(fd);
    weft_close(lfd);
    ck_assert_int_eq(weft_sim_restart("db1"), 0);
    return 0;
}

START_TEST(hosts_crash_keeps_fd_numbers) {
    struct disk d;
    in_world((uint64_t)_i, stale_close_body, &d);
}
END_TEST

/* ---- resets, timeouts, unreachable ---- */

static int reset_body(void *arg) {
    (void)arg;
    int fd = connect_db1();
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(weft_sim_reset("local", "db1"), 0);
    char b;
    ck_assert_int_eq(read1(fd, &b, WEFT_SEC), -ECONNRESET);
    ck_assert_int_eq(weft_write(fd, "x", 1, NULL), -EPIPE);
    weft_close(fd);
    return 0;
}

START_TEST(hosts_reset) {
    struct disk d;
    in_world((uint64_t)_i, reset_body, &d);
}
END_TEST

static int timeout_body(void *arg) {
    (void)arg;
    ck_assert_int_eq(weft_tcp_connect("10.9.9.9", PORT), -EHOSTUNREACH);
    ck_assert_int_eq(weft_sim_partition("db1", "local", false), 0);
    weft_time t0 = weft_now();
    ck_assert_int_eq(connect_db1(), -ETIMEDOUT);
    /* Six SYN retries, 1 s doubling: 127 s and the last latency. */
    ck_assert_int_ge(weft_now() - t0, 127 * WEFT_SEC);
    ck_assert_int_lt(weft_now() - t0, 128 * WEFT_SEC);
    weft_sim_heal("*", "*");
    return 0;
}

START_TEST(hosts_connect_timeout_unreachable) {
    struct disk d;
    in_world((uint64_t)_i, timeout_body, &d);
}
END_TEST

/* ---- bad input ---- */

static int idle_main(void *arg) {
    (void)arg;
    return 0;
}

static int bad_input_body(void *arg) {
    (void)arg;
    weft_group g;
    weft_group_init(&g);
    ck_assert_int_eq(weft_sim_host_spawn(&g, "x", "10.0.0", idle_main, NULL),
                     -EINVAL);
    ck_assert_int_eq(weft_sim_host_spawn(&g, "x", "db1", idle_main, NULL),
                     -EINVAL);
    ck_assert_int_eq(weft_sim_host_spawn(&g, "", "10.1.0.1", idle_main, NULL),
                     -EINVAL);
    ck_assert_int_eq(weft_sim_host_spawn(&g, "a,b", "10.1.0.1", idle_main,
                                         NULL), -EINVAL);
    ck_assert_int_eq(weft_sim_host_spawn(&g, "local", "10.1.0.1", idle_main,
                                         NULL), -EINVAL);
    ck_assert_int_eq(weft_sim_host_spawn(&g, "db1", "10.1.0.1", idle_main,
                                         NULL), -EEXIST);
    ck_assert_int_eq(weft_sim_host_spawn(&g, "x", "10.0.0.1", idle_main,
                                         NULL), -EADDRINUSE);
    ck_assert_int_eq(weft_sim_host_spawn(&g, "x", "127.0.0.1", idle_main,
                                         NULL), -EADDRINUSE);
    /* local and db1 are two of the 64. */
    int rc = 0;
    int made = 0;
    for (int i = 0; i < 100 && !rc; i++) {
        char name[16], addr[32];
        snprintf(name, sizeof name, "h%d", i);
        snprintf(addr, sizeof addr, "10.2.0.%d", i + 1);
        rc = weft_sim_host_spawn(&g, name, addr, idle_main, NULL);
        made += rc == 0;
    }
    ck_assert_int_eq(rc, -ENOSPC);
    ck_assert_int_eq(made, WEFT_SIM_MAX_HOSTS - 2);
    weft_group_join(&g);
    weft_group_destroy(&g);
    return 0;
}

static int bad_fault_and_socket_body(void *arg) {
    (void)arg;
    ck_assert_int_eq(weft_sim_partition("local", "nosuch", false), -ENOENT);
    ck_assert_int_eq(weft_sim_partition("local", "", false), -EINVAL);
    ck_assert_int_eq(weft_sim_crash("local"), -EINVAL);
    ck_assert_int_eq(weft_sim_crash("nosuch"), -ENOENT);
    ck_assert_int_eq(weft_sim_clog("*", "*", -1), -EINVAL);
    ck_assert_int_eq(weft_sim_latency("*", "*", 5, 4), -EINVAL);
    ck_assert_int_eq(weft_sim_faults("partition,flood"), -EINVAL);
    ck_assert_int_eq(weft_sim_faults("crash/0"), -EINVAL);

    ck_assert_int_eq(weft_tcp_listen("10.0.0", PORT, 1), -EINVAL);
    ck_assert_int_eq(weft_tcp_connect("not an address", PORT), -EINVAL);
    ck_assert_int_eq(weft_tcp_listen("10.7.7.7", PORT, 1), -EADDRNOTAVAIL);
    int lfd = weft_tcp_listen(NULL, PORT, 1);
    ck_assert_int_ge(lfd, 0);
    ck_assert_int_eq(weft_tcp_listen("127.0.0.1", PORT, 1), -EADDRINUSE);
    int fd = weft_tcp_connect("127.0.0.1", PORT);
    ck_assert_int_ge(fd, 0);
    char b;
    ck_assert_int_eq(weft_read(fd, &b, 0), -EINVAL);
    ck_assert_int_eq(weft_read(lfd, &b, 1), -ENOTCONN);
    ck_assert_int_eq(weft_close(fd), 0);
    ck_assert_int_eq(weft_write(fd, "x", 1, NULL), -EBADF); /* closed */
    ck_assert_int_eq(weft_close(fd), -EBADF);
    ck_assert_int_eq(weft_read(fd + 1000, &b, 1), -EBADF);
    weft_close(lfd);
    return 0;
}

START_TEST(hosts_bad_input) {
    struct disk d;
    in_world(1, bad_input_body, &d);
    in_world(1, bad_fault_and_socket_body, &d);
}
END_TEST

static int real_body(void *arg) {
    (void)arg;
    ck_assert_ptr_null(weft_sim_host_name());
    ck_assert_int_eq(weft_sim_partition("*", "*", false), -ENOTSUP);
    ck_assert_int_eq(weft_sim_crash("db1"), -ENOTSUP);
    ck_assert_int_eq(weft_sim_faults("all"), -ENOTSUP);
    weft_group g;
    weft_group_init(&g);
    ck_assert_int_eq(weft_sim_host_spawn(&g, "db1", "10.0.0.1", idle_main,
                                         NULL), -ENOTSUP);
    weft_group_join(&g);
    weft_group_destroy(&g);
    char b;
    ck_assert_int_eq(weft_read(0, &b, 0), -EINVAL);
    return 0;
}

START_TEST(hosts_real_backend_says_enotsup) {
    ck_assert_int_eq(run_real(real_body, NULL), 0);
}
END_TEST

int main(void) {
    Suite *s = suite_create("simnet_hosts");
    TCase *tc = tcase_create("hosts");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, hosts_latency_exact, 1, 21);
    tcase_add_loop_test(tc, hosts_tree_ipv6_spike, 1, 11);
    tcase_add_loop_test(tc, hosts_partition_oneway_heal, 1, 21);
    tcase_add_loop_test(tc, hosts_clog, 1, 21);
    tcase_add_loop_test(tc, hosts_crash_restart_durable, 1, 21);
    tcase_add_loop_test(tc, hosts_crash_keeps_fd_numbers, 1, 11);
    tcase_add_loop_test(tc, hosts_reset, 1, 21);
    tcase_add_loop_test(tc, hosts_connect_timeout_unreachable, 1, 11);
    tcase_add_test(tc, hosts_bad_input);
    tcase_add_test(tc, hosts_real_backend_says_enotsup);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
