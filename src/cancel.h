/* src/cancel.h: cancel scopes inside the runtime: the scope tree that
 * groups and tasks hang their own scopes on. */
#ifndef WEFT_SRC_CANCEL_H
#define WEFT_SRC_CANCEL_H

#include "sched.h"

/* Internal scope flags, above the public WEFT_SHIELD and WEFT_FAIL. */
#define WEFT__SCOPE_GROUP 0x100u /* the scope of a weft_group */
#define WEFT__SCOPE_BASE 0x200u  /* a task's outermost scope */
#define WEFT__SCOPE_NO_SLOT 0x400u /* out of memory for its deadline's
                                      timer: entered expired, holds none */

/* Why a scope was cancelled (weft_scope.cancelled). */
enum weft__cancel_reason {
    WEFT__CANCEL_EXPLICIT = 1, /* weft_scope_cancel, weft_group_cancel */
    WEFT__CANCEL_DEADLINE,     /* its deadline expired */
    WEFT__CANCEL_ERROR,        /* a task of its group failed */
};

/* Links s under parent (may be NULL) as a scope of owner, without making
 * it owner's innermost scope. Inline: once per spawn. */
static inline void weft__scope_link(weft_scope *s, weft_scope *parent,
                                    struct weft__task *owner) {
    s->parent = parent;
    s->owner = owner;
    s->deadline = WEFT_NEVER;
    s->chain_epoch = 0; /* nothing cached */
    weft__list_init(&s->children);
    weft__list_init(&s->sibling);
    if (parent) weft__list_push(&parent->children, &s->sibling);
}

/* Enters s as t's innermost scope. */
void weft__scope_enter(struct weft__task *t, weft_scope *s,
                       weft_time deadline, unsigned flags, const char *file,
                       int line);
/* Leaves s, which must be t's innermost scope (else misuse naming both;
 * what names the call for the message). */
void weft__scope_leave(struct weft__task *t, weft_scope *s, const char *what);

/* Moves s and its subtree under parent (weft_started). When the subtree
 * becomes cancelled by the move, its parked tasks wake with -ECANCELED,
 * as if parent had been cancelled then: cancellation is level-triggered
 * whatever made the level change. */
void weft__scope_move(weft_scope *s, weft_scope *parent);
/* Cancels s and its subtree for reason; no-op when already cancelled. */
void weft__scope_cancel(weft_scope *s, int reason);


#endif
