/* src/timer.h: the runtime's timers, an intrusive pairing heap ordered by
 * (deadline, tiebreak). Arming and disarming never allocate. */
#ifndef WEFT_TIMER_H
#define WEFT_TIMER_H

#include <stdbool.h>

#include "weft/private.h"

struct weft__timers {
    struct weft__timer *root; /* earliest timer, NULL when none */
    size_t n;                 /* armed timers */
};

void weft__timers_init(struct weft__timers *h);

/* Adds tm (not armed) with its deadline and tiebreak already set. */
void weft__timers_push(struct weft__timers *h, struct weft__timer *tm);

/* Removes tm, which must be armed. */
void weft__timers_erase(struct weft__timers *h, struct weft__timer *tm);

/* The timers due at the earliest deadline (ties), at most max of them,
 * in arming order (by tiebreak), into out; returns how many (0: none). */
size_t weft__timers_tied(const struct weft__timers *h,
                         struct weft__timer **out, size_t max);

/* Earliest deadline, WEFT_NEVER when no timer is armed. */
static inline weft_time weft__timers_next(const struct weft__timers *h) {
    return h->root ? h->root->deadline : WEFT_NEVER;
}

#endif
