/* trace/timeline.c: `weft-trace timeline`: one lane per task, events left
 * to right in the order they happened (one column each: under sim the
 * clock stands still between timers, so columns, not times, give the
 * order; the time is in each column's tooltip and on the axis), and a
 * happens-before arrow from each wake-up to the next step of the task it
 * woke, coloured by what woke it. Positions are computed here and pinned,
 * so Graphviz (neato) only routes the arrows. Repeats of one event in a
 * lane fold into one box "x N"; past o->max_nodes columns the picture
 * stops and says where, to be narrowed with --from/--to/--task.
 * A trace of the simulated network groups the lanes by host (a header,
 * the host's network lane where segments arrive, then its tasks), and
 * draws each segment as an arrow from the box of its send to the box of
 * its delivery (teal) or drop (red, dashed). */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "views.h"

#define LANE_H 0.75 /* inches between lanes */
#define COL_W 1.6   /* inches between columns */
#define LABEL_MAX 22 /* characters of a box's label line */

struct lane_state {
    long last_node;  /* its last drawn node (event index), -1: none */
    long pending;    /* a wake waiting for its next node, -1: none */
    uint16_t pending_cause;
};

static bool drawn_kind(unsigned k) {
    return k != WEFT_EV_SWITCH && k != WEFT_EV_OBJECT &&
           k != WEFT_EV_RUN_END && k != WEFT_EV_SCOPE_ENTER &&
           k != WEFT_EV_SCOPE_EXIT;
}

static const char *cause_colour(uint16_t cause) {
    static const char *const c[] = {"#1565c0", "#2e7d32", "#6a1b9a",
                                    "#e65100"};
    return cause < 4 ? c[cause] : "black";
}

/* A network record's box: what, and the other end. */
static void net_label(const struct model *m, const struct trace_event *e,
                      char *buf, size_t n) {
    char a[48], b[48];
    model_host_name(m, e->aux, a, sizeof a);
    if (e->line == UINT32_MAX) {
        snprintf(b, sizeof b, "(no host)");
    } else {
        model_host_name(m, e->line, b, sizeof b);
    }
    unsigned len = (unsigned)((uint64_t)e->value >> 32);
    const char *s = trace_str(m->tf, e->str);
    switch (e->kind) {
    case WEFT_EV_NET_SEND:
        snprintf(buf, n, "send %u B\n-> %s", len, b);
        break;
    case WEFT_EV_NET_DELIVER:
        snprintf(buf, n, "deliver %u B\nfrom %s", len, a);
        break;
    case WEFT_EV_NET_DROP:
        snprintf(buf, n, "drop\nfrom %s", a);
        break;
    case WEFT_EV_NET_CONNECT:
        snprintf(buf, n, "connect\n-> %s", b);
        break;
    case WEFT_EV_NET_ACCEPT:
        snprintf(buf, n, "accept\nfrom %s", a);
        break;
    case WEFT_EV_NET_RESET:
        snprintf(buf, n, "reset\n%s-%s", a, b);
        break;
    case WEFT_EV_NET_HOST:
        snprintf(buf, n, "host %s", a);
        break;
    case WEFT_EV_HOST_CRASH:
        snprintf(buf, n, "CRASH %s", a);
        break;
    case WEFT_EV_HOST_RESTART:
        snprintf(buf, n, "restart %s", a);
        break;
    default: /* the faults between host sets */
        snprintf(buf, n, "%s\n%s", trace_kind_name(e->kind), s);
        break;
    }
}

