/* sim/explore.c: one step of a campaign and its account. A step asks
 * the strategy for the next run's string, makes the run through the
 * campaign's runner, judges it, re-runs a failure to check that the
 * same decisions come out (else the program is nondeterministic), and
 * with shrink looks for a failing schedule with fewer preemptions by
 * dropping the choices of its schedule string one at a time. The tally
 * counts runs, failures, distinct schedules and distinct outcomes. */
#include "config.h"

#include "explore.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "decision.h"

#define SHRINK_TRIALS 400 /* greedy drops tried */
#define SEARCH_RUNS 300   /* runs of the search for fewer preemptions */

static void judge_report(const struct weft__run_report *r,
                         struct weft__outcome *o) {
    if (r->rc == -EDEADLK) {
        o->kind = WEFT_FAILURE_DEADLOCK;
        snprintf(o->message, sizeof o->message, "deadlock: every task is "
                 "blocked and nothing can wake one");
    } else if (r->nleaks) {
        o->kind = WEFT_FAILURE_LEAK;
        snprintf(o->message, sizeof o->message, "%zu weft object(s) leaked",
                 r->nleaks);
    } else if (r->rc) {
        o->kind = WEFT_FAILURE_RESULT;
        snprintf(o->message, sizeof o->message, "weft_run returned %d (%s)",
                 r->rc, r->rc < 0 ? strerror(-r->rc) : "main's result");
    }
}

void weft__judge(const struct weft__run_report *r, bool have_status,
                 int status, struct weft__outcome *o) {
    memset(o, 0, sizeof *o);
    o->result = r->rc;
    if (r->ran && r->kind != WEFT_FAILURE_NONE) {
        o->kind = r->kind;
        snprintf(o->message, sizeof o->message, "%s", r->message);
    } else if (have_status && WIFSIGNALED(status)) {
        o->kind = WEFT_FAILURE_CRASH;
        o->result = WTERMSIG(status);
        snprintf(o->message, sizeof o->message, "killed by signal %d (%s)",
                 o->result, strsignal(o->result));
    } else if (r->ran) {
        judge_report(r, o);
    }
    if (o->kind == WEFT_FAILURE_NONE && have_status && WIFEXITED(status) &&
        WEXITSTATUS(status) != 0) {
        o->kind = WEFT_FAILURE_RESULT;
        o->result = WEXITSTATUS(status);
        snprintf(o->message, sizeof o->message, "exit status %d%s", o->result,
                 r->ran ? "" : " (no sim run reported)");
    }
}

int weft__campaign_init(struct weft__campaign *c, const char *spec) {
    const char *params;
    c->strategy = weft__strategy_find(spec, &params);
    int rc = c->strategy ? c->strategy->campaign_init(&c->camp, spec)
                         : -EINVAL;
    if (rc == -EINVAL) {
        fprintf(stderr, "weft: strategy '%s' is not valid; accepted: %s "
                        "(docs/EXPLORATION.md)\n", spec,
                weft__strategy_names());
    }
    return rc;
}

void weft__campaign_fini(struct weft__campaign *c) {
    if (c->strategy) c->strategy->campaign_fini(c->camp);
    weft__dlog_free(&c->report.log);
    weft__dlog_free(&c->again.log);
}

static uint64_t mix(uint64_t h, uint64_t v) {
    h ^= v + UINT64_C(0x9e3779b97f4a7c15) + (h << 6) + (h >> 2);
    return h;
}

/* The first choice where two logs differ (their length when one is a
 * prefix of the other); -1 when equal. */
static long first_difference(const struct weft__dlog *a,
                             const struct weft__dlog *b) {
    size_t n = a->n < b->n ? a->n : b->n;
    for (size_t i = 0; i < n; i++) {
        if (a->d[i].n != b->d[i].n || a->d[i].pick != b->d[i].pick) {
            return (long)i;
        }
    }
    return a->n == b->n ? -1 : (long)n;
}

static void check_determinism(struct weft__campaign *c, uint64_t seed,
                              weft_explore_failure *f) {
    struct weft__outcome o;
    if (c->runner.run(c->runner.ctx, seed, f->strategy, &c->again, &o)) {
        return;
    }
    long at = first_difference(&c->report.log, &c->again.log);
    if (at < 0 && o.kind == f->kind) return;
    f->kind = WEFT_FAILURE_NONDETERMINISM;
    snprintf(f->message, sizeof f->message,
             "a re-run of the seed %s (choice %ld): the program reads "
             "something outside weft's control", at < 0 ? "ended otherwise"
             : "took other decisions", at);
}

