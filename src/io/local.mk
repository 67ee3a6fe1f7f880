# src/io/: fds, TCP and signals in tasks over the backend's watcher
# interface (issue 12; docs/IO.md).
libweftcore_la_SOURCES += src/io/io.h src/io/fd.c src/io/rw.c \
	src/io/tcp.c src/io/signal.c src/io/sock_real.c \
	src/io/sock_real.h
weftinclude_HEADERS += include/weft/io.h

check_PROGRAMS += tests/check_io
tests_check_io_SOURCES = tests/check_io.c $(TESTS_HARNESS)
tests_check_io_CFLAGS = $(TESTS_CFLAGS)
tests_check_io_LDADD = $(TESTS_LDADD)

# The echo server and timers under load: a few hundred connections and
# 10,000 timers in make check; 10,000 connections and 100,000 timers in
# make check-io-load (its output reports the timers' lateness).
check_PROGRAMS += tests/check_io_load
tests_check_io_load_SOURCES = tests/check_io_load.c \
	examples/echo_server.c examples/echo_server.h $(TESTS_HARNESS)
tests_check_io_load_CFLAGS = $(TESTS_CFLAGS)
tests_check_io_load_LDADD = $(TESTS_LDADD)

# The clients run in a forked child process: each process holds one end
# of each of the 10,000 connections, about 10,100 fds. The test raises
# its soft limit within the hard one; when the hard limit is lower it
# runs as many connections as fit (IO_LOAD_FIT), saying so (make check's
# run skips instead).
check-io-load: tests/check_io_load$(EXEEXT)
	IO_LOAD_CONNS=10000 IO_LOAD_TIMERS=100000 IO_LOAD_TIMEOUT=600 \
	  IO_LOAD_FIT=1 CK_VERBOSITY=normal ./tests/check_io_load$(EXEEXT)
.PHONY: check-io-load