/* A short label of e for its box. */
static void label_of(const struct model *m, const struct trace_event *e,
                     char *buf, size_t n) {
    const struct m_object *o = model_object(m, e->obj);
    char who[96];
    const char *kind = trace_kind_name(e->kind);
    if (view_net_kind(e->kind)) {
        net_label(m, e, buf, n);
        return;
    }
    switch (e->kind) {
    case WEFT_EV_SPAWN:
        snprintf(buf, n, "spawn %s", model_task_label(m, e->obj, who, 96));
        break;
    case WEFT_EV_WAKE:
        snprintf(buf, n, "wake %s", model_task_label(m, e->obj, who, 96));
        break;
    case WEFT_EV_PARK:
        if (e->file != TRACE_NONE) {
            const char *file = trace_str(m->tf, e->file);
            const char *base = strrchr(file, '/');
            snprintf(buf, n, "wait: %s\n%s:%u", trace_str(m->tf, e->str),
                     base ? base + 1 : file, e->line);
        } else {
            snprintf(buf, n, "wait: %s", trace_str(m->tf, e->str));
        }
        break;
    case WEFT_EV_EXIT:
        snprintf(buf, n, "exit %" PRId64, e->value);
        break;
    case WEFT_EV_NOTE: case WEFT_EV_ASSERT: case WEFT_EV_MISUSE:
        snprintf(buf, n, "%s", trace_str(m->tf, e->str));
        break;
    case WEFT_EV_SCOPE_CANCEL:
        snprintf(buf, n, "cancel scope %u", e->obj);
        break;
    default:
        if (o) {
            snprintf(buf, n, "%s\n%s %u", kind, o->kind, o->id);
        } else {
            snprintf(buf, n, "%s", kind);
        }
    }
}

/* Lanes are keyed: a task by its index in the model, then the loop
 * (ntasks), then each host's network lane (ntasks + 1 + host). */
struct timeline {
    const struct trace_file *tf;
    const struct model *m;
    struct dot d;
    long *lane;               /* per key: lane number, -1: none */
    double *y;                /* per lane: its height */
    struct lane_state *ls;    /* per lane; lane 0 is the loop */
    size_t nlanes, col;
    double bottom;            /* the lowest lane's y */
    long *seg_node;           /* per segment id: its send's box, -1 */
    size_t nsegs;
};

static size_t nkeys(const struct model *m) {
    return m->ntasks + 1 + MODEL_MAX_HOSTS;
}

/* The lane key of e: its task's, or for a segment's arrival and a host's
 * crash or restart, the host's network lane. */
static size_t key_of(const struct timeline *v, const struct trace_event *e) {
    const struct model *m = v->m;
    if (m->net && (e->kind == WEFT_EV_NET_DELIVER ||
                   e->kind == WEFT_EV_NET_DROP) &&
        e->line < MODEL_MAX_HOSTS) {
        return m->ntasks + 1 + e->line;
    }
    if (e->kind == WEFT_EV_HOST_CRASH || e->kind == WEFT_EV_HOST_RESTART) {
        return m->ntasks + 1 + (e->aux < MODEL_MAX_HOSTS ? e->aux : 0);
    }
    const struct m_task *t = model_task(m, e->task);
    return t ? (size_t)(t - m->tasks) : m->ntasks;
}

static long lane_of(struct timeline *v, const struct trace_event *e) {
    long l = v->lane[key_of(v, e)];
    return l < 0 ? 0 : l;
}

/* The host a lane key belongs to. */
static unsigned key_host(const struct timeline *v, size_t key) {
    const struct model *m = v->m;
    if (key > m->ntasks) return (unsigned)(key - m->ntasks - 1);
    if (key == m->ntasks) return 0;
    return model_task_host(m, m->tasks[key].id);
}

static void lane_label(struct timeline *v, size_t key, long l) {
    const struct model *m = v->m;
    char name[160], h[64];
    if (key > m->ntasks) {
        snprintf(name, sizeof name, "%s: network",
                 model_host_name(m, key_host(v, key), h, sizeof h));
    } else {
        model_task_label(m, m->tasks[key].id, name, sizeof name);
    }
    dot_printf(&v->d, "  lane%ld [shape=plain, style=\"\", fontsize=12, "
               "label=\"", l);
    dot_quote(&v->d, name);
    dot_printf(&v->d, "\", pos=\"-1.2,%.2f!\"];\n", v->y[l]);
}

static void add_lane(struct timeline *v, size_t key) {
    long l = (long)v->nlanes++;
    v->lane[key] = l;
    v->y[l] = v->bottom - LANE_H;
    v->bottom = v->y[l];
    lane_label(v, key, l);
}

