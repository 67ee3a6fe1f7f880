/* examples/cookbook/shutdown.c: stop a service cleanly on SIGTERM or
 * SIGINT: cancel its task group, let each worker finish its cleanup. */
#include <signal.h>
#include <stdio.h>
#include <weft.h>

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig) {
    (void)sig;
    stop_requested = 1;
}

/* Cleanup that must run to its end, even in a cancelled task. */
static int flush(void *arg) {
    (void)arg;
    return weft_sleep(10 * WEFT_MSEC);
}

static int worker(void *arg) {
    int *nflushed = arg;
    int rc;
    while ((rc = weft_sleep(30 * WEFT_MSEC)) == 0) {
        /* serve a request */
    }
    if (weft_shield(flush, NULL) == 0) (*nflushed)++;
    return rc; /* -ECANCELED: the group does not count it as a failure */
}

/* Turns the signal into a cancellation: checks the flag every 20 ms. */
static int signal_watch(void *arg) {
    weft_group *service = arg;
    int rc;
    while (!stop_requested) {
        if ((rc = weft_sleep(20 * WEFT_MSEC)) < 0) return rc;
    }
    printf("signal received: shutting down\n");
    weft_group_cancel(service);
    return 0;
}

/* In this example the "operator" sends SIGTERM after 100 ms. */
static int operator(void *arg) {
    (void)arg;
    int rc = weft_sleep(100 * WEFT_MSEC);
    if (rc == 0) raise(SIGTERM);
    return rc;
}

static int main_task(void *arg) {
    (void)arg;
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    int nflushed = 0;
    weft_group service;
    weft_group_init(&service);
    for (int i = 0; i < 3; i++) {
        weft_spawn(&service, "worker", worker, &nflushed);
    }
    weft_spawn(&service, "signal_watch", signal_watch, &service);
    weft_spawn(&service, "operator", operator, NULL);
    int rc = weft_group_join(&service);
    weft_group_destroy(&service);
    printf("stopped: rc=%d, %d workers flushed\n", rc, nflushed);
    return rc;
}

int main(void) { return weft_run(NULL, main_task, NULL); }
