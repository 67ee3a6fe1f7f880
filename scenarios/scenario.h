/* scenarios/scenario.h: what every scenario shares. Each scenario is one
 * source built twice: as is (the bug) and with -DFIXED (its fixed twin);
 * its first line states both verdicts and the bug. BUGGY selects the
 * buggy lines. main runs the body under weft_run and exits non-zero when
 * it fails; WEFT_ASSERT states what must hold. */
#ifndef WEFT_SCENARIO_H
#define WEFT_SCENARIO_H

#include <stdio.h>
#include <string.h>
#include <weft.h>

#ifdef FIXED
#define BUGGY 0
#else
#define BUGGY 1
#endif

/* -DWEFT_FUZZ (make fuzz-scenarios): a libFuzzer target instead. */
#ifdef WEFT_FUZZ
#include <weft/fuzz.h>
#define SCENARIO_MAIN(body) WEFT_FUZZ_TARGET(body)
#else
#define SCENARIO_MAIN(body)                                               \
    int main(void) {                                                      \
        int rc = weft_run(NULL, (body), NULL);                            \
        if (rc) fprintf(stderr, "%s: weft_run: %s\n", __FILE__,           \
                        strerror(rc < 0 ? -rc : rc));                     \
        return rc ? 1 : 0;                                                \
    }
#endif

/* Spawns n tasks running fn(args[i]) (args may be NULL) and joins them. */
static inline int spawn_join(int n, int (*fn)(void *), void **args) {
    weft_group g;
    weft_group_init(&g);
    for (int i = 0; i < n; i++) {
        weft_spawn(&g, "worker", fn, args ? args[i] : NULL);
    }
    int rc = weft_group_join(&g);
    weft_group_destroy(&g);
    return rc;
}

#endif
