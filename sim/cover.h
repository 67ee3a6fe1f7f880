/* sim/cover.h: the coverage marks (WEFT_COVER) a run or a campaign
 * reached: a small table of labels with the runs that reached each and
 * the times they were reached, carried in reports and records as is
 * (fixed size, no pointers: it crosses pipes). */
#ifndef WEFT_COVER_H
#define WEFT_COVER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define WEFT__COVER_MAX 32   /* distinct labels kept */
#define WEFT__COVER_LABEL 48 /* bytes of a label kept, with its NUL */

struct weft__cover_mark {
    char label[WEFT__COVER_LABEL];
    uint64_t runs; /* runs that reached it */
    uint64_t hits; /* times it was reached */
};

struct weft__cover {
    uint32_t n;
    bool lost; /* a label did not fit */
    struct weft__cover_mark m[WEFT__COVER_MAX];
};

/* Adds runs and hits to label's mark (a new one if needed). */
void weft__cover_add(struct weft__cover *c, const char *label, uint64_t runs,
                     uint64_t hits);

/* Adds every mark of from to into. */
void weft__cover_merge(struct weft__cover *into,
                       const struct weft__cover *from);

/* The mark of label, or NULL. */
const struct weft__cover_mark *weft__cover_find(const struct weft__cover *c,
                                                const char *label);

/* "cover: LABEL R run(s) H hit(s), ..." or a JSON line per mark. */
void weft__cover_print(FILE *f, const struct weft__cover *c, bool json);

#endif
