# examples/guide/: the programs docs/TESTING-YOUR-PROGRAM.md tests (bank:
# a race; flaky: reads the real clock), each built as is and with -DFIXED;
# tests/guide.sh runs the guide's commands on them. -no-install: real
# binaries, not libtool wrappers, for weft-explore to run.
noinst_PROGRAMS += examples/guide/bank examples/guide/bank_fixed
examples_guide_bank_SOURCES = examples/guide/bank.c
examples_guide_bank_CFLAGS = $(EXAMPLE_CFLAGS)
examples_guide_bank_LDADD = libweft.la
examples_guide_bank_LDFLAGS = -no-install
examples_guide_bank_fixed_SOURCES = examples/guide/bank.c
examples_guide_bank_fixed_CPPFLAGS = $(AM_CPPFLAGS) -DFIXED
examples_guide_bank_fixed_CFLAGS = $(EXAMPLE_CFLAGS)
examples_guide_bank_fixed_LDADD = libweft.la
examples_guide_bank_fixed_LDFLAGS = -no-install
TESTS += tests/guide.sh
EXTRA_DIST += tests/guide.sh examples/guide/explore.sh
noinst_PROGRAMS += examples/guide/flaky examples/guide/flaky_fixed
examples_guide_flaky_SOURCES = examples/guide/flaky.c
examples_guide_flaky_CFLAGS = $(EXAMPLE_CFLAGS)
examples_guide_flaky_LDADD = libweft.la
examples_guide_flaky_LDFLAGS = -no-install
examples_guide_flaky_fixed_SOURCES = examples/guide/flaky.c
examples_guide_flaky_fixed_CPPFLAGS = $(AM_CPPFLAGS) -DFIXED
examples_guide_flaky_fixed_CFLAGS = $(EXAMPLE_CFLAGS)
examples_guide_flaky_fixed_LDADD = libweft.la
examples_guide_flaky_fixed_LDFLAGS = -no-install
