/* trace/chrome.c: `weft-trace chrome`: the Chrome trace-event JSON format
 * (the "JSON Object Format" that chrome://tracing and Perfetto open).
 * One thread per task (tid = task id, named by M events), its running
 * slices as X events, every other event as a thread-scoped instant (i),
 * and each wake-up as a flow (s at the waker, f at the woken task's next
 * slice). Under sim the virtual clock often stands still, so ts counts
 * events (1 us each) and each event's virtual time is in its args. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "views.h"

static void json_str(FILE *f, const char *s) {
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            fprintf(f, "\\%c", c);
        } else if (c < 0x20 || c >= 0x7f) {
            fprintf(f, "\\u%04x", c); /* bytes as code points: valid JSON */
        } else {
            fputc(c, f);
        }
    }
    fputc('"', f);
}

struct chrome {
    FILE *f;
    const struct trace_file *tf;
    const struct model *m;
    bool first;
    uint32_t running;   /* task of the open slice, 0: none */
    double slice_start;
    uint32_t *flow;     /* per task index: pending flow id, 0: none */
};

static double ts_of(const struct chrome *c, size_t i) {
    return c->tf->sim ? (double)i : (double)c->tf->ev[i].time / 1e3;
}

static void sep(struct chrome *c) {
    fputs(c->first ? "\n" : ",\n", c->f);
    c->first = false;
}

static void close_slice(struct chrome *c, double ts) {
    if (!c->running) return;
    sep(c);
    fprintf(c->f, "{\"name\":\"running\",\"cat\":\"task\",\"ph\":\"X\","
            "\"pid\":1,\"tid\":%u,\"ts\":%.3f,\"dur\":%.3f}", c->running,
            c->slice_start, ts - c->slice_start);
    c->running = 0;
}

static void metadata(struct chrome *c) {
    char name[128];
    sep(c);
    snprintf(name, sizeof name, "weft run (%s, seed %" PRIu64 ")",
             c->tf->sim ? "sim" : "real", c->tf->seed);
    fprintf(c->f, "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":1,"
            "\"args\":{\"name\":");
    json_str(c->f, name);
    fputs("}}", c->f);
    for (size_t i = 0; i < c->m->ntasks; i++) {
        const struct m_task *t = &c->m->tasks[i];
        sep(c);
        fprintf(c->f, "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,"
                "\"tid\":%u,\"args\":{\"name\":", t->id);
        model_task_label(c->m, t->id, name, sizeof name);
        json_str(c->f, name);
        fputs("}}", c->f);
    }
}

static void instant(struct chrome *c, size_t i, const char *text) {
    const struct trace_event *e = &c->tf->ev[i];
    sep(c);
    fprintf(c->f, "{\"name\":");
    json_str(c->f, trace_kind_name(e->kind));
    fprintf(c->f, ",\"cat\":\"event\",\"ph\":\"i\",\"s\":\"t\",\"pid\":1,"
            "\"tid\":%u,\"ts\":%.3f,\"args\":{\"time_ns\":%" PRId64
            ",\"detail\":", e->task, ts_of(c, i), e->time);
    json_str(c->f, text);
    fputs("}}", c->f);
}

static void flow(struct chrome *c, const char *ph, uint32_t id, uint32_t tid,
                 double ts) {
    sep(c);
    fprintf(c->f, "{\"name\":\"wake\",\"cat\":\"wake\",\"ph\":\"%s\","
            "\"id\":%u,\"pid\":1,\"tid\":%u,\"ts\":%.3f%s}", ph, id, tid, ts,
            *ph == 'f' ? ",\"bp\":\"e\"" : "");
}

static void event(struct chrome *c, size_t i, const struct opts *o) {
    const struct trace_event *e = &c->tf->ev[i];
    double ts = ts_of(c, i);
    if (e->kind == WEFT_EV_SWITCH) {
        close_slice(c, ts);
        c->running = e->task;
        c->slice_start = ts;
        const struct m_task *t = model_task(c->m, e->task);
        uint32_t *pending = t ? &c->flow[t - c->m->tasks] : NULL;
        if (pending && *pending) flow(c, "f", *pending, e->task, ts);
        if (pending) *pending = 0;
        return;
    }
    if (e->kind == WEFT_EV_PARK || e->kind == WEFT_EV_EXIT) {
        close_slice(c, ts);
    }
    if (e->kind == WEFT_EV_WAKE) {
        const struct m_task *w = model_task(c->m, e->obj);
        if (w && e->task) {
            flow(c, "s", (uint32_t)i + 1, e->task, ts);
            c->flow[w - c->m->tasks] = (uint32_t)i + 1;
        }
    }
    if (!view_selects(o, c->m, e)) return;
    char text[600];
    view_describe(c->m, e, text, sizeof text);
    instant(c, i, text);
}

int view_chrome(const struct trace_file *tf, const struct opts *o) {
    struct model m;
    if (model_build(&m, tf, 0)) return 1;
    struct chrome c = {.tf = tf, .m = &m, .first = true};
    c.flow = calloc(m.ntasks + 1, sizeof *c.flow);
    c.f = fopen(o->out, "w");
    if (!c.f || !c.flow) {
        fprintf(stderr, "weft-trace: %s: %s\n", o->out, strerror(errno));
        if (c.f) fclose(c.f);
        free(c.flow);
        model_free(&m);
        return 1;
    }
    fputs("{\"displayTimeUnit\":\"ns\",\"otherData\":{\"clock\":", c.f);
    json_str(c.f, tf->sim ? "sim: ts counts events; args.time_ns is the "
                            "virtual time"
                          : "real: ts is microseconds since the start");
    fputs("},\"traceEvents\":[", c.f);
    metadata(&c);
    for (size_t i = 0; i < tf->nev; i++) event(&c, i, o);
    close_slice(&c, tf->nev ? ts_of(&c, tf->nev - 1) : 0);
    fputs("\n]}\n", c.f);
    int rc = ferror(c.f) ? 1 : 0;
    rc |= fclose(c.f) != 0;
    free(c.flow);
    model_free(&m);
    return rc;
}
