/* sim/ci.h: weft-explore's options for running in CI and on fleets
 * (sim/ci.c, docs/FUZZING.md): required coverage marks, a corpus of
 * failing schedules, shards of a campaign, a JUnit report, a replay
 * file. They hang off the command line (struct weft__cli) as one
 * struct, and the parent's loop calls in at a failure and at the end. */
#ifndef WEFT_CI_H
#define WEFT_CI_H

#include <stdbool.h>
#include <stdint.h>

#include "weft/sim.h"

#define WEFT__CI_MAX_REQUIRE 16

struct weft__tally;
struct weft__record;
struct weft__cli;

struct weft__ci {
    const char *require[WEFT__CI_MAX_REQUIRE]; /* --require-cover */
    unsigned nrequire;
    char replay[512]; /* --replay-file: the file's strategy string */
    const char *corpus; /* --corpus DIR */
    /* --shard K/N: this process runs the seeds whose index in the
     * campaign is shard_k modulo shard_n (shard_k = K - 1) */
    uint64_t shard_k, shard_n;
    bool shard_given;  /* --json then prints the sets merge needs */
    const char *junit; /* --junit FILE */
};

/* Sets the defaults (one shard). */
void weft__ci_init(struct weft__ci *ci);

/* weft-explore merge FILES...: prints the summary of the --json outputs
 * of shards as one campaign over their seeds would (sim/merge.c). Exit
 * status as a campaign's. */
int weft__merge_main(int argc, char **argv);

/* Parses a CI option at argv[*i]: 0 parsed, 1 not one of them, 2 bad
 * (after a message). */
int weft__ci_option(struct weft__cli *c, int argc, char **argv, int *i);

/* Before the campaign: replays the corpus (sim/corpus.h): 0, 1 (one
 * still fails) or 2. */
int weft__ci_start(const struct weft__cli *c);

/* The campaign found failure x: saves it in the corpus. */
void weft__ci_failure(const struct weft__cli *c,
                      const weft_explore_failure *x);

/* The campaign ended with tally t and exit status rc: prints the cover
 * marks and returns rc, or 1 when a required mark was never reached. */
int weft__ci_finish(const struct weft__cli *c, const struct weft__tally *t,
                    int rc);

#endif
