# patterns, thread offload and leak tracking (issue 4).
libweftcore_la_SOURCES += src/patterns/patterns.h src/patterns/gather.c \
	src/patterns/race.c src/patterns/bounded_map.c src/patterns/retry.c \
	src/patterns/completions.c src/thread.c src/thread.h
weftinclude_HEADERS += include/weft/patterns.h include/weft/thread.h \
	include/weft/leak.h

check_PROGRAMS += tests/check_patterns tests/check_thread tests/check_leak
tests_check_patterns_SOURCES = tests/check_patterns.c tests/oom.c tests/oom.h $(TESTS_HARNESS)
tests_check_patterns_CFLAGS = $(TESTS_CFLAGS)
tests_check_patterns_LDADD = $(TESTS_LDADD)
tests_check_thread_SOURCES = tests/check_thread.c tests/oom.c tests/oom.h $(TESTS_HARNESS)
tests_check_thread_CFLAGS = $(TESTS_CFLAGS)
tests_check_thread_LDADD = $(TESTS_LDADD)
tests_check_leak_SOURCES = tests/check_leak.c tests/oom.c tests/oom.h $(TESTS_HARNESS)
tests_check_leak_CFLAGS = $(TESTS_CFLAGS)
tests_check_leak_LDADD = $(TESTS_LDADD)
