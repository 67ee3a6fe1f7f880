/* sim/explore_cli.c: weft-explore's options (every bad one is a usage
 * error, exit 2, with a message that names it), the environment of a
 * child run, and the parent's loop over the workers' records: tally,
 * failures, a live progress line on a terminal, the summary. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "explore.h"
#include "explore_cli.h"
#include "trace_check.h"

static const char usage[] =
    "usage: weft-explore [OPTIONS] PROG [ARGS...]\n"
    "Runs PROG under the weft simulator over many seeds or schedules and\n"
    "reports each failing run with the command that replays it.\n"
    "  --seeds A..B        seeds A to B (default 1..100)\n"
    "  --count N           N seeds from the first (default 100)\n"
    "  --strategy S        random (default), pct:D, dfs:B, replay:S\n"
    "  -j N                N worker processes (default 1)\n"
    "  --stop-after N      stop after N failures (default 1, 0: never)\n"
    "  --time-limit SECS   stop the campaign after SECS seconds\n"
    "  --isolate           each run in a process of its own (always on:\n"
    "                      forked from the program's warm fork server)\n"
    "  --exec              one exec per run instead of the fork server\n"
    "                      (programs with threads started before weft_run)\n"
    "  --max-steps N       livelock bound in steps (default 1000000)\n"
    "  --max-time SECS     livelock bound in virtual seconds (default 3600)\n"
    "  --run-timeout SECS  real-time limit of one run: a hang (default 10)\n"
    "  --shrink            find a failing schedule with fewer preemptions\n"
    "  --trace-dir DIR     record each failing run's trace in DIR\n"
    "  --json              JSON lines on stdout\n"
    "  --progress, --no-progress  the live line (default: on a terminal)\n"
    "  -v, --verbose       show the program's own output\n"
    "  --require-cover L   fail unless a run reached WEFT_COVER(L)\n"
    "  --replay-file FILE  one run with FILE's strategy and seed (a\n"
    "                      fuzzer's or --corpus's failure file)\n"
    "  --corpus DIR        replay DIR's failures first; save new ones\n"
    "  --shard K/N         only the K-th of N disjoint parts of the seeds\n"
    "  --junit FILE        a JUnit XML report of the campaign\n"
    "weft-explore merge FILES...  the summary of shards' --json outputs\n"
    "Exit status: 0 no failure, 1 a failure, 2 a usage error.\n"
    "See weft-explore(1) and docs/EXPLORATION.md.\n";

static int bad(const char *opt, const char *value, const char *want) {
    fprintf(stderr, "weft-explore: %s '%s' is not valid: %s\n"
                    "Try 'weft-explore --help'.\n", opt, value, want);
    return 2;
}

static bool to_u64(const char *s, uint64_t *out) {
    char *end;
    if (!*s || *s == '-' || *s == '+') return false;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end) return false;
    *out = v;
    return true;
}

static bool to_seconds(const char *s, double *out) {
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v > 0) || v > 1e9) return false;
    *out = v;
    return true;
}

/* "A..B" with A <= B. */
static bool to_range(const char *s, uint64_t *first, uint64_t *count) {
    const char *dots = strstr(s, "..");
    if (!dots) return false;
    char a[32];
    size_t len = (size_t)(dots - s);
    if (len == 0 || len >= sizeof a) return false;
    memcpy(a, s, len);
    a[len] = '\0';
    uint64_t lo, hi;
    if (!to_u64(a, &lo) || !to_u64(dots + 2, &hi) || hi < lo ||
        hi - lo == UINT64_MAX) {
        return false;
    }
    *first = lo;
    *count = hi - lo + 1;
    return true;
}

static void defaults(struct weft__cli *c) {
    memset(c, 0, sizeof *c);
    c->first = 1;
    c->count = 100;
    c->strategy = "random";
    c->jobs = 1;
    c->stop_after = 1;
    c->max_steps = 1000000;
    c->max_time = 3600 * WEFT_SEC;
    c->run_timeout = 10 * WEFT_SEC;
    c->progress = isatty(STDERR_FILENO);
    weft__ci_init(&c->ci);
}

