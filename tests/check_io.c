/* tests/check_io.c: fds in tasks under the real backend (docs/IO.md):
 * waits that park and wake, cancellation and deadlines, -EBUSY for a
 * second waiter, weft_close waking a waiter, level-triggered
 * weft_fd_wait, the cooperative budget, TCP over IPv4 and IPv6, a
 * closed or reset peer, EMFILE without spinning, signals, -ENOTSUP
 * for real fds under sim (tests/check_simnet*.c test the simulated
 * network); and the one remote
 * delivery loop, oldest first. Loopback only; orders, never durations. */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "sched.h"

#ifdef HAVE_VALGRIND_VALGRIND_H
#include <valgrind/valgrind.h>
#else
#define RUNNING_ON_VALGRIND 0
#endif

static int log_[16];
static int nlog;
static void note(int x) { log_[nlog++] = x; }

struct pipe_case {
    int fds[2];
    ssize_t got;
    char buf[16];
};

static int reader(void *p) {
    struct pipe_case *c = p;
    note(1);
    c->got = weft_read(c->fds[0], c->buf, sizeof c->buf);
    note(3);
    return 0;
}

static int pipe_body(void *p) {
    struct pipe_case *c = p;
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "reader", reader, c);
    weft_yield(); /* the reader parks: nothing to read */
    note(2);
    int rc = weft_write(c->fds[1], "hello", 5, NULL);
    ck_assert_int_eq(rc, 0);
    rc = weft_group_join(&g);
    weft_group_destroy(&g);
    weft_close(c->fds[0]);
    weft_close(c->fds[1]);
    return rc;
}

START_TEST(io_pipe_read_parks_until_written) {
    struct pipe_case c = {0};
    nlog = 0;
    ck_assert_int_eq(pipe(c.fds), 0);
    ck_assert_int_eq(run_real(pipe_body, &c), 0);
    ck_assert_int_eq(c.got, 5);
    ck_assert_int_eq(memcmp(c.buf, "hello", 5), 0);
    ck_assert_int_eq(nlog, 3);
    ck_assert_int_eq(log_[0], 1);
    ck_assert_int_eq(log_[1], 2);
    ck_assert_int_eq(log_[2], 3);
}
END_TEST

static int deadline_body(void *p) {
    struct pipe_case *c = p;
    weft_scope s;
    weft_move_on_after(&s, 5 * WEFT_MSEC);
    c->got = weft_read(c->fds[0], c->buf, sizeof c->buf);
    int rc = weft_scope_exit(&s, (int)c->got);
    ck_assert(weft_scope_cancel_caught(&s));
    weft_fail_after(&s, 5 * WEFT_MSEC);
    rc = weft_fd_wait(c->fds[0], WEFT_READABLE);
    ck_assert_int_eq(rc, -ECANCELED);
    rc = weft_scope_exit(&s, rc);
    ck_assert_int_eq(rc, -ETIMEDOUT);
    weft_close(c->fds[0]);
    weft_close(c->fds[1]);
    return 0;
}

START_TEST(io_read_deadline_cancels_wait) {
    struct pipe_case c = {0};
    ck_assert_int_eq(pipe(c.fds), 0);
    ck_assert_int_eq(run_real(deadline_body, &c), 0);
    ck_assert_int_eq(c.got, -ECANCELED);
}
END_TEST

static int busy_reader(void *p) {
    struct pipe_case *c = p;
    return (int)weft_read(c->fds[0], c->buf, sizeof c->buf);
}

static int busy_body(void *p) {
    struct pipe_case *c = p;
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "first", busy_reader, c);
    weft_yield();
    /* A second reader of the same fd: refused, in both calls. */
    ck_assert_int_eq(weft_read(c->fds[0], c->buf, 1), -EBUSY);
    ck_assert_int_eq(weft_fd_wait(c->fds[0], WEFT_READABLE | WEFT_WRITABLE),
                     -EBUSY);
    /* Closing the fd wakes the first with -EBADF. */
    ck_assert_int_eq(weft_close(c->fds[0]), 0);
    int rc = weft_group_join(&g);
    const weft_task_error *errs;
    ck_assert_uint_eq(weft_group_errors(&g, &errs), 1);
    ck_assert_int_eq(errs[0].code, -EBADF);
    weft_group_destroy(&g);
    weft_close(c->fds[1]);
    return rc == -EBADF ? 0 : rc;
}

