/* tests/leak_test.c: see leak_test.h. */
#include "leak_test.h"

#include <unistd.h>

void capture_begin(struct capture *c) {
    fflush(stderr);
    c->f = tmpfile();
    ck_assert_ptr_nonnull(c->f);
    c->saved = dup(2);
    dup2(fileno(c->f), 2);
}

const char *capture_end(struct capture *c, char *buf, size_t n) {
    fflush(stderr);
    dup2(c->saved, 2);
    close(c->saved);
    rewind(c->f);
    size_t k = fread(buf, 1, n - 1, c->f);
    buf[k] = '\0';
    fclose(c->f);
    return buf;
}

const weft_leak_info *find_leak(const weft_leak_info *all, size_t n,
                                const void *ptr) {
    for (size_t i = 0; i < n; i++) {
        if (all[i].ptr == ptr) return &all[i];
    }
    return NULL;
}

int run_cfg(int i, bool track, int (*fn)(void *), void *arg) {
    weft_config cfg;
    weft_config_init(&cfg);
    cfg.track_leaks = track;
    if (i > 0) {
        cfg.backend = WEFT_BACKEND_SIM;
        cfg.seed = (uint64_t)i;
    }
    return weft_run(&cfg, fn, arg);
}
