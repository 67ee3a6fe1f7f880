/* weft/leak.h: leak tracking (the seed's resource_tracker: LeakTracker,
 * track_resource, untrack_resource, LeakInfo).
 *
 * Every weft object (groups, scopes, locks, queues, run_sync jobs, ...)
 * is tracked from its _init (or enter) to its _destroy (or exit), with
 * the site that created it; user objects can join with WEFT_TRACK. The
 * tracker belongs to the run: each weft_run has its own, and outside a
 * runtime nothing is tracked.
 *
 * When an object is still tracked at the moment it can no longer be
 * released properly, it is a leak, reported once on stderr (kind, site,
 * creating task, creation time) and as a leak event of the run's trace:
 *   - objects created by a task of a group and still tracked when that
 *     task ends are reported when the group is joined;
 *   - whatever else is still tracked is reported when weft_run returns.
 * The tracker keeps its records in its own memory, never in the objects:
 * an object left in a returned stack frame is reported with all its
 * details, and memory that held it is never read or written again.
 * Tracking never makes an _init fail: when the tracker cannot grow (out
 * of memory) the object goes untracked, and weft_run reports their count
 * on stderr when it returns ("N object(s) went untracked ...").
 * weft_config.track_leaks (or WEFT_TRACK_LEAKS=0|1) turns tracking off
 * for a run; it is on by default. docs/MAPPING.md maps the seed's names. */
#ifndef WEFT_LEAK_H
#define WEFT_LEAK_H

#include "weft/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One tracked (or leaked) object (the seed's LeakInfo). */
typedef struct weft_leak_info {
    const void *ptr;  /* the object; an address, never dereferenced */
    const char *kind; /* "group", "scope", "lock", or the user's kind */
    const char *file; /* creation site (borrowed static string) */
    int line;
    weft_time created_at; /* weft_now() when it was tracked (real backend:
                             from the coarse clock, to a few ms) */
    uint64_t task_id;     /* the creating task (1: the root task) */
} weft_leak_info;

/* Tracks ptr as a live object of kind (borrowed, static; NULL: "user")
 * created at file:line, until weft_untrack(ptr). Not a checkpoint.
 * Takes one record from the tracker (which may grow). Outside a runtime, or with tracking off: does
 * nothing and returns 0. Errors: -EINVAL (ptr NULL), -EEXIST (ptr is
 * already tracked by weft_track), -ENOMEM (nothing changed). */
WEFT_API int weft_track(const void *ptr, const char *kind, const char *file,
                        int line);
#define WEFT_TRACK(ptr, kind) weft_track((ptr), (kind), __FILE__, __LINE__)

/* Stops tracking ptr (tracked by weft_track) and frees its record; O(1).
 * Outside a runtime, or with tracking off: returns 0. Errors: -ENOENT
 * (ptr is not tracked by weft_track in this run, or was already
 * reported as leaked because its creating task ended). */
WEFT_API int weft_untrack(const void *ptr);

/* Copies up to max entries to out (may be NULL when max is 0) and
 * returns how many there are (may exceed max). Inside a runtime: the
 * leaks found so far in this run, then every object tracked now, in
 * creation order. Outside a runtime: what the last weft_run of the
 * calling thread leaked, so a test can check `weft_leaks(NULL, 0) == 0`
 * once weft_run returned. Not a checkpoint; cannot fail. */
WEFT_API size_t weft_leaks(weft_leak_info *out, size_t max);

#ifdef __cplusplus
}
#endif
#endif
