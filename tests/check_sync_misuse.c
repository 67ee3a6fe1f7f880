/* tests/check_sync_misuse.c: the failure paths of the synchronisation
 * primitives (suite sync, TCases misuse, oom and regress; docs/SYNC.md).
 * Misuse runs in a child process whose stderr must name the call and
 * the object's creation site; oom fails allocation 1, 2, 3... (tests/
 * oom.h) and each failure must change nothing. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "oom.h"
#include "sched.h"
#include "sync_test.h"

/* ==== misuse ==== */

/* Objects are created at a made-up site, so the messages can be matched
 * exactly. Each body aborts in a child process. */

static int destroy_held_lock(void *arg) {
    (void)arg;
    weft_lock lk;
    weft_lock_init_at(&lk, "site.c", 11);
    weft_lock_acquire(&lk);
    weft_lock_destroy(&lk);
    return 0;
}

START_TEST(lock_destroy_while_held_aborts_naming_site) {
    expect_misuse(destroy_held_lock, NULL, "weft_lock_destroy",
                  "held by task 'main'", "created at site.c:11", NULL);
}
END_TEST

static int acquire_sem(void *arg) {
    return weft_sem_acquire(arg);
}
static int acquire_limiter(void *arg) {
    return weft_limiter_acquire(arg);
}
static int wait_event(void *arg) {
    return weft_event_wait(arg);
}

static int wait_cond(void *arg) {
    weft_cond *c = arg;
    weft_lock_acquire(weft_cond_lock(c));
    return weft_cond_wait(c);
}

/* Destroys an object of kind k while a task named "waiter" waits on it. */
static int destroy_waited(void *arg) {
    int k = *(int *)arg;
    weft_sem s;
    weft_limiter l;
    weft_event e;
    weft_lock lk;
    weft_cond c;
    weft_sem_init_at(&s, 0, 0, "site.c", 12);
    weft_limiter_init_at(&l, 1, "site.c", 13);
    weft_event_init_at(&e, "site.c", 14);
    weft_lock_init(&lk);
    weft_cond_init_at(&c, &lk, "site.c", 15);
    weft_group g;
    weft_group_init(&g);
    if (k == 0) weft_spawn(&g, "waiter", acquire_sem, &s);
    if (k == 1) {
        weft_limiter_acquire_on_behalf(&l, &l);
        weft_spawn(&g, "waiter", acquire_limiter, &l);
    }
    if (k == 2) weft_spawn(&g, "waiter", wait_event, &e);
    if (k == 3) weft_spawn(&g, "waiter", wait_cond, &c);
    weft_sleep(WEFT_MSEC);
    if (k == 0) weft_sem_destroy(&s);
    if (k == 1) weft_limiter_destroy(&l);
    if (k == 2) weft_event_destroy(&e);
    if (k == 3) weft_cond_destroy(&c);
    return 0;
}

START_TEST(sync_destroy_with_waiters_aborts_naming_site) {
    static const char *const what[][2] = {
        {"weft_sem_destroy", "site.c:12"},
        {"weft_limiter_destroy", "site.c:13"},
        {"weft_event_destroy", "site.c:14"},
        {"weft_cond_destroy", "site.c:15"},
    };
    static const char *const kind[] = {"semaphore", "limiter", "event",
                                       "condition"};
    int k = _i;
    char waits[64];
    snprintf(waits, sizeof waits, "1 task(s) still wait in %s", kind[k]);
    expect_misuse(destroy_waited, &k, what[k][0], what[k][1], waits,
                  "oldest 'waiter'", NULL);
}
END_TEST

static int destroy_borrowed(void *arg) {
    (void)arg;
    weft_limiter l;
    weft_limiter_init_at(&l, 2, "site.c", 16);
    weft_limiter_acquire(&l);
    weft_limiter_destroy(&l);
    return 0;
}

START_TEST(limiter_destroy_while_borrowed_aborts_naming_site) {
    expect_misuse(destroy_borrowed, NULL, "weft_limiter_destroy",
                  "1 token(s) still borrowed", "created at site.c:16", NULL);
}
END_TEST

static int use_after_destroy(void *arg) {
    (void)arg;
    weft_lock lk;
    weft_lock_init_at(&lk, "site.c", 17);
    weft_lock_destroy(&lk);
    weft_lock_acquire(&lk);
    return 0;
}

