/* src/leak.h: automatic leak tracking of weft objects (API.md "Leak
 * tracking", include/weft/leak.h).
 *
 * Every object embeds a struct weft__tracked; its _init tracks it and its
 * _destroy untracks it. Tracking never allocates: the record is linked
 * into one of two intrusive lists and counted in its creating task:
 *
 *   the task's frame list   records lying in the creating task's own
 *                           stack (locals of its functions);
 *   the runtime's list      every other record (heap, static, another
 *                           task's stack, weft_track's records).
 *
 * A task's stack is dead by the time its end is processed (its last
 * frames are already overwritten), so a frame list is never walked after
 * its task ended: it is dropped whole, and nothing alive points into it.
 * For the report, the task keeps a copy (a "shadow") of the details of up
 * to WEFT__LEAK_SHADOWS of its live frame records; beyond that a leak is
 * only counted. Records in the runtime's list stay readable: at the end
 * of their task they are unlinked and copied to the leak log.
 * Scopes carry no record: the live ones are found through each task's
 * chain of scopes (weft_scope.entered_at gives their time).
 *
 * The log is reported at the join of the ending task's group (the root
 * task's: at weft_run exit) through one function, leak_event; after the
 * run it is what weft_leaks() returns outside a runtime.
 *
 *   rt->leaks.tracked: rec <-> rec <-> rec        (creation order)
 *   t->leaks.frame:    rec <-> rec                (t's stack only)
 *   rt->leaks.slots:   [ - | rec | - | rec ]      (weft_track's, by ptr)
 *   rt->leaks.log:     [ leak | leak | ... ]      (found so far) */
#ifndef WEFT_SRC_LEAK_H
#define WEFT_SRC_LEAK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "weft/leak.h"
#include "weft/private.h"

struct weft__rt;
struct weft__task;

/* weft__tracked.where */
enum weft__tracked_where {
    WEFT__TRACKED_NONE = 0, /* not tracked (off, outside a run, untracked) */
    WEFT__TRACKED_RUNTIME,  /* in rt->leaks.tracked */
    WEFT__TRACKED_FRAME,    /* in owner->leaks.frame */
};

/* Copies kept per task of its frame records' details. */
#define WEFT__LEAK_SHADOWS 4

struct weft__shadow {
    const void *ptr;
    const char *kind;
    const char *file;
    int line;
    weft_time created_at;
};

/* A task's part of the tracker (t->leaks); zeroed with the task. */
struct weft__task_leaks {
    struct weft__list frame; /* records in its own stack; set up at the
                                first one (next == NULL until then) */
    uint32_t nframe;         /* records in frame */
    uint32_t nowned;         /* its records in the runtime's list */
    uint8_t shadow_used;     /* bit k: shadow[k] copies a frame record */
    struct weft__shadow shadow[WEFT__LEAK_SHADOWS];
};

/* A leak found when its creating task ended (or at weft_run exit). */
struct weft__leak {
    weft_leak_info info;   /* when nmore == 0 */
    size_t nmore;          /* > 0: that many objects without details,
                              left on the stack of task info.task_id */
    const char *task_name; /* for nmore; borrowed like the task's name */
    const void *group;     /* the ending task's group, only compared;
                              NULL: reported at weft_run exit */
    bool reported;
};

/* The leak module's part of the runtime (rt->leaks). */
struct weft__leak_state {
    bool enabled;                 /* weft_config.track_leaks */
    struct weft__list tracked;    /* the runtime's list, oldest first */
    struct weft__tracked **slots; /* owned: weft_track's records by ptr,
                                     linear probing, NULL = free */
    size_t nslots;                /* 0 or a power of two */
    size_t nused;                 /* at most nslots / 2 */
    struct weft__leak *log;       /* owned: leaks found, in that order */
    size_t nlog;
    size_t caplog;
    size_t nlost;     /* leaks the log had no room for */
    size_t nreported; /* log[0..nreported) all reported */
};

/* Starts tracking obj (kind static, e.g. "lock"; created at file:line)
 * in the calling thread's runtime, owned by the running task. Outside a
 * runtime, or with tracking off: only initialises tr (then untrack is a
 * no-op). Never allocates, cannot fail. */
void weft__track(struct weft__tracked *tr, const void *obj, const char *kind,
                 const char *file, int line);

/* Stops tracking; harmless when tr is not tracked (never was, already
 * untracked, or logged as leaked when its task ended). */
void weft__untrack(struct weft__tracked *tr);

/* The runtime takes tr over from its creating task: the task may end
 * before the object is untracked without that being a leak (an
 * abandoned run_sync job). tr must not lie in the task's stack. */
void weft__tracked_disown(struct weft__tracked *tr);

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

/* t is ending (task.c): logs what it created and still tracks, and lets
 * go of its frame list. Does not read t's stack below t. */
void weft__leaks_task_end(struct weft__task *t);

/* Group g (created at site) was joined: reports the leaks of its tasks. */
void weft__leaks_group_joined(struct weft__rt *rt, const void *g,
                              const struct weft__site *site);

#endif
