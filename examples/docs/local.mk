# examples/docs/: the programs whose parts docs/*.md quote as fragments
# (`<!-- fragment of: PATH -->`, checked by tests/doc_blocks.sh), built
# with -Wall -Wextra -Werror and run by tests/doc_examples.sh, each
# returning non-zero when what its page says does not happen.
DOCS_EX_PROGS = examples/docs/guide examples/docs/sync \
	examples/docs/patterns examples/docs/io examples/docs/exploration \
	examples/docs/fuzzing examples/docs/tracing
noinst_PROGRAMS += $(DOCS_EX_PROGS)
examples_docs_sync_CFLAGS = $(EXAMPLE_CFLAGS)
examples_docs_sync_LDADD = libweft.la
examples_docs_guide_CFLAGS = $(EXAMPLE_CFLAGS)
examples_docs_guide_LDADD = libweft.la
examples_docs_patterns_CFLAGS = $(EXAMPLE_CFLAGS)
examples_docs_patterns_LDADD = libweft.la
examples_docs_io_CFLAGS = $(EXAMPLE_CFLAGS)
examples_docs_io_LDADD = libweft.la
examples_docs_exploration_CFLAGS = $(EXAMPLE_CFLAGS)
examples_docs_exploration_LDADD = libweft.la
examples_docs_fuzzing_CFLAGS = $(EXAMPLE_CFLAGS)
examples_docs_fuzzing_LDADD = libweft.la
examples_docs_tracing_CFLAGS = $(EXAMPLE_CFLAGS)
examples_docs_tracing_LDADD = libweft.la
TESTS += tests/doc_examples.sh
EXTRA_DIST += tests/doc_examples.sh
