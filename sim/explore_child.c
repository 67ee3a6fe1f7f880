/* sim/explore_child.c: collecting one run made in a child process (a
 * fork of this process, or another program): its report comes through a
 * pipe, its end through waitpid. A child past the real-time limit is
 * killed and the run is a hang; one killed by a signal is a crash. The
 * report is read before waiting, so a child never blocks on a full pipe. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "explore.h"
#include "explore_child.h"

static int64_t mono_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits until rfd is readable or closed; false at the deadline (ms). */
static bool wait_readable(int rfd, int64_t deadline) {
    for (;;) {
        int64_t left = deadline - mono_ms();
        if (left <= 0) return false;
        struct pollfd p = {.fd = rfd, .events = POLLIN};
        int rc = poll(&p, 1, left > 1000000 ? 1000000 : (int)left);
        if (rc > 0) return true;
        if (rc < 0 && errno != EINTR) return true;
    }
}

int weft__child_collect(pid_t pid, int rfd, weft_time timeout,
                        struct weft__run_report *r, struct weft__outcome *o) {
    int64_t deadline = mono_ms() + timeout / WEFT_MSEC;
    bool hung = !wait_readable(rfd, deadline);
    if (hung || weft__report_read(rfd, r) != 0) r->ran = false;
    if (hung) kill(pid, SIGKILL);
    int status;
    pid_t got;
    /* a child may hang after its report too: the limit holds to its end */
    while ((got = waitpid(pid, &status, WNOHANG)) == 0) {
        if (!hung && mono_ms() >= deadline) {
            hung = true;
            kill(pid, SIGKILL);
        }
        poll(NULL, 0, 2);
    }
    if (got < 0) return -errno;
    close(rfd);
    weft__judge(r, true, status, o);
    if (hung) {
        o->kind = WEFT_FAILURE_HANG;
        o->result = SIGKILL;
        snprintf(o->message, sizeof o->message, "no end within %.1f s of "
                 "real time: killed", (double)timeout / WEFT_SEC);
    }
    return 0;
}