/* Writes "replay:" and the pairs of v but the one at skip (npairs: none)
 * to buf. 0 or -ENOSPC. */
static int format_pairs(const struct weft__sched_pair *v, size_t n,
                        size_t skip, char *buf, size_t cap) {
    size_t len = (size_t)snprintf(buf, cap, "replay:");
    for (size_t i = 0; i < n; i++) {
        if (i == skip) continue;
        int w = snprintf(buf + len, cap - len, "%s%s%llu.%u",
                         buf[len - 1] == ':' ? "" : ",", v[i].fault ? "f" : "",
                         (unsigned long long)v[i].step, (unsigned)v[i].offset);
        if (w < 0 || (size_t)w >= cap - len) return -ENOSPC;
        len += (size_t)w;
    }
    return 0;
}

/* Whether the run of (seed, spec) fails as kind; its log is in again. */
static bool still_fails(struct weft__campaign *c, uint64_t seed,
                        const char *spec, weft_failure kind) {
    struct weft__outcome o;
    return !c->runner.run(c->runner.ctx, seed, spec, &c->again, &o) &&
           o.kind == kind;
}

/* f->shrunk and f->preemptions from the run whose log is in again. */
static void take_shrunk(struct weft__campaign *c, weft_explore_failure *f) {
    memcpy(f->shrunk, "replay:", 8);
    if (weft__dlog_format(&c->again.log, c->again.log.n, f->shrunk + 7,
                          sizeof f->shrunk - 7)) {
        f->shrunk[0] = '\0';
        return;
    }
    f->preemptions = weft__dlog_preemptions(&c->again.log);
}

/* Looks for a schedule of the same seed with fewer than `have`
 * preemptions that fails the same way, by iterative context bounding
 * (dfs) from 0 preemptions: the first one found has the fewest, if the
 * search gets there within SEARCH_RUNS runs. */
static void search_fewer(struct weft__campaign *c, uint64_t seed,
                         weft_explore_failure *f, size_t have) {
    const char *params;
    const struct weft__strategy_ops *dfs = weft__strategy_find("dfs", &params);
    char spec[WEFT__SPEC_MAX];
    void *camp;
    snprintf(spec, sizeof spec, "dfs:%zu", have > 16 ? (size_t)16 : have - 1);
    if (dfs->campaign_init(&camp, spec)) return;
    for (size_t runs = 0; runs < SEARCH_RUNS; runs++) {
        struct weft__outcome o;
        if (dfs->next(camp, seed, spec, sizeof spec) ||
            c->runner.run(c->runner.ctx, seed, spec, &c->again, &o)) {
            break;
        }
        dfs->learn(camp, &c->again.log);
        if (o.kind == f->kind &&
            weft__dlog_preemptions(&c->again.log) < have) {
            take_shrunk(c, f);
            break;
        }
    }
    dfs->campaign_fini(camp);
}

/* The pairs of log's entries off their default into v (room for
 * log->n): every entry by its step, or (faults) the fault entries alone
 * by their index among the fault entries. */
static size_t pairs_of(const struct weft__dlog *log, bool faults,
                       struct weft__sched_pair *v) {
    size_t n = 0, nf = 0;
    for (size_t i = 0; i < log->n; i++) {
        bool fault = log->d[i].kind == WEFT__CHOICE_FAULT;
        uint32_t off = weft__decision_offset(&log->d[i]);
        if (off && (!faults || fault)) {
            v[n++] = (struct weft__sched_pair){faults ? nf : i, off, faults};
        }
        nf += fault;
    }
    return n;
}

/* The pairs to shrink from (owned by the caller), spec their string, a
 * run of which fails as kind: the failing run's whole schedule when it
 * fits in a strategy string; else (a simulated network's many
 * latencies) its fault choices alone, by fault index, so that the
 * choices dropped around them do not move them. NULL: neither fits and
 * fails. */
static struct weft__sched_pair *start_pairs(struct weft__campaign *c,
                                            uint64_t seed, weft_failure kind,
                                            char *spec, size_t *n) {
    const struct weft__dlog *log = &c->report.log;
    struct weft__sched_pair *v = malloc((log->n + 1) * sizeof *v);
    for (int faults = 0; v && faults < 2; faults++) {
        *n = pairs_of(log, faults, v);
        if (format_pairs(v, *n, *n, spec, WEFT__SPEC_MAX)) continue;
        if (still_fails(c, seed, spec, kind)) return v;
    }
    free(v);
    return NULL;
}

