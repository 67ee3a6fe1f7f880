/* examples/start.c: weft_start waits until a child says it is ready
 * (trio's nursery.start), e.g. a server that has bound its port. */
#include <stdio.h>
#include <weft.h>

static int server(void *arg, weft_task_status *st) {
    static int port = 8080;
    (void)arg;
    weft_sleep(10 * WEFT_MSEC);       /* bind, listen... */
    weft_started(st, &port);          /* the starter resumes now */
    return weft_sleep(20 * WEFT_MSEC); /* serve */
}

static int main_task(void *arg) {
    (void)arg;
    weft_group g;
    weft_group_init(&g);
    void *port;
    int rc = weft_start(&g, "server", server, NULL, &port);
    printf("server ready on port %d (rc=%d)\n", *(int *)port, rc);
    rc = weft_group_join(&g);
    weft_group_destroy(&g);
    return rc;
}

int main(void) { return weft_run(NULL, main_task, NULL); }
