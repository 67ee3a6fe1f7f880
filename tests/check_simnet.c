/* tests/check_simnet.c: the simulated network's loopback (docs/NETWORK.md)
 * for the implicit host: the echo server of examples/echo_server.c,
 * unchanged, serves clients under the real backend and under sim with
 * many seeds, every byte checked; a sim run is the same for the same
 * seed (its transcript of read sizes and virtual times) and differs
 * across seeds; and what a kernel gives shows up: partial reads, short
 * writes, refused connections, resets, end of stream, -EPIPE, a full
 * backlog, a listener closed with connections queued, and weft_fd_wait's
 * levels. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../examples/echo_server.h"
#include "harness.h"

#define NCLIENTS 4
#define NMSGS 20

/* What one run saw, to compare runs of one seed. */
struct transcript {
    char text[8192];
    size_t len;
    int partial_reads; /* reads that returned less than a whole message */
};

static void say(struct transcript *t, const char *fmt, long a, long b) {
    if (t->len + 48 >= sizeof t->text) return;
    t->len += (size_t)snprintf(t->text + t->len, sizeof t->text - t->len,
                               fmt, a, b);
}

struct echo_run {
    struct echo_server srv;
    struct transcript tr;
    int ok;
};

struct client {
    struct echo_run *run;
    int id;
};

/* Reads exactly n bytes, noting each read's size. */
static int read_all(struct client *c, int fd, char *buf, size_t n) {
    for (size_t got = 0; got < n;) {
        ssize_t r = weft_read(fd, buf + got, n - got);
        if (r <= 0) return r < 0 ? (int)r : -EIO;
        if ((size_t)r < n) c->run->tr.partial_reads++;
        say(&c->run->tr, "c%ld:%ld ", c->id, (long)r);
        got += (size_t)r;
    }
    return 0;
}

static int client_main(void *arg) {
    struct client *c = arg;
    int fd = weft_tcp_connect("127.0.0.1", c->run->srv.port);
    if (fd < 0) return fd;
    char out[1200], in[1200];
    int rc = 0;
    for (int m = 0; m < NMSGS && !rc; m++) {
        size_t n = 1 + (size_t)(c->id * 97 + m * 131) % sizeof out;
        for (size_t i = 0; i < n; i++) out[i] = (char)(c->id + m + i);
        rc = weft_write(fd, out, n, NULL);
        if (!rc) rc = read_all(c, fd, in, n);
        if (!rc && memcmp(in, out, n)) rc = -EILSEQ;
    }
    weft_close(fd);
    if (!rc) c->run->ok++;
    return rc;
}

static int serve(void *arg) { return echo_serve(arg); }

static int echo_main(void *arg) {
    struct echo_run *run = arg;
    int rc = echo_listen(&run->srv, "127.0.0.1", 0, WEFT_NEVER);
    if (rc) return rc;
    weft_group server, clients;
    weft_group_init(&server);
    weft_spawn(&server, "server", serve, &run->srv);
    weft_group_init(&clients);
    struct client cs[NCLIENTS];
    for (int i = 0; i < NCLIENTS; i++) {
        cs[i] = (struct client){run, i};
        weft_spawn(&clients, "client", client_main, &cs[i]);
    }
    rc = weft_group_join(&clients);
    weft_group_destroy(&clients);
    weft_group_cancel(&server);
    weft_group_join(&server);
    weft_group_destroy(&server);
    say(&run->tr, "end@%ld%c", (long)weft_now(), '\n');
    return rc;
}

/* The same program under real (i = 0) and under sim seeds 1..40. */
START_TEST(simnet_echo_unchanged) {
    struct echo_run run;
    memset(&run, 0, sizeof run);
    RUN_OK(_i, echo_main, &run);
    ck_assert_int_eq(run.ok, NCLIENTS);
    ck_assert_int_eq(run.srv.served, NCLIENTS);
    ck_assert_int_eq(run.srv.open, 0);
}
END_TEST

