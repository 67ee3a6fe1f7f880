/* sim/explore_api.c: weft_explore, a campaign in this process: each run
 * is a weft_run with the campaign's seed and strategy string (the
 * environment does not override them), made here or, with isolate, in a
 * child forked from this warm process. Also what a run can ask about
 * itself (seed, backend, strategy) and WEFT_ASSERT's failure path. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "explore.h"
#include "explore_child.h"
#include "trace_check.h"
#include "sched.h"
#include "trace.h"
#include "weft/sim.h"

struct inproc {
    const weft_explore_opts *o;
    int (*main)(void *);
    void *arg;
};

static void set_limits(const weft_explore_opts *o, struct weft__run_report *r) {
    r->step_limit = o->max_steps ? o->max_steps : 1000000;
    r->time_limit = o->max_time ? o->max_time : 3600 * WEFT_SEC;
}

static int run_here(struct inproc *p, uint64_t seed, const char *spec,
                    struct weft__run_report *r) {
    weft_config cfg;
    weft_config_init(&cfg);
    cfg.backend = WEFT_BACKEND_SIM;
    cfg.seed = seed;
    cfg.strategy = spec;
    set_limits(p->o, r);
    weft__sim_report = r;
    int rc = weft__run_exact(&cfg, p->main, p->arg);
    weft__sim_report = NULL;
    r->fd = -1;
    if (!r->ran) rc = rc ? rc : -EINVAL;
    return r->ran ? 0 : rc;
}

static int run_inproc(void *ctx, uint64_t seed, const char *spec,
                      struct weft__run_report *r, struct weft__outcome *o) {
    r->fd = -1;
    int rc = run_here(ctx, seed, spec, r);
    if (rc) return rc;
    weft__judge(r, false, 0, o);
    return 0;
}

static int run_forked(void *ctx, uint64_t seed, const char *spec,
                      struct weft__run_report *r, struct weft__outcome *o) {
    struct inproc *p = ctx;
    int fds[2];
    if (pipe(fds)) return -errno;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -EAGAIN;
    }
    if (pid == 0) {
        close(fds[0]);
        r->fd = fds[1];
        _exit(run_here(p, seed, spec, r) ? 3 : 0);
    }
    close(fds[1]);
    weft_time limit = p->o->run_timeout ? p->o->run_timeout : 10 * WEFT_SEC;
    return weft__child_collect(pid, fds[0], limit, r, o);
}

void weft_explore_opts_init(weft_explore_opts *o) {
    memset(o, 0, sizeof *o);
    o->seed_first = 1;
    o->seed_count = 100;
    o->strategy = "random";
}

/* Says so when the environment asks for what the campaign decides. */
static void note_environment(void) {
    static const char *const vars[] = {"WEFT_SEED", "WEFT_STRATEGY",
                                       "WEFT_BACKEND"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i]);
        if (v) {
            fprintf(stderr, "weft_explore: ignoring %s=%s from the "
                            "environment: the campaign chooses its seeds "
                            "and strategy\n", vars[i], v);
        }
    }
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *own_program(void) {
    extern char *program_invocation_name;
    return program_invocation_name ? program_invocation_name : "./prog";
}

/* Where a loop's records go: the tally of this process, or (fd >= 0) a
 * pipe to the parent, which keeps the tally of its workers. */
struct sink {
    struct weft__tally *t;
    const weft_explore_opts *o;
    const char *program;
    int fd;
    int (*main)(void *); /* for record_trace */
    void *arg;
};

/* Runs failure f once more in a child, recording its trace to path. */
static void traced_run(const struct sink *s, const weft_explore_failure *f,
                       const char *path) {
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        weft_config cfg;
        weft_config_init(&cfg);
        cfg.backend = WEFT_BACKEND_SIM;
        cfg.seed = f->seed;
        cfg.strategy = f->strategy;
        cfg.trace_path = path;
        struct weft__run_report r = {.fd = -1};
        set_limits(s->o, &r);
        weft__sim_report = &r; /* the bounds, and asserts stop the run */
        _exit(weft__run_exact(&cfg, s->main, s->arg) ? 1 : 0);
    }
    if (pid > 0) waitpid(pid, NULL, 0);
}

/* The failure's trace, recorded twice: the two must be the same (else
 * the program is nondeterministic though its decisions matched). */
