/* tests/sync_test.c: see sync_test.h. */
#include "sync_test.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"

bool under_sim;

struct body {
    int (*fn)(void *);
    void *arg;
};

/* Once weft_run returned: nothing leaked (every init met its destroy). */
static int no_leaks(int rc) {
    size_t leaks = weft_leaks(NULL, 0);
    ck_assert_msg(leaks == 0, "%zu weft object(s) leaked", leaks);
    return rc;
}

int sim(uint64_t seed, int (*fn)(void *), void *arg) {
    under_sim = true;
    return no_leaks(run_sim(seed, fn, arg));
}

int both(int i, int (*fn)(void *), void *arg) {
    under_sim = i > 0;
    return no_leaks(run_both(i, fn, arg));
}

void spawn(weft_group *g, const char *name, int (*fn)(void *), void *arg) {
    ck_assert_int_eq(weft_spawn(g, name, fn, arg), 0);
}

int join(weft_group *g) {
    int rc = weft_group_join(g);
    weft_group_destroy(g);
    return rc;
}

/* Runs fn(arg) in a child process; returns its wait status and its
 * stderr in buf. */
static int in_child(void (*fn)(void *), void *arg, char *buf, size_t n) {
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    fflush(stderr);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        dup2(fds[1], STDERR_FILENO);
        close(fds[0]);
        fn(arg);
        _exit(0);
    }
    close(fds[1]);
    size_t got = 0;
    ssize_t r;
    while (got < n - 1 && (r = read(fds[0], buf + got, n - 1 - got)) > 0) {
        got += (size_t)r;
    }
    buf[got] = '\0';
    close(fds[0]);
    int status;
    waitpid(pid, &status, 0);
    return status;
}

static void expect_misuse_v(void (*fn)(void *), void *arg, va_list ap) {
    char buf[4096];
    int status = in_child(fn, arg, buf, sizeof buf);
    ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT,
                  "status=%d stderr=%s", status, buf);
    ck_assert_msg(strstr(buf, "weft: misuse: "), "stderr=%s", buf);
    const char *needle;
    while ((needle = va_arg(ap, const char *))) {
        ck_assert_msg(strstr(buf, needle), "'%s' not in stderr=%s", needle,
                      buf);
    }
}

static void run_sim_child(void *arg) {
    const struct body *b = arg;
    run_sim(1, b->fn, b->arg);
}

void expect_misuse(int (*fn)(void *), void *arg, ...) {
    struct body b = {fn, arg};
    va_list ap;
    va_start(ap, arg);
    expect_misuse_v(run_sim_child, &b, ap);
    va_end(ap);
}

void expect_misuse_child(void (*fn)(void *), void *arg, ...) {
    va_list ap;
    va_start(ap, arg);
    expect_misuse_v(fn, arg, ap);
    va_end(ap);
}

void prop_seeds(uint64_t n, uint64_t *first, uint64_t *count) {
    const char *only = getenv("PROP_SEED");
    *first = only ? strtoull(only, NULL, 0) : 0;
    *count = only ? 1 : n;
}

long oom_countdown;
long oom_failures;

#if !WEFT_ASAN
/* As in check_oom.c: glibc's own entry points do the real work. */
extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t n);

static bool should_fail(void) {
    if (oom_countdown == 0 || --oom_countdown > 0) return false;
    oom_failures++;
    return true;
}

void *malloc(size_t n) {
    return should_fail() ? NULL : __libc_malloc(n);
}
void *calloc(size_t n, size_t size) {
    return should_fail() ? NULL : __libc_calloc(n, size);
}
void *realloc(void *p, size_t n) {
    return should_fail() ? NULL : __libc_realloc(p, n);
}
#endif
