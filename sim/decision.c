/* sim/decision.c: the decision log of a sim run and its schedule
 * strings (see decision.h for the format). The log keeps its memory
 * across the runs of a campaign, so a run after the first allocates
 * nothing once the log is as long as the longest run so far. */
#include "config.h"

#include "decision.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool weft__dlog_push(struct weft__dlog *log, const struct weft__decision *d) {
    if (log->n == log->cap) {
        size_t cap = log->cap ? log->cap * 2 : 256;
        struct weft__decision *p = realloc(log->d, cap * sizeof *p);
        if (!p) return false;
        log->d = p;
        log->cap = cap;
    }
    log->d[log->n++] = *d;
    return true;
}

void weft__dlog_free(struct weft__dlog *log) {
    free(log->d);
    memset(log, 0, sizeof *log);
}

uint64_t weft__dlog_hash(const struct weft__dlog *log) {
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (size_t i = 0; i < log->n; i++) {
        uint64_t v = (uint64_t)log->d[i].n << 32 | log->d[i].pick;
        for (int b = 0; b < 8; b++) {
            h ^= (v >> (8 * b)) & 0xff;
            h *= UINT64_C(0x100000001b3);
        }
    }
    return h;
}

size_t weft__dlog_preemptions(const struct weft__dlog *log) {
    size_t k = 0;
    for (size_t i = 0; i < log->n; i++) k += log->d[i].preempt;
    return k;
}

int weft__dlog_format(const struct weft__dlog *log, size_t upto, char *buf,
                      size_t n) {
    size_t len = 0;
    if (n == 0) return -ENOSPC;
    buf[0] = '\0';
    if (upto > log->n) upto = log->n;
    for (size_t i = 0; i < upto; i++) {
        uint32_t off = weft__decision_offset(&log->d[i]);
        if (off == 0) continue;
        int w = snprintf(buf + len, n - len, "%s%zu.%u", len ? "," : "", i,
                         (unsigned)off);
        if (w < 0 || (size_t)w >= n - len) return -ENOSPC;
        len += (size_t)w;
    }
    return 0;
}

/* Reads one decimal number at *s; 0 or -EINVAL. */
static int read_number(const char **s, uint64_t *out) {
    const char *p = *s;
    if (*p < '0' || *p > '9') return -EINVAL;
    uint64_t v = 0;
    while (*p >= '0' && *p <= '9') {
        if (v > (UINT64_MAX - 9) / 10) return -EINVAL;
        v = v * 10 + (uint64_t)(*p++ - '0');
    }
    *s = p;
    *out = v;
    return 0;
}

/* Reads "step.offset" or "fstep.offset" at *s into pr, after the pairs
 * before it (last[0]: the last step pair, last[1]: the last fault pair,
 * NULL: none yet). 0 or -EINVAL. */
static int read_pair(const char **s, const struct weft__sched_pair *last[2],
                     struct weft__sched_pair *pr) {
    uint64_t step, off;
    pr->fault = **s == 'f';
    *s += pr->fault;
    if (read_number(s, &step) || **s != '.') return -EINVAL;
    (*s)++;
    if (read_number(s, &off) || off == 0 || off > UINT32_MAX) return -EINVAL;
    const struct weft__sched_pair *prev = last[pr->fault];
    if (prev && step <= prev->step) return -EINVAL;
    pr->step = step;
    pr->offset = (uint32_t)off;
    last[pr->fault] = pr;
    return 0;
}

int weft__sched_parse(const char *s, struct weft__sched_pair **pairs,
                      size_t *npairs) {
    size_t cap = 1;
    for (const char *p = s; *p; p++) cap += *p == ',';
    struct weft__sched_pair *v = calloc(cap, sizeof *v);
    if (!v) return -ENOMEM;
    size_t k = 0;
    const struct weft__sched_pair *last[2] = {NULL, NULL};
    while (*s) {
        if (read_pair(&s, last, &v[k]) ||
            (*s && (*s++ != ',' || !*s))) {
            free(v);
            return -EINVAL;
        }
        k++;
    }
    *pairs = v;
    *npairs = k;
    return 0;
}
