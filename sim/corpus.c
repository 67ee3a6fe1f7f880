/* sim/corpus.c: the failure corpus of --corpus DIR (corpus.h). A saved
 * failure is named by its kind and a hash of its schedule and seed, so
 * the same failure found again overwrites its own file and a directory
 * checked into a project's tree changes only when a new one is found.
 * Replays run in the program's fork server, like a campaign's runs. */
#include "config.h"

#include "corpus.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "explore.h"
#include "explore_cli.h"
#include "failfile.h"

int weft__corpus_save(const char *dir, const weft_explore_failure *x) {
    if (mkdir(dir, 0777) && errno != EEXIST) return -errno;
    const char *s = x->shrunk[0] ? x->shrunk : x->strategy;
    uint64_t h = UINT64_C(0xcbf29ce484222325) ^ x->seed;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * UINT64_C(0x100000001b3);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s-%016llx.replay", dir,
             weft_failure_name(x->kind), (unsigned long long)h);
    return weft__failfile_write(path, x);
}

static int by_name(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.replay names of dir, sorted; NULL with *n 0 when none. */
static char **list(DIR *d, size_t *n) {
    char **v = NULL;
    size_t cap = 0;
    struct dirent *e;
    *n = 0;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 8 || strcmp(e->d_name + len - 7, ".replay")) continue;
        if (*n == cap) {
            char **w = realloc(v, (cap = cap ? 2 * cap : 16) * sizeof *v);
            if (!w) break;
            v = w;
        }
        if (!(v[*n] = strdup(e->d_name))) break;
        ++*n;
    }
    if (*n) qsort(v, *n, sizeof *v, by_name);
    return v;
}

/* Replays one file: 1 still fails, 0 passes, 2 an error. */
static int replay_one(const struct weft__cli *cli, struct weft__served *sv,
                      const char *dir, const char *name) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    weft_explore_failure x;
    struct weft__campaign camp;
    memset(&camp, 0, sizeof camp);
    if (weft__failfile_read(path, &x) ||
        weft__campaign_init(&camp, x.strategy)) {
        fprintf(stderr, "weft-explore: corpus file %s: not a failure file "
                        "with a valid strategy\n", path);
        return 2;
    }
    camp.program = cli->command;
    camp.runner.run = weft__served_run;
    camp.runner.ctx = sv;
    struct weft__record rec;
    weft__campaign_step(&camp, x.seed, &rec);
    weft__campaign_fini(&camp);
    int still = rec.fail.kind != WEFT_FAILURE_NONE;
    if (cli->json) {
        printf("{\"event\":\"corpus\",\"file\":\"%s\",\"still_fails\":%s}\n",
               name, still ? "true" : "false");
    } else {
        printf("corpus: %s %s\n", name, still ? "still fails" : "passes now");
    }
    if (still) {
        weft__print_failure(stdout, &rec.fail, cli->command, cli->json);
        weft__ci_failure(cli, &rec.fail);
    }
    return rec.error ? 2 : still;
}

int weft__corpus_replay(const struct weft__cli *cli) {
    const char *dir = cli->ci.corpus;
    DIR *d = dir ? opendir(dir) : NULL;
    if (!d) return 0; /* none yet: the campaign makes it */
    size_t n;
    char **names = list(d, &n);
    closedir(d);
    struct weft__served sv = {.cli = cli};
    size_t failing = 0;
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        int r = replay_one(cli, &sv, dir, names[i]);
        failing += r == 1;
        if (r > rc) rc = r;
        free(names[i]);
    }
    free(names);
    weft__served_stop(&sv);
    if (!cli->json) {
        printf("corpus: %zu replayed from %s, %zu still fail\n", n, dir,
               failing);
    }
    fflush(stdout);
    return rc;
}
