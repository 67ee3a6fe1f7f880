/* bench/uv_baseline.c: libuv's event loop as a baseline (optional: built
 * by `make bench` only when pkg-config finds libuv).
 *
 *   uv.idle   an idle handle's callback, once per loop iteration: the cost
 *             of one turn of an event loop that has work every turn (each
 *             turn also polls epoll with a zero timeout)
 *   uv.io_*   the work of bench/io.c done with libuv callbacks in one
 *             loop: TCP ping-pong (1 connection, 64 B), echo with 100
 *             connections (1 KiB messages), 100,000 timers of 1 to 2 ms,
 *             and RSS per idle connection at 10,000 connections (of
 *             the server's process: the client ends are in a child, as
 *             in bench/io.c)
 *
 * Prints records for WEFT_BENCH_BASELINES (bench/harness.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <uv.h>

#include "harness.h"
#include "idle_clients.h"

#define IDLE_OPS ((size_t)1000000)

static size_t idle_left;

static void on_idle(uv_idle_t *h) {
    if (--idle_left == 0) uv_idle_stop(h);
}

static void idle_run(void *ctx, size_t n) {
    uv_loop_t *loop = ctx;
    uv_idle_t idle;
    uv_idle_init(loop, &idle);
    idle_left = n;
    uv_idle_start(&idle, on_idle);
    uv_run(loop, UV_RUN_DEFAULT);
    uv_close((uv_handle_t *)&idle, NULL);
    uv_run(loop, UV_RUN_DEFAULT);
}

/* ---- echo server and clients ---- */

struct srv_conn {
    uv_tcp_t tcp;
    char buf[65536];
};

struct echo_req {
    uv_write_t req;
    char data[];
};

static size_t idle_open; /* server connections accepted */

static void alloc_srv(uv_handle_t *h, size_t hint, uv_buf_t *b) {
    (void)hint;
    struct srv_conn *c = h->data;
    *b = uv_buf_init(c->buf, sizeof c->buf);
}

static void free_handle(uv_handle_t *h) { free(h->data); }

static void write_done(uv_write_t *req, int status) {
    (void)status;
    free(req);
}

static void srv_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b) {
    if (n < 0) {
        uv_close((uv_handle_t *)s, free_handle);
        return;
    }
    if (n == 0) return;
    struct echo_req *w = malloc(sizeof *w + (size_t)n);
    memcpy(w->data, b->base, (size_t)n);
    uv_buf_t out = uv_buf_init(w->data, (unsigned)n);
    uv_write(&w->req, s, &out, 1, write_done);
}

static void on_conn(uv_stream_t *server, int status) {
    if (status < 0) return;
    struct srv_conn *c = malloc(sizeof *c);
    uv_tcp_init(server->loop, &c->tcp);
    c->tcp.data = c;
    if (uv_accept(server, (uv_stream_t *)&c->tcp) == 0) {
        uv_tcp_nodelay(&c->tcp, 1);
        uv_read_start((uv_stream_t *)&c->tcp, alloc_srv, srv_read);
        idle_open++;
    } else {
        uv_close((uv_handle_t *)&c->tcp, free_handle);
    }
}

static int listen_any(uv_loop_t *loop, uv_tcp_t *srv) {
    struct sockaddr_in a;
    uv_ip4_addr("127.0.0.1", 0, &a);
    uv_tcp_init(loop, srv);
    uv_tcp_bind(srv, (const struct sockaddr *)&a, 0);
    if (uv_listen((uv_stream_t *)srv, 4096, on_conn)) return -1;
    struct sockaddr_in got;
    int len = sizeof got;
    uv_tcp_getsockname(srv, (struct sockaddr *)&got, &len);
    return ntohs(got.sin_port);
}

struct client {
    uv_tcp_t tcp;
    uv_connect_t creq;
    uv_write_t wreq;
    size_t size;
    size_t rounds;
    size_t got;
    char out[1024];
    char in[1024];
    uv_tcp_t *srv; /* closed by the last client to finish */
};

static size_t clients_left;

static void cli_alloc(uv_handle_t *h, size_t hint, uv_buf_t *b) {
    (void)hint;
    struct client *c = h->data;
    *b = uv_buf_init(c->in + c->got, (unsigned)(c->size - c->got));
}

static void cli_send(struct client *c) {
    uv_buf_t b = uv_buf_init(c->out, (unsigned)c->size);
    uv_write(&c->wreq, (uv_stream_t *)&c->tcp, &b, 1, NULL);
}

static void cli_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b) {
    (void)b;
    struct client *c = s->data;
    if (n == 0) return;
    if (n > 0) c->got += (size_t)n;
    if (n > 0 && c->got < c->size) return; /* the rest of this echo */
    if (n > 0 && --c->rounds > 0) {
        c->got = 0;
        cli_send(c);
        return;
    }
    uv_close((uv_handle_t *)&c->tcp, NULL); /* done, or an error */
    if (--clients_left == 0) uv_close((uv_handle_t *)c->srv, NULL);
}

