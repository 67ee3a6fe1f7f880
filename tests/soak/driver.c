/* tests/soak/driver.c: the soak's command line. Runs each seed in a forked
 * child (at most -j at once) with an alarm as its hang guard and its
 * stderr in a file of its own, and judges the child's end against the
 * plan: a normal exit 0, or the deadlock or misuse abort the plan asked
 * for. A crash, an abort, a hang or a broken invariant fails the seed
 * with one line giving the seed and the command that replays it alone,
 * followed by the end of the child's stderr. Invariant: every child is
 * reaped and its file removed before the driver exits. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "soak.h"

#define MAXJOBS 64
#define DEFAULT_COUNT 300

struct opts {
    uint64_t first, last;  /* seed range, inclusive */
    bool unbounded;        /* no range given, a time limit is */
    bool one;              /* --seed: replay in this process */
    long time_limit;       /* seconds, 0: none */
    long timeout;          /* per seed, seconds */
    int jobs;
    unsigned features;
    const char *self;      /* how to run this program again */
};

struct slot {
    pid_t pid;
    uint64_t seed;
    char log[64];
};

static void usage(FILE *f) {
    fprintf(f,
            "usage: soak [--seeds A..B | --count N] [--time-limit SEC] "
            "[-j N]\n"
            "            [--timeout SEC] [--features LIST] [--without LIST]\n"
            "       soak --seed S [--features LIST] [--without LIST]\n"
            "Runs random weft programs under the simulator, one per seed "
            "(default:\n"
            "seeds 1..%d; with only --time-limit, seeds from 1 until the "
            "time is up).\n"
            "--seed runs one seed in this process (for gdb). --timeout: "
            "per seed\n(default 60). LIST: comma-separated of\n  all",
            DEFAULT_COUNT);
    for (int i = 0; i < SK_NFEATURES; i++) {
        fprintf(f, ", %s", sk_feature_names[i]);
    }
    fprintf(f, "\ndefault features:");
    for (int i = 0; i < SK_NFEATURES; i++) {
        if (SK_DEFAULT_FEATURES & (1u << i)) {
            fprintf(f, " %s", sk_feature_names[i]);
        }
    }
    fprintf(f, "\n");
}

static void bad(const char *fmt, const char *arg) {
    fprintf(stderr, "soak: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n");
    usage(stderr);
    exit(2);
}

static uint64_t parse_u64(const char *s, const char *what) {
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || end == s || *end || *s == '-') bad("bad %s", what);
    return v;
}

static long parse_pos(const char *s, const char *what) {
    uint64_t v = parse_u64(s, what);
    if (v == 0 || v > LONG_MAX) bad("%s must be positive", what);
    return (long)v;
}

static void parse_range(struct opts *o, const char *s) {
    const char *dots = strstr(s, "..");
    if (!dots) bad("--seeds wants A..B, got '%s'", s);
    char first[32];
    size_t n = (size_t)(dots - s);
    if (n == 0 || n >= sizeof first) bad("--seeds wants A..B, got '%s'", s);
    memcpy(first, s, n);
    first[n] = '\0';
    o->first = parse_u64(first, "seed range");
    o->last = parse_u64(dots + 2, "seed range");
    if (o->last < o->first) bad("empty seed range '%s'", s);
}

static const char *need(int argc, char **argv, int *i) {
    if (*i + 1 >= argc) bad("%s needs a value", argv[*i]);
    return argv[++*i];
}

static void parse_features(struct opts *o, const char *list, bool without) {
    unsigned mask;
    if (sk_feature_parse(list, &mask)) bad("unknown feature in '%s'", list);
    o->features = without ? o->features & ~mask : mask;
}

