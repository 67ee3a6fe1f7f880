/* sim/corpus.h: a directory of failing schedules (--corpus DIR,
 * sim/corpus.c): every failure a campaign finds is saved there as a
 * failure file (sim/failfile.h); the next campaign replays them first. */
#ifndef WEFT_CORPUS_H
#define WEFT_CORPUS_H

#include "weft/sim.h"

struct weft__cli;

/* Saves x in dir (made if missing) as KIND-HASH.replay, one file per
 * distinct (schedule, seed). 0 or -errno. */
int weft__corpus_save(const char *dir, const weft_explore_failure *x);

/* Replays every *.replay file of the cli's corpus, in name order, each
 * as one run of the program, printing which still fail (as failures,
 * with their replay command) and which pass now. 0 when none still
 * fails (or there is no directory yet), 1 when one does, 2 on an error
 * (a message says which). */
int weft__corpus_replay(const struct weft__cli *cli);

#endif
