# mk/variants.mk: the test suites built and run other ways, each in a
# build directory of its own under this one (docs/TESTING.md). None is
# part of `make check`.
#   make check-asan       AddressSanitizer + UndefinedBehaviorSanitizer
#   make check-valgrind   every test program under valgrind memcheck
#   make check-aarch64    cross-built for arm64, run under qemu-aarch64
#   make check-ucontext   the portable ucontext context switch
#   make check-variants   all four
VARIANTS = asan valgrind aarch64 ucontext
VARIANT_CHECKS = $(VARIANTS:%=check-%)

$(VARIANT_CHECKS):
	+@MAKE="$(MAKE)" $(SHELL) $(abs_top_srcdir)/scripts/check-variant.sh \
	  $(@:check-%=%) $(abs_top_srcdir) $(abs_top_builddir)/build-$(@:check-%=%) \
	  '$(check_PROGRAMS)'

check-variants: $(VARIANT_CHECKS)

clean-variants:
	-rm -rf $(VARIANTS:%=$(abs_top_builddir)/build-%) \
	  $(VARIANTS:%=$(abs_top_builddir)/build-%.src)

EXTRA_DIST += scripts/check-variant.sh docs/TESTING.md
.PHONY: $(VARIANT_CHECKS) check-variants clean-variants
