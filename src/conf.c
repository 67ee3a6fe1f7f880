/* src/conf.c: the configuration of a run: weft_config and the WEFT_*
 * environment (docs/GUIDE.md, "Configuration"). Each kind of value has
 * one check, used for the field and for the variable alike, and every
 * refusal is one line of one shape:
 *   weft: NAME=VALUE is not valid; accepted: WHAT
 * NAME is the variable or weft_config.<field>; text values are quoted.
 * Nothing is accepted under one backend and refused under the other. */
#include "config.h"

#include "conf.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "buggify.h"

void weft_config_init(weft_config *cfg) {
    memset(cfg, 0, sizeof *cfg);
    cfg->backend = WEFT_BACKEND_REAL;
    cfg->stack_guard = WEFT_STACK_GUARD_AUTO;
    cfg->track_leaks = true;
}

int weft__config_refuse(const char *name, const char *value, bool text,
                        const char *accepted) {
    const char *q = text ? "'" : "";
    fprintf(stderr, "weft: %s=%s%s%s is not valid; accepted: %s\n", name, q,
            value, q, accepted);
    return -EINVAL;
}

static int refuse_int(const char *name, long long value,
                      const char *accepted) {
    char v[24];
    snprintf(v, sizeof v, "%lld", value);
    return weft__config_refuse(name, v, false, accepted);
}

static unsigned digit_value(char c) {
    if (c >= '0' && c <= '9') return (unsigned)(c - '0');
    if (c >= 'a' && c <= 'f') return (unsigned)(c - 'a' + 10);
    if (c >= 'A' && c <= 'F') return (unsigned)(c - 'A' + 10);
    return 16; /* not a digit in any base used here */
}

/* An unsigned 64-bit number, decimal or 0x hex; no sign, space, trailing
 * text or overflow. A decimal with a leading zero is refused: "010"
 * reads as eight to a C programmer and as ten to everyone else. */
static int parse_u64(const char *s, uint64_t *out) {
    unsigned base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    } else if (s[0] == '0' && s[1] != '\0') {
        return -EINVAL;
    }
    if (*s == '\0') return -EINVAL;
    uint64_t v = 0;
    for (; *s; s++) {
        unsigned d = digit_value(*s);
        if (d >= base || v > (UINT64_MAX - d) / base) return -EINVAL;
        v = v * base + d;
    }
    *out = v;
    return 0;
}

/* A backend's setting, checked by every backend built in, whichever
 * runs (src/backend.h, check_config). */
static int check_backend_setting(const char *key, const char *name,
                                 const char *value) {
    const struct weft__backend_ops *b;
    for (size_t i = 0; (b = weft__backend_nth(i)); i++) {
        int rc = b->check_config ? b->check_config(key, name, value) : 0;
        if (rc) return rc;
    }
    return 0;
}

static int check_strategy(const char *name, const char *spec) {
    return check_backend_setting("strategy", name, spec);
}

/* Whether the file can be created is known only when the run opens it. */
static int check_trace(const char *name, const char *path) {
    return *path ? 0 : weft__config_refuse(name, path, true, "a file path");
}

static int check_stack_size(size_t size) {
    if (size == 0 ||
        (size >= WEFT_STACK_SIZE_MIN && size <= WEFT_STACK_SIZE_MAX)) {
        return 0;
    }
    char v[24];
    char accepted[128];
    snprintf(v, sizeof v, "%zu", size);
    snprintf(accepted, sizeof accepted,
             "0 (the default, %zu), or %zu to %zu bytes (rounded up to "
             "whole pages)",
             (size_t)WEFT_STACK_SIZE_DEFAULT, (size_t)WEFT_STACK_SIZE_MIN,
             (size_t)WEFT_STACK_SIZE_MAX);
    return weft__config_refuse("weft_config.stack_size", v, false, accepted);
}

static int check_slow(const char *name, uint64_t ms) {
    if (ms <= WEFT_SLOW_TASK_MS_MAX) return 0;
    char accepted[64];
    snprintf(accepted, sizeof accepted, "0 (off) to %u milliseconds",
             WEFT_SLOW_TASK_MS_MAX);
    char v[24];
    snprintf(v, sizeof v, "%llu", (unsigned long long)ms);
    return weft__config_refuse(name, v, false, accepted);
}

#define BUGGIFY_ACCEPTED                                                   \
    "E/F: percents 0-100 of the sites enabled in a run and of the times "  \
    "an enabled site fires (default 25/25), or off"

