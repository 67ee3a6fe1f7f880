/* sim/strategy.c: finds a strategy by name from WEFT_STRATEGY_MAP. */
#include "config.h"

#include "strategy.h"

#include <string.h>

#define DECLARE(id, name) extern const struct weft__strategy_ops weft__strategy_##id;
WEFT_STRATEGY_MAP(DECLARE)
#undef DECLARE

static const struct weft__strategy_ops *const all[] = {
#define ENTRY(id, name) &weft__strategy_##id,
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
    return ""
#define NAME(id, name) " " name
        WEFT_STRATEGY_MAP(NAME)
#undef NAME
        ;
}
