/* bench/io.c: weft's I/O and timers next to libuv doing the same work
 * in the same run (bench/uv_baseline.c, keys uv.io_*), all on loopback
 * under the real backend:
 *
 *   ping-pong   1 connection, 64-byte messages: ns per round trip
 *   echo x100   100 connections, each a client sending 1 KiB messages
 *               and waiting for each echo: ns per message (all
 *               connections together)
 *   timers      100,000 tasks each sleeping 1 to 2 ms: ns per timer
 *               (arm + fire; for weft the task's spawn and end too)
 *   idle conns  10,000 connections, each served by a task parked in
 *               weft_read: RSS per connection of the server's process
 *               (the client ends are in a child: bench/idle_clients.c)
 *
 * The servers are examples/echo_server.c's, one task per connection. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <weft.h>

#include "../examples/echo_server.h"
#include "harness.h"
#include "idle_clients.h"

#define PP_OPS ((size_t)20000)
#define ECHO_CONNS 100
#define ECHO_MSG 1024
#define ECHO_OPS ((size_t)50000)
#define TIMERS ((size_t)100000)
#define IDLE_CONNS 10000

struct io_bench {
    struct echo_server srv;
    size_t nclients;
    size_t size;
    size_t rounds; /* per client */
    int rc;
};

static int server_task(void *arg) { return echo_serve(arg); }

static int client_task(void *arg) {
    struct io_bench *b = arg;
    int fd = weft_tcp_connect("127.0.0.1", b->srv.port);
    if (fd < 0) return fd;
    char out[ECHO_MSG];
    char in[ECHO_MSG];
    memset(out, 'x', sizeof out);
    int rc = 0;
    for (size_t r = 0; rc == 0 && r < b->rounds; r++) {
        rc = weft_write(fd, out, b->size, NULL);
        for (size_t got = 0; rc == 0 && got < b->size;) {
            ssize_t n = weft_read(fd, in + got, b->size - got);
            if (n <= 0) rc = n ? (int)n : -EPIPE;
            else got += (size_t)n;
        }
    }
    weft_close(fd);
    return rc;
}

static int echo_main(void *arg) {
    struct io_bench *b = arg;
    int rc = echo_listen(&b->srv, "127.0.0.1", 0, WEFT_NEVER);
    if (rc) return rc;
    weft_group server;
    weft_group_init(&server);
    weft_spawn(&server, "server", server_task, &b->srv);
    weft_group clients;
    weft_group_init(&clients);
    for (size_t i = 0; i < b->nclients; i++) {
        weft_spawn(&clients, "client", client_task, b);
    }
    rc = weft_group_join(&clients);
    weft_group_destroy(&clients);
    weft_group_cancel(&server);
    int src = weft_group_join(&server);
    weft_group_destroy(&server);
    return rc ? rc : src;
}

static void echo_run(void *ctx, size_t n) {
    struct io_bench *b = ctx;
    b->rounds = n / b->nclients;
    bench_check(weft_run(NULL, echo_main, b), "echo run");
}

/* ---- timers ---- */

static int sleeper(void *arg) {
    (void)arg;
    return weft_sleep(WEFT_MSEC + (weft_time)(weft_random() % WEFT_MSEC));
}

/* n sleeping tasks, inside the running runtime: after the warm-up run
 * their stacks come from the runtime's pool, as in a server that has
 * been up for a while (a fresh runtime first-touches 100,000 stacks,
 * which costs page faults, not timers). */
static void timers_run(void *ctx, size_t n) {
    (void)ctx;
    weft_group g;
    weft_group_init(&g);
    for (size_t i = 0; i < n; i++) {
        bench_check(weft_spawn(&g, "sleeper", sleeper, NULL), "spawn");
    }
    bench_check(weft_group_join(&g), "timers join");
    weft_group_destroy(&g);
}

static int timers_main(void *arg) {
    bench_measure(arg, "100,000 timers, start + fire", "ns/timer",
                  timers_run, NULL, TIMERS, 5);
    return 0;
}

