/* tests/check_timer.c: the timer heap against a trivial model (a flat
 * array searched for its minimum), with fixed seeds: random arms,
 * disarms and pops, checking the heap's invariants and the minimum after
 * every step (rax style); ties reported in arming order; arming never
 * allocating; and, through the runtime, sleepers woken in deadline order
 * (ties in arming order), none early. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "oom.h"
#include "prng.h"
#include "timer.h"

#define NTIMERS 200

struct model {
    struct weft__timer timers[NTIMERS];
    bool armed[NTIMERS];
};

static bool key_before(const struct weft__timer *a,
                       const struct weft__timer *b) {
    if (a->deadline != b->deadline) return a->deadline < b->deadline;
    return a->tiebreak < b->tiebreak;
}

static int model_min(const struct model *m) {
    int best = -1;
    for (int i = 0; i < NTIMERS; i++) {
        if (!m->armed[i]) continue;
        if (best < 0 || key_before(&m->timers[i], &m->timers[best])) best = i;
    }
    return best;
}

/* Every entry orders after its parent and carries its timer's keys and
 * id; the id's position is the entry's and the id is not free; the
 * counts and the slots add up. */
static void check_heap(const struct weft__timers *h, size_t narmed) {
    fast_check(h->n == narmed);
    fast_check(h->n <= h->nslots && h->nslots <= h->cap);
    fast_check(h->nfree == h->cap - h->n);
    for (size_t i = 0; i < h->n; i++) {
        const struct weft__timer_entry *e = &h->heap[i];
        fast_check(e->tm->armed && e->id == e->tm->id && h->pos[e->id] == i);
        for (size_t k = 0; k < h->nfree; k++) {
            fast_check(h->free_ids[k] != e->id);
        }
        fast_check(e->deadline == e->tm->deadline);
        fast_check(e->tiebreak == e->tm->tiebreak);
        if (i == 0) continue;
        const struct weft__timer_entry *p = &h->heap[(i - 1) / 4];
        fast_check(p->deadline < e->deadline ||
                   (p->deadline == e->deadline && p->tiebreak < e->tiebreak));
    }
}

/* The model's timers at the earliest deadline, in tiebreak order. */
static size_t model_tied(const struct model *m, struct weft__timer **out,
                         size_t max) {
    int first = model_min(m);
    if (first < 0) return 0;
    weft_time when = m->timers[first].deadline;
    size_t n = 0;
    for (int i = 0; i < NTIMERS; i++) {
        if (!m->armed[i] || m->timers[i].deadline != when) continue;
        struct weft__timer *t = (struct weft__timer *)&m->timers[i];
        size_t j = n++;
        for (; j > 0 && out[j - 1]->tiebreak > t->tiebreak; j--) {
            out[j] = out[j - 1];
        }
        out[j] = t;
    }
    return n < max ? n : max;
}

static void check_tied(const struct weft__timers *h, const struct model *m,
                       size_t max) {
    struct weft__timer *got[WEFT__TIMERS_TIED_MAX];
    struct weft__timer *want[NTIMERS];
    size_t n = weft__timers_tied(h, got, max);
    fast_check(n == model_tied(m, want, max));
    for (size_t i = 0; i < n; i++) fast_check(got[i] == want[i]);
}

START_TEST(timer_heap_matches_model) {
    uint64_t rng[4];
    weft__xoshiro_seed(rng, (uint64_t)_i);
    static struct model m;
    memset(&m, 0, sizeof m);
    struct weft__timers h;
    weft__timers_init(&h);
    for (int i = 0; i < NTIMERS; i++) {
        ck_assert_int_eq(weft__timers_reserve(&h, 1), 0);
    }
    size_t narmed = 0;
    uint64_t seq = 0;
    for (int step = 0; step < 20000; step++) {
        int i = (int)weft__xoshiro_below(rng, NTIMERS);
        unsigned op = (unsigned)weft__xoshiro_below(rng, 3);
        if (op == 0 && !m.armed[i]) {
            /* few distinct deadlines, so ties are frequent */
            m.timers[i].deadline = (weft_time)weft__xoshiro_below(rng, 50);
            m.timers[i].tiebreak = seq++;
            weft__timers_push(&h, &m.timers[i]);
            m.armed[i] = true;
            narmed++;
        } else if (op == 1 && m.armed[i]) {
            weft__timers_erase(&h, &m.timers[i]);
            m.armed[i] = false;
            narmed--;
        } else if (op == 2 && h.n) {
            int want = model_min(&m);
            fast_check(weft__timers_first(&h) == &m.timers[want]);
            weft__timers_erase(&h, weft__timers_first(&h));
            m.armed[want] = false;
            narmed--;
        }
        check_heap(&h, narmed);
        check_tied(&h, &m, step % 2 ? 16 : 3);
        int want = model_min(&m);
        if (want < 0) {
            fast_check(weft__timers_first(&h) == NULL);
            fast_check(weft__timers_next(&h) == WEFT_NEVER);
        } else {
            ck_assert_msg(weft__timers_first(&h) == &m.timers[want],
                          "seed=%d step=%d", _i, step);
            fast_check(weft__timers_next(&h) == m.timers[want].deadline);
        }
    }
    weft__timers_fini(&h);
}
END_TEST