/* A header above the lanes of host h. */
static void host_header(struct timeline *v, unsigned h) {
    const char *text = h < MODEL_MAX_HOSTS ? v->m->host_text[h] : NULL;
    v->bottom -= LANE_H * 0.6;
    dot_printf(&v->d, "  host%u [shape=plain, style=\"\", fontsize=14, "
               "fontcolor=\"#00695c\", label=\"host ", h);
    dot_quote(&v->d, h == 0 ? "local (the implicit host)" : text ? text : "?");
    dot_printf(&v->d, "\", pos=\"-1.2,%.2f!\"];\n", v->bottom);
}

static bool boxed(const struct opts *o, const struct model *m,
                  const struct trace_event *e) {
    return drawn_kind(e->kind) && view_selects(o, m, e) &&
           !(e->kind == WEFT_EV_WAKE && e->aux == WEFT_TRACE_BY_TIMER);
}

/* How many boxes in a row, from event i on, show the same event again:
 * they fold into one box "x N" (nothing else is drawn between them). */
static size_t repeats(const struct timeline *v, const struct opts *o,
                      size_t i) {
    const struct trace_file *tf = v->tf;
    const struct trace_event *a = &tf->ev[i];
    size_t reps = 1;
    for (size_t j = i + 1; j < tf->nev && a->kind != WEFT_EV_WAKE; j++) {
        const struct trace_event *b = &tf->ev[j];
        if (!boxed(o, v->m, b)) continue;
        if (b->kind != a->kind || b->task != a->task || b->obj != a->obj ||
            b->str != a->str ||
            (view_net_kind(a->kind) && (b->line != a->line ||
                                        b->aux != a->aux))) {
            break;
        }
        reps++;
    }
    return reps;
}

/* Cuts each line of label to LABEL_MAX characters, marking the cut. */
static void clip_lines(char *label) {
    char out[256];
    size_t k = 0;
    for (const char *line = label; *line && k + LABEL_MAX + 2 < sizeof out;) {
        size_t len = strcspn(line, "\n");
        size_t keep = len > LABEL_MAX ? LABEL_MAX - 3 : len;
        memcpy(out + k, line, keep);
        k += keep;
        if (keep < len) {
            memcpy(out + k, "...", 3);
            k += 3;
        }
        line += len;
        if (*line == '\n') out[k++] = *line++;
    }
    out[k] = '\0';
    strcpy(label, out);
}

static void node(struct timeline *v, size_t i, long l, size_t reps) {
    const struct trace_event *e = &v->tf->ev[i];
    char label[256];
    label_of(v->m, e, label, sizeof label);
    clip_lines(label);
    bool bad = e->kind == WEFT_EV_ASSERT || e->kind == WEFT_EV_MISUSE ||
               e->kind == WEFT_EV_LEAK || e->kind == WEFT_EV_DEADLOCK ||
               e->kind == WEFT_EV_HOST_CRASH || e->kind == WEFT_EV_NET_DROP ||
               (e->kind == WEFT_EV_EXIT && e->value != 0);
    dot_printf(&v->d, "  e%zu [label=\"", i);
    dot_quote(&v->d, label);
    if (reps > 1) dot_printf(&v->d, " x %zu", reps);
    dot_printf(&v->d, "\", tooltip=\"t=%" PRId64 " ns\", pos=\"%.2f,%.2f!\", "
               "fillcolor=\"%s\"];\n", e->time, COL_W * (double)v->col,
               v->y[l], bad ? "#ef9a9a" : "#eceff1");
    struct lane_state *s = &v->ls[l];
    if (s->last_node >= 0) {
        dot_printf(&v->d, "  e%ld -> e%zu [color=\"#b0bec5\", penwidth=4, "
                   "arrowhead=none];\n", s->last_node, i);
    }
    if (s->pending >= 0) {
        dot_printf(&v->d, "  e%ld -> e%zu [color=\"%s\", penwidth=1.5, "
                   "constraint=false];\n", s->pending, i,
                   cause_colour(s->pending_cause));
        s->pending = -1;
    }
    s->last_node = (long)i;
    if (v->col % 8 == 0) {
        dot_printf(&v->d, "  axis%zu [shape=plain, style=\"\", fontsize=9, "
                   "fontcolor=\"#616161\", label=\"%.3f us\", "
                   "pos=\"%.2f,%.2f!\"];\n",
                   v->col, (double)e->time / 1e3, COL_W * (double)v->col,
                   LANE_H);
    }
    v->col++;
}