START_TEST(lock_use_after_destroy_aborts_naming_site) {
    expect_misuse(use_after_destroy, NULL,
                  "weft_lock_acquire: this weft_lock was destroyed",
                  "created at site.c:17", NULL);
}
END_TEST

static int use_uninitialised(void *arg) {
    (void)arg;
    weft_lock lk;
    memset(&lk, 0, sizeof lk);
    weft_lock_locked(&lk);
    return 0;
}

START_TEST(lock_uninitialised_aborts) {
    expect_misuse(use_uninitialised, NULL,
                  "weft_lock_locked: not an initialised weft_lock", NULL);
}
END_TEST

static int use_wrong_kind(void *arg) {
    (void)arg;
    weft_lock lk;
    weft_lock_init(&lk);
    weft_sem_value((weft_sem *)(void *)&lk);
    return 0;
}

START_TEST(sem_given_a_lock_aborts) {
    expect_misuse(use_wrong_kind, NULL,
                  "weft_sem_value: object is a weft_lock, not a weft_sem",
                  NULL);
}
END_TEST

/* A lock of one runtime used by a task of another, both alive: the
 * first runtime's thread waits in pthread_join while the second runs. */
static weft_lock foreign;

static int use_foreign(void *arg) {
    (void)arg;
    weft_lock_acquire(&foreign);
    return 0;
}

static void *other_runtime(void *arg) {
    (void)arg;
    run_sim(2, use_foreign, NULL);
    return NULL;
}

static int lend_to_other_runtime(void *arg) {
    (void)arg;
    weft_lock_init_at(&foreign, "site.c", 18);
    pthread_t th;
    pthread_create(&th, NULL, other_runtime, NULL);
    pthread_join(th, NULL);
    return 0;
}

START_TEST(lock_from_another_runtime_aborts) {
    expect_misuse(lend_to_other_runtime, NULL,
                  "weft_lock_acquire: this weft_lock belongs to another "
                  "runtime",
                  "created at site.c:18", NULL);
}
END_TEST

static int init_foreign(void *arg) {
    (void)arg;
    weft_lock_init_at(&foreign, "site.c", 19);
    return 0;
}

static void use_after_run(void *arg) {
    (void)arg;
    run_sim(1, init_foreign, NULL);
    weft_lock_locked(&foreign);
}

START_TEST(lock_used_outside_runtime_aborts) {
    expect_misuse_child(use_after_run, NULL,
                        "weft_lock_locked called outside weft_run",
                        "created at site.c:19", NULL);
}
END_TEST

static void init_outside(void *arg) {
    (void)arg;
    weft_lock lk;
    weft_lock_init(&lk);
}

START_TEST(lock_init_outside_task_aborts) {
    expect_misuse_child(init_outside, NULL,
                        "weft_lock_init called outside a weft task", NULL);
}
END_TEST

static int notify_unlocked(void *arg) {
    (void)arg;
    weft_lock lk;
    weft_cond c;
    weft_lock_init(&lk);
    weft_cond_init_at(&c, &lk, "site.c", 20);
    weft_cond_notify(&c, 1);
    return 0;
}

START_TEST(cond_notify_without_lock_aborts) {
    expect_misuse(notify_unlocked, NULL,
                  "weft_cond_notify: the calling task 'main' does not hold "
                  "the condition's lock",
                  "created at site.c:20", NULL);
}
END_TEST

static int cond_on_destroyed_lock(void *arg) {
    (void)arg;
    weft_lock lk;
    weft_cond c;
    weft_lock_init_at(&lk, "site.c", 21);
    weft_lock_destroy(&lk);
    weft_cond_init(&c, &lk);
    return 0;
}

START_TEST(cond_init_on_destroyed_lock_aborts) {
    expect_misuse(cond_on_destroyed_lock, NULL,
                  "weft_cond_init: this weft_lock was destroyed", "site.c:21",
                  NULL);
}
END_TEST

/* ==== oom ==== */

#if OOM_AVAILABLE /* ASan owns malloc: there the case is empty */

#define NTOKENS 20

/* Borrowing NTOKENS tokens grows the borrower set a few times; the
 * borrow whose growth fails gets -ENOMEM and changes nothing. */
