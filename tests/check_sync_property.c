/* tests/check_sync_property.c: cancel-safety of the synchronisation
 * primitives as a property over 10,000 seeds under sim (suite sync,
 * TCase cancel; docs/SYNC.md): random work and random cancellation must
 * keep every count. A failure prints the seed and the command that
 * replays it alone (PROP_SEED=N). */
#include <string.h>

#include "sync_test.h"

/* ---- the property: 10,000 seeds of random work and cancellation ----
 * Workers run random operations on one lock (with a condition), one
 * bounded semaphore, one limiter (whose total a chaos task changes) and
 * one event, each operation in a scope with a random deadline, while a
 * chaos task cancels workers' operations at random. Checked throughout:
 * mutual exclusion, at most value holders of the semaphore, that a
 * failed acquire holds nothing (its release is -EPERM), that the lock is
 * held on every return of cond_wait. Checked at the end: every count is
 * back where it started. */

#define PROP_SEEDS 10000
#define NWORKERS 5

struct prop {
    char fail[256];
    weft_lock lk;
    weft_cond c;
    weft_sem s;
    weft_limiter l;
    weft_event e;
    unsigned sem_units;
    size_t max_total; /* highest total the limiter had */
    int in_lock;      /* tasks inside the lock: 0 or 1 */
    int sem_holders;
    int lim_holders;
    int tokens; /* cond's predicate: notified work */
    int produced, consumed;
    weft_scope *cur[NWORKERS]; /* each worker's operation scope */
    int done;                  /* workers finished */
};

struct worker {
    struct prop *p;
    int id;
};

static void op_enter(struct worker *w, weft_scope *s) {
    weft_move_on_after(s, prop_deadline(3000));
    w->p->cur[w->id] = s;
}

static void op_exit(struct worker *w, weft_scope *s, int rc) {
    w->p->cur[w->id] = NULL;
    weft_scope_exit(s, rc);
}

static void pause_random(void) {
    if (weft_random() % 2) {
        weft_yield();
    } else {
        weft_sleep((weft_time)(weft_random() % 1000) * WEFT_USEC);
    }
}

/* Takes the lock, counting the task in: 0 or acquire's error. */
static int lock_enter(struct prop *p) {
    int rc = weft_lock_acquire(&p->lk);
    if (rc == 0) PROP_CHECK(p, ++p->in_lock == 1);
    return rc;
}

/* Counts the task out and releases the lock, which it must hold. */
static void lock_exit(struct prop *p) {
    p->in_lock--;
    PROP_CHECK(p, weft_lock_release(&p->lk) == 0);
}

static void op_lock(struct worker *w) {
    struct prop *p = w->p;
    weft_scope s;
    op_enter(w, &s);
    int rc = lock_enter(p);
    PROP_CHECK(p, rc == 0 || rc == -ECANCELED);
    if (rc == 0) {
        pause_random(); /* may be cancelled: the lock is still held */
        lock_exit(p);
    } else {
        PROP_CHECK(p, weft_lock_release(&p->lk) == -EPERM);
    }
    op_exit(w, &s, rc);
}

static void op_sem(struct worker *w) {
    struct prop *p = w->p;
    weft_scope s;
    op_enter(w, &s);
    int rc = weft_sem_acquire(&p->s);
    PROP_CHECK(p, rc == 0 || rc == -ECANCELED);
    if (rc == 0) {
        PROP_CHECK(p, ++p->sem_holders <= (int)p->sem_units);
        pause_random();
        p->sem_holders--;
        PROP_CHECK(p, weft_sem_release(&p->s) == 0);
    }
    op_exit(w, &s, rc);
}

static void op_limiter(struct worker *w) {
    struct prop *p = w->p;
    char request;
    const void *b = weft_random() % 2 ? (const void *)&request : NULL;
    weft_scope s;
    op_enter(w, &s);
    int rc = b ? weft_limiter_acquire_on_behalf(&p->l, b)
               : weft_limiter_acquire(&p->l);
    PROP_CHECK(p, rc == 0 || rc == -ECANCELED);
    if (rc == 0) {
        p->lim_holders++;
        PROP_CHECK(p, (size_t)p->lim_holders <= weft_limiter_borrowed(&p->l));
        PROP_CHECK(p, weft_limiter_borrowed(&p->l) <= p->max_total);
        pause_random();
        p->lim_holders--;
    }
    int want = rc == 0 ? 0 : -EPERM;
    PROP_CHECK(p, (b ? weft_limiter_release_on_behalf(&p->l, b)
                     : weft_limiter_release(&p->l)) == want);
    op_exit(w, &s, rc);
}

/* Consumes one token of work under the lock, waiting on the condition;
 * the lock must be held on every return of cond_wait. */
static void op_cond(struct worker *w) {
    struct prop *p = w->p;
    weft_scope s;
    op_enter(w, &s);
    int rc = lock_enter(p);
    if (rc == 0) {
        while (rc == 0 && p->tokens == 0) {
            p->in_lock--;
            rc = weft_cond_wait(&p->c);
            PROP_CHECK(p, rc == 0 || rc == -ECANCELED);
            PROP_CHECK(p, ++p->in_lock == 1);
        }
        if (rc == 0) {
            p->tokens--;
            p->consumed++;
        }
        lock_exit(p);
    }
    op_exit(w, &s, rc);
}

