# docs/: the checks that keep the docs true, the weft(3) man page, and
# what makes `make install` just work (docs/INSTALL.md).
TESTS += tests/doc_refs.sh tests/doc_blocks.sh tests/cookbook.sh \
	tests/ldconfig_hook.sh
# docs/ and scripts/ hold no build products: they go in the tarball whole.
EXTRA_DIST += docs scripts tests/doc_refs.sh tests/install/prog.c \
	tests/doc_blocks.sh tests/cookbook.sh tests/ldconfig_hook.sh \
	.clang-format

# weft(3), made in the build directory: its function list comes from the
# installed headers, so it follows them.
nodist_man3_MANS = weft.3
CLEANFILES += weft.3
weft.3: $(srcdir)/docs/weft.3.in $(srcdir)/scripts/gen-man.sh \
		$(include_HEADERS) $(weftinclude_HEADERS)
	$(AM_V_GEN)\
	hs=; for h in $(include_HEADERS) $(weftinclude_HEADERS); do \
	  hs="$$hs $(srcdir)/$$h"; done; \
	$(SHELL) $(srcdir)/scripts/gen-man.sh $(srcdir)/docs/weft.3.in $$hs | \
	  sed 's/@VERSION@/$(PACKAGE_VERSION)/' > $@.tmp && mv $@.tmp $@
all-local: weft.3

# After the library is installed: ldconfig where it can run, else advice.
install-exec-hook:
	@$(SHELL) $(srcdir)/scripts/ldconfig-hook.sh '$(libdir)' '$(DESTDIR)'

# Install into a temporary directory, build tests/install/prog.c there
# with pkg-config as a user would, and run it under both backends.
installcheck-local:
	@set -e; tmp=`mktemp -d`; trap 'rm -rf "$$tmp"' EXIT; \
	$(MAKE) $(AM_MAKEFLAGS) install DESTDIR="$$tmp" >"$$tmp/log" 2>&1 || \
	  { cat "$$tmp/log"; exit 1; }; \
	export PKG_CONFIG_PATH="$$tmp$(pkgconfigdir)"; \
	export PKG_CONFIG_SYSROOT_DIR="$$tmp"; \
	flags=`$(PKG_CONFIG) --cflags --libs weft`; \
	echo "installcheck: cc prog.c $$flags"; \
	$(CC) -std=c11 -Wall -Wextra -Werror -o "$$tmp/prog" \
	  $(srcdir)/tests/install/prog.c $$flags; \
	for b in real sim; do \
	  LD_LIBRARY_PATH="$$tmp$(libdir)" WEFT_BACKEND=$$b "$$tmp/prog"; \
	done; \
	if ! out=`env -u LD_LIBRARY_PATH "$$tmp/prog" 2>&1`; then \
	  echo "$$out" | grep -q 'libweft.so.0: cannot open shared object' || \
	    { echo "installcheck: unexpected failure: $$out"; exit 1; }; \
	  echo "installcheck: without LD_LIBRARY_PATH: the error docs/INSTALL.md explains"; \
	fi; \
	test -s "$$tmp$(man3dir)/weft.3"; \
	grep -q '^int weft_run(' "$$tmp$(man3dir)/weft.3"; \
	echo "installcheck: weft(3) installed with its function list"

# The cookbook and the README example (docs/COOKBOOK.md).
include $(top_srcdir)/examples/cookbook/local.mk

# The programs the docs quote fragments of (tests/doc_blocks.sh).
include $(top_srcdir)/examples/docs/local.mk
