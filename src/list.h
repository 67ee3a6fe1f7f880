/* src/list.h: the intrusive circular list of weft/private.h. */
#ifndef WEFT_SRC_LIST_H
#define WEFT_SRC_LIST_H

#include <stdbool.h>

#include "weft/private.h"

static inline void weft__list_init(struct weft__list *l) {
    l->next = l;
    l->prev = l;
}

static inline bool weft__list_empty(const struct weft__list *l) {
    return l->next == l;
}

/* Inserts n before pos (at the tail when pos is the list head). */
static inline void weft__list_insert(struct weft__list *pos,
                                     struct weft__list *n) {
    n->next = pos;
    n->prev = pos->prev;
    pos->prev->next = n;
    pos->prev = n;
}

static inline void weft__list_push(struct weft__list *l, struct weft__list *n) {
    weft__list_insert(l, n);
}

/* Unlinks n and leaves it self-linked, so a second erase is harmless. */
static inline void weft__list_erase(struct weft__list *n) {
    n->prev->next = n->next;
    n->next->prev = n->prev;
    n->next = n;
    n->prev = n;
}

#endif