static void parse(struct opts *o, int argc, char **argv) {
    bool range = false;
    *o = (struct opts){1, DEFAULT_COUNT, false, false, 0, 60, 1,
                       SK_DEFAULT_FEATURES, argv[0]};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--seeds")) {
            parse_range(o, need(argc, argv, &i));
            range = true;
        } else if (!strcmp(a, "--count")) {
            o->first = 1;
            o->last = (uint64_t)parse_pos(need(argc, argv, &i), "--count");
            range = true;
        } else if (!strcmp(a, "--seed")) {
            o->first = o->last = parse_u64(need(argc, argv, &i), "--seed");
            o->one = true;
        } else if (!strcmp(a, "--time-limit")) {
            o->time_limit = parse_pos(need(argc, argv, &i), "--time-limit");
        } else if (!strcmp(a, "--timeout")) {
            o->timeout = parse_pos(need(argc, argv, &i), "--timeout");
        } else if (!strcmp(a, "-j")) {
            o->jobs = (int)parse_pos(need(argc, argv, &i), "-j");
            if (o->jobs > MAXJOBS) bad("-j: at most 64", a);
        } else if (!strcmp(a, "--features")) {
            parse_features(o, need(argc, argv, &i), false);
        } else if (!strcmp(a, "--without")) {
            parse_features(o, need(argc, argv, &i), true);
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            exit(0);
        } else {
            bad("unknown argument '%s'", a);
        }
    }
    if (o->one && (range || o->time_limit)) {
        bad("%s", "--seed replays one seed: no --seeds, --count or "
                  "--time-limit with it");
    }
    o->unbounded = !range && !o->one && o->time_limit;
}

/* The command that replays one seed, as a user would type it. */
static void print_replay(const struct opts *o, uint64_t seed) {
    char path[PATH_MAX];
    const char *self = o->self;
    if (strchr(self, '/') && realpath(self, path)) self = path;
    printf("replay: %s --seed %" PRIu64, self, seed);
    if (o->features != SK_DEFAULT_FEATURES) {
        printf(" --features ");
        const char *sep = "";
        for (int i = 0; i < SK_NFEATURES; i++) {
            if (!(o->features & (1u << i))) continue;
            printf("%s%s", sep, sk_feature_names[i]);
            sep = ",";
        }
    }
    printf("\n");
}

/* The child's stderr, read whole (NUL-terminated, malloc'ed). */
static char *slurp(const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) return NULL;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    for (size_t n; buf && (n = fread(buf + len, 1, cap - len - 1, f)) > 0;) {
        len += n;
        if (len + 1 == cap) buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    if (buf) buf[len] = '\0';
    return buf;
}

/* How the child ended, in words. */
static void describe(int st, char *buf, size_t n) {
    if (WIFEXITED(st)) {
        snprintf(buf, n, "exit status %d", WEXITSTATUS(st));
    } else if (WTERMSIG(st) == SIGALRM) {
        snprintf(buf, n, "hang: no end within the timeout");
    } else {
        snprintf(buf, n, "killed by signal %d (%s)", WTERMSIG(st),
                 strsignal(WTERMSIG(st)));
    }
}

/* Why the seed failed, or NULL when it ended as its plan says. */
static const char *judge(const struct sk_plan *p, int st, const char *err,
                         char *why, size_t n) {
    char how[64];
    describe(st, how, sizeof how);
    bool aborted = WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT;
    if (p->expect == SK_EXPECT_MISUSE) {
        char needle[80];
        const char *call = sk_misuse_calls[p->wl[0].variant];
        snprintf(needle, sizeof needle, "weft: misuse: %s", call);
        if (aborted && strstr(err, needle)) return NULL;
        snprintf(why, n, "want a misuse abort in %s, got %s", call, how);
    } else if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
        if (p->expect != SK_EXPECT_DEADLOCK || strstr(err, "weft: deadlock"))
            return NULL;
        snprintf(why, n, "no deadlock report");
    } else {
        snprintf(why, n, "%s", how);
    }
    return why;
}

/* Prints 25 lines of the child's stderr, indented: from a sanitizer's
 * report when there is one (its first lines name the fault), else the
 * last ones. */
