/* src/stack.h: task stacks, carved from large mmap'd slabs and pooled.
 *
 * A slab holds nstacks stacks of stride bytes each:
 *
 *   slab base                                                    base+len
 *   | guard? | stack 0 ..... task 0 | color | guard? | stack 1 ..... |
 *             ^lo: canary words      ^top                ^lo
 *
 * Stacks are a multiple of 256 KiB apart, so their tops would all fall
 * in the same sets of the CPU caches and evict each other: each stack's
 * top is lowered by a "color" (a few pages and cache lines, from a span
 * of a quarter of the stack, 4 to 64 KiB, reserved above the usable
 * size; address space only).
 * Where the kernel has lightweight guards (MADV_GUARD_INSTALL, Linux
 * 6.13+) every stack gets one, in every mode: they cost no mapping.
 * Elsewhere a guard page is PROT_NONE, which splits the slab into two
 * kernel mappings per stack, so such guards are used only while
 * vm.max_map_count leaves room (WEFT_STACK_GUARD_AUTO). A stack without
 * a guard has canary words at lo, checked at each switch away from it
 * (and by the fault handler, overflow.c): they must still be zero. They
 * are never written, so where the kernel maps its shared zero page for
 * a read an unused bottom page costs nothing and a parked task's memory
 * is only the top page(s) it touched; elsewhere the check costs a page.
 * docs/STACKS.md explains the trade-off. */
#ifndef WEFT_STACK_H
#define WEFT_STACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"

struct weft__slab;

/* One stack: memory [lo, top), at least size bytes. */
struct weft__stack {
    void *lo;
    void *top;               /* colored top, 64-byte aligned */
    size_t size;             /* the configured size */
    struct weft__slab *slab; /* weak: slabs live until the pool's fini */
    bool guarded;            /* a guard page (of either kind) lies under lo */
};

struct weft__stacks {
    size_t size;              /* usable bytes per stack */
    size_t stride;            /* guard page + size + color span */
    size_t color_pages;       /* the color span, in pages */
    size_t page;
    int guard_mode;           /* WEFT_STACK_GUARD_* as configured */
    bool light_guards;        /* try MADV_GUARD_INSTALL for new slabs */
    size_t guard_budget;      /* AUTO: PROT_NONE guards allowed */
    size_t nguarded;          /* stacks carved with a PROT_NONE guard */
    struct weft__slab *slabs; /* owned, newest first */
    struct weft__stack *free; /* owned: pooled stacks, the last reused
                                 first; room for every carved stack */
    size_t nfree;
    size_t ncarved;           /* stacks carved so far: picks colors */
};

/* Rounds size (0: the default; else within WEFT_STACK_SIZE_MIN..MAX,
 * checked by conf.c) up to pages and prepares an empty pool. Allocates
 * nothing. */
void weft__stacks_init(struct weft__stacks *p, size_t size, int guard_mode);
void weft__stacks_fini(struct weft__stacks *p);

/* weft__stack_get when the pool is empty: a stack from a new slab; and
 * under ASan every get, which must unpoison the stack it hands out. */
int weft__stack_get_slow(struct weft__stacks *p, struct weft__stack *out);

/* The next spawn writes its task at the top of a stack last touched long
 * ago when many tasks live: a get starts the misses of the one
 * PREFETCH_AHEAD pops later (one is too short to hide a miss), over its
 * task's control block (PREFETCH_TOP bytes under its top). */
#define WEFT__STACK_PREFETCH_AHEAD 4
#define WEFT__STACK_PREFETCH_TOP 384

/* A stack from the pool, or from a new slab. 0, or -ENOMEM (when the
 * kernel refused a mapping, a message names vm.max_map_count). The pool
 * pop is inline: it runs at every spawn. */
static inline int weft__stack_get(struct weft__stacks *p,
                                  struct weft__stack *out) {
    if (WEFT_ASAN || unlikely(!p->nfree)) return weft__stack_get_slow(p, out);
    *out = p->free[--p->nfree];
    if (p->nfree >= WEFT__STACK_PREFETCH_AHEAD) {
        const char *top =
            p->free[p->nfree - WEFT__STACK_PREFETCH_AHEAD].top;
#pragma GCC unroll 8 /* six prefetches, not a loop around them */
        for (size_t off = 64; off <= WEFT__STACK_PREFETCH_TOP; off += 64) {
            __builtin_prefetch(top - off, 1);
        }
    }
    return 0;
}

/* Returns st to the pool (which has room for every carved stack). */
static inline void weft__stack_put(struct weft__stacks *p,
                                   const struct weft__stack *st) {
    p->free[p->nfree++] = *st;
}

/* Whether st's canary words are intact (always, for a guarded stack).
 * Checked at every switch, hence inline. */
static inline bool weft__stack_canary_ok(const struct weft__stack *st) {
    if (st->guarded) return true; /* the guard page stops an overflow */
    const uint64_t *w = st->lo;
    return w[0] == 0 && w[1] == 0;
}

/* The task-sized object at the top of st (align: 64). */
static inline void *weft__stack_top_object(const struct weft__stack *st,
                                           size_t objsize) {
    return (void *)(((uintptr_t)st->top - objsize) & ~(uintptr_t)63);
}

/* For tests: computes AUTO's guard budget from n instead of the
 * kernel's vm.max_map_count (0: the kernel's again), in later runs. */
void weft__stacks_pretend_map_limit(size_t n);
/* Whether the kernel puts lightweight guard pages (MADV_GUARD_INSTALL,
 * Linux 6.13+) that really fault under stacks; new pools then give one
 * to every stack, in every mode. Probed once per process; keeps errno. */
bool weft__stacks_have_light_guards(void);

/* For tests: as on a kernel without lightweight guards (Linux before
 * 6.13) while no is true, in later runs. */
void weft__stacks_pretend_no_light_guards(bool no);

#endif
