/* src/trace.c: the trace recorder (docs/TRACE-FORMAT.md). One per run:
 * records go into a block buffer, each encoded in as few bytes as its
 * fields need (a record's cost is mostly the bytes written: a busy run
 * records millions of events a second), strings into a table that only
 * grows; a full buffer is written as one block (the strings added since
 * the last block, then the records), and so are the last records at the
 * end of the run and on the abort paths, so a file always ends with whole
 * blocks up to the moment it stopped.
 * Invariant: every string offset and object id in a written record was
 * defined in that block or an earlier one. Records carry the time of the
 * last clock read: under sim at every switch (exact: the virtual clock
 * moves only in the loop); under real only where the loop runs (a switch
 * from the loop, a timer, a thread completion), at a task's start and
 * exit (once per task, so lifetimes are measured) and at each block, since
 * a read of the real clock costs more than the rest of a record and the
 * loop comes round at least every 64 switches. Ids and offsets are handed
 * out in the order of first use, never from addresses: a sim run writes
 * the same bytes for the same seed (but for the wall-clock field). */
#include "config.h"

#define WEFT__TRACE_RECORDER /* the recorders are hot here */
#include "trace.h"

#include <endian.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "cancel.h"
#include "idmap.h"
#include "strategy.h"
#include "weft/leak.h"
#include "weft/trace.h"

/* Bytes of records per block: one write every 64 KiB at most. */
#define BLOCK_BYTES 65536
/* Slots of the caches in front of the maps (a power of two). */
#define CACHE_SLOTS 64

/* The last id found for an address: hot objects and kinds skip a map
 * probe. Kept equal to the map for every address it holds. */
struct cache_slot {
    uintptr_t key;
    uint32_t val;
};

struct weft__trace {
    int fd;
    bool failed;                  /* a write or allocation failed: stop */
    bool virtual_clock;           /* sim: reading the clock is free */
    uint8_t loop_cause;           /* WAKE's cause when no task runs */
    weft_time start;              /* the clock at the start (real) */
    weft_time stamp;              /* the time records get, since start */
    size_t nrec;                  /* records in buf */
    size_t len;                   /* bytes of buf used */
    uint32_t last_task;           /* of the block's previous record */
    weft_time last_time;
    uint8_t *fold;                /* the mask byte of the block's last
                                     record, which events may fold into */
    uint8_t buf[BLOCK_BYTES];
    char *strs;                   /* owned: the string table */
    size_t nstrs, capstrs;
    size_t strs_written;          /* strs[0..strs_written) are on disk */
    struct weft__idmap by_ptr;    /* static strings (kinds, files) */
    struct weft__idmap by_text;   /* every string, by content hash */
    struct weft__idmap objects;   /* object address -> id */
    struct weft__idmap scopes;    /* scope address -> id */
    uint32_t nobjects, nscopes;
    struct cache_slot object_cache[CACHE_SLOTS];
    struct cache_slot string_cache[CACHE_SLOTS];
};

static struct cache_slot *slot_of(struct cache_slot *cache, const void *p) {
    return &cache[((uintptr_t)p >> 4) & (CACHE_SLOTS - 1)];
}

int weft__tracing;

/* ---- writing ---- */

/* Little-endian stores for the header and block heads. */
static void put16(uint8_t *p, uint16_t v) {
    v = htole16(v);
    memcpy(p, &v, sizeof v);
}

static void put32(uint8_t *p, uint32_t v) {
    v = htole32(v);
    memcpy(p, &v, sizeof v);
}

static void put64(uint8_t *p, uint64_t v) {
    v = htole64(v);
    memcpy(p, &v, sizeof v);
}

/* Writes all of iov or marks the recorder failed. Signal-safe. */
static void write_all(struct weft__trace *tr, struct iovec *iov, int n) {
    while (n > 0 && !tr->failed) {
        ssize_t w = writev(tr->fd, iov, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            tr->failed = true;
            return;
        }
        while (n > 0 && (size_t)w >= iov->iov_len) {
            w -= (ssize_t)iov->iov_len;
            iov++;
            n--;
        }
        if (n > 0) {
            iov->iov_base = (char *)iov->iov_base + w;
            iov->iov_len -= (size_t)w;
        }
    }
}

