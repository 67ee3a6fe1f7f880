/* sim/explore.h: the campaign machinery shared by weft_explore (in
 * process) and weft-explore(1) (another program): how one run is made
 * (a runner), how it is judged, how a failing seed is checked for
 * determinism and shrunk, and the tally of what a campaign saw. */
#ifndef WEFT_EXPLORE_H
#define WEFT_EXPLORE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "report.h"
#include "strategy.h"
#include "weft/sim.h"

/* The verdict on one run. */
struct weft__outcome {
    weft_failure kind;
    int result;        /* weft_run's result, exit status, or signal */
    char message[256]; /* one line, "" when it passed */
};

/* Makes one run with seed and strategy string spec; fills r (report and
 * decision log) and o. 0, or -errno when no run could be made (then the
 * campaign ends with a message). */
struct weft__runner {
    int (*run)(void *ctx, uint64_t seed, const char *spec,
               struct weft__run_report *r, struct weft__outcome *o);
    void *ctx;
};

/* A campaign's settings. */
struct weft__campaign {
    const struct weft__strategy_ops *strategy;
    void *camp;           /* the strategy's campaign half (owned) */
    bool shrink;
    const char *program;  /* for replay lines: "./prog args" */
    struct weft__runner runner;
    struct weft__run_report report; /* scratch, log kept across runs */
    struct weft__run_report again;  /* scratch of determinism re-runs */
};

/* What the campaign learnt from one run (a worker sends these). */
struct weft__record {
    uint64_t seed;
    uint64_t schedule;   /* hash of the decision log */
    uint64_t outcome;    /* hash of (kind, result) */
    bool end;            /* the strategy has nothing left (dfs) */
    bool error;          /* no run could be made: the campaign ends
                            (fail.message says why) */
    bool account;        /* a worker's last record: fail.message holds
                            the strategy's account (describe) */
    weft_explore_failure fail; /* fail.kind != NONE: a failure */
    struct weft__cover cover;  /* the WEFT_COVER marks the run reached */
};

/* Judges a run from its report and, for a child process, its wait
 * status (have_status). */
void weft__judge(const struct weft__run_report *r, bool have_status,
                 int status, struct weft__outcome *o);

/* Sets up c for spec: -EINVAL (message on stderr) or 0. */
int weft__campaign_init(struct weft__campaign *c, const char *spec);
void weft__campaign_fini(struct weft__campaign *c);

/* Runs the next schedule of the campaign with seed; a failure is re-run
 * (nondeterminism) and, with shrink, minimised. Fills rec. */
void weft__campaign_step(struct weft__campaign *c, uint64_t seed,
                         struct weft__record *rec);

/* The tally of a campaign, fed records in any order. */
struct weft__tally {
    uint64_t runs, failures;
    uint64_t *sched;   /* owned: open-addressing sets of hashes */
    size_t nsched, capsched;
    uint64_t *outc;
    size_t noutc, capoutc;
    bool complete;
    bool have_first;
    weft_explore_failure first;
    struct weft__cover cover; /* the marks of every run */
};

void weft__tally_add(struct weft__tally *t, const struct weft__record *rec);
void weft__tally_fini(struct weft__tally *t);

/* Prints a failure: seed, strategy, kind, message and the replay
 * command (and the shrunk schedule) to f; json: one JSON line. */
void weft__print_failure(FILE *f, const weft_explore_failure *x,
                         const char *program, bool json);
/* s as a JSON string, quoted and escaped. */
void weft__json_string(FILE *f, const char *s);

/* Prints the summary of t (and the strategy's account, describe). */
void weft__print_summary(FILE *f, const struct weft__tally *t,
                         const char *strategy, const char *describe,
                         double seconds, bool json);

#endif
