/* src/misuse.c: the two ways weft stops a program: API misuse (a message
 * naming the object and its site) and a broken internal invariant. Both
 * print one line and abort; under sim the line carries seed and step. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "common.h"
#include "fork.h"
#include "sched.h"
#include "trace.h"

void weft__describe_run(char *buf, size_t n) {
    const struct weft__rt *rt = weft__rt_current();
    if (!rt || !rt->backend->sched_points) {
        buf[0] = '\0';
        return;
    }
    snprintf(buf, n, " [backend=sim seed=%llu step=%llu]",
             (unsigned long long)rt->cfg->seed,
             (unsigned long long)rt->steps);
}

void weft__misuse(const void *obj, const char *site_file, int site_line,
                  const char *fmt, ...) {
    char run[128];
    weft__describe_run(run, sizeof run);
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    weft__trace_abort(WEFT_EV_MISUSE, msg, site_file, site_line);
    fprintf(stderr, "weft: misuse: %s", msg);
    if (obj) fprintf(stderr, " (object %p", obj);
    if (obj && site_file) fprintf(stderr, " created at %s:%d", site_file, site_line);
    if (obj) fputc(')', stderr);
    if (!weft__rt_current() && weft__fork_inherited()) {
        fputs(" [in a process forked inside a weft task: it must not use "
              "its parent's runtime; it may exec, _exit, or call weft_run "
              "for a runtime of its own]", stderr);
    }
    fprintf(stderr, "%s\n", run);
    abort();
}

void weft__assert_fail(const char *expr, const char *file, int line) {
    char run[128];
    weft__describe_run(run, sizeof run);
    fprintf(stderr, "weft: internal error: assertion '%s' failed at %s:%d%s\n",
            expr, file, line, run);
    weft__trace_abort(WEFT_EV_ASSERT, expr, file, line);
    abort();
}
