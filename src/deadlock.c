/* src/deadlock.c: the deadlock report. When no task can run and nothing
 * can wake one, every remaining task is parked: this builds the wait-for
 * graph (task -> object it waits on -> tasks that hold it), prints one
 * line per blocked task with the call, the object (kind, creation site)
 * and its holders, spells out a cycle when there is one, and records the
 * whole graph in the trace. Holders are known for locks (the owner) and
 * group joins (the group's unfinished tasks); other objects have none. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched.h"
#include "trace.h"
#include "weft/sync.h"

/* What a task waiting on a queue of each kind is in, as X(kind, call,
 * object). */
#define WAIT_KIND_MAP(X)                                                       \
    X("lock", "weft_lock_acquire", "lock")                                     \
    X("semaphore", "weft_sem_acquire", "semaphore")                            \
    X("limiter", "weft_limiter_acquire", "limiter")                            \
    X("event", "weft_event_wait", "event")                                     \
    X("condition", "weft_cond_wait", "condition")                              \
    X("queue get", "weft_queue_get", "queue")                                  \
    X("queue put", "weft_queue_put", "queue")                                  \
    X("pqueue get", "weft_pqueue_get", "pqueue")                               \
    X("pqueue put", "weft_pqueue_put", "pqueue")                               \
    X("group join", "weft_group_join", "group")                                \
    X("task start", "weft_start", "group")                                     \
    X("run_sync", "weft_run_sync", "run_sync job")                             \
    X("completion stream", "weft_completions_next", "completion stream")

struct wait_kind {
    const char *kind, *call, *object;
};

static const struct wait_kind wait_kinds[] = {
#define WAIT_KIND_ROW(k, c, o) {k, c, o},
    WAIT_KIND_MAP(WAIT_KIND_ROW)
#undef WAIT_KIND_ROW
};

/* Its row; an unknown kind has no call (NULL) and is its own object. */
static struct wait_kind describe(const struct weft__waitq *q) {
    struct wait_kind d = {"nothing", "weft_sleep", "nothing"};
    if (!q) return d;
    for (size_t i = 0; i < sizeof wait_kinds / sizeof *wait_kinds; i++) {
        if (!strcmp(q->kind, wait_kinds[i].kind)) return wait_kinds[i];
    }
    d.kind = d.object = q->kind;
    d.call = NULL;
    return d;
}

/* One blocked task: what it waits on, and its holders (task indices). */
struct node {
    const struct weft__task *task;
    const struct weft__waitq *q;
    size_t first, n; /* its holders: edges[first .. first + n) */
};

struct graph {
    struct node *nodes;
    size_t nnodes;
    size_t *edges;
    size_t nedges;
};

static const struct weft__waitq *waitq_of(const struct weft__task *t) {
    return t->wait ? t->wait->q : NULL;
}

/* Whether task u holds what q stands for. */
static bool holds(const struct weft__task *u, const struct weft__waitq *q) {
    if (!q) return false;
    if (!strcmp(q->kind, "lock")) {
        return container_of(q, weft_lock, waitq)->owner_id == u->id;
    }
    if (!strcmp(q->kind, "group join")) return u->group == q->obj;
    return false;
}

/* Builds the graph over rt's tasks (index = order in rt->tasks); false
 * when memory ran out (the report then has no holders or cycle). */
static bool build(struct weft__rt *rt, struct graph *g) {
    size_t n = rt->ntasks;
    g->nodes = calloc(n ? n : 1, sizeof *g->nodes);
    g->edges = NULL;
    g->nnodes = g->nedges = 0;
    if (!g->nodes) return false;
    struct weft__list *a;
    for (a = rt->tasks.next; a != &rt->tasks && g->nnodes < n; a = a->next) {
        struct node *x = &g->nodes[g->nnodes++];
        x->task = container_of(a, struct weft__task, all_node);
        x->q = waitq_of(x->task);
    }
    size_t cap = 0;
    for (size_t i = 0; i < g->nnodes; i++) {
        struct node *x = &g->nodes[i];
        x->first = g->nedges;
        for (size_t j = 0; j < g->nnodes; j++) {
            if (!holds(g->nodes[j].task, x->q)) continue;
            if (g->nedges == cap) {
                cap = cap ? 2 * cap : 16;
                size_t *e = realloc(g->edges, cap * sizeof *e);
                if (!e) return false;
                g->edges = e;
            }
            g->edges[g->nedges++] = j;
            x->n++;
        }
    }
    return true;
}

