/* trace/diff.c: `weft-trace diff A B`: the first event where two traces
 * diverge, with the events before it as context. The header's wall-clock
 * field is skipped; so is every record's byte offset. Exit status: 0 the
 * same, 1 different. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "views.h"

#define CONTEXT 5

static bool same_event(const struct trace_file *a,
                       const struct trace_event *x,
                       const struct trace_file *b,
                       const struct trace_event *y) {
    return x->time == y->time && x->task == y->task && x->kind == y->kind &&
           x->aux == y->aux && x->obj == y->obj && x->line == y->line &&
           x->value == y->value &&
           !strcmp(trace_str(a, x->str), trace_str(b, y->str)) &&
           !strcmp(trace_str(a, x->file), trace_str(b, y->file));
}

static int header_differs(const struct trace_file *a,
                          const struct trace_file *b) {
    if (a->sim != b->sim || a->seed != b->seed ||
        strcmp(trace_str(a, a->strategy), trace_str(b, b->strategy))) {
        printf("the runs differ: %s seed %llu strategy %s vs %s seed %llu "
               "strategy %s\n", a->sim ? "sim" : "real",
               (unsigned long long)a->seed, trace_str(a, a->strategy),
               b->sim ? "sim" : "real", (unsigned long long)b->seed,
               trace_str(b, b->strategy));
        return 1;
    }
    return 0;
}

int view_diff(const struct trace_file *a, const struct trace_file *b) {
    struct model ma, mb;
    if (model_build(&ma, a, 0)) return 2;
    if (model_build(&mb, b, 0)) {
        model_free(&ma);
        return 2;
    }
    int differs = header_differs(a, b);
    size_t n = a->nev < b->nev ? a->nev : b->nev, i = 0;
    while (i < n && same_event(a, &a->ev[i], b, &b->ev[i])) i++;
    char line[600];
    if (i < n || a->nev != b->nev) {
        differs = 1;
        printf("the traces diverge at event %zu:\n", i);
        for (size_t k = i > CONTEXT ? i - CONTEXT : 0; k < i; k++) {
            view_describe(&ma, &a->ev[k], line, sizeof line);
            printf("  #%-6zu %s\n", k, line);
        }
        if (i < a->nev) {
            view_describe(&ma, &a->ev[i], line, sizeof line);
            printf("- #%-6zu %s\n", i, line);
        } else {
            printf("- (A ends here)\n");
        }
        if (i < b->nev) {
            view_describe(&mb, &b->ev[i], line, sizeof line);
            printf("+ #%-6zu %s\n", i, line);
        } else {
            printf("+ (B ends here)\n");
        }
    } else if (!differs) {
        printf("the traces are the same (%zu events)\n", n);
    }
    model_free(&ma);
    model_free(&mb);
    return differs;
}