int weft__config_check(const weft_config *cfg) {
    if (cfg->backend != WEFT_BACKEND_REAL && cfg->backend != WEFT_BACKEND_SIM) {
        return refuse_int("weft_config.backend", cfg->backend,
                          "WEFT_BACKEND_REAL, WEFT_BACKEND_SIM");
    }
    int rc = check_stack_size(cfg->stack_size);
    if (rc) return rc;
    if (cfg->stack_guard < WEFT_STACK_GUARD_AUTO ||
        cfg->stack_guard > WEFT_STACK_GUARD_CANARY) {
        return refuse_int("weft_config.stack_guard", cfg->stack_guard,
                          "WEFT_STACK_GUARD_AUTO, WEFT_STACK_GUARD_PAGE, "
                          "WEFT_STACK_GUARD_CANARY");
    }
    rc = check_slow("weft_config.slow_task_ms", cfg->slow_task_ms);
    if (rc) return rc;
    if (cfg->strategy) {
        rc = check_strategy("weft_config.strategy", cfg->strategy);
        if (rc) return rc;
    }
    if (cfg->buggify && weft__buggify_parse(cfg->buggify, &(unsigned){0},
                                            &(unsigned){0})) {
        return weft__config_refuse("weft_config.buggify", cfg->buggify,
                                   false, BUGGIFY_ACCEPTED);
    }
    if (cfg->trace_path) return check_trace("weft_config.trace_path",
                                            cfg->trace_path);
    return 0;
}

/* WEFT_SEED and WEFT_STRATEGY ask for the simulator: without
 * WEFT_BACKEND they select it; with WEFT_BACKEND=real they would be
 * silently ignored, so they are refused. */
static int sim_asked(weft_config *cfg, const char *backend) {
    const char *var = getenv("WEFT_SEED") ? "WEFT_SEED" : "WEFT_STRATEGY";
    const char *v = getenv(var);
    if (!v) return 0;
    if (!backend) {
        cfg->backend = WEFT_BACKEND_SIM;
    } else if (!strcmp(backend, "real")) {
        return weft__config_refuse(var, v, true,
                                   "only under the simulator "
                                   "(WEFT_BACKEND=sim, or WEFT_BACKEND "
                                   "unset); WEFT_BACKEND=real has no seed "
                                   "or strategy");
    }
    return 0;
}

static int apply_env(weft_config *cfg) {
    const char *v = getenv("WEFT_BACKEND");
    if (v) {
        if (!strcmp(v, "real")) {
            cfg->backend = WEFT_BACKEND_REAL;
        } else if (!strcmp(v, "sim")) {
            cfg->backend = WEFT_BACKEND_SIM;
        } else {
            return weft__config_refuse("WEFT_BACKEND", v, true, "real, sim");
        }
    }
    if ((v = getenv("WEFT_SEED")) && parse_u64(v, &cfg->seed)) {
        return weft__config_refuse("WEFT_SEED", v, true,
                      "an unsigned 64-bit integer, decimal without leading "
                      "zeros or 0x hex");
    }
    if ((v = getenv("WEFT_STRATEGY"))) {
        int rc = check_strategy("WEFT_STRATEGY", v);
        if (rc) return rc;
        cfg->strategy = v;
    }
    int rc = sim_asked(cfg, getenv("WEFT_BACKEND"));
    if (rc) return rc;
    if ((v = getenv("WEFT_TRACK_LEAKS"))) {
        if (strcmp(v, "0") && strcmp(v, "1")) {
            return weft__config_refuse("WEFT_TRACK_LEAKS", v, true,
                                       "0 (off), 1 (on)");
        }
        cfg->track_leaks = v[0] == '1';
    }
    if ((v = getenv("WEFT_BUGGIFY"))) {
        if (weft__buggify_parse(v, &(unsigned){0}, &(unsigned){0})) {
            return weft__config_refuse("WEFT_BUGGIFY", v, true,
                                       BUGGIFY_ACCEPTED);
        }
        cfg->buggify = v;
    }
    if ((v = getenv("WEFT_SLOW_TASK_MS"))) {
        uint64_t ms;
        if (parse_u64(v, &ms) || ms > WEFT_SLOW_TASK_MS_MAX) {
            char accepted[96];
            snprintf(accepted, sizeof accepted, "0 (off) to %u milliseconds, "
                     "decimal without leading zeros", WEFT_SLOW_TASK_MS_MAX);
            return weft__config_refuse("WEFT_SLOW_TASK_MS", v, true,
                                       accepted);
        }
        cfg->slow_task_ms = (uint32_t)ms;
    }
    if ((v = getenv("WEFT_TRACE"))) {
        rc = check_trace("WEFT_TRACE", v);
        if (rc) return rc;
        cfg->trace_path = v;
    }
    return 0;
}

/* A valid backend that this libweft was built without. */
static int check_built(const weft_config *cfg) {
    if (weft__backend_find(cfg->backend)) return 0;
    fprintf(stderr, "weft: the sim backend (WEFT_BACKEND=sim, "
                    "weft_config.backend) is not in this build of weft: it "
                    "was configured with --disable-sim\n");
    return -ENOTSUP;
}

int weft__config_resolve(const weft_config *in, weft_config *out) {
    if (in) {
        *out = *in;
    } else {
        weft_config_init(out);
    }
    int rc = weft__config_check(out);
    if (!rc) rc = apply_env(out);
    return rc ? rc : check_built(out);
}
