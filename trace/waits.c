/* trace/waits.c: `weft-trace waits`: the wait-for graph, task -> object
 * it waits on -> task that holds it, at the end of the run (from the
 * deadlock report when the trace has one) or at --at T (replayed from
 * the events). The edges of a cycle, a deadlock, are drawn red. Past
 * o->max_nodes waiting tasks the rest are left out, and it says so. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "views.h"

struct edge {
    size_t waiter;   /* task index */
    uint32_t obj;    /* object id, 0: none (a sleep) */
    const char *how; /* the wait's kind */
    long holder;     /* task index, -1: none */
    bool cycle;
};

struct waits {
    const struct model *m;
    struct edge *e;
    size_t n, cap;
};

static int add(struct waits *w, size_t waiter, uint32_t obj, const char *how,
               long holder) {
    if (w->n == w->cap) {
        size_t cap = w->cap ? 2 * w->cap : 64;
        struct edge *p = realloc(w->e, cap * sizeof *p);
        if (!p) return -1;
        w->e = p;
        w->cap = cap;
    }
    w->e[w->n++] = (struct edge){waiter, obj, how, holder, false};
    return 0;
}

/* "\nat FILE:LINE" of the call in which task index i last parked, if
 * the trace names it. */
static void call_site(const struct waits *w, struct dot *d, size_t i) {
    const struct trace_event *park = w->m->waits_park[i];
    if (!park || park->file == TRACE_NONE) return;
    dot_printf(d, "\\nat ");
    dot_quote(d, trace_str(w->m->tf, park->file));
    dot_printf(d, ":%u", park->line);
}

static long index_of(const struct model *m, uint32_t id) {
    const struct m_task *t = model_task(m, id);
    return t ? (long)(t - m->tasks) : -1;
}

/* From the deadlock report's waits-for records. */
static int from_report(struct waits *w, const struct trace_file *tf) {
    for (size_t i = 0; i < tf->nev; i++) {
        const struct trace_event *e = &tf->ev[i];
        long t = index_of(w->m, e->task);
        if (e->kind != WEFT_EV_WAITS_FOR || t < 0) continue;
        long h = e->value > 0 && e->value <= UINT32_MAX
                     ? index_of(w->m, (uint32_t)e->value) : -1;
        if (add(w, (size_t)t, e->obj, trace_str(tf, e->str), h)) return -1;
    }
    return 0;
}

/* From the replayed state: who is parked on what, who holds it. */
static int from_state(struct waits *w, size_t max) {
    const struct model *m = w->m;
    size_t drawn = 0;
    for (size_t i = 0; i < m->ntasks && drawn < max; i++) {
        const struct m_object *o = model_object(m, m->waits_on[i]);
        if (!m->waits_on[i] || m->tasks[i].exited) continue;
        drawn++;
        size_t before = w->n;
        for (size_t j = 0; o && j < m->ntasks; j++) {
            if (model_holds(&m->tasks[j], o) &&
                add(w, i, o->id, o->kind, (long)j)) {
                return -1;
            }
        }
        const struct trace_event *park = m->waits_park[i];
        const char *how = park ? trace_str(m->tf, park->str) : "";
        if (w->n == before && add(w, i, m->waits_on[i], how, -1)) return -1;
    }
    return 0;
}

/* Marks the edges of one cycle among tasks (waiter -> holder). */
static void mark_cycle(struct waits *w) {
    size_t n = w->m->ntasks;
    long *next = malloc((n + 1) * sizeof *next);
    uint8_t *seen = calloc(n + 1, 1);
    for (size_t i = 0; next && seen && i < n; i++) next[i] = -1;
    for (size_t k = 0; next && seen && k < w->n; k++) {
        if (w->e[k].holder >= 0) next[w->e[k].waiter] = w->e[k].holder;
    }
    /* Follow one holder from each task; a task seen twice in one walk
     * closes a cycle (2 marks the walk in progress, 1 done). */
    for (size_t s = 0; next && seen && s < n; s++) {
        long x = (long)s;
        while (x >= 0 && !seen[x]) {
            seen[x] = 2;
            x = next[x];
        }
        if (x >= 0 && seen[x] == 2) {
            long y = x;
            do {
                for (size_t k = 0; k < w->n; k++) {
                    struct edge *e = &w->e[k];
                    if ((long)e->waiter == y && e->holder == next[y]) {
                        e->cycle = true;
                    }
                }
                y = next[y];
            } while (y != x);
        }
        for (x = (long)s; x >= 0 && seen[x] == 2; x = next[x]) seen[x] = 1;
    }
    free(next);
    free(seen);
}

