/* trace/model.c: rebuilds a run's tasks, scopes and objects from its
 * events (trace/model.h). Ids come from the file, so they are looked up
 * through maps and never used as indices; an event that names an id the
 * trace never introduced is skipped, as a hostile file may do that. */
#include "config.h"

#include "model.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t count(const struct trace_file *tf, int kind) {
    size_t n = 0;
    for (size_t i = 0; i < tf->nev; i++) n += tf->ev[i].kind == kind;
    return n;
}

static void *lookup(const struct weft__idmap *ix, void *base, size_t size,
                    uint32_t id) {
    uint32_t i;
    if (!id || !weft__idmap_get(ix, id, &i)) return NULL;
    return (char *)base + (size_t)i * size;
}

struct m_task *model_task(const struct model *m, uint32_t id) {
    return lookup(&m->task_ix, m->tasks, sizeof *m->tasks, id);
}

struct m_scope *model_scope(const struct model *m, uint32_t id) {
    return lookup(&m->scope_ix, m->scopes, sizeof *m->scopes, id);
}

struct m_object *model_object(const struct model *m, uint32_t id) {
    return lookup(&m->object_ix, m->objects, sizeof *m->objects, id);
}

const char *model_task_label(const struct model *m, uint32_t id, char *buf,
                             size_t n) {
    const struct m_task *t = model_task(m, id);
    if (!id) {
        snprintf(buf, n, "(loop)");
    } else {
        snprintf(buf, n, "%s#%u", t ? t->name : "?", id);
    }
    return buf;
}

static int add_task(struct model *m, const struct trace_event *e) {
    if (!e->obj || model_task(m, e->obj)) return 0; /* duplicate: keep 1st */
    struct m_task *t = &m->tasks[m->ntasks];
    memset(t, 0, sizeof *t);
    t->id = e->obj;
    t->name = trace_str(m->tf, e->str);
    t->parent = e->task;
    t->scope = (uint32_t)e->value;
    t->file = trace_str(m->tf, e->file);
    t->line = e->line;
    return weft__idmap_set(&m->task_ix, t->id, (uint32_t)m->ntasks++);
}

static int add_scope(struct model *m, const struct trace_event *e) {
    if (!e->obj || model_scope(m, e->obj)) return 0;
    struct m_scope *s = &m->scopes[m->nscopes];
    memset(s, 0, sizeof *s);
    s->id = e->obj;
    s->owner = e->task;
    s->parent = (uint32_t)e->value;
    s->flags = e->aux;
    s->file = trace_str(m->tf, e->file);
    s->line = e->line;
    return weft__idmap_set(&m->scope_ix, s->id, (uint32_t)m->nscopes++);
}

/* A group's OBJECT record follows the SCOPE_ENTER of its scope by the
 * same task at the same site: that pairs the two ids. */
static void pair_group(struct model *m, struct m_object *o, size_t i) {
    if (i == 0 || strcmp(o->kind, "group")) return;
    const struct trace_event *p = &m->tf->ev[i - 1];
    if (p->kind != WEFT_EV_SCOPE_ENTER || p->line != o->line) return;
    struct m_scope *s = model_scope(m, p->obj);
    if (!s) return;
    s->group = o->id;
    o->scope = s->id;
}

static int add_object(struct model *m, size_t i) {
    const struct trace_event *e = &m->tf->ev[i];
    if (!e->obj) return 0;
    struct m_object *o = model_object(m, e->obj);
    if (o) return 0;
    o = &m->objects[m->nobjects];
    memset(o, 0, sizeof *o);
    o->id = e->obj;
    o->kind = trace_str(m->tf, e->str);
    o->file = trace_str(m->tf, e->file);
    o->line = e->line;
    int rc = weft__idmap_set(&m->object_ix, o->id, (uint32_t)m->nobjects++);
    pair_group(m, o, i);
    return rc;
}

/* What event e changes in the state of tasks and objects. */
static void replay(struct model *m, const struct trace_event *e) {
    struct m_task *t = model_task(m, e->task);
    struct m_object *o = model_object(m, e->obj);
    if (t) t->nevents++;
    switch (e->kind) {
    case WEFT_EV_EXIT:
        if (t) {
            t->exited = true;
            t->result = e->value;
            if (e->value == -ECANCELED) t->cancelled = true;
        }
        break;
    case WEFT_EV_CANCELLED:
        if (t) t->cancelled = true;
        break;
    case WEFT_EV_PARK:
        if (t) m->waits_on[t - m->tasks] = e->obj;
        if (t) m->waits_park[t - m->tasks] = e;
        break;
    case WEFT_EV_WAKE: {
        struct m_task *w = model_task(m, e->obj);
        if (w) m->waits_on[w - m->tasks] = 0;
        if (w && e->aux == WEFT_TRACE_BY_CANCEL) w->cancelled = true;
        break;
    }
    case WEFT_EV_LOCK_ACQUIRE:
        if (o) o->holder = e->task;
        break;
    case WEFT_EV_LOCK_RELEASE:
        if (o) o->holder = 0;
        break;
    case WEFT_EV_SCOPE_CANCEL: {
        struct m_scope *s = model_scope(m, e->obj);
        if (s && !s->reason) {
            s->reason = e->aux;
            s->canceller = e->task;
        }
        break;
    }
    case WEFT_EV_SCOPE_SHIELDED: {
        struct m_scope *s = model_scope(m, e->obj);
        if (s && !s->shielded_from && e->value > 0 && e->value <= UINT32_MAX) {
            s->shielded_from = (uint32_t)e->value;
        }
        break;
    }
    case WEFT_EV_LEAK:
        if (t) t->leaks += e->value > 0 && e->value < 1000000
                               ? (unsigned)e->value : 1;
        break;
    case WEFT_EV_DEADLOCK:
        m->deadlock = true;
        break;
    default:
        break;
    }
}

