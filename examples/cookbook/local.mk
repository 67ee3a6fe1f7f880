# examples/cookbook/: the programs docs/COOKBOOK.md quotes, built with
# -Wall -Wextra -Werror and run by tests/cookbook.sh under both backends;
# tests/doc_blocks.sh checks the quotes match the files.
COOKBOOK_PROGS = examples/cookbook/timeout examples/cookbook/worker_pool \
	examples/cookbook/pipeline examples/cookbook/retry \
	examples/cookbook/shutdown examples/readme
noinst_PROGRAMS += $(COOKBOOK_PROGS)
examples_cookbook_timeout_CFLAGS = $(EXAMPLE_CFLAGS)
examples_cookbook_timeout_LDADD = libweft.la
examples_cookbook_worker_pool_CFLAGS = $(EXAMPLE_CFLAGS)
examples_cookbook_worker_pool_LDADD = libweft.la
examples_cookbook_pipeline_CFLAGS = $(EXAMPLE_CFLAGS)
examples_cookbook_pipeline_LDADD = libweft.la
examples_cookbook_retry_CFLAGS = $(EXAMPLE_CFLAGS)
examples_cookbook_retry_LDADD = libweft.la
examples_cookbook_shutdown_CFLAGS = $(EXAMPLE_CFLAGS)
examples_cookbook_shutdown_LDADD = libweft.la
examples_readme_CFLAGS = $(EXAMPLE_CFLAGS)
examples_readme_LDADD = libweft.la
