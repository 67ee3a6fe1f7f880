/* sim/cover.c: the table of coverage marks (cover.h) and the
 * WEFT_COVER call: a mark reached in a sim run that an explorer watches
 * is counted in the run's report; outside one it is ignored, so a lone
 * run or the real backend pays nothing but the macro's test.
 * Invariant: labels in a table are distinct and NUL-terminated. */
#include "config.h"

#include "cover.h"

#include <string.h>

#include "report.h"
#include "weft/buggify.h"

const struct weft__cover_mark *weft__cover_find(const struct weft__cover *c,
                                                const char *label) {
    for (uint32_t i = 0; i < c->n; i++) {
        if (!strncmp(c->m[i].label, label, WEFT__COVER_LABEL - 1)) {
            return &c->m[i];
        }
    }
    return NULL;
}

void weft__cover_add(struct weft__cover *c, const char *label, uint64_t runs,
                     uint64_t hits) {
    struct weft__cover_mark *m =
        (struct weft__cover_mark *)weft__cover_find(c, label);
    if (!m) {
        if (c->n == WEFT__COVER_MAX) {
            c->lost = true;
            return;
        }
        m = &c->m[c->n++];
        snprintf(m->label, sizeof m->label, "%s", label);
        m->runs = m->hits = 0;
    }
    m->runs += runs;
    m->hits += hits;
}

void weft__cover_merge(struct weft__cover *into,
                       const struct weft__cover *from) {
    for (uint32_t i = 0; i < from->n; i++) {
        weft__cover_add(into, from->m[i].label, from->m[i].runs,
                        from->m[i].hits);
    }
    into->lost |= from->lost;
}

void weft__cover_print(FILE *f, const struct weft__cover *c, bool json) {
    for (uint32_t i = 0; i < c->n; i++) {
        const struct weft__cover_mark *m = &c->m[i];
        if (json) {
            /* labels are the program's literals: no quotes expected,
             * but escape them rather than break the line */
            fputs("{\"event\":\"cover\",\"label\":\"", f);
            for (const char *s = m->label; *s; s++) {
                if (*s == '"' || *s == '\\') fputc('\\', f);
                if ((unsigned char)*s >= 0x20) fputc(*s, f);
            }
            fprintf(f, "\",\"runs\":%llu,\"hits\":%llu}\n",
                    (unsigned long long)m->runs,
                    (unsigned long long)m->hits);
        } else {
            fprintf(f, "%s%s %llu run(s) %llu hit(s)", i ? ", " : "cover: ",
                    m->label, (unsigned long long)m->runs,
                    (unsigned long long)m->hits);
        }
    }
    if (!json && c->n) fputc('\n', f);
    if (!json && c->lost) {
        fprintf(f, "cover: more than %d labels, the rest not counted\n",
                WEFT__COVER_MAX);
    }
}

void weft_cover_hit(const char *label) {
    struct weft__run_report *r = weft__report_current();
    if (!r || !label) return;
    const struct weft__cover_mark *m = weft__cover_find(&r->cover, label);
    weft__cover_add(&r->cover, label, m ? 0 : 1, 1);
}
