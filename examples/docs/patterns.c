/* examples/docs/patterns.c: the fragments docs/PATTERNS.md quotes, in a
 * program that checks what the page says of them (run by
 * tests/doc_examples.sh; non-zero when a claim does not hold). */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <weft.h>

static int failures;
#define EXPECT(cond)                                                       \
    do {                                                                   \
        if (!(cond)) {                                                     \
            fprintf(stderr, "patterns: %s:%d: %s\n", __FILE__, __LINE__,   \
                    #cond);                                                \
            failures++;                                                    \
        }                                                                  \
    } while (0)

static bool is_sim(void) { return strcmp(weft_backend(), "sim") == 0; }

/* How many run at once: the most seen. */
static int running, most;

/* gather, race ---------------------------------------------------------- */
struct page { const char *url; const char *body; };

/* Stands for a download: "/a", "/b", "/c" take 10, 20, 30 ms; "/fail"
 * fails at once, "/slow" takes a second. */
static int download(const char *url, const char **body) {
    int rc;
    if (strcmp(url, "/fail") == 0) return -EIO;
    if (strcmp(url, "/slow") == 0) rc = weft_sleep(WEFT_SEC);
    else rc = weft_sleep((url[1] - 'a' + 1) * 10 * WEFT_MSEC);
    if (rc == 0) *body = url + 1;
    return rc;
}

static int fetch(void *arg) {            /* one call: fills its result */
    struct page *p = arg;
    return download(p->url, &p->body);   /* 0, or -errno */
}

static int gather_demo(void) {
struct page pages[3] = {{.url = "/a"}, {.url = "/b"}, {.url = "/c"}};
weft_call calls[3];
for (int i = 0; i < 3; i++) calls[i] = (weft_call){fetch, &pages[i], "fetch"};
int codes[3];
int rc = weft_gather(calls, 3, codes, 0);
/* rc: 0, or the first failure (the others were cancelled); codes[i] is
 * call i's result. With WEFT_COLLECT_ERRORS every call runs to its end,
 * rc is 0 (unless the caller was cancelled) and codes[] holds each one. */
    EXPECT(rc == 0);
    for (int i = 0; i < 3; i++)
        EXPECT(codes[i] == 0 && pages[i].body && *pages[i].body == 'a' + i);

    struct page bad[3] = {{.url = "/a"}, {.url = "/fail"}, {.url = "/slow"}};
    for (int i = 0; i < 3; i++) calls[i] = (weft_call){fetch, &bad[i], "fetch"};
    rc = weft_gather(calls, 3, codes, 0);   /* the first failure */
    EXPECT(rc == -EIO && codes[1] == -EIO && codes[2] == -ECANCELED);
    rc = weft_gather(calls, 3, codes, WEFT_COLLECT_ERRORS);
    EXPECT(rc == 0 && codes[0] == 0 && codes[1] == -EIO && codes[2] == 0);
    printf("gather: ok\n");
    return 0;
}

static struct page mirror_pages[3] = {{.url = "/slow"}, {.url = "/fail"}, {.url = "/b"}};
static const struct page *used;
static int reported;
static void use(const struct page *p) { used = p; }
static void report(int rc) { reported = rc; }

static int race_demo(void) {
weft_call mirrors[3] = {{fetch, &mirror_pages[0], "mirror 1"},
                        {fetch, &mirror_pages[1], "mirror 2"},
                        {fetch, &mirror_pages[2], "mirror 3"}};
size_t winner;
int rc = weft_race(mirrors, 3, &winner);
if (rc >= 0) use(&mirror_pages[winner]); /* the losers were cancelled and
                                            have ended */
else report(rc);                          /* all failed: the first failure */
    /* mirror 2 failed, mirror 3 won, mirror 1 was cancelled */
    EXPECT(rc == 0 && winner == 2 && used == &mirror_pages[2]);
    EXPECT(mirror_pages[0].body == NULL && reported == 0);
    printf("race: mirror %zu won\n", winner + 1);
    return 0;
}

/* bounded_map ----------------------------------------------------------- */
struct image { int width; };
static int scale(struct image *img, int width) {
    if (++running > most) most = running;
    int rc = weft_sleep(10 * WEFT_MSEC);
    running--;
    if (rc == 0) img->width = width;
    return rc;
}

static int resize(void *item, void *ctx) {
    struct image *img = item;
    return scale(img, *(int *)ctx);
}

static int map_demo(void) {
    running = most = 0;
struct image images[100];
int codes[100];
int width = 640;
int rc = weft_bounded_map(resize, images, 100, sizeof images[0],
                          10 /* limit */, &width, codes, 0);
    EXPECT(rc == 0 && most == 10);   /* never more than limit */
    for (int i = 0; i < 100; i++)
        EXPECT(codes[i] == 0 && images[i].width == 640);
    printf("bounded_map: at most %d at once\n", most);
    return 0;
}

/* retry ----------------------------------------------------------------- */
struct server { int down_for; int calls; };
static struct server server;

/* Fails with -EAGAIN on its first down_for calls. */
static int connect_once(void *arg) {
    struct server *srv = arg;
    return ++srv->calls <= srv->down_for ? -EAGAIN : 0;
}

static bool transient(int rc) { return rc == -EAGAIN || rc == -ETIMEDOUT; }

static int retry_once(void) {
weft_retry_opts o;
weft_retry_opts_init(&o);          /* 3 tries, 100 ms, 2 s cap, jitter 0.1 */
o.attempts = 5;
o.retry_on = transient;
weft_scope s;
weft_fail_after(&s, 10 * WEFT_SEC); /* the whole budget */
int rc = weft_scope_exit(&s, weft_retry(connect_once, &server, &o));
    return rc;
}

static int retry_demo(void) {
    weft_time t0 = weft_now();
    server = (struct server){.down_for = 2};
    int rc = retry_once();
    weft_time took = weft_now() - t0;
    /* sleeps of 100 and 200 ms, each plus at most 10 % jitter */
    EXPECT(rc == 0 && server.calls == 3);
    if (is_sim()) EXPECT(took >= 300 * WEFT_MSEC && took < 330 * WEFT_MSEC);
    server = (struct server){.down_for = 100};
    rc = retry_once();             /* five tries, then the last error */
    EXPECT(rc == -EAGAIN && server.calls == 5);
    printf("retry: ok\n");
    return 0;
}

/* The completion stream ------------------------------------------------- */
static int sleeper(void *arg) { return weft_sleep(*(weft_time *)arg); }
static size_t order[6], got;   /* the calls handed out, in order */
static bool good_enough(size_t i) {
    order[got++] = i;
    return i == 0;
}

static int completions_demo(void) {
    static weft_time ms[6] = {40, 10, 30, 20, 50, 60};
    weft_call calls[6];
    size_t n = 6;
    for (size_t k = 0; k < n; k++) {
        ms[k] *= WEFT_MSEC;
        calls[k] = (weft_call){sleeper, &ms[k], "sleeper"};
    }
    weft_time t0 = weft_now();
weft_completions cs;
int rc = weft_completions_init(&cs, calls, n, 4 /* at most 4 running */);
if (rc) return rc;
size_t i;
int code;
while ((rc = weft_completions_next(&cs, &i, &code)) == 0) {
    printf("call %zu ended with %d\n", i, code);   /* completion order */
    if (good_enough(i)) break;                     /* leave early */
}
weft_completions_destroy(&cs); /* cancels and awaits what still runs */
    /* 0..3 start; 1 ends at 10 ms and 4 starts, 3 at 20 and 5 starts,
     * 2 at 30, 0 at 40: good enough, 4 and 5 are cancelled */
    EXPECT(rc == 0 && got == 4 && order[3] == 0);
    if (is_sim())
        EXPECT(order[0] == 1 && order[1] == 3 && order[2] == 2 &&
               weft_now() - t0 < 60 * WEFT_MSEC); /* 4, 5 did not end */
    printf("completions: left after %zu results\n", got);
    return 0;
}

/* run_sync -------------------------------------------------------------- */
struct cfg { const char *path; int port; };

/* Stands for reading and parsing a file (the path need not exist). */
static int parse_file(const char *path, struct cfg *c) {
    c->path = path;
    c->port = 8080;
    return 0;
}

static int read_config(void *arg) {        /* blocking: not a weft task */
    struct cfg *c = arg;
    return parse_file("/etc/app.conf", c);
}

static int run_sync_demo(void) {
struct cfg c;
int rc = weft_run_sync(read_config, &c, 0);
    EXPECT(rc == 0 && c.port == 8080 && strcmp(c.path, "/etc/app.conf") == 0);
    printf("run_sync: port %d\n", c.port);
    return 0;
}

/* Leak tracking --------------------------------------------------------- */
struct conn { const char *host; };
int conn_open(struct conn *c, const char *host);
void conn_close(struct conn *c);

int conn_open(struct conn *c, const char *host) {
    int rc = WEFT_TRACK(c, "conn");   /* records this file:line */
    if (rc) return rc;                /* -ENOMEM, -EEXIST */
    c->host = host;                   /* ... */
    return 0;
}
void conn_close(struct conn *c) { weft_untrack(c); /* ... */ }

static struct conn conn;

static int main_task(void *arg) {
    (void)arg;
    gather_demo();
    race_demo();
    map_demo();
    retry_demo();
    completions_demo();
    run_sync_demo();
    EXPECT(conn_open(&conn, "example.org") == 0);
    EXPECT(conn_open(&conn, "example.org") == -EEXIST);
    conn_close(&conn);
    return failures ? 1 : 0;
}

/* A second run that forgets conn_close. */
static int leaky_task(void *arg) {
    (void)arg;
    return conn_open(&conn, "example.org");
}

int main(void) {
    int rc = weft_run(NULL, main_task, NULL);
    if (rc) fprintf(stderr, "patterns: %d failures (rc=%d)\n", failures, rc);
/* in a test, once weft_run returned: */
assert(weft_leaks(NULL, 0) == 0);
    weft_run(NULL, leaky_task, NULL);   /* reports the leak on stderr */
    if (weft_leaks(NULL, 0) != 1) {
        fprintf(stderr, "patterns: the forgotten conn is not a leak\n");
        rc = 1;
    }
    return rc ? 1 : 0;
}
