/* src/io/signal.c: weft_signal_wait. The signals asked for are blocked
 * on the runtime's thread from the first call until weft_run returns
 * (fd.c restores the mask), so one that arrives between two calls stays
 * pending instead of killing the process; each call reads one through a
 * signalfd of its own, closed before it returns. Under sim there are no
 * signals to wait for: -ENOTSUP, before anything real is made. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "io.h"
#include "weft/io.h"

static int make_set(const int *signals, size_t n, sigset_t *set) {
    if (!signals || n == 0) return -EINVAL;
    sigemptyset(set);
    for (size_t i = 0; i < n; i++) {
        int s = signals[i];
        if (s == SIGKILL || s == SIGSTOP || sigaddset(set, s) < 0) {
            return -EINVAL;
        }
    }
    return 0;
}

/* Reads one signal from sfd, waiting as needed: its number or -errno. */
static int read_one(struct weft__rt *rt, struct weft__fd *f) {
    struct signalfd_siginfo si;
    for (;;) {
        ssize_t r = read(f->io.fd, &si, sizeof si);
        if (r == (ssize_t)sizeof si) return (int)si.ssi_signo;
        if (r < 0 && errno == EINTR) continue;
        if (r >= 0 || errno != EAGAIN) return r < 0 ? -errno : -EIO;
        int rc = weft__fd_park(rt, f, WEFT__IO_READ);
        if (rc < 0) return rc;
    }
}

int weft_signal_wait(const int *signals, size_t n) {
    struct weft__rt *rt = weft__io_rt("weft_signal_wait");
    sigset_t set;
    if (make_set(signals, n, &set)) return -EINVAL;
    if (weft__task_cancelled(rt->current)) return -ECANCELED;
    if (!rt->backend->sock->external) return -ENOTSUP; /* sim: no signals */
    int saved = errno;
    int rc;
    int sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (sfd < 0) {
        rc = -errno;
        goto out;
    }
    struct weft__fd *f;
    rc = weft__fd_get(rt, sfd, true, &f);
    if (!rc) rc = weft__io_block_signals(rt, &set);
    if (!rc) rc = read_one(rt, f);
    weft__fd_forget(rt, sfd);
    close(sfd);
out:
    errno = saved;
    return rc;
}
