/* tests/check_trace.c: the trace recorder and reader. Recorded traces of
 * known programs hold the expected events in order under both backends;
 * a sim trace is a pure function of program and seed (byte-identical but
 * for the wall-clock field); a run stopped by a misuse abort leaves a
 * readable trace up to the abort; the reader rejects every file of the
 * bad-file corpus with a message naming a byte offset, accepts the
 * truncated ones, and survives every prefix and many corruptions of a
 * real trace; the deadlock report names holders and the cycle. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "harness.h"
#include "reader.h"

#if HAVE_GRAPHVIZ
#include <graphviz/cgraph.h>
#endif

static char tmpdir[] = "/tmp/weft-trace-test-XXXXXX";
static bool have_tmpdir;

/* Made once by main (outside Check's assertions). */
static void make_tmpdir(void) {
    if (have_tmpdir) return;
    if (!mkdtemp(tmpdir)) {
        perror("check_trace: mkdtemp");
        exit(1);
    }
    have_tmpdir = true;
}

static const char *tmp_path(const char *name, char *buf, size_t n) {
    make_tmpdir();
    snprintf(buf, n, "%s/%s", tmpdir, name);
    return buf;
}

/* ---- programs ---- */

struct shop {
    weft_lock lock;
    weft_queue q;
};

static int producer(void *arg) {
    struct shop *s = arg;
    for (int i = 0; i < 4; i++) {
        weft_lock_acquire(&s->lock);
        weft_lock_release(&s->lock);
        int rc = weft_queue_put(&s->q, &i);
        if (rc) return rc;
    }
    return 0;
}

static int failing_consumer(void *arg) {
    struct shop *s = arg;
    int item;
    weft_queue_get(&s->q, &item);
    weft_trace_note("got %d", item);
    return -EIO;
}

static int shop_main(void *arg) {
    (void)arg;
    struct shop s;
    weft_lock_init(&s.lock);
    weft_queue_init(&s.q, 1, sizeof(int));
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "producer", producer, &s);
    weft_spawn(&g, "consumer", failing_consumer, &s);
    int rc = weft_group_join(&g);
    weft_group_destroy(&g);
    weft_queue_close(&s.q);
    int item;
    while (weft_queue_try_get(&s.q, &item) == 0) {
    }
    weft_queue_destroy(&s.q);
    weft_lock_destroy(&s.lock);
    return rc == -EIO ? 0 : 1;
}

static int record(uint64_t seed, bool sim, const char *path,
                  int (*fn)(void *)) {
    weft_config cfg;
    weft_config_init(&cfg);
    cfg.backend = sim ? WEFT_BACKEND_SIM : WEFT_BACKEND_REAL;
    cfg.seed = seed;
    cfg.trace_path = path;
    return weft_run(&cfg, fn, NULL);
}

static void load_ok(const char *path, struct trace_file *t) {
    char err[256];
    ck_assert_msg(trace_load(path, t, err, sizeof err) == 0, "%s: %s", path,
                  err);
}

/* Records fn's run into the test's file name under seed i (sim; 0: the
 * real backend), which must succeed, and loads the trace into *t. */
static void record_loaded(const char *name, int i, int (*fn)(void *),
                          struct trace_file *t) {
    char path[256];
    tmp_path(name, path, sizeof path);
    ck_assert_int_eq(record((uint64_t)i, i > 0, path, fn), 0);
    load_ok(path, t);
}

/* The name of task id in t (from its spawn event), "" when unknown. */
static const char *task_name(const struct trace_file *t, uint32_t id) {
    for (size_t i = 0; i < t->nev; i++) {
        if (t->ev[i].kind == WEFT_EV_SPAWN && t->ev[i].obj == id) {
            return trace_str(t, t->ev[i].str);
        }
    }
    return "";
}

struct step {
    int kind;
    const char *task; /* NULL: any */
};

/* Whether steps occur in t in this order (other events between). */
static size_t match_in_order(const struct trace_file *t,
                             const struct step *steps, size_t n) {
    size_t k = 0;
    for (size_t i = 0; i < t->nev && k < n; i++) {
        const struct trace_event *e = &t->ev[i];
        if (e->kind == steps[k].kind &&
            (!steps[k].task || !strcmp(task_name(t, e->task), steps[k].task))) {
            k++;
        }
    }
    return k;
}

