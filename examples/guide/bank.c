/* examples/guide/bank.c: the program docs/TESTING-YOUR-PROGRAM.md tests.
 *
 * Two tellers take transfers from a queue and move money between three
 * accounts. Before moving money a teller checks the funds, then writes
 * the transfer to a journal (a bounded queue a clerk drains: a
 * checkpoint, where another task may run), then moves the money under
 * the bank's lock. The check and the move are not atomic: when the other
 * teller runs in between and spends the same funds, an account goes
 * negative. Built with -DFIXED (examples/guide/bank_fixed) the teller
 * holds the lock from the check to the move.
 *
 *   ./bank                                  the real backend: passes
 *   WEFT_BACKEND=sim WEFT_SEED=7 ./bank     one simulated schedule
 *   weft-explore ./bank                     many of them
 *
 * It prints the final balances and exits 0 when every invariant held. */
#include <stdio.h>
#include <string.h>
#include <weft.h>

enum { ALICE, BOB, CAROL, NACCOUNTS };
static const char *const names[NACCOUNTS] = {"alice", "bob", "carol"};

struct transfer {
    int from, to, amount;
};

struct bank {
    int balance[NACCOUNTS];
    weft_lock lock;          /* guards balance[] */
    weft_queue requests;     /* struct transfer, from main to the tellers */
    weft_queue journal;      /* struct transfer, from the tellers to the clerk */
    int journaled, rejected;
};

static int total(const struct bank *b) {
    int sum = 0;
    for (int i = 0; i < NACCOUNTS; i++) sum += b->balance[i];
    return sum;
}

/* Moves the money; the caller holds b->lock. */
static void move(struct bank *b, const struct transfer *t) {
    weft_trace_note("%s -%d, %s +%d", names[t->from], t->amount,
                    names[t->to], t->amount);
    b->balance[t->from] -= t->amount;
    b->balance[t->to] += t->amount;
    WEFT_ASSERT(b->balance[t->from] >= 0); /* no overdraft, ever */
}

static int teller(void *arg) {
    struct bank *b = arg;
    struct transfer t;
    int rc;
    while ((rc = weft_queue_get(&b->requests, &t)) == 0) {
#ifndef FIXED
        weft_trace_note("%s %d >= %d?", names[t.from], b->balance[t.from],
                        t.amount);
        if (b->balance[t.from] < t.amount) { /* check ... */
            b->rejected++;
            continue;
        }
        rc = weft_queue_put(&b->journal, &t); /* ... a checkpoint ... */
        if (rc) return rc;
        if ((rc = weft_lock_acquire(&b->lock))) return rc;
        move(b, &t);                          /* ... act */
        weft_lock_release(&b->lock);
#else /* the fix: hold the lock from the check to the move */
        if ((rc = weft_lock_acquire(&b->lock))) return rc;
        weft_trace_note("%s %d >= %d?", names[t.from], b->balance[t.from],
                        t.amount);
        if (b->balance[t.from] < t.amount) {
            b->rejected++;
        } else if ((rc = weft_queue_put(&b->journal, &t)) == 0) {
            move(b, &t);
        }
        weft_lock_release(&b->lock);
        if (rc) return rc;
#endif
    }
    return rc == -EPIPE ? 0 : rc; /* -EPIPE: requests closed and drained */
}

static int clerk(void *arg) {
    struct bank *b = arg;
    struct transfer t;
    int rc;
    while ((rc = weft_queue_get(&b->journal, &t)) == 0) {
        b->journaled++;
    }
    return rc == -EPIPE ? 0 : rc;
}

static const struct transfer work[] = {
    {ALICE, BOB, 60}, {BOB, CAROL, 30}, {CAROL, ALICE, 20}, {ALICE, CAROL, 50},
};

/* The test body: a whole run of the bank, its invariants asserted. *out
 * gets the final state, for main to print. */
static int bank_main(void *out) {
    struct bank *b = out;
    int rc = 0;
    memset(b, 0, sizeof *b);
    b->balance[ALICE] = 100;
    weft_lock_init(&b->lock);
    weft_queue_init(&b->requests, 1, sizeof(struct transfer));
    weft_queue_init(&b->journal, 1, sizeof(struct transfer));
    weft_group tellers, clerks;
    weft_group_init(&clerks);
    weft_group_init(&tellers);
    weft_spawn(&clerks, "clerk", clerk, b);
    weft_spawn(&tellers, "teller 1", teller, b);
    weft_spawn(&tellers, "teller 2", teller, b);
    for (size_t i = 0; i < sizeof work / sizeof work[0] && rc == 0; i++) {
        rc = weft_queue_put(&b->requests, &work[i]);
    }
    weft_queue_close(&b->requests);    /* the tellers drain it and end */
    int trc = weft_group_join(&tellers);
    weft_queue_close(&b->journal);     /* then the clerk */
    int crc = weft_group_join(&clerks);
    weft_group_destroy(&tellers);
    weft_group_destroy(&clerks);
    weft_queue_destroy(&b->journal);
    weft_queue_destroy(&b->requests);
    weft_lock_destroy(&b->lock);
    WEFT_ASSERT(total(b) == 100);      /* money is neither made nor lost */
    return rc ? rc : trc ? trc : crc;
}

int main(void) {
    struct bank b;
    int rc = weft_run(NULL, bank_main, &b);
    if (rc) {
        fprintf(stderr, "bank: weft_run: %s\n", strerror(rc < 0 ? -rc : rc));
        return 1;
    }
    printf("alice %d  bob %d  carol %d  (%d journaled, %d rejected)\n",
           b.balance[ALICE], b.balance[BOB], b.balance[CAROL], b.journaled,
           b.rejected);
    return 0;
}
