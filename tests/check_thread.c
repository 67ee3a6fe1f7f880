/* tests/check_thread.c: weft_run_sync (docs/PATTERNS.md): results under
 * both backends, the simulator's seeded completion delay, cancellation
 * with and without WEFT_CANCELLABLE, a bounded pool, and a saturated
 * pool that must not stall the loop's timers. Real-backend tests assert
 * orderings (who saw what first), never wall-clock durations. */
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "oom.h"

static void nap(long ns) {
    struct timespec ts = {0, ns};
    while (nanosleep(&ts, &ts) && errno == EINTR) {
    }
}

/* ---- a blocking function ---- */

struct blocking {
    long nap_ns; /* real sleep of the thread */
    sem_t *gate; /* or wait for this */
    int result;
    int calls;    /* atomic: the function ran */
    int finished; /* atomic */
};

static int blocking_fn(void *p) {
    struct blocking *b = p;
    __atomic_add_fetch(&b->calls, 1, __ATOMIC_SEQ_CST);
    if (b->nap_ns) nap(b->nap_ns);
    if (b->gate) {
        while (sem_wait(b->gate) && errno == EINTR) {
        }
    }
    __atomic_store_n(&b->finished, 1, __ATOMIC_SEQ_CST);
    return b->result;
}

struct sync_case {
    struct blocking b;
    unsigned flags;
    weft_time scope_after; /* > 0: run_sync inside move_on_after */
    bool cancel_first;     /* the scope is cancelled before the call */
    bool cancel_running;   /* another task cancels the scope once the
                              function runs (real: no race with a clock) */
    bool open_gate;        /* ... and then opens b.gate */
    int rc;
    int yield_rc; /* the checkpoint after run_sync */
    int scope_rc;
    weft_time at;
    int finished_at_return;
};

struct canceller {
    struct sync_case *c;
    weft_scope *scope;
};

static int cancel_once_running(void *p) {
    struct canceller *k = p;
    while (!__atomic_load_n(&k->c->b.calls, __ATOMIC_SEQ_CST)) {
        weft_sleep(100 * WEFT_USEC);
    }
    weft_scope_cancel(k->scope);
    if (k->c->open_gate) sem_post(k->c->b.gate);
    return 0;
}

static int sync_body(void *p) {
    struct sync_case *c = p;
    weft_time t0 = weft_now();
    weft_group g;
    weft_group_init(&g);
    weft_scope s;
    bool scoped = c->scope_after || c->cancel_first || c->cancel_running;
    if (scoped)
        weft_move_on_after(&s, c->scope_after ? c->scope_after : WEFT_NEVER);
    if (c->cancel_first) weft_scope_cancel(&s);
    struct canceller k = {c, &s};
    if (c->cancel_running) weft_spawn(&g, "canceller", cancel_once_running, &k);
    c->rc = weft_run_sync(blocking_fn, &c->b, c->flags);
    c->finished_at_return = __atomic_load_n(&c->b.finished, __ATOMIC_SEQ_CST);
    c->at = weft_now() - t0;
    c->yield_rc = weft_yield();
    if (scoped) c->scope_rc = weft_scope_exit(&s, c->yield_rc);
    int rc = weft_group_join(&g);
    weft_group_destroy(&g);
    return rc;
}

/* ---- basic ---- */

START_TEST(thread_run_sync_returns_fn_result) {
    struct sync_case c = {.b = {.result = 42, .nap_ns = 1000000}};
    RUN_OK(_i, sync_body, &c);
    ck_assert_run(c.rc, 42, _i);
    ck_assert_int_eq(c.b.calls, 1);
    ck_assert_int_eq(c.finished_at_return, 1);
    ck_assert_int_eq(c.yield_rc, 0);
    if (harness_is_sim()) { /* the seeded completion delay */
        ck_assert_msg(c.at >= WEFT_USEC && c.at <= WEFT_MSEC,
                      "at %lld; "
                      "seed=%d",
                      (long long)c.at, _i);
        ck_assert_int_eq(c.at % WEFT_USEC, 0);
    }
}
END_TEST