static const struct step shop_steps[] = {
    {WEFT_EV_START, "main"},
    {WEFT_EV_SCOPE_ENTER, "main"},
    {WEFT_EV_OBJECT, "main"},          /* the group */
    {WEFT_EV_START, "producer"},
    {WEFT_EV_LOCK_ACQUIRE, "producer"},
    {WEFT_EV_LOCK_RELEASE, "producer"},
    {WEFT_EV_QUEUE_PUT, "producer"},
    {WEFT_EV_QUEUE_GET, "consumer"},
    {WEFT_EV_NOTE, "consumer"},
    {WEFT_EV_EXIT, "consumer"},
    {WEFT_EV_SCOPE_CANCEL, "consumer"}, /* its failure cancels the group */
    {WEFT_EV_EXIT, "producer"},
    {WEFT_EV_SCOPE_EXIT, "main"},
    {WEFT_EV_QUEUE_CLOSE, "main"},
    {WEFT_EV_EXIT, "main"},
    {WEFT_EV_RUN_END, NULL},
};

START_TEST(trace_known_program_has_events_in_order) {
    struct trace_file t;
    record_loaded("shop.trace", _i, shop_main, &t);
    size_t n = sizeof shop_steps / sizeof *shop_steps;
    size_t got = match_in_order(&t, shop_steps, n);
    ck_assert_msg(got == n, "seed %d (0: real): step %zu (%s) missing", _i,
                  got, got < n ? trace_kind_name(shop_steps[got].kind) : "");
    ck_assert(t.complete);
    ck_assert_int_eq(t.sim, _i > 0);
    /* The cancel's reason is the sibling's error. */
    for (size_t i = 0; i < t.nev; i++) {
        if (t.ev[i].kind == WEFT_EV_SCOPE_CANCEL) {
            ck_assert_int_eq(t.ev[i].aux, WEFT_TRACE_CANCEL_ERROR);
            break;
        }
    }
    trace_free(&t);
}
END_TEST

/* ---- a queue message: six events in two records ---- */

#define PINGS 50

struct rally {
    weft_queue there, back;
};

static int pinger(void *arg) {
    struct rally *r = arg;
    for (int i = 0; i < PINGS; i++) {
        weft_queue_put(&r->there, &i);
        weft_queue_get(&r->back, &i);
    }
    return 0;
}

static int ponger(void *arg) {
    struct rally *r = arg;
    int i;
    for (int k = 0; k < PINGS; k++) {
        weft_queue_get(&r->there, &i);
        weft_queue_put(&r->back, &i);
    }
    return 0;
}

static int rally_main(void *arg) {
    (void)arg;
    struct rally r;
    weft_queue_init(&r.there, 0, sizeof(int));
    weft_queue_init(&r.back, 0, sizeof(int));
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "ping", pinger, &r);
    weft_spawn(&g, "pong", ponger, &r);
    int rc = weft_group_join(&g);
    weft_group_destroy(&g);
    weft_queue_destroy(&r.there);
    weft_queue_destroy(&r.back);
    return rc;
}

/* The events of one message through a rendezvous queue, as the reader
 * gives them: the side that comes first parks, the other runs, takes
 * the item over, wakes it and yields to it. */
static const int message_kinds[] = {
    WEFT_EV_PARK, WEFT_EV_SWITCH, WEFT_EV_QUEUE_PUT, WEFT_EV_QUEUE_GET,
    WEFT_EV_WAKE, WEFT_EV_SWITCH,
};

START_TEST(trace_queue_message_is_six_events_in_two_records) {
    struct trace_file t;
    record_loaded("rally.trace", _i, rally_main, &t);
    size_t nk = sizeof message_kinds / sizeof *message_kinds, messages = 0;
    for (size_t i = 0; i + nk <= t.nev; i++) {
        const struct trace_event *e = &t.ev[i];
        size_t k = 0;
        while (k < nk && e[k].kind == message_kinds[k]) k++;
        if (k < nk) continue;
        /* parker p, runner r: p parks, r runs, the item passes between
         * them, r wakes p */
        uint32_t p = e[0].task, r = e[1].task;
        ck_assert_uint_ne(p, r);
        ck_assert(e[1].obj == p || e[1].obj == 0); /* or from the loop */
        ck_assert(e[2].task == p || e[2].task == r);
        ck_assert_uint_eq(e[2].task ^ e[3].task, p ^ r);
        ck_assert_uint_eq(e[2].obj, e[0].obj); /* the queue it parked on */
        ck_assert_uint_eq(e[3].obj, e[0].obj);
        ck_assert_uint_eq(e[4].task, r);
        ck_assert_uint_eq(e[4].obj, p);
        ck_assert_int_eq(e[4].aux, WEFT_TRACE_BY_TASK);
        /* r yields: to p, or through the loop (its budget, or under sim
         * a schedule point), and sim may pick r again */
        ck_assert(e[5].task == p || (_i > 0 && e[5].task == r));
        ck_assert(e[5].obj == r || e[5].obj == 0);
        messages++;
        i += nk - 1;
    }
    /* Most of the 2 * PINGS messages take this path (under sim the order
     * of the first ones varies with the seed). */
    ck_assert_uint_ge(messages, PINGS);
    /* Folded: each such message is two records, not six. */
    ck_assert_msg(t.nrec * 2 < t.nev, "%zu records for %zu events", t.nrec,
                  t.nev);
    trace_free(&t);
}
END_TEST

