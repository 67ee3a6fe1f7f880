/* tests/check_leak_stack.c: leak tracking of objects that live in a
 * task's stack frames (API.md "Leak tracking"): an object whose frame
 * returned without destroying it is reported with its details, and the
 * tracker never touches the memory it occupied. The rest of the leak
 * suite is tests/check_leak.c. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "leak_test.h"

/* ---- regress_7: an object abandoned in a returned frame ---- */

/* regress_7_frame_object_abandoned: the leak record used to be embedded
 * in the object and linked into its task's list of stack records. Once
 * the helper that made the object returned, the list still linked the
 * dead record: the init and destroy of another lock wrote list pointers
 * into whatever lay there now (here an array of the caller), and
 * weft_leaks() read through it (a crash once the pointers were garbage).
 * Records now belong to the tracker; the object only holds a handle. */

#define PATTERN 0x5c
#define PAD 4096

struct abandon_case {
    uintptr_t lock; /* addresses of the abandoned objects */
    uintptr_t event;
    int line_lock;
    int line_event;
    bool covered; /* the pattern array lay over both objects */
    bool intact;  /* and was unchanged after another lock's life */
    size_t nlive; /* weft_leaks() in the task, after all that */
    weft_leak_info live[8];
};

/* Inits a lock and an event in its frame and returns without destroying
 * either: a leak, whose memory the caller's next frame reuses. */
static __attribute__((noinline)) void abandon(struct abandon_case *c) {
    weft_lock lk;
    weft_event ev;
    c->line_lock = __LINE__ + 1; /* the next line */
    weft_lock_init(&lk);
    c->line_event = __LINE__ + 1; /* the next line */
    weft_event_init(&ev);
    c->lock = (uintptr_t)&lk;
    c->event = (uintptr_t)&ev;
}

/* abandon, a few hundred bytes down the stack: well inside the region
 * the array of overlay covers, whatever redzones a sanitizer adds. */
static __attribute__((noinline)) void abandon_deeper(struct abandon_case *c) {
    unsigned char spacer[512];
    __asm__ volatile("" : : "r"(spacer) : "memory"); /* keep the frame */
    abandon(c);
}

/* The whole, correct, life of another lock, in a frame below the array. */
static __attribute__((noinline)) void other_lock(void) {
    weft_lock lk;
    weft_lock_init(&lk);
    weft_lock_destroy(&lk);
}

static bool inside(uintptr_t p, size_t size, uintptr_t lo, size_t n) {
    return p >= lo && p + size <= lo + n;
}

static __attribute__((noinline)) void overlay(struct abandon_case *c) {
    volatile unsigned char pad[PAD];
    for (size_t i = 0; i < PAD; i++)
        pad[i] = PATTERN;
    uintptr_t lo = (uintptr_t)pad;
    c->covered = inside(c->lock, sizeof(weft_lock), lo, PAD) &&
                 inside(c->event, sizeof(weft_event), lo, PAD);
    other_lock();
    c->intact = true;
    for (size_t i = 0; i < PAD; i++) {
        if (pad[i] != PATTERN) c->intact = false;
    }
}

static int abandoner(void *p) {
    struct abandon_case *c = p;
    abandon_deeper(c);
    overlay(c);
    c->nlive = weft_leaks(c->live, 8);
    return 0; /* ends with both objects still tracked */
}

static int abandon_body(void *p) {
    weft_group g;
    weft_group_init(&g);
    int rc = weft_spawn(&g, "abandoner", abandoner, p);
    if (!rc) rc = weft_group_join(&g);
    weft_group_destroy(&g);
    return rc;
}

static void check_abandoned(const weft_leak_info *li, const char *kind,
                            int line, int seed) {
    ck_assert_msg(li, "%s not reported; seed=%d (0: real)", kind, seed);
    ck_assert_str_eq(li->kind, kind);
    ck_assert_str_eq(li->file, __FILE__);
    ck_assert_int_eq(li->line, line);
    ck_assert_uint_eq(li->task_id, 2);
}

