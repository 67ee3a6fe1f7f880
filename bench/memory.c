/* bench/memory.c: memory per parked task. 100,000 tasks are spawned and
 * each parks (weft_event_wait on one event when the library has it, else
 * a weft_sleep of 1,000 s); the process's RSS (/proc/self/statm) is read
 * before the first spawn and once every task is parked, and the
 * difference is divided by the number of tasks. Page tables are not in
 * RSS: VmPTE from /proc/self/status is shown beside it.
 *
 *   bench/memory auto|canary|page     one stack guard mode per process
 *
 * PAGE mode needs two kernel mappings per stack and so may hit
 * vm.max_map_count: the bench then reports weft_spawn's error and the
 * message weft printed, and measures the tasks it did park. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <weft.h>

/* The event primitive is being written (weft/sync.h): the bench uses it
 * when the library it links has it, through weak references, and falls
 * back to a long weft_sleep otherwise. */
#if defined(__has_include)
#if __has_include(<weft/sync.h>)
#include <weft/sync.h>
#define BENCH_HAVE_SYNC_H 1
#pragma weak weft_event_init_at
#pragma weak weft_event_set
#pragma weak weft_event_wait
#pragma weak weft_event_destroy
#endif
#endif
#ifndef BENCH_HAVE_SYNC_H
#define BENCH_HAVE_SYNC_H 0
#endif

#include "harness.h"

#define NTASKS ((size_t)100000)
#define GOAL_BYTES 5120.0

struct mem_run {
    int guard;
    size_t nspawned;
    size_t nparked;      /* tasks that reached their wait */
    int spawn_rc;        /* weft_spawn's error, 0 when all started */
    char message[512];   /* what weft printed on stderr meanwhile */
    long rss0;           /* bytes resident before the first spawn */
    long rss1;           /* and once every task is parked */
    long pte0;           /* bytes of page tables, likewise */
    long pte1;
    bool use_event;      /* weft_event_wait, else weft_sleep */
#if BENCH_HAVE_SYNC_H
    weft_event ev;
#endif
};

static bool have_event(void) {
#if BENCH_HAVE_SYNC_H
    return weft_event_init_at && weft_event_set && weft_event_wait &&
           weft_event_destroy;
#else
    return false;
#endif
}

static long rss_bytes(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    long size = 0;
    long resident = 0;
    if (!f || fscanf(f, "%ld %ld", &size, &resident) != 2) {
        bench_check(-EIO, "reading /proc/self/statm");
    }
    fclose(f);
    return resident * sysconf(_SC_PAGESIZE);
}

static long pte_bytes(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (f && fgets(line, sizeof line, f)) {
        if (sscanf(line, "VmPTE: %ld kB", &kb) == 1) break;
    }
    if (f) fclose(f);
    return kb * 1024;
}

static int parked_task(void *arg) {
    struct mem_run *m = arg;
    m->nparked++;
#if BENCH_HAVE_SYNC_H
    if (m->use_event) return weft_event_wait(&m->ev);
#endif
    int rc = weft_sleep(1000 * WEFT_SEC);
    return rc == -ECANCELED ? 0 : rc; /* cancelled once measured */
}

/* Wakes every parked task. */
static void release_all(struct mem_run *m, weft_group *g) {
#if BENCH_HAVE_SYNC_H
    if (m->use_event) {
        weft_event_set(&m->ev);
        return;
    }
#else
    (void)m;
#endif
    weft_group_cancel(g);
}

/* Spawns up to NTASKS into g with stderr sent to a file, so that the
 * message weft prints for a refused mapping lands in m->message. */
static void spawn_all(struct mem_run *m, weft_group *g) {
    fflush(stderr);
    int saved = dup(2);
    FILE *tmp = tmpfile();
    if (saved < 0 || !tmp) bench_check(-EIO, "redirecting stderr");
    dup2(fileno(tmp), 2);
    for (size_t i = 0; i < NTASKS; i++) {
        int rc = weft_spawn(g, NULL, parked_task, m);
        if (rc) {
            m->spawn_rc = rc;
            break;
        }
        m->nspawned++;
    }
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    rewind(tmp);
    if (!fgets(m->message, sizeof m->message, tmp)) m->message[0] = '\0';
    m->message[strcspn(m->message, "\n")] = '\0';
    fclose(tmp);
}