/* The value of option argv[*i] ("--opt V" or "--opt=V"); NULL when it
 * is not opt. *missing: opt without a value. */
static const char *value_of(int argc, char **argv, int *i, const char *opt,
                            bool *missing) {
    size_t n = strlen(opt);
    if (strncmp(argv[*i], opt, n)) return NULL;
    if (argv[*i][n] == '=') return argv[*i] + n + 1;
    if (argv[*i][n]) return NULL;
    if (*i + 1 >= argc) {
        *missing = true;
        return NULL;
    }
    return argv[++*i];
}

/* Parses a value option at argv[*i]: 0 parsed, 1 not this kind, 2 bad. */
static int value_option(struct weft__cli *c, int argc, char **argv, int *i) {
    static const char *const opts[] = {
        "--seeds", "--count", "--strategy", "-j", "--stop-after",
        "--time-limit", "--max-steps", "--max-time", "--run-timeout",
        "--trace-dir"};
    for (size_t k = 0; k < sizeof opts / sizeof opts[0]; k++) {
        bool missing = false;
        const char *v = value_of(argc, argv, i, opts[k], &missing);
        if (missing) return bad(opts[k], "", "it needs a value");
        if (!v) continue;
        uint64_t u = 0;
        double d = 0;
        bool ok = true;
        switch (k) {
        case 0:
            ok = to_range(v, &c->first, &c->count);
            c->count_given = true;
            break;
        case 1:
            ok = to_u64(v, &c->count) && c->count > 0;
            c->count_given = true;
            break;
        case 2: c->strategy = v; break;
        case 3:
            ok = to_u64(v, &u) && u >= 1 && u <= WEFT__CLI_MAX_JOBS;
            c->jobs = (unsigned)u;
            break;
        case 4: ok = to_u64(v, &c->stop_after); break;
        case 5: ok = to_seconds(v, &c->time_limit); break;
        case 6: ok = to_u64(v, &c->max_steps) && c->max_steps > 0; break;
        case 7:
            ok = to_seconds(v, &d);
            c->max_time = (weft_time)(d * WEFT_SEC);
            break;
        case 8:
            ok = to_seconds(v, &d);
            c->run_timeout = (weft_time)(d * WEFT_SEC);
            break;
        default:
            ok = *v && access(v, W_OK | X_OK) == 0;
            c->trace_dir = v;
            break;
        }
        static const char *const want[] = {
            "a range A..B of seeds, A <= B", "a count of seeds >= 1", "",
            "a number of workers, 1 to 64", "a number of failures, 0: never",
            "seconds > 0", "a number of steps >= 1", "seconds > 0",
            "seconds > 0", "a directory this user can write"};
        return ok ? 0 : bad(opts[k], v, want[k]);
    }
    return 1;
}

static int flag_option(struct weft__cli *c, const char *a) {
    if (!strcmp(a, "--shrink")) {
        c->shrink = true;
    } else if (!strcmp(a, "--json")) {
        c->json = true;
    } else if (!strcmp(a, "--progress")) {
        c->progress = true;
    } else if (!strcmp(a, "--no-progress")) {
        c->progress = false;
    } else if (!strcmp(a, "--exec")) {
        c->exec_each = true;
    } else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
        c->verbose = true;
    } else if (strcmp(a, "--isolate") != 0) {
        return 1;
    }
    return 0;
}

/* Joins argv into a command line, quoting words that need it. */
static void make_command(struct weft__cli *c) {
    size_t len = 0;
    for (char **a = c->argv; *a && len < sizeof c->command; a++) {
        bool q = !**a || strpbrk(*a, " \t'\"$`\\*?;&|<>()[]#~") != NULL;
        len += (size_t)snprintf(c->command + len, sizeof c->command - len,
                                "%s%s%s%s", len ? " " : "", q ? "'" : "", *a,
                                q ? "'" : "");
    }
}

