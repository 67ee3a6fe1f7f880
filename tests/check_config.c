/* tests/check_config.c: every weft_config field and every WEFT_*
 * variable, with good and bad values: one table each. A bad value is
 * -EINVAL (-ENOENT for a trace file that cannot be created) and one
 * line on stderr naming the field or variable, the value and what is
 * accepted. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "sched.h"

/* What the run saw: backend, seed, strategy, stack size, guard, leaks. */
struct seen {
    const char *backend;
    uint64_t seed;
    size_t stack_size;
    int stack_guard;
    bool track_leaks;
};

static int observe(void *arg) {
    struct seen *s = arg;
    const struct weft__rt *rt = weft__rt_current();
    s->backend = rt->backend->name;
    s->seed = rt->cfg->seed;
    s->stack_size = rt->stacks.size;
    s->stack_guard = rt->cfg->stack_guard;
    s->track_leaks = rt->leaks.enabled;
    return 0;
}

/* ---- the environment ---- */

#define SIM "sim" /* the backend a row runs under: WEFT_BACKEND's value */
#define REAL "real"

struct env_case {
    const char *backend; /* WEFT_BACKEND for the row (NULL: unset) */
    const char *var;
    const char *value;
    int want;
    const char *message; /* NULL: no message, and the run succeeds */
    uint64_t seed;       /* WEFT_SEED rows that succeed: the seed read */
};

static const struct env_case env_cases[] = {
    {NULL, "WEFT_BACKEND", "real", 0, NULL, 0},
    {NULL, "WEFT_BACKEND", "sim", 0, NULL, 0},
    {NULL, "WEFT_BACKEND", "epoll", -EINVAL, "weft: WEFT_BACKEND='epoll' is not valid; accepted: real, sim\n", 0},
    {NULL, "WEFT_BACKEND", "", -EINVAL, "WEFT_BACKEND='' is not valid", 0},
    {NULL, "WEFT_BACKEND", "sim ", -EINVAL, "WEFT_BACKEND='sim ' is not valid", 0},
    {SIM, "WEFT_SEED", "0", 0, NULL, 0},
    {SIM, "WEFT_SEED", "10", 0, NULL, 10},
    {SIM, "WEFT_SEED", "18446744073709551615", 0, NULL, UINT64_MAX},
    {SIM, "WEFT_SEED", "0x2a", 0, NULL, 42},
    {SIM, "WEFT_SEED", "0XFFFFFFFFFFFFFFFF", 0, NULL, UINT64_MAX},
    {SIM, "WEFT_SEED", "0x0010", 0, NULL, 16},
    {SIM, "WEFT_SEED", "010", -EINVAL, "weft: WEFT_SEED='010' is not valid; accepted: an unsigned 64-bit integer, decimal without leading zeros or 0x hex\n", 0},
    {SIM, "WEFT_SEED", "08", -EINVAL, "WEFT_SEED='08' is not valid", 0},
    {SIM, "WEFT_SEED", "00", -EINVAL, "WEFT_SEED='00' is not valid", 0},
    {SIM, "WEFT_SEED", "\t-1", -EINVAL, "WEFT_SEED='\t-1' is not valid", 0},
    {SIM, "WEFT_SEED", " 1", -EINVAL, "WEFT_SEED=' 1' is not valid", 0},
    {SIM, "WEFT_SEED", "1 ", -EINVAL, "WEFT_SEED='1 ' is not valid", 0},
    {SIM, "WEFT_SEED", "+1", -EINVAL, "WEFT_SEED='+1' is not valid", 0},
    {SIM, "WEFT_SEED", "-3", -EINVAL, "WEFT_SEED='-3' is not valid", 0},
    {SIM, "WEFT_SEED", "", -EINVAL, "WEFT_SEED='' is not valid", 0},
    {SIM, "WEFT_SEED", "0x", -EINVAL, "WEFT_SEED='0x' is not valid", 0},
    {SIM, "WEFT_SEED", "0x1g", -EINVAL, "WEFT_SEED='0x1g' is not valid", 0},
    {SIM, "WEFT_SEED", "12abc", -EINVAL, "WEFT_SEED='12abc' is not valid", 0},
    {SIM, "WEFT_SEED", "18446744073709551616", -EINVAL, "WEFT_SEED='18446744073709551616' is not valid", 0},
    {SIM, "WEFT_SEED", "0x10000000000000000", -EINVAL, "WEFT_SEED='0x10000000000000000' is not valid", 0},
    {SIM, "WEFT_STRATEGY", "random", 0, NULL, 0},
    {REAL, "WEFT_STRATEGY", "random", -EINVAL, "weft: WEFT_STRATEGY='random' is not valid; accepted: only under the simulator (WEFT_BACKEND=sim, or WEFT_BACKEND unset); WEFT_BACKEND=real has no seed or strategy\n", 0},
    {REAL, "WEFT_SEED", "3", -EINVAL, "weft: WEFT_SEED='3' is not valid; accepted: only under the simulator", 0},
    {SIM, "WEFT_STRATEGY", "pct:3", 0, NULL, 0},
    {SIM, "WEFT_STRATEGY", "pct:0", -EINVAL, "weft: WEFT_STRATEGY='pct:0' is not valid; accepted: random, pct:D (D 1-32, optional :k=K), dfs:B (B 0-16), replay:S (S a schedule string), bytes[:HEX] (a fuzzer's input)\n", 0},
    {SIM, "WEFT_STRATEGY", "random:", -EINVAL, "weft: WEFT_STRATEGY='random:' is not valid; accepted: random, pct:D (D 1-32, optional :k=K), dfs:B (B 0-16), replay:S (S a schedule string), bytes[:HEX] (a fuzzer's input)\n", 0},
    {REAL, "WEFT_STRATEGY", "random:", -EINVAL, "weft: WEFT_STRATEGY='random:' is not valid; accepted: random, pct:D (D 1-32, optional :k=K), dfs:B (B 0-16), replay:S (S a schedule string), bytes[:HEX] (a fuzzer's input)\n", 0},
    {REAL, "WEFT_STRATEGY", "random:x", -EINVAL, "WEFT_STRATEGY='random:x' is not valid", 0},
    {REAL, "WEFT_STRATEGY", "", -EINVAL, "WEFT_STRATEGY='' is not valid", 0},
    {NULL, "WEFT_TRACK_LEAKS", "0", 0, NULL, 0},
    {NULL, "WEFT_TRACK_LEAKS", "1", 0, NULL, 0},
    {NULL, "WEFT_TRACK_LEAKS", "yes", -EINVAL, "weft: WEFT_TRACK_LEAKS='yes' is not valid; accepted: 0 (off), 1 (on)\n", 0},
    {NULL, "WEFT_TRACK_LEAKS", "01", -EINVAL, "WEFT_TRACK_LEAKS='01' is not valid", 0},
    {NULL, "WEFT_TRACE", "", -EINVAL, "weft: WEFT_TRACE='' is not valid; accepted: a file path\n", 0},
    {NULL, "WEFT_TRACE", "/nonexistent/x.trace", -ENOENT, "weft: cannot open the trace file '/nonexistent/x.trace'", 0},
};

