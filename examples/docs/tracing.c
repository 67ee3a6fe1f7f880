/* examples/docs/tracing.c: the fragment docs/TRACING.md quotes: a note
 * is a no-op when not recording, and is in the trace when recording
 * (run by tests/doc_examples.sh). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <weft.h>

static void note(int n, const char *why) {
/* the guide's include: a no-op here (include guard), it shows where
 * weft_trace_note comes from */
#include <weft.h>
weft_trace_note("retry %d after %s", n, why);  /* no-op when not recording */
}

static int main_task(void *arg) {
    (void)arg;
    note(3, "a timeout");
    return 0;
}

int main(void) {
    if (weft_run(NULL, main_task, NULL) != 0) return 1;   /* not recording */
    char path[] = "/tmp/weft-doc-trace-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) return 1;
    weft_config cfg;
    weft_config_init(&cfg);
    cfg.trace_path = path;
    int rc = weft_run(&cfg, main_task, NULL);
    FILE *f = fopen(path, "rb");
    static char buf[1 << 20];
    size_t len = f ? fread(buf, 1, sizeof buf, f) : 0;
    if (f) fclose(f);
    remove(path);
    static const char want[] = "retry 3 after a timeout";
    bool found = false;
    for (size_t i = 0; !found && i + sizeof want - 1 <= len; i++)
        found = memcmp(buf + i, want, sizeof want - 1) == 0;
    if (rc != 0 || !found) {
        fprintf(stderr, "tracing: rc=%d, the note %s in the trace\n", rc,
                found ? "is" : "is not");
        return 1;
    }
    return 0;
}
