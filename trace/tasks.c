/* trace/tasks.c: `weft-trace tasks`: the task tree. Each task is a box
 * coloured by how it ended (ok, failed, cancelled, never ended) with a
 * thick purple border when it leaked; an arrow runs from spawner to
 * spawned; cancel scopes and groups are clusters nested as in the run,
 * labelled with their site and, when cancelled, the reason. Past
 * o->max_nodes tasks, tasks with the same name, place and outcome fold
 * into one box "name x N", and the picture says so. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "views.h"

#define MAX_DEPTH 64 /* clusters nest at most this deep (hostile files) */

enum outcome { OK, FAILED, CANCELLED, BLOCKED, NOUTCOMES };

static const char *const fill[NOUTCOMES] = {"#c8e6c9", "#ef9a9a", "#ffe0b2",
                                            "#fff59d"};
static const char *const outcome_name[NOUTCOMES] = {
    "ended ok", "failed", "cancelled", "never ended"};

static enum outcome outcome_of(const struct m_task *t) {
    if (!t->exited) return BLOCKED;
    if (t->result == -ECANCELED) return CANCELLED;
    if (t->result != 0) return FAILED;
    return OK;
}

static void result_text(const struct m_task *t, char *buf, size_t n) {
    if (!t->exited) {
        snprintf(buf, n, "never ended");
    } else if (t->result < 0 && t->result > -4096) {
        const char *name = strerrorname_np((int)-t->result);
        snprintf(buf, n, "result -%s", name ? name : "?");
    } else {
        snprintf(buf, n, "result %lld", (long long)t->result);
    }
}

struct tasks_view {
    const struct model *m;
    struct dot d;
    uint32_t *container;  /* per task: its scope's id, 0: top */
    uint32_t *scontainer; /* per scope: enclosing scope's id, 0: top */
    bool fold;
    bool *skip;           /* per task: left out (--task) */
    uint32_t *node;       /* per task: id of the box drawing it, 0: none */
};

/* The scope a task's box sits in: its group's scope. */
static uint32_t task_container(const struct model *m, const struct m_task *t) {
    return model_scope(m, t->scope) ? t->scope : 0;
}

static uint32_t scope_container(const struct model *m,
                                const struct m_scope *s) {
    if (s->parent && model_scope(m, s->parent)) return s->parent;
    const struct m_task *owner = model_task(m, s->owner);
    return owner ? task_container(m, owner) : 0;
}

static void task_node(struct tasks_view *v, size_t i, size_t count) {
    const struct m_task *t = &v->m->tasks[i];
    char res[64];
    result_text(t, res, sizeof res);
    enum outcome oc = outcome_of(t);
    dot_printf(&v->d, "  t%u [label=\"", t->id);
    dot_quote(&v->d, t->name);
    if (count > 1) {
        dot_printf(&v->d, " x %zu\\n(folded: first #%u)", count, t->id);
    } else {
        dot_printf(&v->d, " #%u", t->id);
    }
    dot_printf(&v->d, "\\n%s", res);
    if (t->leaks) dot_printf(&v->d, "\\nleaked %u object(s)", t->leaks);
    dot_printf(&v->d, "\", fillcolor=\"%s\"%s];\n", fill[oc],
               t->leaks ? ", color=\"#6a1b9a\", penwidth=3" : "");
}

/* Draws the tasks directly in scope c (folding alikes when asked). */
static void tasks_in(struct tasks_view *v, uint32_t c) {
    const struct model *m = v->m;
    for (size_t i = 0; i < m->ntasks; i++) {
        if (v->skip[i] || v->node[i] || v->container[i] != c) continue;
        size_t count = 1;
        const struct m_task *a = &m->tasks[i];
        v->node[i] = a->id;
        for (size_t j = i + 1; v->fold && j < m->ntasks; j++) {
            const struct m_task *b = &m->tasks[j];
            if (v->skip[j] || v->node[j] || v->container[j] != c ||
                strcmp(a->name, b->name) || outcome_of(a) != outcome_of(b) ||
                !!a->leaks != !!b->leaks) {
                continue;
            }
            v->node[j] = a->id;
            count++;
        }
        task_node(v, i, count);
    }
}

static const char *reason_text(uint16_t r) {
    static const char *const names[] = {"", "cancelled explicitly",
                                        "deadline expired",
                                        "cancelled: a sibling failed",
                                        "cancelled with its parent"};
    return r < 5 ? names[r] : "cancelled";
}

