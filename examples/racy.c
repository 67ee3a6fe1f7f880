/* examples/racy.c: a small racy program, the main job's demonstration.
 *
 * Two tellers each deposit into one account by reading the balance,
 * yielding (a schedule point: another task may run here), and writing
 * back. When the simulator interleaves them, a deposit is lost. The same
 * seed always gives the same interleaving, so a lost update found once is
 * replayed forever by its seed:
 *
 *   WEFT_BACKEND=sim WEFT_SEED=1 ./racy    # loses a deposit; seed 5 does not
 *   ./racy                                  # the real backend
 *
 * It prints the order of the tellers' steps and the final balance, and
 * exits 1 when a deposit was lost. */
#include <stdio.h>
#include <string.h>
#include <weft.h>

struct account {
    int balance;
    char log[64]; /* one letter per step: which teller ran */
    size_t nlog;
};

struct teller {
    struct account *acct;
    char letter;
};

static int deposit(void *arg) {
    struct teller *t = arg;
    for (int i = 0; i < 3; i++) {
        int seen = t->acct->balance;       /* read */
        t->acct->log[t->acct->nlog++] = t->letter;
        weft_trace_note("read %d", seen); /* shown by weft-trace */
        weft_sched_point("between read and write");
        t->acct->balance = seen + 10;      /* write back: may lose one */
        weft_trace_note("wrote %d", seen + 10);
    }
    return 0;
}

static int bank(void *arg) {
    struct account *acct = arg;
    struct teller a = {acct, 'A'};
    struct teller b = {acct, 'B'};
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "teller A", deposit, &a);
    weft_spawn(&g, "teller B", deposit, &b);
    int rc = weft_group_join(&g);
    weft_group_destroy(&g);
    return rc;
}

int main(void) {
    struct account acct;
    memset(&acct, 0, sizeof acct);
    int rc = weft_run(NULL, bank, &acct);
    if (rc) {
        fprintf(stderr, "racy: weft_run: %s\n", strerror(-rc));
        return 2;
    }
    printf("steps %s  balance %d (expected 60)%s\n", acct.log, acct.balance,
           acct.balance == 60 ? "" : "  <- lost update");
    return acct.balance == 60 ? 0 : 1;
}
