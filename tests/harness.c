/* tests/harness.c: see harness.h. */
#include "harness.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static bool under_sim;

int run_sim(uint64_t seed, int (*fn)(void *), void *arg) {
    weft_config cfg;
    weft_config_init(&cfg);
    cfg.backend = WEFT_BACKEND_SIM;
    cfg.seed = seed;
    under_sim = true;
    return weft_run(&cfg, fn, arg);
}

int run_real(int (*fn)(void *), void *arg) {
    weft_config cfg;
    weft_config_init(&cfg);
    under_sim = false;
    return weft_run(&cfg, fn, arg);
}

int run_both(int i, int (*fn)(void *), void *arg) {
    return i > 0 ? run_sim((uint64_t)i, fn, arg) : run_real(fn, arg);
}

bool harness_is_sim(void) {
    return under_sim;
}

int run_in_child(void (*fn)(void *), void *arg, char *buf, size_t n) {
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    fflush(stdout);
    fflush(stderr); /* else the child would print the parent's buffers */
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

void expect_abort_v(void (*fn)(void *), void *arg, const char *first,
                    va_list needles) {
    char buf[4096];
    int status = run_in_child(fn, arg, buf, sizeof buf);
    ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT,
                  "status=%d stderr=%s", status, buf);
    const char *needle = first ? first : va_arg(needles, const char *);
    for (; needle; needle = va_arg(needles, const char *)) {
        ck_assert_msg(strstr(buf, needle), "'%s' not in stderr=%s", needle,
                      buf);
    }
}

void expect_abort(void (*fn)(void *), void *arg, ...) {
    va_list ap;
    va_start(ap, arg);
    expect_abort_v(fn, arg, NULL, ap);
    va_end(ap);
}

int run_suite(Suite *s) {
    /* Tests choose their backend and seed; the caller's environment must
     * not override them. */
    unsetenv("WEFT_BACKEND");
    unsetenv("WEFT_SEED");
    unsetenv("WEFT_STRATEGY");
    unsetenv("WEFT_TRACE");
    unsetenv("WEFT_TRACK_LEAKS");
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

int run_capturing(const weft_config *cfg, int (*fn)(void *), void *arg,
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
