/* trace/reader.c: parses a trace file (docs/TRACE-FORMAT.md) without
 * trusting any of it. The header is checked field by field; each block's
 * lengths are checked against the bytes that remain before anything is
 * copied; the string table never exceeds the file's size and the events
 * grow with the records actually decoded (two bytes of file at least per
 * event); every string offset is checked against the strings defined so
 * far. A block that runs past
 * the end of the file is a truncated tail (a run that crashed mid-write):
 * its whole records are kept and the note says where the file stops. */
#include "config.h"

#include "reader.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const kind_names[] = {
#define KIND_NAME(id, name) name,
    WEFT_EVENT_MAP(KIND_NAME)
#undef KIND_NAME
};

const char *trace_kind_name(unsigned kind) {
    return kind < WEFT_EV_COUNT ? kind_names[kind] : "?";
}

int trace_kind_parse(const char *name) {
    for (int k = 0; k < WEFT_EV_COUNT; k++) {
        if (!strcmp(kind_names[k], name)) return k;
    }
    return -1;
}

const char *trace_str(const struct trace_file *t, uint32_t off) {
    return off == TRACE_NONE || off >= t->nstrs ? "" : t->strs + off;
}

static uint16_t get16(const uint8_t *p) {
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p) {
    return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

__attribute__((format(printf, 4, 5)))
static int fail(char *err, size_t n, uint64_t at, const char *fmt, ...) {
    int k = snprintf(err, n, "byte %llu: ", (unsigned long long)at);
    va_list ap;
    va_start(ap, fmt);
    if (k >= 0 && (size_t)k < n) vsnprintf(err + k, n - (size_t)k, fmt, ap);
    va_end(ap);
    return -1;
}

static int parse_header(const uint8_t *d, size_t size, struct trace_file *t,
                        char *err, size_t n) {
    if (size == 0) return fail(err, n, 0, "the file is empty, not a trace");
    size_t m = size < 8 ? size : 8;
    if (memcmp(d, WEFT_TRACE_MAGIC, m)) {
        return fail(err, n, 0, "not a weft trace (the magic is not "
                               "\"WEFTTRC\")");
    }
    if (size < WEFT_TRACE_HEADER_SIZE) {
        return fail(err, n, size, "the header is cut short: %zu of %d "
                    "bytes", size, WEFT_TRACE_HEADER_SIZE);
    }
    t->version = get16(d + WEFT_TRACE_H_VERSION);
    if (t->version < WEFT_TRACE_VERSION_MIN ||
        t->version > WEFT_TRACE_VERSION) {
        return fail(err, n, WEFT_TRACE_H_VERSION, "format version %u is not "
                    "supported (this reader reads versions %d to %d)",
                    t->version, WEFT_TRACE_VERSION_MIN, WEFT_TRACE_VERSION);
    }
    if (get16(d + WEFT_TRACE_H_HSIZE) != WEFT_TRACE_HEADER_SIZE) {
        return fail(err, n, WEFT_TRACE_H_HSIZE, "header size %u, expected %d",
                    get16(d + WEFT_TRACE_H_HSIZE), WEFT_TRACE_HEADER_SIZE);
    }
    if (get16(d + WEFT_TRACE_H_RESERVED) != 0) {
        return fail(err, n, WEFT_TRACE_H_RESERVED, "reserved field is %u, "
                    "not 0", get16(d + WEFT_TRACE_H_RESERVED));
    }
    if (d[WEFT_TRACE_H_BACKEND] > 1) {
        return fail(err, n, WEFT_TRACE_H_BACKEND, "unknown backend %u",
                    d[WEFT_TRACE_H_BACKEND]);
    }
    t->sim = d[WEFT_TRACE_H_BACKEND] == 1;
    t->seed = get64(d + WEFT_TRACE_H_SEED);
    t->wall_ns = get64(d + WEFT_TRACE_H_WALL);
    t->strategy = get32(d + WEFT_TRACE_H_STRATEGY);
    t->unit_ns = get32(d + WEFT_TRACE_H_UNIT);
    if (t->unit_ns == 0) {
        return fail(err, n, WEFT_TRACE_H_UNIT, "clock unit of 0 ns");
    }
    return 0;
}

static bool str_ok(const struct trace_file *t, uint32_t off) {
    return off == TRACE_NONE || off < t->nstrs;
}

/* Where the decoding of a block's records stands: the bytes left, and the
 * previous record's task and time, which a record may leave out. */
struct cursor {
    const uint8_t *d;
    uint64_t at, end; /* file offsets: next byte, end of the records */
    uint32_t task;
    uint64_t time;    /* two's complement: a corrupt delta wraps, no UB */
};

enum { GOT = 0, CUT = 1, BAD = -1 }; /* a field, a record, a block */

/* An unsigned LEB128 varint of at most bits bits. CUT when the records
 * end inside it; BAD (message in err) when it is longer or larger. */
static int get_uvarint(struct cursor *c, unsigned bits, const char *what,
                       uint64_t *out, char *err, size_t n) {
    uint64_t v = 0, start = c->at;
    for (unsigned shift = 0;; shift += 7) {
        if (c->at >= c->end) return CUT;
        uint8_t b = c->d[c->at++];
        if (shift == 63 && b > 1) shift = 64; /* past 64 bits */
        if (shift >= 64) {
            return fail(err, n, start, "the %s field is longer than 10 "
                        "bytes", what);
        }
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) break;
    }
    if (bits < 64 && v >> bits) {
        return fail(err, n, start, "the %s field holds %llu, more than %u "
                    "bits", what, (unsigned long long)v, bits);
    }
    *out = v;
    return GOT;
}

