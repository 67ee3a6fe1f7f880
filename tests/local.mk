# tests/: one Check suite per area, tests/check_<area>.c.
TESTS_LDADD = libweftcore.la $(CHECK_LIBS)
TESTS_CFLAGS = $(WEFT_CFLAGS) $(CHECK_CFLAGS)
TESTS_HARNESS = tests/harness.c tests/harness.h

check_PROGRAMS += tests/check_task
tests_check_task_SOURCES = tests/check_task.c $(TESTS_HARNESS)
tests_check_task_CFLAGS = $(TESTS_CFLAGS)
tests_check_task_LDADD = $(TESTS_LDADD)

check_PROGRAMS += tests/check_cancel
tests_check_cancel_SOURCES = tests/check_cancel.c $(TESTS_HARNESS)
tests_check_cancel_CFLAGS = $(TESTS_CFLAGS)
tests_check_cancel_LDADD = $(TESTS_LDADD)

check_PROGRAMS += tests/check_runtime
tests_check_runtime_SOURCES = tests/check_runtime.c $(TESTS_HARNESS)
tests_check_runtime_CFLAGS = $(TESTS_CFLAGS)
tests_check_runtime_LDADD = $(TESTS_LDADD)

check_PROGRAMS += tests/check_timer
tests_check_timer_SOURCES = tests/check_timer.c $(TESTS_HARNESS)
tests_check_timer_CFLAGS = $(TESTS_CFLAGS)
tests_check_timer_LDADD = $(TESTS_LDADD)