static int limiter_grow_oom(void *arg) {
    long fail_at = *(long *)arg;
    static char tok[NTOKENS];
    int rc[NTOKENS];
    weft_limiter l;
    weft_limiter_init(&l, NTOKENS);
    oom_fail_at(fail_at);
    for (int i = 0; i < NTOKENS; i++) {
        rc[i] = weft_limiter_try_acquire_on_behalf(&l, &tok[i]);
    }
    bool failed = oom_off();
    size_t held = 0;
    for (int i = 0; i < NTOKENS; i++) {
        ck_assert(rc[i] == 0 || rc[i] == -ENOMEM);
        held += rc[i] == 0;
    }
    ck_assert_uint_eq(held, NTOKENS - (size_t)failed);
    ck_assert_uint_eq(weft_limiter_borrowed(&l), held);
    for (int i = 0; i < NTOKENS; i++) {
        ck_assert_int_eq(weft_limiter_release_on_behalf(&l, &tok[i]),
                         rc[i] == 0 ? 0 : -EPERM);
    }
    weft_limiter_destroy(&l);
    return failed;
}

START_TEST(limiter_acquire_oom_fails_cleanly) {
    long n;
    int failed = 1;
    for (n = 1; failed; n++) {
        failed = sim(1, limiter_grow_oom, &n);
        ck_assert_int_ge(failed, 0);
    }
    ck_assert_int_gt(n, 3); /* the set did grow, and fail, on the way */
}
END_TEST

static int borrow_and_return(void *arg) {
    weft_limiter *l = arg;
    int rc = weft_limiter_acquire(l);
    if (rc == 0) rc = weft_limiter_release(l);
    return rc;
}

/* set_total makes room for every waiter it wakes before waking any:
 * when that fails it returns -ENOMEM and nothing changed. */
static int limiter_set_total_oom(void *arg) {
    (void)arg;
    weft_limiter l;
    weft_limiter_init(&l, 1);
    weft_limiter_acquire(&l);
    weft_group g;
    weft_group_init(&g);
    for (int i = 0; i < 10; i++)
        spawn(&g, "waiter", borrow_and_return, &l);
    weft_sleep(WEFT_MSEC);
    oom_fail_at(1);
    int rc = weft_limiter_set_total(&l, 11);
    oom_off();
    ck_assert_int_eq(rc, -ENOMEM);
    ck_assert_uint_eq(weft_limiter_total(&l), 1);
    ck_assert_uint_eq(weft_limiter_waiters(&l), 10);
    ck_assert_uint_eq(weft_limiter_borrowed(&l), 1);
    ck_assert_int_eq(weft_limiter_set_total(&l, 11), 0);
    ck_assert_uint_eq(weft_limiter_waiters(&l), 0);
    ck_assert_uint_eq(weft_limiter_borrowed(&l), 11);
    ck_assert_int_eq(weft_limiter_release(&l), 0);
    ck_assert_int_eq(join(&g), 0);
    ck_assert_uint_eq(weft_limiter_borrowed(&l), 0);
    weft_limiter_destroy(&l);
    return 0;
}

START_TEST(limiter_set_total_oom_changes_nothing) {
    ck_assert_run(sim((uint64_t)_i, limiter_set_total_oom, NULL), 0, _i);
}
END_TEST

#endif

/* ==== regress ==== */

/* Issue 3: a lock and a limiter knew their holders by task pointer. A
 * task lives at the top of its stack and stacks are pooled, so a task
 * spawned after a holder ended (without releasing) got the holder's
 * address, and with it the lock or the token: its release returned 0
 * and freed what it never took. Holders are now known by task id,
 * unique within a runtime: the heir's release is -EPERM, the lock stays
 * held (by no live task), and destroying it is misuse that names the
 * ended holder by id without reading its reused memory. */
struct heir_case {
    weft_lock lk;
    weft_limiter l;
    const void *self[2]; /* the holder's and the heir's task structs */
    int release_rc;      /* the heir's release */
    int try_rc;          /* the heir's try_acquire afterwards */
};

static const void *current_task(void) {
    return weft__rt_current()->current;
}

static int hold_and_end(void *arg) {
    struct heir_case *h = arg;
    h->self[0] = current_task();
    int rc = weft_lock_acquire(&h->lk);
    return rc ? rc : weft_limiter_acquire(&h->l);
}