/* ---- determinism ---- */

static uint8_t *slurp(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    rewind(f);
    uint8_t *buf = malloc((size_t)size + 1);
    *n = fread(buf, 1, (size_t)size, f);
    fclose(f);
    return buf;
}

START_TEST(trace_same_seed_gives_identical_bytes) {
    char a[256], b[256];
    tmp_path("a.trace", a, sizeof a);
    tmp_path("b.trace", b, sizeof b);
    for (uint64_t seed = 1; seed <= 30; seed++) {
        ck_assert_int_eq(record(seed, true, a, shop_main), 0);
        ck_assert_int_eq(record(seed, true, b, shop_main), 0);
        size_t na, nb;
        uint8_t *x = slurp(a, &na), *y = slurp(b, &nb);
        ck_assert_uint_eq(na, nb);
        /* The wall-clock field is the one place runs may differ. */
        memset(x + WEFT_TRACE_H_WALL, 0, 8);
        memset(y + WEFT_TRACE_H_WALL, 0, 8);
        ck_assert_msg(!memcmp(x, y, na), "seed %llu: traces differ",
                      (unsigned long long)seed);
        free(x);
        free(y);
    }
}
END_TEST

/* ---- abort ---- */

static int misusing(void *arg) {
    (void)arg;
    static weft_lock lk;
    weft_lock_init(&lk);
    weft_lock_acquire(&lk);
    weft_trace_note("before the misuse");
    weft_lock_destroy(&lk); /* held: aborts */
    return 0;
}

static void run_misusing(void *path) {
    record(3, true, path, misusing);
}

START_TEST(trace_after_misuse_abort_is_readable) {
    char path[256], buf[2048];
    tmp_path("abort.trace", path, sizeof path);
    run_in_child(run_misusing, path, buf, sizeof buf);
    ck_assert_msg(strstr(buf, "misuse"), "%s", buf);
    struct trace_file t;
    load_ok(path, &t);
    ck_assert(!t.complete);
    ck_assert_msg(strstr(t.note, "without a run-end"), "%s", t.note);
    ck_assert_uint_ge(t.nev, 3);
    const struct trace_event *last = &t.ev[t.nev - 1];
    ck_assert_int_eq(last->kind, WEFT_EV_MISUSE);
    ck_assert_msg(strstr(trace_str(&t, last->str), "held"), "%s",
                  trace_str(&t, last->str));
    ck_assert_int_eq(t.ev[t.nev - 2].kind, WEFT_EV_NOTE);
    trace_free(&t);
}
END_TEST

/* ---- the reader on bad input ---- */

START_TEST(trace_corpus_is_judged_by_name) {
    DIR *dir = opendir(CORPUS_DIR);
    ck_assert_ptr_nonnull(dir);
    struct dirent *de;
    int seen = 0;
    while ((de = readdir(dir))) {
        const char *name = de->d_name;
        if (!strstr(name, ".trace")) continue;
        char path[512], err[256] = "";
        snprintf(path, sizeof path, "%s/%s", CORPUS_DIR, name);
        struct trace_file t;
        int rc = trace_load(path, &t, err, sizeof err);
        seen++;
        if (!strncmp(name, "bad-", 4)) {
            ck_assert_msg(rc == -1, "%s was accepted", name);
            ck_assert_msg(!strncmp(err, "byte ", 5) && !strchr(err, '\n'),
                          "%s: %s", name, err);
            continue;
        }
        ck_assert_msg(rc == 0, "%s: %s", name, err);
        if (!strncmp(name, "trunc-", 6)) {
            ck_assert_msg(strstr(t.note, "truncated at byte"), "%s: %s", name,
                          t.note);
        }
        trace_free(&t);
    }
    closedir(dir);
    ck_assert_int_ge(seen, 15);
}
END_TEST

