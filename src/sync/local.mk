# src/sync/: synchronisation primitives and queues (issue 3).
libweftcore_la_SOURCES += src/sync/sync.h src/sync/sync.c \
	src/sync/lock.c src/sync/sem.c src/sync/limiter.c src/sync/event.c \
	src/sync/cond.c src/sync/channel.h src/sync/channel.c \
	src/sync/queue.c src/sync/pqueue.c
weftinclude_HEADERS += include/weft/sync.h include/weft/queue.h

# Suites sync and queue, each split by job over four programs (the
# basics; cancel, timeout and fairness; the 10,000-seed property; misuse,
# oom and regress), all on tests/sync_test.[ch] (leak-checked bodies,
# misuse in a child process); the queue programs also share the two
# kinds of queue behind one face (tests/queue_test.[ch]).
SYNC_TEST_HARNESS = $(TESTS_HARNESS) tests/sync_test.c tests/sync_test.h
QUEUE_TEST_HARNESS = $(SYNC_TEST_HARNESS) tests/queue_test.c \
	tests/queue_test.h

check_PROGRAMS += tests/check_sync
tests_check_sync_SOURCES = tests/check_sync.c $(SYNC_TEST_HARNESS)
tests_check_sync_CFLAGS = $(TESTS_CFLAGS)
tests_check_sync_LDADD = $(TESTS_LDADD)

check_PROGRAMS += tests/check_sync_waits
tests_check_sync_waits_SOURCES = tests/check_sync_waits.c $(SYNC_TEST_HARNESS)
tests_check_sync_waits_CFLAGS = $(TESTS_CFLAGS)
tests_check_sync_waits_LDADD = $(TESTS_LDADD)

check_PROGRAMS += tests/check_sync_property
tests_check_sync_property_SOURCES = tests/check_sync_property.c \
	$(SYNC_TEST_HARNESS)
tests_check_sync_property_CFLAGS = $(TESTS_CFLAGS)
tests_check_sync_property_LDADD = $(TESTS_LDADD)

check_PROGRAMS += tests/check_sync_misuse
tests_check_sync_misuse_SOURCES = tests/check_sync_misuse.c \
	$(TESTS_OOM) $(SYNC_TEST_HARNESS)
tests_check_sync_misuse_CFLAGS = $(TESTS_CFLAGS)
tests_check_sync_misuse_LDADD = $(TESTS_LDADD)

check_PROGRAMS += tests/check_queue
tests_check_queue_SOURCES = tests/check_queue.c $(QUEUE_TEST_HARNESS)
tests_check_queue_CFLAGS = $(TESTS_CFLAGS)
tests_check_queue_LDADD = $(TESTS_LDADD)

check_PROGRAMS += tests/check_queue_waits
tests_check_queue_waits_SOURCES = tests/check_queue_waits.c \
	$(QUEUE_TEST_HARNESS)
tests_check_queue_waits_CFLAGS = $(TESTS_CFLAGS)
tests_check_queue_waits_LDADD = $(TESTS_LDADD)

check_PROGRAMS += tests/check_queue_property
tests_check_queue_property_SOURCES = tests/check_queue_property.c \
	$(QUEUE_TEST_HARNESS)
tests_check_queue_property_CFLAGS = $(TESTS_CFLAGS)
tests_check_queue_property_LDADD = $(TESTS_LDADD)

check_PROGRAMS += tests/check_queue_misuse
tests_check_queue_misuse_SOURCES = tests/check_queue_misuse.c \
	$(TESTS_OOM) $(QUEUE_TEST_HARNESS)
tests_check_queue_misuse_CFLAGS = $(TESTS_CFLAGS)
tests_check_queue_misuse_LDADD = $(TESTS_LDADD)
