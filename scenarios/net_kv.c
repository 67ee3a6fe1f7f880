/* net_kv: FAILS, fixed PASSES: a primary-backup store loses an
 * acknowledged write.
 * A client writes keys to the primary, which acknowledges each and has
 * the backup store it on its disk. Buggy: the primary acknowledges at
 * once and replicates in the background every 50 ms; when it crashes in
 * between, an acknowledged write is lost, and the client, failing over
 * to the backup, finds it missing. Fixed: the primary acknowledges only
 * once the backup has stored the write. Faults: crashes chosen by the
 * seed (under the real backend there are none, and both pass). */
#include "net_scenario.h"

#define NKEYS 40
#define WITHIN (300 * WEFT_MSEC)

static struct peer primary = {"primary", "10.0.0.1", 0};
static struct peer backup = {"backup", "10.0.0.2", 0};

struct disk {
    char val[NKEYS]; /* 0: no value */
};

static struct disk backup_disk; /* survives the backup's crashes */

/* ---- the backup: "R k v" stores v and answers 'A'; "G k ?" answers
 * the value of k ---- */

static int backup_conn(void *arg) {
    int fd = (int)(intptr_t)arg;
    unsigned char req[3];
    while (read_exact(fd, req, 3) == 0 && req[1] < NKEYS) {
        char ans = 'A';
        if (req[0] == 'R') backup_disk.val[req[1]] = (char)req[2];
        else ans = backup_disk.val[req[1]];
        if (weft_write(fd, &ans, 1, NULL)) break;
    }
    weft_close(fd);
    return 0;
}

/* Accepts connections, a task each, until cancelled. */
static int serve(int lfd, int (*conn)(void *)) {
    weft_group g;
    weft_group_init(&g);
    int fd;
    while ((fd = weft_tcp_accept(lfd)) >= 0) {
        weft_spawn(&g, "conn", conn, (void *)(intptr_t)fd);
    }
    weft_group_cancel(&g);
    weft_group_join(&g);
    weft_group_destroy(&g);
    weft_close(lfd);
    return 0;
}

static int backup_main(void *arg) {
    (void)arg;
    int lfd = peer_listen(&backup);
    return lfd < 0 ? lfd : serve(lfd, backup_conn);
}

/* ---- the primary: its memory is lost in a crash ---- */

struct primary_state {
    char val[NKEYS];
    unsigned char pending[NKEYS]; /* keys acknowledged, not replicated */
    size_t npending;
    int bfd;                      /* to the backup, -1: none */
};

static struct primary_state *ps; /* the running incarnation's */

/* Has the backup store k: 0 once it answered, else a negative code. */
static int replicate(unsigned char k) {
    if (ps->bfd < 0) ps->bfd = peer_connect(&backup, WITHIN);
    if (ps->bfd < 0) return ps->bfd;
    unsigned char req[3] = {'R', k, (unsigned char)ps->val[k]};
    char ans;
    int rc = call(ps->bfd, req, 3, &ans, 1, WITHIN);
    if (rc) {
        weft_close(ps->bfd);
        ps->bfd = -1;
    }
    return rc;
}

/* Buggy: the background replication. */
static int replicator(void *arg) {
    (void)arg;
    while (weft_sleep(50 * WEFT_MSEC) == 0) {
        while (ps->npending && replicate(ps->pending[0]) == 0) {
            memmove(ps->pending, ps->pending + 1, --ps->npending);
        }
    }
    return 0;
}

/* "P k v": stores, replicates (fixed: first), acknowledges. */
static int primary_conn(void *arg) {
    int fd = (int)(intptr_t)arg;
    unsigned char req[3];
    while (read_exact(fd, req, 3) == 0 && req[0] == 'P' && req[1] < NKEYS) {
        ps->val[req[1]] = (char)req[2];
        if (BUGGY) {
            ps->pending[ps->npending++] = req[1];
        } else if (replicate(req[1])) {
            break; /* not acknowledged: the client fails over */
        }
        if (weft_write(fd, "A", 1, NULL)) break;
    }
    weft_close(fd);
    return 0;
}

static int primary_main(void *arg) {
    (void)arg;
    struct primary_state st = {.bfd = -1};
    ps = &st;
    int lfd = peer_listen(&primary);
    if (lfd < 0) return lfd;
    weft_group g;
    weft_group_init(&g);
    if (BUGGY) weft_spawn(&g, "replicator", replicator, NULL);
    int rc = serve(lfd, primary_conn);
    weft_group_cancel(&g);
    weft_group_join(&g);
    weft_group_destroy(&g);
    if (st.bfd >= 0) weft_close(st.bfd);
    return rc;
}

/* ---- the client ---- */

static char acked[NKEYS]; /* what the primary acknowledged */

/* Writes keys until the primary fails it; returns how many were acked. */
static int write_keys(void) {
    int fd = -1;
    for (int i = 0; i < 50 && fd < 0; i++) {
        fd = peer_connect(&primary, WITHIN);
        if (fd < 0) weft_sleep(10 * WEFT_MSEC);
    }
    int n = 0;
    for (; fd >= 0 && n < NKEYS; n++) {
        unsigned char req[3] = {'P', (unsigned char)n,
                                (unsigned char)('a' + n % 26)};
        char ans;
        if (call(fd, req, 3, &ans, 1, WITHIN) || ans != 'A') break;
        acked[n] = (char)req[2];
        weft_sleep(20 * WEFT_MSEC);
    }
    if (fd >= 0) weft_close(fd);
    return n;
}

/* The backup's value of k, retrying while it is down. */
static char read_backup(int k) {
    for (int i = 0; i < 200; i++) {
        int fd = peer_connect(&backup, WITHIN);
        unsigned char req[3] = {'G', (unsigned char)k, 0};
        char ans = 0;
        int rc = fd < 0 ? fd : call(fd, req, 3, &ans, 1, WITHIN);
        if (fd >= 0) weft_close(fd);
        if (rc == 0) return ans;
        weft_sleep(50 * WEFT_MSEC);
    }
    return '?';
}

static int body(void *arg) {
    (void)arg;
    weft_sim_faults("crash/100"); /* -ENOTSUP under real: no faults */
    weft_group hosts;
    weft_group_init(&hosts);
    peer_spawn(&hosts, &backup, backup_main, &backup_disk);
    peer_spawn(&hosts, &primary, primary_main, NULL);
    int n = write_keys();
    /* Failover: the backup must hold every acknowledged write. */
    for (int k = 0; k < n; k++) WEFT_ASSERT(read_backup(k) == acked[k]);
    peers_stop(&hosts);
    printf("net_kv: %d writes acknowledged, all on the backup\n", n);
    return 0;
}

SCENARIO_MAIN(body)