static void run_seed(uint64_t seed, struct echo_run *run) {
    memset(run, 0, sizeof *run);
    ck_assert_run(run_sim(seed, echo_main, run), 0, seed);
}

START_TEST(simnet_same_seed_same_run) {
    static struct echo_run a, b;
    static char last[sizeof a.tr.text];
    int differ = 0;
    for (uint64_t seed = 1; seed <= 10; seed++) {
        run_seed(seed, &a);
        run_seed(seed, &b);
        ck_assert_str_eq(a.tr.text, b.tr.text);
        if (seed > 1 && strcmp(last, a.tr.text)) differ++;
        memcpy(last, a.tr.text, sizeof last);
    }
    ck_assert_int_ge(differ, 5); /* the seed moves latencies and splits */
}
END_TEST

START_TEST(simnet_partial_reads) {
    static struct echo_run run;
    int partial = 0;
    for (uint64_t seed = 1; seed <= 10; seed++) {
        run_seed(seed, &run);
        partial += run.tr.partial_reads;
    }
    ck_assert_int_gt(partial, 0);
}
END_TEST

/* ---- a kernel's answers ---- */

static int refused_main(void *arg) {
    (void)arg;
    int lfd = weft_tcp_listen("127.0.0.1", 0, 1);
    ck_assert_int_ge(lfd, 0);
    int port = weft_tcp_port(lfd);
    ck_assert_int_eq(weft_close(lfd), 0);
    ck_assert_int_eq(weft_tcp_connect("127.0.0.1", port), -ECONNREFUSED);
    return 0;
}

START_TEST(simnet_refused) { RUN_OK(_i, refused_main, NULL); }
END_TEST

/* A listener and a connected pair over loopback. */
static void pair(int *lfd, int *cfd, int *sfd) {
    *lfd = weft_tcp_listen("127.0.0.1", 0, 4);
    ck_assert_int_ge(*lfd, 0);
    *cfd = weft_tcp_connect("127.0.0.1", weft_tcp_port(*lfd));
    ck_assert_int_ge(*cfd, 0);
    *sfd = weft_tcp_accept(*lfd);
    ck_assert_int_ge(*sfd, 0);
}

/* The writer fills the window while nobody reads: the write is short,
 * and the deadline ends it with the count of what went out. */
static int short_write_main(void *arg) {
    (void)arg;
    int lfd, cfd, sfd;
    pair(&lfd, &cfd, &sfd);
    static char big[4 << 20];
    size_t written = 0;
    weft_scope s;
    weft_fail_after(&s, 2 * WEFT_SEC);
    int rc = weft_write(cfd, big, sizeof big, &written);
    rc = weft_scope_exit(&s, rc);
    ck_assert_int_eq(rc, -ETIMEDOUT);
    ck_assert_uint_gt(written, 0);
    ck_assert_uint_lt(written, sizeof big);
    weft_close(cfd);
    weft_close(sfd);
    weft_close(lfd);
    return 0;
}

START_TEST(simnet_short_write) { RUN_OK(_i, short_write_main, NULL); }
END_TEST

/* Closing with data unread resets the peer; a clean close is EOF, and
 * writing on after it fails with -EPIPE or -ECONNRESET. */
static int reset_main(void *arg) {
    (void)arg;
    int lfd, cfd, sfd;
    pair(&lfd, &cfd, &sfd);
    ck_assert_int_eq(weft_write(cfd, "hello", 5, NULL), 0);
    ck_assert_int_eq(weft_fd_wait(sfd, WEFT_READABLE), WEFT_READABLE);
    ck_assert_int_eq(weft_close(sfd), 0); /* "hello" unread: a RST */
    char buf[8];
    ck_assert_int_eq(weft_read(cfd, buf, sizeof buf), -ECONNRESET);
    weft_close(cfd);

    pair(&(int){0}, &cfd, &sfd);
    ck_assert_int_eq(weft_close(sfd), 0); /* nothing unread: a FIN */
    ck_assert_int_eq(weft_read(cfd, buf, sizeof buf), 0);
    int rc = 0;
    for (int i = 0; i < 100 && !rc; i++) {
        rc = weft_write(cfd, "x", 1, NULL);
        if (!rc) weft_sleep(10 * WEFT_MSEC);
    }
    ck_assert_msg(rc == -EPIPE || rc == -ECONNRESET, "rc %d", rc);
    weft_close(cfd);
    weft_close(lfd);
    return 0;
}

