/* examples/echo_server.h: a TCP echo server over weft's I/O, shared by
 * examples/echo.c (the program), the I/O load tests and the benchmarks.
 * One task per connection, in one group that the server owns. */
#ifndef WEFT_EXAMPLES_ECHO_SERVER_H
#define WEFT_EXAMPLES_ECHO_SERVER_H

#include <weft.h>

struct echo_server {
    int lfd;
    int port;
    weft_time idle;    /* a connection silent this long is closed */
    size_t open;       /* connections being served now */
    size_t served;     /* connections accepted so far */
    size_t idle_closed; /* closed by the idle timeout */
    size_t failed;     /* ended by a reset or another error */
    size_t bytes;      /* echoed */
    bool verbose;      /* a line on stdout per accepted connection */
};

/* Listens on addr:port (port 0: any) with the idle timeout (WEFT_NEVER:
 * none). 0 or a negative code. */
int echo_listen(struct echo_server *s, const char *addr, int port,
                weft_time idle);

/* Serves until the calling task is cancelled: accepts, one task per
 * connection; then every connection is cancelled, closed and joined, and
 * the listening socket closed. 0 once shut down, or the negative code
 * of an error accept cannot go on after. */
int echo_serve(struct echo_server *s);

#endif
