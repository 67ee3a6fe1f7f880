/* timeout_race: FAILS, fixed PASSES: timeout races a result.
 * A client waits for a result with a 1 ms timeout; the server delivers it at
 * exactly 1 ms. When the timeout wins the tie, the client reports a failure
 * although the result came in time. Fixed: the deadline is inclusive (the scope
 * ends 1 ns after it), so a result due at the deadline is taken. */
#include "scenario.h"

static weft_event done;
static int result;

static int server(void *arg) {
    (void)arg;
    weft_sleep(WEFT_MSEC);
    result = 42;
    weft_event_set(&done);
    return 0;
}

static int client(void *arg) {
    int *got = arg;
    weft_scope s;
    weft_fail_after(&s, BUGGY ? WEFT_MSEC : WEFT_MSEC + 1);
    int rc = weft_scope_exit(&s, weft_event_wait(&done));
    *got = rc == 0 ? result : -1;
    return 0;
}

static int body(void *arg) {
    (void)arg;
    int got = 0;
    weft_event_init(&done);
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "server", server, NULL);
    weft_spawn(&g, "client", client, &got);
    int rc = weft_group_join(&g);
    weft_group_destroy(&g);
    weft_event_destroy(&done);
    WEFT_ASSERT(got == 42); /* the result came in time: at the deadline */
    return rc;
}

SCENARIO_MAIN(body)
