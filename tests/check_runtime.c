/* tests/check_runtime.c: weft_run (its configuration: check_config.c),
 * the clock, determinism of the simulator, deadlock reports and fork. */
#include "config.h"

#include <fcntl.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "sched.h"

/* Runs fn under cfg with stderr captured into buf. */
static int run_capturing(const weft_config *cfg, int (*fn)(void *), void *arg,
                         char *buf, size_t n) {
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    FILE *tmp = tmpfile();
    dup2(fileno(tmp), STDERR_FILENO);
    int rc = weft_run(cfg, fn, arg);
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    rewind(tmp);
    size_t got = fread(buf, 1, n - 1, tmp);
    buf[got] = '\0';
    fclose(tmp);
    return rc;
}

static int nothing(void *arg) {
    (void)arg;
    return 0;
}

/* ---- environment ---- */

static int long_sleep(void *arg) {
    weft_time *at = arg;
    at[0] = weft_now();
    ck_assert_int_eq(weft_sleep(3600 * WEFT_SEC), 0);
    at[1] = weft_now();
    return 0;
}

START_TEST(runtime_env_selects_sim_with_virtual_clock) {
    setenv("WEFT_BACKEND", "sim", 1);
    setenv("WEFT_SEED", "0x2a", 1);
    weft_time at[2];
    weft_time wall = weft_now();
    ck_assert_int_eq(weft_run(NULL, long_sleep, at), 0); /* real in cfg */
    ck_assert_int_eq(at[0], 0);
    ck_assert_int_eq(at[1], 3600 * WEFT_SEC);
    ck_assert_int_lt(weft_now() - wall, 60 * WEFT_SEC);
}
END_TEST

static int short_sleep(void *arg) {
    weft_time *elapsed = arg;
    weft_time t0 = weft_now();
    ck_assert_int_eq(weft_sleep(20 * WEFT_MSEC), 0);
    *elapsed = weft_now() - t0;
    return 0;
}

START_TEST(runtime_real_sleep_lasts_at_least_its_duration) {
    weft_time elapsed = 0;
    ck_assert_int_eq(run_real(short_sleep, &elapsed), 0);
    ck_assert_int_ge(elapsed, 20 * WEFT_MSEC);
}
END_TEST

/* ---- determinism ---- */

struct trace_buf {
    char s[256];
    size_t n;
};

struct step_arg {
    struct trace_buf *t;
    char letter;
    bool fixed_sleep; /* 1 ms instead of a random 0-2 ms */
};

static int stepper(void *arg) {
    struct step_arg *a = arg;
    for (int i = 0; i < 4; i++) {
        a->t->s[a->t->n++] = a->letter;
        weft_time ms = a->fixed_sleep ? 1 : (weft_time)(weft_random() % 3);
        if (i == 1) weft_sleep(ms * WEFT_MSEC);
        weft_sched_point("step");
    }
    return 0;
}

static int interleave(void *arg) {
    struct step_arg args[4];
    weft_group g;
    weft_group_init(&g);
    for (int i = 0; i < 4; i++) {
        args[i].t = arg;
        args[i].letter = (char)('a' + i);
        args[i].fixed_sleep = false;
        weft_spawn(&g, "stepper", stepper, &args[i]);
    }
    int rc = weft_group_join(&g);
    weft_group_destroy(&g);
    return rc;
}

START_TEST(runtime_same_seed_same_schedule) {
    char first[256] = "";
    int distinct = 0;
    for (uint64_t seed = 0; seed < 50; seed++) {
        struct trace_buf a = {{0}, 0};
        struct trace_buf b = {{0}, 0};
        ck_assert_int_eq(run_sim(seed, interleave, &a), 0);
        ck_assert_int_eq(run_sim(seed, interleave, &b), 0);
        ck_assert_msg(!strcmp(a.s, b.s), "seed=%llu: %s vs %s",
                      (unsigned long long)seed, a.s, b.s);
        ck_assert_uint_eq(a.n, 16);
        if (seed == 0) {
            strcpy(first, a.s);
        } else if (strcmp(first, a.s)) {
            distinct++;
        }
    }
    ck_assert_int_gt(distinct, 40); /* seeds explore different schedules */
}
END_TEST

static int draw(void *arg) {
    uint64_t *out = arg;
    for (int i = 0; i < 4; i++) out[i] = weft_random();
    return 0;
}

START_TEST(runtime_random_replays_under_sim) {
    uint64_t a[4];
    uint64_t b[4];
    uint64_t c[4];
    ck_assert_int_eq(run_sim(11, draw, a), 0);
    ck_assert_int_eq(run_sim(11, draw, b), 0);
    ck_assert_int_eq(run_sim(12, draw, c), 0);
    ck_assert(!memcmp(a, b, sizeof a));
    ck_assert(memcmp(a, c, sizeof a));
}
END_TEST