static const char *name_of(const struct weft__task *t) {
    return t->name ? t->name : "?";
}

static void print_object(const struct weft__waitq *q) {
    struct wait_kind d = describe(q);
    fprintf(stderr, "%s", d.object);
    if (q && q->site && q->site->file) {
        fprintf(stderr, " created at %s:%d", q->site->file, q->site->line);
    }
}

static void print_task(struct weft__rt *rt, const struct graph *g, size_t i) {
    const struct node *x = &g->nodes[i];
    struct wait_kind d = describe(x->q);
    fprintf(stderr, "  task '%s' (id %llu) waits ", name_of(x->task),
            (unsigned long long)x->task->id);
    if (d.call) fprintf(stderr, "in %s() ", d.call);
    fputs("on ", stderr);
    print_object(x->q);
    const char *holders = x->q && !strcmp(x->q->kind, "group join")
                              ? ", for its running task(s)"
                              : ", held by";
    for (size_t k = 0; k < x->n; k++) {
        const struct weft__task *h = g->nodes[g->edges[x->first + k]].task;
        fprintf(stderr, "%s '%s' (id %llu)", k ? "," : holders, name_of(h),
                (unsigned long long)h->id);
        weft__trace_waits(rt, x->task, x->q, h->id);
    }
    if (!x->n) weft__trace_waits(rt, x->task, x->q, 0);
    fputc('\n', stderr);
}

/* Finds a cycle by depth-first search without recursion; writes its
 * tasks in order into cyc and returns its length (0: none). */
static size_t find_cycle(const struct graph *g, size_t *cyc) {
    size_t n = g->nnodes;
    uint8_t *color = calloc(n, 1); /* 0 new, 1 on the path, 2 done */
    size_t *next = calloc(n, sizeof *next);
    size_t *path = malloc(n * sizeof *path);
    size_t len = 0, found = 0;
    for (size_t s = 0; color && next && path && s < n && !found; s++) {
        if (color[s]) continue;
        path[len++] = s;
        color[s] = 1;
        while (len && !found) {
            const struct node *x = &g->nodes[path[len - 1]];
            if (next[path[len - 1]] == x->n) {
                color[path[--len]] = 2;
                continue;
            }
            size_t v = g->edges[x->first + next[path[len - 1]]++];
            if (color[v] == 0) {
                color[v] = 1;
                path[len++] = v;
            } else if (color[v] == 1) { /* back edge: v .. top is a cycle */
                size_t k = len;
                while (path[k - 1] != v) k--;
                for (size_t m = k - 1; m < len; m++) cyc[found++] = path[m];
            }
        }
        len = 0;
    }
    free(color);
    free(next);
    free(path);
    return found;
}

static void print_cycle(const struct graph *g) {
    size_t *cyc = malloc(g->nnodes * sizeof *cyc);
    size_t n = cyc ? find_cycle(g, cyc) : 0;
    if (n) {
        fprintf(stderr, "  cycle: '%s'", name_of(g->nodes[cyc[0]].task));
        for (size_t k = 0; k < n; k++) {
            const struct node *x = &g->nodes[cyc[k]];
            fprintf(stderr, "%s waits for '%s' (", k ? ", which" : "",
                    name_of(g->nodes[cyc[(k + 1) % n]].task));
            print_object(x->q);
            fputc(')', stderr);
        }
        fputs(": none of them can go on\n", stderr);
    }
    free(cyc);
}

void weft__deadlock_report(struct weft__rt *rt) {
    char run[128];
    weft__describe_run(run, sizeof run);
    fprintf(stderr,
            "weft: deadlock: %zu task(s) blocked and nothing can wake them "
            "(no runnable task, timer, thread or I/O)%s\n",
            rt->ntasks, run);
    weft__trace_event(rt, WEFT_EV_DEADLOCK, (int64_t)rt->ntasks);
    struct graph g;
    bool whole = build(rt, &g);
    for (size_t i = 0; i < g.nnodes; i++) print_task(rt, &g, i);
    if (whole) print_cycle(&g);
    free(g.nodes);
    free(g.edges);
}
