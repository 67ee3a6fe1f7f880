/* tests/check_io_load.c: the echo server (examples/echo_server.c) under
 * load, and timers under load, on the real backend over loopback.
 *
 * Connections: IO_LOAD_CONNS clients (300 in make check; 10,000 in make
 * check-io-load) connect at once, from a forked child process with a
 * runtime of its own, to the server in this process; each echoes three
 * messages of its own size and pattern, every byte verified; among them
 * clients that disconnect mid-message, send nothing (the idle timeout
 * closes them) or connect and reset. The server goes on serving the
 * others, and at the end no fd is left open in either process
 * (/proc/self/fd counted before and after in each). Each process holds
 * one end of every connection: 10,000 connections need about 10,100 fds
 * in each (the test skips, saying so, under a lower hard limit; make
 * check-io-load then runs as many as fit).
 * Timers: IO_LOAD_TIMERS tasks (10,000 / 100,000) sleep until random
 * deadlines (over 500 ms / 1 s); they must wake in deadline order and
 * none before its deadline; the lateness distribution is printed (never
 * asserted). */
#include "config.h" /* _GNU_SOURCE: pipe2 */

#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../examples/echo_server.h"
#include "harness.h"

static long env_long(const char *name, long dflt) {
    const char *v = getenv(name);
    return v && *v ? atol(v) : dflt;
}

static int count_fds(void) {
    DIR *d = opendir("/proc/self/fd");
    if (!d) return -1;
    int n = 0;
    while (readdir(d)) n++;
    closedir(d);
    return n;
}

/* ---- connections ---- */

/* The clients run in a forked child process with a runtime of its own,
 * so each process holds one end of every connection: 10,000 connections
 * need about 10,100 descriptors in each, within a hard limit of 20,000
 * (both ends in one process needed more than that). */

enum kind { GOOD, MIDMSG, SILENT, RESET };

/* What the child reports to the parent through a pipe. */
struct clients_report {
    long good_ok;       /* good clients that verified every byte */
    long silent_closed; /* silent clients the server closed */
    long failures;
    int rc;             /* its weft_run's */
    int fds_before;     /* its open fds before and after the run */
    int fds_after;
};

struct load {
    int port;
    long nconns;
    struct clients_report rep;
};

struct client {
    struct load *l;
    long id;
    enum kind kind;
};

static int good_client(struct load *l, int fd, long id) {
    size_t size = 1 + (size_t)(id * 7919 % 6000);
    unsigned char *out = malloc(size);
    unsigned char *in = malloc(size);
    int rc = out && in ? 0 : -ENOMEM;
    for (int round = 0; rc == 0 && round < 3; round++) {
        for (size_t i = 0; i < size; i++) {
            out[i] = (unsigned char)(id * 31 + (long)i * 7 + round);
        }
        rc = weft_write(fd, out, size, NULL);
        size_t got = 0;
        while (rc == 0 && got < size) {
            ssize_t n = weft_read(fd, in + got, size - got);
            if (n <= 0) rc = n == 0 ? -EPIPE : (int)n;
            else got += (size_t)n;
        }
        if (rc == 0 && memcmp(in, out, size) != 0) rc = -EILSEQ;
    }
    free(out);
    free(in);
    if (rc == 0) l->rep.good_ok++;
    return rc;
}

static int client_main(void *arg) {
    struct client *c = arg;
    struct load *l = c->l;
    int fd = weft_tcp_connect("127.0.0.1", l->port);
    int rc = fd < 0 ? fd : 0;
    char buf[64] = "half a message";
    if (rc == 0 && c->kind == GOOD) rc = good_client(l, fd, c->id);
    if (rc == 0 && c->kind == MIDMSG) rc = weft_write(fd, buf, 7, NULL);
    if (rc == 0 && c->kind == SILENT) {
        ssize_t n = weft_read(fd, buf, sizeof buf); /* until idle close */
        if (n == 0) l->rep.silent_closed++;
        else rc = n < 0 ? (int)n : -EPROTO;
    }
    if (rc == 0 && c->kind == RESET) {
        struct linger lg = {.l_onoff = 1, .l_linger = 0};
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    }
    if (fd >= 0) weft_close(fd);
    if (rc) l->rep.failures++;
    free(c);
    return rc;
}

/* Every 10th client misbehaves, in turn one of the three ways. */
static enum kind kind_of(long i) {
    if (i % 10 != 5) return GOOD;
    return (enum kind)(1 + (i / 10) % 3);
}

static int clients_body(void *arg) {
    struct load *l = arg;
    weft_group clients;
    weft_group_init(&clients);
    for (long i = 0; i < l->nconns; i++) {
        struct client *c = malloc(sizeof *c);
        if (!c) return -ENOMEM;
        *c = (struct client){.l = l, .id = i, .kind = kind_of(i)};
        int rc = weft_spawn(&clients, "client", client_main, c);
        if (rc) return rc;
    }
    int rc = weft_group_join(&clients);
    weft_group_destroy(&clients);
    return rc;
}

