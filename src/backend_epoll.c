/* src/backend_epoll.c: the real backend. The monotonic clock, FIFO
 * scheduling, the worker pool (src/pool.c) for offloaded jobs, and an
 * epoll set that blocks the thread until the next timer (nanosecond
 * timeout through epoll_pwait2 where the kernel has it), a watched fd,
 * or an eventfd written by another thread. Watched fds are registered
 * once, edge-triggered, for both directions (docs/DECISIONS.md). The
 * epoll fd and the eventfd are close-on-exec, and closed in the child of
 * a fork (src/fork.c). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "pool.h"
#include "sched.h"
#include "thread.h"

struct epoll_state {
    int epfd;
    int wakefd;          /* eventfd for wake_from_thread */
    bool have_pwait2;    /* cleared at the first ENOSYS (kernel < 5.11) */
    struct weft__pool *pool; /* owned: run_sync's workers, on demand */
};

static struct epoll_state *state_of(struct weft__rt *rt) {
    return rt->backend_state;
}

static int epoll_init(struct weft__rt *rt, const weft_config *cfg) {
    (void)cfg;
    struct epoll_state *s = calloc(1, sizeof *s);
    if (!s) return -ENOMEM;
    int rc;
    s->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (s->epfd < 0) {
        rc = -errno;
        goto fail_free;
    }
    s->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (s->wakefd < 0) {
        rc = -errno;
        goto fail_epfd;
    }
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
    if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->wakefd, &ev) < 0) {
        rc = -errno;
        goto fail_wakefd;
    }
    s->have_pwait2 = true;
    rt->backend_state = s;
    return 0;
fail_wakefd:
    close(s->wakefd);
fail_epfd:
    close(s->epfd);
fail_free:
    free(s);
    fprintf(stderr, "weft: real backend: cannot set up epoll: %s\n",
            strerror(-rc));
    return rc;
}

static void epoll_fini(struct weft__rt *rt) {
    struct epoll_state *s = state_of(rt);
    weft__pool_destroy(&s->pool);
    close(s->wakefd);
    close(s->epfd);
    free(s);
}

/* The epoll set and the eventfd are shared with the parent, not copied:
 * closing the child's descriptors leaves the parent's registered. */
static void epoll_after_fork(struct weft__rt *rt) {
    struct epoll_state *s = state_of(rt);
    close(s->wakefd);
    close(s->epfd);
    s->wakefd = -1;
    s->epfd = -1;
}

static weft_time epoll_now(struct weft__rt *rt) {
    (void)rt;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (weft_time)ts.tv_sec * WEFT_SEC + ts.tv_nsec;
}

static int wait_events(struct epoll_state *s, struct epoll_event *evs, int n,
                       weft_time timeout) {
    if (s->have_pwait2) {
        struct timespec ts = {.tv_sec = timeout / WEFT_SEC,
                              .tv_nsec = timeout % WEFT_SEC};
        int rc = epoll_pwait2(s->epfd, evs, n, timeout < 0 ? NULL : &ts, NULL);
        if (rc >= 0 || errno != ENOSYS) return rc;
        s->have_pwait2 = false;
    }
    /* Round up: waking before the deadline would only spin. */
    int ms = timeout < 0 ? -1
                         : (int)((timeout + WEFT_MSEC - 1) / WEFT_MSEC);
    return epoll_wait(s->epfd, evs, n, ms);
}

