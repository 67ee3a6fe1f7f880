/* trace/dump.c: `weft-trace dump`: one line per event, with task names
 * and sites, filtered by task and time window; and the one-line
 * description of an event that diff and the pictures share. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "views.h"

bool view_selects(const struct opts *o, const struct model *m,
                  const struct trace_event *e) {
    if (e->time < o->from || e->time > o->to) return false;
    if (!o->task) return true;
    const struct m_task *t = model_task(m, e->task);
    const struct m_task *u = model_task(m, e->obj);
    bool obj_is_task = e->kind == WEFT_EV_SPAWN || e->kind == WEFT_EV_WAKE ||
                       e->kind == WEFT_EV_SWITCH;
    return (t && !strcmp(t->name, o->task)) ||
           (obj_is_task && u && !strcmp(u->name, o->task));
}

static const char *cause_name(unsigned aux) {
    static const char *const names[] = {"task", "timer", "thread", "cancel"};
    return aux < 4 ? names[aux] : "?";
}

static const char *reason_name(unsigned aux) {
    static const char *const names[] = {"?", "explicit", "deadline",
                                        "sibling error", "parent"};
    return aux < 5 ? names[aux] : "?";
}

/* " obj 3 (lock at f.c:12)" for an object id. */
static void object_text(const struct model *m, uint32_t id, char *buf,
                        size_t n) {
    const struct m_object *o = model_object(m, id);
    if (!o) {
        snprintf(buf, n, "object %u", id);
    } else if (o->file[0]) {
        snprintf(buf, n, "%s %u (created at %s:%u)", o->kind, id, o->file,
                 o->line);
    } else {
        snprintf(buf, n, "%s %u", o->kind, id);
    }
}

/* The details of the events about tasks; false for other kinds. */
static bool task_details(const struct model *m, const struct trace_event *e,
                         char *buf, size_t n) {
    const char *file = trace_str(m->tf, e->file);
    char b[96];
    switch (e->kind) {
    case WEFT_EV_RUN_END: case WEFT_EV_EXIT:
        snprintf(buf, n, "result %" PRId64, e->value);
        return true;
    case WEFT_EV_SPAWN:
        model_task_label(m, e->obj, b, sizeof b);
        if (file[0]) {
            snprintf(buf, n, "%s in scope %" PRId64 " (group at %s:%u)", b,
                     e->value, file, e->line);
        } else {
            snprintf(buf, n, "%s", b);
        }
        return true;
    case WEFT_EV_SWITCH:
        snprintf(buf, n, "from %s", model_task_label(m, e->obj, b, sizeof b));
        return true;
    case WEFT_EV_WAKE:
        snprintf(buf, n, "%s by %s, result %" PRId64,
                 model_task_label(m, e->obj, b, sizeof b),
                 cause_name(e->aux), e->value);
        return true;
    case WEFT_EV_START: case WEFT_EV_CANCELLED:
        return true;
    default:
        return false;
    }
}

/* A wait: what the task waits in and on, and (at a deadlock) who holds it. */
static void wait_details(const struct model *m, const struct trace_event *e,
                         char *buf, size_t n) {
    char a[160], b[96];
    object_text(m, e->obj, a, sizeof a);
    snprintf(buf, n, "in %s%s%s", trace_str(m->tf, e->str),
             e->obj ? " on " : "", e->obj ? a : "");
    if (e->kind == WEFT_EV_PARK && e->file != TRACE_NONE) {
        size_t k = strlen(buf);
        snprintf(buf + k, n - k, ", called at %s:%u",
                 trace_str(m->tf, e->file), e->line);
    }
    if (e->kind == WEFT_EV_WAITS_FOR && e->value) {
        size_t k = strlen(buf);
        snprintf(buf + k, n - k, ", held by %s",
                 model_task_label(m, (uint32_t)e->value, b, sizeof b));
    }
}