/* Drops the choices of f's schedule one at a time (see shrink). */
static void greedy(struct weft__campaign *c, uint64_t seed,
                   weft_explore_failure *f) {
    char spec[WEFT__SPEC_MAX];
    size_t n;
    struct weft__sched_pair *v = start_pairs(c, seed, f->kind, spec, &n);
    if (!v) return; /* nothing short enough fails: nothing to offer */
    size_t trials = 0;
    for (size_t i = n; i-- > 0 && trials < SHRINK_TRIALS; trials++) {
        char next[WEFT__SPEC_MAX];
        if (format_pairs(v, n, i, next, sizeof next)) continue;
        if (!still_fails(c, seed, next, f->kind)) continue;
        memmove(&v[i], &v[i + 1], (n - i - 1) * sizeof *v);
        n--;
    }
    if (format_pairs(v, n, n, spec, sizeof spec) == 0 &&
        still_fails(c, seed, spec, f->kind)) {
        take_shrunk(c, f);
    }
    free(v);
}

/* Greedy: drops each choice of the failing schedule (or of its faults:
 * start_pairs) in turn, from the last, keeping every drop after which
 * the run still fails the same way; then, if preemptions are left, a
 * bounded search for fewer. The result
 * is the string of the last failing run's own log. */
static void shrink(struct weft__campaign *c, uint64_t seed,
                   weft_explore_failure *f) {
    greedy(c, seed, f);
    size_t have = f->shrunk[0] ? f->preemptions
                               : weft__dlog_preemptions(&c->report.log);
    if (have > 0) search_fewer(c, seed, f, have);
}

/* The run of rec's strategy string ended with o: record it, and check
 * and shrink a failure. */
static void judged(struct weft__campaign *c, struct weft__record *rec,
                   const struct weft__outcome *o) {
    weft_explore_failure *f = &rec->fail;
    uint64_t seed = rec->seed;
    c->strategy->learn(c->camp, &c->report.log);
    rec->cover = c->report.cover;
    rec->schedule = weft__dlog_hash(&c->report.log);
    rec->outcome = mix(mix(0, (uint64_t)o->kind),
                       (uint64_t)(int64_t)o->result);
    if (o->kind == WEFT_FAILURE_NONE) return;
    f->seed = seed;
    f->kind = o->kind;
    f->result = o->result;
    f->preemptions = weft__dlog_preemptions(&c->report.log);
    snprintf(f->message, sizeof f->message, "%s", o->message);
    check_determinism(c, seed, f);
    if (c->shrink && f->kind != WEFT_FAILURE_NONDETERMINISM) {
        shrink(c, seed, f);
    }
}

void weft__campaign_step(struct weft__campaign *c, uint64_t seed,
                         struct weft__record *rec) {
    memset(rec, 0, sizeof *rec);
    rec->seed = seed;
    weft_explore_failure *f = &rec->fail;
    int rc = c->strategy->next(c->camp, seed, f->strategy,
                               sizeof f->strategy);
    if (rc == 0) {
        struct weft__outcome o;
        rc = c->runner.run(c->runner.ctx, seed, f->strategy, &c->report, &o);
        if (rc == 0) {
            judged(c, rec, &o);
            return;
        }
    }
    rec->end = rc == 1;
    rec->error = rc != 1;
    if (rec->error) {
        snprintf(f->message, sizeof f->message, "no run could be made "
                 "(seed %llu): %s", (unsigned long long)seed, strerror(-rc));
    }
}

/* ---- the tally ---- */

/* Adds h to the set; true when it was new. */
static bool set_add(uint64_t **set, size_t *n, size_t *cap, uint64_t h) {
    if (!h) h = 1; /* 0 marks a free slot */
    if (2 * (*n + 1) > *cap) {
        size_t ncap = *cap ? *cap * 2 : 1024;
        uint64_t *s = calloc(ncap, sizeof *s);
        if (!s) return false;
        for (size_t i = 0; i < *cap; i++) {
            if (!(*set)[i]) continue;
            size_t j = (*set)[i] & (ncap - 1);
            while (s[j]) j = (j + 1) & (ncap - 1);
            s[j] = (*set)[i];
        }
        free(*set);
        *set = s;
        *cap = ncap;
    }
    size_t j = h & (*cap - 1);
    while ((*set)[j]) {
        if ((*set)[j] == h) return false;
        j = (j + 1) & (*cap - 1);
    }
    (*set)[j] = h;
    (*n)++;
    return true;
}

