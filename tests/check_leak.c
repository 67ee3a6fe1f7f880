/* tests/check_leak.c: leak tracking (API.md "Leak tracking"): weft
 * objects tracked with their site, user objects with WEFT_TRACK, leaks
 * reported at group join and at weft_run exit (stderr and weft_leaks()),
 * the on/off switch, the pointer table against a model, and OOM. Objects
 * left in a task's stack frames: tests/check_leak_stack.c. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "leak_test.h"
#include "oom.h"

/* ---- basic: weft objects are tracked with their site ---- */

struct site_case {
    int line_group;
    int line_scope;
    weft_leak_info group;
    weft_leak_info scope;
    size_t before;
    size_t during;
    size_t after;
    weft_time t0;
};

static int objects_body(void *p) {
    struct site_case *c = p;
    weft_leak_info all[16];
    weft_sleep(5 * WEFT_MSEC);
    c->before = weft_leaks(NULL, 0);
    weft_group g;
    weft_scope s;
    c->line_group = __LINE__ + 1; /* the next line */
    weft_group_init(&g);
    c->line_scope = __LINE__ + 1; /* the next line */
    weft_scope_enter(&s, WEFT_NEVER, 0);
    c->t0 = weft_now();
    c->during = weft_leaks(all, 16);
    const weft_leak_info *li = find_leak(all, c->during, &g);
    if (li) c->group = *li;
    li = find_leak(all, c->during, &s);
    if (li) c->scope = *li;
    weft_scope_exit(&s, 0);
    weft_group_join(&g);
    weft_group_destroy(&g);
    c->after = weft_leaks(NULL, 0);
    return 0;
}

START_TEST(leak_weft_objects_tracked_with_site_until_destroy) {
    struct site_case c;
    memset(&c, 0, sizeof c);
    ck_assert_run(run_both(_i, objects_body, &c), 0, _i);
    ck_assert_uint_eq(weft_leaks(NULL, 0), 0);
    ck_assert_uint_eq(c.during, c.before + 2);
    ck_assert_uint_eq(c.after, c.before);
    ck_assert_str_eq(c.group.kind, "group");
    ck_assert_str_eq(c.group.file, __FILE__);
    ck_assert_int_eq(c.group.line, c.line_group);
    ck_assert_uint_eq(c.group.task_id, 1);
    ck_assert_str_eq(c.scope.kind, "scope");
    ck_assert_int_eq(c.scope.line, c.line_scope);
    if (_i > 0) {
        ck_assert_int_eq(c.group.created_at, 5 * WEFT_MSEC);
        ck_assert_int_eq(c.scope.created_at, 5 * WEFT_MSEC);
    } else {
        ck_assert_int_le(c.group.created_at, c.t0);
    }
}
END_TEST

/* ---- user objects ---- */

struct user_case {
    int obj;
    int line;
    int rc_track;
    int rc_again;
    int rc_untrack;
    int rc_untrack_again;
    int rc_null;
    weft_leak_info info;
    size_t tracked;
    size_t after_untrack;
    bool keep; /* never untrack: leaks at weft_run exit */
};

static int user_body(void *p) {
    struct user_case *c = p;
    weft_leak_info all[8];
    weft_sleep(3 * WEFT_MSEC);
    c->line = __LINE__ + 1; /* the next line */
    c->rc_track = WEFT_TRACK(&c->obj, "conn");
    c->rc_again = WEFT_TRACK(&c->obj, "conn");
    c->rc_null = WEFT_TRACK(NULL, "conn");
    c->tracked = weft_leaks(all, 8);
    const weft_leak_info *li = find_leak(all, c->tracked, &c->obj);
    if (li) c->info = *li;
    if (c->keep) return 0;
    c->rc_untrack = weft_untrack(&c->obj);
    c->rc_untrack_again = weft_untrack(&c->obj);
    c->after_untrack = weft_leaks(NULL, 0);
    return 0;
}

