/* bench/trace.c: the cost of trace recording (docs/TRACING.md), real
 * backend, through the public API (libweft.la):
 *
 *   switch   two tasks calling weft_yield in a loop: ns per yield
 *   queue    two tasks, two rendezvous queues (as bench/sync.c): ns per
 *            message
 *
 * each with weft_config.trace_path unset (off) and set to a file in
 * TMPDIR (on), one runtime per sample (the fastest of 5 timed runs after
 * a warm-up), runtimes alternating off, on, on, off, ...; the overhead is
 * the median of the pairs' on / off - 1. The cost per event is the extra
 * time of a sample divided by the events its file holds, as the reader
 * (trace/reader.c) gives them: a record may stand for several events
 * (docs/TRACE-FORMAT.md, "Folded events").
 * Goals (issue 9): on, under 10 ns per event and under 15% slowdown of
 * the queue ping-pong. The "off" cost is not measured here: it is the
 * switch and queue rows of bench/tasks and bench/sync, compared with a
 * build before tracing existed (docs/PERFORMANCE.md). */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <weft.h>

#include "harness.h"
#include "reader.h"
#include "workloads.h"

#define YIELDS ((size_t)1000000)
#define MSGS ((size_t)1000000)
#define RUNS 5
#define PAIRS 11

struct sample {
    bench_fn fn;
    size_t n;
    double ns; /* per operation, fastest timed run */
};

static int sample_main(void *arg) {
    struct sample *s = arg;
    s->fn(NULL, s->n);
    for (int i = 0; i < RUNS; i++) {
        uint64_t t0 = bench_now_ns();
        s->fn(NULL, s->n);
        double ns = (double)(bench_now_ns() - t0) / (double)s->n;
        if (i == 0 || ns < s->ns) s->ns = ns;
    }
    return 0;
}

/* The events and records of the trace at path. */
static void count_trace(const char *path, double *events, double *records) {
    struct trace_file t;
    char err[256];
    if (trace_load(path, &t, err, sizeof err)) {
        fprintf(stderr, "bench/trace: %s: %s\n", path, err);
        exit(1);
    }
    *events = (double)t.nev;
    *records = (double)t.nrec;
    trace_free(&t);
}

/* One runtime, recording into path or not: ns per operation. */
static double run_one(bench_fn fn, size_t n, const char *path) {
    weft_config cfg;
    weft_config_init(&cfg);
    cfg.trace_path = path;
    struct sample s = {.fn = fn, .n = n, .ns = 0};
    bench_check(weft_run(&cfg, sample_main, &s), "weft_run");
    return s.ns;
}

static size_t pairs(void) {
    const char *v = getenv("WEFT_BENCH_REPEATS");
    long k = v && *v ? strtol(v, NULL, 10) : 0;
    return k > 0 ? (size_t)k : PAIRS;
}

struct onoff {
    struct bench_result off, on, overhead, per_event;
    /* of the last sample's file */
    double events_per_op, records_per_op, bytes_per_event;
};

static void measure(struct onoff *r, const char *what, const char *unit,
                    bench_fn fn, size_t n, const char *path) {
    size_t k = pairs();
    double *x = calloc(4 * k, sizeof *x);
    if (!x) bench_check(-ENOMEM, "calloc");
    double *off = x, *on = x + k, *pct = x + 2 * k, *ev = x + 3 * k;
    for (size_t i = 0; i < k; i++) {
        bool on_first = i % 2;
        if (on_first) on[i] = run_one(fn, n, path);
        off[i] = run_one(fn, n, NULL);
        if (!on_first) on[i] = run_one(fn, n, path);
        pct[i] = (on[i] / off[i] - 1) * 100;
        /* per operation: a run is a warm-up and RUNS timed runs */
        double events, records, ops = (double)(n * (RUNS + 1));
        count_trace(path, &events, &records);
        ev[i] = (on[i] - off[i]) / (events / ops);
        struct stat st;
        bench_check(stat(path, &st) ? -errno : 0, "stat of the trace");
        r->events_per_op = events / ops;
        r->records_per_op = records / ops;
        r->bytes_per_event = (double)st.st_size / events;
    }
    char name[64];
    snprintf(name, sizeof name, "%s, trace off", what);
    bench_from_samples(&r->off, name, unit, off, k);
    bench_from_samples(&r->on, "same, trace on", unit, on, k);
    snprintf(name, sizeof name, "%s: slowdown when on", what);
    bench_from_samples(&r->overhead, name, "%", pct, k);
    r->overhead.min = (r->on.min / r->off.min - 1) * 100;
    snprintf(name, sizeof name, "%s: cost per event", what);
    bench_from_samples(&r->per_event, name, "ns/event", ev, k);
    free(x);
}

int main(void) {
    unsetenv("WEFT_TRACE");
    const char *dir = getenv("TMPDIR");
    char path[512];
    snprintf(path, sizeof path, "%s/weft-bench-XXXXXX", dir ? dir : "/tmp");
    int fd = mkstemp(path);
    bench_check(fd < 0 ? -errno : 0, "mkstemp");
    close(fd);
    bench_table_begin(NULL);
    struct onoff sw, q;
    measure(&sw, "weft_yield, 2 tasks", "ns/switch", bench_yield_pair, YIELDS,
            path);
    measure(&q, "queue ping-pong, capacity 0", "ns/msg", bench_queue_pingpong,
            MSGS, path);
    unlink(path);
    bench_section("trace recording, real backend (trace file in TMPDIR)");
    bench_row(&sw.off, NULL, BENCH_NO_GOAL);
    bench_row_baseline(&sw.on, &sw.off);
    bench_row(&sw.overhead, NULL, BENCH_NO_GOAL);
    bench_row(&sw.per_event, "< 10 ns/event",
              bench_goal_at_most(&sw.per_event, 10));
    char note[160];
    snprintf(note, sizeof note, "(%.2f events in %.2f records per switch, "
             "%.1f bytes per event in the file)", sw.events_per_op,
             sw.records_per_op, sw.bytes_per_event);
    bench_row_note(note);
    bench_row(&q.off, NULL, BENCH_NO_GOAL);
    bench_row_baseline(&q.on, &q.off);
    bench_row(&q.overhead, "< 15 %", bench_goal_at_most(&q.overhead, 15));
    bench_row(&q.per_event, "< 10 ns/event",
              bench_goal_at_most(&q.per_event, 10));
    snprintf(note, sizeof note, "(%.2f events in %.2f records per message: "
             "a park, a put and a get, a wake, two switches; %.1f bytes per "
             "event)", q.events_per_op, q.records_per_op, q.bytes_per_event);
    bench_row_note(note);
    return 0;
}
