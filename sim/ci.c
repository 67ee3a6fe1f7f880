/* sim/ci.c: weft-explore's CI options (ci.h): parsing them, and what
 * they do at the end of a campaign. A required coverage mark that no run
 * reached fails the campaign (exit 1) even when every run passed: the
 * test did not prove it reached its rare path. */
#include "config.h"

#include "ci.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "corpus.h"
#include "explore.h"
#include "explore_cli.h"
#include "failfile.h"

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
    return rc ? rc : 1;
}

int weft__ci_start(const struct weft__cli *c) {
    return weft__corpus_replay(c);
}

void weft__ci_failure(const struct weft__cli *c,
                      const weft_explore_failure *x) {
    int rc = c->ci.corpus ? weft__corpus_save(c->ci.corpus, x) : 0;
    if (rc) {
        fprintf(stderr, "weft-explore: cannot save the failure in %s: %s\n",
                c->ci.corpus, strerror(-rc));
    }
}

int weft__ci_finish(const struct weft__cli *c, const struct weft__tally *t,
                    int rc) {
    const struct weft__ci *ci = &c->ci;
    weft__cover_print(stdout, &t->cover, c->json);
    for (unsigned k = 0; k < ci->nrequire; k++) {
        if (weft__cover_find(&t->cover, ci->require[k])) continue;
        fprintf(stderr, "weft-explore: no run reached the cover mark '%s' "
                        "(--require-cover)\n", ci->require[k]);
        rc = 1;
    }
    return rc;
}