static void task_node(struct waits *w, struct dot *d, size_t i, bool *done) {
    if (done[i]) return;
    done[i] = true;
    char label[128];
    model_task_label(w->m, w->m->tasks[i].id, label, sizeof label);
    dot_printf(d, "  t%zu [label=\"", i);
    dot_quote(d, label);
    dot_printf(d, "\", shape=ellipse, fillcolor=\"%s\"];\n",
               w->m->waits_on[i] || w->m->deadlock ? "#fff59d" : "#c8e6c9");
}

static void draw(struct waits *w, struct dot *d) {
    bool *done = calloc(w->m->ntasks + 1, 1);
    if (!done) {
        d->oom = true;
        return;
    }
    for (size_t k = 0; k < w->n; k++) {
        const struct edge *e = &w->e[k];
        const struct m_object *o = model_object(w->m, e->obj);
        task_node(w, d, e->waiter, done);
        dot_printf(d, "  o%u [shape=box, fillcolor=\"#e3f2fd\", label=\"",
                   e->obj);
        dot_quote(d, o ? o->kind : e->how);
        if (o && o->file[0]) {
            dot_printf(d, "\\ncreated at ");
            dot_quote(d, o->file);
            dot_printf(d, ":%u", o->line);
        }
        dot_printf(d, "\"];\n");
        bool again = k && w->e[k - 1].waiter == e->waiter &&
                     w->e[k - 1].obj == e->obj && !e->cycle;
        if (!again) {
            dot_printf(d, "  t%zu -> o%u [label=\"", e->waiter, e->obj);
            dot_quote(d, e->how);
            call_site(w, d, e->waiter);
            dot_printf(d, "\"%s];\n", e->cycle ? ", color=red, penwidth=3, "
                                                  "fontcolor=red" : "");
        }
        if (e->holder < 0) continue;
        task_node(w, d, (size_t)e->holder, done);
        bool group = o && !strcmp(o->kind, "group");
        dot_printf(d, "  o%u -> t%ld [label=\"%s\", style=dashed%s];\n",
                   e->obj, e->holder, group ? "still running" : "held by",
                   e->cycle ? ", color=red, penwidth=3, "
                                                 "fontcolor=red" : "");
    }
    free(done);
}

static void legend(struct dot *d) {
    dot_printf(d, "subgraph cluster_legend {\n  label=\"legend\"; "
               "style=rounded; color=\"#9e9e9e\";\n  lw [label=\"blocked "
               "task\", shape=ellipse, fillcolor=\"#fff59d\"];\n  lo "
               "[label=\"object waited on\", shape=box, fillcolor="
               "\"#e3f2fd\"];\n  lh [label=\"holder\", shape=ellipse, "
               "fillcolor=\"#fff59d\"];\n  lw -> lo [label=\"waits in\"];\n"
               "  lo -> lh [label=\"held by (a lock)\\nstill running (a "
               "group)\", style=dashed];\n  lc [label="
               "\"red: a deadlock cycle\", shape=plain, style=\"\", "
               "fontcolor=red];\n}\n");
}

int view_waits(const struct trace_file *tf, const struct opts *o) {
    size_t upto = 0;
    while (upto < tf->nev && tf->ev[upto].time <= o->at) upto++;
    if (o->at_event < upto) upto = o->at_event + 1; /* after event #N */
    struct model m;
    if (model_build(&m, tf, upto)) return 1;
    struct waits w = {.m = &m};
    bool report = m.deadlock && upto == tf->nev;
    int rc = report ? from_report(&w, tf) : from_state(&w, o->max_nodes);
    struct dot d = {0};
    if (rc) d.oom = true;
    mark_cycle(&w);
    dot_printf(&d, "digraph waits {\n  graph [fontname=\"Helvetica\", "
               "labelloc=t, fontsize=16, label=\"weft run, %s: who waits on "
               "what, ", tf->sim ? "sim" : "real");
    if (upto == tf->nev) {
        dot_printf(&d, "at the end%s\"];\n", report ? " (deadlock)" : "");
    } else if (upto == 0) {
        dot_printf(&d, "before the first event\"];\n");
    } else {
        dot_printf(&d, "after event #%zu (t=%lld ns)\"];\n", upto - 1,
                   (long long)tf->ev[upto - 1].time);
    }
    dot_printf(&d, "  node [style=filled, fontname=\"Helvetica\", "
               "fontsize=11];\n  edge [fontname=\"Helvetica\", "
               "fontsize=10];\n");
    if (!w.n) dot_printf(&d, "  nothing [shape=plain, style=\"\", label="
                         "\"no task is waiting\"];\n");
    draw(&w, &d);
    legend(&d);
    dot_printf(&d, "}\n");
    rc = dot_render(&d, o, "dot");
    free(w.e);
    model_free(&m);
    return rc;
}