/* A seed or a strategy alone selects the simulator. */
START_TEST(config_seed_or_strategy_alone_selects_sim) {
    setenv(_i ? "WEFT_STRATEGY" : "WEFT_SEED", _i ? "pct:2" : "9", 1);
    char buf[512];
    struct seen seen = {0};
    ck_assert_int_eq(run_capturing(NULL, observe, &seen, buf, sizeof buf), 0);
    ck_assert_str_eq(seen.backend, "sim");
    ck_assert_uint_eq(seen.seed, _i ? 0 : 9);
}
END_TEST

START_TEST(config_env_value_accepted_or_named_error) {
    const struct env_case *c = &env_cases[_i];
    if (c->backend) setenv("WEFT_BACKEND", c->backend, 1);
    setenv(c->var, c->value, 1);
    char buf[512];
    struct seen seen = {0};
    int rc = run_capturing(NULL, observe, &seen, buf, sizeof buf);
    ck_assert_msg(rc == c->want, "%s='%s': got %d, want %d; stderr: %s",
                  c->var, c->value, rc, c->want, buf);
    if (!c->message) {
        ck_assert_msg(!buf[0], "%s='%s': stderr: %s", c->var, c->value, buf);
        if (!strcmp(c->var, "WEFT_SEED")) ck_assert_uint_eq(seen.seed, c->seed);
        if (!strcmp(c->var, "WEFT_BACKEND")) {
            ck_assert_str_eq(seen.backend, c->value);
        }
        if (!strcmp(c->var, "WEFT_TRACK_LEAKS")) {
            ck_assert_int_eq(seen.track_leaks, c->value[0] == '1');
        }
        return;
    }
    ck_assert_msg(strstr(buf, c->message), "%s='%s': stderr: %s", c->var,
                  c->value, buf);
}
END_TEST

/* ---- the fields of weft_config ---- */

enum field { BACKEND, STACK_SIZE, STACK_GUARD, STRATEGY, TRACE_PATH, SEED };

struct field_case {
    enum field field;
    uint64_t number;   /* backend, stack_size, stack_guard, seed */
    const char *text;  /* strategy, trace_path */
    int want;
    const char *message; /* NULL: accepted */
    size_t stack_size;   /* accepted stack_size rows: the rounded size */
};