/* The hosts, from the whole trace (a view may replay only a prefix). */
static void find_hosts(struct model *m) {
    const struct trace_file *tf = m->tf;
    for (size_t i = 0; i < tf->nev; i++) {
        const struct trace_event *e = &tf->ev[i];
        if (e->kind < WEFT_EV_NET_HOST) continue;
        m->net = true;
        if (e->kind == WEFT_EV_NET_HOST && e->aux < MODEL_MAX_HOSTS) {
            m->host_text[e->aux] = trace_str(tf, e->str);
            m->host_super[e->aux] = e->task;
        }
    }
}

unsigned model_task_host(const struct model *m, uint32_t id) {
    for (size_t hops = 0; id && hops < m->ntasks + 1; hops++) {
        for (unsigned h = 1; h < MODEL_MAX_HOSTS; h++) {
            if (m->host_text[h] && m->host_super[h] == id) return h;
        }
        const struct m_task *t = model_task(m, id);
        id = t ? t->parent : 0;
    }
    return 0;
}

const char *model_host_name(const struct model *m, unsigned host, char *buf,
                            size_t n) {
    const char *text = host < MODEL_MAX_HOSTS ? m->host_text[host] : NULL;
    if (host == 0) {
        snprintf(buf, n, "local");
    } else if (!text) {
        snprintf(buf, n, "host %u", host);
    } else {
        snprintf(buf, n, "%.*s", (int)strcspn(text, " "), text);
    }
    return buf;
}

int model_build(struct model *m, const struct trace_file *tf, size_t upto) {
    memset(m, 0, sizeof *m);
    m->tf = tf;
    size_t nt = count(tf, WEFT_EV_SPAWN), ns = count(tf, WEFT_EV_SCOPE_ENTER);
    size_t no = count(tf, WEFT_EV_OBJECT);
    m->tasks = calloc(nt + 1, sizeof *m->tasks);
    m->scopes = calloc(ns + 1, sizeof *m->scopes);
    m->objects = calloc(no + 1, sizeof *m->objects);
    m->waits_on = calloc(nt + 1, sizeof *m->waits_on);
    m->waits_park = calloc(nt + 1, sizeof *m->waits_park);
    int rc = m->tasks && m->scopes && m->objects && m->waits_on &&
                     m->waits_park ? 0 : -ENOMEM;
    /* Every task, scope and object is known whatever the window. */
    for (size_t i = 0; i < tf->nev && !rc; i++) {
        const struct trace_event *e = &tf->ev[i];
        if (e->kind == WEFT_EV_SPAWN) rc = add_task(m, e);
        if (e->kind == WEFT_EV_SCOPE_ENTER) rc = add_scope(m, e);
        if (e->kind == WEFT_EV_OBJECT) rc = add_object(m, i);
    }
    find_hosts(m);
    for (size_t i = 0; i < upto && i < tf->nev && !rc; i++) {
        replay(m, &tf->ev[i]);
    }
    if (rc) model_free(m);
    return rc;
}

void model_free(struct model *m) {
    free(m->tasks);
    free(m->scopes);
    free(m->objects);
    free(m->waits_on);
    free(m->waits_park);
    weft__idmap_fini(&m->task_ix);
    weft__idmap_fini(&m->scope_ix);
    weft__idmap_fini(&m->object_ix);
    memset(m, 0, sizeof *m);
}

bool model_holds(const struct m_task *u, const struct m_object *o) {
    if (!strcmp(o->kind, "lock")) return o->holder && o->holder == u->id;
    if (!strcmp(o->kind, "group")) {
        return o->scope && u->scope == o->scope && !u->exited;
    }
    return false;
}

int model_parse_time(const char *s, int64_t *out) {
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || v < 0) return -1;
    double unit = 1;
    if (!strcmp(end, "us")) {
        unit = 1e3;
    } else if (!strcmp(end, "ms")) {
        unit = 1e6;
    } else if (!strcmp(end, "s")) {
        unit = 1e9;
    } else if (*end && strcmp(end, "ns")) {
        return -1;
    }
    if (v * unit > 9.2e18) return -1;
    *out = (int64_t)(v * unit);
    return 0;
}
