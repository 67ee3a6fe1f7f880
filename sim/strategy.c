/* sim/strategy.c: finds a strategy by name from WEFT_STRATEGY_MAP, and
 * the campaign half shared by strategies whose runs need nothing from
 * earlier runs (the strategy string of every run is the spec itself). */
#include "config.h"

#include "strategy.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DECLARE(id, name, form) \
    extern const struct weft__strategy_ops weft__strategy_##id;
WEFT_STRATEGY_MAP(DECLARE)
#undef DECLARE

static const struct weft__strategy_ops *const all[] = {
#define ENTRY(id, name, form) &weft__strategy_##id,
    WEFT_STRATEGY_MAP(ENTRY)
#undef ENTRY
};

const struct weft__strategy_ops *weft__strategy_find(const char *spec,
                                                     const char **params) {
    const char *colon = strchr(spec, ':');
    size_t len = colon ? (size_t)(colon - spec) : strlen(spec);
    *params = colon ? colon + 1 : NULL;
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        if (strlen(all[i]->name) == len && !strncmp(all[i]->name, spec, len)) {
            return all[i];
        }
    }
    return NULL;
}

const char *weft__strategy_names(void) {
    /* ", " before each form, skipped for the first */
    return &""
#define FORM(id, name, form) ", " form
        WEFT_STRATEGY_MAP(FORM)
#undef FORM
        [2];
}

int weft__campaign_plain_init(void **camp, const char *spec) {
    char *copy = strdup(spec);
    if (!copy) return -ENOMEM;
    *camp = copy;
    return 0;
}

int weft__campaign_plain_next(void *camp, uint64_t seed, char *buf,
                              size_t n) {
    (void)seed;
    int w = snprintf(buf, n, "%s", (const char *)camp);
    return w < 0 || (size_t)w >= n ? -ENOSPC : 0;
}

void weft__campaign_plain_learn(void *camp, const struct weft__dlog *log) {
    (void)camp;
    (void)log;
}

void weft__campaign_plain_describe(void *camp, char *buf, size_t n) {
    (void)camp;
    if (n) buf[0] = '\0';
}

void weft__campaign_plain_fini(void *camp) { free(camp); }
