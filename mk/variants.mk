# mk/variants.mk: the test suites built and run other ways, each in a
# build directory of its own under this one (docs/TESTING.md). None is
# part of `make check`.
#   make check-asan       AddressSanitizer + UndefinedBehaviorSanitizer
#   make check-valgrind   every test program under valgrind memcheck
#   make check-aarch64    cross-built for arm64, run under qemu-aarch64
#   make check-ucontext   the portable ucontext context switch
#   make check-variants   all four
#   make soak             the soak (tests/soak/) under ASan + UBSan for
#                         SOAK_SECONDS (600), SOAK_JOBS (2) children at once;
#                         SOAK_ARGS adds options (--seeds A..B, --features)
VARIANTS = asan valgrind aarch64 ucontext
VARIANT_CHECKS = $(VARIANTS:%=check-%)

$(VARIANT_CHECKS):
	+@MAKE="$(MAKE)" $(SHELL) $(abs_top_srcdir)/scripts/check-variant.sh \
	  $(@:check-%=%) $(abs_top_srcdir) $(abs_top_builddir)/build-$(@:check-%=%) \
	  '$(check_PROGRAMS)'

check-variants: $(VARIANT_CHECKS)

SOAK_SECONDS = 600
SOAK_JOBS = 2
SOAK_ARGS =
soak:
	+@VARIANT_RUN="tests/soak/soak --time-limit $(SOAK_SECONDS) \
	  -j $(SOAK_JOBS) $(SOAK_ARGS)" MAKE="$(MAKE)" \
	  $(SHELL) $(abs_top_srcdir)/scripts/check-variant.sh asan \
	  $(abs_top_srcdir) $(abs_top_builddir)/build-asan tests/soak/soak

clean-variants:
	-rm -rf $(VARIANTS:%=$(abs_top_builddir)/build-%) \
	  $(VARIANTS:%=$(abs_top_builddir)/build-%.src)

EXTRA_DIST += scripts/check-variant.sh docs/TESTING.md
.PHONY: $(VARIANT_CHECKS) check-variants clean-variants soak