START_TEST(trace_every_prefix_and_corruption_is_handled) {
    char path[256];
    tmp_path("prefix.trace", path, sizeof path);
    ck_assert_int_eq(record(5, true, path, shop_main), 0);
    size_t n;
    uint8_t *data = slurp(path, &n);
    char err[256];
    struct trace_file t;
    for (size_t len = 0; len <= n; len++) {
        int rc = trace_parse(data, len, &t, err, sizeof err);
        fast_check(rc == 0 || len < WEFT_TRACE_HEADER_SIZE);
        if (rc == 0) {
            fast_check(len == n ? t.complete : !t.complete);
            trace_free(&t);
        }
    }
    uint64_t x = 0x9e3779b97f4a7c15u;
    for (int k = 0; k < 20000; k++) { /* seeded single-byte corruptions */
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        size_t at = (size_t)(x % n);
        uint8_t old = data[at];
        data[at] = (uint8_t)(x >> 32);
        if (trace_parse(data, n, &t, err, sizeof err) == 0) {
            for (size_t i = 0; i < t.nev; i++) {
                fast_check(strlen(trace_str(&t, t.ev[i].str)) < t.nstrs + 1);
            }
            trace_free(&t);
        } else {
            fast_check(!strncmp(err, "byte ", 5));
        }
        data[at] = old;
    }
    free(data);
}
END_TEST

/* ---- deadlock ---- */

struct two_locks {
    weft_lock a, b;
};

static int take_ab(void *arg) {
    struct two_locks *p = arg;
    weft_lock_acquire(&p->a);
    weft_yield();
    weft_lock_acquire(&p->b);
    return 0;
}

static int take_ba(void *arg) {
    struct two_locks *p = arg;
    weft_lock_acquire(&p->b);
    weft_yield();
    weft_lock_acquire(&p->a);
    return 0;
}

static int crossing(void *arg) {
    (void)arg;
    static struct two_locks p;
    weft_lock_init(&p.a);
    weft_lock_init(&p.b);
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "ab", take_ab, &p);
    weft_spawn(&g, "ba", take_ba, &p);
    return weft_group_join(&g);
}

static void run_crossing(void *path) {
    /* seed 1 interleaves the two so that both take their first lock */
    int rc = record(1, true, path, crossing);
    exit(rc == -EDEADLK ? 0 : 1);
}

START_TEST(trace_deadlock_report_names_holders_and_cycle) {
    char path[256], buf[8192];
    tmp_path("deadlock.trace", path, sizeof path);
    int st = run_in_child(run_crossing, path, buf, sizeof buf);
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s", buf);
    ck_assert_msg(strstr(buf, "task 'ab' (id 2) waits in weft_lock_acquire() "
                              "on lock created at"), "%s", buf);
    ck_assert_msg(strstr(buf, ", held by 'ba' (id 3)"), "%s", buf);
    ck_assert_msg(strstr(buf, "  cycle: '"), "%s", buf);
    /* The leaks the blocked tasks cause come after, under one heading. */
    char *heading = strstr(buf, "left behind by the deadlock above");
    ck_assert_msg(heading && heading > strstr(buf, "cycle:"), "%s", buf);
    struct trace_file t;
    load_ok(path, &t);
    size_t waits = 0, held = 0;
    for (size_t i = 0; i < t.nev; i++) {
        if (t.ev[i].kind != WEFT_EV_WAITS_FOR) continue;
        waits++;
        held += t.ev[i].value != 0;
    }
    ck_assert_uint_eq(waits, 4); /* main twice (two tasks), ab, ba */
    ck_assert_uint_eq(held, 4);
    trace_free(&t);
}
END_TEST

/* ---- a move under a cancelled scope ---- */

static int starts_then_waits(void *arg, weft_task_status *st) {
    (void)arg;
    weft_started(st, NULL); /* moves under the cancelled group */
    return weft_sleep(WEFT_SEC);
}

static int start_into_cancelled(void *arg) {
    (void)arg;
    weft_group g;
    weft_group_init(&g);
    weft_group_cancel(&g);
    /* Started inside a shield, the child is not cancelled until it
     * moves under the group at weft_started. */
    weft_scope shield;
    weft_scope_enter(&shield, WEFT_NEVER, WEFT_SHIELD);
    weft_start(&g, "late", starts_then_waits, NULL, NULL);
    weft_scope_exit(&shield, 0);
    int rc = weft_group_join(&g); /* its own cancel is absorbed: 0 */
    weft_group_destroy(&g);
    return rc;
}