static void cli_connected(uv_connect_t *req, int status) {
    struct client *c = req->data;
    if (status < 0) {
        fprintf(stderr, "uv_baseline: connect: %s\n", uv_strerror(status));
        exit(1);
    }
    uv_tcp_nodelay(&c->tcp, 1);
    uv_read_start((uv_stream_t *)&c->tcp, cli_alloc, cli_read);
    cli_send(c);
}

static void client_start(uv_loop_t *loop, struct client *c, int port) {
    struct sockaddr_in a;
    uv_ip4_addr("127.0.0.1", port, &a);
    uv_tcp_init(loop, &c->tcp);
    c->tcp.data = c;
    c->creq.data = c;
    uv_tcp_connect(&c->creq, &c->tcp, (const struct sockaddr *)&a,
                   cli_connected);
}

struct echo_work {
    uv_loop_t *loop;
    size_t nclients;
    size_t size;
};

static void echo_run(void *ctx, size_t n) {
    struct echo_work *w = ctx;
    uv_tcp_t srv;
    int port = listen_any(w->loop, &srv);
    struct client *cs = calloc(w->nclients, sizeof *cs);
    clients_left = w->nclients;
    for (size_t i = 0; i < w->nclients; i++) {
        cs[i].size = w->size;
        cs[i].rounds = n / w->nclients;
        cs[i].srv = &srv;
        memset(cs[i].out, 'x', sizeof cs[i].out);
        client_start(w->loop, &cs[i], port);
    }
    uv_run(w->loop, UV_RUN_DEFAULT);
    free(cs);
}

/* ---- timers ---- */

static void timer_fired(uv_timer_t *t) { uv_close((uv_handle_t *)t, NULL); }

static void timers_run(void *ctx, size_t n) {
    uv_loop_t *loop = ctx;
    uv_timer_t *ts = malloc(n * sizeof *ts);
    for (size_t i = 0; i < n; i++) {
        uv_timer_init(loop, &ts[i]);
        uv_timer_start(&ts[i], timer_fired, 1 + (uint64_t)(rand() % 2), 0);
    }
    uv_run(loop, UV_RUN_DEFAULT);
    free(ts);
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

static void walk_close(uv_handle_t *h, void *arg) {
    (void)arg;
    if (!uv_is_closing(h)) {
        uv_close(h, h->data && h->type == UV_TCP && h->data != (void *)1
                        ? free_handle : NULL);
    }
}

/* The server's process only, as bench/io.c measures weft: the client
 * ends are in a child process (bench/idle_clients.c). */
static double idle_measure(uv_loop_t *loop, size_t n) {
    n = idle_clients_fit(n);
    uv_tcp_t srv;
    int port = listen_any(loop, &srv);
    srv.data = (void *)1;
    long before = rss_bytes();
    idle_open = 0;
    struct idle_clients c;
    double per = -1;
    if (idle_clients_start(&c, port, n) == 0) {
        int ready = 0;
        while (ready >= 0 && (idle_open < n || ready == 0)) {
            uv_run(loop, UV_RUN_NOWAIT);
            ready = idle_clients_ready(&c);
            usleep(200); /* the child connects meanwhile */
        }
        if (ready > 0) per = (double)(rss_bytes() - before) / (double)n;
        if (idle_clients_stop(&c)) per = -1;
    }
    uv_walk(loop, walk_close, NULL);
    uv_run(loop, UV_RUN_DEFAULT);
    return per;
}

static void emit_io(uv_loop_t *loop) {
    struct bench_result r;
    struct echo_work w = {loop, 1, 64};
    bench_measure(&r, "libuv TCP ping-pong", "ns/rtt", echo_run, &w,
                  (size_t)20000, 7);
    bench_emit("uv.io_pingpong", &r);
    w = (struct echo_work){loop, 100, 1024};
    bench_measure(&r, "libuv echo x100", "ns/msg", echo_run, &w,
                  (size_t)50000, 7);
    bench_emit("uv.io_echo100", &r);
    bench_measure(&r, "libuv 100,000 timers", "ns/timer", timers_run, loop,
                  (size_t)100000, 5);
    bench_emit("uv.io_timers", &r);
    double per = idle_measure(loop, 10000);
    bench_from_samples(&r, "libuv RSS per idle connection", "bytes/conn",
                       &per, 1);
    bench_emit("uv.io_idle", &r);
}

int main(void) {
    uv_loop_t loop;
    if (uv_loop_init(&loop) != 0) return 1;
    struct bench_result r;
    bench_measure(&r, "libuv idle callback", "ns/iter", idle_run, &loop,
                  IDLE_OPS, 7);
    snprintf(r.note, sizeof r.note, "libuv %s; one loop turn, no task switch",
             uv_version_string());
    bench_emit("uv.idle", &r);
    emit_io(&loop);
    uv_loop_close(&loop);
    return 0;
}
