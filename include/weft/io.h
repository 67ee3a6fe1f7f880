/* weft/io.h: waiting on file descriptors, reading, writing, TCP and
 * signals, inside tasks (docs/IO.md).
 *
 * Under the real backend every call here is a checkpoint: an already
 * cancelled caller gets -ECANCELED before any syscall, and a call that
 * would block parks the task until the fd is ready, the fd is closed
 * through weft_close (-EBADF), or an enclosing scope is cancelled
 * (-ECANCELED; a scope's deadline cancels it, so a deadline bounds every
 * wait). Calls that complete without parking are schedule points once
 * in 32 in a row (a cooperative budget: docs/IO.md). fds are
 * made non-blocking at their first use; EINTR and EAGAIN never reach the
 * caller. Errors are negative errno codes, never in errno.
 *
 * At most one task waits on an fd in each direction: a second waiter in
 * the same direction gets -EBUSY at once (docs/DECISIONS.md).
 * An fd used here must be closed with weft_close, not close(2).
 *
 * Under the simulator the same calls run over the simulated network
 * (docs/NETWORK.md; weft/sim.h): its fds are numbers above any real fd,
 * and a real fd is never touched: the calls, weft_close too, return
 * -ENOTSUP for one (one line on stderr per run says so). */
#ifndef WEFT_IO_H
#define WEFT_IO_H

#include <sys/types.h>

#include "weft/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Events of weft_fd_wait. */
#define WEFT_READABLE 0x1u
#define WEFT_WRITABLE 0x2u

/* Waits until fd is ready for one of events (a non-empty mask of
 * WEFT_READABLE and WEFT_WRITABLE) and returns the ready ones (> 0).
 * Level-triggered: returns at once if fd is ready now. Errors: -EINVAL
 * (bad events), -EBADF (not an open fd, or closed by weft_close while
 * waiting), -EBUSY (another task waits on fd in that direction),
 * -ECANCELED, -ENOMEM, -ENOTSUP (sim). An error or hang-up on fd makes it
 * ready both ways: the next read or write reports it. */
WEFT_API int weft_fd_wait(int fd, unsigned events);

/* Reads up to n bytes: the count (> 0), 0 at end of stream (the peer
 * closed), or -ECONNRESET (the peer reset), -EINVAL (n is 0: a count of
 * 0 would read as the end of the stream), -ECANCELED, -EBADF, -EBUSY,
 * -ENOTSUP, or another -errno of read(2). Never returns -EAGAIN. */
WEFT_API ssize_t weft_read(int fd, void *buf, size_t n);

/* Writes all n bytes: 0 once every byte is written; else a negative code
 * and *written (when not NULL) says how many bytes went out before it:
 * -EPIPE (the peer closed; no SIGPIPE is raised for sockets),
 * -ECONNRESET, -ECANCELED, -EBADF, -EBUSY, -ENOTSUP, or another -errno
 * of write(2). */
WEFT_API int weft_write(int fd, const void *buf, size_t n, size_t *written);

/* Closes fd: a task waiting on it wakes with -EBADF. 0 or -errno of
 * close(2). Never blocks, not a checkpoint. */
WEFT_API int weft_close(int fd);

/* A listening TCP socket on a numeric IPv4 or IPv6 address ("127.0.0.1",
 * "::1"; NULL: every IPv4 interface) and port (0: the kernel picks; see
 * weft_tcp_port), SO_REUSEADDR set; an IPv6 socket accepts IPv6 only.
 * Returns the fd, or -EINVAL (not a numeric address, bad port or
 * backlog), -EADDRINUSE, -EMFILE, -ENFILE, -ENOTSUP, another -errno.
 * Names are not resolved: resolving may block (weft_run_sync around
 * getaddrinfo does it off the loop). */
WEFT_API int weft_tcp_listen(const char *addr, int port, int backlog);

/* Waits for a connection on listening socket lfd and returns its fd
 * (non-blocking, close-on-exec, TCP_NODELAY). Errors: -EMFILE, -ENFILE
 * (out of descriptors: the pending connection stays queued; the caller
 * decides when to retry), -ECANCELED, -EBADF, -EBUSY, -ENOTSUP, another
 * -errno. A connection reset before it was accepted is skipped. */
WEFT_API int weft_tcp_accept(int lfd);

/* Connects to a numeric IPv4 or IPv6 address and port; returns the fd
 * (non-blocking, close-on-exec, TCP_NODELAY). The wait is bounded only by
 * cancellation, so by the deadline of an enclosing scope. Errors:
 * -ECONNREFUSED, -ETIMEDOUT (by the kernel), -ENETUNREACH,
 * -EHOSTUNREACH, -EINVAL (not
 * a numeric address, bad port), -EMFILE, -ENFILE, -ECANCELED, -ENOTSUP,
 * another -errno. On error no fd is left open. */
WEFT_API int weft_tcp_connect(const char *addr, int port);

/* The local port of a TCP socket (after weft_tcp_listen with port 0), or
 * -errno. */
WEFT_API int weft_tcp_port(int fd);

/* Waits for one of the n signals (SIGINT, SIGTERM, ...) and returns its
 * number. From the first call the signals are blocked on the runtime's
 * thread and read through a signalfd, so one that arrives while no task
 * waits stays pending for the next call; weft_run restores the thread's
 * signal mask when it returns. Errors: -EINVAL (n == 0, a bad signal, or
 * SIGKILL/SIGSTOP), -ECANCELED, -EBUSY, -ENOTSUP (sim), -EMFILE. */
WEFT_API int weft_signal_wait(const int *signals, size_t n);

/* The blocking calls, with the call site (weft/common.h, WEFT__AT). */
#ifndef WEFT_NO_CALL_SITES
#define weft_fd_wait(...) WEFT__AT(weft_fd_wait(__VA_ARGS__))
#define weft_read(...) WEFT__AT(weft_read(__VA_ARGS__))
#define weft_write(...) WEFT__AT(weft_write(__VA_ARGS__))
#define weft_tcp_accept(...) WEFT__AT(weft_tcp_accept(__VA_ARGS__))
#define weft_tcp_connect(...) WEFT__AT(weft_tcp_connect(__VA_ARGS__))
#define weft_signal_wait(...) WEFT__AT(weft_signal_wait(__VA_ARGS__))
#endif

#ifdef __cplusplus
}
#endif
#endif
