/* tests/check_timer.c: the timer heap against a trivial model (a flat
 * array searched for its minimum), with fixed seeds: random arms,
 * disarms and pops, checking the minimum after every step (rax style). */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "prng.h"
#include "timer.h"

#define NTIMERS 200

struct model {
    struct weft__timer timers[NTIMERS];
    bool armed[NTIMERS];
};

static int model_min(const struct model *m) {
    int best = -1;
    for (int i = 0; i < NTIMERS; i++) {
        if (!m->armed[i]) continue;
        const struct weft__timer *t = &m->timers[i];
        const struct weft__timer *b = best < 0 ? NULL : &m->timers[best];
        if (!b || t->deadline < b->deadline ||
            (t->deadline == b->deadline && t->tiebreak < b->tiebreak)) {
            best = i;
        }
    }
    return best;
}

START_TEST(timer_heap_matches_model) {
    uint64_t rng[4];
    weft__xoshiro_seed(rng, (uint64_t)_i);
    static struct model m;
    memset(&m, 0, sizeof m);
    struct weft__timers h;
    weft__timers_init(&h);
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
        } else if (op == 2 && h.root) {
            int want = model_min(&m);
            ck_assert_ptr_eq(h.root, &m.timers[want]);
            weft__timers_erase(&h, h.root);
            m.armed[want] = false;
            narmed--;
        }
        ck_assert_uint_eq(h.n, narmed);
        int want = model_min(&m);
        if (want < 0) {
            ck_assert_ptr_null(h.root);
            ck_assert_int_eq(weft__timers_next(&h), WEFT_NEVER);
        } else {
            ck_assert_msg(h.root == &m.timers[want], "seed=%d step=%d", _i,
                          step);
        }
    }
}
END_TEST

/* Erasing a first child must relink its parent's child list. */
START_TEST(timer_erase_first_child_relinks_parent) {
    struct weft__timer t[3];
    memset(t, 0, sizeof t);
    struct weft__timers h;
    weft__timers_init(&h);
    for (int i = 0; i < 3; i++) {
        t[i].deadline = i;
        t[i].tiebreak = (uint64_t)i;
        weft__timers_push(&h, &t[i]);
    }
    weft__timers_erase(&h, &t[2]);
    weft__timers_erase(&h, &t[0]);
    ck_assert_ptr_eq(h.root, &t[1]);
    weft__timers_erase(&h, &t[1]);
    ck_assert_ptr_null(h.root);
    ck_assert_uint_eq(h.n, 0);
}
END_TEST

Suite *timer_suite(void);
Suite *timer_suite(void) {
    Suite *s = suite_create("timer");
    TCase *tc = tcase_create("basic");
    tcase_add_loop_test(tc, timer_heap_matches_model, 0, 20);
    tcase_add_test(tc, timer_erase_first_child_relinks_parent);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return run_suite(timer_suite()); }