static weft_config load_config(void) {
    weft_config cfg;
    weft_config_init(&cfg);
    cfg.stack_size = 64 * 1024;
    return cfg;
}

/* The child: waits for the server's port, runs the clients, reports.
 * Never returns (no Check code runs in it). */
static _Noreturn void clients_process(long nconns, int port_fd,
                                      int report_fd) {
    struct load l = {.nconns = nconns};
    int status = 1;
    if (read(port_fd, &l.port, sizeof l.port) != sizeof l.port) goto out;
    close(port_fd);
    l.rep.fds_before = count_fds();
    weft_config cfg = load_config();
    l.rep.rc = weft_run(&cfg, clients_body, &l);
    l.rep.fds_after = count_fds();
    if (write(report_fd, &l.rep, sizeof l.rep) == sizeof l.rep) status = 0;
out:
    _exit(status);
}

/* The parent's side: the server, until the child's report arrives. */
struct serve {
    struct echo_server srv;
    int port_fd;   /* write end, closed once the port is sent */
    int report_fd; /* read end, non-blocking */
    struct clients_report rep;
    size_t nrep;   /* bytes of rep read */
};

static int server_task(void *arg) { return echo_serve(arg); }

static int serve_body(void *arg) {
    struct serve *s = arg;
    int rc = echo_listen(&s->srv, "127.0.0.1", 0, WEFT_SEC);
    if (rc == 0 && write(s->port_fd, &s->srv.port, sizeof s->srv.port) !=
                       sizeof s->srv.port) {
        rc = -EPIPE;
    }
    close(s->port_fd); /* the child sees EOF if no port came */
    s->port_fd = -1;
    if (rc) return rc;
    weft_group server;
    weft_group_init(&server);
    weft_spawn(&server, "server", server_task, &s->srv);
    char *p = (char *)&s->rep;
    while (s->nrep < sizeof s->rep) {
        ssize_t n =
            weft_read(s->report_fd, p + s->nrep, sizeof s->rep - s->nrep);
        if (n <= 0) break; /* the child died: the checks say so */
        s->nrep += (size_t)n;
    }
    weft_group_cancel(&server);
    rc = weft_group_join(&server);
    weft_group_destroy(&server);
    return rc;
}

/* Room for one end of every connection in each process: raises the soft
 * limit within the hard one (the child inherits it). When the hard limit
 * is too low: false with a message (skip), or, with IO_LOAD_FIT=1,
 * *nconns lowered to what fits, said. */
#define SPARE_FDS 100

static bool fds_for(long *nconns) {
    struct rlimit r;
    getrlimit(RLIMIT_NOFILE, &r);
    rlim_t need = (rlim_t)(*nconns + SPARE_FDS);
    if (r.rlim_max < need) {
        long fit = (long)r.rlim_max - SPARE_FDS;
        printf("io_load: %ld connections need %llu fds in each of the two "
               "processes, the hard limit is %llu (raise it: ulimit -Hn): "
               "%s\n", *nconns, (unsigned long long)need,
               (unsigned long long)r.rlim_max,
               env_long("IO_LOAD_FIT", 0) && fit > 0 ? "running the "
               "connections that fit instead" : "SKIP");
        if (!env_long("IO_LOAD_FIT", 0) || fit <= 0) return false;
        *nconns = fit;
        need = r.rlim_max;
    }
    if (r.rlim_cur >= need) return true;
    r.rlim_cur = need;
    return setrlimit(RLIMIT_NOFILE, &r) == 0;
}

START_TEST(io_load_echo_verified_misbehavers_survived_no_fd_left) {
    long nconns = env_long("IO_LOAD_CONNS", 300);
    if (!fds_for(&nconns)) return;
    int before = count_fds();
    int port_pipe[2];
    int report_pipe[2];
    ck_assert_int_eq(pipe2(port_pipe, O_CLOEXEC), 0);
    ck_assert_int_eq(pipe2(report_pipe, O_CLOEXEC | O_NONBLOCK), 0);
    fflush(NULL);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        close(port_pipe[1]);
        close(report_pipe[0]);
        clients_process(nconns, port_pipe[0], report_pipe[1]);
    }
    close(port_pipe[0]);
    close(report_pipe[1]);
    struct serve s = {.port_fd = port_pipe[1], .report_fd = report_pipe[0]};
    weft_config cfg = load_config();
    int rc = weft_run(&cfg, serve_body, &s);
    if (s.port_fd >= 0) close(s.port_fd);
    close(s.report_fd);
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "the clients' process failed (status %#x)", status);
    ck_assert_uint_eq(s.nrep, sizeof s.rep);
    const struct clients_report *c = &s.rep;
    long bad = 0;
    for (long i = 0; i < nconns; i++) bad += kind_of(i) != GOOD;
    long silent = 0;
    for (long i = 0; i < nconns; i++) silent += kind_of(i) == SILENT;
    ck_assert_msg(rc == 0 && c->rc == 0 && c->failures == 0,
                  "server rc %d, clients rc %d, %ld client failures", rc,
                  c->rc, c->failures);
    ck_assert_int_eq(c->good_ok, nconns - bad);
    ck_assert_int_eq(c->silent_closed, silent);
    ck_assert_uint_eq(s.srv.idle_closed, (size_t)silent);
    /* A client that resets or leaves before the server accepted it may
     * never be accepted (the kernel drops it from the queue). */
    ck_assert_uint_le(s.srv.served, (size_t)nconns);
    ck_assert_uint_ge(s.srv.served, (size_t)(nconns - bad + silent));
    ck_assert_uint_eq(s.srv.open, 0);
    ck_assert_int_eq(c->fds_after, c->fds_before);
    ck_assert_int_eq(count_fds(), before);
    printf("io_load: %ld connections (%ld misbehaving), clients in a child "
           "process, %zu bytes echoed and verified, %zu idle-closed, no fd "
           "left open in either process\n",
           nconns, bad, s.srv.bytes, s.srv.idle_closed);
}
END_TEST