static void op_produce(struct worker *w) {
    struct prop *p = w->p;
    weft_scope s;
    op_enter(w, &s);
    int rc = lock_enter(p);
    if (rc == 0) {
        p->tokens++;
        p->produced++;
        if (weft_random() % 4) {
            weft_cond_notify(&p->c, 1);
        } else {
            weft_cond_notify_all(&p->c);
        }
        lock_exit(p);
    }
    op_exit(w, &s, rc);
}

static void op_event(struct worker *w) {
    struct prop *p = w->p;
    if (weft_random() % 8 == 0) {
        weft_event_set(&p->e);
        return;
    }
    weft_scope s;
    op_enter(w, &s);
    int rc = weft_event_wait(&p->e);
    PROP_CHECK(p, rc == -ECANCELED || (rc == 0 && weft_event_is_set(&p->e)));
    op_exit(w, &s, rc);
}

static int prop_worker(void *arg) {
    struct worker *w = arg;
    static void (*const ops[])(struct worker *) = {
        op_lock, op_sem, op_limiter, op_cond, op_produce, op_event,
    };
    for (int i = 0; i < 8; i++) {
        ops[weft_random() % (sizeof ops / sizeof ops[0])](w);
        if (weft_random() % 2) weft_yield();
    }
    w->p->done++;
    return 0;
}

/* Cancels workers' operations and changes the limiter's total until the
 * workers are done. */
static int prop_chaos(void *arg) {
    struct prop *p = arg;
    while (p->done < NWORKERS) {
        weft_time pause = (weft_time)(weft_random() % 700) * WEFT_USEC;
        if (weft_sleep(pause) == -ECANCELED) break; /* the end of all */
        weft_scope *s = p->cur[weft_random() % NWORKERS];
        if (s && weft_random() % 2) weft_scope_cancel(s);
        if (weft_random() % 4 == 0) {
            size_t total = 1 + weft_random() % 3;
            PROP_CHECK(p, weft_limiter_set_total(&p->l, total) == 0);
            if (total > p->max_total) p->max_total = total;
        }
    }
    return 0;
}

static int prop_main(void *arg) {
    struct prop *p = arg;
    p->sem_units = 1 + (unsigned)(weft_random() % 3);
    p->max_total = 1 + weft_random() % 3;
    weft_lock_init(&p->lk);
    weft_cond_init(&p->c, &p->lk);
    weft_sem_init(&p->s, p->sem_units, p->sem_units);
    weft_limiter_init(&p->l, p->max_total);
    weft_event_init(&p->e);
    struct worker w[NWORKERS];
    weft_scope all; /* ends cond waits that no producer will notify */
    weft_move_on_after(&all, 50 * WEFT_MSEC);
    weft_group g;
    weft_group_init(&g);
    for (int i = 0; i < NWORKERS; i++) {
        w[i] = (struct worker){p, i};
        weft_spawn(&g, "worker", prop_worker, &w[i]);
    }
    weft_spawn(&g, "chaos", prop_chaos, p);
    int jrc = join(&g);
    PROP_CHECK(p, jrc == 0 || jrc == -ECANCELED);
    weft_scope_exit(&all, 0);
    PROP_CHECK(p, p->done == NWORKERS);
    PROP_CHECK(p, !weft_lock_locked(&p->lk) && p->in_lock == 0);
    PROP_CHECK(p, weft_sem_value(&p->s) == p->sem_units);
    PROP_CHECK(p, weft_limiter_borrowed(&p->l) == 0);
    PROP_CHECK(p, weft_limiter_available(&p->l) == weft_limiter_total(&p->l));
    PROP_CHECK(p, p->produced == p->consumed + p->tokens && p->tokens >= 0);
    PROP_CHECK(p, weft_cond_waiters(&p->c) == 0);
    weft_event_set(&p->e);
    weft_event_destroy(&p->e);
    weft_limiter_destroy(&p->l);
    weft_sem_destroy(&p->s);
    weft_cond_destroy(&p->c);
    weft_lock_destroy(&p->lk);
    return 0;
}

/* Runs the property over PROP_SEEDS seeds, or only $PROP_SEED if set. */
START_TEST(sync_random_cancellation_keeps_every_count) {
    uint64_t first, n;
    prop_seeds(PROP_SEEDS, &first, &n);
    static struct prop p;
    for (uint64_t seed = first; seed < first + n; seed++) {
        memset(&p, 0, sizeof p);
        int rc = sim(seed, prop_main, &p);
        prop_check_run(seed, rc, p.fail,
                       "CK_RUN_SUITE=sync CK_RUN_CASE=cancel "
                       "tests/check_sync_property");
    }
}
END_TEST

Suite *sync_suite(void);
Suite *sync_suite(void) {
    Suite *s = suite_create("sync");
    TCase *tc = tcase_create("cancel");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, sync_random_cancellation_keeps_every_count);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    return run_suite(sync_suite());
}
