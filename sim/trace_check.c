/* sim/trace_check.c: with traces recorded (--trace-dir), a failing seed
 * is run twice with a trace and the two files must be the same, apart
 * from the header's wall-clock field: a program that reads something
 * outside weft's control can take the same decisions and still do
 * something else (print another value, touch other objects), which only
 * the trace shows. Read in fixed chunks: traces can be large. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "trace_check.h"
#include "trace_format.h"

#define CHUNK 65536

/* Compares what is left of fa and fb from offset pos on. */
static int rest_differs(FILE *fa, FILE *fb, long pos) {
    static char a[CHUNK];
    static char b[CHUNK];
    for (;;) {
        size_t na = fread(a, 1, CHUNK, fa);
        size_t nb = fread(b, 1, CHUNK, fb);
        if (na != nb) return 1;
        size_t skip_lo = 0;
        size_t skip_hi = 0;
        if (pos <= WEFT_TRACE_H_WALL) { /* the wall clock: 8 bytes */
            skip_lo = (size_t)(WEFT_TRACE_H_WALL - pos);
            skip_hi = skip_lo + 8;
        }
        for (size_t i = 0; i < na; i++) {
            if (i >= skip_lo && i < skip_hi) continue;
            if (a[i] != b[i]) return 1;
        }
        if (na < CHUNK) return ferror(fa) || ferror(fb) ? -EIO : 0;
        pos += (long)na;
    }
}

int weft__traces_differ(const char *a, const char *b) {
    FILE *fa = fopen(a, "rb");
    if (!fa) return -errno;
    FILE *fb = fopen(b, "rb");
    if (!fb) {
        int rc = -errno;
        fclose(fa);
        return rc;
    }
    int rc = rest_differs(fa, fb, 0);
    fclose(fa);
    fclose(fb);
    return rc;
}

void weft__trace_again_path(const char *path, char *buf, size_t n) {
    size_t len = strlen(path);
    const char *ext = ".trace";
    size_t elen = strlen(ext);
    if (len >= elen && !strcmp(path + len - elen, ext)) len -= elen;
    snprintf(buf, n, "%.*s.again%s", (int)len, path, ext);
}
