/* tests/soak/plan.c: the generator. A plan (which workloads run, how many
 * tasks and operations each, the scopes around them, how much chaos) is
 * drawn from the seed number with a PRNG of its own, so the driver and
 * the child that runs the seed compute the same plan, and the driver
 * knows how the seed must end (normally, deadlocked, or by a misuse
 * abort) without running it. Invariant: the plan depends only on (seed,
 * features). */
#include <string.h>

#include "soak.h"

const char *const sk_feature_names[SK_NFEATURES] = {
    "runsync-deadline", "stack-leak", "cancel-exited", "completions-misuse",
    "null-fn", "start-cancelled", "deep", "cond-cancel", "deadlock",
    "misuse",
};

const char *const sk_kind_names[WL_NKINDS] = {
    "tree", "lock", "sem", "limiter", "event", "cond", "queue", "pqueue",
    "patterns", "completions", "runsync", "leak", "deep",
    "start-cancelled", "null-fn", "deadlock", "misuse",
};

const char *const sk_misuse_calls[SK_NMISUSE] = {
    "weft_completions_destroy", "weft_lock_destroy", "weft_queue_destroy",
    "weft_group_destroy",
};

/* splitmix64: one stream per plan, independent of the simulator's. */
static uint64_t next(uint64_t *s) {
    uint64_t z = (*s += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static int below(uint64_t *s, int n) { return (int)(next(s) % (uint64_t)n); }

/* The feature a kind needs, 0 for the kinds that are always on. */
static unsigned kind_feature(int kind) {
    switch (kind) {
    case WL_LEAK: return SK_F_STACK_LEAK;
    case WL_DEEP: return SK_F_DEEP;
    case WL_START_CANCELLED: return SK_F_START_CANCELLED;
    case WL_NULL_FN: return SK_F_NULL_FN;
    case WL_DEADLOCK: return SK_F_DEADLOCK;
    case WL_MISUSE: return SK_F_MISUSE | SK_F_COMPLETIONS_MISUSE;
    default: return 0;
    }
}

/* A kind for one slot: the ending kinds (deadlock, misuse) only in the
 * first slot and rarely, so most seeds are legal programs that end well. */
static int pick_kind(uint64_t *s, unsigned features, bool first) {
    for (;;) {
        int k = below(s, WL_NKINDS);
        unsigned need = kind_feature(k);
        if (need && !(features & need)) continue;
        bool ending = k == WL_DEADLOCK || k == WL_MISUSE;
        if (ending && (!first || below(s, 4) != 0)) continue;
        if (k == WL_DEEP && below(s, 3) != 0) continue; /* costly */
        return k;
    }
}

static void make_wl(uint64_t *s, struct sk_wl *w, unsigned features) {
    w->ntasks = 1 + below(s, 5);
    w->nops = 1 + below(s, 12);
    int d = below(s, 3);
    w->deadline = d == 0 ? WEFT_NEVER
                         : (weft_time)below(s, 20000) * WEFT_USEC;
    w->shield = below(s, 6) == 0;
    /* Without cond-cancel nothing cancels a cond waiter: no deadline and
     * no chaos reach inside (run.c keeps its pool scopes out of it). */
    if (w->kind == WL_COND && !(features & SK_F_COND_CANCEL)) {
        w->deadline = WEFT_NEVER;
        w->shield = true;
    }
    if (w->kind == WL_DEADLOCK || w->kind == WL_MISUSE) {
        w->deadline = WEFT_NEVER;
        w->shield = true;
    }
    /* Variant 0 (destroy while next() waits) has a feature of its own. */
    if (w->kind == WL_MISUSE) {
        bool streams = features & SK_F_COMPLETIONS_MISUSE;
        bool plain = features & SK_F_MISUSE;
        w->variant = streams && (!plain || below(s, 4) == 0)
                         ? 0
                         : 1 + below(s, SK_NMISUSE - 1);
    }
}

void sk_plan_make(struct sk_plan *p, uint64_t seed, unsigned features) {
    uint64_t s = seed ^ 0x5eed50a4ull;
    memset(p, 0, sizeof *p);
    p->seed = seed;
    p->features = features;
    p->nwl = 1 + below(&s, 4);
    for (int i = 0; i < p->nwl; i++) {
        p->wl[i].kind = pick_kind(&s, features, i == 0);
        make_wl(&s, &p->wl[i], features);
    }
    p->chaos_rounds = below(&s, 3) == 0 ? 0 : 1 + below(&s, 12);
    if (p->wl[0].kind == WL_DEADLOCK) p->expect = SK_EXPECT_DEADLOCK;
    if (p->wl[0].kind == WL_MISUSE) p->expect = SK_EXPECT_MISUSE;
}

void sk_plan_print(const struct sk_plan *p, FILE *f) {
    static const char *const ends[] = {"ok", "deadlock", "misuse abort"};
    fprintf(f, "soak: seed %llu: %d workload(s), %d chaos round(s), must "
               "end: %s\n",
            (unsigned long long)p->seed, p->nwl, p->chaos_rounds,
            ends[p->expect]);
    for (int i = 0; i < p->nwl; i++) {
        const struct sk_wl *w = &p->wl[i];
        fprintf(f, "  %-16s tasks %d ops %2d deadline ", sk_kind_names[w->kind],
                w->ntasks, w->nops);
        if (w->deadline == WEFT_NEVER) {
            fprintf(f, "none");
        } else {
            fprintf(f, "%lld us", (long long)(w->deadline / WEFT_USEC));
        }
        fprintf(f, "%s", w->shield ? " shielded" : "");
        if (w->kind == WL_MISUSE) {
            fprintf(f, " (%s)", sk_misuse_calls[w->variant]);
        }
        fprintf(f, "\n");
    }
}

/* Parses a comma-separated list of feature names ("all": every one). */
int sk_feature_parse(const char *list, unsigned *mask) {
    *mask = 0;
    while (*list) {
        size_t n = strcspn(list, ",");
        bool found = n == 3 && strncmp(list, "all", 3) == 0;
        if (found) *mask |= SK_ALL_FEATURES;
        for (int i = 0; i < SK_NFEATURES && !found; i++) {
            if (strlen(sk_feature_names[i]) == n &&
                strncmp(list, sk_feature_names[i], n) == 0) {
                *mask |= 1u << i;
                found = true;
            }
        }
        if (!found) return -1;
        list += n;
        if (*list == ',') list++;
    }
    return 0;
}
