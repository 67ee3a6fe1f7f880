/* tests/harness.c: see harness.h. */
#include "harness.h"

#include <stdlib.h>

int run_sim(uint64_t seed, int (*fn)(void *), void *arg) {
    weft_config cfg;
    weft_config_init(&cfg);
    cfg.backend = WEFT_BACKEND_SIM;
    cfg.seed = seed;
    return weft_run(&cfg, fn, arg);
}

int run_real(int (*fn)(void *), void *arg) {
    weft_config cfg;
    weft_config_init(&cfg);
    return weft_run(&cfg, fn, arg);
}

static bool under_sim;

int run_both(int i, int (*fn)(void *), void *arg) {
    under_sim = i > 0;
    return under_sim ? run_sim((uint64_t)i, fn, arg) : run_real(fn, arg);
}

bool harness_is_sim(void) { return under_sim; }

int run_suite(Suite *s) {
    /* Tests choose their backend and seed; the caller's environment must
     * not override them. */
    unsetenv("WEFT_BACKEND");
    unsetenv("WEFT_SEED");
    unsetenv("WEFT_STRATEGY");
    unsetenv("WEFT_TRACE");
    unsetenv("WEFT_TRACK_LEAKS");
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