/* A wake-up: the arrow starts here and ends at the woken task's next box. */
static void wake(struct timeline *v, size_t i, long from) {
    const struct trace_event *e = &v->tf->ev[i];
    const struct m_task *t = model_task(v->m, e->obj);
    if (!t || from < 0 || v->lane[t - v->m->tasks] < 0) return;
    struct lane_state *s = &v->ls[v->lane[t - v->m->tasks]];
    s->pending = from;
    s->pending_cause = e->aux;
}

/* A segment's send, delivery or drop, drawn in box `box`: the send is
 * remembered, an arrival gets its arrow from the send's box. */
static void segment(struct timeline *v, const struct trace_event *e,
                    long box) {
    uint32_t seg = (uint32_t)e->value;
    if (!v->seg_node || seg >= v->nsegs || box < 0) return;
    if (e->kind == WEFT_EV_NET_SEND) {
        v->seg_node[seg] = box;
        return;
    }
    long from = v->seg_node[seg];
    if (from < 0 || (e->kind != WEFT_EV_NET_DELIVER &&
                     e->kind != WEFT_EV_NET_DROP)) {
        return;
    }
    bool drop = e->kind == WEFT_EV_NET_DROP;
    dot_printf(&v->d, "  e%ld -> e%ld [color=\"%s\", penwidth=1.5, "
               "style=%s, constraint=false];\n", from, box,
               drop ? "#c62828" : "#00897b", drop ? "dashed" : "solid");
}

static bool shown_event(const struct opts *o, const struct model *m,
                        const struct trace_event *e) {
    return drawn_kind(e->kind) && view_selects(o, m, e) &&
           !(e->kind == WEFT_EV_WAKE && e->aux == WEFT_TRACE_BY_TIMER);
}

/* Gives every lane its place before drawing: in order of appearance, or,
 * for a network trace, grouped by host (the network lane first). */
static void plan_lanes(struct timeline *v, const struct opts *o) {
    const struct model *m = v->m;
    size_t nk = nkeys(m);
    size_t *order = malloc(nk * sizeof *order);
    bool *seen = calloc(nk, sizeof *seen);
    size_t n = 0;
    for (size_t i = 0; order && seen && i < v->tf->nev; i++) {
        const struct trace_event *e = &v->tf->ev[i];
        if (!shown_event(o, m, e)) continue;
        size_t k = key_of(v, e);
        if (k != m->ntasks && !seen[k]) order[n++] = k;
        if (k != m->ntasks) seen[k] = true;
    }
    for (unsigned h = 0; h < (m->net ? MODEL_MAX_HOSTS : 1); h++) {
        bool header = false;
        for (size_t pass = 0; pass < 2; pass++) { /* network lane first */
            for (size_t j = 0; j < n; j++) {
                size_t k = order[j];
                if ((k > m->ntasks) != (pass == 0) || v->lane[k] >= 0) continue;
                if (m->net && key_host(v, k) != h) continue;
                if (m->net && !header) host_header(v, h);
                header = true;
                add_lane(v, k);
            }
        }
    }
    free(order);
    free(seen);
}

static void events(struct timeline *v, const struct opts *o) {
    const struct trace_file *tf = v->tf;
    size_t shown = 0, total = 0, cut = 0, folded = 0;
    long last_timer = -1, box = -1;
    for (size_t i = 0; i < tf->nev; i++) {
        const struct trace_event *e = &tf->ev[i];
        if (!drawn_kind(e->kind) || !view_selects(o, v->m, e)) continue;
        if (e->kind == WEFT_EV_WAKE && e->aux == WEFT_TRACE_BY_TIMER) {
            wake(v, i, last_timer); /* an arrow from the timer, no box */
            continue;
        }
        total++;
        long l = lane_of(v, e);
        if (folded) { /* drawn in the box of an earlier one */
            folded--;
            segment(v, e, box);
            continue;
        }
        if (shown >= o->max_nodes) {
            cut++;
            box = -1;
            continue;
        }
        size_t reps = repeats(v, o, i);
        folded = reps - 1;
        node(v, i, l, reps);
        box = (long)i;
        segment(v, e, box);
        shown++;
        if (e->kind == WEFT_EV_TIMER) last_timer = (long)i;
        if (e->kind == WEFT_EV_WAKE) wake(v, i, (long)i);
    }
    if (cut) {
        dot_printf(&v->d, "  folded [shape=note, fillcolor=\"#fff9c4\", "
                   "label=\"showing %zu of %zu events: narrow with --from, "
                   "--to or --task\", pos=\"0,%.2f!\"];\n", shown, total,
                   2 * LANE_H);
        fprintf(stderr, "weft-trace: timeline: showing %zu of %zu events "
                "(--max %zu); narrow with --from, --to or --task\n", shown,
                total, o->max_nodes);
    }
}