/* Writes the buffered records and new strings as one block; the next
 * record starts the next block's state (task and time from 0). */
static void flush_block(struct weft__trace *tr) {
    size_t nstr = tr->nstrs - tr->strs_written;
    if (tr->failed || (!tr->nrec && !nstr)) return;
    uint8_t head[WEFT_TRACE_BLOCK_SIZE];
    put32(head, WEFT_TRACE_BLOCK_MAGIC);
    put32(head + 4, (uint32_t)nstr);
    put32(head + 8, (uint32_t)tr->nrec);
    put32(head + 12, (uint32_t)tr->len);
    struct iovec iov[3] = {
        {head, sizeof head},
        {tr->strs + tr->strs_written, nstr},
        {tr->buf, tr->len},
    };
    write_all(tr, iov, 3);
    tr->strs_written = tr->nstrs;
    tr->nrec = 0;
    tr->len = 0;
    tr->last_task = 0;
    tr->last_time = 0;
    tr->fold = NULL;
}

/* Reads the clock for the records that follow. */
static void stamp(struct weft__rt *rt) {
    rt->trace->stamp = rt->backend->now(rt) - rt->trace->start;
}

/* The buffer may not hold another record: out of the common path. The
 * next record carries the new reading (a block's first record has a
 * time). */
__attribute__((noinline, cold)) static void block_full(struct weft__rt *rt) {
    flush_block(rt->trace);
    stamp(rt);
}

/* One event's fields before encoding; REC gives the defaults, which
 * cost no bytes. */
struct rec {
    uint8_t kind;
    uint16_t aux;
    uint32_t task, obj, str, file, line;
    int64_t value;
};
#define REC(k, t)                                                              \
    ((struct rec){.kind = (k), .task = (uint32_t)(t),                          \
                  .str = WEFT_TRACE_NONE, .file = WEFT_TRACE_NONE})