START_TEST(regress_7_frame_object_abandoned) {
    struct abandon_case c;
    memset(&c, 0, sizeof c);
    struct capture cap;
    char out[4096];
    capture_begin(&cap);
    int rc = run_both(_i, abandon_body, &c);
    capture_end(&cap, out, sizeof out);
    ck_assert_run(rc, 0, _i);
    ck_assert_msg(c.covered, "the array missed the objects; seed=%d", _i);
    ck_assert_msg(c.intact, "the tracker wrote into the array; seed=%d", _i);
    /* in the task: still tracked (with the outer group), details intact */
    ck_assert_uint_eq(c.nlive, 3);
    const void *lk = (const void *)c.lock;
    const void *ev = (const void *)c.event;
    check_abandoned(find_leak(c.live, 3, lk), "lock", c.line_lock, _i);
    check_abandoned(find_leak(c.live, 3, ev), "event", c.line_event, _i);
    /* after the run: leaked, reported at the join */
    weft_leak_info li[8];
    ck_assert_uint_eq(weft_leaks(li, 8), 2);
    check_abandoned(find_leak(li, 2, lk), "lock", c.line_lock, _i);
    check_abandoned(find_leak(li, 2, ev), "event", c.line_event, _i);
    char want[256];
    snprintf(want, sizeof want,
             "weft: leak: lock %p created at %s:%d by task 2", lk, __FILE__,
             c.line_lock);
    ck_assert_msg(strstr(out, want), "stderr: %s", out);
    ck_assert_msg(strstr(out, "weft: 2 object(s) leaked in this run"),
                  "stderr: %s", out);
}
END_TEST

/* ---- objects left on an ended task's stack ---- */

/* A task leaves six joined groups on its stack: each is reported with
 * its details (the records are the tracker's, not in the dead stack). */
static int six_line;

static int six_groups(void *arg) {
    (void)arg;
    weft_group g[6];
    for (int i = 0; i < 6; i++) {
        six_line = __LINE__ + 1; /* the next line */
        weft_group_init(&g[i]);
        weft_group_join(&g[i]);
    }
    return 0; /* none destroyed */
}

static int six_body(void *arg) {
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "hoarder", six_groups, arg);
    int rc = weft_group_join(&g);
    weft_group_destroy(&g);
    return rc;
}

START_TEST(leak_stack_objects_all_reported_with_details) {
    struct capture cap;
    char out[4096];
    capture_begin(&cap);
    int rc = run_both(_i, six_body, NULL);
    capture_end(&cap, out, sizeof out);
    ck_assert_run(rc, 0, _i);
    weft_leak_info li[8];
    ck_assert_uint_eq(weft_leaks(li, 8), 6);
    for (int i = 0; i < 6; i++) {
        ck_assert_str_eq(li[i].kind, "group");
        ck_assert_str_eq(li[i].file, __FILE__);
        ck_assert_int_eq(li[i].line, six_line);
        ck_assert_uint_eq(li[i].task_id, 2);
        if (i) ck_assert_ptr_eq(li[i].ptr, (const weft_group *)li[0].ptr + i);
    }
    ck_assert_msg(!strstr(out, "more object(s)"), "stderr: %s", out);
    ck_assert_msg(strstr(out, "weft: 6 object(s) leaked in this run"),
                  "stderr: %s", out);
}
END_TEST

Suite *leak_stack_suite(void);
Suite *leak_stack_suite(void) {
    Suite *s = suite_create("leak_stack");
    TCase *tc = tcase_create("basic");
    tcase_add_loop_test(tc, leak_stack_objects_all_reported_with_details, 0,
                        5);
    suite_add_tcase(s, tc);

    tc = tcase_create("regress");
    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, regress_7_frame_object_abandoned, 0, 20);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    return run_suite(leak_stack_suite());
}
