# bench/: benchmarks, run by `make bench` (never by make check). The
# programs are EXTRA_PROGRAMS, built only for `make bench`, with -O2. Each
# prints rows of one table through bench/harness.c; bench/run.sh runs them
# with the Python (AnyIO, trio), libuv and Boost.Context baselines.
# docs/PERFORMANCE.md records a run. A later benchmark: add its program to
# BENCH_PROGS, with its _SOURCES, and a line to bench/run.sh.
BENCH_CFLAGS = $(WEFT_CFLAGS) -O2
BENCH_HARNESS = bench/harness.c bench/harness.h bench/workloads.c \
	bench/workloads.h
BENCH_PROGS = bench/tasks bench/sync bench/ctx bench/memory bench/io \
	bench/explore_runs bench/net
EXTRA_PROGRAMS = $(BENCH_PROGS)

# Built by `make bench`, not run by it: one hot path at a time, for
# callgrind's instruction counts and for timings taken in turns with
# another build (docs/PERFORMANCE.md, "Per machine type").
EXTRA_PROGRAMS += bench/hot_ops
bench_hot_ops_SOURCES = bench/hot_ops.c
bench_hot_ops_CFLAGS = $(BENCH_CFLAGS)
bench_hot_ops_LDADD = libweft.la
bench_hot_ops_LDFLAGS = -no-install

# Through the public API and the shared library, as an application uses it.
bench_tasks_SOURCES = bench/tasks.c $(BENCH_HARNESS)
bench_tasks_CFLAGS = $(BENCH_CFLAGS)
bench_tasks_LDADD = libweft.la
bench_tasks_LDFLAGS = -no-install

bench_sync_SOURCES = bench/sync.c $(BENCH_HARNESS)
bench_sync_CFLAGS = $(BENCH_CFLAGS)
bench_sync_LDADD = libweft.la
bench_sync_LDFLAGS = -no-install

bench_io_SOURCES = bench/io.c bench/idle_clients.c bench/idle_clients.h \
	examples/echo_server.c examples/echo_server.h $(BENCH_HARNESS)
bench_io_CFLAGS = $(BENCH_CFLAGS)
bench_io_LDADD = libweft.la
bench_io_LDFLAGS = -no-install

bench_net_SOURCES = bench/net.c $(BENCH_HARNESS)
bench_net_CFLAGS = $(BENCH_CFLAGS)
bench_net_LDADD = libweft.la
bench_net_LDFLAGS = -no-install

bench_memory_SOURCES = bench/memory.c $(BENCH_HARNESS)
bench_memory_CFLAGS = $(BENCH_CFLAGS)
bench_memory_LDADD = libweft.la
bench_memory_LDFLAGS = -no-install

# The context switch alone: weft__ctx_switch from the internal archive,
# and src/ctx/ucontext.c compiled a second time, renamed, with
# WEFT_CTX_UCONTEXT forced on (bench/uctx/config.h, found first).
EXTRA_LIBRARIES = bench/libbenchuctx.a
bench_libbenchuctx_a_SOURCES = bench/ctx_ucontext.c bench/ctx_ucontext.h
bench_libbenchuctx_a_CPPFLAGS = -iquote $(srcdir)/bench/uctx $(AM_CPPFLAGS)
bench_libbenchuctx_a_CFLAGS = $(BENCH_CFLAGS)
bench_ctx_SOURCES = bench/ctx.c $(BENCH_HARNESS)
bench_ctx_CFLAGS = $(BENCH_CFLAGS)
bench_ctx_LDADD = bench/libbenchuctx.a libweftcore.la
bench_ctx_LDFLAGS = -no-install

# libuv is optional (configure does not look for it): built when
# pkg-config finds it, else make bench says what to install.
bench/uv_baseline$(EXEEXT): bench/uv_baseline.c bench/idle_clients.c \
	  bench/idle_clients.h $(BENCH_HARNESS)
	$(AM_V_CCLD)$(MKDIR_P) bench && $(CC) $(BENCH_CFLAGS) $(CFLAGS) \
	  -I$(srcdir)/bench `$(PKG_CONFIG) --cflags libuv` -o $@ \
	  $(srcdir)/bench/uv_baseline.c $(srcdir)/bench/idle_clients.c \
	  $(srcdir)/bench/harness.c `$(PKG_CONFIG) --libs libuv`

