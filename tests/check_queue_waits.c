/* tests/check_queue_waits.c: how waits on queues end (suite queue,
 * TCases cancel, timeout and fairness; docs/SYNC.md): a cancelled get
 * loses no item, a cancelled put delivers nothing, a put racing a cancel
 * delivers exactly once, deadlines hold at exact virtual times, and
 * getters and putters are served first come, first served. The 10,000-
 * seed property is in check_queue_property.c. */
#include <string.h>

#include "queue_test.h"

/* ==== cancel ==== */

/* A getter cancelled by its deadline leaves the later item in the queue. */
static int cancelled_get(void *arg) {
    struct anyq *a = arg;
    anyq_init(a, 4);
    weft_scope s;
    weft_move_on_after(&s, UNIT);
    struct item it = {0, -1};
    int rc = anyq_get(a, &it);
    ck_assert_int_eq(weft_scope_exit(&s, rc), 0);
    ck_assert_int_eq(rc, -ECANCELED);
    ck_assert_int_eq(it.id, -1); /* the buffer was not touched */
    ck_assert_at(WEFT_SEC);
    ck_assert_uint_eq(anyq_getters(a), 0);
    ck_assert_int_eq(anyq_put(a, 0, 5), 0);
    ck_assert_uint_eq(anyq_len(a), 1); /* nobody took it */
    ck_assert_int_eq(anyq_get(a, &it), 0);
    ck_assert_int_eq(it.id, 5);
    anyq_destroy(a);
    return 0;
}

START_TEST(queue_cancelled_get_loses_no_item) {
    for (int kind = 0; kind < 2; kind++) {
        struct anyq a = {.kind = kind};
        ck_assert_run(both(_i, cancelled_get, &a), 0, _i);
    }
}
END_TEST

/* A putter cancelled while the queue is full delivers nothing: the room
 * a later get frees is not filled with its item. */
static int cancelled_put(void *arg) {
    struct anyq *a = arg;
    anyq_init(a, 1);
    anyq_put(a, 0, 1);
    weft_scope s;
    weft_fail_after(&s, UNIT);
    int rc = anyq_put(a, 0, 2);
    ck_assert_int_eq(weft_scope_exit(&s, rc), -ETIMEDOUT);
    ck_assert_int_eq(rc, -ECANCELED);
    ck_assert_uint_eq(anyq_putters(a), 0);
    struct item it;
    ck_assert_int_eq(anyq_get(a, &it), 0);
    ck_assert_int_eq(it.id, 1);
    ck_assert_int_eq(anyq_try_get(a, &it), -EWOULDBLOCK);
    anyq_destroy(a);
    return 0;
}

START_TEST(queue_cancelled_put_delivers_nothing) {
    for (int kind = 0; kind < 2; kind++) {
        struct anyq a = {.kind = kind};
        ck_assert_run(both(_i, cancelled_put, &a), 0, _i);
    }
}
END_TEST

/* A put and a cancel of the parked getter at the same instant, in every
 * order the seeds find: the item is got exactly once, or stays in the
 * queue. Then the same with a rendezvous putter cancelled while a getter
 * arrives: delivered exactly when the put says so. */
struct race {
    struct anyq a;
    weft_scope *scope; /* the racing waiter's, while it waits */
    int rc;
    struct item it;
};

static int race_get(void *arg) {
    struct race *r = arg;
    weft_scope s;
    weft_scope_enter(&s, WEFT_NEVER, 0);
    r->scope = &s;
    r->rc = anyq_get(&r->a, &r->it);
    r->scope = NULL;
    weft_scope_exit(&s, r->rc);
    return 0;
}

static int race_put(void *arg) {
    struct race *r = arg;
    weft_scope s;
    weft_scope_enter(&s, WEFT_NEVER, 0);
    r->scope = &s;
    r->rc = anyq_put(&r->a, 0, 8);
    r->scope = NULL;
    weft_scope_exit(&s, r->rc);
    return 0;
}

