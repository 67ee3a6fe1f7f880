/* aba: FAILS, fixed PASSES: CAS pop fooled by ABA.
 * A lock-free style stack pops by reading the head and its next, then compare-
 * and-swapping the head; meanwhile another task pops the head, pops the next,
 * and pushes the first back. The compare sees the same head (A-B-A) and
 * installs a next that is no longer in the stack. Fixed: the head carries a
 * version tag that every change bumps. */
#include "scenario.h"

#define NIL (-1)

static int next_of[3] = {1, 2, NIL};
static int head = 0;      /* nodes 0 -> 1 -> 2 */
static unsigned tag;      /* bumped at every change of head */
static bool owned[3];     /* popped and not pushed back */

/* The compare-and-swap: no schedule point inside. */
static bool cas(int seen, unsigned seen_tag, int next) {
    if (head != seen || (!BUGGY && tag != seen_tag)) return false;
    head = next;
    tag++;
    return true;
}

static int pop(void) {
    for (;;) {
        int seen = head;
        unsigned seen_tag = tag;
        if (seen == NIL) return NIL;
        int next = next_of[seen];
        weft_sched_point("between read and compare-and-swap");
        if (cas(seen, seen_tag, next)) {
            owned[seen] = true;
            return seen;
        }
    }
}

static void push(int n) {
    owned[n] = false;
    next_of[n] = head;
    head = n;
    tag++;
}

static int popper(void *arg) {
    (void)arg;
    pop();
    return 0;
}

static int recycler(void *arg) {
    (void)arg;
    int a = pop();
    pop();
    if (a != NIL) push(a);
    return 0;
}

static int body(void *arg) {
    (void)arg;
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "popper", popper, NULL);
    weft_spawn(&g, "recycler", recycler, NULL);
    int rc = weft_group_join(&g);
    weft_group_destroy(&g);
    for (int n = head; n != NIL; n = next_of[n]) {
        WEFT_ASSERT(!owned[n]); /* an owned node still in the stack */
    }
    return rc;
}

SCENARIO_MAIN(body)
