/* trace/views.h: the views of weft-trace (trace/weft-trace.c parses the
 * command line into struct opts and calls one of these). Each returns
 * the program's exit status: 0 done, 1 failed (message printed). */
#ifndef WEFT_TRACE_VIEWS_H
#define WEFT_TRACE_VIEWS_H

#include <stdio.h>

#include "model.h"
#include "reader.h"

struct opts {
    const char *out;      /* -o FILE, NULL: stdout (text views) */
    const char *format;   /* -T FMT or the -o suffix: svg png pdf dot json */
    const char *task;     /* --task NAME: only this task's events */
    int64_t from, to;     /* --from, --to: time window (ns) */
    int64_t at;           /* --at T: the moment of the waits view */
    size_t at_event;      /* --at #N: after event N (SIZE_MAX: unset) */
    size_t max_nodes;     /* past this, graphs fold (--max) */
};

/* Whether event e falls in the options' time window and task filter. */
bool view_selects(const struct opts *o, const struct model *m,
                  const struct trace_event *e);

/* One line describing e (no newline), with task names and sites. */
void view_describe(const struct model *m, const struct trace_event *e,
                   char *buf, size_t n);

/* Whether kind is one of the simulated network's (trace/net.c), and
 * its record in words. */
bool view_net_kind(unsigned kind);
void view_net_describe(const struct model *m, const struct trace_event *e,
                       char *buf, size_t n);

int view_dump(const struct trace_file *tf, const struct opts *o);
int view_chrome(const struct trace_file *tf, const struct opts *o);
int view_diff(const struct trace_file *a, const struct trace_file *b);
int view_tasks(const struct trace_file *tf, const struct opts *o);
int view_waits(const struct trace_file *tf, const struct opts *o);
int view_timeline(const struct trace_file *tf, const struct opts *o);

/* ---- DOT text and its rendering (trace/render.c) ---- */

struct dot {
    char *buf;
    size_t len, cap;
    bool oom;
};

void dot_printf(struct dot *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Appends s as the inside of a DOT double-quoted string. */
void dot_quote(struct dot *d, const char *s);
/* Lays out and writes d to o->out in o->format through Graphviz's
 * libraries (dot text needs none): the exit status. */
int dot_render(struct dot *d, const struct opts *o, const char *layout);

#endif