static int count_sched_points(void *arg) {
    struct trace_buf *t = arg;
    struct step_arg args[2] = {{t, 'x', true}, {t, 'y', true}};
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "x", stepper, &args[0]);
    weft_spawn(&g, "y", stepper, &args[1]);
    int rc = weft_group_join(&g);
    weft_group_destroy(&g);
    return rc;
}

START_TEST(runtime_sched_point_free_under_real) {
    struct trace_buf t = {{0}, 0};
    ck_assert_int_eq(run_real(count_sched_points, &t), 0);
    /* FIFO and no switch at schedule points: each runs to its sleep. */
    ck_assert_str_eq(t.s, "xxyyxxyy");
}
END_TEST

/* ---- deadlock ---- */

static struct weft__waitq gate;

static int wait_forever(void *arg) {
    (void)arg;
    struct weft__wait w;
    return weft__park(&gate, &w, WEFT_NEVER, 0);
}

static int deadlocking(void *arg) {
    (void)arg;
    static const struct weft__site site = {"gate.c", 12};
    weft__waitq_init(&gate, "test gate", &gate, &site);
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "stuck", wait_forever, NULL);
    int rc = weft_group_join(&g);
    weft_group_destroy(&g);
    return rc;
}

START_TEST(runtime_deadlock_reports_each_task) {
    char buf[2048];
    weft_config cfg;
    weft_config_init(&cfg);
    cfg.backend = _i ? WEFT_BACKEND_SIM : WEFT_BACKEND_REAL;
    int rc = run_capturing(&cfg, deadlocking, NULL, buf, sizeof buf);
    ck_assert_int_eq(rc, -EDEADLK);
    ck_assert_msg(strstr(buf, "weft: deadlock: 2 task(s) blocked"), "%s", buf);
    ck_assert_msg(strstr(buf, "task 'main' (id 1) waits in weft_group_join() "
                              "on group created at"), "%s", buf);
    ck_assert_msg(strstr(buf, "for its running task(s) 'stuck' (id 2)"), "%s",
                  buf);
    ck_assert_msg(strstr(buf, "task 'stuck' (id 2) waits on test gate"), "%s",
                  buf);
    ck_assert_msg(strstr(buf, "created at gate.c:12"), "%s", buf);
    /* The runtime is usable again afterwards. */
    ck_assert_int_eq(run_sim(1, nothing, NULL), 0);
}
END_TEST

/* ---- fork inside a task ---- */

/* The child of a fork inside a task shared its parent's epoll set and
 * wake-up eventfd; a child that went on using its copy of the runtime
 * took the parent's wake-ups, and the parent blocked in epoll_wait
 * forever. Now any weft call in such a child is misuse naming fork, its
 * copies of the kernel objects are closed, and a weft_run of its own
 * gets fresh ones. Every wait here is on an event, never a duration. */

struct forked {
    void (*child)(struct forked *f);
    weft_lock lock;   /* the parent's, for a child that tries it */
    pid_t pid;
    int status;       /* the child's, from waitpid */
    char err[1024];   /* the child's stderr */
    int job_result;
};

static int answer(void *arg) {
    (void)arg;
    return 42;
}

/* Forks; the child runs f->child with stderr into a pipe, then _exits
 * (f->child NULL: returns -1 at once). Returns the pipe's read end. */
static int fork_child(struct forked *f) {
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    fflush(stdout);
    fflush(stderr);
    f->pid = fork();
    ck_assert_int_ge(f->pid, 0);
    if (f->pid == 0) {
        dup2(fds[1], STDERR_FILENO);
        close(fds[0]);
        if (!f->child) return -1;
        f->child(f);
        _exit(0);
    }
    close(fds[1]);
    return fds[0];
}

static void read_all(int fd, char *buf, size_t n) {
    size_t got = 0;
    ssize_t r;
    while (got < n - 1 && (r = read(fd, buf + got, n - 1 - got)) > 0) {
        got += (size_t)r;
    }
    buf[got] = '\0';
    close(fd);
}

/* The parent: the child ends (waitpid), then a run_sync job, whose
 * completion comes back through the eventfd, must still reach us. */
static int fork_then_run_sync(void *arg) {
    struct forked *f = arg;
    ck_assert_int_eq(weft_lock_init(&f->lock), 0);
    int errfd = fork_child(f);
    if (errfd < 0) return 0; /* the child: its task returns */
    read_all(errfd, f->err, sizeof f->err);
    ck_assert_int_eq(waitpid(f->pid, &f->status, 0), f->pid);
    f->job_result = weft_run_sync(answer, NULL, 0);
    weft_lock_destroy(&f->lock);
    return 0;
}

