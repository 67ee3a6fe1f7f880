# trace/: the trace reader and the weft-trace program (issue 9); the
# recorder itself is in the library (src/trace.c). Pictures go through
# Graphviz's libraries when configure found them (HAVE_GRAPHVIZ).
TRACE_READER = trace/reader.c trace/reader.h trace/model.c trace/model.h \
	src/idmap.c src/idmap.h src/trace_format.h
bin_PROGRAMS += trace/weft-trace
trace_weft_trace_SOURCES = trace/weft-trace.c trace/views.h trace/dump.c \
	trace/diff.c trace/chrome.c trace/render.c trace/tasks.c \
	trace/waits.c trace/timeline.c trace/net.c $(TRACE_READER)
trace_weft_trace_CFLAGS = $(WEFT_CFLAGS) $(GRAPHVIZ_CFLAGS)
trace_weft_trace_LDADD = $(GRAPHVIZ_LIBS)
dist_man_MANS = trace/weft-trace.1

# Tests: recorder and reader (tests/check_trace.c), the bad-file corpus
# (tests/trace-corpus/, replayed by the same suite), and every view on a
# few programs (tests/trace-views.sh, XML and JSON checked by python3).
check_PROGRAMS += tests/check_trace
noinst_PROGRAMS += tests/trace_programs
tests_check_trace_SOURCES = tests/check_trace.c $(TRACE_READER) \
	$(TESTS_HARNESS)
tests_check_trace_CFLAGS = $(TESTS_CFLAGS) -iquote $(top_srcdir)/trace \
	$(GRAPHVIZ_CFLAGS) \
	-DCORPUS_DIR='"$(abs_top_srcdir)/tests/trace-corpus"' \
	-DWEFT_TRACE_BIN='"$(abs_top_builddir)/trace/weft-trace"'
tests_check_trace_LDADD = $(TESTS_LDADD) $(GRAPHVIZ_LIBS)
tests_trace_programs_SOURCES = tests/trace_programs.c
tests_trace_programs_LDADD = libweft.la
TESTS += tests/trace-views.sh
EXTRA_DIST += tests/trace-views.sh tests/trace-corpus

# The reader under libFuzzer (clang -fsanitize=fuzzer, Debian clang and
# libclang-rt-dev); not part of make check. FUZZ_SECONDS bounds the run.
FUZZ_SECONDS = 60
fuzz: trace/fuzz_reader
	@mkdir -p trace/fuzz-work
	cp $(srcdir)/tests/trace-corpus/* trace/fuzz-work/ 2>/dev/null || true
	./trace/fuzz_reader -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	  trace/fuzz-work
trace/fuzz_reader: $(srcdir)/trace/fuzz_reader.c $(srcdir)/trace/reader.c \
	  $(srcdir)/trace/reader.h
	@command -v clang >/dev/null || { echo "make fuzz needs clang and" \
	  "libclang-rt-dev (apt-get install clang libclang-rt-dev)"; exit 1; }
	clang -g -O1 -fsanitize=fuzzer,address,undefined -I$(top_builddir) \
	  -iquote $(srcdir)/src -iquote $(srcdir)/trace -o $@ \
	  $(srcdir)/trace/fuzz_reader.c $(srcdir)/trace/reader.c
CLEANFILES += trace/fuzz_reader
EXTRA_DIST += trace/fuzz_reader.c
.PHONY: fuzz

# The cost of recording (make bench; bench/run.sh runs it last).
EXTRA_PROGRAMS += bench/trace
bench_trace_SOURCES = bench/trace.c $(BENCH_HARNESS) $(TRACE_READER)
bench_trace_CFLAGS = $(BENCH_CFLAGS) -iquote $(top_srcdir)/trace
bench_trace_LDADD = libweft.la
bench_trace_LDFLAGS = -no-install
