/* trace/render.c: the graph views write DOT text into a growing buffer;
 * this turns it into the output: the text itself for -T dot, else a
 * picture laid out and rendered by Graphviz's libraries (cgraph reads
 * the text, gvc lays it out and renders it), never by running `dot`.
 * Built without Graphviz, pictures fail with a plain message. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "views.h"

#if HAVE_GRAPHVIZ
#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>
#endif

static void reserve(struct dot *d, size_t more) {
    if (d->oom || d->len + more + 1 <= d->cap) return;
    size_t cap = d->cap ? d->cap : 4096;
    while (cap < d->len + more + 1) cap *= 2;
    char *p = realloc(d->buf, cap);
    if (!p) {
        d->oom = true;
        return;
    }
    d->buf = p;
    d->cap = cap;
}

void dot_printf(struct dot *d, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    reserve(d, (size_t)n);
    if (d->oom) return;
    va_start(ap, fmt);
    vsnprintf(d->buf + d->len, d->cap - d->len, fmt, ap);
    va_end(ap);
    d->len += (size_t)n;
}

void dot_quote(struct dot *d, const char *s) {
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            dot_printf(d, "\\%c", c);
        } else if (c == '\n') {
            dot_printf(d, "\\n");
        } else if (c < 0x20) {
            dot_printf(d, " ");
        } else {
            dot_printf(d, "%c", c);
        }
    }
}

static int write_text(const struct dot *d, const char *path) {
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "weft-trace: %s: %s\n", path, strerror(errno));
        return 1;
    }
    fwrite(d->buf, 1, d->len, f);
    int bad = ferror(f) | (fclose(f) != 0);
    if (bad) fprintf(stderr, "weft-trace: %s: write failed\n", path);
    return bad ? 1 : 0;
}

#if HAVE_GRAPHVIZ
static int render(const struct dot *d, const char *path, const char *format,
                  const char *layout) {
    GVC_t *gvc = gvContext();
    Agraph_t *g = agmemread(d->buf);
    int rc = 1;
    if (!g) {
        fprintf(stderr, "weft-trace: internal error: the graph's DOT text "
                        "did not parse\n");
    } else if (gvLayout(gvc, g, layout) != 0) {
        fprintf(stderr, "weft-trace: Graphviz could not lay out the graph\n");
    } else {
        rc = gvRenderFilename(gvc, g, format, path) != 0;
        if (rc) {
            fprintf(stderr, "weft-trace: Graphviz could not render %s as "
                            "%s\n", path, format);
        }
        gvFreeLayout(gvc, g);
    }
    if (g) agclose(g);
    gvFreeContext(gvc);
    return rc;
}
#endif

int dot_render(struct dot *d, const struct opts *o, const char *layout) {
    int rc = 1;
    if (d->oom) {
        fprintf(stderr, "weft-trace: out of memory building the graph\n");
    } else if (!strcmp(o->format, "dot")) {
        rc = write_text(d, o->out);
    } else {
#if HAVE_GRAPHVIZ
        rc = render(d, o->out, o->format, layout);
#else
        (void)layout;
        fprintf(stderr, "weft-trace: pictures (svg, png, pdf) need "
                        "Graphviz, and this weft-trace was built without it "
                        "(install libgraphviz-dev, then rerun configure and "
                        "make); -T dot writes the graph as DOT text\n");
#endif
    }
    free(d->buf);
    d->buf = NULL;
    return rc;
}
