/* sim/weft-explore.c: weft-explore(1), schedule exploration of any weft
 * program without code changes. Each run is a child of the program's
 * fork server (sim/explore_served.c), or with --exec the program
 * executed afresh, with WEFT_BACKEND=sim, WEFT_SEED, WEFT_STRATEGY and
 * WEFT_EXPLORE (the fd its weft_run writes its report to, the livelock
 * bounds); so every run is its own process and a crash, abort or hang is
 * a failing seed, not the end of the campaign. -j N splits the seeds
 * over N worker processes that send one record per run to this one,
 * which keeps the tally, the progress line and the output. Exit: 0 no
 * failure, 1 a failure, 2 a usage error. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "explore.h"
#include "explore_child.h"
#include "explore_cli.h"

/* Runs the program once; the child's stdout and stderr go to /dev/null
 * unless verbose. */
static int run_program(void *ctx, uint64_t seed, const char *spec,
                       struct weft__run_report *r, struct weft__outcome *o) {
    const struct weft__cli *cli = ctx;
    int fds[2];
    if (pipe2(fds, O_CLOEXEC)) return -errno;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -EAGAIN;
    }
    if (pid == 0) weft__cli_exec_child(cli, seed, spec, fds[1], -1, -1);
    close(fds[1]);
    return weft__child_collect(pid, fds[0], cli->run_timeout, r, o);
}

/* A worker: steps the campaign over its share of the seeds and writes a
 * record per run to fd. */
static int worker(const struct weft__cli *cli, unsigned k, int fd) {
    struct weft__campaign c;
    memset(&c, 0, sizeof c);
    if (weft__campaign_init(&c, cli->strategy)) return 2;
    c.shrink = cli->shrink;
    c.program = cli->command;
    struct weft__served served = {.cli = cli};
    c.runner.run = cli->exec_each ? run_program : weft__served_run;
    c.runner.ctx = cli->exec_each ? (void *)cli : (void *)&served;
    uint64_t step = (uint64_t)cli->jobs * cli->ci.shard_n; /* ci.h */
    for (uint64_t i = cli->ci.shard_k + (uint64_t)k * cli->ci.shard_n;
         i < cli->count; i += step) {
        struct weft__record rec;
        weft__campaign_step(&c, cli->first + (cli->one_seed ? 0 : i), &rec);
        if (write(fd, &rec, sizeof rec) != (ssize_t)sizeof rec) break;
        if (rec.end || rec.error) break;
    }
    char describe[256];
    struct weft__record last;
    memset(&last, 0, sizeof last);
    c.strategy->describe(c.camp, describe, sizeof describe);
    last.account = true;
    snprintf(last.fail.message, sizeof last.fail.message, "%s", describe);
    if (write(fd, &last, sizeof last) < 0) return 1;
    weft__served_stop(&served);
    weft__campaign_fini(&c);
    return 0;
}

static pid_t start_worker(const struct weft__cli *cli, unsigned k, int *rfd) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC)) return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0); /* its runs too: ended together (a time limit) */
        close(fds[0]);
        _exit(worker(cli, k, fds[1]));
    }
    if (pid > 0) setpgid(pid, pid); /* whichever of the two runs first */
    close(fds[1]);
    *rfd = fds[0];
    return pid;
}

int main(int argc, char **argv) {
    if (argc > 1 && !strcmp(argv[1], "merge")) {
        return weft__merge_main(argc - 2, argv + 2);
    }
    struct weft__cli cli;
    int rc = weft__cli_parse(&cli, argc, argv);
    if (rc || cli.jobs == 0) return rc; /* an error, or --help */
    signal(SIGPIPE, SIG_IGN);
    int corpus = weft__ci_start(&cli); /* the saved failures first */
    if (corpus == 2) return 2;
    pid_t pids[WEFT__CLI_MAX_JOBS];
    int fds[WEFT__CLI_MAX_JOBS];
    for (unsigned k = 0; k < cli.jobs; k++) {
        pids[k] = start_worker(&cli, k, &fds[k]);
        if (pids[k] < 0) {
            fprintf(stderr, "weft-explore: cannot start a worker: %s\n",
                    strerror(errno));
            return 2;
        }
    }
    rc = weft__cli_collect(&cli, fds, pids);
    for (unsigned k = 0; k < cli.jobs; k++) {
        kill(-pids[k], SIGKILL); /* the worker, its server and runs */
        waitpid(pids[k], NULL, 0);
    }
    return rc ? rc : corpus;
}
