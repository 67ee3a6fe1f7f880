/* bench/net.c: the simulated network's speed (docs/NETWORK.md), through
 * the public API under the sim backend:
 *
 *   3 hosts     two client hosts each send 5,000 requests of 64 bytes,
 *               one every 12 ms of virtual time, to a server host that
 *               echoes them: 60 s of virtual traffic, 10,000 requests
 *               and 10,000 replies (20,000 messages), every byte
 *               checked. Wall time per run (goal: under 1 s), and
 *               messages per second of wall time.
 *
 * Each run is a whole weft_run (hosts, connections, 60 s of virtual
 * time), seed 1, strategy random; the figure is the median of the
 * repeats. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <weft.h>

#include "harness.h"

#define PER_CLIENT 5000
#define MSG 64
#define EVERY (12 * WEFT_MSEC)
#define PORT 7000

static int echo_conn(void *arg) {
    int fd = (int)(intptr_t)arg;
    char buf[MSG];
    ssize_t r;
    while ((r = weft_read(fd, buf, sizeof buf)) > 0) {
        if (weft_write(fd, buf, (size_t)r, NULL)) break;
    }
    weft_close(fd);
    return 0;
}

static int server_main(void *arg) {
    (void)arg;
    int lfd = weft_tcp_listen(NULL, PORT, 16);
    if (lfd < 0) return lfd;
    weft_group g;
    weft_group_init(&g);
    int fd;
    while ((fd = weft_tcp_accept(lfd)) >= 0) {
        weft_spawn(&g, "conn", echo_conn, (void *)(intptr_t)fd);
    }
    weft_group_cancel(&g);
    weft_group_join(&g);
    weft_group_destroy(&g);
    weft_close(lfd);
    return 0;
}

static size_t exchanged; /* requests answered, both clients */

static int read_all(int fd, char *buf, size_t n) {
    for (size_t got = 0; got < n;) {
        ssize_t r = weft_read(fd, buf + got, n - got);
        if (r <= 0) return r < 0 ? (int)r : -1;
        got += (size_t)r;
    }
    return 0;
}

static int client_main(void *arg) {
    (void)arg;
    int fd = weft_tcp_connect("10.0.0.3", PORT);
    if (fd < 0) return fd;
    char out[MSG], in[MSG];
    int rc = 0;
    weft_time next = weft_now();
    for (int i = 0; i < PER_CLIENT && !rc; i++) {
        memset(out, 'a' + i % 26, sizeof out);
        rc = weft_write(fd, out, sizeof out, NULL);
        if (!rc) rc = read_all(fd, in, sizeof in);
        if (!rc && memcmp(in, out, sizeof in)) rc = -1;
        if (!rc) exchanged++;
        next += EVERY;
        if (!rc) rc = weft_sleep_until(next);
    }
    weft_close(fd);
    return rc;
}

static int three_hosts(void *arg) {
    (void)arg;
    weft_group servers, clients;
    weft_group_init(&servers);
    int rc = weft_sim_host_spawn(&servers, "server", "10.0.0.3", server_main,
                                 NULL);
    weft_sleep(WEFT_MSEC);
    weft_group_init(&clients);
    if (!rc) rc = weft_sim_host_spawn(&clients, "a", "10.0.0.1", client_main,
                                      NULL);
    if (!rc) rc = weft_sim_host_spawn(&clients, "b", "10.0.0.2", client_main,
                                      NULL);
    int jrc = weft_group_join(&clients);
    weft_group_destroy(&clients);
    weft_group_cancel(&servers);
    weft_group_join(&servers);
    weft_group_destroy(&servers);
    return rc ? rc : jrc;
}

static void runs(void *ctx, size_t n) {
    weft_config *cfg = ctx;
    for (size_t i = 0; i < n; i++) {
        exchanged = 0;
        bench_check(weft_run(cfg, three_hosts, NULL), "the 3-host run");
        if (exchanged != 2 * PER_CLIENT) bench_check(-1, "every exchange");
    }
}

int main(void) {
    bench_table_begin(NULL);
    weft_config cfg;
    weft_config_init(&cfg);
    cfg.backend = WEFT_BACKEND_SIM;
    cfg.seed = 1;
    cfg.strategy = "random";
    struct bench_result r;
    bench_measure(&r, "3 hosts, 60 s, 20,000 msgs", "ns/run", runs, &cfg, 1,
                  5);
    double ms = r.median / 1e6;
    struct bench_result msgs;
    double rate = 4.0 * PER_CLIENT / (r.median / 1e9);
    bench_from_samples(&msgs, "messages per wall second", "msg/s", &rate, 1);
    bench_section("simulated network: 3 hosts, 60 s virtual, sim backend");
    bench_row(&r, "< 1 s/run", bench_goal_at_most(&r, 1e9));
    bench_row(&msgs, NULL, BENCH_NO_GOAL);
    bench_row_note("%.0f ms of wall time for 60 s of virtual time: %.0fx "
                   "faster than real time", ms, 60e3 / ms);
    return 0;
}