#define MIB ((uint64_t)1024 * 1024)
#define ACCEPTED_SIZE "accepted: 0 (the default, 262144), or 16384 to 1073741824 bytes (rounded up to whole pages)\n"

static const struct field_case field_cases[] = {
    {BACKEND, WEFT_BACKEND_REAL, NULL, 0, NULL, 0},
    {BACKEND, WEFT_BACKEND_SIM, NULL, 0, NULL, 0},
    {BACKEND, 7, NULL, -EINVAL, "weft: weft_config.backend=7 is not valid; accepted: WEFT_BACKEND_REAL, WEFT_BACKEND_SIM\n", 0},
    {BACKEND, (uint64_t)-1, NULL, -EINVAL, "weft: weft_config.backend=-1 is not valid", 0},
    {STACK_SIZE, 0, NULL, 0, NULL, 256 * 1024},
    {STACK_SIZE, 16 * 1024, NULL, 0, NULL, 16 * 1024},
    {STACK_SIZE, 16 * 1024 + 1, NULL, 0, NULL, 20 * 1024},
    {STACK_SIZE, 1024 * MIB, NULL, 0, NULL, 1024 * MIB},
    {STACK_SIZE, 1, NULL, -EINVAL, "weft: weft_config.stack_size=1 is not valid; " ACCEPTED_SIZE, 0},
    {STACK_SIZE, 4096, NULL, -EINVAL, "weft: weft_config.stack_size=4096 is not valid; " ACCEPTED_SIZE, 0},
    {STACK_SIZE, 16 * 1024 - 1, NULL, -EINVAL, "weft: weft_config.stack_size=16383 is not valid; " ACCEPTED_SIZE, 0},
    {STACK_SIZE, 1024 * MIB + 1, NULL, -EINVAL, "weft: weft_config.stack_size=1073741825 is not valid; " ACCEPTED_SIZE, 0},
    {STACK_SIZE, (uint64_t)1 << 62, NULL, -EINVAL, "weft: weft_config.stack_size=4611686018427387904 is not valid; " ACCEPTED_SIZE, 0},
    {STACK_SIZE, SIZE_MAX, NULL, -EINVAL, "weft: weft_config.stack_size=18446744073709551615 is not valid; " ACCEPTED_SIZE, 0},
    {STACK_SIZE, SIZE_MAX - 4095, NULL, -EINVAL, "weft: weft_config.stack_size=18446744073709547520 is not valid; " ACCEPTED_SIZE, 0},
    {STACK_GUARD, WEFT_STACK_GUARD_AUTO, NULL, 0, NULL, 0},
    {STACK_GUARD, WEFT_STACK_GUARD_PAGE, NULL, 0, NULL, 0},
    {STACK_GUARD, WEFT_STACK_GUARD_CANARY, NULL, 0, NULL, 0},
    {STACK_GUARD, 9, NULL, -EINVAL, "weft: weft_config.stack_guard=9 is not valid; accepted: WEFT_STACK_GUARD_AUTO, WEFT_STACK_GUARD_PAGE, WEFT_STACK_GUARD_CANARY\n", 0},
    {STACK_GUARD, (uint64_t)-1, NULL, -EINVAL, "weft: weft_config.stack_guard=-1 is not valid", 0},
    {STRATEGY, 0, "random", 0, NULL, 0},
    {STRATEGY, 0, "random:", -EINVAL, "weft: weft_config.strategy='random:' is not valid; accepted: random, pct:D (D 1-32, optional :k=K), dfs:B (B 0-16), replay:S (S a schedule string), bytes[:HEX] (a fuzzer's input)\n", 0},
    {STRATEGY, 0, "pct:3", 0, NULL, 0},
    {STRATEGY, 0, "dfs:17", -EINVAL, "weft: weft_config.strategy='dfs:17' is not valid; accepted: random, pct:D (D 1-32, optional :k=K), dfs:B (B 0-16), replay:S (S a schedule string), bytes[:HEX] (a fuzzer's input)\n", 0},
    {STRATEGY, 0, "", -EINVAL, "weft: weft_config.strategy='' is not valid", 0},
    {TRACE_PATH, 0, "", -EINVAL, "weft: weft_config.trace_path='' is not valid; accepted: a file path\n", 0},
    {TRACE_PATH, 0, "/nonexistent/x.trace", -ENOENT, "weft: cannot open the trace file '/nonexistent/x.trace'", 0},
    {SEED, UINT64_MAX, NULL, 0, NULL, 0},
};

static void set_field(weft_config *cfg, const struct field_case *c) {
    switch (c->field) {
        case BACKEND: cfg->backend = (int)c->number; break;
        case STACK_SIZE: cfg->stack_size = (size_t)c->number; break;
        case STACK_GUARD: cfg->stack_guard = (int)c->number; break;
        case STRATEGY: cfg->strategy = c->text; break;
        case TRACE_PATH: cfg->trace_path = c->text; break;
        case SEED: cfg->seed = c->number; break;
    }
}

