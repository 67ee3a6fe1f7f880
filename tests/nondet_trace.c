/* tests/nondet_trace.c: a program whose scheduling decisions are the same
 * on every run of a seed but whose trace is not: it notes its process
 * id, read from outside weft. It always fails, so weft-explore with
 * --trace-dir records its trace twice and must call it nondeterministic
 * (tests/explore_cli.sh). */
#include <unistd.h>
#include <weft.h>

static int note_pid(void *arg) {
    (void)arg;
    weft_trace_note("pid %ld", (long)getpid());
    return 1;
}

int main(void) { return weft_run(NULL, note_pid, NULL) == 0 ? 0 : 1; }