START_TEST(io_second_waiter_ebusy_close_wakes_ebadf) {
    struct pipe_case c = {0};
    ck_assert_int_eq(pipe(c.fds), 0);
    ck_assert_int_eq(run_real(busy_body, &c), 0);
}
END_TEST

static int level_body(void *p) {
    struct pipe_case *c = p;
    ck_assert_int_eq(weft_fd_wait(c->fds[1], WEFT_WRITABLE), WEFT_WRITABLE);
    ck_assert_int_eq(weft_write(c->fds[1], "abcd", 4, NULL), 0);
    /* Readable, and still readable after a partial read. */
    ck_assert_int_eq(weft_fd_wait(c->fds[0], WEFT_READABLE), WEFT_READABLE);
    ck_assert_int_eq(weft_read(c->fds[0], c->buf, 2), 2);
    ck_assert_int_eq(weft_fd_wait(c->fds[0], WEFT_READABLE), WEFT_READABLE);
    ck_assert_int_eq(weft_read(c->fds[0], c->buf, 2), 2);
    ck_assert_int_eq(weft_fd_wait(c->fds[0], 0), -EINVAL);
    ck_assert_int_eq(weft_fd_wait(-1, WEFT_READABLE), -EBADF);
    /* The writer closed: end of stream, ready at once. */
    weft_close(c->fds[1]);
    ck_assert_int_eq(weft_fd_wait(c->fds[0], WEFT_READABLE), WEFT_READABLE);
    ck_assert_int_eq(weft_read(c->fds[0], c->buf, 2), 0);
    weft_close(c->fds[0]);
    return 0;
}

START_TEST(io_fd_wait_level_triggered) {
    struct pipe_case c = {0};
    ck_assert_int_eq(pipe(c.fds), 0);
    ck_assert_int_eq(run_real(level_body, &c), 0);
    ck_assert_int_ne(fcntl(c.fds[0], F_GETFD), 0); /* closed: -1 */
}
END_TEST

static int other_ran;
static int other(void *p) {
    (void)p;
    other_ran = 1;
    return 0;
}

/* Reads that never park still let another task run, within the budget. */
static int budget_body(void *p) {
    struct pipe_case *c = p;
    static char data[200];
    ck_assert_int_eq(weft_write(c->fds[1], data, sizeof data, NULL), 0);
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "other", other, NULL);
    int seen_at = -1;
    for (int i = 0; i < 100; i++) {
        ck_assert_int_eq(weft_read(c->fds[0], c->buf, 1), 1);
        if (other_ran && seen_at < 0) seen_at = i;
    }
    ck_assert_int_ge(seen_at, 0);
    ck_assert_int_lt(seen_at, 32);
    int rc = weft_group_join(&g);
    weft_group_destroy(&g);
    weft_close(c->fds[0]);
    weft_close(c->fds[1]);
    return rc;
}

START_TEST(io_reads_without_parking_yield_within_budget) {
    struct pipe_case c = {0};
    other_ran = 0;
    ck_assert_int_eq(pipe(c.fds), 0);
    ck_assert_int_eq(run_real(budget_body, &c), 0);
}
END_TEST

/* ---- TCP ---- */

struct tcp_case {
    const char *addr;
    int lfd;
    int port;
};

static int serve_one(void *p) {
    struct tcp_case *c = p;
    int fd = weft_tcp_accept(c->lfd);
    if (fd < 0) return fd;
    char buf[64];
    ssize_t n;
    int rc = 0;
    while (rc == 0 && (n = weft_read(fd, buf, sizeof buf)) > 0) {
        rc = weft_write(fd, buf, (size_t)n, NULL);
    }
    weft_close(fd);
    return rc;
}

