# examples/: small programs for the README and docs/GUIDE.md; each is run
# by tests/examples.sh under both backends.
noinst_PROGRAMS += examples/racy examples/groups examples/timeouts \
	examples/start
examples_racy_LDADD = libweft.la
examples_groups_LDADD = libweft.la
examples_timeouts_LDADD = libweft.la
examples_start_LDADD = libweft.la
# -no-install: a real binary, not a libtool wrapper script, so that
# weft-explore runs it at the cost of one exec.
examples_racy_LDFLAGS = -no-install

# The echo server (issue 12): its server part is shared with the I/O
# load tests and the benchmarks.
noinst_PROGRAMS += examples/echo
examples_echo_SOURCES = examples/echo.c examples/echo_server.c \
	examples/echo_server.h
examples_echo_LDADD = libweft.la
# The documented examples (examples/guide, cookbook, docs) build with
# warnings as errors, so a doc cannot quote code that warns.
EXAMPLE_CFLAGS = $(AM_CFLAGS) -Wall -Wextra -Werror
include examples/guide/local.mk
