/* src/stack.h: task stacks, carved from large mmap'd slabs and pooled.
 *
 * A slab holds nstacks stacks of stride bytes each:
 *
 *   slab base                                                   base+len
 *   | guard? | stack 0 ...... task 0 | guard? | stack 1 ...... task 1 |
 *             ^lo: canary words               ^lo
 *
 * The guard page (PROT_NONE) splits the slab into two kernel mappings
 * per stack, so guards are used only while vm.max_map_count leaves room
 * (WEFT_STACK_GUARD_AUTO); every stack has canary words at lo, checked
 * at each switch away from it. docs/STACKS.md explains the trade-off. */
#ifndef WEFT_STACK_H
#define WEFT_STACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct weft__slab;

/* One stack: usable memory [lo, lo + size). */
struct weft__stack {
    void *lo;
    size_t size;
    struct weft__slab *slab; /* weak: slabs live until the pool's fini */
};

struct weft__stacks {
    size_t size;              /* usable bytes per stack */
    size_t stride;            /* size plus the guard page */
    size_t page;
    int guard_mode;           /* WEFT_STACK_GUARD_* as configured */
    size_t guard_budget;      /* AUTO: guarded stacks allowed */
    size_t nguarded;          /* stacks carved with a guard page */
    struct weft__slab *slabs; /* owned, newest first */
    void *free;               /* pooled stacks, linked at their tops */
};

/* Rounds size (0: default) and prepares an empty pool. -EINVAL below
 * the minimum. Allocates nothing. */
int weft__stacks_init(struct weft__stacks *p, size_t size, int guard_mode);
void weft__stacks_fini(struct weft__stacks *p);

/* A stack from the pool, or from a new slab. 0, or -ENOMEM (when the
 * kernel refused a mapping, a message names vm.max_map_count). */
int weft__stack_get(struct weft__stacks *p, struct weft__stack *out);

/* Returns st to the pool. */
void weft__stack_put(struct weft__stacks *p, const struct weft__stack *st);

/* Whether st's canary words are intact. */
bool weft__stack_canary_ok(const struct weft__stack *st);

/* The task-sized object at the top of st (align: 64). */
void *weft__stack_top_object(const struct weft__stack *st, size_t objsize);

/* For the overflow handler: if addr lies in the guard page of a stack
 * of p, sets *st to that stack and returns true. */
bool weft__stack_find_overflow(const struct weft__stacks *p, const void *addr,
                               struct weft__stack *st);

#endif
