/* src/idmap.h: a small open-addressing map from nonzero 64-bit keys to
 * 32-bit values, for the trace recorder (addresses to ids, string hashes
 * to offsets). It is never iterated in address order, so what it stores
 * cannot leak addresses into a trace. */
#ifndef WEFT_SRC_IDMAP_H
#define WEFT_SRC_IDMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct weft__idmap {
    uint64_t *keys; /* owned; 0: free slot */
    uint32_t *vals; /* owned */
    size_t cap;     /* 0 or a power of two */
    size_t n;       /* at most cap / 2 */
};

/* The entries with one key, in insertion order of their slots. */
struct weft__idmap_iter {
    size_t i;
    uint64_t key;
};

/* Adds (key, val) even when key is present (a multimap): 0 or -ENOMEM. */
int weft__idmap_put(struct weft__idmap *m, uint64_t key, uint32_t val);
/* Sets key's value, adding it when absent: 0 or -ENOMEM. */
int weft__idmap_set(struct weft__idmap *m, uint64_t key, uint32_t val);
/* The first value of key; false when absent. */
bool weft__idmap_get(const struct weft__idmap *m, uint64_t key,
                     uint32_t *val);
struct weft__idmap_iter weft__idmap_probe(const struct weft__idmap *m,
                                          uint64_t key);
/* The next value of the probe's key; false when there is none. */
bool weft__idmap_next(const struct weft__idmap *m, struct weft__idmap_iter *it,
                      uint32_t *val);
void weft__idmap_fini(struct weft__idmap *m);

#endif