static void legend(struct timeline *v) {
    double y = v->bottom - LANE_H * 1.5;
    if (v->m->net) {
        dot_printf(&v->d, "  lg5 [shape=plain, style=\"\", fontcolor="
                   "\"#00897b\", label=\"a segment delivered (arrow)\", "
                   "pos=\"12.0,%.2f!\"];\n  lg6 [shape=plain, style=\"\", "
                   "fontcolor=\"#c62828\", label=\"a segment dropped "
                   "(dashed)\", pos=\"14.4,%.2f!\"];\n", y, y);
    }
    static const char *const what[] = {"woken by a task", "by a timer",
                                       "by a run_sync thread",
                                       "by cancellation"};
    for (int k = 0; k < 4; k++) {
        dot_printf(&v->d, "  lg%d [shape=plain, style=\"\", fontcolor=\"%s\", "
                   "label=\"%s (arrow colour)\", pos=\"%.2f,%.2f!\"];\n", k,
                   cause_colour((uint16_t)k), what[k], 2.4 * k, y);
    }
    dot_printf(&v->d, "  lg4 [label=\"failure, leak, deadlock\", fillcolor="
               "\"#ef9a9a\", pos=\"9.6,%.2f!\"];\n", y);
}

int view_timeline(const struct trace_file *tf, const struct opts *o) {
    struct model m;
    if (model_build(&m, tf, tf->nev)) return 1;
    struct timeline v = {.tf = tf, .m = &m, .nlanes = 1};
    size_t nk = nkeys(&m);
    v.lane = malloc(nk * sizeof *v.lane);
    v.y = calloc(nk + 1, sizeof *v.y);
    v.ls = malloc((nk + 1) * sizeof *v.ls);
    for (size_t i = 0; i < tf->nev; i++) {
        const struct trace_event *e = &tf->ev[i];
        if (e->kind == WEFT_EV_NET_SEND && (uint32_t)e->value >= v.nsegs) {
            v.nsegs = (size_t)(uint32_t)e->value + 1;
        }
    }
    v.seg_node = v.nsegs ? malloc(v.nsegs * sizeof *v.seg_node) : NULL;
    int rc = 1;
    if (v.lane && v.y && v.ls && (v.seg_node || !v.nsegs)) {
        for (size_t i = 0; i < nk; i++) v.lane[i] = -1;
        v.lane[m.ntasks] = 0; /* the loop's */
        for (size_t i = 0; i < v.nsegs; i++) v.seg_node[i] = -1;
        for (size_t i = 0; i < nk + 1; i++) {
            v.ls[i] = (struct lane_state){-1, -1, 0};
        }
        dot_printf(&v.d, "digraph timeline {\n  graph [fontname=\"Helvetica"
                   "\", labelloc=t, fontsize=16, splines=true, label=\"weft "
                   "run, %s: timeline (time flows right; arrows: "
                   "happens-before from wake-ups)\"];\n  node [shape=box, "
                   "style=\"rounded,filled\", fontname=\"Helvetica\", "
                   "fontsize=10];\n  lane0 [shape=plain, style=\"\", "
                   "label=\"(timers)\", pos=\"-1.2,0!\"];\n",
                   tf->sim ? "sim" : "real");
        plan_lanes(&v, o);
        events(&v, o);
        legend(&v);
        dot_printf(&v.d, "}\n");
        rc = dot_render(&v.d, o, "neato");
    }
    free(v.lane);
    free(v.y);
    free(v.ls);
    free(v.seg_node);
    model_free(&m);
    return rc;
}
