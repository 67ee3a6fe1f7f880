/* src/patterns/bounded_map.c: weft_bounded_map (docs/PATTERNS.md;
 * lionpride's bounded_map). min(limit, n) worker tasks take items in input
 * order from a shared cursor, so at most `limit` calls run at once with
 * no semaphore and no allocation per item. Without WEFT_COLLECT_ERRORS a
 * worker hands its first failure to the group, whose rule cancels the
 * other workers; a cancelled worker starts no further item, and codes[]
 * of items never started stay -ECANCELED. */
#include "config.h"

#include "patterns/patterns.h"

struct bmap {
    int (*fn)(void *item, void *ctx);
    char *items; /* borrowed from the caller */
    size_t item_size;
    size_t n;
    void *ctx;
    int *codes;   /* or NULL */
    bool collect; /* WEFT_COLLECT_ERRORS */
    size_t next;  /* the next item to start */
};

static int bmap_worker(void *p) {
    struct bmap *m = p;
    while (m->next < m->n) {
        if (weft__self_cancelled()) return -ECANCELED;
        size_t i = m->next++;
        int rc = m->fn(m->items + i * m->item_size, m->ctx);
        if (m->codes) m->codes[i] = rc;
        if (!m->collect && rc < 0 && rc != -ECANCELED) return rc;
    }
    return 0;
}

static int bmap_check(const struct bmap *m, size_t limit, unsigned flags) {
    size_t bytes;
    if (limit == 0 || !m->fn || (flags & ~WEFT_COLLECT_ERRORS)) return -EINVAL;
    if (m->n && !m->items) return -EINVAL;
    if (__builtin_mul_overflow(m->n, m->item_size, &bytes)) return -EINVAL;
    return 0;
}

int weft_bounded_map(int (*fn)(void *item, void *ctx), void *items, size_t n,
                     size_t item_size, size_t limit, void *ctx, int *codes,
                     unsigned flags) {
    weft__task_current("weft_bounded_map");
    struct bmap m = {
        .fn = fn,
        .items = items,
        .item_size = item_size,
        .n = n,
        .ctx = ctx,
        .codes = codes,
        .collect = flags & WEFT_COLLECT_ERRORS,
        .next = 0,
    };
    int rc = bmap_check(&m, limit, flags);
    if (rc) return rc;
    for (size_t i = 0; codes && i < n; i++)
        codes[i] = -ECANCELED;
    size_t nworkers = limit < n ? limit : n;
    size_t started = 0;
    weft_group g;
    weft_group_init(&g);
    for (; started < nworkers; started++) {
        rc = weft_spawn(&g, "bounded_map", bmap_worker, &m);
        if (rc) break; /* run with fewer workers, if any */
    }
    int join_rc = weft_group_join(&g);
    weft_group_destroy(&g);
    return nworkers && !started ? rc : join_rc;
}
