/* tests/sync_test.c: see sync_test.h. */
#include "sync_test.h"

#include <stdlib.h>

struct body {
    int (*fn)(void *);
    void *arg;
};

/* Once weft_run returned: nothing leaked (every init met its destroy).
 * Reports only a failure: the property tests call it 10,000 times. */
static int no_leaks(int rc) {
    size_t leaks = weft_leaks(NULL, 0);
    if (leaks) ck_abort_msg("%zu weft object(s) leaked", leaks);
    return rc;
}

int sim(uint64_t seed, int (*fn)(void *), void *arg) {
    return no_leaks(run_sim(seed, fn, arg));
}

int both(int i, int (*fn)(void *), void *arg) {
    return no_leaks(run_both(i, fn, arg));
}

void spawn(weft_group *g, const char *name, int (*fn)(void *), void *arg) {
    ck_assert_int_eq(weft_spawn(g, name, fn, arg), 0);
}

int join(weft_group *g) {
    int rc = weft_group_join(g);
    weft_group_destroy(g);
    return rc;
}

static void run_sim_child(void *arg) {
    const struct body *b = arg;
    run_sim(1, b->fn, b->arg);
}

void expect_misuse(int (*fn)(void *), void *arg, ...) {
    struct body b = {fn, arg};
    va_list ap;
    va_start(ap, arg);
    expect_abort_v(run_sim_child, &b, "weft: misuse: ", ap);
    va_end(ap);
}

void expect_misuse_child(void (*fn)(void *), void *arg, ...) {
    va_list ap;
    va_start(ap, arg);
    expect_abort_v(fn, arg, "weft: misuse: ", ap);
    va_end(ap);
}

void prop_seeds(uint64_t n, uint64_t *first, uint64_t *count) {
    const char *only = getenv("PROP_SEED");
    if (only && !*only) only = NULL; /* PROP_SEED= means unset */
    *first = only ? strtoull(only, NULL, 0) : 0;
    *count = only ? 1 : n;
}

void prop_check_run(uint64_t seed, int rc, const char *fail,
                    const char *replay) {
    if (rc == 0 && !fail[0]) return;
    ck_abort_msg("seed=%llu rc=%d: %s (replay: PROP_SEED=%llu %s)",
                 (unsigned long long)seed, rc, fail, (unsigned long long)seed,
                 replay);
}

weft_time prop_deadline(uint64_t span_us) {
    uint64_t r = weft_random() % 8;
    if (r < 3) return WEFT_NEVER;
    if (r == 3) return 0; /* already expired */
    return (weft_time)(weft_random() % span_us) * WEFT_USEC;
}

int hold_lock(void *arg) {
    struct holder *h = arg;
    weft_sleep(h->start);
    h->rc = weft_lock_acquire(h->lk);
    weft_sleep(h->hold);
    ck_assert_int_eq(weft_lock_release(h->lk), 0);
    return 0;
}

int cond_waiter(void *arg) {
    struct cond_waiter *w = arg;
    struct cond_case *c = w->c;
    weft_sleep((weft_time)(w->id + 1) * WEFT_MSEC); /* arrive in id order */
    ck_assert_int_eq(weft_lock_acquire(&c->lk), 0);
    weft_scope s;
    weft_move_on_after(&s, w->deadline);
    w->scope = &s;
    int rc = weft_cond_wait(&c->c);
    w->scope = NULL;
    weft_scope_exit(&s, rc);
    c->rc[w->id] = rc;
    c->at[w->id] = weft_now();
    if (rc == 0) c->woken[c->nwoken++] = w->id;
    /* the lock is held again, whatever rc says */
    ck_assert_int_eq(weft_lock_release(&c->lk), 0);
    return 0;
}

void notify_locked(struct cond_case *c, size_t n) {
    ck_assert_int_eq(weft_lock_acquire(&c->lk), 0);
    weft_cond_notify(&c->c, n);
    ck_assert_int_eq(weft_lock_release(&c->lk), 0);
}