START_TEST(leak_user_object_tracked_until_untracked) {
    struct user_case c;
    memset(&c, 0, sizeof c);
    ck_assert_run(run_both(_i, user_body, &c), 0, _i);
    ck_assert_uint_eq(weft_leaks(NULL, 0), 0);
    ck_assert_int_eq(c.rc_track, 0);
    ck_assert_int_eq(c.rc_again, -EEXIST);
    ck_assert_int_eq(c.rc_null, -EINVAL);
    ck_assert_uint_eq(c.tracked, 1);
    ck_assert_ptr_eq(c.info.ptr, &c.obj);
    ck_assert_str_eq(c.info.kind, "conn");
    ck_assert_str_eq(c.info.file, __FILE__);
    ck_assert_int_eq(c.info.line, c.line);
    ck_assert_uint_eq(c.info.task_id, 1);
    if (_i > 0) ck_assert_int_eq(c.info.created_at, 3 * WEFT_MSEC);
    ck_assert_int_eq(c.rc_untrack, 0);
    ck_assert_int_eq(c.rc_untrack_again, -ENOENT);
    ck_assert_uint_eq(c.after_untrack, 0);
}
END_TEST

START_TEST(leak_user_object_left_is_reported_at_run_exit) {
    struct user_case c;
    memset(&c, 0, sizeof c);
    c.keep = true;
    struct capture cap;
    char out[2048];
    capture_begin(&cap);
    int rc = run_sim((uint64_t)_i, user_body, &c);
    capture_end(&cap, out, sizeof out);
    ck_assert_run(rc, 0, _i);
    weft_leak_info li[4];
    ck_assert_uint_eq(weft_leaks(li, 4), 1);
    ck_assert_ptr_eq(li[0].ptr, &c.obj);
    ck_assert_str_eq(li[0].kind, "conn");
    ck_assert_int_eq(li[0].line, c.line);
    char want[256];
    snprintf(want, sizeof want,
             "weft: leak: conn %p created at %s:%d by "
             "task 1 at t=3000000 ns, still tracked at weft_run exit\n",
             (void *)&c.obj, __FILE__, c.line);
    ck_assert_msg(strstr(out, want), "stderr was: %s", out);
    ck_assert_msg(strstr(out, "weft: 1 object(s) leaked in this run"),
                  "stderr was: %s", out);
}
END_TEST

/* A later clean run forgets the previous run's leaks. */
START_TEST(leak_next_run_forgets_previous_leaks) {
    struct user_case c;
    memset(&c, 0, sizeof c);
    c.keep = true;
    struct capture cap;
    char out[1024];
    capture_begin(&cap);
    run_sim(1, user_body, &c);
    capture_end(&cap, out, sizeof out);
    ck_assert_uint_eq(weft_leaks(NULL, 0), 1);
    memset(&c, 0, sizeof c);
    ck_assert_int_eq(run_sim(1, user_body, &c), 0);
    ck_assert_uint_eq(weft_leaks(NULL, 0), 0);
}
END_TEST

/* ---- leaks of a group's tasks are reported at its join ---- */

struct join_case {
    int sock; /* tracked by the child, never untracked */
    int line_sock;
    int line_group; /* the child's group, joined, never destroyed */
    int line_outer;
    uint64_t child_id;
    size_t seen_after_join;
    weft_leak_info seen[8];
};

static int leaky_child(void *p) {
    struct join_case *c = p;
    weft_sleep(2 * WEFT_MSEC);
    c->line_sock = __LINE__ + 1; /* the next line */
    WEFT_TRACK(&c->sock, "socket");
    weft_group g;                 /* on this task's stack: dies with it */
    c->line_group = __LINE__ + 1; /* the next line */
    weft_group_init(&g);
    weft_group_join(&g);
    return 0; /* no weft_group_destroy, no weft_untrack */
}

static int churn(void *arg) {
    (void)arg; /* reuses the dead child's stack, tracking a lot */
    for (int i = 0; i < 50; i++) {
        weft_group g;
        weft_group_init(&g);
        weft_scope s;
        weft_scope_enter(&s, WEFT_NEVER, 0);
        weft_yield();
        weft_scope_exit(&s, 0);
        weft_group_join(&g);
        weft_group_destroy(&g);
    }
    return 0;
}