/* The strategy must parse, and the program must be there. */
static int check_choices(struct weft__cli *c) {
    struct weft__campaign camp;
    memset(&camp, 0, sizeof camp);
    if (weft__campaign_init(&camp, c->strategy)) {
        return bad("--strategy", c->strategy,
                   "random, pct:D, dfs:B or replay:S");
    }
    c->one_seed = camp.strategy->one_seed;
    weft__campaign_fini(&camp);
    if (c->one_seed && !c->count_given) c->count = 100000; /* ends itself */
    if (c->one_seed && c->jobs > 1) {
        return bad("-j", "> 1", "dfs runs its schedules in order: use -j 1");
    }
    if (strchr(c->argv[0], '/') && access(c->argv[0], X_OK)) {
        return bad("PROG", c->argv[0], strerror(errno));
    }
    make_command(c);
    return 0;
}

int weft__cli_parse(struct weft__cli *c, int argc, char **argv) {
    defaults(c);
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--")) {
            i++;
            break;
        }
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            fputs(usage, stdout);
            c->jobs = 0;
            return 0;
        }
        int rc = weft__ci_option(c, argc, argv, &i);
        if (rc == 1) rc = value_option(c, argc, argv, &i);
        if (rc == 1) rc = flag_option(c, argv[i]) ? bad("option", argv[i],
                                      "unknown; see --help") : 0;
        if (rc) return rc;
    }
    if (i >= argc) {
        fprintf(stderr, "weft-explore: no program to explore\n%s", usage);
        return 2;
    }
    c->argv = argv + i;
    return check_choices(c);
}

void weft__cli_exec_child(const struct weft__cli *c, uint64_t seed,
                          const char *spec, int fd, int req, int rsp) {
    char buf[160];
    int keep = dup(fd); /* without O_CLOEXEC: it crosses exec */
    int keep_req = req < 0 ? -1 : dup(req);
    int keep_rsp = rsp < 0 ? -1 : dup(rsp);
    setenv("WEFT_BACKEND", "sim", 1);
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)seed);
    setenv("WEFT_SEED", buf, 1);
    setenv("WEFT_STRATEGY", spec, 1);
    int n = snprintf(buf, sizeof buf, "fd=%d,steps=%llu,time=%lld", keep,
                     (unsigned long long)c->max_steps, (long long)c->max_time);
    if (keep_req >= 0) {
        snprintf(buf + n, sizeof buf - (size_t)n, ",req=%d,rsp=%d", keep_req,
                 keep_rsp);
    }
    setenv("WEFT_EXPLORE", buf, 1);
    if (!c->verbose) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
    }
    execvp(c->argv[0], c->argv);
    _exit(127);
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void progress(const struct weft__cli *c, const struct weft__tally *t,
                     double elapsed, bool last) {
    double rate = elapsed > 0 ? (double)t->runs / elapsed : 0;
    double left = rate > 0 && t->runs < c->count
                      ? (double)(c->count - t->runs) / rate : 0;
    fprintf(stderr, "\r\033[Kexplore: %llu/%llu runs  %.0f runs/s  "
                    "%llu failed  ETA %.0f s%s",
            (unsigned long long)t->runs, (unsigned long long)c->count, rate,
            (unsigned long long)t->failures, left, last ? "\n" : "");
}

/* Runs the failure once more with WEFT_TRACE=path; whether the file
 * was written. */
static bool traced_run(const struct weft__cli *c, const weft_explore_failure *f,
                       const char *path) {
    int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        setenv("WEFT_TRACE", path, 1);
        weft__cli_exec_child(c, f->seed, f->strategy, null, -1, -1);
    }
    close(null);
    if (pid > 0) waitpid(pid, NULL, 0);
    return pid > 0 && access(path, R_OK) == 0;
}

/* The failure's trace file (weft-trace(1) reads it), recorded twice: the
 * two must be the same (sim/trace_check.c), else the program is
 * nondeterministic even though its decisions matched. Prints where it
 * is. */