/* ---- timers ---- */

struct timers {
    long n;
    weft_time *deadline; /* per task */
    long *order;         /* task indices in wake order */
    weft_time *late;     /* per wake */
    long woke;
    long early;
};

static struct timers *tm_;

static int sleeper(void *arg) {
    long i = (long)(intptr_t)arg;
    int rc = weft_sleep_until(tm_->deadline[i]);
    weft_time now = weft_now();
    if (now < tm_->deadline[i]) tm_->early++;
    tm_->late[tm_->woke] = now - tm_->deadline[i];
    tm_->order[tm_->woke++] = i;
    return rc;
}

static int timers_body(void *arg) {
    struct timers *t = arg;
    weft_group g;
    weft_group_init(&g);
    for (long i = 0; i < t->n; i++) {
        int rc = weft_spawn(&g, "sleeper", sleeper, (void *)(intptr_t)i);
        if (rc) return rc;
    }
    /* The tasks run (and arm their timers) at the join, in one batch of
     * the loop: every deadline is later than that, with room for 20 us
     * per task (a fresh stack's page faults), so none is in the past
     * when armed (a past one would just yield) and the lateness measures
     * the firing, not the start. */
    weft_time start = weft_now() + 50 * WEFT_MSEC + t->n * 20 * WEFT_USEC;
    /* Deadlines spread over 10 us per task (at least 500 ms): 100,000
     * wake-ups a second, below what the loop can run, so the lateness
     * shows the firing and not a backlog. */
    weft_time spread = t->n * 10 * WEFT_USEC;
    if (spread < 500 * WEFT_MSEC) spread = 500 * WEFT_MSEC;
    for (long i = 0; i < t->n; i++) {
        t->deadline[i] = start + (weft_time)(weft_random() % (uint64_t)spread);
    }
    int rc = weft_group_join(&g);
    weft_group_destroy(&g);
    return rc;
}

static int cmp_time(const void *a, const void *b) {
    weft_time x = *(const weft_time *)a, y = *(const weft_time *)b;
    return (x > y) - (x < y);
}

START_TEST(io_load_timers_fire_in_order_none_early) {
    struct timers t = {.n = env_long("IO_LOAD_TIMERS", 10000)};
    t.deadline = calloc((size_t)t.n, sizeof *t.deadline);
    t.order = calloc((size_t)t.n, sizeof *t.order);
    t.late = calloc((size_t)t.n, sizeof *t.late);
    tm_ = &t;
    weft_config cfg;
    weft_config_init(&cfg);
    cfg.stack_size = 16 * 1024;
    ck_assert_int_eq(weft_run(&cfg, timers_body, &t), 0);
    ck_assert_int_eq(t.woke, t.n);
    ck_assert_int_eq(t.early, 0);
    for (long k = 1; k < t.n; k++) {
        fast_check(t.deadline[t.order[k - 1]] <= t.deadline[t.order[k]]);
    }
    qsort(t.late, (size_t)t.n, sizeof *t.late, cmp_time);
    printf("io_load: %ld timers, in order, none early; lateness (us): "
           "min %lld, p50 %lld, p90 %lld, p99 %lld, max %lld\n", t.n,
           (long long)(t.late[0] / WEFT_USEC),
           (long long)(t.late[t.n / 2] / WEFT_USEC),
           (long long)(t.late[t.n * 9 / 10] / WEFT_USEC),
           (long long)(t.late[t.n * 99 / 100] / WEFT_USEC),
           (long long)(t.late[t.n - 1] / WEFT_USEC));
    free(t.deadline);
    free(t.order);
    free(t.late);
}
END_TEST

static Suite *io_load_suite(void) {
    Suite *s = suite_create("io_load");
    TCase *tc = tcase_create("load");
    tcase_set_timeout(tc, env_long("IO_LOAD_TIMEOUT", 60));
    tcase_add_test(tc, io_load_echo_verified_misbehavers_survived_no_fd_left);
    tcase_add_test(tc, io_load_timers_fire_in_order_none_early);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return run_suite(io_load_suite()); }