static int join_body(void *p) {
    struct join_case *c = p;
    weft_group g;
    c->line_outer = __LINE__ + 1; /* the next line */
    weft_group_init(&g);
    weft_spawn(&g, "leaky", leaky_child, c);
    weft_group_join(&g);
    fputs("-- joined --\n", stderr);
    c->seen_after_join = weft_leaks(c->seen, 8);
    weft_group_destroy(&g);
    weft_group_init(&g);
    for (int i = 0; i < 4; i++)
        weft_spawn(&g, "churn", churn, NULL);
    weft_group_join(&g);
    weft_group_destroy(&g);
    return 0;
}

START_TEST(leak_task_objects_reported_at_group_join) {
    struct join_case c;
    memset(&c, 0, sizeof c);
    struct capture cap;
    char out[4096];
    capture_begin(&cap);
    int rc = run_both(_i, join_body, &c);
    capture_end(&cap, out, sizeof out);
    ck_assert_run(rc, 0, _i);
    /* both leaks were known right after the join, and after the run */
    const weft_leak_info *sock = find_leak(c.seen, c.seen_after_join, &c.sock);
    ck_assert_ptr_nonnull(sock);
    ck_assert_str_eq(sock->kind, "socket");
    ck_assert_int_eq(sock->line, c.line_sock);
    ck_assert_uint_eq(sock->task_id, 2);
    if (_i > 0) ck_assert_int_eq(sock->created_at, 2 * WEFT_MSEC);
    weft_leak_info li[8];
    ck_assert_uint_eq(weft_leaks(li, 8), 2);
    ck_assert_str_eq(li[0].kind, "socket");
    ck_assert_str_eq(li[1].kind, "group");
    ck_assert_int_eq(li[1].line, c.line_group);
    /* reported on stderr before the parent went on, naming the join */
    char want[256];
    snprintf(want, sizeof want,
             "still tracked at the join of the group "
             "created at %s:%d\n",
             __FILE__, c.line_outer);
    const char *first = strstr(out, want);
    const char *marker = strstr(out, "-- joined --");
    ck_assert_msg(first && marker && first < marker, "stderr: %s", out);
    ck_assert_msg(strstr(first + 1, want), "stderr: %s", out); /* twice */
    ck_assert_msg(!strstr(out, "at weft_run exit"), "reported twice: %s", out);
    ck_assert_msg(strstr(out, "weft: 2 object(s) leaked in this run"),
                  "stderr: %s", out);
}
END_TEST

/* ---- run_sync jobs are tracked while they run ---- */

struct job_case {
    int ran;     /* atomic: the function started */
    int release; /* atomic: real: the function may return */
    int line;
    weft_leak_info job;
    size_t njobs;
};

static int job_fn(void *p) {
    struct job_case *c = p;
    __atomic_store_n(&c->ran, 1, __ATOMIC_SEQ_CST);
    while (!__atomic_load_n(&c->release, __ATOMIC_SEQ_CST)) {
        usleep(100);
    }
    return 0;
}

static int offloader(void *p) {
    struct job_case *c = p;
    c->line = __LINE__ + 1; /* the next line */
    return weft_run_sync(job_fn, c, 0);
}

static int observer(void *p) {
    struct job_case *c = p;
    while (!__atomic_load_n(&c->ran, __ATOMIC_SEQ_CST))
        weft_yield();
    weft_leak_info li[8];
    size_t n = weft_leaks(li, 8);
    for (size_t i = 0; i < n && i < 8; i++) {
        if (!strcmp(li[i].kind, "run_sync job")) {
            c->job = li[i];
            c->njobs++;
        }
    }
    __atomic_store_n(&c->release, 1, __ATOMIC_SEQ_CST);
    return 0;
}

static int job_body(void *p) {
    struct job_case *c = p;
    c->release = harness_is_sim(); /* inline under sim: must not block */
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "offloader", offloader, c);
    weft_spawn(&g, "observer", observer, c);
    int rc = weft_group_join(&g);
    weft_group_destroy(&g);
    return rc;
}

