/* bench/idle_clients.h: the client ends of the idle-connection rows
 * (bench/io.c, bench/uv_baseline.c), held by a forked child process, so
 * that the measured process holds only the server's end of each
 * connection: its RSS is the server's, and each process needs one fd per
 * connection (10,000 fit under a hard limit of 20,000). */
#ifndef WEFT_BENCH_IDLE_CLIENTS_H
#define WEFT_BENCH_IDLE_CLIENTS_H

#include <stddef.h>
#include <sys/types.h>

struct idle_clients {
    pid_t pid;
    int status; /* read end: a byte once all are connected; EOF: failed */
    int release; /* write end: closing it lets the child close and exit */
    int ready;  /* 1 once the byte came, -1 at EOF, else 0 */
};

/* Raises the soft fd limit within the hard one for n connections (one
 * end each) and returns how many fit: n, or fewer. */
size_t idle_clients_fit(size_t n);

/* Forks a child that connects n TCP sockets to 127.0.0.1:port, blocking,
 * and holds them open. Only system calls run in the child, so the
 * parent may be any program, a weft task included. 0 or -errno. */
int idle_clients_start(struct idle_clients *c, int port, size_t n);

/* Without blocking: 1 once the child connected all n, -1 if it failed,
 * 0 while it is still connecting. */
int idle_clients_ready(struct idle_clients *c);

/* Lets the child close its sockets and exit, and waits for it: 0 when it
 * had connected all n and exited cleanly, else -EIO. */
int idle_clients_stop(struct idle_clients *c);

#endif
