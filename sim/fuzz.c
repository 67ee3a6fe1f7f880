/* sim/fuzz.c: weft_fuzz_one, the body of a fuzz target (weft/fuzz.h).
 * Each input is one sim run with seed 0 and the "bytes" strategy fed
 * that input, so the input alone fixes the run; a failing run becomes
 * a `replay:` string of its decision log (seed 0 is the default, so the
 * replay command needs no seed) and an abort the fuzzer records. With
 * WEFT_FUZZ_SEED=input the seed (weft_random's draws, the faults) is a
 * hash of the input, which the replay command names. While
 * it runs, the scheduler's switch hook hashes each (from, to) pair of
 * sites into the target's counters, saturating at 255. With
 * WEFT_FUZZ_FORK the run is a forked child that counts into a shared
 * mapping, added into the counters when it ends. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "explore.h"
#include "explore_child.h"
#include "failfile.h"
#include "fuzz.h"
#include "sched.h"
#include "weft/fuzz.h"

#define STEP_LIMIT 100000 /* a run past it is a livelock */

static struct {
    bool fork, sched, seeded;
    const char *program, *replay;
} env;

static unsigned char *counters; /* where the hook counts, or NULL */
static size_t ncounters;

/* Read at each input: cheap beside a run, and a test can change it. */
static void read_env(void) {
    const char *v;
    env.fork = (v = getenv("WEFT_FUZZ_FORK")) && !strcmp(v, "1");
    env.sched = !(v = getenv("WEFT_FUZZ_SCHED_COVER")) || strcmp(v, "0");
    env.program = (v = getenv("WEFT_FUZZ_PROGRAM")) ? v : "PROG";
    env.replay = getenv("WEFT_FUZZ_REPLAY");
    env.seeded = (v = getenv("WEFT_FUZZ_SEED")) && !strcmp(v, "input");
}

static void count(bool wake, uintptr_t from, uintptr_t to) {
    uint64_t h = ((uint64_t)from * UINT64_C(0x9e3779b97f4a7c15)) ^
                 ((uint64_t)to + wake) * UINT64_C(0xc2b2ae3d27d4eb4f);
    h ^= h >> 29;
    unsigned char *c = &counters[h % ncounters];
    if (*c != 255) (*c)++;
}

/* The run's seed: 0, or with WEFT_FUZZ_SEED=input the FNV-1a hash of
 * the whole input. A hash, not bytes taken off the input: the bytes stay
 * the schedule from the first, so short inputs already preempt, and
 * every mutation also tries other draws. */
static uint64_t seed_of(const uint8_t *data, size_t size) {
    if (!env.seeded) return 0;
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (size_t i = 0; i < size; i++) {
        h = (h ^ data[i]) * UINT64_C(0x100000001b3);
    }
    return h;
}

static int run_here(const uint8_t *data, size_t size, int (*main)(void *),
                    void *arg, struct weft__run_report *r) {
    weft_config cfg;
    weft_config_init(&cfg);
    cfg.backend = WEFT_BACKEND_SIM;
    cfg.seed = seed_of(data, size);
    cfg.strategy = "bytes";
    r->step_limit = STEP_LIMIT;
    r->time_limit = 3600 * WEFT_SEC;
    weft__bytes_feed(data, size);
    weft__switch_hook = counters ? count : NULL;
    weft__sim_report = r;
    int rc = weft__run_exact(&cfg, main, arg);
    weft__sim_report = NULL;
    weft__switch_hook = NULL;
    weft__bytes_feed(NULL, 0);
    return r->ran ? 0 : rc ? rc : -EINVAL;
}

/* The run in a child; its counts reach `into` through a shared map. */
static int run_forked(const uint8_t *data, size_t size, int (*main)(void *),
                      void *arg, struct weft__run_report *r,
                      struct weft__outcome *o, unsigned char *into) {
    static unsigned char *shared;
    if (into && !shared) {
        shared = mmap(NULL, ncounters, PROT_READ | PROT_WRITE,
                      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (shared == MAP_FAILED) return -errno;
    }
    counters = into ? shared : NULL;
    int fds[2];
    if (pipe(fds)) return -errno;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) return -errno;
    if (pid == 0) {
        close(fds[0]);
        r->fd = fds[1];
        _exit(run_here(data, size, main, arg, r) ? 3 : 0);
    }
    close(fds[1]);
    int rc = weft__child_collect(pid, fds[0], 10 * WEFT_SEC, r, o);
    for (size_t i = 0; into && i < ncounters; i++) {
        unsigned sum = (unsigned)into[i] + shared[i];
        into[i] = (unsigned char)(sum > 255 ? 255 : sum);
        shared[i] = 0;
    }
    return rc;
}

/* Prints the failure with its replay command, saves it, aborts. */
static void fail(const struct weft__run_report *r,
                 const struct weft__outcome *o) {
    weft_explore_failure x;
    memset(&x, 0, sizeof x);
    x.seed = r->seed;
    x.kind = o->kind;
    x.result = o->result;
    snprintf(x.message, sizeof x.message, "%s", o->message);
    strcpy(x.strategy, "replay:");
    if (weft__dlog_format(&r->log, r->log.n, x.strategy + 7,
                          sizeof x.strategy - 7)) {
        snprintf(x.strategy, sizeof x.strategy, "replay:?(too long)");
    }
    char seed[40] = "";
    if (x.seed) snprintf(seed, sizeof seed, "WEFT_SEED=%llu ",
                         (unsigned long long)x.seed);
    fprintf(stderr, "weft-fuzz: FAIL kind=%s: %s\n"
                    "  replay: WEFT_BACKEND=sim %sWEFT_STRATEGY=%s %s\n",
            weft_failure_name(x.kind), x.message, seed, x.strategy,
            env.program);
    if (env.replay && !weft__failfile_write(env.replay, &x)) {
        fprintf(stderr, "  or: weft-explore --replay-file %s %s\n",
                env.replay, env.program);
    }
    fflush(stderr);
    abort();
}

int weft_fuzz_one(const uint8_t *data, size_t size, int (*main)(void *),
                  void *arg, unsigned char *into, size_t n) {
    static struct weft__run_report r; /* its log is kept across runs */
    /* AFL++'s libFuzzer driver warms up with the first 4 bytes of its
     * "##SIG_AFL_PERSISTENT##" marker: a schedule that may fail, which
     * would read as a crash before fuzzing starts */
    if (size == 4 && !memcmp(data, "##SI", 4)) return 0;
    read_env();
    if (!env.sched || !n) into = NULL;
    ncounters = n;
    struct weft__outcome o;
    int rc;
    r.fd = -1;
    if (env.fork) {
        rc = run_forked(data, size, main, arg, &r, &o, into);
    } else {
        counters = into;
        rc = run_here(data, size, main, arg, &r);
        if (!rc) weft__judge(&r, false, 0, &o);
    }
    if (rc) {
        fprintf(stderr, "weft-fuzz: no run could be made: %s\n",
                strerror(rc < 0 ? -rc : rc));
        abort();
    }
    if (o.kind != WEFT_FAILURE_NONE) fail(&r, &o);
    return 0;
}