START_TEST(leak_run_sync_job_tracked_while_in_flight) {
    struct job_case c;
    memset(&c, 0, sizeof c);
    ck_assert_run(run_both(_i, job_body, &c), 0, _i);
    ck_assert_uint_eq(weft_leaks(NULL, 0), 0);
    ck_assert_uint_eq(c.njobs, 1);
    ck_assert_str_eq(c.job.file, __FILE__);
    ck_assert_int_eq(c.job.line, c.line);
    ck_assert_uint_eq(c.job.task_id, 2);
}
END_TEST

/* ---- the on/off switch ---- */

static int leaky_body(void *p) {
    size_t *during = p;
    static int obj;
    weft_group g;
    weft_group_init(&g);
    ck_assert_int_eq(WEFT_TRACK(&obj, "thing"), 0);
    *during = weft_leaks(NULL, 0);
    weft_group_join(&g);
    return 0; /* g not destroyed, obj not untracked */
}

START_TEST(leak_tracking_off_tracks_nothing) {
    size_t during = 99;
    struct capture cap;
    char out[1024];
    capture_begin(&cap);
    int rc = run_cfg(_i, false, leaky_body, &during);
    capture_end(&cap, out, sizeof out);
    ck_assert_run(rc, 0, _i);
    ck_assert_uint_eq(during, 0);
    ck_assert_uint_eq(weft_leaks(NULL, 0), 0);
    ck_assert_msg(!strstr(out, "leak"), "stderr: %s", out);
}
END_TEST

START_TEST(leak_env_overrides_config) {
    size_t during = 99;
    struct capture cap;
    char out[1024];
    capture_begin(&cap);
    setenv("WEFT_TRACK_LEAKS", "0", 1);
    int rc0 = run_cfg(1, true, leaky_body, &during);
    size_t after0 = weft_leaks(NULL, 0);
    size_t during0 = during;
    setenv("WEFT_TRACK_LEAKS", "1", 1);
    int rc1 = run_cfg(1, false, leaky_body, &during);
    size_t after1 = weft_leaks(NULL, 0);
    setenv("WEFT_TRACK_LEAKS", "yes", 1);
    int rc2 = run_cfg(1, true, leaky_body, &during);
    unsetenv("WEFT_TRACK_LEAKS");
    capture_end(&cap, out, sizeof out);
    ck_assert_int_eq(rc0, 0);
    ck_assert_uint_eq(during0, 0);
    ck_assert_uint_eq(after0, 0);
    ck_assert_int_eq(rc1, 0);
    ck_assert_uint_eq(during, 2);
    ck_assert_uint_eq(after1, 2);
    ck_assert_int_eq(rc2, -EINVAL);
    ck_assert_msg(strstr(out, "weft: WEFT_TRACK_LEAKS='yes' is not valid; "
                              "accepted: 0 (off), 1 (on)"),
                  "stderr: %s", out);
}
END_TEST

/* ---- the pointer table against a model ---- */

#define NOBJ 4096

struct model_case {
    char objs[NOBJ];
    bool live[NOBJ];
    size_t nlive;
    uint64_t rng;
    int bad;
};