START_TEST(thread_sim_delay_replays_and_varies_by_seed) {
    weft_time first = -1;
    bool varied = false;
    for (int seed = 1; seed <= 20; seed++) {
        struct sync_case a = {.b = {.result = 1}};
        struct sync_case b = {.b = {.result = 1}};
        ck_assert_run(run_sim((uint64_t)seed, sync_body, &a), 0, seed);
        ck_assert_run(run_sim((uint64_t)seed, sync_body, &b), 0, seed);
        ck_assert_msg(a.at == b.at, "seed=%d: %lld then %lld", seed,
                      (long long)a.at, (long long)b.at);
        if (first < 0) first = a.at;
        if (a.at != first) varied = true;
    }
    ck_assert(varied);
}
END_TEST

/* Many tasks offload at once: every call completes, and no more than
 * WEFT_RUN_SYNC_THREADS functions ever run at the same time. */
#define NCALLS 40

struct crowd {
    int running; /* atomic */
    int max;     /* atomic */
    int results[NCALLS];
};

struct crowd_call {
    struct crowd *crowd;
    int index;
};

static int crowd_fn(void *p) {
    struct crowd_call *k = p;
    int now = __atomic_add_fetch(&k->crowd->running, 1, __ATOMIC_SEQ_CST);
    int seen = __atomic_load_n(&k->crowd->max, __ATOMIC_SEQ_CST);
    while (now > seen &&
           !__atomic_compare_exchange_n(&k->crowd->max, &seen, now, false,
                                        __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
    }
    nap(2000000);
    __atomic_sub_fetch(&k->crowd->running, 1, __ATOMIC_SEQ_CST);
    return k->index;
}

static int crowd_task(void *p) {
    struct crowd_call *k = p;
    k->crowd->results[k->index] = weft_run_sync(crowd_fn, k, 0);
    return 0;
}

static int crowd_body(void *p) {
    struct crowd *c = p;
    struct crowd_call calls[NCALLS];
    weft_group g;
    weft_group_init(&g);
    for (int i = 0; i < NCALLS; i++) {
        calls[i] = (struct crowd_call){c, i};
        weft_spawn(&g, "offloader", crowd_task, &calls[i]);
    }
    int rc = weft_group_join(&g);
    weft_group_destroy(&g);
    return rc;
}

START_TEST(thread_pool_is_bounded_and_completes_every_call) {
    struct crowd c;
    memset(&c, 0, sizeof c);
    RUN_OK(_i, crowd_body, &c);
    for (int i = 0; i < NCALLS; i++)
        ck_assert_int_eq(c.results[i], i);
    ck_assert_int_le(c.max, WEFT_RUN_SYNC_THREADS);
    if (!harness_is_sim()) ck_assert_int_gt(c.max, 1); /* threads, really */
    if (harness_is_sim()) ck_assert_int_eq(c.max, 1);  /* inline */
}
END_TEST

/* The only task waits for a thread: no timer, no runnable task, and yet
 * no deadlock, because the job is counted as an outside event. */
START_TEST(thread_waiting_on_job_is_not_a_deadlock) {
    struct sync_case c = {.b = {.result = 3, .nap_ns = 50000000}};
    RUN_OK(0, sync_body, &c);
    ck_assert_int_eq(c.rc, 3);
}
END_TEST

/* ---- cancel ---- */

START_TEST(thread_uncancellable_waits_then_next_checkpoint_cancels) {
    /* the scope is cancelled while the function runs (real: another task
     * cancels it, then lets the function end; sim: the deadline passes
     * before the completion, 1 us to 1 ms after the call) */
    sem_t gate;
    sem_init(&gate, 0, 0);
    struct sync_case c = {.b = {.result = 42}};
    if (_i) {
        c.scope_after = WEFT_NSEC;
    } else {
        c.b.gate = &gate;
        c.cancel_running = true;
        c.open_gate = true;
    }
    RUN_OK(_i, sync_body, &c);
    sem_destroy(&gate);
    ck_assert_run(c.rc, 42, _i);
    ck_assert_int_eq(c.finished_at_return, 1);
    ck_assert_int_eq(c.yield_rc, -ECANCELED);
    ck_assert_int_eq(c.scope_rc, 0);
    if (harness_is_sim()) ck_assert_int_ge(c.at, WEFT_USEC);
}
END_TEST

START_TEST(thread_cancellable_caller_stops_waiting_sim) {
    struct sync_case c = {.b = {.result = 42},
                          .flags = WEFT_CANCELLABLE,
                          .scope_after = WEFT_NSEC};
    ck_assert_run(run_sim((uint64_t)_i, sync_body, &c), 0, _i);
    ck_assert_int_eq(weft_leaks(NULL, 0), 0);
    ck_assert_int_eq(c.rc, -ECANCELED);
    ck_assert_int_eq(c.at, WEFT_NSEC); /* did not wait for the job */
    ck_assert_int_eq(c.b.calls, 1);    /* it ran (inline), dropped */
}
END_TEST

/* The caller leaves while the function is blocked; the runtime keeps
 * running (the job completes through the loop and is freed there). */
struct bg_case {
    struct sync_case c;
    sem_t gate;
    int finished_after_cancel;
};

static int background_body(void *p) {
    struct bg_case *bg = p;
    bg->c.b.gate = &bg->gate;
    sync_body(&bg->c);
    bg->finished_after_cancel =
        __atomic_load_n(&bg->c.b.finished, __ATOMIC_SEQ_CST);
    sem_post(&bg->gate);
    return weft_sleep(20 * WEFT_MSEC); /* the completion is delivered */
}

START_TEST(thread_cancellable_fn_finishes_in_background_real) {
    struct bg_case bg;
    memset(&bg, 0, sizeof bg);
    sem_init(&bg.gate, 0, 0);
    bg.c.b.result = 42;
    bg.c.flags = WEFT_CANCELLABLE;
    bg.c.scope_after = 10 * WEFT_MSEC;
    RUN_OK(0, background_body, &bg);
    ck_assert_int_eq(bg.c.rc, -ECANCELED);
    ck_assert_int_eq(bg.c.finished_at_return, 0);
    ck_assert_int_eq(bg.finished_after_cancel, 0);
    ck_assert_int_eq(bg.c.b.finished, 1);
    sem_destroy(&bg.gate);
}
END_TEST

/* The root returns while an abandoned function still blocks: weft_run
 * joins the pool, so the function has finished when weft_run returns
 * (it is released by a plain thread 20 ms after the root is gone). */
struct exit_case {
    struct sync_case c;
    sem_t gate;
    pthread_t releaser;
};

static void *release_later(void *p) {
    nap(20000000);
    sem_post(p);
    return NULL;
}

static int abandon_and_return(void *p) {
    struct exit_case *e = p;
    e->c.b.gate = &e->gate;
    sync_body(&e->c);
    return pthread_create(&e->releaser, NULL, release_later, &e->gate);
}

START_TEST(thread_run_exit_joins_abandoned_functions_real) {
    struct exit_case e;
    memset(&e, 0, sizeof e);
    sem_init(&e.gate, 0, 0);
    e.c.flags = WEFT_CANCELLABLE;
    e.c.cancel_running = true;
    RUN_OK(0, abandon_and_return, &e);
    ck_assert_int_eq(e.c.rc, -ECANCELED);
    ck_assert_int_eq(e.c.finished_at_return, 0);
    ck_assert_int_eq(e.c.b.finished, 1); /* joined before weft_run returned */
    pthread_join(e.releaser, NULL);
    sem_destroy(&e.gate);
}
END_TEST

START_TEST(thread_cancelled_caller_does_not_run_fn) {
    struct sync_case c = {.b = {.result = 42}, .cancel_first = true};
    RUN_OK(_i, sync_body, &c);
    ck_assert_run(c.rc, -ECANCELED, _i);
    ck_assert_int_eq(c.b.calls, 0);
    struct sync_case d = {
        .b = {.result = 42}, .cancel_first = true, .flags = WEFT_CANCELLABLE};
    RUN_OK(_i, sync_body, &d);
    ck_assert_run(d.rc, -ECANCELED, _i);
    ck_assert_int_eq(d.b.calls, 0);
}
END_TEST

/* ---- timeout: a saturated pool must not stall the loop ---- */

#define NBLOCKED (WEFT_RUN_SYNC_THREADS + 4)

struct saturated {
    sem_t gate;
    int timer_fired;         /* atomic */
    int saw_timer[NBLOCKED]; /* each function: the timer had fired */
    int rcs[NBLOCKED];
    int sleep_rc;
};

struct sat_call {
    struct saturated *s;
    int index;
};

static int gated_fn(void *p) {
    struct sat_call *k = p;
    while (sem_wait(&k->s->gate) && errno == EINTR) {
    }
    k->s->saw_timer[k->index] =
        __atomic_load_n(&k->s->timer_fired, __ATOMIC_SEQ_CST);
    return 0;
}

static int gated_task(void *p) {
    struct sat_call *k = p;
    k->s->rcs[k->index] = weft_run_sync(gated_fn, k, 0);
    return 0;
}

static int timer_task(void *p) {
    struct saturated *s = p;
    s->sleep_rc = weft_sleep(10 * WEFT_MSEC);
    __atomic_store_n(&s->timer_fired, 1, __ATOMIC_SEQ_CST);
    for (int i = 0; i < NBLOCKED; i++)
        sem_post(&s->gate);
    return 0;
}

static int saturated_body(void *p) {
    struct saturated *s = p;
    struct sat_call calls[NBLOCKED];
    weft_group g;
    weft_group_init(&g);
    for (int i = 0; i < NBLOCKED; i++) {
        calls[i] = (struct sat_call){s, i};
        weft_spawn(&g, "blocked", gated_task, &calls[i]);
    }
    weft_spawn(&g, "timer", timer_task, s);
    int rc = weft_group_join(&g);
    weft_group_destroy(&g);
    return rc;
}

START_TEST(thread_saturated_pool_does_not_stall_timers_real) {
    struct saturated s;
    memset(&s, 0, sizeof s);
    sem_init(&s.gate, 0, 0);
    RUN_OK(0, saturated_body, &s);
    ck_assert_int_eq(s.sleep_rc, 0);
    for (int i = 0; i < NBLOCKED; i++) {
        ck_assert_msg(s.saw_timer[i],
                      "function %d returned before the "
                      "timer fired",
                      i);
        ck_assert_int_eq(s.rcs[i], 0);
    }
    sem_destroy(&s.gate);
}
END_TEST

/* ---- misuse ---- */

static int bad_args(void *arg) {
    (void)arg;
    struct blocking b = {.result = 1};
    ck_assert_int_eq(weft_run_sync(NULL, NULL, 0), -EINVAL);
    ck_assert_int_eq(weft_run_sync(blocking_fn, &b, 0x10), -EINVAL);
    ck_assert_int_eq(b.calls, 0);
    return 0;
}

START_TEST(thread_bad_arguments_are_einval) {
    RUN_OK(_i, bad_args, NULL);
}
END_TEST

START_TEST(thread_run_sync_outside_task_aborts) {
    struct blocking b = {.result = 1};
    weft_run_sync(blocking_fn, &b, 0);
}
END_TEST

/* ---- oom ---- */

struct oom_case {
    long fail_at;
    struct blocking b;
    int rc;
    bool failed;
};

static int oom_body(void *p) {
    struct oom_case *c = p;
    oom_fail_at(c->fail_at);
    c->rc = weft_run_sync(blocking_fn, &c->b, WEFT_CANCELLABLE);
    c->failed = oom_off();
    return 0;
}

/* Allocation 1 is the job (WEFT_CANCELLABLE); under real, 2 is the
 * pool, and later ones may be pthread_create's own (then -EAGAIN). */
START_TEST(thread_oom_fails_cleanly_then_succeeds) {
    long k;
    struct oom_case c;
    for (k = 1; k < 50; k++) {
        memset(&c, 0, sizeof c);
        c.fail_at = k;
        c.b.result = 9;
        RUN_OK(_i, oom_body, &c);
        if (!c.failed) break;
        ck_assert_msg(c.rc == -ENOMEM || (_i == 0 && c.rc == -EAGAIN),
                      "allocation %ld: rc=%d (0: real) seed=%d", k, c.rc, _i);
        ck_assert_int_eq(c.b.calls, 0);
    }
    ck_assert_int_eq(c.rc, 9);
    ck_assert_int_ge(k, _i == 0 ? 3 : 2);
}
END_TEST

/* ---- regressions ---- */

/* Issue 7: a cancellable run_sync whose scope's deadline fell in the same
 * loop turn as the job's completion: cancellation woke the caller, then
 * the completion woke it again through a waiter pointer cancellation had
 * not cleared (assertion in the wait primitive, abort). Each round races
 * a deadline of k us against the sim's completion delay (1 us to 1 ms)
 * or, under real, a worker thread; either outcome is fine, a crash or a
 * result from the wrong call is not. */
static int trivial_job(void *arg) {
    (void)arg;
    return 5;
}

static int deadline_vs_completion(void *arg) {
    int *outcomes = arg; /* [0]: completed, [1]: cancelled */
    int rounds = harness_is_sim() ? 10000 : 20000;
    for (int i = 0; i < rounds; i++) {
        weft_scope s;
        weft_move_on_after(&s, (weft_time)(i % 1000 + 1) * WEFT_USEC);
        int rc = weft_run_sync(trivial_job, NULL, WEFT_CANCELLABLE);
        rc = weft_scope_exit(&s, rc);
        fast_check(rc == 5 || rc == 0);
        outcomes[rc == 5 ? 0 : 1]++;
    }
    return 0;
}

START_TEST(regress_7_cancellable_deadline_same_turn_as_completion) {
    int outcomes[2] = {0, 0};
    RUN_OK(_i, deadline_vs_completion, outcomes);
    if (harness_is_sim()) { /* both outcomes happen over the rounds */
        ck_assert_int_gt(outcomes[0], 0);
        ck_assert_int_gt(outcomes[1], 0);
    }
}
END_TEST

Suite *thread_suite(void);
Suite *thread_suite(void) {
    Suite *s = suite_create("thread");
    TCase *tc = tcase_create("basic");
    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, thread_run_sync_returns_fn_result, 0, 100);
    tcase_add_test(tc, thread_sim_delay_replays_and_varies_by_seed);
    tcase_add_loop_test(tc, thread_pool_is_bounded_and_completes_every_call, 0,
                        20);
    tcase_add_test(tc, thread_waiting_on_job_is_not_a_deadlock);
    suite_add_tcase(s, tc);

    tc = tcase_create("cancel");
    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(
        tc, thread_uncancellable_waits_then_next_checkpoint_cancels, 0, 100);
    tcase_add_loop_test(tc, thread_cancellable_caller_stops_waiting_sim, 1,
                        100);
    tcase_add_test(tc, thread_cancellable_fn_finishes_in_background_real);
    tcase_add_test(tc, thread_run_exit_joins_abandoned_functions_real);
    tcase_add_loop_test(tc, thread_cancelled_caller_does_not_run_fn, 0, 20);
    suite_add_tcase(s, tc);

    tc = tcase_create("timeout");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, thread_saturated_pool_does_not_stall_timers_real);
    suite_add_tcase(s, tc);

    tc = tcase_create("regress");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(
        tc, regress_7_cancellable_deadline_same_turn_as_completion, 0, 21);
    suite_add_tcase(s, tc);

    tc = tcase_create("misuse");
    tcase_add_loop_test(tc, thread_bad_arguments_are_einval, 0, 2);
    tcase_add_test_raise_signal(tc, thread_run_sync_outside_task_aborts,
                                SIGABRT);
    suite_add_tcase(s, tc);

    if (OOM_AVAILABLE) {
        tc = tcase_create("oom");
        tcase_add_loop_test(tc, thread_oom_fails_cleanly_then_succeeds, 0, 2);
        suite_add_tcase(s, tc);
    }
    return s;
}

int main(void) {
    return run_suite(thread_suite());
}
