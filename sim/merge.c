/* sim/merge.c: weft-explore merge [--json] FILES..., the summary of a
 * campaign run as shards (--shard K/N --json, one file each) as one run
 * over the same seeds prints it: runs and failures add up, the distinct
 * schedules and outcomes are the sizes of the unions of the shards'
 * sets (their "sets" lines), cover marks add up, and the failures are
 * printed once each, in seed order, as one worker finds them. It reads
 * only the JSON lines weft-explore writes: flat objects, one a line. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ci.h"
#include "explore.h"

struct failure {
    uint64_t seed;
    char line[4096]; /* the text a run prints for it */
};

struct merged {
    struct weft__tally t;
    uint64_t *hash[2]; /* schedules, outcomes (all, duplicates kept) */
    size_t nhash[2], caphash[2];
    struct failure *fail;
    size_t nfail, capfail;
    char strategy[512];
    double seconds;
    bool sets; /* a "sets" line was seen */
};

/* The string value of "key" in line, unescaped into buf; false if none. */
static bool str(const char *line, const char *key, char *buf, size_t n) {
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":\"", key);
    const char *p = strstr(line, pat);
    if (!p || !n) return false;
    size_t k = 0;
    for (p += strlen(pat); *p && *p != '"' && k + 1 < n; p++) {
        if (*p == '\\' && p[1] == 'u' && p[2]) {
            buf[k++] = (char)strtol((char[]){p[4], p[5], 0}, NULL, 16);
            p += 5;
        } else {
            if (*p == '\\' && p[1]) p++;
            buf[k++] = *p;
        }
    }
    buf[k] = '\0';
    return true;
}

static uint64_t num(const char *line, const char *key) {
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(line, pat);
    return p ? strtoull(p + strlen(pat), NULL, 10) : 0;
}

static bool push(void **v, size_t *n, size_t *cap, size_t size) {
    if (*n < *cap) return true;
    size_t c = *cap ? 2 * *cap : 256;
    void *w = realloc(*v, c * size);
    if (!w) return false;
    *v = w;
    *cap = c;
    return true;
}

/* The hex strings of the array "key":[...] into set s. */
static bool hashes(struct merged *m, const char *line, const char *key,
                   int s) {
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":[", key);
    const char *p = strstr(line, pat);
    if (!p) return false;
    for (p += strlen(pat); *p == '"' || *p == ','; p++) {
        if (*p != '"') continue;
        char *end;
        uint64_t h = strtoull(p + 1, &end, 16);
        if (!push((void **)&m->hash[s], &m->nhash[s], &m->caphash[s],
                  sizeof h)) {
            return false;
        }
        m->hash[s][m->nhash[s]++] = h;
        p = end;
    }
    return true;
}

static bool failure(struct merged *m, const char *line) {
    char strategy[512], kind[32], message[256], replay[1200], shrunk[1200];
    if (!push((void **)&m->fail, &m->nfail, &m->capfail, sizeof *m->fail)) {
        return false;
    }
    struct failure *f = &m->fail[m->nfail++];
    f->seed = num(line, "seed");
    str(line, "strategy", strategy, sizeof strategy);
    str(line, "kind", kind, sizeof kind);
    str(line, "message", message, sizeof message);
    str(line, "replay", replay, sizeof replay);
    int w = snprintf(f->line, sizeof f->line, "FAIL seed=%llu strategy=%s "
                     "kind=%s: %s\n  replay: %s\n",
                     (unsigned long long)f->seed, strategy, kind, message,
                     replay);
    if (str(line, "shrunk", shrunk, sizeof shrunk) && w > 0 &&
        (size_t)w < sizeof f->line) {
        uint64_t p = num(line, "preemptions");
        snprintf(f->line + w, sizeof f->line - (size_t)w,
                 "  shrunk (%llu preemption%s): %s\n",
                 (unsigned long long)p, p == 1 ? "" : "s", shrunk);
    }
    return true;
}

static bool line_in(struct merged *m, const char *line) {
    char event[32], label[WEFT__COVER_LABEL];
    if (!str(line, "event", event, sizeof event)) return true;
    if (!strcmp(event, "summary")) {
        m->t.runs += num(line, "runs");
        m->t.failures += num(line, "failures");
        m->t.complete |= strstr(line, "\"complete\":true") != NULL;
        str(line, "strategy", m->strategy, sizeof m->strategy);
        const char *s = strstr(line, "\"seconds\":");
        if (s) m->seconds += strtod(s + 10, NULL);
    } else if (!strcmp(event, "failure")) {
        return failure(m, line);
    } else if (!strcmp(event, "cover") && str(line, "label", label,
                                              sizeof label)) {
        weft__cover_add(&m->t.cover, label, num(line, "runs"),
                        num(line, "hits"));
    } else if (!strcmp(event, "sets")) {
        m->sets = true;
        return hashes(m, line, "schedules", 0) &&
               hashes(m, line, "outcomes", 1);
    }
    return true;
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* By seed, then text: the same failure printed by several shards (a
 * corpus replayed by each) comes together and is printed once. */
static int cmp_fail(const void *a, const void *b) {
    const struct failure *x = a, *y = b;
    int c = cmp_u64(&x->seed, &y->seed);
    return c ? c : strcmp(x->line, y->line);
}

static size_t distinct(uint64_t *v, size_t n) {
    if (!n) return 0;
    qsort(v, n, sizeof *v, cmp_u64);
    size_t k = 1;
    for (size_t i = 1; i < n; i++) k += v[i] != v[i - 1];
    return k;
}

static int read_file(struct merged *m, const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "weft-explore merge: %s: %s\n", path,
                strerror(errno));
        return 2;
    }
    m->sets = false;
    static char line[1 << 20]; /* a "sets" line of 30,000 runs */
    bool ok = true;
    while (ok && fgets(line, sizeof line, f)) ok = line_in(m, line);
    fclose(f);
    if (!ok || !m->sets) {
        fprintf(stderr, "weft-explore merge: %s: %s\n", path, ok
                ? "no sets line: run each shard with --shard K/N --json"
                : "out of memory");
        return 2;
    }
    return 0;
}

int weft__merge_main(int argc, char **argv) {
    bool json = argc > 0 && !strcmp(argv[0], "--json");
    if (json) argc--, argv++;
    if (argc < 1) {
        fputs("usage: weft-explore merge [--json] FILES...\n", stderr);
        return 2;
    }
    struct merged m;
    memset(&m, 0, sizeof m);
    int rc = 0;
    for (int i = 0; i < argc && !rc; i++) rc = read_file(&m, argv[i]);
    if (!rc) {
        qsort(m.fail, m.nfail, sizeof *m.fail, cmp_fail);
        for (size_t i = 0; i < m.nfail && !json; i++) {
            if (i && !cmp_fail(&m.fail[i], &m.fail[i - 1])) continue;
            fputs(m.fail[i].line, stdout);
        }
        m.t.nsched = distinct(m.hash[0], m.nhash[0]);
        m.t.noutc = distinct(m.hash[1], m.nhash[1]);
        weft__print_summary(stdout, &m.t, m.strategy, "", m.seconds, json);
        weft__cover_print(stdout, &m.t.cover, json);
        rc = m.t.failures ? 1 : 0;
    }
    free(m.hash[0]);
    free(m.hash[1]);
    free(m.fail);
    return rc;
}