static int64_t unzigzag(uint64_t v) {
    return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

/* A record's folded events: the tasks its WAKE and NEXT fields name. */
struct folds {
    uint32_t wake, next;
};

/* The fields a record's mask names, in the format's order. */
static int get_fields(struct cursor *c, unsigned mask, struct trace_event *e,
                      struct folds *f, char *err, size_t n) {
    static const struct {
        unsigned bit, bits;
        const char *name;
    } order[] = {
        {WEFT_TRACE_F_TIME, 64, "time"}, {WEFT_TRACE_F_AUX, 16, "aux"},
        {WEFT_TRACE_F_OBJ, 32, "obj"},   {WEFT_TRACE_F_STR, 32, "str"},
        {WEFT_TRACE_F_SITE, 32, "file"}, {WEFT_TRACE_F_SITE, 32, "line"},
        {WEFT_TRACE_F_VALUE, 64, "value"}, {WEFT_TRACE_F_WAKE, 32, "wake"},
        {WEFT_TRACE_F_NEXT, 32, "next"},
    };
    uint64_t v[sizeof order / sizeof *order] = {0};
    for (size_t i = 0; i < sizeof order / sizeof *order; i++) {
        if (!(mask & order[i].bit)) continue;
        int rc = get_uvarint(c, order[i].bits, order[i].name, &v[i], err, n);
        if (rc != GOT) return rc;
    }
    if (mask & WEFT_TRACE_F_TIME) c->time += v[0];
    e->time = (int64_t)c->time;
    e->aux = (uint16_t)v[1];
    e->obj = (uint32_t)v[2];
    e->str = mask & WEFT_TRACE_F_STR ? (uint32_t)v[3] : TRACE_NONE;
    e->file = mask & WEFT_TRACE_F_SITE ? (uint32_t)v[4] : TRACE_NONE;
    e->line = (uint32_t)v[5];
    e->value = unzigzag(v[6]);
    f->wake = (uint32_t)v[7];
    f->next = (uint32_t)v[8];
    return GOT;
}

/* Room for one record's events, the array doubling; never more than the
 * file's records could stand for (a record of k bytes for at most k
 * events, or one). */
static int reserve_event(struct trace_file *t, size_t most) {
    if (t->nev + WEFT_TRACE_EVENTS_MAX <= t->cap) return 0;
    size_t cap = t->cap ? t->cap * 2 : 1024;
    if (cap > most) cap = most;
    if (cap < t->nev + WEFT_TRACE_EVENTS_MAX) return -1;
    struct trace_event *ev = realloc(t->ev, cap * sizeof *ev);
    if (!ev) return -1;
    t->ev = ev;
    t->cap = cap;
    return 0;
}

/* A queue-pass record as the put and the get it stands for (e is the
 * record, with room for one more event after it). */
static int expand_pass(struct trace_event *e, uint64_t at, char *err,
                       size_t n) {
    if (e->aux > WEFT_TRACE_PASS_PUT) {
        return fail(err, n, at, "queue-pass with side %u (0: got, 1: put)",
                    e->aux);
    }
    if (e->value <= 0 || e->value > UINT32_MAX) {
        return fail(err, n, at, "queue-pass names task %lld",
                    (long long)e->value);
    }
    uint32_t other = (uint32_t)e->value;
    bool put = e->aux == WEFT_TRACE_PASS_PUT;
    e[1] = e[0];
    e[0].kind = WEFT_EV_QUEUE_PUT;
    e[0].task = put ? e[0].task : other;
    e[1].kind = WEFT_EV_QUEUE_GET;
    e[1].task = put ? other : e[1].task;
    e[0].aux = e[1].aux = 0;
    e[0].value = e[1].value = 0;
    return GOT;
}

/* The events folded into a record (e, the last of its events): a wake by
 * its task (the cursor's), then a switch from it to the next task, which the next
 * record takes as its default. Returns how many were added. */
static size_t expand_folds(struct cursor *c, struct trace_event *e,
                           unsigned mask, const struct folds *f) {
    struct trace_event *x = e;
    struct trace_event base = {.time = e->time, .task = c->task,
                               .str = TRACE_NONE, .file = TRACE_NONE,
                               .offset = e->offset};
    if (mask & WEFT_TRACE_F_WAKE) {
        *++x = base;
        x->kind = WEFT_EV_WAKE;
        x->aux = WEFT_TRACE_BY_TASK;
        x->obj = f->wake;
    }
    if (mask & WEFT_TRACE_F_NEXT) {
        *++x = base;
        x->kind = WEFT_EV_SWITCH;
        x->task = f->next;
        x->obj = base.task;
        c->task = f->next;
    }
    return (size_t)(x - e);
}

/* Decodes and checks the record at the cursor: GOT (its events are
 * added), CUT (the records end inside it), BAD. */
static int parse_record(struct cursor *c, struct trace_file *t, size_t most,
                        char *err, size_t n) {
    uint64_t at = c->at;
    if (c->end - c->at < 2) return CUT;
    unsigned kind = c->d[at] & ~WEFT_TRACE_HAS_TASK, mask = c->d[at + 1];
    bool v2 = t->version == 2;
    if (kind >= (v2 ? WEFT_EV_COUNT_V2 : WEFT_EV_COUNT)) {
        return fail(err, n, at, "unknown event kind %u", kind);
    }
    if (mask & ~(v2 ? WEFT_TRACE_F_ALL_V2 : WEFT_TRACE_F_ALL)) {
        return fail(err, n, at + 1, "unknown field bits 0x%02x", mask);
    }
    c->at += 2;
    if (c->d[at] & WEFT_TRACE_HAS_TASK) {
        uint64_t task;
        int rc = get_uvarint(c, 32, "task", &task, err, n);
        if (rc != GOT) return rc;
        c->task = (uint32_t)task;
    }
    if (reserve_event(t, most)) {
        return fail(err, n, at, "out of memory for the events");
    }
    struct trace_event *e = &t->ev[t->nev];
    e->kind = (uint16_t)kind;
    e->task = c->task;
    e->offset = at;
    struct folds f;
    int rc = get_fields(c, mask, e, &f, err, n);
    if (rc != GOT) return rc;
    if (!str_ok(t, e->str)) {
        return fail(err, n, at, "string offset %u is outside the %zu-byte "
                    "string table", e->str, t->nstrs);
    }
    if (!str_ok(t, e->file)) {
        return fail(err, n, at, "file string offset %u is outside the "
                    "%zu-byte string table", e->file, t->nstrs);
    }
    size_t added = 1;
    if (kind == WEFT_EV_QUEUE_PASS) {
        if (expand_pass(e, at, err, n) != GOT) return BAD;
        added++;
    }
    added += expand_folds(c, &t->ev[t->nev + added - 1], mask, &f);
    t->nev += added;
    t->nrec++;
    return GOT;
}

/* Notes where a truncated file stops. */
static void stop_at(struct trace_file *t, uint64_t at, const char *why) {
    t->stop = at;
    snprintf(t->note, sizeof t->note, "the trace is truncated at byte %llu "
             "(%s); events up to there are shown",
             (unsigned long long)at, why);
}

/* Parses the block at d + off; *off moves past it. 1: the file stops in
 * this block (truncated), 0: go on, -1: corrupt. */
static int parse_block(const uint8_t *d, size_t size, uint64_t *off,
                       struct trace_file *t, char *err, size_t n) {
    uint64_t at = *off, left = size - at;
    if (left < WEFT_TRACE_BLOCK_SIZE) {
        stop_at(t, at, "a block header is cut short");
        return 1;
    }
    if (get32(d + at) != WEFT_TRACE_BLOCK_MAGIC) {
        return fail(err, n, at, "expected a block (magic \"WBK2\"), found "
                    "0x%08x: the file is corrupt", get32(d + at));
    }
    uint64_t nstr = get32(d + at + 4), nrec = get32(d + at + 8);
    left -= WEFT_TRACE_BLOCK_SIZE;
    if (nstr > left) {
        stop_at(t, at, "the block's strings run past the end of the file");
        return 1;
    }
    const char *s = (const char *)d + at + WEFT_TRACE_BLOCK_SIZE;
    if (nstr && s[nstr - 1] != '\0') {
        return fail(err, n, at + 4, "the block's %llu string bytes do not "
                    "end with a NUL", (unsigned long long)nstr);
    }
    memcpy(t->strs + t->nstrs, s, nstr); /* room: strs has size bytes */
    t->nstrs += nstr;
    left -= nstr;
    uint64_t rec = at + WEFT_TRACE_BLOCK_SIZE + nstr;
    uint64_t nbytes = get32(d + at + 12);
    if (nrec > nbytes / 2) {
        return fail(err, n, at + 8, "%llu records cannot fit in the block's "
                    "%llu record bytes", (unsigned long long)nrec,
                    (unsigned long long)nbytes);
    }
    bool whole = nbytes <= left;
    struct cursor c = {d, rec, whole ? rec + nbytes : size, 0, 0};
    for (uint64_t i = 0; i < nrec; i++) {
        uint64_t start = c.at;
        int rc = parse_record(&c, t, size + 1, err, n);
        if (rc == BAD) return -1;
        if (rc == CUT && whole) {
            return fail(err, n, start, "a record runs past the end of its "
                        "block");
        }
        if (rc == CUT) {
            *off = start;
            stop_at(t, start, "a block's records run past the end of the "
                    "file");
            return 1;
        }
    }
    if (c.at != rec + nbytes) {
        return fail(err, n, c.at, "the block's %llu records end here, but "
                    "its header says %llu record bytes",
                    (unsigned long long)nrec, (unsigned long long)nbytes);
    }
    *off = c.at;
    return 0;
}

static int parse_blocks(const uint8_t *d, size_t size, struct trace_file *t,
                        char *err, size_t n) {
    uint64_t off = WEFT_TRACE_HEADER_SIZE;
    while (off < size) {
        int rc = parse_block(d, size, &off, t, err, n);
        if (rc < 0) return -1;
        if (rc > 0) return 0;
    }
    t->stop = off;
    return 0;
}

int trace_parse(const uint8_t *data, size_t size, struct trace_file *t,
                char *err, size_t errlen) {
    memset(t, 0, sizeof *t);
    if (parse_header(data, size, t, err, errlen)) return -1;
    /* Neither table can hold more than the file's bytes. */
    t->strs = malloc(size);
    if (!t->strs) {
        trace_free(t);
        return fail(err, errlen, 0, "out of memory for a %zu-byte file",
                    size);
    }
    if (parse_blocks(data, size, t, err, errlen)) {
        trace_free(t);
        return -1;
    }
    if (!str_ok(t, t->strategy)) t->strategy = TRACE_NONE; /* cut off */
    t->complete = t->nev && t->ev[t->nev - 1].kind == WEFT_EV_RUN_END;
    if (!t->complete && !t->note[0]) {
        snprintf(t->note, sizeof t->note, "the trace stops at byte %llu "
                 "without a run-end event: the program ended before "
                 "weft_run returned", (unsigned long long)t->stop);
    }
    return 0;
}

/* Reads a whole file, regular or not, refusing more than the cap. */
static int slurp(const char *path, uint8_t **out, size_t *size, char *err,
                 size_t n) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, n, "cannot open: %s", strerror(errno));
        return -1;
    }
    size_t cap = 1 << 16, len = 0;
    uint8_t *buf = malloc(cap);
    while (buf) {
        len += fread(buf + len, 1, cap - len, f);
        if (len < cap) break;
        if (cap >= TRACE_MAX_FILE) {
            free(buf);
            fclose(f);
            snprintf(err, n, "larger than %zu bytes: not read",
                     TRACE_MAX_FILE);
            return -1;
        }
        uint8_t *more = realloc(buf, cap * 2);
        if (!more) free(buf);
        buf = more;
        cap *= 2;
    }
    const char *why = !buf ? "out of memory" : ferror(f) ? strerror(errno)
                                                         : NULL;
    fclose(f);
    if (why) {
        free(buf);
        snprintf(err, n, "cannot read: %s", why);
        return -1;
    }
    *out = buf;
    *size = len;
    return 0;
}

int trace_load(const char *path, struct trace_file *t, char *err,
               size_t errlen) {
    uint8_t *data;
    size_t size;
    if (slurp(path, &data, &size, err, errlen)) return -1;
    int rc = trace_parse(data, size, t, err, errlen);
    free(data);
    return rc;
}

void trace_free(struct trace_file *t) {
    free(t->strs);
    free(t->ev);
    t->strs = NULL;
    t->ev = NULL;
    t->nstrs = t->nev = t->cap = 0;
}