START_TEST(simnet_reset_eof_epipe) { RUN_OK(_i, reset_main, NULL); }
END_TEST

/* weft_fd_wait is level-triggered under sim too. A listener closed with
 * a connection queued resets it. A full backlog drops the SYN: the
 * connect waits for a retransmission, here past its deadline. */
static int levels_main(void *arg) {
    (void)arg;
    int lfd = weft_tcp_listen("127.0.0.1", 0, 1);
    ck_assert_int_ge(lfd, 0);
    int port = weft_tcp_port(lfd);
    int a = weft_tcp_connect("127.0.0.1", port); /* queued: backlog 1 */
    ck_assert_int_ge(a, 0);
    ck_assert_int_eq(weft_fd_wait(lfd, WEFT_READABLE), WEFT_READABLE);
    ck_assert_int_eq(weft_fd_wait(lfd, WEFT_READABLE), WEFT_READABLE);
    ck_assert_int_eq(weft_fd_wait(a, WEFT_WRITABLE), WEFT_WRITABLE);
    weft_scope s;
    weft_fail_after(&s, 500 * WEFT_MSEC);
    int b = weft_tcp_connect("127.0.0.1", port); /* the queue is full */
    ck_assert_int_eq(weft_scope_exit(&s, b), -ETIMEDOUT);
    ck_assert_int_eq(weft_write(a, "x", 1, NULL), 0);
    ck_assert_int_eq(weft_close(lfd), 0); /* a was never accepted */
    char c;
    ck_assert_int_eq(weft_fd_wait(a, WEFT_READABLE), WEFT_READABLE);
    ck_assert_int_eq(weft_read(a, &c, 1), -ECONNRESET);
    ck_assert_int_eq(weft_read(a, &c, 1), 0); /* then the end */
    weft_close(a);
    return 0;
}

START_TEST(simnet_levels_backlog_listener_close) {
    RUN_OK(_i, levels_main, NULL);
}
END_TEST

/* A read that nothing will ever answer is a deadlock under sim, reported
 * as one, not a hang. */
static int stuck_main(void *arg) {
    (void)arg;
    int lfd, cfd, sfd;
    pair(&lfd, &cfd, &sfd);
    char c;
    return (int)weft_read(cfd, &c, 1);
}

START_TEST(simnet_stuck_read_is_deadlock) {
    char err[4096];
    weft_config cfg;
    weft_config_init(&cfg);
    cfg.backend = WEFT_BACKEND_SIM;
    cfg.seed = 3;
    ck_assert_int_eq(run_capturing(&cfg, stuck_main, NULL, err, sizeof err),
                     -EDEADLK);
    ck_assert_ptr_nonnull(strstr(err, "fd read"));
}
END_TEST

int main(void) {
    Suite *s = suite_create("simnet");
    TCase *tc = tcase_create("loopback");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, simnet_echo_unchanged, 0, 41);
    tcase_add_test(tc, simnet_same_seed_same_run);
    tcase_add_test(tc, simnet_partial_reads);
    tcase_add_loop_test(tc, simnet_refused, 0, 21);
    tcase_add_loop_test(tc, simnet_short_write, 0, 21);
    tcase_add_loop_test(tc, simnet_reset_eof_epipe, 0, 21);
    tcase_add_test(tc, simnet_stuck_read_is_deadlock);
    tcase_add_loop_test(tc, simnet_levels_backlog_listener_close, 1, 21);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