static void record_trace(const struct sink *s, const weft_explore_failure *f) {
    char path[1100];
    char again[1200];
    snprintf(path, sizeof path, "%s/seed-%llu.trace", s->o->trace_dir,
             (unsigned long long)f->seed);
    weft__trace_again_path(path, again, sizeof again);
    traced_run(s, f, path);
    traced_run(s, f, again);
    bool differ = weft__traces_differ(path, again) == 1;
    if (!differ) unlink(again);
    if (s->o->quiet) return;
    fprintf(stderr, "  trace: %s\n", path);
    if (differ) {
        fprintf(stderr, "  nondeterminism: a re-run of this seed wrote "
                        "another trace (weft-trace diff %s %s)\n",
                path, again);
    }
}

/* Takes one record; true when the campaign should stop. */
static bool take(struct sink *s, const struct weft__record *rec) {
    if (s->fd >= 0) {
        return write(s->fd, rec, sizeof *rec) != (ssize_t)sizeof *rec;
    }
    if (rec->error) {
        if (!s->o->quiet) fprintf(stderr, "weft_explore: %s\n",
                                  rec->fail.message);
        return true;
    }
    weft__tally_add(s->t, rec);
    if (rec->end) return true;
    if (rec->fail.kind == WEFT_FAILURE_NONE) return false;
    if (!s->o->quiet) weft__print_failure(stderr, &rec->fail, s->program,
                                          false);
    if (s->o->trace_dir) record_trace(s, &rec->fail);
    return s->t->failures >= (s->o->stop_after ? s->o->stop_after : 1);
}

/* The campaign loop over seeds first + k, + k + stride, ... (dfs: one
 * seed, many schedules). */
static void campaign_loop(struct weft__campaign *c, const weft_explore_opts *o,
                          uint64_t k, uint64_t stride, struct sink *s) {
    bool one_seed = c->strategy->one_seed;
    uint64_t count = o->seed_count ? o->seed_count : one_seed ? 100000 : 100;
    for (uint64_t i = k; i < count; i += stride) {
        struct weft__record rec;
        weft__campaign_step(c, o->seed_first + (one_seed ? 0 : i), &rec);
        if (take(s, &rec) || rec.end || rec.error) break;
    }
}

/* Reads the workers' records until each closed its pipe or the
 * campaign should stop. */
static void collect(struct pollfd *p, unsigned n, struct sink *s) {
    unsigned open = n;
    while (open) {
        if (poll(p, n, -1) < 0 && errno != EINTR) return;
        for (unsigned k = 0; k < n; k++) {
            struct weft__record rec;
            if (p[k].fd < 0 || !p[k].revents) continue;
            if (read(p[k].fd, &rec, sizeof rec) != (ssize_t)sizeof rec) {
                p[k].fd = -1; /* ended; run_workers closes it */
                open--;
                continue;
            }
            if (take(s, &rec)) return;
        }
    }
}

/* jobs workers, forked from this warm process, run every jobs-th seed
 * and send their records here. */
static void run_workers(struct weft__campaign *c, const weft_explore_opts *o,
                        struct sink *s) {
    unsigned n = o->jobs > 64 ? 64 : o->jobs;
    pid_t pids[64];
    int rfds[64];
    struct pollfd p[64];
    unsigned open = 0;
    fflush(NULL);
    for (unsigned k = 0; k < n; k++) {
        int fds[2];
        if (pipe(fds)) break;
        pids[open] = fork();
        if (pids[open] == 0) {
            close(fds[0]);
            struct sink to_parent = {NULL, o, s->program, fds[1], NULL,
                                     NULL};
            campaign_loop(c, o, k, n, &to_parent);
            _exit(0);
        }
        close(fds[1]);
        if (pids[open] < 0) {
            close(fds[0]);
            break;
        }
        rfds[open] = fds[0];
        p[open++] = (struct pollfd){.fd = fds[0], .events = POLLIN};
    }
    collect(p, open, s);
    for (unsigned k = 0; k < open; k++) {
        kill(pids[k], SIGKILL);
        waitpid(pids[k], NULL, 0);
        close(rfds[k]);
    }
}

/* Whether a required cover mark was never reached (named unless quiet). */
static bool missed_cover(const weft_explore_opts *o,
                         const struct weft__tally *t) {
    bool missed = false;
    for (const char *const *l = o->require_cover; l && *l; l++) {
        if (weft__cover_find(&t->cover, *l)) continue;
        if (!o->quiet) {
            fprintf(stderr, "weft_explore: no run reached the cover mark "
                            "'%s' (require_cover)\n", *l);
        }
        missed = true;
    }
    return missed;
}