__attribute__((always_inline)) static inline uint8_t *
put_uvarint(uint8_t *p, uint64_t v) {
    while (v >= 0x80) {
        *p++ = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    *p++ = (uint8_t)v;
    return p;
}

static inline uint8_t *put_svarint(uint8_t *p, int64_t v) {
    return put_uvarint(p, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

/* Encodes r after the block's previous record (docs/TRACE-FORMAT.md). */
__attribute__((always_inline)) static inline void emit(struct weft__rt *rt,
                                                      const struct rec *r) {
    struct weft__trace *tr = rt->trace;
    uint8_t *head = tr->buf + tr->len, *p = head + 2;
    unsigned kind = r->kind, mask = 0;
    if (r->task != tr->last_task) {
        kind |= WEFT_TRACE_HAS_TASK;
        p = put_uvarint(p, r->task);
        tr->last_task = r->task;
    }
    if (tr->stamp != tr->last_time) {
        mask |= WEFT_TRACE_F_TIME;
        p = put_svarint(p, tr->stamp - tr->last_time);
        tr->last_time = tr->stamp;
    }
    if (r->aux) {
        mask |= WEFT_TRACE_F_AUX;
        p = put_uvarint(p, r->aux);
    }
    if (r->obj) {
        mask |= WEFT_TRACE_F_OBJ;
        p = put_uvarint(p, r->obj);
    }
    if (r->str != WEFT_TRACE_NONE) {
        mask |= WEFT_TRACE_F_STR;
        p = put_uvarint(p, r->str);
    }
    if (r->file != WEFT_TRACE_NONE || r->line) {
        mask |= WEFT_TRACE_F_SITE;
        p = put_uvarint(p, r->file);
        p = put_uvarint(p, r->line);
    }
    if (r->value) {
        mask |= WEFT_TRACE_F_VALUE;
        p = put_svarint(p, r->value);
    }
    head[0] = (uint8_t)kind;
    head[1] = (uint8_t)mask;
    tr->fold = head + 1;
    tr->len = (size_t)(p - tr->buf);
    tr->nrec++;
    /* Checked after the record, so that nothing is live across the call:
     * the buffer always has room for one more. */
    if (unlikely(tr->len > BLOCK_BYTES - WEFT_TRACE_RECORD_MAX)) {
        block_full(rt);
    }
}

/* Folds an event into the block's last record as the field bit
 * (WEFT_TRACE_F_WAKE or _NEXT) naming task: when the running task wrote
 * that record, nothing came after it, the clock has not moved and the
 * record has no field that must follow this one. Otherwise false: the
 * event needs a record of its own. A message through a queue is six
 * events in two records this way (docs/TRACE-FORMAT.md, "Folded events"). */
static inline bool fold(struct weft__rt *rt, unsigned bit, uint32_t task) {
    struct weft__trace *tr = rt->trace;
    uint8_t *mask = tr->fold;
    if (!mask || *mask >= bit || !rt->current ||
        tr->last_task != (uint32_t)rt->current->id ||
        tr->stamp != tr->last_time) {
        return false;
    }
    *mask = (uint8_t)(*mask | bit);
    if (likely(task < 0x80)) {
        tr->buf[tr->len++] = (uint8_t)task;
    } else {
        tr->len = (size_t)(put_uvarint(tr->buf + tr->len, task) - tr->buf);
    }
    if (bit == WEFT_TRACE_F_NEXT) {
        tr->last_task = task;
        tr->fold = NULL;
    }
    /* RECORD_MAX counts both folded fields: the room is still there. */
    if (unlikely(tr->len > BLOCK_BYTES - WEFT_TRACE_RECORD_MAX)) {
        block_full(rt);
    }
    return true;
}

/* ---- strings and ids ---- */

static uint64_t hash_text(const char *s) {
    uint64_t h = UINT64_C(0xcbf29ce484222325); /* FNV-1a */
    for (; *s; s++) h = (h ^ (uint8_t)*s) * UINT64_C(0x100000001b3);
    return h | 1; /* never 0: 0 marks a free slot */
}

/* Appends s to the table: its offset, or NONE when memory ran out. */
static uint32_t add_string(struct weft__trace *tr, const char *s) {
    size_t len = strlen(s) + 1;
    if (tr->nstrs + len > tr->capstrs) {
        size_t cap = tr->capstrs ? tr->capstrs * 2 : 4096;
        while (cap < tr->nstrs + len) cap *= 2;
        char *p = cap < UINT32_MAX ? realloc(tr->strs, cap) : NULL;
        if (!p) return WEFT_TRACE_NONE;
        tr->strs = p;
        tr->capstrs = cap;
    }
    memcpy(tr->strs + tr->nstrs, s, len);
    uint32_t off = (uint32_t)tr->nstrs;
    tr->nstrs += len;
    return off;
}

/* The offset of a string with s's text, added at its first use. */
static uint32_t intern_text(struct weft__trace *tr, const char *s) {
    if (!s) return WEFT_TRACE_NONE;
    uint64_t h = hash_text(s);
    uint32_t off;
    struct weft__idmap_iter it = weft__idmap_probe(&tr->by_text, h);
    while (weft__idmap_next(&tr->by_text, &it, &off)) {
        if (!strcmp(tr->strs + off, s)) return off;
    }
    off = add_string(tr, s);
    if (off != WEFT_TRACE_NONE && weft__idmap_put(&tr->by_text, h, off)) {
        tr->failed = true;
    }
    return off;
}

/* The same for a string that never changes (a literal: a kind or a
 * __FILE__), looked up by its address first. */
__attribute__((noinline)) static uint32_t
intern_static_slow(struct weft__trace *tr, const char *s,
                   struct cache_slot *c) {
    uint32_t off;
    if (!weft__idmap_get(&tr->by_ptr, (uintptr_t)s, &off)) {
        off = intern_text(tr, s);
        if (off == WEFT_TRACE_NONE) return off;
        if (weft__idmap_put(&tr->by_ptr, (uintptr_t)s, off)) tr->failed = true;
    }
    *c = (struct cache_slot){(uintptr_t)s, off};
    return off;
}

static inline uint32_t intern_static(struct weft__trace *tr, const char *s) {
    if (!s) return WEFT_TRACE_NONE;
    struct cache_slot *c = slot_of(tr->string_cache, s);
    if (likely(c->key == (uintptr_t)s)) return c->val;
    return intern_static_slow(tr, s, c);
}

static void set_site(struct weft__trace *tr, struct rec *r, const char *file,
                     int line) {
    r->file = intern_static(tr, file);
    r->line = (uint32_t)line;
}

/* A new id for obj, announced by an OBJECT record. */
static uint32_t new_object(struct weft__rt *rt, const void *obj,
                           const char *kind, const char *file, int line) {
    struct weft__trace *tr = rt->trace;
    uint32_t id = ++tr->nobjects;
    if (weft__idmap_set(&tr->objects, (uintptr_t)obj, id)) tr->failed = true;
    *slot_of(tr->object_cache, obj) = (struct cache_slot){(uintptr_t)obj, id};
    struct rec r = REC(WEFT_EV_OBJECT, rt->current ? rt->current->id : 0);
    r.obj = id;
    r.str = intern_static(tr, kind);
    set_site(tr, &r, file, line);
    emit(rt, &r);
    return id;
}

/* obj's id; one it never got (made before tracing saw it) is made now. */
__attribute__((noinline)) static uint32_t
object_id_slow(struct weft__rt *rt, const void *obj, const char *kind,
               const struct weft__site *site, struct cache_slot *c) {
    uint32_t id;
    if (!weft__idmap_get(&rt->trace->objects, (uintptr_t)obj, &id)) {
        return new_object(rt, obj, kind, site ? site->file : NULL,
                          site ? site->line : 0);
    }
    *c = (struct cache_slot){(uintptr_t)obj, id};
    return id;
}

static inline uint32_t object_id(struct weft__rt *rt, const void *obj,
                                 const char *kind,
                                 const struct weft__site *site) {
    struct cache_slot *c = slot_of(rt->trace->object_cache, obj);
    if (likely(c->key == (uintptr_t)obj)) return c->val;
    return object_id_slow(rt, obj, kind, site, c);
}

static uint32_t scope_id(struct weft__trace *tr, const weft_scope *s,
                         bool fresh) {
    uint32_t id;
    if (!s) return 0;
    if (!fresh && weft__idmap_get(&tr->scopes, (uintptr_t)s, &id)) return id;
    id = ++tr->nscopes;
    if (weft__idmap_set(&tr->scopes, (uintptr_t)s, id)) tr->failed = true;
    return id;
}

static uint64_t current_id(const struct weft__rt *rt) {
    return rt->current ? rt->current->id : 0;
}

/* ---- the recorders behind src/trace.h ---- */

void weft__trace_task_rec(struct weft__rt *rt, int kind,
                          const struct weft__task *t, int64_t value) {
    if (kind != WEFT_EV_CANCELLED) stamp(rt); /* once per task: lifetimes */
    struct rec r = REC(kind, t->id);
    r.value = value;
    emit(rt, &r);
}

void weft__trace_spawn_rec(struct weft__rt *rt, const struct weft__task *child,
                           const weft_scope *in) {
    struct weft__trace *tr = rt->trace;
    uint32_t scope = scope_id(tr, in, false);
    struct rec r = REC(WEFT_EV_SPAWN, current_id(rt));
    r.obj = (uint32_t)child->id;
    r.str = intern_text(tr, child->name ? child->name : "?");
    r.value = scope;
    if (child->group) {
        set_site(tr, &r, child->group->site.file, child->group->site.line);
    }
    emit(rt, &r);
}

/* The record of a switch that did not fold: out of the way of the fold,
 * which then needs no registers saved. */
__attribute__((noinline)) static void switch_record(struct weft__rt *rt,
                                                   const struct weft__task *to) {
    struct rec r = REC(WEFT_EV_SWITCH, to->id);
    r.obj = (uint32_t)current_id(rt);
    emit(rt, &r);
}

void weft__trace_switch_rec(struct weft__rt *rt, const struct weft__task *to) {
    if (!rt->current || rt->trace->virtual_clock) stamp(rt);
    rt->trace->loop_cause = WEFT_TRACE_BY_TASK;
    if (!fold(rt, WEFT_TRACE_F_NEXT, (uint32_t)to->id)) switch_record(rt, to);
}

void weft__trace_park_rec(struct weft__rt *rt, const struct weft__wait *w) {
    struct weft__trace *tr = rt->trace;
    const struct weft__task *t = w->task;
    const struct weft__waitq *q = w->q;
    weft_time deadline = t->park_timer.armed ? t->park_timer.deadline
                                             : WEFT_NEVER;
    uint32_t obj = q ? object_id(rt, q->obj, q->kind, q->site) : 0;
    struct rec r = REC(WEFT_EV_PARK, t->id);
    r.obj = obj;
    r.str = intern_static(tr, q ? q->kind : "sleep");
    if (t->call_site.file) {
        set_site(tr, &r, t->call_site.file, t->call_site.line);
    }
    r.value = deadline == WEFT_NEVER ? -1 : deadline;
    emit(rt, &r);
}

__attribute__((noinline)) static void wake_record(struct weft__rt *rt,
                                                 const struct weft__task *t,
                                                 uint8_t cause, int result) {
    struct rec r = REC(WEFT_EV_WAKE, current_id(rt));
    r.aux = cause;
    r.obj = (uint32_t)t->id;
    r.value = result;
    emit(rt, &r);
}

void weft__trace_wake_rec(struct weft__rt *rt, const struct weft__task *t,
                          int result) {
    uint8_t cause = rt->current ? WEFT_TRACE_BY_TASK : rt->trace->loop_cause;
    if (result == -ECANCELED) cause = WEFT_TRACE_BY_CANCEL;
    if (result == -ETIMEDOUT) cause = WEFT_TRACE_BY_TIMER;
    if (cause != WEFT_TRACE_BY_TASK || result != 0 ||
        !fold(rt, WEFT_TRACE_F_WAKE, (uint32_t)t->id)) {
        wake_record(rt, t, cause, result);
    }
}

static uint16_t scope_flags(const weft_scope *s) {
    uint16_t f = 0;
    if (s->flags & WEFT_SHIELD) f |= WEFT_TRACE_SCOPE_SHIELD;
    if (s->flags & WEFT_FAIL) f |= WEFT_TRACE_SCOPE_FAIL;
    if (s->flags & WEFT__SCOPE_GROUP) f |= WEFT_TRACE_SCOPE_GROUP;
    return f;
}

void weft__trace_scope_rec(struct weft__rt *rt, int kind, const weft_scope *s,
                           int reason) {
    struct weft__trace *tr = rt->trace;
    bool enter = kind == WEFT_EV_SCOPE_ENTER;
    uint32_t id = scope_id(tr, s, enter);
    uint64_t task = kind == WEFT_EV_SCOPE_CANCEL ? current_id(rt)
                                                 : s->owner->id;
    struct rec r = REC(kind, task);
    r.obj = id;
    if (enter) {
        r.aux = scope_flags(s);
        set_site(tr, &r, s->site.file, s->site.line);
        /* The parent: a scope of the task, or 0 for its base scope. */
        const weft_scope *p = s->parent;
        bool base = !p || (p->flags & WEFT__SCOPE_BASE);
        r.value = base ? 0 : scope_id(tr, p, false);
    } else if (kind == WEFT_EV_SCOPE_CANCEL) {
        r.aux = (uint16_t)reason;
        r.value = s->owner ? (int64_t)s->owner->id : 0;
    }
    emit(rt, &r);
}

void weft__trace_shielded_rec(struct weft__rt *rt, const weft_scope *shield,
                              const weft_scope *from, int reason) {
    struct weft__trace *tr = rt->trace;
    struct rec r = REC(WEFT_EV_SCOPE_SHIELDED, current_id(rt));
    r.aux = (uint16_t)reason;
    r.obj = scope_id(tr, shield, false);
    r.value = scope_id(tr, from, false);
    emit(rt, &r);
}

void weft__trace_timer_rec(struct weft__rt *rt, weft_time deadline) {
    stamp(rt);
    struct rec r = REC(WEFT_EV_TIMER, 0);
    r.value = deadline;
    emit(rt, &r);
    rt->trace->loop_cause = WEFT_TRACE_BY_TIMER;
}

void weft__trace_obj_rec(struct weft__rt *rt, int kind, uint64_t task,
                         const void *obj, int64_t value) {
    if (kind == WEFT_EV_SYNC_DONE) stamp(rt); /* from the loop */
    uint32_t id = object_id(rt, obj, NULL, NULL);
    struct rec r = REC(kind, task ? task : current_id(rt));
    r.obj = id;
    r.value = value;
    emit(rt, &r);
    if (kind == WEFT_EV_SYNC_DONE) rt->trace->loop_cause = WEFT_TRACE_BY_THREAD;
}

void weft__trace_pass_rec(struct weft__rt *rt, const void *obj,
                          const struct weft__task *putter,
                          const struct weft__task *getter) {
    uint32_t id = object_id(rt, obj, NULL, NULL);
    bool put = putter == rt->current;
    struct rec r = REC(WEFT_EV_QUEUE_PASS, put ? putter->id : getter->id);
    r.aux = put ? WEFT_TRACE_PASS_PUT : WEFT_TRACE_PASS_GOT;
    r.obj = id;
    r.value = (int64_t)(put ? getter->id : putter->id);
    emit(rt, &r);
}

void weft__trace_object_rec(struct weft__rt *rt, const void *obj,
                            const char *kind, const char *file, int line) {
    new_object(rt, obj, kind, file, line);
}

void weft__trace_leak_rec(struct weft__rt *rt, const weft_leak_info *li) {
    struct weft__trace *tr = rt->trace;
    uint32_t id = 0;
    weft__idmap_get(&tr->objects, (uintptr_t)li->ptr, &id);
    struct rec r = REC(WEFT_EV_LEAK, li->task_id);
    r.obj = id;
    r.str = intern_static(tr, li->kind);
    set_site(tr, &r, li->file, li->line);
    r.value = 1;
    emit(rt, &r);
}

void weft__trace_event_rec(struct weft__rt *rt, int kind, int64_t value) {
    struct rec r = REC(kind, current_id(rt));
    r.value = value;
    emit(rt, &r);
}

void weft__trace_waits_rec(struct weft__rt *rt, const struct weft__task *t,
                           const struct weft__waitq *q, uint64_t holder) {
    struct weft__trace *tr = rt->trace;
    uint32_t obj = q ? object_id(rt, q->obj, q->kind, q->site) : 0;
    struct rec r = REC(WEFT_EV_WAITS_FOR, t->id);
    r.obj = obj;
    r.str = intern_static(tr, q ? q->kind : "nothing");
    r.value = (int64_t)holder;
    emit(rt, &r);
}

/* ---- the simulated network ---- */

void weft__trace_net_rec(struct weft__rt *rt, int kind,
                         const struct weft__trace_net *n) {
    stamp(rt); /* from a task or from a delivery timer */
    struct rec r = REC(kind, current_id(rt));
    r.aux = n->host;
    r.obj = n->conn;
    r.line = (uint32_t)n->to; /* a host, not a line: without a file */
    r.value = (int64_t)n->value;
    if (n->text) r.str = intern_text(rt->trace, n->text);
    emit(rt, &r);
}

/* ---- user notes and abort paths ---- */

void weft__trace_label_rec(struct weft__rt *rt, const char *label) {
    struct rec r = REC(WEFT_EV_NOTE, current_id(rt));
    r.aux = 1;
    r.str = intern_text(rt->trace, label);
    emit(rt, &r);
}

void weft_trace_note(const char *fmt, ...) {
    struct weft__rt *rt = weft__rt_current();
    if (!rt || !rt->trace || !fmt) return;
    char text[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    struct rec r = REC(WEFT_EV_NOTE, current_id(rt));
    r.str = intern_text(rt->trace, text);
    emit(rt, &r);
}

void weft__trace_abort(int kind, const char *msg, const char *file,
                       int line) {
    struct weft__rt *rt = weft__rt_current();
    if (!rt || !rt->trace) return;
    stamp(rt);
    struct rec r = REC(kind, current_id(rt));
    r.str = intern_text(rt->trace, msg);
    set_site(rt->trace, &r, file, line);
    emit(rt, &r);
    flush_block(rt->trace);
}

void weft__trace_flush_signal(void) {
    struct weft__rt *rt = weft__rt_current();
    if (rt && rt->trace) flush_block(rt->trace);
}

/* ---- open and close ---- */

static void write_header(struct weft__rt *rt, struct weft__trace *tr) {
    uint8_t h[WEFT_TRACE_HEADER_SIZE] = {0};
    memcpy(h, WEFT_TRACE_MAGIC, sizeof WEFT_TRACE_MAGIC);
    put16(h + WEFT_TRACE_H_VERSION, WEFT_TRACE_VERSION);
    put16(h + WEFT_TRACE_H_HSIZE, WEFT_TRACE_HEADER_SIZE);
    bool sim = rt->cfg->backend == WEFT_BACKEND_SIM;
    h[WEFT_TRACE_H_BACKEND] = sim;
    put64(h + WEFT_TRACE_H_SEED, sim ? rt->cfg->seed : 0);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    put64(h + WEFT_TRACE_H_WALL,
          (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec);
    const char *strategy = rt->cfg->strategy ? rt->cfg->strategy : "random";
    put32(h + WEFT_TRACE_H_STRATEGY,
          sim ? intern_text(tr, strategy) : WEFT_TRACE_NONE);
    put32(h + WEFT_TRACE_H_UNIT, 1); /* nanoseconds per clock tick */
    struct iovec iov = {h, sizeof h};
    write_all(tr, &iov, 1);
}

int weft__trace_open(struct weft__rt *rt, const char *path) {
    if (!WEFT_TRACE_BUILD) {
        fprintf(stderr, "weft: cannot record the trace '%s': this libweft "
                        "was built with ./configure --disable-trace\n", path);
        return -ENOTSUP;
    }
    struct weft__trace *tr = calloc(1, sizeof *tr);
    if (!tr) return -ENOMEM;
    tr->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (tr->fd < 0) {
        int rc = -errno;
        fprintf(stderr, "weft: cannot open the trace file '%s': %s\n", path,
                strerror(errno));
        free(tr);
        return rc;
    }
    tr->start = rt->backend->now(rt);
    tr->virtual_clock = rt->cfg->backend == WEFT_BACKEND_SIM;
    write_header(rt, tr);
    rt->trace = tr;
    __atomic_fetch_add(&weft__tracing, 1, __ATOMIC_RELAXED);
    return 0;
}

void weft__trace_close(struct weft__rt *rt, int result) {
    struct weft__trace *tr = rt->trace;
    if (!tr) return;
    stamp(rt);
    struct rec r = REC(WEFT_EV_RUN_END, 0);
    r.value = result;
    emit(rt, &r);
    flush_block(tr);
    if (tr->failed) {
        fprintf(stderr, "weft: the trace file could not be written in full "
                        "(out of memory or disk)\n");
    }
    close(tr->fd);
    rt->trace = NULL;
    __atomic_fetch_sub(&weft__tracing, 1, __ATOMIC_RELAXED);
    weft__idmap_fini(&tr->by_ptr);
    weft__idmap_fini(&tr->by_text);
    weft__idmap_fini(&tr->objects);
    weft__idmap_fini(&tr->scopes);
    free(tr->strs);
    free(tr);
}