static void record_trace(const struct weft__cli *c,
                         const weft_explore_failure *f) {
    char path[1100];
    char again[1200];
    snprintf(path, sizeof path, "%s/seed-%llu.trace", c->trace_dir,
             (unsigned long long)f->seed);
    weft__trace_again_path(path, again, sizeof again);
    if (!traced_run(c, f, path)) {
        fprintf(stderr, "weft-explore: no trace recorded for seed %llu\n",
                (unsigned long long)f->seed);
        return;
    }
    bool differ = traced_run(c, f, again) &&
                  weft__traces_differ(path, again) == 1;
    if (!differ) unlink(again);
    if (c->json) {
        printf("{\"event\":\"trace\",\"seed\":%llu,\"same_on_rerun\":%s,"
               "\"path\":", (unsigned long long)f->seed,
               differ ? "false" : "true");
        weft__json_string(stdout, path);
        fputs("}\n", stdout);
        return;
    }
    printf("  trace: %s (weft-trace dump %s)\n", path, path);
    if (differ) {
        printf("  nondeterminism: a re-run of this seed wrote another trace "
               "(weft-trace diff %s %s): the program reads something outside "
               "weft's control\n", path, again);
    }
}

/* Handles one record; true when the campaign should stop. */
static bool take(const struct weft__cli *c, struct weft__tally *t,
                 const struct weft__record *rec, char *describe, size_t n) {
    if (rec->account) {
        if (rec->fail.message[0]) snprintf(describe, n, "%s",
                                           rec->fail.message);
        return false;
    }
    if (rec->error) {
        fprintf(stderr, "weft-explore: %s\n", rec->fail.message);
        return true;
    }
    weft__tally_add(t, rec);
    if (rec->end || rec->fail.kind == WEFT_FAILURE_NONE) return false;
    if (c->progress) fputs("\r\033[K", stderr);
    weft__ci_failure(c, &rec->fail);
    weft__print_failure(stdout, &rec->fail, c->command, c->json);
    if (c->trace_dir) record_trace(c, &rec->fail);
    fflush(stdout);
    return c->stop_after && t->failures >= c->stop_after;
}

/* SIGINT or SIGTERM: the campaign ends like at its time limit, so the
 * workers (in process groups of their own) are ended with it. */
static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig) {
    (void)sig;
    interrupted = 1;
}

int weft__cli_collect(const struct weft__cli *c, const int *fds,
                      const pid_t *pids) {
    struct sigaction sa = {.sa_handler = on_interrupt};
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    struct pollfd p[WEFT__CLI_MAX_JOBS];
    unsigned open = c->jobs;
    (void)pids;
    for (unsigned k = 0; k < c->jobs; k++) {
        p[k] = (struct pollfd){.fd = fds[k], .events = POLLIN};
    }
    struct weft__tally t;
    memset(&t, 0, sizeof t);
    char describe[256] = "";
    double start = now_s(), shown = 0;
    bool stop = false;
    while (open && !stop && !interrupted) {
        double elapsed = now_s() - start;
        if (c->time_limit && elapsed >= c->time_limit) break;
        if (c->progress && elapsed - shown >= 0.2) {
            progress(c, &t, elapsed, false);
            shown = elapsed;
        }
        if (poll(p, c->jobs, 200) <= 0) continue;
        for (unsigned k = 0; k < c->jobs && !stop; k++) {
            if (p[k].fd < 0 || !p[k].revents) continue;
            struct weft__record rec;
            if (read(p[k].fd, &rec, sizeof rec) != (ssize_t)sizeof rec) {
                close(p[k].fd);
                p[k].fd = -1;
                open--;
                continue;
            }
            stop = take(c, &t, &rec, describe, sizeof describe);
        }
    }
    double elapsed = now_s() - start;
    if (c->progress) progress(c, &t, elapsed, true);
    if (interrupted) fputs("weft-explore: interrupted\n", stderr);
    weft__print_summary(stdout, &t, c->strategy, describe, elapsed, c->json);
    int rc = weft__ci_finish(c, &t, t.failures ? 1 : 0);
    weft__tally_fini(&t);
    return rc;
}
