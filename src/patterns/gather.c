/* src/patterns/gather.c: weft_gather (docs/PATTERNS.md; lionpride's
 * gather). One task per call in a group of the caller's: the group's own
 * rule (the first failure cancels the siblings, join returns it) is
 * gather's rule, so without WEFT_COLLECT_ERRORS each task hands its
 * call's result to the group; with it, each task reports 0 and the
 * result only lands in codes[], so nothing cancels. */
#include "config.h"

#include "patterns/patterns.h"

struct gather_slot {
    const weft_call *call; /* borrowed from the caller */
    int *code;             /* where its result goes, or NULL */
    bool collect;          /* WEFT_COLLECT_ERRORS */
};

static int gather_one(void *p) {
    const struct gather_slot *s = p;
    int rc = s->call->fn(s->call->arg);
    if (s->code) *s->code = rc;
    return s->collect ? 0 : rc;
}

int weft_gather(const weft_call *calls, size_t n, int *codes, unsigned flags) {
    weft__task_current("weft_gather");
    if (flags & ~WEFT_COLLECT_ERRORS) return -EINVAL;
    int rc = weft__calls_check(calls, n);
    if (rc) return rc;
    struct gather_slot *slots = NULL;
    if (n && !(slots = weft__alloc_array(n, sizeof *slots))) return -ENOMEM;
    for (size_t i = 0; i < n; i++) {
        slots[i].call = &calls[i];
        slots[i].code = codes ? &codes[i] : NULL;
        slots[i].collect = flags & WEFT_COLLECT_ERRORS;
        if (codes) codes[i] = -ECANCELED; /* until it runs */
    }
    weft_group g;
    weft_group_init(&g);
    for (size_t i = 0; i < n && !rc; i++) {
        const char *name = calls[i].name ? calls[i].name : "gather";
        rc = weft_spawn(&g, name, gather_one, &slots[i]);
    }
    if (rc) weft_group_cancel(&g); /* all or nothing */
    int join_rc = weft_group_join(&g);
    weft_group_destroy(&g);
    free(slots);
    return rc ? rc : join_rc;
}