static void print_tail(const char *err) {
    const char *start = strstr(err, "ERROR: AddressSanitizer");
    if (!start) start = strstr(err, "runtime error:");
    if (start) {
        while (start > err && start[-1] != '\n') start--;
    } else {
        start = err + strlen(err);
        for (int lines = 0; start > err && lines <= 25; start--) {
            if (start[-1] == '\n') lines++;
        }
    }
    int lines = 0;
    for (const char *l = start; *l && lines++ < 25;) {
        size_t n = strcspn(l, "\n");
        printf("    %.*s\n", (int)n, l);
        l += n + (l[n] == '\n');
    }
}

static bool report(const struct opts *o, const struct slot *s, int st) {
    struct sk_plan p;
    char why[128];
    sk_plan_make(&p, s->seed, o->features);
    char *err = slurp(s->log);
    unlink(s->log);
    const char *bad_end = judge(&p, st, err ? err : "", why, sizeof why);
    if (bad_end) {
        printf("soak: FAIL seed %" PRIu64 ": %s; ", s->seed, bad_end);
        print_replay(o, s->seed);
        sk_plan_print(&p, stdout);
        if (err) print_tail(err);
        fflush(stdout);
    }
    free(err);
    return bad_end != NULL;
}

static void child(const struct opts *o, const struct slot *s) {
    int fd = open(s->log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || dup2(fd, 2) < 0) _exit(99);
    close(fd);
    alarm((unsigned)o->timeout);
    struct sk_plan p;
    sk_plan_make(&p, s->seed, o->features);
    exit(sk_run_plan(&p));
}

static double elapsed(const struct timespec *t0) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) +
           (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static int launch(const struct opts *o, struct slot *s, uint64_t seed) {
    s->seed = seed;
    snprintf(s->log, sizeof s->log, "/tmp/weft-soak.%d.%" PRIu64,
             (int)getpid(), seed);
    fflush(NULL);
    s->pid = fork();
    if (s->pid < 0) return -1;
    if (s->pid == 0) child(o, s);
    return 0;
}

/* The next seed to run, unless the range or the time is used up. */
static bool take(const struct opts *o, uint64_t *next, bool *exhausted,
                 const struct timespec *t0, uint64_t *seed) {
    if (*exhausted) return false;
    if (o->time_limit && elapsed(t0) >= (double)o->time_limit) return false;
    *seed = (*next)++;
    *exhausted = (!o->unbounded && *seed == o->last) || *next == 0;
    return true;
}

/* Runs the seeds, at most o->jobs children at once. */
static int soak(const struct opts *o) {
    struct slot slots[MAXJOBS] = {{0}};
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    uint64_t next = o->first, seed, nrun = 0, nfail = 0;
    bool exhausted = false;
    int running = 0;
    for (;;) {
        for (int i = 0; i < o->jobs; i++) {
            if (slots[i].pid) continue;
            if (!take(o, &next, &exhausted, &t0, &seed)) break;
            if (launch(o, &slots[i], seed) < 0) {
                perror("soak: fork");
                return 2;
            }
            running++;
        }
        if (running == 0) break;
        int st;
        pid_t pid = wait(&st);
        if (pid < 0) break;
        for (int i = 0; i < o->jobs; i++) {
            if (slots[i].pid != pid) continue;
            nfail += report(o, &slots[i], st);
            slots[i].pid = 0;
            running--;
            nrun++;
        }
    }
    printf("soak: %" PRIu64 " seed(s) from %" PRIu64 ", %" PRIu64
           " failed, %.1f s, -j %d\n",
           nrun, o->first, nfail, elapsed(&t0), o->jobs);
    return nfail ? 1 : 0;
}

int main(int argc, char **argv) {
    struct opts o;
    parse(&o, argc, argv);
    if (!o.one) return soak(&o);
    struct sk_plan p;
    sk_plan_make(&p, o.first, o.features);
    sk_plan_print(&p, stderr);
    int rc = sk_run_plan(&p);
    fprintf(stderr, "soak: seed %" PRIu64 ": %s\n", o.first,
            rc ? "FAILED" : "passed");
    return rc;
}