START_TEST(config_field_value_accepted_or_named_error) {
    const struct field_case *c = &field_cases[_i];
    weft_config cfg;
    for (int backend = 0; backend < 2; backend++) { /* the same under both */
        weft_config_init(&cfg);
        cfg.backend = backend ? WEFT_BACKEND_SIM : WEFT_BACKEND_REAL;
        set_field(&cfg, c);
        char buf[512];
        struct seen seen = {0};
        int rc = run_capturing(&cfg, observe, &seen, buf, sizeof buf);
        ck_assert_msg(rc == c->want, "row %d backend %d: got %d, want %d; "
                      "stderr: %s", _i, backend, rc, c->want, buf);
        if (!c->message) {
            ck_assert_msg(!buf[0], "row %d: stderr: %s", _i, buf);
            if (c->field == STACK_SIZE) {
                ck_assert_uint_eq(seen.stack_size, c->stack_size);
            }
            continue;
        }
        ck_assert_msg(strstr(buf, c->message), "row %d: stderr: %s", _i, buf);
    }
}
END_TEST

START_TEST(config_no_main_is_einval) {
    ck_assert_int_eq(weft_run(NULL, NULL, NULL), -EINVAL);
}
END_TEST

/* ---- issue 7: values that used to be accepted or misreported ---- */

/* stack_size = SIZE_MAX wrapped to a 0-byte stack when rounded up to a
 * page, and the run went on; 2^62 failed later, in the first spawn, with
 * a message blaming vm.max_map_count. Both are now refused up front. */
START_TEST(regress_7_config_stack_size_out_of_range) {
    static const size_t sizes[] = {SIZE_MAX, (size_t)1 << 62};
    weft_config cfg;
    weft_config_init(&cfg);
    cfg.stack_size = sizes[_i];
    char buf[512];
    ck_assert_int_eq(run_capturing(&cfg, observe, &(struct seen){0}, buf,
                                   sizeof buf),
                     -EINVAL);
    ck_assert_msg(strstr(buf, "weft_config.stack_size=") &&
                      strstr(buf, ACCEPTED_SIZE) &&
                      !strstr(buf, "max_map_count"),
                  "stderr: %s", buf);
}
END_TEST

/* WEFT_SEED went through strtoull(base 0): "010" was octal (the run of
 * seed 8), "08" an error, and "\t-1" was 2^64 - 1. WEFT_STRATEGY's
 * parameters were checked only by the sim backend (so "random:" passed
 * under real), with a message that did not name the variable. */
struct regress_env {
    const char *backend;
    const char *var;
    const char *value;
};

static const struct regress_env regress_env_cases[] = {
    {"sim", "WEFT_SEED", "010"},
    {"sim", "WEFT_SEED", "\t-1"},
    {"real", "WEFT_STRATEGY", "random:"},
    {"sim", "WEFT_STRATEGY", "random:"},
};

START_TEST(regress_7_env_values_read_one_way) {
    const struct regress_env *c = &regress_env_cases[_i];
    setenv("WEFT_BACKEND", c->backend, 1);
    setenv(c->var, c->value, 1);
    char buf[512];
    char want[128];
    snprintf(want, sizeof want, "weft: %s='%s' is not valid; accepted: ",
             c->var, c->value);
    int rc = run_capturing(NULL, observe, &(struct seen){0}, buf, sizeof buf);
    ck_assert_msg(rc == -EINVAL, "%s='%s' under %s: got %d; stderr: %s",
                  c->var, c->value, c->backend, rc, buf);
    ck_assert_msg(strstr(buf, want), "stderr: %s", buf);
}
END_TEST

Suite *config_suite(void);
Suite *config_suite(void) {
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("basic");
    tcase_add_loop_test(tc, config_env_value_accepted_or_named_error, 0,
                        sizeof env_cases / sizeof env_cases[0]);
    tcase_add_loop_test(tc, config_field_value_accepted_or_named_error, 0,
                        sizeof field_cases / sizeof field_cases[0]);
    tcase_add_test(tc, config_no_main_is_einval);
    tcase_add_loop_test(tc, config_seed_or_strategy_alone_selects_sim, 0, 2);
    suite_add_tcase(s, tc);
    tc = tcase_create("regress");
    tcase_add_loop_test(tc, regress_7_config_stack_size_out_of_range, 0, 2);
    tcase_add_loop_test(tc, regress_7_env_values_read_one_way, 0,
                        sizeof regress_env_cases / sizeof regress_env_cases[0]);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return run_suite(config_suite()); }
