/* tests/patterns_test.c: see patterns_test.h. */
#include "patterns_test.h"

static int job_run(void *p) {
    struct job *j = p;
    j->got = weft_sleep(j->sleep);
    if (j->got == -ECANCELED && j->cleanup) {
        weft_scope s;
        weft_scope_enter(&s, WEFT_NEVER, WEFT_SHIELD);
        weft_sleep(j->cleanup);
        weft_scope_exit(&s, 0);
    }
    j->ended = true;
    j->ended_at = weft_now() - j->t0;
    return j->got ? j->got : j->rc;
}

void make_calls(struct job *jobs, size_t n, weft_call *calls) {
    weft_time t0 = weft_now();
    for (size_t i = 0; i < n; i++) {
        jobs[i].t0 = t0;
        calls[i] = (weft_call){job_run, &jobs[i], "job"};
    }
}

int main(void) {
    Suite *s = suite_create("patterns");
    patterns_add_cases(s);
    return run_suite(s);
}
