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

/* Intrusive timer-heap node (a pairing heap linked by pointers, so
 * arming a timer never allocates). Ordered by (deadline, tiebreak). */
struct weft__timer {
    struct weft__timer *child;       /* first child */
    struct weft__timer *next;        /* next sibling */
    struct weft__timer *prev;        /* previous sibling, or the parent */
    weft_time deadline;
    uint64_t tiebreak;               /* sequence (real) or seeded draw (sim) */
    void (*fire)(struct weft__timer *tm);
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

/* Leak tracking record, embedded in every weft object (src/leak.h). */
struct weft__tracked {
    struct weft__list node;          /* in the runtime's list while tracked */
    const void *ptr;                 /* the object */
    const char *kind;                /* "group", "lock", ... (static) */
    struct weft__site site;          /* where it was created */
    weft_time created_at;
    uint64_t task_id;                /* creating task */
    struct weft__task *owner;        /* weak: the creating task while it
                                        runs; cleared when it ends (what
                                        it left is logged as leaked) or
                                        when the runtime takes the object
                                        over (src/leak.c) */
    int8_t where;                    /* which list: none, the runtime's,
                                        the owner's stack (src/leak.h) */
    int8_t shadow;                   /* owner's copy of it, or -1 */
};

#ifdef __cplusplus
}
#endif
#endif
