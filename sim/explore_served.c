/* sim/explore_served.c: weft-explore's runner through the program's fork
 * server (sim/serve.c). The server is the program itself, executed once
 * with WEFT_EXPLORE naming a request pipe and a response pipe; each run
 * is a child it forks from its warm state, so a run costs a fork, not an
 * exec and a dynamic link. Per run: send (seed, strategy), read the
 * child's pid, read its report while waiting for its wait status (a long
 * log must not block the child on a full pipe), kill it at the real-time
 * limit (a hang). A server that stops answering (the program exited or
 * crashed before its first sim weft_run) ends that run with the server's
 * own status, and the next run starts a new one. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "explore.h"
#include "explore_cli.h"
#include "serve.h"

static int64_t mono_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void weft__served_stop(struct weft__served *s) {
    if (!s->pid) return;
    close(s->req);
    close(s->rsp);
    close(s->rep);
    kill(s->pid, SIGKILL);
    waitpid(s->pid, NULL, 0);
    s->pid = 0;
}

static int start(struct weft__served *s, uint64_t seed, const char *spec) {
    int req[2], rsp[2], rep[2];
    if (pipe2(req, O_CLOEXEC)) return -errno;
    if (pipe2(rsp, O_CLOEXEC)) goto fail_req;
    if (pipe2(rep, O_CLOEXEC)) goto fail_rsp;
    fflush(NULL);
    s->pid = fork();
    if (s->pid == 0) {
        weft__cli_exec_child(s->cli, seed, spec, rep[1], req[0], rsp[1]);
    }
    close(req[0]);
    close(rsp[1]);
    close(rep[1]);
    s->req = req[1];
    s->rsp = rsp[0];
    s->rep = rep[0];
    if (s->pid > 0) return 0;
    s->pid = 0;
    close(s->req);
    close(s->rsp);
    close(s->rep);
    return -EAGAIN;
fail_rsp:
    close(rsp[0]);
    close(rsp[1]);
fail_req:
    close(req[0]);
    close(req[1]);
    return -errno;
}

/* The server answered no more: the run is what the server's end says. */
static int server_gone(struct weft__served *s, struct weft__run_report *r,
                       struct weft__outcome *o) {
    int status = 0;
    close(s->req);
    close(s->rsp);
    close(s->rep);
    waitpid(s->pid, &status, 0);
    s->pid = 0;
    r->ran = false;
    weft__judge(r, true, status, o);
    return 0;
}

/* Waits for the child's status, reading its report on the way; false at
 * the deadline. *bad: the report pipe is out of step (restart). */
static bool await_status(struct weft__served *s, int64_t deadline,
                         struct weft__run_report *r, int *status, bool *bad) {
    bool have_report = false;
    for (;;) {
        struct pollfd p[2] = {{.fd = s->rsp, .events = POLLIN},
                              {.fd = s->rep, .events = POLLIN}};
        int64_t left = deadline - mono_ms();
        if (left <= 0) return false;
        if (poll(p, 2, (int)(left > 60000 ? 60000 : left)) <= 0) continue;
        if ((p[1].revents & POLLIN) && !have_report) {
            have_report = true;
            *bad = weft__report_read(s->rep, r) != 0;
            continue;
        }
        if (p[0].revents) {
            if (!weft__serve_read_int(s->rsp, status)) *bad = true;
            break;
        }
        if (p[1].revents) {
            *bad = true; /* a second report, or the pipe closed */
            return true;
        }
    }
    struct pollfd p = {.fd = s->rep, .events = POLLIN};
    if (!have_report && poll(&p, 1, 0) == 1) {
        *bad = weft__report_read(s->rep, r) != 0;
        have_report = true;
    }
    r->ran = have_report && !*bad;
    return true;
}

static void hang(const struct weft__served *s, struct weft__outcome *o) {
    o->kind = WEFT_FAILURE_HANG;
    o->result = SIGKILL;
    snprintf(o->message, sizeof o->message, "no end within %.1f s of real "
             "time: killed", (double)s->cli->run_timeout / WEFT_SEC);
}

int weft__served_run(void *ctx, uint64_t seed, const char *spec,
                     struct weft__run_report *r, struct weft__outcome *o) {
    struct weft__served *s = ctx;
    if (!s->pid) {
        int rc = start(s, seed, spec);
        if (rc) return rc;
    }
    int64_t deadline = mono_ms() + s->cli->run_timeout / WEFT_MSEC;
    int child;
    struct pollfd p = {.fd = s->rsp, .events = POLLIN};
    if (weft__serve_send(s->req, seed, spec)) return server_gone(s, r, o);
    while (poll(&p, 1, 50) == 0 && mono_ms() < deadline) {
    }
    if (!p.revents) { /* hung before its first weft_run */
        kill(s->pid, SIGKILL);
        server_gone(s, r, o);
        hang(s, o);
        return 0;
    }
    if (!weft__serve_read_int(s->rsp, &child) || child <= 0) {
        return server_gone(s, r, o);
    }
    int status = 0;
    bool bad = false;
    bool hung = !await_status(s, deadline, r, &status, &bad);
    if (hung) {
        kill(child, SIGKILL);
        if (!weft__serve_read_int(s->rsp, &status)) bad = true;
        r->ran = false;
    }
    weft__judge(r, true, status, o);
    if (hung) hang(s, o);
    if (hung || bad) weft__served_stop(s); /* start afresh next run */
    return 0;
}
