/* tests/check_queue_misuse.c: the failure paths of the queues (suite
 * queue, TCases misuse and oom; docs/SYNC.md). Misuse runs in a child
 * process whose stderr must name the call and the queue's creation site;
 * a failed allocation (tests/oom.h) returns -ENOMEM and changes
 * nothing. */
#include "oom.h"
#include "queue_test.h"

/* ==== misuse ==== */

static int destroy_with_items(void *arg) {
    struct anyq *a = arg;
    if (a->kind) {
        weft_pqueue_init_at(&a->pq, 4, sizeof(struct item), cmp_item, "site.c",
                            31);
    } else {
        weft_queue_init_at(&a->q, 4, sizeof(struct item), "site.c", 31);
    }
    anyq_put(a, 0, 1);
    anyq_put(a, 0, 2);
    anyq_close(a); /* closing does not drain */
    anyq_destroy(a);
    return 0;
}

START_TEST(queue_destroy_with_items_aborts_naming_site) {
    struct anyq a = {.kind = _i};
    expect_misuse(destroy_with_items, &a,
                  _i ? "weft_pqueue_destroy" : "weft_queue_destroy",
                  "2 item(s) left unread", "created at site.c:31", NULL);
}
END_TEST

static int waiting_get(void *arg) {
    struct item it;
    return anyq_get(arg, &it);
}

static int destroy_with_getter(void *arg) {
    struct anyq *a = arg;
    if (a->kind) {
        weft_pqueue_init_at(&a->pq, 4, sizeof(struct item), cmp_item, "site.c",
                            32);
    } else {
        weft_queue_init_at(&a->q, 4, sizeof(struct item), "site.c", 32);
    }
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "getter", waiting_get, a);
    weft_sleep(WEFT_MSEC);
    anyq_destroy(a);
    return 0;
}

START_TEST(queue_destroy_with_waiters_aborts_naming_site) {
    struct anyq a = {.kind = _i};
    expect_misuse(destroy_with_getter, &a,
                  _i ? "weft_pqueue_destroy" : "weft_queue_destroy",
                  _i ? "1 task(s) still wait in pqueue get"
                     : "1 task(s) still wait in queue get",
                  "oldest 'getter'", "created at site.c:32", NULL);
}
END_TEST

static int use_after_destroy(void *arg) {
    (void)arg;
    weft_queue q;
    weft_queue_init_at(&q, 1, 4, "site.c", 33);
    weft_queue_destroy(&q);
    int x = 0;
    weft_queue_put(&q, &x);
    return 0;
}

START_TEST(queue_use_after_destroy_aborts_naming_site) {
    expect_misuse(use_after_destroy, NULL,
                  "weft_queue_put: this weft_queue was destroyed",
                  "created at site.c:33", NULL);
}
END_TEST

static int queue_given_pqueue(void *arg) {
    (void)arg;
    weft_pqueue pq;
    weft_pqueue_init(&pq, 1, 4, cmp_item);
    weft_queue_len((weft_queue *)(void *)&pq);
    return 0;
}

START_TEST(queue_given_a_pqueue_aborts) {
    expect_misuse(queue_given_pqueue, NULL,
                  "weft_queue_len: object is a weft_pqueue, not a weft_queue",
                  NULL);
}
END_TEST

/* ==== oom ==== */

#if OOM_AVAILABLE

/* Bounded init allocates its ring: failing, it returns -ENOMEM and the
 * object is not initialised (nothing to destroy, nothing tracked). */
static int init_oom(void *arg) {
    (void)arg;
    weft_queue q;
    weft_pqueue pq;
    oom_fail_at(1);
    int rc = weft_queue_init(&q, 16, 8);
    oom_fail_at(1);
    int prc = weft_pqueue_init(&pq, 16, 8, cmp_item);
    oom_off();
    ck_assert_int_eq(rc, -ENOMEM);
    ck_assert_int_eq(prc, -ENOMEM);
    ck_assert_int_eq(weft_queue_init(&q, 16, 8), 0);
    weft_queue_destroy(&q);
    return 0;
}

START_TEST(queue_init_oom_fails_cleanly) {
    ck_assert_run(sim(1, init_oom, NULL), 0, 1);
}
END_TEST

/* An unbounded queue grows at put: the put whose growth fails returns
 * -ENOMEM and the queue is unchanged; the next one succeeds. */
static int grow_oom(void *arg) {
    struct anyq *a = arg;
    anyq_init(a, WEFT_UNBOUNDED);
    int n = 0;
    for (int round = 0; round < 4; round++) {
        while (anyq_len(a) < 8u << round) {
            ck_assert_int_eq(anyq_put(a, 0, n), 0);
            n++;
        }
        oom_fail_at(1); /* the ring is full: this put must grow it */
        int rc = anyq_put(a, 0, -1);
        oom_off();
        ck_assert_int_eq(rc, -ENOMEM);
        ck_assert_uint_eq(anyq_len(a), (size_t)n);
    }
    for (int i = 0; i < n; i++) {
        struct item it;
        ck_assert_int_eq(anyq_try_get(a, &it), 0);
        ck_assert_int_eq(it.id, i);
    }
    anyq_destroy(a);
    return 0;
}

START_TEST(queue_unbounded_put_oom_changes_nothing) {
    for (int kind = 0; kind < 2; kind++) {
        struct anyq a = {.kind = kind};
        ck_assert_run(sim(1, grow_oom, &a), 0, 1);
    }
}
END_TEST

#endif

Suite *queue_suite(void);
Suite *queue_suite(void) {
    Suite *s = suite_create("queue");
    TCase *tc = tcase_create("misuse");
    tcase_add_loop_test(tc, queue_destroy_with_items_aborts_naming_site, 0, 2);
    tcase_add_loop_test(tc, queue_destroy_with_waiters_aborts_naming_site, 0,
                        2);
    tcase_add_test(tc, queue_use_after_destroy_aborts_naming_site);
    tcase_add_test(tc, queue_given_a_pqueue_aborts);
    suite_add_tcase(s, tc);

    tc = tcase_create("oom");
#if OOM_AVAILABLE
    tcase_add_test(tc, queue_init_oom_fails_cleanly);
    tcase_add_test(tc, queue_unbounded_put_oom_changes_nothing);
#endif
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    return run_suite(queue_suite());
}
