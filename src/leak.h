/* src/leak.h: automatic leak tracking of weft objects (API.md "Leak
 * tracking", include/weft/leak.h).
 *
 * The tracker owns every record, in one growable table of the runtime;
 * an object embeds only a handle (struct weft__tracked: the record's
 * index and generation). Its _init tracks it and its _destroy untracks
 * it; untrack touches a record only when the handle's generation and the
 * object's address both match, so a stale handle (the object was already
 * logged as leaked, or never tracked) changes nothing. Nothing here ever
 * reads or writes an object's memory after its _init: an object left in
 * a returned stack frame, whose memory now holds something else, is just
 * a record whose object never comes back, logged as leaked when its
 * creating task ends.
 *
 *   rt->leaks.recs:   [ head | rec | free | rec | ... ]   (by index)
 *   live list:        head <-> rec <-> rec     (creation order, indices)
 *   free list:        free -> free -> 0        (singly linked by next)
 *   rt->leaks.slots:  [ - | idx | - | idx ]    (weft_track's, by ptr)
 *   rt->leaks.log:    [ leak | leak | ... ]    (found so far)
 *
 * The table starts as WEFT__LEAK_INLINE records inside the runtime, so
 * a run with few live objects never allocates for them, then moves to
 * the heap and grows by doubling (records move: they are named by
 * index). When it cannot grow, the object goes untracked, counted in
 * nuntracked and reported at weft_run exit: tracking never fails an
 * _init. Scopes carry no record: the live ones are found through each
 * task's chain of scopes (weft_scope.entered_at gives their time).
 *
 * The log is reported at the join of the ending task's group (the root
 * task's: at weft_run exit) through one function, leak_event; after the
 * run it is what weft_leaks() returns outside a runtime. */
#ifndef WEFT_SRC_LEAK_H
#define WEFT_SRC_LEAK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "weft/leak.h"
#include "weft/private.h"

struct weft__rt;
struct weft__task;

/* One tracked object, owned by the tracker (64 bytes on LP64). */
struct weft__leak_rec {
    const void *ptr;           /* the object, only compared; NULL: free */
    const char *kind;          /* "group", "lock", ... (static) */
    const char *file;          /* where it was created */
    int line;
    uint32_t gen;              /* bumped when freed: old handles miss */
    weft_time created_at;
    uint64_t task_id;          /* creating task */
    struct weft__task *owner;  /* weak: the creating task while it runs;
                                  NULL once the runtime took the object
                                  over, or for an object made outside a
                                  task */
    uint32_t prev;             /* live list (index; 0 is its head) */
    uint32_t next;             /* live list, or the free list */
};

/* Records inside the runtime, before the table needs the heap. */
#define WEFT__LEAK_INLINE 64

/* A task's part of the tracker (t->leaks); zeroed with the task. */
struct weft__task_leaks {
    uint32_t nowned; /* live records whose owner it is */
};

/* A leak found when its creating task ended (or at weft_run exit). */
struct weft__leak {
    weft_leak_info info;
    const void *group; /* the ending task's group, only compared;
                          NULL: reported at weft_run exit */
    bool reported;
};

/* The leak module's part of the runtime (rt->leaks). */
struct weft__leak_state {
    bool enabled;                 /* weft_config.track_leaks */
    struct weft__leak_rec *recs;  /* inline, or owned; recs[0] heads the
                                     live list; NULL when off or after
                                     the run */
    uint32_t nrecs;               /* records in recs */
    uint32_t free;                /* first free record; 0: none */
    size_t nuntracked;            /* objects the table had no room for */
    uint32_t *slots;              /* owned: weft_track's records by ptr,
                                     linear probing, 0 = empty */
    size_t nslots;                /* 0 or a power of two */
    size_t nused;                 /* at most nslots / 2 */
    struct weft__leak *log;       /* owned: leaks found, in that order */
    size_t nlog;
    size_t caplog;
    size_t nlost;     /* leaks the log had no room for */
    size_t nreported; /* log[0..nreported) all reported */
    struct weft__leak_rec inline_recs[WEFT__LEAK_INLINE];
};

/* Starts tracking obj (kind static, e.g. "lock"; created at file:line)
 * in the calling thread's runtime, owned by the running task, and writes
 * the site and the record's handle into tr. Outside a runtime, with
 * tracking off, or when the table cannot grow (counted): tr names no
 * record, and untrack is a no-op. Cannot fail. */
void weft__track(struct weft__tracked *tr, const void *obj, const char *kind,
                 const char *file, int line);

/* Stops tracking obj, whose handle is tr; harmless when tr names no live
 * record of obj (never tracked, already untracked, or logged as leaked
 * when its task ended). */
void weft__untrack(struct weft__tracked *tr, const void *obj);

/* The runtime takes obj (handle tr) over from its creating task: the
 * task may end before the object is untracked without that being a leak
 * (an abandoned run_sync job). */
void weft__tracked_disown(const struct weft__tracked *tr, const void *obj);

/* The creation time to stamp on an object (weft_scope.entered_at): now,
 * or 0 when rt does not track. */
weft_time weft__leak_clock(const struct weft__rt *rt);

/* Reports what rt tracks now on stderr (a debugging aid); returns how
 * many. */
size_t weft__leaks_report(struct weft__rt *rt, const char *when);

/* Module lifetime (runtime.c): init before the root task; run_end after
 * the last task and the thread pool, before the stacks are unmapped: it
 * reports what was never reported and keeps the log for weft_leaks(). */
void weft__leaks_init(struct weft__rt *rt, bool enabled);
void weft__leaks_run_end(struct weft__rt *rt);
/* Forgets the previous run's leaks (weft_run, before a new runtime). */
void weft__leaks_forget_last_run(void);

/* t is ending (task.c): logs what it created and still tracks. Reads
 * the tracker's records only, never the objects. */
void weft__leaks_task_end(struct weft__task *t);

/* Group g (created at site) was joined: reports the leaks of its tasks. */
void weft__leaks_group_joined(struct weft__rt *rt, const void *g,
                              const struct weft__site *site);

#endif