static int race_cancel(void *arg) {
    struct race *r = arg;
    weft_sleep_until(WEFT_SEC);
    if (r->scope) weft_scope_cancel(r->scope);
    return 0;
}

static int get_vs_cancel(void *arg) {
    struct race *r = arg;
    anyq_init(&r->a, 2);
    weft_group g;
    weft_group_init(&g);
    spawn(&g, "getter", race_get, r);
    spawn(&g, "canceller", race_cancel, r);
    weft_sleep_until(WEFT_SEC);
    ck_assert_int_eq(anyq_put(&r->a, 0, 8), 0);
    join(&g);
    if (r->rc == 0) {
        ck_assert_int_eq(r->it.id, 8);
        ck_assert_uint_eq(anyq_len(&r->a), 0);
    } else {
        ck_assert_int_eq(r->rc, -ECANCELED);
        ck_assert_uint_eq(anyq_len(&r->a), 1);
        struct item it;
        ck_assert_int_eq(anyq_try_get(&r->a, &it), 0);
    }
    anyq_destroy(&r->a);
    return 0;
}

static int put_vs_cancel(void *arg) {
    struct race *r = arg;
    anyq_init(&r->a, r->a.kind ? 1 : 0);
    if (r->a.kind) anyq_put(&r->a, 0, 1); /* full */
    weft_group g;
    weft_group_init(&g);
    spawn(&g, "putter", race_put, r);
    spawn(&g, "canceller", race_cancel, r);
    weft_sleep_until(WEFT_SEC);
    struct item it;
    weft_scope s;
    weft_move_on_after(&s, WEFT_SEC); /* nothing may come: do not hang */
    int got = 0;
    while (anyq_get(&r->a, &it) == 0)
        got += it.id == 8;
    weft_scope_exit(&s, 0);
    join(&g);
    ck_assert_int_eq(got, r->rc == 0 ? 1 : 0);
    ck_assert(r->rc == 0 || r->rc == -ECANCELED);
    anyq_destroy(&r->a);
    return 0;
}

START_TEST(queue_put_racing_cancel_delivers_exactly_once) {
    for (int kind = 0; kind < 2; kind++) {
        struct race r;
        memset(&r, 0, sizeof r);
        r.a.kind = kind;
        ck_assert_run(sim((uint64_t)_i, get_vs_cancel, &r), 0, _i);
        memset(&r, 0, sizeof r);
        r.a.kind = kind;
        ck_assert_run(sim((uint64_t)_i, put_vs_cancel, &r), 0, _i);
    }
}
END_TEST

/* ==== timeout ==== */

static int get_times_out(void *arg) {
    struct anyq *a = arg;
    anyq_init(a, 2);
    weft_scope s;
    weft_fail_after(&s, UNIT);
    struct item it;
    ck_assert_int_eq(weft_scope_exit(&s, anyq_get(a, &it)), -ETIMEDOUT);
    ck_assert_at(WEFT_SEC);
    anyq_put(a, 0, 1);
    anyq_put(a, 0, 2);
    weft_move_on_after(&s, UNIT);
    ck_assert_int_eq(weft_scope_exit(&s, anyq_put(a, 0, 3)), 0);
    ck_assert_at(2 * WEFT_SEC);
    ck_assert_uint_eq(anyq_len(a), 2);
    while (anyq_try_get(a, &it) == 0) {
    }
    anyq_destroy(a);
    return 0;
}

START_TEST(queue_waits_time_out_at_deadline) {
    for (int kind = 0; kind < 2; kind++) {
        struct anyq a = {.kind = kind};
        ck_assert_run(both(_i, get_times_out, &a), 0, _i);
    }
}
END_TEST

/* ==== fairness ==== */

struct fair_waiter {
    struct anyq *a;
    int id;  /* arrival order */
    int got; /* getter: the id of its item */
};

