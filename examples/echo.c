/* examples/echo.c: a TCP echo server (examples/echo_server.c): one task
 * per connection in the server's group, a per-connection idle timeout
 * through a cancel scope, and a graceful shutdown on SIGINT or SIGTERM:
 * a task waiting in weft_signal_wait cancels the group, every connection
 * is closed, and the program exits 0.
 *
 *   ./examples/echo [PORT [IDLE_MS]]   # PORT 0: any; prints the port
 *   ./examples/echo --client PORT TEXT # sends TEXT, prints the echo
 *   ./examples/echo --idle PORT        # sends nothing, waits for close
 *
 * Under WEFT_BACKEND=sim it listens on the simulated network
 * (docs/NETWORK.md), which has no signals: weft_signal_wait returns
 * -ENOTSUP and the server stops at once. tests/check_simnet.c serves
 * clients with the same echo server under sim. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <weft.h>

#include "echo_server.h"

struct opts {
    int port;
    weft_time idle;
    const char *text; /* client: what to send; NULL: stay silent */
};

static struct echo_server server;

static int signals_main(void *arg) {
    weft_group *top = arg;
    int sigs[] = {SIGINT, SIGTERM};
    int sig = weft_signal_wait(sigs, 2);
    if (sig < 0) return sig;
    printf("echo: signal %d, shutting down (%zu open)\n", sig, server.open);
    fflush(stdout);
    weft_group_cancel(top);
    return 0;
}

static int server_main(void *arg) {
    (void)arg;
    return echo_serve(&server);
}

static int serve(void *arg) {
    struct opts *o = arg;
    int rc = echo_listen(&server, "127.0.0.1", o->port, o->idle);
    if (rc) {
        fprintf(stderr, "echo: listen: %s\n", strerror(-rc));
        return 1;
    }
    server.verbose = true;
    printf("echo: listening on port %d\n", server.port);
    fflush(stdout);
    weft_group top;
    weft_group_init(&top);
    weft_spawn(&top, "signals", signals_main, &top);
    weft_spawn(&top, "server", server_main, NULL);
    rc = weft_group_join(&top);
    weft_group_destroy(&top);
    printf("echo: served %zu connection(s), %zu closed idle, %zu open; "
           "exit %d\n", server.served, server.idle_closed, server.open,
           rc ? 1 : 0);
    return rc ? 1 : 0;
}

static int client(void *arg) {
    struct opts *o = arg;
    int fd = weft_tcp_connect("127.0.0.1", o->port);
    if (fd < 0) {
        fprintf(stderr, "echo: connect: %s\n", strerror(-fd));
        return 1;
    }
    char buf[256];
    size_t len = o->text ? strlen(o->text) : 0;
    int rc = len ? weft_write(fd, o->text, len, NULL) : 0;
    size_t got = 0;
    ssize_t n = 1;
    while (rc == 0 && n > 0 && (got < len || !len) && got < sizeof buf) {
        n = weft_read(fd, buf + got, sizeof buf - got);
        if (n > 0) got += (size_t)n;
    }
    weft_close(fd);
    if (len) printf("echo: got '%.*s'\n", (int)got, buf);
    else printf("echo: closed by the server (%s)\n", n == 0 ? "eof" : "error");
    return rc || n < 0 ? 1 : 0;
}

int main(int argc, char **argv) {
    struct opts o = {.port = 0, .idle = 10 * WEFT_SEC};
    int (*fn)(void *) = serve;
    if (argc >= 3 && !strcmp(argv[1], "--client")) {
        fn = client;
        o.port = atoi(argv[2]);
        o.text = argc > 3 ? argv[3] : "hello";
    } else if (argc >= 3 && !strcmp(argv[1], "--idle")) {
        fn = client;
        o.port = atoi(argv[2]);
    } else {
        if (argc > 1) o.port = atoi(argv[1]);
        if (argc > 2) o.idle = atoll(argv[2]) * WEFT_MSEC;
    }
    int rc = weft_run(NULL, fn, &o);
    if (rc < 0) fprintf(stderr, "echo: %s\n", strerror(-rc));
    return rc ? 1 : 0;
}
