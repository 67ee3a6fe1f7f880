/* trace/reader.h: reading a trace file (docs/TRACE-FORMAT.md) that is
 * trusted in nothing. A file is checked whole before anything uses it:
 * after trace_parse succeeds every string offset in an event is either
 * TRACE_NONE or inside the string table, and every kind is known. */
#ifndef WEFT_TRACE_READER_H
#define WEFT_TRACE_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trace_format.h"

#define TRACE_NONE WEFT_TRACE_NONE

struct trace_event {
    int64_t time;    /* ns since the start of the run */
    uint32_t task;   /* the acting task's id, 0: none */
    uint16_t kind;   /* enum weft_event_kind */
    uint16_t aux;
    uint32_t obj;
    uint32_t str;    /* string offset or TRACE_NONE */
    uint32_t file;   /* string offset or TRACE_NONE */
    uint32_t line;
    int64_t value;
    uint64_t offset; /* of the record in the file */
};

struct trace_file {
    unsigned version;
    bool sim;
    uint64_t seed;
    uint64_t wall_ns;     /* wall-clock start, ns since 1970 */
    uint32_t strategy;    /* string offset or TRACE_NONE */
    uint32_t unit_ns;
    char *strs;           /* owned: the string table */
    size_t nstrs;
    struct trace_event *ev; /* owned */
    size_t nev, cap;
    size_t nrec;          /* records read: one stands for up to
                             WEFT_TRACE_EVENTS_MAX events */
    bool complete;        /* ends with the run-end event */
    uint64_t stop;        /* byte offset where reading stopped */
    char note[200];       /* why it stopped early, "" when complete */
};

/* Parses size bytes at data into *t: 0, or -1 with a one-line message
 * naming the byte offset in err (then *t holds nothing to free). A
 * truncated or unfinished tail is not an error: t->note says where it
 * stops. Allocates the file's size for strings, and one event (48 bytes)
 * per event decoded, at most one per byte of the file. */
int trace_parse(const uint8_t *data, size_t size, struct trace_file *t,
                char *err, size_t errlen);

/* Reads path whole (at most TRACE_MAX_FILE bytes) and parses it. */
#define TRACE_MAX_FILE ((size_t)1 << 30)
int trace_load(const char *path, struct trace_file *t, char *err,
               size_t errlen);

void trace_free(struct trace_file *t);

/* The string at off, "" for TRACE_NONE. */
const char *trace_str(const struct trace_file *t, uint32_t off);

/* "switch" for WEFT_EV_SWITCH, "?" for no kind; -1 for no name. */
const char *trace_kind_name(unsigned kind);
int trace_kind_parse(const char *name);

#endif