static int fair_getter(void *arg) {
    struct fair_waiter *w = arg;
    weft_sleep((weft_time)(w->id + 1) * WEFT_MSEC); /* arrive in id order */
    struct item it;
    ck_assert_int_eq(anyq_get(w->a, &it), 0);
    w->got = it.id;
    return 0;
}

/* Getters arrive in order on an empty queue; items put later go to
 * them in that order, and a task that comes late gets nothing. */
static int getters_fifo(void *arg) {
    struct anyq *a = arg;
    anyq_init(a, 8);
    struct fair_waiter w[5];
    weft_group g;
    weft_group_init(&g);
    for (int i = 0; i < 5; i++) {
        w[i] = (struct fair_waiter){a, i, -1};
        spawn(&g, "getter", fair_getter, &w[i]);
    }
    weft_sleep(UNIT);
    for (int i = 0; i < 5; i++) {
        ck_assert_int_eq(anyq_put(a, 4 - i, i), 0);
        struct item it;
        ck_assert_int_eq(anyq_try_get(a, &it), -EWOULDBLOCK); /* no barging */
    }
    join(&g);
    for (int i = 0; i < 5; i++)
        ck_assert_int_eq(w[i].got, i);
    anyq_destroy(a);
    return 0;
}

START_TEST(queue_getters_served_fifo) {
    for (int kind = 0; kind < 2; kind++) {
        struct anyq a = {.kind = kind};
        ck_assert_run(both(_i, getters_fifo, &a), 0, _i);
    }
}
END_TEST

static int fair_putter(void *arg) {
    struct fair_waiter *w = arg;
    weft_sleep((weft_time)(w->id + 1) * WEFT_MSEC);
    ck_assert_int_eq(anyq_put(w->a, 0, w->id + 1), 0); /* equal prios */
    return 0;
}

/* Putters arrive in order on a full queue; their items enter in that
 * order (for the pqueue, equal priorities keep it too). */
static int putters_fifo(void *arg) {
    struct anyq *a = arg;
    anyq_init(a, 1);
    anyq_put(a, 0, 0);
    struct fair_waiter w[5];
    weft_group g;
    weft_group_init(&g);
    for (int i = 0; i < 5; i++) {
        w[i] = (struct fair_waiter){a, i, -1};
        spawn(&g, "putter", fair_putter, &w[i]);
    }
    weft_sleep(UNIT);
    ck_assert_uint_eq(anyq_putters(a), 5);
    for (int i = 0; i <= 5; i++) {
        struct item it;
        ck_assert_int_eq(anyq_get(a, &it), 0);
        ck_assert_int_eq(it.id, i);
        /* the room went to the oldest putter, not to a newcomer */
        if (i < 5) ck_assert_int_eq(anyq_try_put(a, 0, 99), -EWOULDBLOCK);
    }
    join(&g);
    anyq_destroy(a);
    return 0;
}

START_TEST(queue_putters_served_fifo) {
    for (int kind = 0; kind < 2; kind++) {
        struct anyq a = {.kind = kind};
        ck_assert_run(both(_i, putters_fifo, &a), 0, _i);
    }
}
END_TEST

Suite *queue_suite(void);
Suite *queue_suite(void) {
    Suite *s = suite_create("queue");
    TCase *tc = tcase_create("cancel");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, queue_cancelled_get_loses_no_item, 0, 50);
    tcase_add_loop_test(tc, queue_cancelled_put_delivers_nothing, 0, 50);
    tcase_add_loop_test(tc, queue_put_racing_cancel_delivers_exactly_once, 1,
                        500);
    suite_add_tcase(s, tc);

    tc = tcase_create("timeout");
    tcase_add_loop_test(tc, queue_waits_time_out_at_deadline, 0, 20);
    suite_add_tcase(s, tc);

    tc = tcase_create("fairness");
    tcase_add_loop_test(tc, queue_getters_served_fifo, 0, 100);
    tcase_add_loop_test(tc, queue_putters_served_fifo, 0, 100);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    return run_suite(queue_suite());
}
