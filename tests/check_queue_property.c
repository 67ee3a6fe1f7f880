/* tests/check_queue_property.c: cancel-safety of both kinds of queue as
 * a property over 10,000 seeds each under sim (suite queue, TCase
 * cancel; docs/SYNC.md): every item put is got exactly once or is still
 * in the queue. A failure prints the seed and the command that replays
 * it alone (PROP_SEED=N). */
#include <string.h>

#include "queue_test.h"

/* ---- the property: 10,000 seeds per kind of queue ----
 * Producers put numbered items (random priorities), consumers get them,
 * each operation (blocking or try_) in a scope with a random deadline,
 * while a chaos task cancels operations at random; consumers may stop
 * early, and everything is cancelled at 40 ms of virtual time. The last
 * producer to finish closes the queue. Checked: every item whose put
 * returned 0 is got exactly once or is still in the queue at the end,
 * and no other item is ever got; FIFO order per producer (queue), or
 * priority order of what is left (pqueue). */

#define PROP_SEEDS 10000
#define NPROD 3
#define NCONS 3
#define PER_PROD 8
#define NITEMS (NPROD * PER_PROD)

struct qprop {
    struct anyq a;
    char fail[256];
    int put_ok[NITEMS];
    int got[NITEMS];
    int left[NITEMS];
    int last[NCONS][NPROD]; /* per consumer: highest k got from p */
    int max_got[NPROD];     /* highest k got from p by anyone */
    weft_scope *cur[NPROD + NCONS];
    int producers_done;
    int workers_done;
};

struct qworker {
    struct qprop *p;
    int id; /* producers 0..NPROD-1, then consumers */
};

/* One operation in a scope the chaos task may cancel; returns its rc. */
static int q_op(struct qworker *w, bool put, struct item *it) {
    struct qprop *p = w->p;
    bool try = weft_random() % 5 == 0;
    weft_scope s;
    weft_move_on_after(&s, prop_deadline(2000));
    p->cur[w->id] = &s;
    int rc;
    if (put) {
        rc = try ? anyq_try_put(&p->a, it->prio, it->id)
                 : anyq_put(&p->a, it->prio, it->id);
    } else {
        rc = try ? anyq_try_get(&p->a, it) : anyq_get(&p->a, it);
    }
    p->cur[w->id] = NULL;
    weft_scope_exit(&s, rc);
    if (rc == -EWOULDBLOCK) { /* a try_ call: let time pass */
        weft_sleep((weft_time)(weft_random() % 300) * WEFT_USEC);
    }
    return rc;
}

static int q_producer(void *arg) {
    struct qworker *w = arg;
    struct qprop *p = w->p;
    for (int k = 0; k < PER_PROD; k++) {
        struct item it = {(int)(weft_random() % 4), w->id * PER_PROD + k};
        int rc = q_op(w, true, &it);
        PROP_CHECK(p, rc == 0 || rc == -ECANCELED || rc == -EWOULDBLOCK);
        if (rc == 0) PROP_CHECK(p, p->put_ok[it.id]++ == 0);
        if (weft_random() % 2) {
            weft_sleep((weft_time)(weft_random() % 500) * WEFT_USEC);
        }
    }
    if (++p->producers_done == NPROD) anyq_close(&p->a);
    p->workers_done++;
    return 0;
}

static void got_item(struct qprop *p, int c, const struct item *it) {
    PROP_CHECK(p, it->id >= 0 && it->id < NITEMS);
    if (it->id < 0 || it->id >= NITEMS) return;
    PROP_CHECK(p, p->got[it->id]++ == 0);
    int prod = it->id / PER_PROD, k = it->id % PER_PROD;
    if (p->a.kind == 0) PROP_CHECK(p, k > p->last[c][prod]); /* FIFO */
    if (k > p->last[c][prod]) p->last[c][prod] = k;
    if (k > p->max_got[prod]) p->max_got[prod] = k;
}

static int q_consumer(void *arg) {
    struct qworker *w = arg;
    struct qprop *p = w->p;
    int c = w->id - NPROD;
    for (;;) {
        struct item it;
        int rc = q_op(w, false, &it);
        PROP_CHECK(p, rc == 0 || rc == -ECANCELED || rc == -EWOULDBLOCK ||
                          rc == -EPIPE);
        if (rc == 0) got_item(p, c, &it);
        if (rc == -EPIPE) break;
        if (weft_random() % 16 == 0) break;    /* leaves items behind */
        if (weft_yield() == -ECANCELED) break; /* the end of everything */
    }
    p->workers_done++;
    return 0;
}

