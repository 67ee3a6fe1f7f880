/* trace/reader.c: parses a trace file (docs/TRACE-FORMAT.md) without
 * trusting any of it. The header is checked field by field; each block's
 * lengths are checked against the bytes that remain before anything is
 * copied, so no allocation exceeds the file's size; every string offset
 * is checked against the strings defined so far. A block that runs past
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
    if (t->version == 0 || t->version > WEFT_TRACE_VERSION) {
        return fail(err, n, WEFT_TRACE_H_VERSION, "format version %u is not "
                    "supported (this reader reads version %d)", t->version,
                    WEFT_TRACE_VERSION);
    }
    if (get16(d + WEFT_TRACE_H_HSIZE) != WEFT_TRACE_HEADER_SIZE) {
        return fail(err, n, WEFT_TRACE_H_HSIZE, "header size %u, expected %d",
                    get16(d + WEFT_TRACE_H_HSIZE), WEFT_TRACE_HEADER_SIZE);
    }
    if (get16(d + WEFT_TRACE_H_RSIZE) != WEFT_TRACE_RECORD_SIZE) {
        return fail(err, n, WEFT_TRACE_H_RSIZE, "record size %u, expected %d",
                    get16(d + WEFT_TRACE_H_RSIZE), WEFT_TRACE_RECORD_SIZE);
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

/* Decodes and checks one record at d (file offset at). */
static int parse_record(const uint8_t *d, uint64_t at, struct trace_file *t,
                        char *err, size_t n) {
    struct trace_event *e = &t->ev[t->nev];
    e->time = (int64_t)get64(d + WEFT_TRACE_R_TIME);
    e->task = get32(d + WEFT_TRACE_R_TASK);
    e->kind = get16(d + WEFT_TRACE_R_KIND);
    e->aux = get16(d + WEFT_TRACE_R_AUX);
    e->obj = get32(d + WEFT_TRACE_R_OBJ);
    e->str = get32(d + WEFT_TRACE_R_STR);
    e->file = get32(d + WEFT_TRACE_R_FILE);
    e->line = get32(d + WEFT_TRACE_R_LINE);
    e->value = (int64_t)get64(d + WEFT_TRACE_R_VALUE);
    e->offset = at;
    unsigned kinds = t->version == 1 ? WEFT_TRACE_V1_KINDS : WEFT_EV_COUNT;
    if (e->kind >= kinds) {
        return fail(err, n, at + WEFT_TRACE_R_KIND, "unknown event kind %u "
                    "in a version %u trace", e->kind, t->version);
    }
    if (!str_ok(t, e->str)) {
        return fail(err, n, at + WEFT_TRACE_R_STR, "string offset %u is "
                    "outside the %zu-byte string table", e->str, t->nstrs);
    }
    if (!str_ok(t, e->file)) {
        return fail(err, n, at + WEFT_TRACE_R_FILE, "string offset %u is "
                    "outside the %zu-byte string table", e->file, t->nstrs);
    }
    t->nev++;
    return 0;
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
        return fail(err, n, at, "expected a block (magic \"WBK1\"), found "
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
    uint64_t whole = left / WEFT_TRACE_RECORD_SIZE;
    uint64_t take = nrec < whole ? nrec : whole;
    for (uint64_t i = 0; i < take; i++) {
        uint64_t r = rec + i * WEFT_TRACE_RECORD_SIZE;
        if (parse_record(d + r, r, t, err, n)) return -1;
    }
    *off = rec + take * WEFT_TRACE_RECORD_SIZE;
    if (take < nrec) {
        stop_at(t, *off, "a block's records run past the end of the file");
        return 1;
    }
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
    t->ev = malloc((size / WEFT_TRACE_RECORD_SIZE + 1) * sizeof *t->ev);
    if (!t->strs || !t->ev) {
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
    t->nstrs = t->nev = 0;
}
