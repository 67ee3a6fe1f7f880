/* weft/sim.h: the simulator's exploration of schedules
 * (docs/EXPLORATION.md; docs/ARCHITECTURE.md "Strategies").
 *
 * Under the sim backend every scheduling choice is made by a strategy
 * from the run's seed, so (seed, strategy string) reproduces a run
 * exactly. weft_explore runs a function over many seeds or schedules and
 * reports the runs that fail, each with the command that replays it;
 * the installed weft-explore(1) does the same for any weft program. */
#ifndef WEFT_SIM_H
#define WEFT_SIM_H

#include "weft/common.h"
#include "weft/task.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The default seed of a sim run when neither weft_config.seed nor
 * WEFT_SEED sets one. */
#define WEFT_SEED_DEFAULT 0

/* How a run failed, as X(identifier, "name"). */
#define WEFT_FAILURE_MAP(X)                                                  \
    X(NONE, "none")           /* the run passed */                           \
    X(RESULT, "result")       /* main returned non-zero */                   \
    X(ASSERT, "assert")       /* a WEFT_ASSERT failed */                     \
    X(CRASH, "crash")         /* a signal killed the run (isolated) */       \
    X(DEADLOCK, "deadlock")   /* every task blocked, nothing to wake one */  \
    X(LEAK, "leak")           /* a weft object leaked (weft/leak.h) */       \
    X(LIVELOCK, "livelock")   /* past the step or virtual-time bound */      \
    X(HANG, "hang")           /* past the real-time limit (isolated) */      \
    X(NONDETERMINISM, "nondeterminism") /* a re-run took another path */

typedef enum weft_failure {
#define WEFT_FAILURE_ENUM(id, name) WEFT_FAILURE_##id,
    WEFT_FAILURE_MAP(WEFT_FAILURE_ENUM)
#undef WEFT_FAILURE_ENUM
    WEFT_FAILURE_COUNT
} weft_failure;

/* "deadlock" for WEFT_FAILURE_DEADLOCK; "?" when out of range. */
WEFT_API const char *weft_failure_name(weft_failure kind);

typedef struct weft_explore_opts {
    uint64_t seed_first;   /* first seed (default 1) */
    uint64_t seed_count;   /* seeds to run (default 100) */
    const char *strategy;  /* "random" (default), "pct:D", "dfs:B",
                              "replay:S" */
    bool isolate;          /* fork each run from this process: a crash
                              or hang is a failing seed, not the end */
    unsigned jobs;         /* worker processes forked from this one, each
                              with every jobs-th seed (0, 1: none; not
                              with dfs, whose runs are in order) */
    bool shrink;           /* look for the failing schedule with the
                              fewest preemptions */
    bool quiet;            /* no report on stderr */
    size_t stop_after;     /* stop after this many failures (0: 1) */
    uint64_t max_steps;    /* livelock bound in steps (0: 1,000,000) */
    weft_time max_time;    /* livelock bound in virtual time (0: 1 hour) */
    weft_time run_timeout; /* isolate: real-time limit of a run (0: 10 s) */
    const char *program;   /* the replay line's program ("./prog") */
    const char *trace_dir; /* each failure is run once more (in a child)
                              recording its trace to
                              trace_dir/seed-N.trace; NULL: none */
    const char *const *require_cover; /* NULL-terminated labels: the
                              campaign fails unless some run reached each
                              WEFT_COVER(label) (weft/buggify.h) */
    /* room to grow: add fields at the end only */
} weft_explore_opts;

/* The first failure of a campaign. */
typedef struct weft_explore_failure {
    uint64_t seed;
    weft_failure kind;
    int result;           /* weft_run's result, or the signal (CRASH) */
    char strategy[512];   /* the run's strategy string (exact replay) */
    char message[256];    /* one line */
    char shrunk[512];     /* with shrink: "replay:..." of the failing
                             schedule with the fewest preemptions found,
                             else "" */
    size_t preemptions;   /* of shrunk (or of the failing run) */
} weft_explore_failure;

typedef struct weft_explore_result {
    uint64_t runs;        /* runs made */
    uint64_t failures;    /* runs that failed */
    uint64_t schedules;   /* distinct decision logs seen */
    uint64_t outcomes;    /* distinct (kind, result) pairs seen */
    bool complete;        /* dfs: the whole bounded space was covered */
    weft_explore_failure first;  /* valid when failures > 0 */
} weft_explore_result;

/* Fills *o with the defaults. Cannot fail. */
WEFT_API void weft_explore_opts_init(weft_explore_opts *o);

/* Runs main(arg) under the sim backend once per seed (or per schedule,
 * for dfs), the campaign choosing its own seeds: WEFT_SEED, WEFT_STRATEGY
 * and WEFT_BACKEND in the environment are ignored, with a note on stderr
 * when they are set. A run fails as the WEFT_FAILURE_* kinds say; each
 * failing seed is run again and must take the same decisions (else it
 * is reported as nondeterminism). Unless quiet, prints each failure
 * (seed, strategy, kind, message, replay command), a summary and the
 * cover marks reached. Returns 0 when no run failed, 1 when one did or
 * no run reached a required cover mark (res->failures is then 0 if no
 * run failed; a message names the mark); -EINVAL for bad options
 * (a message says which), -EBUSY inside a runtime, -ENOMEM. res may be
 * NULL. */
