/* sim/decision.h: a run's decision log and the schedule strings made
 * from it (docs/EXPLORATION.md "Schedule strings").
 *
 * Every choice a strategy makes is one entry: how many options there
 * were, which was taken, and which one would have kept the running task
 * (so a preemption is an entry that took another). A schedule string
 * lists only the entries that left the default, as "step.offset" pairs
 * joined by commas ("12.1,40.2"): offset is counted from the default
 * option, modulo n. Every other entry, and every entry past the list,
 * takes the default. A schedule with few preemptions is a short string.
 * A pair written "fK.offset" names the K-th fault choice of the run
 * (the simulated network's, counted from 0 among them alone): a
 * schedule of faults only keeps its meaning when the choices around them
 * change, which is what shrinking a network run needs. */
#ifndef WEFT_DECISION_H
#define WEFT_DECISION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct weft__decision {
    uint32_t n;    /* options, >= 2 */
    uint32_t pick; /* the option taken, < n */
    uint32_t base; /* the default option: the yielding task, else 0 */
    uint8_t kind;  /* enum weft__choice_kind */
    bool stay;     /* base is the running task, still runnable, or the
                      choice is the network's (calm at 0): any other
                      pick counts as a preemption */
    bool preempt;  /* stay and pick != base */
};

struct weft__dlog {
    struct weft__decision *d; /* owned; kept across runs (no allocation
                                 once it is large enough) */
    size_t n;
    size_t cap;
    uint64_t steps;     /* the run's scheduling steps (rt->steps) */
};

/* Appends one entry; false when out of memory (the log is then marked
 * incomplete by the caller). */
bool weft__dlog_push(struct weft__dlog *log, const struct weft__decision *d);

/* Frees the entries. */
void weft__dlog_free(struct weft__dlog *log);

/* 64-bit FNV-1a hash of the (n, pick) sequence: equal logs, equal hash. */
uint64_t weft__dlog_hash(const struct weft__dlog *log);

/* Entries with preempt set. */
size_t weft__dlog_preemptions(const struct weft__dlog *log);

/* Offset of entry i from its default: (pick - base) mod n. */
static inline uint32_t weft__decision_offset(const struct weft__decision *d) {
    return (d->pick + d->n - d->base) % d->n;
}

/* Writes the schedule string of the first `upto` entries of log (only
 * the non-default ones) to buf. 0, or -ENOSPC. */
int weft__dlog_format(const struct weft__dlog *log, size_t upto, char *buf,
                      size_t n);

/* One "step.offset" pair of a schedule string. */
struct weft__sched_pair {
    uint64_t step;  /* fault: the index among the fault choices */
    uint32_t offset;
    bool fault;     /* written "f<step>.<offset>" */
};

/* Parses a schedule string into pairs (owned by the caller, free()),
 * steps strictly increasing (among the pairs of each kind) and offsets
 * >= 1. 0, -EINVAL, -ENOMEM. */
int weft__sched_parse(const char *s, struct weft__sched_pair **pairs,
                      size_t *npairs);

#endif
