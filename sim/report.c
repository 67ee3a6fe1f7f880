/* sim/report.c: hands a sim run's outcome and decision log to the
 * explorer that started it (see report.h). A child run writes the
 * struct itself followed by its log entries: parent and child are the
 * same program build, so the binary layout matches; the log pointer in
 * the copy is ignored by the reader. */
#include "config.h"

#include "report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

__thread struct weft__run_report *weft__sim_report;

/* The report of a run under weft-explore (WEFT_EXPLORE set). */
static __thread struct weft__run_report own;
/* The report of the run under way, NULL between runs. */
static __thread struct weft__run_report *current;

struct weft__run_report *weft__report_current(void) { return current; }

static void reset(struct weft__run_report *r) {
    r->ran = false;
    r->seed = 0;
    r->strategy[0] = '\0';
    r->rc = 0;
    r->nleaks = 0;
    r->kind = WEFT_FAILURE_NONE;
    r->message[0] = '\0';
    r->log.n = 0;
    r->log.steps = 0;
    r->log_lost = false;
    r->cover.n = 0;
    r->cover.lost = false;
}

bool weft__explore_env(struct weft__explore_env *e) {
    static const char *const keys[] = {"fd=", "steps=", "time=", "req=",
                                       "rsp="};
    uint64_t *fields[] = {NULL, &e->steps, &e->time, NULL, NULL};
    const char *v = getenv("WEFT_EXPLORE");
    memset(e, 0, sizeof *e);
    e->fd = e->req = e->rsp = -1;
    int *fds[] = {&e->fd, NULL, NULL, &e->req, &e->rsp};
    if (!v) return false;
    while (*v) {
        char *end;
        size_t k = 0;
        while (k < 5 && strncmp(v, keys[k], strlen(keys[k]))) k++;
        if (k == 5) return false;
        const char *num = v + strlen(keys[k]);
        errno = 0;
        unsigned long long n = strtoull(num, &end, 10);
        if (errno || end == num || (*end && *end != ',')) return false;
        if (fields[k]) *fields[k] = n;
        if (fds[k]) *fds[k] = n > 1023 ? -1 : (int)n;
        v = *end ? end + 1 : end;
    }
    return true;
}

struct weft__run_report *weft__report_begin(void) {
    struct weft__run_report *r = weft__sim_report;
    if (!r) {
        struct weft__explore_env e;
        if (!weft__explore_env(&e)) {
            current = NULL;
            return NULL;
        }
        r = &own;
        r->fd = e.fd;
        r->step_limit = e.steps;
        r->time_limit = (weft_time)e.time;
    }
    reset(r);
    current = r;
    return r;
}

bool weft__write_all(int fd, const void *p, size_t n) {
    const char *c = p;
    while (n) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return false;
        c += w;
        n -= (size_t)w;
    }
    return true;
}

bool weft__read_all(int fd, void *p, size_t n) {
    char *c = p;
    while (n) {
        ssize_t got = read(fd, c, n);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return false;
        c += got;
        n -= (size_t)got;
    }
    return true;
}

void weft__report_end(struct weft__run_report *r) {
    static bool reported; /* a program reports its first run only */
    current = NULL;
    if (r->fd < 0 || (r == &own && reported)) return;
    if (r == &own) reported = true;
    int saved = errno;
    if (weft__write_all(r->fd, r, sizeof *r)) {
        weft__write_all(r->fd, r->log.d, r->log.n * sizeof *r->log.d);
    }
    errno = saved;
}

int weft__report_read(int fd, struct weft__run_report *r) {
    struct weft__dlog keep = r->log;
    if (!weft__read_all(fd, r, sizeof *r)) {
        r->log = keep;
        return -EIO;
    }
    size_t n = r->log.n;
    uint64_t steps = r->log.steps;
    r->log = keep;
    r->log.n = 0;
    r->log.steps = steps;
    if (n > ((size_t)1 << 26)) return -EIO; /* not a report */
    if (n > r->log.cap) {
        struct weft__decision *d = realloc(r->log.d, n * sizeof *d);
        if (!d) return -ENOMEM;
        r->log.d = d;
        r->log.cap = n;
    }
    if (!weft__read_all(fd, r->log.d, n * sizeof *r->log.d)) return -EIO;
    r->log.n = n;
    return 0;
}