static void child_yields(struct forked *f) {
    (void)f;
    weft_yield();
}

static void child_inits_group(struct forked *f) {
    (void)f;
    weft_group g;
    weft_group_init(&g);
}

static void child_takes_parents_lock(struct forked *f) {
    weft_lock_acquire(&f->lock);
}

START_TEST(regress_7_fork_child_weft_call_is_misuse) {
    static void (*const calls[])(struct forked *) = {
        child_yields, child_inits_group, child_takes_parents_lock, NULL};
    struct forked f = {.child = calls[_i]};
    ck_assert_int_eq(run_real(fork_then_run_sync, &f), 0);
    ck_assert_msg(WIFSIGNALED(f.status) && WTERMSIG(f.status) == SIGABRT,
                  "child status=%d stderr=%s", f.status, f.err);
    ck_assert_msg(strstr(f.err, "weft: misuse: ") &&
                      strstr(f.err, "forked inside a weft task"),
                  "stderr=%s", f.err);
    ck_assert_int_eq(f.job_result, 42);
}
END_TEST

/* The kernel objects of the parent's runtime the child still holds: its
 * epoll set and eventfd (the test process has no others). */
static int count_runtime_fds(void) {
    DIR *d = opendir("/proc/self/fd");
    if (!d) return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        char path[300];
        char link[64];
        snprintf(path, sizeof path, "/proc/self/fd/%s", e->d_name);
        ssize_t len = readlink(path, link, sizeof link - 1);
        if (len < 0) continue;
        link[len] = '\0';
        if (!strcmp(link, "anon_inode:[eventpoll]") ||
            !strcmp(link, "anon_inode:[eventfd]")) {
            n++;
        }
    }
    closedir(d);
    return n;
}

/* Keeps the rule (no weft call), and reports what it could misuse. */
static void child_counts_fds(struct forked *f) {
    (void)f;
    int n = count_runtime_fds();
    if (n) fprintf(stderr, "the child holds %d of the parent's fds\n", n);
    _exit(n == 0 ? 0 : 1);
}

/* The child's copies of the epoll set and the eventfd are closed at the
 * fork, so not even a child that ignores the rule can take the parent's
 * wake-ups (the set is shared with the parent, not copied). */
START_TEST(regress_7_fork_child_holds_no_runtime_fds) {
    struct forked f = {.child = child_counts_fds};
    ck_assert_int_eq(run_real(fork_then_run_sync, &f), 0);
    ck_assert_msg(WIFEXITED(f.status) && WEXITSTATUS(f.status) == 0,
                  "child status=%d stderr=%s", f.status, f.err);
    ck_assert_int_eq(f.job_result, 42);
}
END_TEST

static int sleep_then_run_sync(void *arg) {
    (void)arg;
    ck_assert_int_eq(weft_sleep(WEFT_MSEC), 0); /* a timer: the epoll path */
    return weft_run_sync(answer, NULL, 0) == 42 ? 0 : 1;
}

/* A runtime of its own: fresh epoll set, eventfd and worker threads. */
static void child_runs_its_own(struct forked *f) {
    (void)f;
    int rc = weft_run(NULL, sleep_then_run_sync, NULL);
    if (rc) fprintf(stderr, "weft_run in the child: %d\n", rc);
    _exit(rc ? 1 : 0);
}

START_TEST(regress_7_fork_child_runs_fresh_runtime) {
    struct forked f = {.child = child_runs_its_own};
    ck_assert_int_eq(run_real(fork_then_run_sync, &f), 0);
    ck_assert_msg(WIFEXITED(f.status) && WEXITSTATUS(f.status) == 0,
                  "child status=%d stderr=%s", f.status, f.err);
    ck_assert_int_eq(f.job_result, 42);
}
END_TEST

Suite *runtime_suite(void);
Suite *runtime_suite(void) {
    Suite *s = suite_create("runtime");
    TCase *tc = tcase_create("basic");
    tcase_add_test(tc, runtime_env_selects_sim_with_virtual_clock);
    tcase_add_test(tc, runtime_real_sleep_lasts_at_least_its_duration);
    tcase_add_test(tc, runtime_same_seed_same_schedule);
    tcase_add_test(tc, runtime_random_replays_under_sim);
    tcase_add_test(tc, runtime_sched_point_free_under_real);
    tcase_add_loop_test(tc, runtime_deadlock_reports_each_task, 0, 2);
    suite_add_tcase(s, tc);
    tc = tcase_create("fork");
    tcase_add_loop_test(tc, regress_7_fork_child_weft_call_is_misuse, 0, 4);
    tcase_add_test(tc, regress_7_fork_child_holds_no_runtime_fds);
    tcase_add_test(tc, regress_7_fork_child_runs_fresh_runtime);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return run_suite(runtime_suite()); }
