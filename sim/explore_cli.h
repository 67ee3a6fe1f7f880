/* sim/explore_cli.h: weft-explore's command line, its child runs and
 * the parent's collection of worker records (sim/explore_cli.c). */
#ifndef WEFT_EXPLORE_CLI_H
#define WEFT_EXPLORE_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "ci.h"
#include "weft/common.h"

#define WEFT__CLI_MAX_JOBS 64

struct weft__cli {
    uint64_t first, count;  /* seeds first .. first + count - 1 */
    bool one_seed;          /* dfs: every run with seed `first` */
    bool count_given;       /* --seeds or --count given */
    const char *strategy;
    unsigned jobs;
    uint64_t stop_after;
    double time_limit;      /* seconds of the campaign, 0: none */
    uint64_t max_steps;
    weft_time max_time;     /* virtual */
    weft_time run_timeout;  /* real, per run */
    bool shrink, json, progress, verbose;
    bool exec_each;         /* --exec: no fork server, one exec a run */
    const char *trace_dir;  /* record failing runs' traces there */
    char **argv;            /* PROG ARGS, NULL-terminated */
    char command[1024];     /* the same, quoted for a replay line */
    struct weft__ci ci;     /* the CI options (sim/ci.h) */
};

/* Parses argv into cli; 0, or 2 after a message naming the bad argument
 * (or 0 with cli->jobs == 0 after --help). */
int weft__cli_parse(struct weft__cli *cli, int argc, char **argv);

/* In the forked child: sets the WEFT_* environment for (seed, spec),
 * hands it fd for the report (and req, rsp for a fork server, or -1)
 * and executes the program. Never returns. */
void weft__cli_exec_child(const struct weft__cli *cli, uint64_t seed,
                          const char *spec, int fd, int req, int rsp);

/* A runner (sim/explore.h) that makes each run in a child of the
 * program's own fork server (sim/serve.c), started at the first run and
 * again after a run that left it unusable; ctx: a struct
 * weft__served, zeroed, with cli set. */
struct weft__served {
    const struct weft__cli *cli;
    pid_t pid; /* the server, 0: none */
    int req, rsp, rep;
};
struct weft__run_report;
struct weft__outcome;
int weft__served_run(void *ctx, uint64_t seed, const char *spec,
                     struct weft__run_report *r, struct weft__outcome *o);
void weft__served_stop(struct weft__served *s);

/* Reads the workers' records until they end, a stop condition or the
 * time limit; prints failures, progress and the summary. 0 or 1. */
int weft__cli_collect(const struct weft__cli *cli, const int *fds,
                      const pid_t *pids);

#endif