/* Many more ties than max, armed so that arming order and heap position
 * disagree: the first max in arming order come back, in that order. */
START_TEST(timer_tied_are_the_first_in_arming_order) {
    enum { N = 1000 };
    static struct weft__timer t[N];
    memset(t, 0, sizeof t);
    struct weft__timers h;
    weft__timers_init(&h);
    for (int i = 0; i < N; i++) {
        ck_assert_int_eq(weft__timers_reserve(&h, 1), 0);
        t[i].deadline = 7;
        t[i].tiebreak = (uint64_t)(N - i); /* later pushes sift up */
        weft__timers_push(&h, &t[i]);
    }
    struct weft__timer *got[16];
    ck_assert_uint_eq(weft__timers_tied(&h, got, 16), 16);
    for (int k = 0; k < 16; k++) ck_assert_ptr_eq(got[k], &t[N - 1 - k]);
    /* popping them in order leaves the next ones first */
    for (int k = 0; k < 16; k++) weft__timers_erase(&h, got[k]);
    ck_assert_uint_eq(weft__timers_tied(&h, got, 1), 1);
    ck_assert_ptr_eq(got[0], &t[N - 17]);
    weft__timers_fini(&h);
}
END_TEST

#if OOM_AVAILABLE
/* Arming and disarming within the reserved slots never allocate: with
 * every allocation failing, thousands of arms, erases and pops run. */
START_TEST(timer_arm_never_allocates) {
    enum { N = 5000 };
    static struct weft__timer t[N];
    memset(t, 0, sizeof t);
    struct weft__timers h;
    weft__timers_init(&h);
    for (int i = 0; i < N; i++) {
        ck_assert_int_eq(weft__timers_reserve(&h, 1), 0);
    }
    uint64_t rng[4];
    weft__xoshiro_seed(rng, 1);
    oom_fail_at(1); /* no ck_assert while armed: Check allocates */
    uint64_t seq = 0;
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < N; i++) {
            t[i].deadline = (weft_time)weft__xoshiro_below(rng, 1000);
            t[i].tiebreak = seq++;
            weft__timers_push(&h, &t[i]);
        }
        for (int i = 0; i < N; i += 2) weft__timers_erase(&h, &t[i]);
        while (h.n) weft__timers_erase(&h, weft__timers_first(&h));
    }
    bool allocated = oom_off();
    ck_assert_msg(!allocated, "arming or disarming allocated");
    weft__timers_fini(&h);
}
END_TEST

/* Through the runtime: once the tasks exist, their sleeps and their
 * scopes' deadlines arm without allocating. */
enum { NSLEEPERS = 300 };

static int sleep_in_scope(void *arg) {
    (void)arg;
    weft_scope s;
    weft_move_on_after(&s, 50 * WEFT_MSEC);
    weft_sleep(10 * WEFT_MSEC);
    return weft_scope_exit(&s, 0);
}

static int sleepers_armed_without_allocating(void *arg) {
    bool *allocated = arg;
    weft_group g;
    weft_group_init(&g);
    for (int i = 0; i < NSLEEPERS; i++) {
        ck_assert_int_eq(weft_spawn(&g, "sleeper", sleep_in_scope, NULL), 0);
    }
    oom_fail_at(1);
    weft_sleep(WEFT_MSEC); /* under sim: every sleeper arms before this */
    *allocated = oom_off();
    ck_assert_int_eq(weft_group_join(&g), 0);
    weft_group_destroy(&g);
    return 0;
}

START_TEST(timer_sleep_arms_without_allocating) {
    bool allocated = true;
    ck_assert_int_eq(run_sim(3, sleepers_armed_without_allocating, &allocated),
                     0);
    ck_assert_msg(!allocated, "a sleep or a scope deadline allocated");
}
END_TEST

/* Out of memory for a nested scope's deadline: the scope starts expired
 * (it, and only it, catches its own cancellation at exit), the program
 * goes on, and the reserved slots stay balanced: a second round of as
 * many nested deadlines then arms them all. */
enum { DEPTH = 200 };

