/* src/idmap.c: the trace recorder's map (src/idmap.h): linear probing
 * over a power-of-two table kept at most half full, so a probe ends at
 * a free slot after a few steps; entries are never removed. */
#include "config.h"

#include "idmap.h"

#include <errno.h>
#include <stdlib.h>

static size_t home(uint64_t key, size_t mask) {
    key ^= key >> 33; /* addresses: low bits are alignment */
    key *= UINT64_C(0xff51afd7ed558ccd);
    key ^= key >> 33;
    return (size_t)key & mask;
}

static void insert(uint64_t *keys, uint32_t *vals, size_t mask, uint64_t key,
                   uint32_t val) {
    size_t i = home(key, mask);
    while (keys[i]) i = (i + 1) & mask;
    keys[i] = key;
    vals[i] = val;
}

static int grow(struct weft__idmap *m) {
    if (2 * (m->n + 1) <= m->cap) return 0;
    size_t cap = m->cap ? 2 * m->cap : 256;
    uint64_t *keys = calloc(cap, sizeof *keys);
    uint32_t *vals = malloc(cap * sizeof *vals);
    if (!keys || !vals) {
        free(keys);
        free(vals);
        return -ENOMEM;
    }
    for (size_t i = 0; i < m->cap; i++) {
        if (m->keys[i]) insert(keys, vals, cap - 1, m->keys[i], m->vals[i]);
    }
    free(m->keys);
    free(m->vals);
    m->keys = keys;
    m->vals = vals;
    m->cap = cap;
    return 0;
}

int weft__idmap_put(struct weft__idmap *m, uint64_t key, uint32_t val) {
    if (grow(m)) return -ENOMEM;
    insert(m->keys, m->vals, m->cap - 1, key, val);
    m->n++;
    return 0;
}

struct weft__idmap_iter weft__idmap_probe(const struct weft__idmap *m,
                                          uint64_t key) {
    struct weft__idmap_iter it = {m->cap ? home(key, m->cap - 1) : 0, key};
    return it;
}

bool weft__idmap_next(const struct weft__idmap *m, struct weft__idmap_iter *it,
                      uint32_t *val) {
    if (!m->cap) return false;
    size_t mask = m->cap - 1;
    for (; m->keys[it->i]; it->i = (it->i + 1) & mask) {
        if (m->keys[it->i] == it->key) {
            *val = m->vals[it->i];
            it->i = (it->i + 1) & mask;
            return true;
        }
    }
    return false;
}

bool weft__idmap_get(const struct weft__idmap *m, uint64_t key,
                     uint32_t *val) {
    struct weft__idmap_iter it = weft__idmap_probe(m, key);
    return weft__idmap_next(m, &it, val);
}

int weft__idmap_set(struct weft__idmap *m, uint64_t key, uint32_t val) {
    struct weft__idmap_iter it = weft__idmap_probe(m, key);
    uint32_t old;
    if (weft__idmap_next(m, &it, &old)) {
        m->vals[(it.i - 1) & (m->cap - 1)] = val;
        return 0;
    }
    return weft__idmap_put(m, key, val);
}

void weft__idmap_fini(struct weft__idmap *m) {
    free(m->keys);
    free(m->vals);
    m->keys = NULL;
    m->vals = NULL;
    m->cap = m->n = 0;
}
