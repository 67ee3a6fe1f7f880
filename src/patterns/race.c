/* src/patterns/race.c: weft_race (docs/PATTERNS.md; lionpride's race,
 * with the docs' rule: the first call to succeed wins). One task per
 * call; a task never hands a failure to the group (that would cancel the
 * others), it only records the first one; the first success cancels the
 * group, so join waits for the losers to wind down. */
#include "config.h"

#include "patterns/patterns.h"

struct race_state {
    weft_group group; /* the racers */
    bool won;
    size_t winner; /* valid when won */
    int win_rc;
    bool failed;
    int first_failure; /* valid when failed: in completion order */
};

struct race_slot {
    const weft_call *call;   /* borrowed from the caller */
    struct race_state *race; /* on the caller's stack */
    size_t index;
};

static int race_one(void *p) {
    const struct race_slot *s = p;
    struct race_state *r = s->race;
    int rc = s->call->fn(s->call->arg);
    if (rc >= 0 && !r->won) {
        r->won = true;
        r->winner = s->index;
        r->win_rc = rc;
        weft_group_cancel(&r->group); /* the losers */
    } else if (rc < 0 && !r->failed) {
        r->failed = true;
        r->first_failure = rc;
    }
    return 0;
}

int weft_race(const weft_call *calls, size_t n, size_t *winner) {
    weft__task_current("weft_race");
    if (n == 0) return -EINVAL;
    int rc = weft__calls_check(calls, n);
    if (rc) return rc;
    struct race_slot *slots = weft__alloc_array(n, sizeof *slots);
    if (!slots) return -ENOMEM;
    struct race_state r = {.won = false, .failed = false};
    weft_group_init(&r.group);
    for (size_t i = 0; i < n && !rc; i++) {
        slots[i].call = &calls[i];
        slots[i].race = &r;
        slots[i].index = i;
        const char *name = calls[i].name ? calls[i].name : "race";
        rc = weft_spawn(&r.group, name, race_one, &slots[i]);
    }
    if (rc) weft_group_cancel(&r.group);     /* all or nothing */
    int join_rc = weft_group_join(&r.group); /* 0 or -ECANCELED */
    weft_group_destroy(&r.group);
    free(slots);
    if (rc) return rc;
    if (join_rc) return join_rc;
    if (!r.won) return r.first_failure;
    if (winner) *winner = r.winner;
    return r.win_rc;
}