static int tcp_body(void *p) {
    struct tcp_case *c = p;
    c->lfd = weft_tcp_listen(c->addr, 0, 16);
    ck_assert_int_ge(c->lfd, 0);
    c->port = weft_tcp_port(c->lfd);
    ck_assert_int_gt(c->port, 0);
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "server", serve_one, c);
    int fd = weft_tcp_connect(c->addr, c->port);
    ck_assert_int_ge(fd, 0);
    static char big[1 << 20];
    for (size_t i = 0; i < sizeof big; i++) big[i] = (char)(i * 7);
    static char back[1 << 20];
    /* More than the socket buffers: the writer must park and go on. */
    size_t written = 0;
    size_t got = 0;
    while (got < sizeof big) {
        if (written < sizeof big) {
            size_t chunk = sizeof big - written < 65536 ? sizeof big - written
                                                        : 65536;
            ck_assert_int_eq(weft_write(fd, big + written, chunk, NULL), 0);
            written += chunk;
        }
        ssize_t n = weft_read(fd, back + got, sizeof back - got);
        ck_assert_int_gt(n, 0);
        got += (size_t)n;
    }
    ck_assert_int_eq(memcmp(big, back, sizeof big), 0);
    weft_close(fd);
    int rc = weft_group_join(&g);
    weft_group_destroy(&g);
    weft_close(c->lfd);
    return rc;
}

START_TEST(io_tcp_echo_ipv4_ipv6) {
    struct tcp_case c = {.addr = "127.0.0.1"};
    ck_assert_int_eq(run_real(tcp_body, &c), 0);
    c.addr = "::1";
    int probe = socket(AF_INET6, SOCK_STREAM, 0);
    if (probe < 0) return; /* no IPv6 in this kernel */
    close(probe);
    ck_assert_int_eq(run_real(tcp_body, &c), 0);
}
END_TEST

static int refused_body(void *p) {
    (void)p;
    int lfd = weft_tcp_listen("127.0.0.1", 0, 1);
    int port = weft_tcp_port(lfd);
    weft_close(lfd);
    ck_assert_int_eq(weft_tcp_connect("127.0.0.1", port), -ECONNREFUSED);
    ck_assert_int_eq(weft_tcp_connect("localhost", port), -EINVAL);
    ck_assert_int_eq(weft_tcp_listen("127.0.0.1", 70000, 1), -EINVAL);
    return 0;
}

START_TEST(io_tcp_connect_refused_clear_code) {
    ck_assert_int_eq(run_real(refused_body, NULL), 0);
}
END_TEST

/* A listener that never accepts, backlog 0: once its queue is full the
 * kernel drops further SYNs, and a connect waits until the deadline. */
static int deadline_connect_body(void *p) {
    (void)p;
    int lfd = weft_tcp_listen("127.0.0.1", 0, 0);
    int port = weft_tcp_port(lfd);
    int fds[8];
    int n = 0;
    int rc = 0;
    while (n < 8) {
        weft_scope s;
        weft_fail_after(&s, 100 * WEFT_MSEC);
        int fd = weft_tcp_connect("127.0.0.1", port);
        rc = weft_scope_exit(&s, fd < 0 ? fd : 0);
        if (fd < 0) break;
        fds[n++] = fd;
    }
    ck_assert_int_eq(rc, -ETIMEDOUT);
    ck_assert_int_lt(n, 8);
    for (int i = 0; i < n; i++) weft_close(fds[i]);
    weft_close(lfd);
    return 0;
}

static int count_fds(void) {
    DIR *d = opendir("/proc/self/fd");
    int n = 0;
    while (d && readdir(d)) n++;
    if (d) closedir(d);
    return n;
}

START_TEST(io_tcp_connect_bounded_by_scope_deadline) {
    int before = count_fds();
    ck_assert_int_eq(run_real(deadline_connect_body, NULL), 0);
    ck_assert_int_eq(count_fds(), before); /* the timed-out one closed */
}
END_TEST

/* fds closed with close(2) behind weft's back: the sockets weft makes
 * next reuse their numbers, and their stale records must not be used. */
static int stale_body(void *p) {
    (void)p;
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    char c = 'x';
    ck_assert_int_eq(weft_write(fds[1], &c, 1, NULL), 0);
    ck_assert_int_eq(weft_read(fds[0], &c, 1), 1);
    close(fds[0]);
    close(fds[1]);
    int lfd = weft_tcp_listen("127.0.0.1", 0, 4);
    ck_assert_int_eq(lfd, fds[0]);
    int a = weft_tcp_connect("127.0.0.1", weft_tcp_port(lfd));
    int b = weft_tcp_accept(lfd);
    ck_assert_int_ge(b, 0);
    struct pipe_case rd = {.fds = {b, -1}};
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "reader", busy_reader, &rd);
    weft_yield(); /* it parks on b: only a live watch wakes it */
    ck_assert_int_eq(weft_write(a, "y", 1, NULL), 0);
    ck_assert_int_eq(weft_group_join(&g), 0);
    weft_group_destroy(&g);
    ck_assert_int_eq(rd.buf[0], 'y');
    weft_close(a);
    weft_close(b);
    weft_close(lfd);
    return 0;
}

