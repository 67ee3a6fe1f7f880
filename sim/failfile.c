/* sim/failfile.c: reads and writes the failure files of failfile.h.
 * Unknown keys and comment lines are skipped, so files written by a
 * later weft still replay; a message is cut at its first newline, so a
 * file is one key a line. */
#include "config.h"

#include "failfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int weft__failfile_write(const char *path, const weft_explore_failure *x) {
    FILE *f = fopen(path, "w");
    if (!f) return -errno;
    const char *s = x->shrunk[0] ? x->shrunk : x->strategy;
    fprintf(f, "# weft: a failing schedule (docs/FUZZING.md)\n"
               "strategy=%s\nseed=%llu\nkind=%s\nmessage=%.*s\n",
            s, (unsigned long long)x->seed, weft_failure_name(x->kind),
            (int)strcspn(x->message, "\n"), x->message);
    return fclose(f) ? -errno : 0;
}

static void field(weft_explore_failure *x, const char *key, const char *v,
                  int *rc) {
    char *end;
    if (!strcmp(key, "strategy")) {
        snprintf(x->strategy, sizeof x->strategy, "%s", v);
    } else if (!strcmp(key, "seed")) {
        errno = 0;
        x->seed = strtoull(v, &end, 10);
        if (errno || end == v || *end || *v == '-') *rc = -EINVAL;
    } else if (!strcmp(key, "message")) {
        snprintf(x->message, sizeof x->message, "%s", v);
    } else if (!strcmp(key, "kind")) {
        for (int k = 0; k < WEFT_FAILURE_COUNT; k++) {
            if (!strcmp(v, weft_failure_name((weft_failure)k))) {
                x->kind = (weft_failure)k;
            }
        }
    }
}

int weft__failfile_read(const char *path, weft_explore_failure *x) {
    FILE *f = fopen(path, "r");
    if (!f) return -errno;
    memset(x, 0, sizeof *x);
    char line[1024];
    int rc = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        char *eq = strchr(line, '=');
        if (line[0] == '#' || !eq) continue;
        *eq = '\0';
        field(x, line, eq + 1, &rc);
    }
    fclose(f);
    return rc ? rc : x->strategy[0] ? 0 : -EINVAL;
}
