# src/io/: fds, TCP and signals in tasks over the backend's watcher
# interface (issue 12; docs/IO.md).
libweftcore_la_SOURCES += src/io/io.h src/io/fd.c src/io/rw.c \
	src/io/tcp.c src/io/signal.c
weftinclude_HEADERS += include/weft/io.h

check_PROGRAMS += tests/check_io
tests_check_io_SOURCES = tests/check_io.c $(TESTS_HARNESS)
tests_check_io_CFLAGS = $(TESTS_CFLAGS)
tests_check_io_LDADD = $(TESTS_LDADD)