START_TEST(io_fd_closed_behind_back_reused_by_socket) {
    ck_assert_int_eq(run_real(stale_body, NULL), 0);
}
END_TEST

static int peer_body(void *p) {
    (void)p;
    int lfd = weft_tcp_listen("127.0.0.1", 0, 4);
    int port = weft_tcp_port(lfd);
    int a = weft_tcp_connect("127.0.0.1", port);
    int b = weft_tcp_accept(lfd);
    ck_assert_int_ge(a, 0);
    ck_assert_int_ge(b, 0);
    char buf[8];
    /* Closed peer: end of stream, then writes fail with EPIPE or a reset,
     * never a SIGPIPE. */
    weft_close(a);
    ck_assert_int_eq(weft_read(b, buf, sizeof buf), 0);
    int rc = 0;
    for (int i = 0; i < 100 && rc == 0; i++) rc = weft_write(b, "x", 1, NULL);
    ck_assert(rc == -EPIPE || rc == -ECONNRESET);
    weft_close(b);
    /* Reset peer: the reader gets -ECONNRESET. */
    a = weft_tcp_connect("127.0.0.1", port);
    b = weft_tcp_accept(lfd);
    ck_assert_int_eq(weft_write(b, "y", 1, NULL), 0);
    struct linger lg = {.l_onoff = 1, .l_linger = 0};
    setsockopt(a, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    weft_close(a);
    ck_assert_int_eq(weft_read(b, buf, sizeof buf), -ECONNRESET);
    weft_close(b);
    weft_close(lfd);
    return 0;
}

START_TEST(io_tcp_closed_and_reset_peer_codes) {
    ck_assert_int_eq(run_real(peer_body, NULL), 0);
}
END_TEST

static int emfile_body(void *p) {
    (void)p;
    int lfd = weft_tcp_listen("127.0.0.1", 0, 16);
    int port = weft_tcp_port(lfd);
    int a = weft_tcp_connect("127.0.0.1", port);
    int b = weft_tcp_connect("127.0.0.1", port);
    ck_assert_int_ge(b, 0);
    struct rlimit old;
    getrlimit(RLIMIT_NOFILE, &old);
    struct rlimit tight = {.rlim_cur = (rlim_t)b + 1, .rlim_max = old.rlim_max};
    setrlimit(RLIMIT_NOFILE, &tight);
    /* Out of descriptors: a clear code, at once, twice: no spin. */
    ck_assert_int_eq(weft_tcp_accept(lfd), -EMFILE);
    ck_assert_int_eq(weft_tcp_accept(lfd), -EMFILE);
    setrlimit(RLIMIT_NOFILE, &old);
    int c = weft_tcp_accept(lfd);
    ck_assert_int_ge(c, 0);
    weft_close(c);
    c = weft_tcp_accept(lfd);
    ck_assert_int_ge(c, 0);
    weft_close(c);
    weft_close(a);
    weft_close(b);
    weft_close(lfd);
    return 0;
}

START_TEST(io_accept_emfile_returns_code) {
    /* valgrind enforces its own fd limit by closing what accept returned
     * above it: the queued connections are consumed, not left queued. */
    if (RUNNING_ON_VALGRIND) return;
    ck_assert_int_eq(run_real(emfile_body, NULL), 0);
}
END_TEST

/* ---- signals ---- */

static int signal_waiter(void *p) {
    int sigs[] = {SIGUSR1, SIGTERM};
    int rc = weft_signal_wait(sigs, 2);
    *(int *)p = rc;
    note(2);
    return rc > 0 ? 0 : rc;
}

static int signal_body(void *p) {
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "waiter", signal_waiter, p);
    weft_yield(); /* it blocks SIGUSR1 and parks */
    note(1);
    raise(SIGUSR1);
    int rc = weft_group_join(&g);
    weft_group_destroy(&g);
    int bad[] = {SIGKILL};
    ck_assert_int_eq(weft_signal_wait(bad, 1), -EINVAL);
    return rc;
}

