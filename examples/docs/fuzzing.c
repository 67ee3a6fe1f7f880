/* examples/docs/fuzzing.c: the fragments docs/FUZZING.md quotes: a fault
 * point that fires in some sim runs and never under real, and a fuzz
 * target, here called directly as libFuzzer would (run by
 * tests/doc_examples.sh). */
#include <weft.h>
#include <weft/fuzz.h>

static int body(void *arg) { (void)arg; /* tasks, WEFT_ASSERT(...) */ return 0; }
WEFT_FUZZ_TARGET(body)

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int sent, retried;
static bool real;   /* the last run was under real */

static int send_once(void) {
/* the guide's include: a no-op here (include guard), it shows where the
 * macros come from */
#include <weft.h>            /* or <weft/buggify.h> */

if (WEFT_BUGGIFY()) {        /* sometimes, under sim only */
    WEFT_COVER("send retried");
    return -EAGAIN;          /* the error path under test */
}
    sent++;
    return 0;
}

static int sender(void *arg) {
    (void)arg;
    real = strcmp(weft_backend(), "real") == 0;
    for (int i = 0; i < 20; i++)
        if (send_once() == -EAGAIN) retried++;
    return 0;
}

int main(void) {
    int bad = 0;
    /* under real (the backend the environment names): never fires */
    sent = retried = 0;
    if (weft_run(NULL, sender, NULL) != 0) bad++;
    if (real && (retried || sent != 20)) {
        fprintf(stderr, "fuzzing: WEFT_BUGGIFY fired under real\n");
        bad++;
    }
    /* under sim: some run of a campaign reaches the fault's cover mark */
    static const char *const marks[] = {"send retried", NULL};
    weft_explore_opts o;
    weft_explore_opts_init(&o);
    o.quiet = true;
    o.require_cover = marks;
    if (weft_explore(&o, sender, NULL, NULL) != 0) {
        fprintf(stderr, "fuzzing: no sim run reached \"send retried\"\n");
        bad++;
    }
    /* the fuzz target: any input is a schedule; body passes on each */
    static const uint8_t inputs[][4] = {{0}, {1, 2, 3, 4}, {255, 0, 7, 1}};
    if (LLVMFuzzerTestOneInput(NULL, 0) != 0) bad++;
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++)
        if (LLVMFuzzerTestOneInput(inputs[i], sizeof inputs[i]) != 0) bad++;
    if (bad) fprintf(stderr, "fuzzing: %d checks failed\n", bad);
    return bad ? 1 : 0;
}
