# tests/: one Check suite per area, tests/check_<area>.c.
TESTS_LDADD = libweftcore.la $(CHECK_LIBS)
TESTS_CFLAGS = $(WEFT_CFLAGS) $(CHECK_CFLAGS)
TESTS_HARNESS = tests/harness.c tests/harness.h
# The one malloc interposer (allocation failure injection): only the
# programs with oom cases link it.
TESTS_OOM = tests/oom.c tests/oom.h

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

check_PROGRAMS += tests/check_config
tests_check_config_SOURCES = tests/check_config.c $(TESTS_HARNESS)
tests_check_config_CFLAGS = $(TESTS_CFLAGS)
tests_check_config_LDADD = $(TESTS_LDADD)

check_PROGRAMS += tests/check_timer
tests_check_timer_SOURCES = tests/check_timer.c $(TESTS_OOM) $(TESTS_HARNESS)
tests_check_timer_CFLAGS = $(TESTS_CFLAGS)
tests_check_timer_LDADD = $(TESTS_LDADD)

check_PROGRAMS += tests/check_stack
tests_check_stack_SOURCES = tests/check_stack.c $(TESTS_HARNESS)
tests_check_stack_CFLAGS = $(TESTS_CFLAGS)
tests_check_stack_LDADD = $(TESTS_LDADD)

# Every public header compiles on its own, as C11 and as C++.
check-local: check-headers
check-headers:
	@for h in $(include_HEADERS) $(weftinclude_HEADERS); do \
	  inc="#include <$${h#include/}>"; \
	  echo "$$inc" | $(CC) -std=c11 -pedantic -Wall -Wextra -Werror \
	    -I$(top_srcdir)/include -x c -fsyntax-only - || exit 1; \
	  echo "$$inc" | $(CXX) -std=c++11 -Wall -Wextra -Werror \
	    -I$(top_srcdir)/include -x c++ -fsyntax-only - || exit 1; \
	done; echo "headers: each compiles alone as C11 and C++"
.PHONY: check-headers

TESTS += tests/examples.sh
AM_TESTS_ENVIRONMENT = top_builddir=$(top_builddir); export top_builddir;
EXTRA_DIST += tests/examples.sh

check_PROGRAMS += tests/check_oom
tests_check_oom_SOURCES = tests/check_oom.c $(TESTS_OOM) $(TESTS_HARNESS)
tests_check_oom_CFLAGS = $(TESTS_CFLAGS)
tests_check_oom_LDADD = $(TESTS_LDADD)

check_PROGRAMS += tests/check_explore
tests_check_explore_SOURCES = tests/check_explore.c tests/lost_update.c \
	tests/lost_update.h $(TESTS_HARNESS)
tests_check_explore_CFLAGS = $(TESTS_CFLAGS)
tests_check_explore_LDADD = $(TESTS_LDADD)
TESTS += tests/explore_cli.sh
# A program the explorer must call nondeterministic by its traces alone.
noinst_PROGRAMS += tests/nondet_trace
tests_nondet_trace_SOURCES = tests/nondet_trace.c
tests_nondet_trace_LDADD = libweft.la
EXTRA_DIST += tests/explore_cli.sh

# The soak (docs/TESTING.md): random programs over the whole API, one per
# sim seed. Without arguments it runs seeds 1..300, as part of make check;
# `make soak` runs it longer under ASan (mk/variants.mk).
check_PROGRAMS += tests/soak/soak
tests_soak_soak_SOURCES = tests/soak/soak.h tests/soak/driver.c \
	tests/soak/plan.c tests/soak/run.c tests/soak/wl_tasks.c \
	tests/soak/wl_sync.c tests/soak/wl_queue.c tests/soak/wl_patterns.c
tests_soak_soak_CFLAGS = $(WEFT_CFLAGS)
tests_soak_soak_LDADD = libweftcore.la

check_PROGRAMS += tests/check_slow
tests_check_slow_SOURCES = tests/check_slow.c $(TESTS_HARNESS)
tests_check_slow_CFLAGS = $(TESTS_CFLAGS)
tests_check_slow_LDADD = $(TESTS_LDADD)

# WEFT_BUGGIFY and WEFT_COVER; the CI options of weft-explore.
check_PROGRAMS += tests/check_buggify
tests_check_buggify_SOURCES = tests/check_buggify.c tests/buggify_nosim.c \
	$(TESTS_HARNESS)
tests_check_buggify_CFLAGS = $(TESTS_CFLAGS)
tests_check_buggify_LDADD = $(TESTS_LDADD)
noinst_PROGRAMS += tests/ci_prog
tests_ci_prog_SOURCES = tests/ci_prog.c
tests_ci_prog_LDADD = libweftcore.la
TESTS += tests/explore_ci.sh
EXTRA_DIST += tests/explore_ci.sh

# The bytes strategy and the fuzz target's body (weft/fuzz.h).
check_PROGRAMS += tests/check_fuzz
tests_check_fuzz_SOURCES = tests/check_fuzz.c tests/lost_update.c \
	tests/lost_update.h $(TESTS_HARNESS)
tests_check_fuzz_CFLAGS = $(TESTS_CFLAGS)
tests_check_fuzz_LDADD = $(TESTS_LDADD)

# The simulated network (docs/NETWORK.md): loopback for the implicit
# host, hosts and faults, bad input.
check_PROGRAMS += tests/check_simnet
tests_check_simnet_SOURCES = tests/check_simnet.c \
	examples/echo_server.c examples/echo_server.h $(TESTS_HARNESS)
tests_check_simnet_CFLAGS = $(TESTS_CFLAGS)
tests_check_simnet_LDADD = $(TESTS_LDADD)

check_PROGRAMS += tests/check_simnet_hosts
tests_check_simnet_hosts_SOURCES = tests/check_simnet_hosts.c $(TESTS_HARNESS)
tests_check_simnet_hosts_CFLAGS = $(TESTS_CFLAGS)
tests_check_simnet_hosts_LDADD = $(TESTS_LDADD)

check_PROGRAMS += tests/check_simnet_faults
tests_check_simnet_faults_SOURCES = tests/check_simnet_faults.c \
	$(TESTS_HARNESS)
tests_check_simnet_faults_CFLAGS = $(TESTS_CFLAGS)
tests_check_simnet_faults_LDADD = $(TESTS_LDADD)
