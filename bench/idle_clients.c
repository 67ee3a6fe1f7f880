/* bench/idle_clients.c: see idle_clients.h. */
#define _GNU_SOURCE /* pipe2 */
#include "idle_clients.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* Room for what each process opens besides the connections. */
#define SPARE_FDS 100

size_t idle_clients_fit(size_t n) {
    struct rlimit r;
    getrlimit(RLIMIT_NOFILE, &r);
    rlim_t need = (rlim_t)(n + SPARE_FDS);
    if (need > r.rlim_max) need = r.rlim_max;
    if (r.rlim_cur < need) {
        r.rlim_cur = need;
        setrlimit(RLIMIT_NOFILE, &r);
    }
    getrlimit(RLIMIT_NOFILE, &r);
    return r.rlim_cur >= n + SPARE_FDS ? n : (size_t)r.rlim_cur - SPARE_FDS;
}

/* The child: async-signal-safe calls only (the parent may have threads).
 * Its sockets close when it exits. */
static _Noreturn void hold(int port, size_t n, int status, int release) {
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    for (size_t i = 0; i < n; i++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a)) _exit(2);
    }
    char b = 1;
    if (write(status, &b, 1) != 1) _exit(3);
    while (read(release, &b, 1) > 0) {
    }
    _exit(0);
}

int idle_clients_start(struct idle_clients *c, int port, size_t n) {
    int st[2];
    int rel[2];
    if (pipe2(st, O_CLOEXEC | O_NONBLOCK)) return -errno;
    if (pipe2(rel, O_CLOEXEC)) {
        int e = errno;
        close(st[0]);
        close(st[1]);
        return -e;
    }
    c->pid = fork();
    if (c->pid == 0) {
        close(st[0]);
        close(rel[1]);
        hold(port, n, st[1], rel[0]);
    }
    int e = errno;
    close(st[1]);
    close(rel[0]);
    c->status = st[0];
    c->release = rel[1];
    c->ready = 0;
    if (c->pid > 0) return 0;
    close(c->status);
    close(c->release);
    return -e;
}

int idle_clients_ready(struct idle_clients *c) {
    if (c->ready) return c->ready;
    char b;
    ssize_t n = read(c->status, &b, 1);
    if (n == 1) c->ready = 1;
    if (n == 0 || (n < 0 && errno != EAGAIN)) c->ready = -1;
    return c->ready;
}

int idle_clients_stop(struct idle_clients *c) {
    close(c->release);
    close(c->status);
    int ws;
    pid_t p;
    while ((p = waitpid(c->pid, &ws, 0)) < 0 && errno == EINTR) {
    }
    int ok = p == c->pid && WIFEXITED(ws) && WEXITSTATUS(ws) == 0;
    return c->ready == 1 && ok ? 0 : -EIO;
}
