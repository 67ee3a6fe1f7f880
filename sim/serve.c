/* sim/serve.c: the fork server a program becomes under weft-explore
 * (WEFT_EXPLORE names req= and rsp= fds). Its first sim weft_run does
 * not run: the process, warm (loaded, relocated, main's set-up done),
 * reads requests (a seed and a strategy string) and forks a child per
 * request; the child returns into weft_run with that seed and strategy,
 * runs, writes its report (sim/report.c) and goes on with the program
 * as usual to its exit. The server answers each request with the child's
 * pid, then its wait status, and exits when the request pipe closes. A
 * child inherits only the thread that called weft_run: a program that
 * starts threads before weft_run is explored with --exec. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report.h"
#include "serve.h"

int weft__serve_send(int req, uint64_t seed, const char *spec) {
    struct weft__serve_request r;
    memset(&r, 0, sizeof r);
    r.seed = seed;
    size_t len = strlen(spec);
    if (len >= sizeof r.spec) return -ENAMETOOLONG;
    memcpy(r.spec, spec, len);
    return weft__write_all(req, &r, sizeof r) ? 0 : -EPIPE;
}

bool weft__serve_read_int(int fd, int *v) {
    return weft__read_all(fd, v, sizeof *v);
}

/* The request a child runs; static: cfg borrows its spec. */
static struct weft__serve_request request;

void weft__serve(weft_config *cfg) {
    static bool served; /* only the first weft_run of the process */
    struct weft__explore_env e;
    if (served || !weft__explore_env(&e) || e.req < 0 || e.rsp < 0) return;
    served = true;
    for (;;) {
        if (!weft__read_all(e.req, &request, sizeof request)) _exit(0);
        pid_t pid = fork();
        if (pid == 0) {
            close(e.req);
            close(e.rsp);
            request.spec[sizeof request.spec - 1] = '\0';
            cfg->seed = request.seed;
            cfg->strategy = request.spec;
            return;
        }
        int status = pid < 0 ? -errno : 0;
        int answer = pid < 0 ? -1 : (int)pid;
        if (!weft__write_all(e.rsp, &answer, sizeof answer)) _exit(0);
        while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        if (!weft__write_all(e.rsp, &status, sizeof status)) _exit(0);
    }
}