START_TEST(trace_move_under_cancelled_scope_has_reason_parent) {
    struct trace_file t;
    record_loaded("parent.trace", _i, start_into_cancelled, &t);
    int reasons = 0;
    for (size_t i = 0; i < t.nev; i++) {
        if (t.ev[i].kind == WEFT_EV_SCOPE_CANCEL) reasons |= 1 << t.ev[i].aux;
    }
    ck_assert_int_eq(reasons, 1 << WEFT_TRACE_CANCEL_EXPLICIT |
                                  1 << WEFT_TRACE_CANCEL_PARENT);
    trace_free(&t);
}
END_TEST

/* ---- call sites of parks ---- */

static int lock_park_line; /* the line of the macro call that parks */

struct held_lock {
    weft_lock lock;
    weft_event held;
};

/* Takes the lock and keeps it until someone waits for it. */
static int holds_until_waited(void *arg) {
    struct held_lock *h = arg;
    weft_lock_acquire(&h->lock);
    weft_event_set(&h->held);
    while (weft_lock_waiters(&h->lock) == 0) weft_yield();
    weft_lock_release(&h->lock);
    return 0;
}

/* Parks on a held lock by macro (its line is recorded), then on another
 * through the plain function (no line: a site is never stale). */
static int lock_sites_main(void *arg) {
    (void)arg;
    struct held_lock h[2];
    weft_group g;
    weft_group_init(&g);
    int rc = 0;
    for (int i = 0; i < 2 && !rc; i++) {
        weft_lock_init(&h[i].lock);
        weft_event_init(&h[i].held);
        weft_spawn(&g, "holder", holds_until_waited, &h[i]);
        weft_event_wait(&h[i].held);
        if (i == 0) {
            lock_park_line = __LINE__ + 1;
            rc = weft_lock_acquire(&h[i].lock);
        } else {
            rc = (weft_lock_acquire)(&h[i].lock);
        }
        if (!rc) weft_lock_release(&h[i].lock);
    }
    int jrc = weft_group_join(&g);
    weft_group_destroy(&g);
    for (int i = 0; i < 2; i++) {
        weft_event_destroy(&h[i].held);
        weft_lock_destroy(&h[i].lock);
    }
    return rc ? rc : jrc;
}

START_TEST(trace_park_names_the_blocking_call_site) {
    struct trace_file t;
    record_loaded("sites.trace", _i, lock_sites_main, &t);
    size_t with_site = 0, without = 0;
    for (size_t i = 0; i < t.nev; i++) {
        const struct trace_event *e = &t.ev[i];
        if (e->kind != WEFT_EV_PARK || strcmp(trace_str(&t, e->str), "lock")) {
            continue;
        }
        ck_assert_str_eq(task_name(&t, e->task), "main");
        if (e->file == TRACE_NONE) {
            without++;
            continue;
        }
        with_site++;
        ck_assert_msg(strstr(trace_str(&t, e->file), "check_trace.c"),
                      "site file %s", trace_str(&t, e->file));
        ck_assert_uint_eq(e->line, (unsigned)lock_park_line);
    }
    ck_assert_uint_eq(with_site, 1);
    ck_assert_uint_eq(without, 1);
    /* The event waits park at their own call, in this file too. */
    bool event_site = false;
    for (size_t i = 0; i < t.nev; i++) {
        const struct trace_event *e = &t.ev[i];
        if (e->kind == WEFT_EV_PARK && e->file != TRACE_NONE &&
            !strcmp(trace_str(&t, e->str), "event")) {
            event_site = strstr(trace_str(&t, e->file), "check_trace.c");
        }
    }
    ck_assert(event_site);
    trace_free(&t);
}
END_TEST

/* ---- a cancellation stopped by a shield ---- */

static int shielded_sleeper(void *arg) {
    weft_event *inside = arg;
    weft_scope shield;
    weft_scope_enter(&shield, WEFT_NEVER, WEFT_SHIELD);
    weft_event_set(inside);
    int rc = weft_sleep(WEFT_MSEC); /* the group's cancel does not reach */
    weft_scope_exit(&shield, rc);
    return rc;
}