static uint64_t next_rand(uint64_t *s) {
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static int model_body(void *p) {
    struct model_case *m = p;
    size_t base = weft_leaks(NULL, 0);
    for (int step = 0; step < 40000; step++) {
        size_t i = next_rand(&m->rng) % NOBJ;
        int want = m->live[i] ? -EEXIST : 0;
        if (next_rand(&m->rng) % 2) {
            if (WEFT_TRACK(&m->objs[i], "obj") != want) m->bad++;
            if (!m->live[i]) m->nlive++;
            m->live[i] = true;
        } else {
            want = m->live[i] ? 0 : -ENOENT;
            if (weft_untrack(&m->objs[i]) != want) m->bad++;
            if (m->live[i]) m->nlive--;
            m->live[i] = false;
        }
        if (step % 1000 == 0 && weft_leaks(NULL, 0) != base + m->nlive) {
            m->bad++;
        }
    }
    for (size_t i = 0; i < NOBJ; i++) {
        if (m->live[i] && weft_untrack(&m->objs[i])) m->bad++;
    }
    return 0;
}

START_TEST(leak_table_matches_model) {
    struct model_case *m = calloc(1, sizeof *m);
    m->rng = 0x9e3779b97f4a7c15ull + (uint64_t)_i;
    ck_assert_int_eq(run_sim(1, model_body, m), 0);
    ck_assert_int_eq(m->bad, 0);
    ck_assert_uint_eq(weft_leaks(NULL, 0), 0);
    free(m);
}
END_TEST

/* 200 000 objects tracked, then untracked oldest first: an O(n) untrack
 * would take minutes; the TCase timeout catches it. */
#define NMANY 200000

static int many_body(void *p) {
    char *objs = p;
    for (int i = 0; i < NMANY; i++) {
        if (WEFT_TRACK(&objs[i], "many")) return -1;
    }
    if (weft_leaks(NULL, 0) != NMANY) return -2;
    for (int i = 0; i < NMANY; i++) {
        if (weft_untrack(&objs[i])) return -3;
    }
    return 0;
}

START_TEST(leak_untrack_of_many_objects_is_fast) {
    char *objs = malloc(NMANY);
    ck_assert_int_eq(run_sim(1, many_body, objs), 0);
    ck_assert_uint_eq(weft_leaks(NULL, 0), 0);
    free(objs);
}
END_TEST

/* ---- misuse: outside a runtime nothing is tracked ---- */

START_TEST(leak_track_outside_runtime_does_nothing) {
    static int obj;
    ck_assert_int_eq(WEFT_TRACK(&obj, "x"), 0);
    ck_assert_int_eq(weft_untrack(&obj), 0);
    ck_assert_int_eq(WEFT_TRACK(NULL, "x"), -EINVAL);
    ck_assert_uint_eq(weft_leaks(NULL, 0), 0);
}
END_TEST

/* ---- oom ---- */

struct oom_case {
    int obj;
    long fail_at;
    int rc;
    bool failed;
    size_t tracked;
    size_t tracked_next; /* after the next object's init */
};

static int oom_track_body(void *p) {
    struct oom_case *c = p;
    oom_fail_at(c->fail_at);
    c->rc = WEFT_TRACK(&c->obj, "x");
    c->failed = oom_off();
    c->tracked = weft_leaks(NULL, 0);
    if (!c->rc) weft_untrack(&c->obj);
    return 0;
}

/* Allocation 1 grows the pointer table; the tracker's first records are
 * inside the runtime. */
START_TEST(leak_track_oom_fails_cleanly_then_succeeds) {
    struct oom_case c;
    long k;
    for (k = 1; k < 10; k++) {
        memset(&c, 0, sizeof c);
        c.fail_at = k;
        ck_assert_int_eq(run_sim(1, oom_track_body, &c), 0);
        ck_assert_uint_eq(weft_leaks(NULL, 0), 0);
        if (!c.failed) break;
        ck_assert_int_eq(c.rc, -ENOMEM);
        ck_assert_uint_eq(c.tracked, 0);
    }
    ck_assert_int_eq(k, 2);
    ck_assert_int_eq(c.rc, 0);
    ck_assert_uint_eq(c.tracked, 1);
}
END_TEST

static int leak_then_fail(void *p) {
    struct oom_case *c = p;
    WEFT_TRACK(&c->obj, "x");
    oom_fail_at(1); /* the leak log cannot grow at this task's end */
    return 0;
}

static int oom_log_body(void *p) {
    struct oom_case *c = p;
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "leaky", leak_then_fail, c);
    weft_group_join(&g);
    c->failed = oom_off();
    weft_group_destroy(&g);
    return 0;
}

START_TEST(leak_log_oom_still_reports_and_counts) {
    struct oom_case c;
    memset(&c, 0, sizeof c);
    struct capture cap;
    char out[1024];
    capture_begin(&cap);
    ck_assert_int_eq(run_sim(1, oom_log_body, &c), 0);
    capture_end(&cap, out, sizeof out);
    ck_assert(c.failed);
    weft_leak_info li = {.line = -1};
    ck_assert_uint_eq(weft_leaks(&li, 1), 1); /* counted, not kept */
    ck_assert_int_eq(li.line, -1);
    ck_assert_msg(strstr(out, "(not kept: out of memory)"), "stderr: %s", out);
}
END_TEST

