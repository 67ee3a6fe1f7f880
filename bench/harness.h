/* bench/harness.h: the benchmark harness. Runs an operation N times over
 * R repeats, keeps the median and the minimum of the per-operation cost,
 * and prints one aligned table row per figure, with its baselines and
 * their ratios on the rows below it.
 *
 * Each bench program measures its own figures and may also borrow
 * baselines measured by another process in the same run (the Python and
 * libuv baselines): bench/run.sh collects those in a file named by
 * WEFT_BENCH_BASELINES, one tab-separated record per line (see
 * bench_emit). The table's header is printed by the first program only:
 * run.sh sets WEFT_BENCH_TABLE=continue for the others.
 *
 * Environment: WEFT_BENCH_REPEATS overrides every repeat count (a quick
 * run: WEFT_BENCH_REPEATS=3). */
#ifndef WEFT_BENCH_HARNESS_H
#define WEFT_BENCH_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One figure: median and minimum over the repeats, in unit. */
struct bench_result {
    char name[64];       /* row label (copied) */
    char unit[16];       /* "ns/switch", "bytes/task", "ms/run" */
    double median;
    double min;
    size_t nrepeats;     /* samples behind median and min */
    bool ok;             /* false: skipped or failed, note says why */
    bool reference;      /* a published figure, not measured in this run */
    char note[160];      /* why skipped, or a remark printed after it */
};

/* Runs n operations (the bench's loop); the harness times each call. */
typedef void (*bench_fn)(void *ctx, size_t n);

/* Calls fn(ctx, n) once to warm up, then repeats times (or
 * WEFT_BENCH_REPEATS), and fills r with the median and the minimum of
 * elapsed / n in nanoseconds on CLOCK_MONOTONIC. */
void bench_measure(struct bench_result *r, const char *name,
                   const char *unit, bench_fn fn, void *ctx, size_t n,
                   size_t repeats);

/* Fills r from samples that are not timings of fn (bytes, virtual time,
 * whole-run wall times): median and minimum of x[0..n). Sorts x. */
void bench_from_samples(struct bench_result *r, const char *name,
                        const char *unit, double *x, size_t n);

/* Marks r as skipped or failed with a printf-style reason. */
void bench_skip(struct bench_result *r, const char *name, const char *fmt,
                ...) __attribute__((format(printf, 3, 4)));

/* A published figure (from the issue or a paper), shown for context and
 * marked "ref": value is both median and min. */
void bench_reference(struct bench_result *r, const char *name,
                     const char *unit, double value, const char *source);

/* Loads the baseline key from the WEFT_BENCH_BASELINES file into r. When
 * it is absent or was skipped, r is marked skipped with the reason. */
void bench_baseline_load(struct bench_result *r, const char *key,
                         const char *name);

/* Writes r as a record line for WEFT_BENCH_BASELINES to stdout:
 * key TAB median TAB min TAB unit TAB name (or key TAB skip TAB note). */
void bench_emit(const char *key, const struct bench_result *r);

/* The verdict of a figure against its goal. */
enum bench_verdict {
    BENCH_NO_GOAL,
    BENCH_MET,
    BENCH_MISSED,
};

/* BENCH_MET when r's median is at most max, else BENCH_MISSED (and
 * BENCH_MISSED when r is not ok). */
enum bench_verdict bench_goal_at_most(const struct bench_result *r,
                                      double max);
/* BENCH_MET when base->median / r->median is at least ratio. */
enum bench_verdict bench_goal_ratio(const struct bench_result *r,
                                    const struct bench_result *base,
                                    double ratio);

/* Prints the table's title and column header, unless WEFT_BENCH_TABLE is
 * "continue". title may be NULL. */
void bench_table_begin(const char *title);

/* A section line ("-- tasks, real backend --"). */
void bench_section(const char *title);

/* The row of a measured figure, with its goal (NULL: none) and verdict. */
void bench_row(const struct bench_result *r, const char *goal,
               enum bench_verdict v);

/* The row of a baseline under subject: its figures and the ratio
 * base->median / subject->median ("weft is N times faster"). Both must
 * be in the same unit. */
void bench_row_baseline(const struct bench_result *base,
                        const struct bench_result *subject);

/* A row that only shows a remark, indented under the previous one. */
void bench_row_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Monotonic clock in nanoseconds. */
uint64_t bench_now_ns(void);

/* Exits with a message naming what failed when rc != 0: a bench whose
 * operation failed must not print a figure. */
void bench_check(int rc, const char *what);

/* Keeps the compiler from dropping a computation whose result is unused. */
static inline void bench_keep(const void *p) {
    __asm__ volatile("" : : "g"(p) : "memory");
}

#endif