void weft__tally_add(struct weft__tally *t, const struct weft__record *rec) {
    if (rec->end) {
        t->complete = true;
        return;
    }
    if (rec->error) return;
    t->runs++;
    set_add(&t->sched, &t->nsched, &t->capsched, rec->schedule);
    set_add(&t->outc, &t->noutc, &t->capoutc, rec->outcome);
    weft__cover_merge(&t->cover, &rec->cover);
    if (rec->fail.kind == WEFT_FAILURE_NONE) return;
    t->failures++;
    if (!t->have_first || rec->seed < t->first.seed) t->first = rec->fail;
    t->have_first = true;
}

void weft__tally_fini(struct weft__tally *t) {
    free(t->sched);
    free(t->outc);
}

/* ---- printing ---- */

void weft__json_string(FILE *f, const char *s) {
    fputc('"', f);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\') {
            fprintf(f, "\\%c", ch);
        } else if (ch < 0x20) {
            fprintf(f, "\\u%04x", ch);
        } else {
            fputc(ch, f);
        }
    }
    fputc('"', f);
}

/* A strategy string quoted for a shell when it needs it. */
static const char *quote(const char *s) {
    return strpbrk(s, " ;&|<>()$`\\\"'*?[#~") ? "'" : "";
}

void weft__print_failure(FILE *f, const weft_explore_failure *x,
                         const char *program, bool json) {
    char replay[1200], shrunk[1200] = "";
    snprintf(replay, sizeof replay,
             "WEFT_BACKEND=sim WEFT_SEED=%llu WEFT_STRATEGY=%s%s%s %s",
             (unsigned long long)x->seed, quote(x->strategy), x->strategy,
             quote(x->strategy), program);
    if (x->shrunk[0]) {
        snprintf(shrunk, sizeof shrunk,
                 "WEFT_BACKEND=sim WEFT_SEED=%llu WEFT_STRATEGY=%s %s",
                 (unsigned long long)x->seed, x->shrunk, program);
    }
    if (!json) {
        fprintf(f, "FAIL seed=%llu strategy=%s kind=%s: %s\n  replay: %s\n",
                (unsigned long long)x->seed, x->strategy,
                weft_failure_name(x->kind), x->message, replay);
        if (shrunk[0]) {
            fprintf(f, "  shrunk (%zu preemption%s): %s\n", x->preemptions,
                    x->preemptions == 1 ? "" : "s", shrunk);
        }
        return;
    }
    fprintf(f, "{\"event\":\"failure\",\"seed\":%llu,\"strategy\":",
            (unsigned long long)x->seed);
    weft__json_string(f, x->strategy);
    fprintf(f, ",\"kind\":\"%s\",\"result\":%d,\"message\":",
            weft_failure_name(x->kind), x->result);
    weft__json_string(f, x->message);
    fputs(",\"replay\":", f);
    weft__json_string(f, replay);
    if (shrunk[0]) {
        fprintf(f, ",\"preemptions\":%zu,\"shrunk\":", x->preemptions);
        weft__json_string(f, shrunk);
    }
    fputs("}\n", f);
}

void weft__print_summary(FILE *f, const struct weft__tally *t,
                         const char *strategy, const char *describe,
                         double seconds, bool json) {
    double rate = seconds > 0 ? (double)t->runs / seconds : 0;
    if (json) {
        fprintf(f, "{\"event\":\"summary\",\"strategy\":");
        weft__json_string(f, strategy);
        fprintf(f, ",\"runs\":%llu,\"failures\":%llu,\"schedules\":%zu,"
                   "\"outcomes\":%zu,\"complete\":%s,\"seconds\":%.3f,"
                   "\"runs_per_second\":%.0f}\n",
                (unsigned long long)t->runs, (unsigned long long)t->failures,
                t->nsched, t->noutc, t->complete ? "true" : "false", seconds,
                rate);
        return;
    }
    fprintf(f, "explored %llu run(s) with %s in %.2f s (%.0f runs/s): %llu "
               "failed; %zu distinct schedule(s), %zu distinct outcome(s)\n",
            (unsigned long long)t->runs, strategy, seconds, rate,
            (unsigned long long)t->failures, t->nsched, t->noutc);
    if (describe && describe[0]) fprintf(f, "%s\n", describe);
}

const char *weft_failure_name(weft_failure kind) {
    static const char *const names[] = {
#define NAME(id, name) name,
        WEFT_FAILURE_MAP(NAME)
#undef NAME
    };
    return (unsigned)kind < WEFT_FAILURE_COUNT ? names[kind] : "?";
}