START_TEST(io_signal_wait_turns_signal_into_value) {
    int got = 0;
    nlog = 0;
    ck_assert_int_eq(run_real(signal_body, &got), 0);
    ck_assert_int_eq(got, SIGUSR1);
    ck_assert_int_eq(nlog, 2);
    ck_assert_int_eq(log_[0], 1);
    /* The mask was restored when weft_run returned. */
    sigset_t now;
    pthread_sigmask(SIG_BLOCK, NULL, &now);
    ck_assert(!sigismember(&now, SIGUSR1));
}
END_TEST

/* ---- sim ---- */

static int sim_body(void *p) {
    (void)p;
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    char c;
    ck_assert_int_eq(weft_read(fds[0], &c, 1), -ENOTSUP);
    ck_assert_int_eq(weft_write(fds[1], "x", 1, NULL), -ENOTSUP);
    ck_assert_int_eq(weft_fd_wait(fds[0], WEFT_READABLE), -ENOTSUP);
    ck_assert_int_eq(weft_close(fds[0]), -ENOTSUP);
    int sigs[] = {SIGUSR1};
    ck_assert_int_eq(weft_signal_wait(sigs, 1), -ENOTSUP);
    /* Nothing touched the pipe: still blocking, still empty, open. */
    ck_assert_int_eq(fcntl(fds[0], F_GETFL) & O_NONBLOCK, 0);
    ck_assert_int_eq(close(fds[0]), 0);
    ck_assert_int_eq(close(fds[1]), 0);
    return 0;
}

static void sim_child(void *p) {
    (void)p;
    _exit(run_sim(1, sim_body, NULL) == 0 ? 0 : 1);
}

START_TEST(io_sim_enotsup_with_message) {
    char err[512];
    int status = run_in_child(sim_child, NULL, err, sizeof err);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s", err);
    const char *said = "is not a simulated socket";
    ck_assert_ptr_nonnull(strstr(err, said));
    /* Once per run. */
    ck_assert_ptr_null(strstr(strstr(err, said) + 1, said));
}
END_TEST

/* ---- the one remote delivery loop ---- */

static int order[4];
static int norder;
struct tagged {
    struct weft__remote r;
    int tag;
};
static void deliver_tag(struct weft__remote *r) {
    order[norder++] = container_of(r, struct tagged, r)->tag;
}

static int remote_body(void *p) {
    (void)p;
    struct weft__rt *rt = weft__rt_current();
    struct tagged t[3];
    for (int i = 0; i < 3; i++) {
        t[i].tag = i + 1;
        t[i].r.deliver = deliver_tag;
        weft__remote_post(rt, &t[i].r);
    }
    weft__remote_deliver(rt);
    return 0;
}

START_TEST(io_remote_delivery_oldest_first) {
    norder = 0;
    ck_assert_int_eq(run_real(remote_body, NULL), 0);
    ck_assert_int_eq(norder, 3);
    for (int i = 0; i < 3; i++) ck_assert_int_eq(order[i], i + 1);
}
END_TEST

static Suite *io_suite(void) {
    Suite *s = suite_create("io");
    TCase *tc = tcase_create("fd");
    tcase_add_test(tc, io_pipe_read_parks_until_written);
    tcase_add_test(tc, io_read_deadline_cancels_wait);
    tcase_add_test(tc, io_second_waiter_ebusy_close_wakes_ebadf);
    tcase_add_test(tc, io_fd_wait_level_triggered);
    tcase_add_test(tc, io_reads_without_parking_yield_within_budget);
    tcase_add_test(tc, io_signal_wait_turns_signal_into_value);
    tcase_add_test(tc, io_sim_enotsup_with_message);
    tcase_add_test(tc, io_remote_delivery_oldest_first);
    suite_add_tcase(s, tc);
    tc = tcase_create("tcp");
    tcase_add_test(tc, io_tcp_echo_ipv4_ipv6);
    tcase_add_test(tc, io_tcp_connect_refused_clear_code);
    tcase_add_test(tc, io_tcp_connect_bounded_by_scope_deadline);
    tcase_add_test(tc, io_fd_closed_behind_back_reused_by_socket);
    tcase_add_test(tc, io_tcp_closed_and_reset_peer_codes);
    tcase_add_test(tc, io_accept_emfile_returns_code);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return run_suite(io_suite()); }