static int cancel_around_shield(void *arg) {
    (void)arg;
    weft_group g;
    weft_group_init(&g);
    weft_event inside;
    weft_event_init(&inside);
    weft_spawn(&g, "shielded", shielded_sleeper, &inside);
    weft_event_wait(&inside);
    weft_group_cancel(&g);
    int rc = weft_group_join(&g);
    weft_group_destroy(&g);
    weft_event_destroy(&inside);
    return rc;
}

START_TEST(trace_shield_records_what_it_was_shielded_from) {
    struct trace_file t;
    record_loaded("shield.trace", _i, cancel_around_shield, &t);
    uint32_t group_scope = 0, shield_scope = 0;
    const struct trace_event *shielded = NULL;
    for (size_t i = 0; i < t.nev; i++) {
        const struct trace_event *e = &t.ev[i];
        if (e->kind == WEFT_EV_SCOPE_ENTER &&
            (e->aux & WEFT_TRACE_SCOPE_GROUP)) {
            group_scope = e->obj;
        }
        if (e->kind == WEFT_EV_SCOPE_ENTER &&
            (e->aux & WEFT_TRACE_SCOPE_SHIELD)) {
            shield_scope = e->obj;
        }
        if (e->kind == WEFT_EV_SCOPE_SHIELDED) {
            ck_assert_ptr_null(shielded); /* once: one shield, one cancel */
            shielded = e;
        }
    }
    ck_assert_ptr_nonnull(shielded);
    ck_assert_uint_ne(shield_scope, 0);
    ck_assert_uint_eq(shielded->obj, shield_scope);
    ck_assert_int_eq(shielded->value, (int64_t)group_scope);
    ck_assert_int_eq(shielded->aux, WEFT_TRACE_CANCEL_EXPLICIT);
    ck_assert_str_eq(task_name(&t, shielded->task), "main");
    trace_free(&t);
}
END_TEST

/* ---- the views' DOT ---- */

START_TEST(trace_views_write_dot_that_graphviz_parses) {
    char path[256], dot[256], cmd[1024];
    tmp_path("views.trace", path, sizeof path);
    tmp_path("view.dot", dot, sizeof dot);
    ck_assert_int_eq(record((uint64_t)_i, _i > 0, path, shop_main), 0);
    static const char *const views[] = {"tasks", "waits", "timeline"};
    for (size_t k = 0; k < 3; k++) {
        snprintf(cmd, sizeof cmd, "%s %s %s -T dot -o %s", WEFT_TRACE_BIN,
                 views[k], path, dot);
        ck_assert_msg(system(cmd) == 0, "%s failed", cmd);
        size_t n;
        uint8_t *text = slurp(dot, &n);
        text[n] = '\0';
        ck_assert_msg(!strncmp((char *)text, "digraph", 7), "%s", views[k]);
#if HAVE_GRAPHVIZ
        Agraph_t *g = agmemread((char *)text);
        ck_assert_msg(g != NULL, "%s: the DOT does not parse", views[k]);
        ck_assert_int_gt(agnnodes(g), 1);
        agclose(g);
#endif
        free(text);
    }
}
END_TEST

START_TEST(trace_note_outside_a_run_does_nothing) {
    weft_trace_note("nobody records %d", 1);
}
END_TEST

Suite *trace_suite(void);
Suite *trace_suite(void) {
    Suite *s = suite_create("trace");
    TCase *tc = tcase_create("basic");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, trace_known_program_has_events_in_order, 0, 20);
    tcase_add_loop_test(tc, trace_queue_message_is_six_events_in_two_records,
                        0, 20);
    tcase_add_test(tc, trace_same_seed_gives_identical_bytes);
    tcase_add_test(tc, trace_after_misuse_abort_is_readable);
    tcase_add_test(tc, trace_corpus_is_judged_by_name);
    tcase_add_test(tc, trace_every_prefix_and_corruption_is_handled);
    tcase_add_test(tc, trace_deadlock_report_names_holders_and_cycle);
    tcase_add_test(tc, trace_note_outside_a_run_does_nothing);
    tcase_add_loop_test(tc, trace_move_under_cancelled_scope_has_reason_parent,
                        0, 4);
    tcase_add_loop_test(tc, trace_views_write_dot_that_graphviz_parses, 0, 3);
    tcase_add_loop_test(tc, trace_park_names_the_blocking_call_site, 0, 20);
    tcase_add_loop_test(tc, trace_shield_records_what_it_was_shielded_from, 0,
                        20);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    make_tmpdir(); /* here: each test runs in a child of this process */
    int rc = run_suite(trace_suite());
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd) != 0) rc = 1;
    return rc;
}