static int mem_main(void *arg) {
    struct mem_run *m = arg;
#if BENCH_HAVE_SYNC_H
    if (m->use_event) weft_event_init(&m->ev);
#endif
    weft_group g;
    weft_group_init(&g);
    m->rss0 = rss_bytes();
    m->pte0 = pte_bytes();
    spawn_all(m, &g);
    while (m->nparked < m->nspawned) bench_check(weft_yield(), "weft_yield");
    m->rss1 = rss_bytes();
    m->pte1 = pte_bytes();
    release_all(m, &g);
    bench_check(weft_group_join(&g), "weft_group_join");
    weft_group_destroy(&g);
#if BENCH_HAVE_SYNC_H
    if (m->use_event) weft_event_destroy(&m->ev);
#endif
    return 0;
}

static const struct {
    const char *arg;
    int guard;
    const char *label;
} modes[] = {
    {"auto", WEFT_STACK_GUARD_AUTO, "AUTO (default)"},
    {"canary", WEFT_STACK_GUARD_CANARY, "CANARY"},
    {"page", WEFT_STACK_GUARD_PAGE, "PAGE"},
};

static void report(const struct mem_run *m, const char *label) {
    char name[64];
    snprintf(name, sizeof name, "100k parked tasks, guard %s", label);
    struct bench_result r;
    if (m->nspawned == 0) {
        bench_skip(&r, name, "weft_spawn failed at once: %d", m->spawn_rc);
        bench_row(&r, "<= 5120 B/task", BENCH_MISSED);
        return;
    }
    double per_task = (double)(m->rss1 - m->rss0) / (double)m->nspawned;
    double x[1] = {per_task};
    bench_from_samples(&r, name, "bytes/task", x, 1);
    enum bench_verdict v = bench_goal_at_most(&r, GOAL_BYTES);
    if (m->spawn_rc) {
        v = BENCH_MISSED;
        snprintf(r.note, sizeof r.note, "over the %zu tasks that started",
                 m->nspawned);
    }
    bench_row(&r, "<= 5120 B/task", v);
    bench_row_note("RSS +%.1f MiB; page tables +%.1f MiB (%.0f B/task, not "
                   "in RSS); wait: %s",
                   (double)(m->rss1 - m->rss0) / 1048576.0,
                   (double)(m->pte1 - m->pte0) / 1048576.0,
                   (double)(m->pte1 - m->pte0) / (double)m->nspawned,
                   m->use_event ? "weft_event_wait" : "weft_sleep(1000 s)");
    if (m->spawn_rc) {
        bench_row_note("weft_spawn returned %d (%s) after %zu tasks; weft "
                       "said:", m->spawn_rc, strerror(-m->spawn_rc),
                       m->nspawned);
        bench_row_note("  %s", m->message[0] ? m->message : "(nothing)");
    }
}

int main(int argc, char **argv) {
    const char *want = argc > 1 ? argv[1] : "auto";
    size_t i = 0;
    while (i < sizeof modes / sizeof modes[0] && strcmp(modes[i].arg, want)) {
        i++;
    }
    if (i == sizeof modes / sizeof modes[0]) {
        fprintf(stderr, "usage: %s auto|canary|page\n", argv[0]);
        return 2;
    }
    bench_table_begin(NULL);
    if (!strcmp(want, "auto")) {
        bench_section("memory per parked task (RSS delta / tasks)");
    }
    static struct mem_run m;
    m.guard = modes[i].guard;
    m.use_event = have_event();
    weft_config cfg;
    weft_config_init(&cfg);
    cfg.stack_guard = m.guard;
    bench_check(weft_run(&cfg, mem_main, &m), "weft_run");
    report(&m, modes[i].label);
    return 0;
}