bench-uv:
	@if $(PKG_CONFIG) --exists libuv 2>/dev/null; then \
	  $(MAKE) $(AM_MAKEFLAGS) bench/uv_baseline$(EXEEXT); \
	else \
	  rm -f bench/uv_baseline$(EXEEXT); \
	  echo "bench: libuv not found, its baseline is skipped" \
	    "(apt-get install libuv1-dev pkg-config)"; \
	fi

# Boost.Context is optional too: built when the compiler finds
# libboost_context (gcc -print-file-name answers a bare name otherwise).
bench/boost_baseline$(EXEEXT): bench/boost_baseline.c $(BENCH_HARNESS)
	$(AM_V_CCLD)$(MKDIR_P) bench && $(CC) $(BENCH_CFLAGS) $(CFLAGS) \
	  -I$(srcdir)/bench -o $@ $(srcdir)/bench/boost_baseline.c \
	  $(srcdir)/bench/harness.c -lboost_context

bench-boost:
	@case `$(CC) -print-file-name=libboost_context.so` in \
	  */*) $(MAKE) $(AM_MAKEFLAGS) bench/boost_baseline$(EXEEXT) ;; \
	  *) rm -f bench/boost_baseline$(EXEEXT); \
	     echo "bench: Boost.Context not found, its baseline is skipped" \
	       "(apt-get install libboost-context-dev)" ;; \
	esac

# spawn+join as a program outside the tree measures it: the library
# installed (DESTDIR) into a temporary directory, bench/ext/installed.c
# built with the bench's flags and only what pkg-config says.
bench-installed:
	@tmp=`mktemp -d` && trap 'rm -rf "$$tmp"' EXIT && \
	  { $(MAKE) $(AM_MAKEFLAGS) install DESTDIR="$$tmp" >"$$tmp/log" 2>&1 || \
	    { cat "$$tmp/log"; exit 1; }; } && \
	  pc="$(PKG_CONFIG)" && PKG_CONFIG_SYSROOT_DIR="$$tmp" && \
	  PKG_CONFIG_PATH="$$tmp$(pkgconfigdir)" && \
	  export PKG_CONFIG_SYSROOT_DIR PKG_CONFIG_PATH && \
	  $(CC) $(BENCH_CFLAGS) $(CFLAGS) -I$(srcdir)/bench \
	    `$$pc --cflags weft` -o "$$tmp/installed" \
	    $(srcdir)/bench/ext/installed.c $(srcdir)/bench/harness.c \
	    $(srcdir)/bench/workloads.c `$$pc --libs weft` \
	    -Wl,-rpath,"$$tmp$(libdir)" && \
	  ldd "$$tmp/installed" | grep libweft && "$$tmp/installed"

# EXTRA_PROGRAMS comes out of automake with $(EXEEXT) appended.
bench: $(EXTRA_PROGRAMS) bench-uv bench-boost
	@CC="$(CC)" CFLAGS="$(CFLAGS)" \
	  $(SHELL) $(srcdir)/bench/run.sh "$(abs_builddir)" "$(abs_srcdir)"
.PHONY: bench bench-uv bench-boost bench-installed

EXTRA_DIST += bench/run.sh bench/py_baselines.py bench/uv_baseline.c \
	bench/boost_baseline.c bench/ext/installed.c \
	bench/build_cost.sh \
	bench/uctx/config.h bench/.gitignore
CLEANFILES += $(EXTRA_PROGRAMS) bench/uv_baseline$(EXEEXT) \
	bench/boost_baseline$(EXEEXT) \
	$(EXTRA_LIBRARIES)

# The explorer's table (docs/EXPLORATION.md): a script over the built
# scenarios, not a program.
EXTRA_DIST += bench/explore.sh

# The cost of one exploration run (docs/PERFORMANCE.md, "Exploration").
bench_explore_runs_SOURCES = bench/explore_runs.c
bench_explore_runs_CFLAGS = $(BENCH_CFLAGS)
bench_explore_runs_LDADD = libweft.la
bench_explore_runs_LDFLAGS = -no-install
