/* sim/ci.c: weft-explore's CI options (ci.h): parsing them, the corpus
 * replayed before the campaign, each failure saved and kept for the
 * JUnit report, and at the end the cover marks, the sets a shard's
 * merge needs and the report. A required coverage mark that no run
 * reached fails the campaign (exit 1) even when every run passed: the
 * test did not prove it reached its rare path. */
#include "config.h"

#include "ci.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "corpus.h"
#include "explore.h"
#include "explore_cli.h"
#include "failfile.h"
#include "junit.h"

#define MAX_KEPT 32 /* failures a JUnit report lists */

/* The failures of this campaign (the corpus's included), for --junit. */
static struct {
    weft_explore_failure fail[MAX_KEPT];
    size_t n;
    double start;
} kept;

static int bad(const char *opt, const char *value, const char *want) {
    fprintf(stderr, "weft-explore: %s '%s' is not valid: %s\n"
                    "Try 'weft-explore --help'.\n", opt, value, want);
    return 2;
}

/* "--opt V" or "--opt=V" at argv[*i]: the value, or NULL. */
static const char *value(int argc, char **argv, int *i, const char *opt,
                         int *rc) {
    size_t n = strlen(opt);
    const char *a = argv[*i];
    if (strncmp(a, opt, n) || (a[n] && a[n] != '=')) return NULL;
    if (a[n] == '=') return a + n + 1;
    if (*i + 1 >= argc) {
        *rc = bad(opt, "", "it needs a value");
        return NULL;
    }
    return argv[++*i];
}

/* --replay-file FILE: one run, with the file's strategy and seed. */
static int replay_file(struct weft__cli *c, const char *path) {
    weft_explore_failure x;
    int rc = weft__failfile_read(path, &x);
    if (rc) {
        return bad("--replay-file", path, rc == -EINVAL
                   ? "no strategy= line, or a bad seed= line"
                   : strerror(-rc));
    }
    snprintf(c->ci.replay, sizeof c->ci.replay, "%s", x.strategy);
    c->strategy = c->ci.replay;
    c->first = x.seed;
    c->count = 1;
    c->count_given = true;
    return 0;
}

void weft__ci_init(struct weft__ci *ci) {
    memset(ci, 0, sizeof *ci);
    ci->shard_n = 1;
}

/* "K/N", 1 <= K <= N. */
static int shard(struct weft__ci *ci, const char *v) {
    unsigned long long k, n;
    int used = 0;
    if (sscanf(v, "%llu/%llu%n", &k, &n, &used) != 2 || v[used] ||
        *v == '-' || !strchr(v, '/') || k < 1 || k > n || n > 1000000) {
        return bad("--shard", v, "K/N with 1 <= K <= N <= 1000000");
    }
    ci->shard_given = true;
    ci->shard_k = k - 1;
    ci->shard_n = n;
    return 0;
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int weft__ci_option(struct weft__cli *c, int argc, char **argv, int *i) {
    struct weft__ci *ci = &c->ci;
    int rc = 0;
    const char *v;
    if ((v = value(argc, argv, i, "--require-cover", &rc))) {
        if (!*v) return bad("--require-cover", v, "a label");
        if (ci->nrequire == WEFT__CI_MAX_REQUIRE) {
            return bad("--require-cover", v, "at most 16 labels");
        }
        ci->require[ci->nrequire++] = v;
        return 0;
    }
    if ((v = value(argc, argv, i, "--replay-file", &rc))) {
        return replay_file(c, v);
    }
    if ((v = value(argc, argv, i, "--corpus", &rc))) {
        if (!*v) return bad("--corpus", v, "a directory");
        ci->corpus = v;
        return 0;
    }
    if ((v = value(argc, argv, i, "--shard", &rc))) return shard(ci, v);
    if ((v = value(argc, argv, i, "--junit", &rc))) {
        if (!*v) return bad("--junit", v, "a file name");
        ci->junit = v;
        return 0;
    }
    return rc ? rc : 1;
}

int weft__ci_start(const struct weft__cli *c) {
    kept.start = now_s();
    if (c->ci.shard_n > 1 && c->one_seed) {
        return bad("--shard", "K/N", "dfs runs its schedules in order: "
                   "one shard");
    }
    return weft__corpus_replay(c);
}

void weft__ci_failure(const struct weft__cli *c,
                      const weft_explore_failure *x) {
    if (kept.n < MAX_KEPT) kept.fail[kept.n++] = *x;
    int rc = c->ci.corpus ? weft__corpus_save(c->ci.corpus, x) : 0;
    if (rc) {
        fprintf(stderr, "weft-explore: cannot save the failure in %s: %s\n",
                c->ci.corpus, strerror(-rc));
    }
}

/* The sets of distinct schedules and outcomes, for merge: one JSON
 * line of hex hashes (the tally's open-addressing tables, 0 empty). */
static void print_sets(const struct weft__tally *t) {
    const uint64_t *v[] = {t->sched, t->outc};
    size_t cap[] = {t->capsched, t->capoutc};
    printf("{\"event\":\"sets\"");
    for (int s = 0; s < 2; s++) {
        printf(",\"%s\":[", s ? "outcomes" : "schedules");
        const char *sep = "";
        for (size_t i = 0; i < cap[s]; i++) {
            if (!v[s][i]) continue;
            printf("%s\"%016llx\"", sep, (unsigned long long)v[s][i]);
            sep = ",";
        }
        putchar(']');
    }
    printf("}\n");
}

static void write_junit(const struct weft__cli *c, const struct weft__tally *t,
                        const char *const *missing, size_t nmissing) {
    char name[1400], summary[200];
    snprintf(name, sizeof name, "%s [%s, seeds %llu..%llu, shard %llu/%llu]",
             c->command, c->strategy, (unsigned long long)c->first,
             (unsigned long long)(c->first + c->count - 1),
             (unsigned long long)c->ci.shard_k + 1,
             (unsigned long long)c->ci.shard_n);
    snprintf(summary, sizeof summary, "%llu run(s), %llu failed; %zu "
             "distinct schedule(s), %zu distinct outcome(s)\n",
             (unsigned long long)t->runs, (unsigned long long)t->failures,
             t->nsched, t->noutc);
    struct weft__junit j = {
        .name = name, .program = c->command, .summary = summary,
        .seconds = now_s() - kept.start, .fail = kept.fail,
        .nfail = kept.n, .missing = missing, .nmissing = nmissing};
    int rc = weft__junit_write(c->ci.junit, &j);
    if (rc) fprintf(stderr, "weft-explore: cannot write %s: %s\n",
                    c->ci.junit, strerror(-rc));
}

int weft__ci_finish(const struct weft__cli *c, const struct weft__tally *t,
                    int rc) {
    const struct weft__ci *ci = &c->ci;
    const char *missing[WEFT__CI_MAX_REQUIRE];
    size_t nmissing = 0;
    weft__cover_print(stdout, &t->cover, c->json);
    if (c->json && ci->shard_given) print_sets(t);
    for (unsigned k = 0; k < ci->nrequire; k++) {
        if (weft__cover_find(&t->cover, ci->require[k])) continue;
        fprintf(stderr, "weft-explore: no run reached the cover mark '%s' "
                        "(--require-cover)\n", ci->require[k]);
        missing[nmissing++] = ci->require[k];
        rc = 1;
    }
    if (ci->junit) write_junit(c, t, missing, nmissing);
    return rc;
}