/* The kind-specific part of an event's line. */
static void details(const struct model *m, const struct trace_event *e,
                    char *buf, size_t n) {
    const struct trace_file *tf = m->tf;
    const char *s = trace_str(tf, e->str), *file = trace_str(tf, e->file);
    buf[0] = '\0';
    if (task_details(m, e, buf, n)) return;
    if (view_net_kind(e->kind)) {
        view_net_describe(m, e, buf, n);
        return;
    }
    switch (e->kind) {
    case WEFT_EV_OBJECT:
        snprintf(buf, n, "%s %u created at %s:%u", s, e->obj, file, e->line);
        break;
    case WEFT_EV_PARK: case WEFT_EV_WAITS_FOR:
        wait_details(m, e, buf, n);
        break;
    case WEFT_EV_SCOPE_ENTER:
        snprintf(buf, n, "scope %u%s%s at %s:%u", e->obj,
                 e->aux & WEFT_TRACE_SCOPE_GROUP ? " (group)" : "",
                 e->aux & WEFT_TRACE_SCOPE_SHIELD ? " (shield)" : "", file,
                 e->line);
        break;
    case WEFT_EV_SCOPE_EXIT: case WEFT_EV_SCOPE_CANCEL:
        snprintf(buf, n, "scope %u%s%s", e->obj,
                 e->kind == WEFT_EV_SCOPE_CANCEL ? ", reason: " : "",
                 e->kind == WEFT_EV_SCOPE_CANCEL ? reason_name(e->aux) : "");
        break;
    case WEFT_EV_SCOPE_SHIELDED:
        snprintf(buf, n, "scope %u shielded from scope %" PRId64
                 "'s cancellation, reason: %s", e->obj, e->value,
                 reason_name(e->aux));
        break;
    case WEFT_EV_TIMER:
        snprintf(buf, n, "deadline %" PRId64 " ns", e->value);
        break;
    case WEFT_EV_LEAK: case WEFT_EV_ASSERT: case WEFT_EV_MISUSE:
        snprintf(buf, n, "%s%s (%s:%u)",
                 e->kind == WEFT_EV_LEAK ? "leaked " : "", s, file, e->line);
        break;
    case WEFT_EV_DEADLOCK:
        snprintf(buf, n, "%" PRId64 " task(s) blocked", e->value);
        break;
    case WEFT_EV_NOTE:
        snprintf(buf, n, "%s\"%s\"", e->aux == 1 ? "schedule point " : "", s);
        break;
    default:
        object_text(m, e->obj, buf, n);
        break;
    }
}

void view_describe(const struct model *m, const struct trace_event *e,
                   char *buf, size_t n) {
    char who[96], what[400];
    details(m, e, what, sizeof what);
    snprintf(buf, n, "%12.3f us  %-16s %-15s %s", (double)e->time / 1e3,
             model_task_label(m, e->task, who, sizeof who),
             trace_kind_name(e->kind), what);
}

static void print_header(const struct trace_file *tf, FILE *f) {
    fprintf(f, "# weft trace v%u, backend %s", tf->version,
            tf->sim ? "sim" : "real");
    if (tf->sim) {
        fprintf(f, ", seed %" PRIu64 ", strategy %s", tf->seed,
                trace_str(tf, tf->strategy));
    }
    fprintf(f, ", %zu events%s\n", tf->nev,
            tf->complete ? "" : " (incomplete)");
}

int view_dump(const struct trace_file *tf, const struct opts *o) {
    struct model m;
    if (model_build(&m, tf, 0)) {
        fprintf(stderr, "weft-trace: out of memory\n");
        return 1;
    }
    FILE *f = o->out ? fopen(o->out, "w") : stdout;
    if (!f) {
        fprintf(stderr, "weft-trace: %s: %s\n", o->out, strerror(errno));
        model_free(&m);
        return 1;
    }
    print_header(tf, f);
    char line[600];
    for (size_t i = 0; i < tf->nev; i++) {
        if (!view_selects(o, &m, &tf->ev[i])) continue;
        view_describe(&m, &tf->ev[i], line, sizeof line);
        fprintf(f, "#%-6zu %s\n", i, line);
    }
    if (tf->note[0]) fprintf(f, "# %s\n", tf->note);
    int rc = ferror(f) ? 1 : 0;
    if (f != stdout) rc |= fclose(f) != 0;
    model_free(&m);
    return rc;
}
