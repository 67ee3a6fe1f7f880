/* src/sync/sync.h: what every synchronisation object shares
 * (docs/ARCHITECTURE.md "Layers": sync): the checked entry of each call, init
 * and destroy bookkeeping, and the internal lock calls that weft_cond_wait
 * uses.
 *
 * Each object starts with a magic word naming its kind and a pointer to
 * the runtime it belongs to. Every call checks both against the calling
 * thread's runtime (WEFT__SYNC_ENTER): a wrong kind, an object never
 * initialised, destroyed or from another runtime aborts with a message
 * instead of undefined behaviour. The check costs four loads (one of them
 * thread-local) and four predicted compares: about 1 ns. It
 * cannot see an object used after its runtime ended by a later runtime
 * that happens to be allocated at the same address. */
#ifndef WEFT_SRC_SYNC_H
#define WEFT_SRC_SYNC_H

#include "leak.h"
#include "sched.h"
#include "weft/queue.h"
#include "weft/sync.h"

/* Magic words: the kind in ASCII, so a hex dump shows it. */
#define WEFT__MAGIC_LOCK 0x4c4f434bu    /* "LOCK" */
#define WEFT__MAGIC_SEM 0x53454d41u     /* "SEMA" */
#define WEFT__MAGIC_LIMITER 0x4c494d54u /* "LIMT" */
#define WEFT__MAGIC_EVENT 0x45564e54u   /* "EVNT" */
#define WEFT__MAGIC_COND 0x434f4e44u    /* "COND" */
#define WEFT__MAGIC_QUEUE 0x51554555u   /* "QUEU" */
#define WEFT__MAGIC_PQUEUE 0x50515545u  /* "PQUE" */
/* A destroyed object's magic: its kind in lower case ("lock"), so the
 * report of a use after destroy still knows the layout, and the site. */
#define WEFT__MAGIC_DEAD(m) ((m) | 0x20202020u)

/* Aborts naming what is wrong with obj (see WEFT__SYNC_ENTER). */
WEFT__NORETURN void weft__sync_bad(const void *obj, uint32_t magic,
                                   uint32_t want, const struct weft__rt *rt,
                                   const struct weft__tracked *tr,
                                   const char *what);

/* The running task, after checking that obj (magic, rt, tr: its
 * members) is a live object of kind want that belongs to the calling
 * thread's runtime; else misuse naming the call `what`. */
static inline struct weft__task *
weft__sync_enter(const void *obj, uint32_t magic, uint32_t want,
                 const struct weft__rt *rt, const struct weft__tracked *tr,
                 const char *what) {
    const struct weft__rt *cur = weft__tls_rt;
    if (likely(magic == want && cur && rt == cur && cur->current)) {
        return cur->current;
    }
    weft__sync_bad(obj, magic, want, rt, tr, what);
}

#define WEFT__SYNC_ENTER(o, want, what)                                        \
    weft__sync_enter((o), (o)->magic, (want), (o)->rt, &(o)->track, (what))

/* The first half of init: the calling task (misuse outside one), o
 * zeroed, owned by the task's runtime, tracked. Marking it live (the
 * magic) is left to the end of init, once nothing can fail. */
#define WEFT__SYNC_INIT(o, kind, file, line, what)                             \
    do {                                                                       \
        struct weft__task *init_task_ = weft__task_current(what);              \
        memset((o), 0, sizeof *(o));                                           \
        (o)->rt = init_task_->rt;                                              \
        weft__track(&(o)->track, (o), (kind), (file), (line));                 \
    } while (0)

/* The end of destroy: untracks o and poisons it, keeping its dead magic
 * and the creation site so a later use is reported as such. */
void weft__sync_kill(void *obj, size_t size, uint32_t *magic,
                     struct weft__tracked *tr);
#define WEFT__SYNC_KILL(o)                                                     \
    weft__sync_kill((o), sizeof *(o), &(o)->magic, &(o)->track)

/* Misuse: what (a destroy) found tasks waiting in q of the object obj
 * (its leak record tr); names the oldest. */
WEFT__NORETURN void weft__sync_waited(const void *obj,
                                      const struct weft__tracked *tr,
                                      const char *what,
                                      const struct weft__waitq *q);

/* Misuse on destroy of o, whose creation site is in o->track. */
#define WEFT__SYNC_MISUSE(o, ...)                                              \
    weft__misuse((o), (o)->track.site.file, (o)->track.site.line, __VA_ARGS__)

/* The tail of a blocking call that did not wait: the schedule point of
 * its checkpoint, whatever rc it returns (its cancellation check came
 * first, before anything changed), so that even a loop that retries on
 * an error lets other tasks run. */
static inline int weft__sync_done(int rc) {
    weft__reschedule();
    return rc;
}

/* A task's name for messages. */
static inline const char *weft__task_name(const struct weft__task *t) {
    return t->name ? t->name : "?";
}

/* The live task of rt whose id is id, or NULL once it ended: O(tasks),
 * for messages only. A holder is known by id because an ended task's
 * memory may already host another task. */
const struct weft__task *weft__sync_task_by_id(const struct weft__rt *rt,
                                               uint64_t id);

/* Whether t holds lk. */
static inline bool weft__lock_held_by(const weft_lock *lk,
                                      const struct weft__task *t) {
    return lk->owner_id == t->id;
}

/* For weft_cond_wait (lock.c): release lk, held by the caller, handing
 * it to the oldest waiter; take lk for t ignoring cancellation. */
void weft__lock_release_held(weft_lock *lk);
void weft__lock_take_nocancel(weft_lock *lk, struct weft__task *t);

/* Heap order of q's entries, O(n): false at the first violation. */
bool weft__pqueue_validate(const weft_pqueue *q);

#endif