static int q_chaos(void *arg) {
    struct qprop *p = arg;
    while (p->workers_done < NPROD + NCONS) {
        weft_time pause = (weft_time)(weft_random() % 600) * WEFT_USEC;
        if (weft_sleep(pause) == -ECANCELED) break;
        weft_scope *s = p->cur[weft_random() % (NPROD + NCONS)];
        if (s && weft_random() % 2) weft_scope_cancel(s);
    }
    return 0;
}

/* After the run: what is left comes out in queue order. */
static void check_left(struct qprop *p) {
    struct item it, prev = {-1, -1};
    int rc;
    int left_min[NPROD];
    for (int i = 0; i < NPROD; i++)
        left_min[i] = PER_PROD;
    while ((rc = anyq_try_get(&p->a, &it)) == 0) {
        PROP_CHECK(p, it.id >= 0 && it.id < NITEMS);
        if (it.id < 0 || it.id >= NITEMS) return;
        p->left[it.id]++;
        int prod = it.id / PER_PROD, k = it.id % PER_PROD;
        if (k < left_min[prod]) left_min[prod] = k;
        if (p->a.kind == 1 && prev.id >= 0) {
            PROP_CHECK(p, it.prio >= prev.prio);
            if (it.prio == prev.prio && it.id / PER_PROD == prev.id / PER_PROD)
                PROP_CHECK(p, it.id > prev.id); /* stable */
        }
        prev = it;
    }
    PROP_CHECK(p, rc == -EPIPE); /* the last producer closed it */
    for (int i = 0; i < NPROD; i++) {
        if (p->a.kind == 0) PROP_CHECK(p, p->max_got[i] < left_min[i]);
    }
}

static int q_prop_main(void *arg) {
    struct qprop *p = arg;
    static const size_t caps[] = {0, 1, 2, 5, WEFT_UNBOUNDED};
    size_t cap = caps[weft_random() % 5];
    if (p->a.kind == 1 && cap == 0) cap = 3;
    anyq_init(&p->a, cap);
    for (int c = 0; c < NCONS; c++) {
        for (int i = 0; i < NPROD; i++)
            p->last[c][i] = -1;
    }
    for (int i = 0; i < NPROD; i++)
        p->max_got[i] = -1;
    struct qworker w[NPROD + NCONS];
    weft_scope all;
    weft_move_on_after(&all, 40 * WEFT_MSEC);
    weft_group g;
    weft_group_init(&g);
    for (int i = 0; i < NPROD + NCONS; i++) {
        w[i] = (struct qworker){p, i};
        weft_spawn(&g, i < NPROD ? "producer" : "consumer",
                   i < NPROD ? q_producer : q_consumer, &w[i]);
    }
    weft_spawn(&g, "chaos", q_chaos, p);
    int jrc = join(&g);
    PROP_CHECK(p, jrc == 0 || jrc == -ECANCELED);
    weft_scope_exit(&all, jrc);
    PROP_CHECK(p, anyq_putters(&p->a) == 0 && anyq_getters(&p->a) == 0);
    check_left(p);
    for (int id = 0; id < NITEMS; id++) {
        PROP_CHECK(p, p->got[id] + p->left[id] == p->put_ok[id]);
    }
    PROP_CHECK(p, anyq_len(&p->a) == 0);
    anyq_destroy(&p->a);
    return 0;
}

static void q_property(int kind) {
    uint64_t first, n;
    prop_seeds(PROP_SEEDS, &first, &n);
    static struct qprop p;
    for (uint64_t seed = first; seed < first + n; seed++) {
        memset(&p, 0, sizeof p);
        p.a.kind = kind;
        int rc = sim(seed, q_prop_main, &p);
        prop_check_run(seed, rc, p.fail,
                       "CK_RUN_SUITE=queue CK_RUN_CASE=cancel "
                       "tests/check_queue_property");
    }
}

START_TEST(queue_random_cancellation_loses_no_item) {
    q_property(0);
}
END_TEST

START_TEST(pqueue_random_cancellation_loses_no_item) {
    q_property(1);
}
END_TEST

Suite *queue_suite(void);
Suite *queue_suite(void) {
    Suite *s = suite_create("queue");
    TCase *tc = tcase_create("cancel");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, queue_random_cancellation_loses_no_item);
    tcase_add_test(tc, pqueue_random_cancellation_loses_no_item);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    return run_suite(queue_suite());
}
