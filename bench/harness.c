/* bench/harness.c: timing, statistics, external baselines and the table
 * (see harness.h). Each repeat is timed as a whole and divided by its
 * operation count, so the clock's own cost (about 20 ns) is spread over
 * the n operations; callers pick n so that one repeat lasts milliseconds. */
#include "harness.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NAME_W 46
#define NUM_W 10
#define UNIT_W 11
#define RATIO_W 9
#define GOAL_W 20

uint64_t bench_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void bench_check(int rc, const char *what) {
    if (rc == 0) return;
    fprintf(stderr, "bench: %s failed: %d (%s)\n", what, rc, strerror(-rc));
    exit(1);
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a;
    double y = *(const double *)b;
    return (x > y) - (x < y);
}

static void set_label(struct bench_result *r, const char *name,
                      const char *unit) {
    memset(r, 0, sizeof *r);
    snprintf(r->name, sizeof r->name, "%s", name);
    snprintf(r->unit, sizeof r->unit, "%s", unit ? unit : "");
}

void bench_from_samples(struct bench_result *r, const char *name,
                        const char *unit, double *x, size_t n) {
    set_label(r, name, unit);
    if (n == 0) {
        snprintf(r->note, sizeof r->note, "no samples");
        return;
    }
    qsort(x, n, sizeof *x, cmp_double);
    r->min = x[0];
    r->median = n % 2 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2;
    r->nrepeats = n;
    r->ok = true;
}

static size_t repeats_from_env(size_t repeats) {
    const char *v = getenv("WEFT_BENCH_REPEATS");
    if (!v || !*v) return repeats;
    long n = strtol(v, NULL, 10);
    return n > 0 ? (size_t)n : repeats;
}

void bench_measure(struct bench_result *r, const char *name,
                   const char *unit, bench_fn fn, void *ctx, size_t n,
                   size_t repeats) {
    repeats = repeats_from_env(repeats);
    double *x = calloc(repeats, sizeof *x);
    if (!x) bench_check(-ENOMEM, "bench_measure");
    fn(ctx, n); /* warm-up: caches, lazy binding, pooled stacks */
    for (size_t i = 0; i < repeats; i++) {
        uint64_t t0 = bench_now_ns();
        fn(ctx, n);
        x[i] = (double)(bench_now_ns() - t0) / (double)n;
    }
    bench_from_samples(r, name, unit, x, repeats);
    free(x);
}

void bench_skip(struct bench_result *r, const char *name, const char *fmt,
                ...) {
    set_label(r, name, NULL);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->note, sizeof r->note, fmt, ap);
    va_end(ap);
}

void bench_reference(struct bench_result *r, const char *name,
                     const char *unit, double value, const char *source) {
    set_label(r, name, unit);
    r->median = value;
    r->min = value;
    r->nrepeats = 1;
    r->ok = true;
    r->reference = true;
    snprintf(r->note, sizeof r->note, "%s", source ? source : "");
}

/* ---- baselines measured by other processes ---- */

/* Splits line at tabs into at most n fields; returns how many. */
static size_t split_tabs(char *line, char **f, size_t n) {
    size_t k = 0;
    line[strcspn(line, "\n")] = '\0';
    while (k < n) {
        f[k++] = line;
        char *tab = strchr(line, '\t');
        if (!tab) break;
        *tab = '\0';
        line = tab + 1;
    }
    return k;
}

static bool fill_from_record(struct bench_result *r, char **f, size_t nf,
                             const char *name) {
    if (nf >= 3 && !strcmp(f[1], "skip")) {
        bench_skip(r, name, "skipped: %s", f[2]);
        return true;
    }
    if (nf < 4) return false;
    set_label(r, name, f[3]);
    r->median = strtod(f[1], NULL);
    r->min = strtod(f[2], NULL);
    r->nrepeats = 1;
    r->ok = true;
    if (nf >= 6) snprintf(r->note, sizeof r->note, "%s", f[5]);
    return true;
}

void bench_baseline_load(struct bench_result *r, const char *key,
                         const char *name) {
    const char *path = getenv("WEFT_BENCH_BASELINES");
    FILE *f = path ? fopen(path, "r") : NULL;
    bench_skip(r, name, "not measured (run through make bench)");
    if (!f) return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        char *fields[6];
        size_t nf = split_tabs(line, fields, 6);
        if (nf >= 2 && !strcmp(fields[0], key) &&
            fill_from_record(r, fields, nf, name)) {
            break;
        }
    }
    fclose(f);
}