static void timers_measure(struct bench_result *r) {
    weft_config cfg;
    weft_config_init(&cfg);
    cfg.stack_size = WEFT_STACK_SIZE_MIN;
    cfg.track_leaks = false;
    bench_check(weft_run(&cfg, timers_main, r), "timers run");
}

/* ---- idle connections ---- */

static long rss_bytes(void) {
    long pages = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        long size;
        if (fscanf(f, "%ld %ld", &size, &pages) != 2) pages = 0;
        fclose(f);
    }
    return pages * sysconf(_SC_PAGESIZE);
}

struct idle {
    struct echo_server srv;
    size_t n;
    double per_conn;
};

/* The server's process only: the client ends are in a child process. */
static int idle_main(void *arg) {
    struct idle *d = arg;
    int rc = echo_listen(&d->srv, "127.0.0.1", 0, WEFT_NEVER);
    if (rc) return rc;
    long before = rss_bytes();
    weft_group server;
    weft_group_init(&server);
    weft_spawn(&server, "server", server_task, &d->srv);
    struct idle_clients c = {.pid = -1};
    rc = idle_clients_start(&c, d->srv.port, d->n);
    int ready = 0;
    while (rc == 0 && (d->srv.open < d->n || ready == 0)) {
        ready = idle_clients_ready(&c);
        rc = ready < 0 ? -EIO : weft_sleep(WEFT_MSEC);
    }
    if (rc == 0) {
        weft_sleep(10 * WEFT_MSEC); /* every connection task parked */
        d->per_conn = (double)(rss_bytes() - before) / (double)d->n;
    }
    if (c.pid > 0 && idle_clients_stop(&c) && rc == 0) rc = -EIO;
    weft_group_cancel(&server);
    int src = weft_group_join(&server);
    weft_group_destroy(&server);
    return rc ? rc : src;
}

static void idle_measure(struct bench_result *r) {
    struct idle d = {.n = idle_clients_fit(IDLE_CONNS)};
    bench_check(weft_run(NULL, idle_main, &d), "idle connections");
    double x = d.per_conn;
    bench_from_samples(r, "RSS per idle connection (server)", "bytes/conn",
                       &x, 1);
    snprintf(r->note, sizeof r->note, "%zu connections", d.n);
}

/* ---- the table ---- */

static void row(const struct bench_result *r, const char *key,
                const char *goal) {
    struct bench_result base;
    bench_baseline_load(&base, key, "libuv, same work");
    enum bench_verdict v = goal ? bench_goal_ratio(r, &base, 1.0)
                                : BENCH_NO_GOAL;
    bench_row(r, goal, v);
    bench_row_baseline(&base, r);
}

int main(void) {
    struct bench_result pp, echo, timers, idle;
    struct io_bench b = {.nclients = 1, .size = 64};
    bench_measure(&pp, "TCP ping-pong, 64 B, 1 connection", "ns/rtt",
                  echo_run, &b, PP_OPS, 7);
    b = (struct io_bench){.nclients = ECHO_CONNS, .size = ECHO_MSG};
    bench_measure(&echo, "echo, 1 KiB messages, 100 connections", "ns/msg",
                  echo_run, &b, ECHO_OPS, 7);
    timers_measure(&timers);
    idle_measure(&idle);

    bench_table_begin("weft I/O vs libuv, loopback, real backend");
    bench_section("I/O and timers: weft next to libuv doing the same work");
    row(&pp, "uv.io_pingpong", "ratio >= 1 (libuv)");
    bench_row_note("(%.0f round trips/s)", 1e9 / pp.median);
    row(&echo, "uv.io_echo100", "ratio >= 1 (libuv)");
    bench_row_note("(%.1f MB/s each way)", ECHO_MSG * 1e3 / echo.median);
    row(&timers, "uv.io_timers", "ratio >= 1 (libuv)");
    bench_row(&idle, "< 8192 bytes/conn", bench_goal_at_most(&idle, 8192));
    struct bench_result base;
    bench_baseline_load(&base, "uv.io_idle", "libuv, same work");
    bench_row_baseline(&base, &idle);
    return 0;
}
