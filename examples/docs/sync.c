/* examples/docs/sync.c: the fragments docs/SYNC.md quotes, in a program
 * that checks what the page says of them (run by tests/doc_examples.sh;
 * non-zero when a claim does not hold). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <weft.h>

static int failures;
#define EXPECT(cond)                                                       \
    do {                                                                   \
        if (!(cond)) {                                                     \
            fprintf(stderr, "sync: %s:%d: %s\n", __FILE__, __LINE__,       \
                    #cond);                                                \
            failures++;                                                    \
        }                                                                  \
    } while (0)

struct account;
int transfer(struct account *from, struct account *to, long amount);
int query(void *arg);
int fetch(void *req);
struct job;
int take(struct job *out);
int producer(void *arg);
int consumer(void *arg);

/* How many run at once: the most seen. */
static int running, most;
static void enter(void) { if (++running > most) most = running; }
static void leave(void) { running--; }

/* Lock ------------------------------------------------------------------ */
struct account { long balance; };
static int audit_log_write(struct account *from, struct account *to,
                           long amount) {
    (void)from, (void)to, (void)amount;
    return weft_sleep(WEFT_MSEC);   /* a checkpoint while the lock is held */
}

static weft_lock accounts_lock;   /* weft_lock_init(&accounts_lock) once */

int transfer(struct account *from, struct account *to, long amount) {
    int rc = weft_lock_acquire(&accounts_lock);   /* checkpoint */
    if (rc) return rc;                             /* -ECANCELED: not held */
    from->balance -= amount;
    rc = audit_log_write(from, to, amount);        /* may block */
    to->balance += amount;
    weft_lock_release(&accounts_lock);
    return rc;
}

static struct account alice = {100}, bob = {100};
static int a_to_b(void *arg) { (void)arg; return transfer(&alice, &bob, 30); }
static int b_to_a(void *arg) { (void)arg; return transfer(&bob, &alice, 10); }

/* Semaphore ------------------------------------------------------------- */
static int run_query(void *arg) {
    (void)arg;
    enter();
    int rc = weft_sleep(10 * WEFT_MSEC);
    leave();
    return rc;
}

static weft_sem slots;   /* weft_sem_init(&slots, 4, 4) once: four at most */

int query(void *arg) {
    int rc = weft_sem_acquire(&slots);
    if (rc) return rc;
    rc = run_query(arg);
    weft_sem_release(&slots);
    return rc;
}

/* CapacityLimiter ------------------------------------------------------- */
static int http_get(void *req) { return run_query(req); }

static weft_limiter downloads;   /* weft_limiter_init(&downloads, 8) once */

int fetch(void *req) {
    int rc = weft_limiter_acquire_on_behalf(&downloads, req);
    if (rc) return rc;
    rc = http_get(req);
    weft_limiter_release_on_behalf(&downloads, req);
    return rc;
}
/* later, under load: weft_limiter_set_total(&downloads, 16); */

/* Runs fn(&tags[i]) for 20 tasks; the most that ran at once. */
static int fan_out(int (*fn)(void *)) {
    static int tags[20];
    weft_group g;
    weft_group_init(&g);
    running = most = 0;
    for (int i = 0; i < 20; i++) weft_spawn(&g, "call", fn, &tags[i]);
    int rc = weft_group_join(&g);
    weft_group_destroy(&g);
    EXPECT(rc == 0);
    return most;
}

/* Event ----------------------------------------------------------------- */
static int config_loaded, served;
static void load_config(void) { config_loaded = 1; }
static void serve(void) { served = config_loaded; }

static void event_demo(void) {
weft_event ready;
weft_event_init(&ready);
/* server task: */  load_config(); weft_event_set(&ready);
/* clients:     */  if (weft_event_wait(&ready) == 0) serve();
    weft_event_destroy(&ready);
}

/* Condition ------------------------------------------------------------- */
struct job { int id; };
int give(struct job j);
static struct job jobs[8];
static int njobs;
static bool jobs_empty(void) { return njobs == 0; }
static struct job jobs_pop(void) { return jobs[--njobs]; }
static void jobs_push(struct job j) { jobs[njobs++] = j; }

static weft_lock lk;       /* weft_lock_init(&lk) once, */
static weft_cond nonempty; /* then weft_cond_init(&nonempty, &lk) */

int take(struct job *out) {
    int rc = weft_lock_acquire(&lk);
    if (rc) return rc;
    while (rc == 0 && jobs_empty()) rc = weft_cond_wait(&nonempty);
    if (rc == 0) *out = jobs_pop();
    weft_lock_release(&lk);            /* held on every path */
    return rc;
}

int give(struct job j) {
    int rc = weft_lock_acquire(&lk);
    if (rc) return rc;                 /* notify needs the lock */
    jobs_push(j);
    weft_cond_notify(&nonempty, 1);
    weft_lock_release(&lk);
    return 0;
}

static struct job taken = {0};
static int taker(void *arg) { (void)arg; return take(&taken); }
static int giver(void *arg) {
    (void)arg;
    int rc = weft_sleep(5 * WEFT_MSEC);   /* the taker waits first */
    return rc ? rc : give((struct job){7});
}

