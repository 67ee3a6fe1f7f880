/* weft/private.h: helper types embedded in public structs.
 * Nothing here is API: layouts and names may change at any release.
 * They live in a header only because callers allocate the structs. */
#ifndef WEFT_PRIVATE_H
#define WEFT_PRIVATE_H

#include "weft/common.h"

#ifdef __cplusplus
extern "C" {
#endif

struct weft__task;
struct weft__rt;

/* Intrusive circular doubly linked list; an empty list points at itself. */
struct weft__list {
    struct weft__list *next;
    struct weft__list *prev;
};

/* A timer: its keys, and while armed the id under which the runtime's
 * heap (src/timer.c) keeps its entry's position, so that disarming
 * finds the entry without a search. */
struct weft__timer {
    weft_time deadline;
    uint64_t tiebreak;               /* arming order in the runtime */
    void (*fire)(struct weft__timer *tm);
    uint32_t id;                     /* while armed */
    bool armed;
};

/* Where an object was created, for misuse and leak reports. */
struct weft__site {
    const char *file;                /* static string from __FILE__ */
    int line;
};

/* A FIFO of parked tasks: the one thing every blocking call waits on. */
struct weft__waitq {
    struct weft__list waiters;       /* of struct weft__wait, oldest first */
    size_t nwaiters;
    const char *kind;                /* "lock", "queue get", ... (static) */
    const void *obj;                 /* the object waited on, for reports */
    const struct weft__site *site;   /* its creation site, may be NULL */
};

/* Leak tracking handle, embedded in every weft object (src/leak.h): the
 * creation site (misuse reports name it too) and which record of the
 * runtime's tracker is the object's. The record itself lives in the
 * tracker, never in the object, so the object's memory may die (a
 * returned stack frame) without the tracker ever touching it. */
struct weft__tracked {
    struct weft__site site;          /* where it was created */
    uint32_t slot;                   /* its record in the tracker; 0: none */
    uint32_t gen;                    /* that record's generation: a record
                                        reused for another object no longer
                                        matches */
};

#ifdef __cplusplus
}
#endif
#endif
