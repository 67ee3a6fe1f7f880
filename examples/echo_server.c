/* examples/echo_server.c: the echo server (echo_server.h). Every
 * connection is a task of the server's group; each read waits under a
 * cancel scope whose deadline is the idle timeout, so a silent client is
 * closed and a busy one never is. Cancelling the task that runs
 * echo_serve cancels the group: each connection closes its socket, and
 * echo_serve returns once all of them have. */
#include "echo_server.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct conn {
    struct echo_server *s;
    int fd;
};

/* Reads under the idle deadline: bytes, 0 at end, -ETIMEDOUT when idle. */
static ssize_t read_idle(struct echo_server *s, int fd, char *buf, size_t n) {
    if (s->idle == WEFT_NEVER) return weft_read(fd, buf, n);
    weft_scope idle;
    weft_fail_after(&idle, s->idle);
    ssize_t r = weft_read(fd, buf, n);
    return weft_scope_exit(&idle, (int)r);
}

static int conn_main(void *arg) {
    struct conn c = *(struct conn *)arg;
    free(arg);
    char buf[1024];
    ssize_t n;
    int rc = 0;
    while ((n = read_idle(c.s, c.fd, buf, sizeof buf)) > 0) {
        rc = weft_write(c.fd, buf, (size_t)n, NULL);
        if (rc) break;
        c.s->bytes += (size_t)n;
    }
    if (n < 0) rc = (int)n;
    if (rc == -ETIMEDOUT) c.s->idle_closed++;
    else if (rc && rc != -ECANCELED) c.s->failed++;
    weft_close(c.fd);
    c.s->open--;
    /* A client's error ends its connection, not the server. */
    return rc == -ECANCELED ? rc : 0;
}

int echo_listen(struct echo_server *s, const char *addr, int port,
                weft_time idle) {
    *s = (struct echo_server){.idle = idle};
    s->lfd = weft_tcp_listen(addr, port, 4096);
    if (s->lfd < 0) return s->lfd;
    s->port = weft_tcp_port(s->lfd);
    return 0;
}

/* Accepts one connection and starts its task. 0, or a negative code. */
static int accept_one(struct echo_server *s, weft_group *g) {
    int fd = weft_tcp_accept(s->lfd);
    if (fd == -EMFILE || fd == -ENFILE) {
        /* Out of descriptors: the connection stays queued; try again
         * once some connection may have ended, without spinning. */
        fprintf(stderr, "echo: accept: out of file descriptors\n");
        return weft_sleep(100 * WEFT_MSEC);
    }
    if (fd < 0) return fd;
    struct conn *c = malloc(sizeof *c);
    int rc = -ENOMEM;
    if (c) {
        *c = (struct conn){.s = s, .fd = fd};
        rc = weft_spawn(g, "conn", conn_main, c);
    }
    if (rc) {
        free(c);
        weft_close(fd);
        return rc == -ENOMEM ? weft_sleep(100 * WEFT_MSEC) : rc;
    }
    s->open++;
    s->served++;
    if (s->verbose) {
        printf("echo: connection %zu accepted\n", s->served);
        fflush(stdout);
    }
    return 0;
}

int echo_serve(struct echo_server *s) {
    weft_group conns;
    weft_group_init(&conns);
    int rc;
    while ((rc = accept_one(s, &conns)) == 0) {
    }
    weft_group_cancel(&conns);
    int jrc = weft_group_join(&conns);
    weft_group_destroy(&conns);
    weft_close(s->lfd);
    if (rc == -ECANCELED) return jrc == -ECANCELED ? 0 : jrc;
    return rc;
}