void bench_emit(const char *key, const struct bench_result *r) {
    if (!r->ok) {
        printf("%s\tskip\t%s\n", key, r->note);
    } else {
        printf("%s\t%.4f\t%.4f\t%s\t%s\t%s\n", key, r->median, r->min,
               r->unit, r->name, r->note);
    }
    fflush(stdout);
}

/* ---- verdicts ---- */

enum bench_verdict bench_goal_at_most(const struct bench_result *r,
                                      double max) {
    return r->ok && r->median <= max ? BENCH_MET : BENCH_MISSED;
}

enum bench_verdict bench_goal_ratio(const struct bench_result *r,
                                    const struct bench_result *base,
                                    double ratio) {
    if (!r->ok || !base->ok || r->median <= 0) return BENCH_MISSED;
    return base->median / r->median >= ratio ? BENCH_MET : BENCH_MISSED;
}

/* ---- the table ---- */

/* Fixed width, precision by magnitude: 3.14, 336.1, 13042. */
static const char *fmt_num(char *buf, size_t n, double v) {
    if (v >= 100000) {
        snprintf(buf, n, "%.0f", v);
    } else if (v >= 100) {
        snprintf(buf, n, "%.1f", v);
    } else {
        snprintf(buf, n, "%.2f", v);
    }
    return buf;
}

void bench_table_begin(const char *title) {
    const char *mode = getenv("WEFT_BENCH_TABLE");
    if (mode && !strcmp(mode, "continue")) return;
    if (title) printf("%s\n", title);
    printf("%-*s %*s %*s  %-*s %*s  %-*s %s\n", NAME_W, "benchmark", NUM_W,
           "median", NUM_W, "min", UNIT_W, "unit", RATIO_W, "ratio", GOAL_W,
           "goal", "verdict");
    printf("%-*s %*s %*s  %-*s %*s  %-*s %s\n", NAME_W,
           "(indented: baselines; ratio = baseline / weft)", NUM_W, "", NUM_W,
           "", UNIT_W, "", RATIO_W, "", GOAL_W, "", "");
    fflush(stdout);
}

void bench_section(const char *title) {
    printf("-- %s --\n", title);
    fflush(stdout);
}

static const char *verdict_text(enum bench_verdict v) {
    switch (v) {
    case BENCH_MET: return "met";
    case BENCH_MISSED: return "NOT MET";
    default: return "";
    }
}

/* name, median, min, unit; ratio and the rest are the caller's. */
static void print_figures(const char *indent, const struct bench_result *r) {
    char label[96];
    snprintf(label, sizeof label, "%s%s", indent, r->name);
    if (!r->ok) {
        printf("%-*s %s", NAME_W, label, r->note);
        return;
    }
    char med[32];
    char min[32];
    fmt_num(med, sizeof med, r->median);
    if (r->reference) {
        snprintf(min, sizeof min, "ref");
    } else {
        fmt_num(min, sizeof min, r->min);
    }
    printf("%-*s %*s %*s  %-*s", NAME_W, label, NUM_W, med, NUM_W, min,
           UNIT_W, r->unit);
}

void bench_row(const struct bench_result *r, const char *goal,
               enum bench_verdict v) {
    print_figures("", r);
    if (r->ok) {
        printf(" %*s  %-*s %s", RATIO_W, "", GOAL_W, goal ? goal : "",
               verdict_text(v));
        if (r->note[0]) printf("  (%s)", r->note);
    } else if (goal) {
        printf("  [goal %s: %s]", goal, verdict_text(v));
    }
    printf("\n");
    fflush(stdout);
}

void bench_row_baseline(const struct bench_result *base,
                        const struct bench_result *subject) {
    print_figures("  vs ", base);
    if (base->ok) {
        char ratio[32] = "-";
        if (subject->ok && subject->median > 0) {
            double q = base->median / subject->median;
            snprintf(ratio, sizeof ratio, q >= 100 ? "%.0fx" : "%.2fx", q);
        }
        printf(" %*s", RATIO_W, ratio);
        if (base->note[0]) printf("  %s", base->note);
    }
    printf("\n");
    fflush(stdout);
}

void bench_row_note(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    printf("    ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    fflush(stdout);
}