WEFT_API int weft_explore(const weft_explore_opts *o, int (*main)(void *),
                          void *arg, weft_explore_result *res);

/* What a run can ask about itself, so its own messages can carry the
 * replay line. Outside a runtime: 0 and NULL. */
WEFT_API uint64_t weft_seed(void);          /* sim: the run's seed */
WEFT_API const char *weft_backend(void);    /* "sim" or "real" */
WEFT_API const char *weft_strategy(void);   /* sim: the strategy string;
                                               real: NULL */

/* An assertion about the program under test. Under sim it prints the
 * expression, file:line, seed, strategy and the replay command; inside
 * an exploration it fails the run (the campaign goes on), alone it
 * aborts. Under the real backend or outside a runtime: prints and
 * aborts, like assert(). Always compiled in. */
#define WEFT_ASSERT(cond)                                                    \
    ((cond) ? (void)0 : weft_assert_fail(#cond, __FILE__, __LINE__))

WEFT_API
#if defined(__GNUC__)
__attribute__((noreturn))
#endif
void weft_assert_fail(const char *expr, const char *file, int line);


/* ---- The simulated network (docs/NETWORK.md) ----
 *
 * Under sim, weft_tcp_*, weft_read, weft_write, weft_fd_wait and
 * weft_close run over an in-memory network: reliable ordered byte
 * streams whose latency, segmenting and faults are strategy decisions.
 * A program that makes no host is one implicit host, "local", whose
 * loopback (127.0.0.1, ::1) works. Host names in the calls below are a
 * comma-separated list ("db1,db2"; "*": every host, "local" included).
 * Each call returns 0 or -errno: -ENOTSUP under the real backend,
 * -ENOENT for an unknown name, -EINVAL for bad arguments. Misuse:
 * outside a task. */

/* The most hosts a run may have, the implicit one included. */
#define WEFT_SIM_MAX_HOSTS 64

/* Starts host `name` at the numeric address addr ("10.0.0.1", an IPv6
 * one too) as a task of g: main(durable) runs as the root of the host's
 * own task tree, and every task it spawns belongs to the host (its
 * listeners, its connections, its loopback). durable is the host's
 * disk: it survives weft_sim_crash, and weft_sim_restart runs main on it
 * again. The host ends when main returns, or when g is cancelled. Errors:
 * -EINVAL (bad name or address, main NULL), -EEXIST (name taken),
 * -EADDRINUSE (address taken), -ENOSPC (WEFT_SIM_MAX_HOSTS reached),
 * -ENOMEM, -ENOTSUP (real backend). */
WEFT_API int weft_sim_host_spawn(weft_group *g, const char *name,
                                 const char *addr, int (*main)(void *),
                                 void *durable);

/* The calling task's host name ("local" for the implicit host); NULL
 * under the real backend or outside a runtime. */
WEFT_API const char *weft_sim_host_name(void);

/* Segments from hosts in `from` to hosts in `to` are dropped (and
 * retransmitted, as TCP does, until healed); unless oneway, the other
 * way too. New connections across time out. */
WEFT_API int weft_sim_partition(const char *from, const char *to,
                                bool oneway);
/* Undoes partitions from `from` to `to` and back ("*", "*": all). */
WEFT_API int weft_sim_heal(const char *from, const char *to);
/* Links between `from` and `to`, both ways, deliver nothing for
 * duration; what was sent meanwhile arrives after, in order. */
WEFT_API int weft_sim_clog(const char *from, const char *to,
                           weft_time duration);
/* Adds extra to every latency between `from` and `to` for duration. */
WEFT_API int weft_sim_spike(const char *from, const char *to,
                            weft_time extra, weft_time duration);
/* The bounds of the latency between `from` and `to` (0 <= min <= max):
 * each segment's is min + (max - min) * k / 7, k in 0..7 a decision. */
WEFT_API int weft_sim_latency(const char *from, const char *to,
                              weft_time min, weft_time max);
/* Resets every connection between hosts of `a` and hosts of `b`: both
 * ends get -ECONNRESET. */
WEFT_API int weft_sim_reset(const char *a, const char *b);
/* Crashes a host: its sockets close as at a process's death, its whole
 * task tree is cancelled, and its network calls fail from now on. Only
 * its durable state survives (docs/NETWORK.md says exactly what). -EALREADY:
 * it is down; -EINVAL: "local" (the implicit host cannot crash). */
WEFT_API int weft_sim_crash(const char *host);
/* Runs a crashed host's main again on its durable state, once its old
 * tree has ended. -EALREADY: it is up. */
WEFT_API int weft_sim_restart(const char *host);
/* Enables seed-chosen faults: a comma-separated list of "partition",
 * "clog", "spike", "reset", "crash" (crash restarts after a while), or
 * "all", or "off"; optionally "/MS", one decision every MS milliseconds
 * of virtual time (default 1000). WEFT_SIM_FAULTS sets it for every run
 * in the environment. -EINVAL (a message says why). */
WEFT_API int weft_sim_faults(const char *spec);

#ifdef __cplusplus
}
#endif
#endif
