/* examples/docs/io.c: the fragments docs/IO.md quotes: the declarations
 * (which must agree with <weft.h>'s), a connect bounded by a deadline
 * and the graceful-shutdown signal task (run by tests/doc_examples.sh;
 * under sim the connect finds no simulated host, -EHOSTUNREACH, and
 * there are no signals to wait for). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
/* The declarations below name the functions, not their call-site macros. */
#define WEFT_NO_CALL_SITES
#include <weft.h>

int     weft_fd_wait(int fd, unsigned events); /* WEFT_READABLE, _WRITABLE */
ssize_t weft_read(int fd, void *buf, size_t n);
int     weft_write(int fd, const void *buf, size_t n, size_t *written);
int     weft_close(int fd);
int     weft_tcp_listen(const char *addr, int port, int backlog);
int     weft_tcp_accept(int lfd);
int     weft_tcp_connect(const char *addr, int port);
int     weft_tcp_port(int fd);
int     weft_signal_wait(const int *signals, size_t n);

static int failures;
#define EXPECT(cond)                                                       \
    do {                                                                   \
        if (!(cond)) {                                                     \
            fprintf(stderr, "io: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
            failures++;                                                    \
        }                                                                  \
    } while (0)

static bool is_real(void) { return strcmp(weft_backend(), "real") == 0; }

/* The deadline bounds the connect: -ETIMEDOUT after 2 s if the address
 * does not answer (where there is no route, the error comes at once).
 * Under real it connects out only with WEFT_DOCS_NET=1 in the
 * environment: make check makes no outside connections. */
static void connect_demo(void) {
    weft_time t0 = weft_now();
weft_scope s;
weft_fail_after(&s, 2 * WEFT_SEC);
int fd = weft_tcp_connect("10.0.0.7", 80);
fd = weft_scope_exit(&s, fd);    /* -ETIMEDOUT after 2 s */
    weft_time took = weft_now() - t0;
    if (!is_real()) { /* no simulated host has that address */
        EXPECT(fd == -EHOSTUNREACH && took < WEFT_MSEC);
        return;
    }
    if (fd >= 0) weft_close(fd);   /* something answered: nothing to check */
    else if (fd == -ETIMEDOUT) EXPECT(took >= 2 * WEFT_SEC && took < 3 * WEFT_SEC);
    else EXPECT(fd != -ECANCELED && took < 2 * WEFT_SEC);
    printf("connect: %s after %lld ms\n", fd >= 0 ? "connected" : strerror(-fd),
           (long long)(took / WEFT_MSEC));
}

static int on_signal(void *g) {
    int sigs[] = {SIGINT, SIGTERM};
    if (weft_signal_wait(sigs, 2) > 0) weft_group_cancel(g);
    return 0;
}

static int slept;
static int long_sleep(void *arg) {
    (void)arg;
    slept = weft_sleep(60 * WEFT_SEC);
    return 0;
}
static int send_sigterm(void *arg) {
    (void)arg;
    int rc = weft_sleep(20 * WEFT_MSEC);
    if (rc == 0) raise(SIGTERM);
    return rc;
}

/* SIGTERM cancels the group: the long sleep ends early. */
static void signal_demo(void) {
    weft_time t0 = weft_now();
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "on_signal", on_signal, &g);
    weft_spawn(&g, "worker", long_sleep, NULL);
    weft_spawn(&g, "kill", send_sigterm, NULL);
    weft_group_join(&g);
    weft_group_destroy(&g);
    EXPECT(slept == -ECANCELED && weft_now() - t0 < 10 * WEFT_SEC);
    printf("signal: worker %s\n", strerror(-slept));
}

static int main_task(void *arg) {
    (void)arg;
    const char *net = getenv("WEFT_DOCS_NET");
    if (!is_real() || (net && strcmp(net, "1") == 0)) connect_demo();
    if (is_real()) signal_demo();
    return failures ? 1 : 0;
}

int main(void) { return weft_run(NULL, main_task, NULL) ? 1 : 0; }