int weft_explore(const weft_explore_opts *o_in, int (*main_fn)(void *),
                 void *arg, weft_explore_result *res) {
    if (weft__rt_current()) return -EBUSY;
    weft_explore_opts o;
    if (o_in) {
        o = *o_in;
    } else {
        weft_explore_opts_init(&o);
    }
    if (!main_fn || !o.strategy) return -EINVAL;
    struct inproc p = {&o, main_fn, arg};
    struct weft__campaign c;
    memset(&c, 0, sizeof c);
    int rc = weft__campaign_init(&c, o.strategy);
    if (rc) return rc;
    c.shrink = o.shrink;
    /* The campaign ignores WEFT_SEED: its failures replay through a
     * weft_run of the same function under that environment. */
    c.program = o.program ? o.program
                          : "(for a weft_run of the explored function)";
    c.runner.run = o.isolate ? run_forked : run_inproc;
    c.runner.ctx = &p;
    if (!o.quiet) note_environment();
    struct weft__tally t;
    memset(&t, 0, sizeof t);
    double start = now_s();
    struct sink s = {&t, &o, c.program, -1, main_fn, arg};
    if (o.jobs > 1 && !c.strategy->one_seed) {
        run_workers(&c, &o, &s);
    } else {
        campaign_loop(&c, &o, 0, 1, &s);
    }
    char describe[256];
    c.strategy->describe(c.camp, describe, sizeof describe);
    if (!o.quiet) {
        weft__print_summary(stderr, &t, o.strategy, describe,
                            now_s() - start, false);
        weft__cover_print(stderr, &t.cover, false); /* WEFT_COVER marks */
    }
    if (res) {
        memset(res, 0, sizeof *res);
        res->runs = t.runs;
        res->failures = t.failures;
        res->schedules = t.nsched;
        res->outcomes = t.noutc;
        res->complete = t.complete;
        if (t.have_first) res->first = t.first;
    }
    rc = t.failures || missed_cover(&o, &t) ? 1 : 0;
    weft__tally_fini(&t);
    weft__campaign_fini(&c);
    return rc;
}

/* ---- what a run can ask ---- */

uint64_t weft_seed(void) {
    const struct weft__rt *rt = weft__rt_current();
    return rt && rt->backend->sched_points ? rt->cfg->seed : 0;
}

const char *weft_backend(void) {
    const struct weft__rt *rt = weft__rt_current();
    return rt ? rt->backend->name : NULL;
}

const char *weft_strategy(void) {
    const struct weft__rt *rt = weft__rt_current();
    if (!rt || !rt->backend->sched_points) return NULL;
    return rt->cfg->strategy ? rt->cfg->strategy : "random";
}

void weft_assert_fail(const char *expr, const char *file, int line) {
    struct weft__rt *rt = weft__rt_current();
    char what[200];
    snprintf(what, sizeof what, "WEFT_ASSERT(%s)", expr);
    weft__trace_abort(WEFT_EV_ASSERT, what, file, line); /* and flushed */
    if (!rt || !rt->backend->sched_points) {
        fprintf(stderr, "weft: WEFT_ASSERT(%s) failed at %s:%d\n", expr,
                file, line);
        abort();
    }
    const char *strategy = weft_strategy();
    if (!weft__sim_report) { /* an in-process campaign reports it itself */
        fprintf(stderr, "weft: WEFT_ASSERT(%s) failed at %s:%d [backend=sim "
                        "seed=%llu strategy=%s step=%llu]\n  replay: "
                        "WEFT_BACKEND=sim WEFT_SEED=%llu WEFT_STRATEGY=%s %s\n",
                expr, file, line, (unsigned long long)rt->cfg->seed,
                strategy, (unsigned long long)rt->steps,
                (unsigned long long)rt->cfg->seed, strategy, own_program());
    }
    struct weft__run_report *r = weft__report_current();
    if (!r || !rt->current) abort();
    r->kind = WEFT_FAILURE_ASSERT;
    snprintf(r->message, sizeof r->message, "WEFT_ASSERT(%s) failed at %s:%d",
             expr, file, line);
    weft__sched_stop(rt, -ENOTRECOVERABLE);
    abort(); /* not reached: the stopped task never runs again */
}
