# src/sync/: synchronisation primitives and queues (issue 3).
libweftcore_la_SOURCES += src/sync/sync.h src/sync/sync.c \
	src/sync/lock.c src/sync/sem.c src/sync/limiter.c src/sync/event.c \
	src/sync/cond.c src/sync/queue.c src/sync/pqueue.c
weftinclude_HEADERS += include/weft/sync.h include/weft/queue.h

# Both suites share tests/sync_test.[ch] (leak-checked bodies, misuse in
# a child process, the failing allocator) on top of the harness.
SYNC_TEST_HARNESS = $(TESTS_HARNESS) tests/sync_test.c tests/sync_test.h
check_PROGRAMS += tests/check_sync tests/check_queue
tests_check_sync_SOURCES = tests/check_sync.c $(SYNC_TEST_HARNESS)
tests_check_sync_CFLAGS = $(TESTS_CFLAGS)
tests_check_sync_LDADD = $(TESTS_LDADD)
tests_check_queue_SOURCES = tests/check_queue.c $(SYNC_TEST_HARNESS)
tests_check_queue_CFLAGS = $(TESTS_CFLAGS)
tests_check_queue_LDADD = $(TESTS_LDADD)