/* The tracker's table cannot grow: the lock is made all the same, goes
 * untracked, and is counted in the run's report; later objects are
 * tracked again. Locks are made until one needs the table to grow. */
#define NLOCKS 200

static int untracked_body(void *p) {
    struct oom_case *c = p;
    weft_lock *lk = malloc(NLOCKS * sizeof *lk);
    int nfailed = 0;
    for (int i = 0; i < NLOCKS; i++) {
        if (!nfailed) oom_fail_at(1); /* this init's allocation, if any */
        if (weft_lock_init(&lk[i])) c->rc = -1;
        if (!nfailed && oom_off()) nfailed++;
    }
    c->failed = nfailed == 1;
    c->tracked = weft_leaks(NULL, 0);
    weft_event ev;
    weft_event_init(&ev);
    c->tracked_next = weft_leaks(NULL, 0);
    weft_event_destroy(&ev);
    for (int i = 0; i < NLOCKS; i++)
        weft_lock_destroy(&lk[i]); /* an empty handle matches nothing */
    free(lk);
    return 0;
}

START_TEST(leak_table_oom_leaves_object_untracked_and_counted) {
    struct oom_case c;
    memset(&c, 0, sizeof c);
    struct capture cap;
    char out[1024];
    capture_begin(&cap);
    int rc = run_sim(1, untracked_body, &c);
    capture_end(&cap, out, sizeof out);
    ck_assert_int_eq(rc, 0);
    ck_assert(c.failed);
    ck_assert_int_eq(c.rc, 0);
    ck_assert_uint_eq(c.tracked, NLOCKS - 1);
    ck_assert_uint_eq(c.tracked_next, NLOCKS);
    ck_assert_uint_eq(weft_leaks(NULL, 0), 0);
    ck_assert_msg(strstr(out, "weft: 1 object(s) went untracked in this run "
                              "(the leak tracker was out of memory)"),
                  "stderr: %s", out);
    ck_assert_msg(!strstr(out, "leaked"), "stderr: %s", out);
}
END_TEST

Suite *leak_suite(void);
Suite *leak_suite(void) {
    Suite *s = suite_create("leak");
    TCase *tc = tcase_create("basic");
    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, leak_weft_objects_tracked_with_site_until_destroy,
                        0, 20);
    tcase_add_loop_test(tc, leak_user_object_tracked_until_untracked, 0, 20);
    tcase_add_loop_test(tc, leak_user_object_left_is_reported_at_run_exit, 1,
                        5);
    tcase_add_test(tc, leak_next_run_forgets_previous_leaks);
    tcase_add_loop_test(tc, leak_task_objects_reported_at_group_join, 0, 100);
    tcase_add_loop_test(tc, leak_run_sync_job_tracked_while_in_flight, 0, 50);
    tcase_add_loop_test(tc, leak_tracking_off_tracks_nothing, 0, 3);
    tcase_add_test(tc, leak_env_overrides_config);
    tcase_add_loop_test(tc, leak_table_matches_model, 0, 5);
    tcase_add_test(tc, leak_untrack_of_many_objects_is_fast);
    suite_add_tcase(s, tc);

    tc = tcase_create("misuse");
    tcase_add_test(tc, leak_track_outside_runtime_does_nothing);
    suite_add_tcase(s, tc);

    if (OOM_AVAILABLE) {
        tc = tcase_create("oom");
        tcase_add_test(tc, leak_track_oom_fails_cleanly_then_succeeds);
        tcase_add_test(tc, leak_log_oom_still_reports_and_counts);
        tcase_add_test(tc, leak_table_oom_leaves_object_untracked_and_counted);
        suite_add_tcase(s, tc);
    }
    return s;
}

int main(void) {
    unsetenv("WEFT_TRACK_LEAKS"); /* tests choose; see run_suite */
    return run_suite(leak_suite());
}