static int heir_of_lock(void *arg) {
    struct heir_case *h = arg;
    h->self[1] = current_task();
    h->release_rc = weft_lock_release(&h->lk);
    h->try_rc = weft_lock_try_acquire(&h->lk);
    return 0;
}

static int heir_of_token(void *arg) {
    struct heir_case *h = arg;
    h->self[1] = current_task();
    h->release_rc = weft_limiter_release(&h->l);
    h->try_rc = weft_limiter_try_acquire(&h->l);
    return 0;
}

/* Reports a failed expectation on stderr and returns from the body: the
 * child then exits without the misuse abort the test waits for. */
#define EXPECT(cond)                                                           \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "expectation failed: %s\n", #cond);                \
            return 1;                                                          \
        }                                                                      \
    } while (0)

/* The holder takes the lock and a token and ends; the heir, spawned
 * next, lives in the holder's slot. Then destroys what it names. */
static int heir_in_holders_slot(struct heir_case *h, int (*heir)(void *)) {
    weft_lock_init_at(&h->lk, "site.c", 41);
    weft_limiter_init_at(&h->l, 1, "site.c", 42);
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "holder", hold_and_end, h);
    EXPECT(join(&g) == 0);
    weft_group_init(&g);
    weft_spawn(&g, "heir", heir, h);
    EXPECT(join(&g) == 0);
    EXPECT(h->self[0] == h->self[1]); /* the premise: the slot was reused */
    EXPECT(h->release_rc == -EPERM);
    EXPECT(h->try_rc == -EWOULDBLOCK);
    EXPECT(weft_lock_locked(&h->lk));
    EXPECT(weft_limiter_borrowed(&h->l) == 1);
    return 0;
}

static int lock_heir(void *arg) {
    struct heir_case *h = arg;
    int rc = heir_in_holders_slot(h, heir_of_lock);
    if (rc == 0) weft_lock_destroy(&h->lk); /* held: misuse */
    return rc;
}

static int limiter_heir(void *arg) {
    struct heir_case *h = arg;
    int rc = heir_in_holders_slot(h, heir_of_token);
    if (rc == 0) weft_limiter_destroy(&h->l); /* borrowed: misuse */
    return rc;
}

START_TEST(regress_3_lock_of_ended_holder_not_released_by_heir) {
    static struct heir_case h;
    expect_misuse(lock_heir, &h, "weft_lock_destroy",
                  "the lock is held by task id 2, which has ended",
                  "created at site.c:41", NULL);
}
END_TEST

START_TEST(regress_3_token_of_ended_holder_not_released_by_heir) {
    static struct heir_case h;
    expect_misuse(limiter_heir, &h, "weft_limiter_destroy",
                  "1 token(s) still borrowed", "created at site.c:42", NULL);
}
END_TEST

Suite *sync_suite(void);
Suite *sync_suite(void) {
    Suite *s = suite_create("sync");
    TCase *tc = tcase_create("misuse");
    tcase_add_test(tc, lock_destroy_while_held_aborts_naming_site);
    tcase_add_loop_test(tc, sync_destroy_with_waiters_aborts_naming_site, 0, 4);
    tcase_add_test(tc, limiter_destroy_while_borrowed_aborts_naming_site);
    tcase_add_test(tc, lock_use_after_destroy_aborts_naming_site);
    tcase_add_test(tc, lock_uninitialised_aborts);
    tcase_add_test(tc, sem_given_a_lock_aborts);
    tcase_add_test(tc, lock_from_another_runtime_aborts);
    tcase_add_test(tc, lock_used_outside_runtime_aborts);
    tcase_add_test(tc, lock_init_outside_task_aborts);
    tcase_add_test(tc, cond_notify_without_lock_aborts);
    tcase_add_test(tc, cond_init_on_destroyed_lock_aborts);
    suite_add_tcase(s, tc);

    tc = tcase_create("oom");
#if OOM_AVAILABLE
    tcase_add_test(tc, limiter_acquire_oom_fails_cleanly);
    tcase_add_loop_test(tc, limiter_set_total_oom_changes_nothing, 1, 20);
#endif
    suite_add_tcase(s, tc);

    tc = tcase_create("regress");
    tcase_add_test(tc, regress_3_lock_of_ended_holder_not_released_by_heir);
    tcase_add_test(tc, regress_3_token_of_ended_holder_not_released_by_heir);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    return run_suite(sync_suite());
}
