# patterns, thread offload and leak tracking (issue 4).
libweftcore_la_SOURCES += src/patterns/patterns.h src/patterns/gather.c \
	src/patterns/race.c src/patterns/bounded_map.c src/patterns/retry.c \
	src/patterns/completions.c src/thread.c src/thread.h
weftinclude_HEADERS += include/weft/patterns.h include/weft/thread.h \
	include/weft/leak.h

# The patterns suite is four programs, one job each: gather, race and
# bounded_map; retry; the completion stream; misuse and oom (the one
# with the allocation failure interposer). Their main is in
# tests/patterns_test.c, which runs them all as Suite "patterns".
TESTS_PATTERNS = tests/patterns_test.c tests/patterns_test.h $(TESTS_HARNESS)
check_PROGRAMS += tests/check_patterns tests/check_patterns_retry \
	tests/check_patterns_stream tests/check_patterns_misuse \
	tests/check_thread tests/check_leak tests/check_leak_stack
tests_check_patterns_SOURCES = tests/check_patterns.c $(TESTS_PATTERNS)
tests_check_patterns_CFLAGS = $(TESTS_CFLAGS)
tests_check_patterns_LDADD = $(TESTS_LDADD)
tests_check_patterns_retry_SOURCES = tests/check_patterns_retry.c $(TESTS_PATTERNS)
tests_check_patterns_retry_CFLAGS = $(TESTS_CFLAGS)
tests_check_patterns_retry_LDADD = $(TESTS_LDADD)
tests_check_patterns_stream_SOURCES = tests/check_patterns_stream.c $(TESTS_PATTERNS)
tests_check_patterns_stream_CFLAGS = $(TESTS_CFLAGS)
tests_check_patterns_stream_LDADD = $(TESTS_LDADD)
tests_check_patterns_misuse_SOURCES = tests/check_patterns_misuse.c tests/oom.c tests/oom.h $(TESTS_PATTERNS)
tests_check_patterns_misuse_CFLAGS = $(TESTS_CFLAGS)
tests_check_patterns_misuse_LDADD = $(TESTS_LDADD)
tests_check_thread_SOURCES = tests/check_thread.c tests/oom.c tests/oom.h $(TESTS_HARNESS)
tests_check_thread_CFLAGS = $(TESTS_CFLAGS)
tests_check_thread_LDADD = $(TESTS_LDADD)
TESTS_LEAK = tests/leak_test.c tests/leak_test.h $(TESTS_HARNESS)
tests_check_leak_SOURCES = tests/check_leak.c tests/oom.c tests/oom.h $(TESTS_LEAK)
tests_check_leak_CFLAGS = $(TESTS_CFLAGS)
tests_check_leak_LDADD = $(TESTS_LDADD)
tests_check_leak_stack_SOURCES = tests/check_leak_stack.c $(TESTS_LEAK)
tests_check_leak_stack_CFLAGS = $(TESTS_CFLAGS)
tests_check_leak_stack_LDADD = $(TESTS_LDADD)