static void epoll_wait_external(struct weft__rt *rt, weft_time deadline) {
    struct epoll_state *s = state_of(rt);
    if (unlikely(s->epfd < 0)) {
        weft__misuse(NULL, NULL, 0, "the scheduler loop of a runtime "
                     "inherited through fork() ran");
    }
    weft_time timeout = -1;
    if (deadline != WEFT_NEVER) {
        timeout = deadline - epoll_now(rt);
        if (timeout < 0) timeout = 0;
    }
    struct epoll_event evs[64];
    int saved = errno;
    int n = wait_events(s, evs, 64, timeout);
    for (int i = 0; i < n; i++) {
        struct weft__io *w = evs[i].data.ptr;
        if (w == NULL) { /* the wake-up eventfd */
            uint64_t v;
            while (read(s->wakefd, &v, sizeof v) > 0) {
            }
            continue;
        }
        uint32_t e = evs[i].events;
        unsigned rev = 0;
        if (e & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
            rev |= WEFT__IO_READ;
        }
        if (e & (EPOLLOUT | EPOLLHUP | EPOLLERR)) rev |= WEFT__IO_WRITE;
        /* A callback only wakes tasks: no watcher of this batch can be
         * stopped or freed before the loop runs them. */
        if (rev & w->events) w->cb(rt, w, rev & w->events);
    }
    errno = saved;
}

static uint32_t epoll_bits(unsigned events) {
    uint32_t e = EPOLLET;
    if (events & WEFT__IO_READ) e |= EPOLLIN | EPOLLRDHUP;
    if (events & WEFT__IO_WRITE) e |= EPOLLOUT;
    return e;
}

static int epoll_io_start(struct weft__rt *rt, struct weft__io *w) {
    struct epoll_state *s = state_of(rt);
    struct epoll_event ev = {.events = epoll_bits(w->events), .data.ptr = w};
    int saved = errno;
    int rc = 0;
    if (epoll_ctl(s->epfd, w->started ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, w->fd,
                  &ev) < 0) {
        rc = -errno;
    } else {
        w->started = true;
    }
    errno = saved;
    return rc;
}

static void epoll_io_stop(struct weft__rt *rt, struct weft__io *w) {
    if (!w->started) return;
    struct epoll_state *s = state_of(rt);
    int saved = errno;
    /* Fails only when the fd was closed behind weft's back (the kernel
     * dropped it from the set then): nothing left to undo. */
    (void)epoll_ctl(s->epfd, EPOLL_CTL_DEL, w->fd, NULL);
    errno = saved;
    w->started = false;
}

static int epoll_offload(struct weft__rt *rt, struct weft__job *j) {
    return weft__pool_submit(&state_of(rt)->pool, j);
}

static void epoll_offload_drain(struct weft__rt *rt) {
    weft__pool_destroy(&state_of(rt)->pool);
}

static void epoll_wake_from_thread(struct weft__rt *rt) {
    struct epoll_state *s = state_of(rt);
    uint64_t one = 1;
    int saved = errno;
    /* EAGAIN: the counter is saturated, a wake-up is pending anyway. */
    while (write(s->wakefd, &one, sizeof one) < 0 && errno == EINTR) {
    }
    errno = saved;
}

static weft_time epoll_now_coarse(struct weft__rt *rt) {
    (void)rt;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return (weft_time)ts.tv_sec * WEFT_SEC + ts.tv_nsec;
}

static uint64_t epoll_random_seed(struct weft__rt *rt) {
    uint64_t seed;
    if (getrandom(&seed, sizeof seed, 0) != sizeof seed) {
        seed = (uint64_t)epoll_now(rt) ^ (uint64_t)(uintptr_t)rt;
    }
    return seed;
}

const struct weft__backend_ops weft__backend_epoll = {
    .name = "real",
    .init = epoll_init,
    .fini = epoll_fini,
    .after_fork = epoll_after_fork,
    .now = epoll_now,
    .now_coarse = epoll_now_coarse,
    .pick_next = NULL,
    .fifo = true,
    .wait_external = epoll_wait_external,
    .wake_from_thread = epoll_wake_from_thread,
    .offload = epoll_offload,
    .offload_drain = epoll_offload_drain,
    .io_start = epoll_io_start,
    .io_stop = epoll_io_stop,
    .random_seed = epoll_random_seed,
    .sched_points = false,
    .sock = &weft__sock_real,
};