/* Queue ----------------------------------------------------------------- */
static char *next_line(void *arg) {
    int *left = arg;
    if (*left == 0) return NULL;
    char buf[32];
    snprintf(buf, sizeof buf, "line %d", (*left)--);
    return strdup(buf);
}
static int handled;
static void handle(const char *s) { handled += strncmp(s, "line ", 5) == 0; }

static weft_queue lines;   /* weft_queue_init(&lines, 16, sizeof(char *)) once */

int producer(void *arg) {
    for (char *s; (s = next_line(arg)); ) {
        int rc = weft_queue_put(&lines, &s);
        if (rc) { free(s); return rc; }    /* not delivered: still ours */
    }
    weft_queue_close(&lines);
    return 0;
}

int consumer(void *arg) {
    (void)arg;
    char *s;
    int rc;
    while ((rc = weft_queue_get(&lines, &s)) == 0) { handle(s); free(s); }
    return rc == -EPIPE ? 0 : rc;           /* -EPIPE: end of stream */
}
/* after join: drain, then destroy */
/* while (weft_queue_try_get(&lines, &s) == 0) free(s);               */
/* weft_queue_destroy(&lines);                                         */

/* PriorityQueue --------------------------------------------------------- */
struct task { int prio; int id; };
static int by_prio(const void *a, const void *b) {
    const struct task *x = a, *y = b;
    return (x->prio > y->prio) - (x->prio < y->prio);
}

static void pqueue_demo(void) {
weft_pqueue work;
weft_pqueue_init(&work, 0, sizeof(struct task), by_prio);
struct task t = {.prio = 1, .id = 42};
weft_pqueue_put(&work, &t);
if (weft_pqueue_try_get(&work, &t) == -EWOULDBLOCK) { /* QueueEmpty */ }
    EXPECT(t.id == 42);   /* the one put came out */
    struct task hi = {.prio = 0, .id = 1}, lo = {.prio = 5, .id = 2};
    weft_pqueue_put(&work, &lo);
    weft_pqueue_put(&work, &hi);
    EXPECT(weft_pqueue_try_get(&work, &t) == 0 && t.id == 1); /* lowest */
    EXPECT(weft_pqueue_try_get(&work, &t) == 0 && t.id == 2);
    EXPECT(weft_pqueue_try_get(&work, &t) == -EWOULDBLOCK);   /* empty */
    weft_pqueue_destroy(&work);
}

static int main_task(void *arg) {
    (void)arg;
    weft_group g;
    int rc;

    weft_lock_init(&accounts_lock);
    weft_group_init(&g);
    weft_spawn(&g, "a_to_b", a_to_b, NULL);
    weft_spawn(&g, "b_to_a", b_to_a, NULL);
    rc = weft_group_join(&g);
    weft_group_destroy(&g);
    EXPECT(rc == 0 && alice.balance == 80 && bob.balance == 120);
    printf("lock: balances %ld %ld\n", alice.balance, bob.balance);

    weft_sem_init(&slots, 4, 4);
    int m = fan_out(query);
    EXPECT(m == 4);
    printf("sem: at most %d queries at once\n", m);
    EXPECT(weft_sem_release(&slots) == -EOVERFLOW);   /* past max */

    weft_limiter_init(&downloads, 8);
    m = fan_out(fetch);
    EXPECT(m == 8);
    printf("limiter: at most %d downloads at once\n", m);
    weft_limiter_set_total(&downloads, 16);
    m = fan_out(fetch);
    EXPECT(m == 16);
    printf("limiter: at most %d after set_total\n", m);

    event_demo();
    EXPECT(served);
    printf("event: served=%d\n", served);

    weft_lock_init(&lk);
    weft_cond_init(&nonempty, &lk);
    weft_group_init(&g);
    weft_spawn(&g, "taker", taker, NULL);
    weft_spawn(&g, "giver", giver, NULL);
    rc = weft_group_join(&g);
    weft_group_destroy(&g);
    EXPECT(rc == 0 && taken.id == 7);
    printf("cond: took job %d\n", taken.id);

    weft_queue_init(&lines, 16, sizeof(char *));
    int left = 40;
    weft_group_init(&g);
    weft_spawn(&g, "producer", producer, &left);
    weft_spawn(&g, "consumer", consumer, NULL);
    rc = weft_group_join(&g);
    weft_group_destroy(&g);
    char *s;
    while (weft_queue_try_get(&lines, &s) == 0) free(s);
    weft_queue_destroy(&lines);
    EXPECT(rc == 0 && handled == 40);
    printf("queue: %d lines handled\n", handled);

    pqueue_demo();
    printf("pqueue: ok\n");

    weft_cond_destroy(&nonempty);
    weft_lock_destroy(&lk);
    weft_limiter_destroy(&downloads);
    weft_sem_destroy(&slots);
    weft_lock_destroy(&accounts_lock);
    return failures ? 1 : 0;
}

int main(void) {
    int rc = weft_run(NULL, main_task, NULL);
    if (rc) fprintf(stderr, "sync: %d failures (rc=%d)\n", failures, rc);
    return rc ? 1 : 0;
}
