/* sim/report.h: what one sim run tells the explorer that started it.
 *
 * An in-process explorer points weft__sim_report at its report before
 * each run; a program run by weft-explore finds WEFT_EXPLORE in its
 * environment and writes its report to the fd named there when weft_run
 * ends. Either way the sim backend fills the same struct:
 * the bounds to apply on the way in, the decision log while running, the
 * result and leaks at the end. */
#ifndef WEFT_REPORT_H
#define WEFT_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "cover.h"
#include "decision.h"
#include "weft/sim.h"

#define WEFT__SPEC_MAX 512

struct weft__run_report {
    /* in: set by the explorer */
    uint64_t step_limit;  /* 0: none */
    weft_time time_limit; /* 0: none */
    int fd;               /* >= 0: write the report there at the end */
    /* out: filled by the run */
    bool ran;             /* a sim run started */
    uint64_t seed;
    char strategy[WEFT__SPEC_MAX];
    int rc;               /* weft_run's result */
    size_t nleaks;
    weft_failure kind;    /* NONE, or what the run found itself
                             (ASSERT, LIVELOCK) */
    char message[256];
    struct weft__dlog log; /* log.d owned, kept across runs */
    bool log_lost;         /* an entry could not be stored */
    struct weft__cover cover; /* the WEFT_COVER marks it reached */
};

/* The report an in-process explorer set for the calling thread's next
 * runs, NULL when none. */
extern __thread struct weft__run_report *weft__sim_report;

/* The report of the run starting now: the explorer's, or one the
 * thread keeps when WEFT_EXPLORE names a fd (the program runs under
 * weft-explore), or NULL. Reset for the run. */
struct weft__run_report *weft__report_begin(void);

/* WEFT_EXPLORE, "fd=N,steps=S,time=T[,req=Q,rsp=P]": the report's fd,
 * the livelock bounds (0: none) and, for a fork server (sim/serve.c),
 * its request and response fds (-1 when absent). */
struct weft__explore_env {
    int fd, req, rsp;
    uint64_t steps, time;
};

/* Reads WEFT_EXPLORE into *e; false when it is unset or malformed. */
bool weft__explore_env(struct weft__explore_env *e);

/* The report the calling thread's running sim run fills, or NULL. */
struct weft__run_report *weft__report_current(void);

/* At the end of weft_run: writes r to its fd, if any. */
void weft__report_end(struct weft__run_report *r);

/* Reads one report written by a child from fd into r (log grown as
 * needed). 0, -EIO (short or none) or -ENOMEM. */
int weft__report_read(int fd, struct weft__run_report *r);

/* Writes or reads all n bytes on a pipe, retrying after EINTR and short
 * transfers; false at end of file or on an error. */
bool weft__write_all(int fd, const void *p, size_t n);
bool weft__read_all(int fd, void *p, size_t n);

#endif