static int nest_deadlines(weft_scope *s, bool *hit, bool fail) {
    int hits = 0;
    for (int i = 0; i < DEPTH; i++) {
        if (fail && i > 0) oom_fail_at(1);
        weft_move_on_after(&s[i], WEFT_SEC);
        hit[i] = fail && i > 0 && oom_off();
        hits += hit[i];
    }
    for (int i = DEPTH - 1; i >= 0; i--) {
        bool own = weft_scope_exit(&s[i], -ECANCELED) == 0; /* caught */
        ck_assert_msg(own == hit[i], "scope %d: expired %d, failed %d", i,
                      own, hit[i]);
    }
    return hits;
}

static int nested_deadlines_under_oom(void *arg) {
    (void)arg;
    static weft_scope s[DEPTH];
    static bool hit[DEPTH];
    ck_assert_int_gt(nest_deadlines(s, hit, true), 0);
    ck_assert_int_eq(nest_deadlines(s, hit, false), 0);
    return weft_sleep(WEFT_MSEC);
}

START_TEST(timer_nested_deadline_without_memory_starts_expired) {
    ck_assert_int_eq(run_sim(5, nested_deadlines_under_oom, NULL), 0);
}
END_TEST
#endif

/* Sleepers with deadlines in a small range (so many tie), armed in a
 * random order: each wakes at or after its deadline, in deadline order,
 * and ties in the order they were armed (under sim, ties are a strategy
 * choice: there only the deadline order and lateness are checked). On a
 * loaded machine a sleeper may start after its deadline (a sleep into
 * the past only yields): the order is checked among the others, which
 * must be most of them. */
enum { NWAKE = 400 };

struct wake_log {
    weft_time base;
    weft_time deadline[NWAKE];
    int order[NWAKE]; /* task indices in arming order */
    int narmed;
    bool in_time[NWAKE]; /* armed before its deadline */
    int woke[NWAKE];  /* task indices in waking order, armed in time */
    int nwoke;
    int early;
};

struct waker {
    struct wake_log *log;
    int index;
};

static int sleep_until_deadline(void *arg) {
    struct waker *w = arg;
    struct wake_log *l = w->log;
    l->order[l->narmed++] = w->index;
    l->in_time[w->index] = weft_now() < l->deadline[w->index];
    ck_assert_int_eq(weft_sleep_until(l->deadline[w->index]), 0);
    if (weft_now() < l->deadline[w->index]) l->early++;
    if (l->in_time[w->index]) l->woke[l->nwoke++] = w->index;
    return 0;
}

static int wake_in_order(void *arg) {
    (void)arg;
    static struct wake_log l;
    static struct waker w[NWAKE];
    memset(&l, 0, sizeof l);
    l.base = weft_now() + 100 * WEFT_MSEC;
    for (int i = 0; i < NWAKE; i++) {
        l.deadline[i] = l.base + (weft_time)(weft_random() % 8) * WEFT_MSEC;
        w[i] = (struct waker){&l, i};
    }
    weft_group g;
    weft_group_init(&g);
    for (int i = 0; i < NWAKE; i++) {
        ck_assert_int_eq(weft_spawn(&g, "sleeper", sleep_until_deadline, &w[i]),
                         0);
    }
    ck_assert_int_eq(weft_group_join(&g), 0);
    weft_group_destroy(&g);
    ck_assert_int_eq(l.narmed, NWAKE);
    ck_assert_int_eq(l.early, 0);
    ck_assert_int_ge(l.nwoke, harness_is_sim() ? NWAKE : NWAKE / 2);
    int rank[NWAKE];
    for (int k = 0; k < NWAKE; k++) rank[l.order[k]] = k;
    for (int k = 1; k < l.nwoke; k++) {
        int a = l.woke[k - 1];
        int b = l.woke[k];
        ck_assert_int_le(l.deadline[a], l.deadline[b]);
        if (!harness_is_sim() && l.deadline[a] == l.deadline[b]) {
            ck_assert_int_lt(rank[a], rank[b]);
        }
    }
    return 0;
}

START_TEST(timer_sleepers_wake_in_order_none_early) {
    RUN_OK(_i, wake_in_order, NULL);
}
END_TEST

Suite *timer_suite(void);
Suite *timer_suite(void) {
    Suite *s = suite_create("timer");
    TCase *tc = tcase_create("basic");
    tcase_add_loop_test(tc, timer_heap_matches_model, 0, 20);
    tcase_add_test(tc, timer_tied_are_the_first_in_arming_order);
#if OOM_AVAILABLE
    tcase_add_test(tc, timer_arm_never_allocates);
    tcase_add_test(tc, timer_sleep_arms_without_allocating);
    tcase_add_test(tc, timer_nested_deadline_without_memory_starts_expired);
#endif
    tcase_add_loop_test(tc, timer_sleepers_wake_in_order_none_early, 0, 4);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return run_suite(timer_suite()); }