static void cluster(struct tasks_view *v, uint32_t c, int depth) {
    const struct model *m = v->m;
    tasks_in(v, c);
    if (depth >= MAX_DEPTH) return;
    for (size_t k = 0; k < m->nscopes; k++) {
        const struct m_scope *s = &m->scopes[k];
        if (v->scontainer[k] != c || s->id == c) continue;
        bool group = s->flags & WEFT_TRACE_SCOPE_GROUP;
        dot_printf(&v->d, "subgraph cluster_s%u {\n  label=\"%s at ", s->id,
                   group ? "group" : s->flags & WEFT_TRACE_SCOPE_SHIELD
                                         ? "shielded scope" : "cancel scope");
        dot_quote(&v->d, s->file);
        char owner[96];
        model_task_label(m, s->owner, owner, sizeof owner);
        dot_printf(&v->d, ":%u\\nentered by ", s->line);
        dot_quote(&v->d, owner);
        dot_printf(&v->d, "%s%s", s->reason ? "\\n" : "",
                   reason_text(s->reason));
        const struct m_scope *from = model_scope(m, s->shielded_from);
        if (from) {
            dot_printf(&v->d, "\\nshielded from the cancellation of the %s "
                       "at ", from->flags & WEFT_TRACE_SCOPE_GROUP
                                  ? "group" : "scope");
            dot_quote(&v->d, from->file);
            dot_printf(&v->d, ":%u", from->line);
        }
        dot_printf(&v->d, "\";\n");
        dot_printf(&v->d, "  style=\"rounded%s\"; color=\"%s\"; "
                   "penwidth=%d;\n", s->reason ? ",dashed" : "",
                   s->reason ? "#e65100" : "#607d8b", s->reason ? 2 : 1);
        dot_printf(&v->d, "  s%u_anchor [shape=point, style=invis];\n",
                   s->id);
        cluster(v, s->id, depth + 1);
        dot_printf(&v->d, "}\n");
    }
}

/* One node holding a table: it stays compact whatever the ranks. */
static void legend(struct dot *d) {
    dot_printf(d, "  legend [shape=plain, style=\"\", label=<<table "
               "border=\"1\" cellborder=\"0\" cellspacing=\"4\" "
               "color=\"#9e9e9e\"><tr><td><b>legend</b></td></tr>");
    for (int k = 0; k < NOUTCOMES; k++) {
        dot_printf(d, "<tr><td bgcolor=\"%s\" border=\"1\">task %s</td>"
                   "</tr>", fill[k], outcome_name[k]);
    }
    dot_printf(d, "<tr><td border=\"3\" color=\"#6a1b9a\">purple border: "
               "leaked objects</td></tr><tr><td><font color=\"#e65100\">"
               "dashed orange: cancelled scope</font></td></tr><tr><td>"
               "arrow: spawned</td></tr></table>>];\n");
}

static void edges(struct tasks_view *v) {
    for (size_t i = 0; i < v->m->ntasks; i++) {
        const struct m_task *t = &v->m->tasks[i];
        const struct m_task *p = model_task(v->m, t->parent);
        if (!p || v->node[i] != t->id || !v->node[p - v->m->tasks]) continue;
        dot_printf(&v->d, "  t%u -> t%u;\n", v->node[p - v->m->tasks], t->id);
    }
}

int view_tasks(const struct trace_file *tf, const struct opts *o) {
    struct tasks_view v = {0};
    struct model m;
    if (model_build(&m, tf, tf->nev)) return 1;
    v.m = &m;
    v.container = calloc(m.ntasks + 1, sizeof *v.container);
    v.scontainer = calloc(m.nscopes + 1, sizeof *v.scontainer);
    v.skip = calloc(m.ntasks + 1, sizeof *v.skip);
    v.node = calloc(m.ntasks + 1, sizeof *v.node);
    int rc = 1;
    if (!v.container || !v.scontainer || !v.skip || !v.node) goto out;
    for (size_t i = 0; i < m.ntasks; i++) {
        v.container[i] = task_container(&m, &m.tasks[i]);
        /* --task: only that task, its spawner and its children */
        const struct m_task *p = model_task(&m, m.tasks[i].parent);
        v.skip[i] = o->task && strcmp(m.tasks[i].name, o->task) &&
                    !(p && !strcmp(p->name, o->task));
    }
    for (size_t k = 0; k < m.nscopes; k++) {
        v.scontainer[k] = scope_container(&m, &m.scopes[k]);
    }
    v.fold = m.ntasks > o->max_nodes;
    dot_printf(&v.d, "digraph tasks {\n  graph [fontname=\"Helvetica\", "
               "labelloc=t, fontsize=16, label=\"weft run, %s: tasks%s\"];\n",
               tf->sim ? "sim" : "real",
               v.fold ? " (many tasks: alike ones folded)" : "");
    dot_printf(&v.d, "  node [shape=box, style=\"rounded,filled\", "
               "fontname=\"Helvetica\", fontsize=11];\n  edge "
               "[color=\"#455a64\"];\n");
    cluster(&v, 0, 0);
    edges(&v);
    legend(&v.d);
    dot_printf(&v.d, "}\n");
    if (v.fold) fprintf(stderr, "weft-trace: %zu tasks: tasks with the same "
                        "name, scope and outcome are folded into one box\n",
                        m.ntasks);
    rc = dot_render(&v.d, o, "dot");
out:
    free(v.container);
    free(v.scontainer);
    free(v.skip);
    free(v.node);
    model_free(&m);
    return rc;
}
