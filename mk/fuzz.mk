# make fuzz-scenarios: libFuzzer searches the scenarios' schedules
# through the bytes strategy (bench/fuzz.sh, docs/FUZZING.md). Not part
# of make check: it needs clang (Debian clang, libclang-rt-dev) and runs
# for up to a few minutes. make fuzz-measure prints the table of
# docs/EXPLORATION.md.
fuzz-scenarios: all
	@top_srcdir=$(top_srcdir) $(top_srcdir)/bench/fuzz.sh check
fuzz-measure: all
	@top_srcdir=$(top_srcdir) $(top_srcdir)/bench/fuzz.sh measure
fuzz-afl: all
	@top_srcdir=$(top_srcdir) $(top_srcdir)/bench/fuzz.sh afl
.PHONY: fuzz-scenarios fuzz-measure fuzz-afl
EXTRA_DIST += bench/fuzz.sh
