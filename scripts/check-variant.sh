#!/bin/sh
# scripts/check-variant.sh: builds weft a second way in a build directory
# of its own and runs the Check suites there (docs/TESTING.md).
#   check-variant.sh VARIANT SRCDIR BUILDDIR PROGRAM...
# VARIANT is asan, valgrind, aarch64 or ucontext; PROGRAMs are the test
# programs (check_PROGRAMS). Called by mk/variants.mk with $MAKE set.
# With VARIANT_RUN set (`make soak`), builds only the PROGRAMs and runs
# that command in the build directory instead of the suites.
set -eu
variant=$1 src=$2 build=$3
shift 3
progs=$*
MAKE=${MAKE:-make}

die() { echo "check-$variant: $*" >&2; exit 1; }
need() { command -v "$1" >/dev/null || die "$1 not found: apt-get install $2"; }

# Check built for arm64, from Debian's arm64 archive (installed as root).
need_arm64_check() {
    [ -f /usr/lib/aarch64-linux-gnu/pkgconfig/check.pc ] && return
    how="dpkg --add-architecture arm64 && apt-get update && apt-get install check:arm64"
    [ "$(id -u)" = 0 ] || die "Check for arm64 is missing: $how"
    echo "check-$variant: installing check:arm64 ($how)"
    dpkg --add-architecture arm64
    if ! apt-get update -qq || ! DEBIAN_FRONTEND=noninteractive apt-get \
        install -y -qq --no-install-recommends check:arm64 >/dev/null; then
        die "failed: $how"
    fi
}

case $variant in
asan)
    san="-fsanitize=address,undefined"
    set -- CFLAGS="-g -O1 $san -fno-sanitize-recover=all -fno-omit-frame-pointer" \
        LDFLAGS="$san"
    run=
    export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ;;
valgrind)
    need valgrind valgrind
    set -- CFLAGS="-g -O1"
    run="./libtool --mode=execute valgrind -q --error-exitcode=99"
    run="$run --leak-check=full --errors-for-leak-kinds=definite"
    run="$run --show-leak-kinds=definite"
    export CK_TIMEOUT_MULTIPLIER=20 ;;
aarch64)
    need aarch64-linux-gnu-gcc gcc-aarch64-linux-gnu
    need qemu-aarch64 qemu-user
    need_arm64_check
    set -- --host=aarch64-linux-gnu --disable-shared PKG_CONFIG=pkg-config \
        PKG_CONFIG_LIBDIR=/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig
    # Loader and libc must be one build: the cross toolchain's. Without
    # LD_LIBRARY_PATH its loader finds libc6:arm64's libc (pulled in by
    # check:arm64) through ld.so.cache, and that pair loops in fork().
    lib=/usr/aarch64-linux-gnu
    run="qemu-aarch64 -L $lib -E LD_LIBRARY_PATH=$lib/lib:/usr/lib/aarch64-linux-gnu"
    export CK_TIMEOUT_MULTIPLIER=10 ;;
ucontext)
    set -- --with-context=ucontext
    run= ;;
*) die "unknown variant (asan, valgrind, aarch64, ucontext)" ;;
esac

# A source tree configured in place cannot host a VPATH build: build from
# a copy of its files (tracked and untracked, not ignored) instead.
if [ -f "$src/config.status" ]; then
    git -C "$src" rev-parse 2>/dev/null ||
        die "$src is configured in place: run 'make distclean' there and build out of tree"
    copy=$build.src
    mkdir -p "$copy"
    git -C "$src" ls-files -co --exclude-standard -z |
        tar -C "$src" --null -T - -cf - | tar -C "$copy" -xf -
    [ -x "$copy/configure" ] || (cd "$copy" && autoreconf -fi >/dev/null 2>&1)
    src=$(cd "$copy" && pwd)
fi

mkdir -p "$build"
cd "$build"
start=$(date +%s)
if [ ! -f config.status ]; then
    echo "check-$variant: configuring in $build"
    "$src/configure" -q "$@"
fi
case ${MAKEFLAGS:-} in *-j*|*jobserver*) jobs= ;; *) jobs=-j$(nproc) ;; esac
if [ -n "${VARIANT_RUN:-}" ]; then
    # shellcheck disable=SC2086
    $MAKE $jobs $progs
    echo "check-$variant: $VARIANT_RUN (in $build)"
    # shellcheck disable=SC2086
    exec $run $VARIANT_RUN
fi
# shellcheck disable=SC2086
$MAKE $jobs all
# shellcheck disable=SC2086
$MAKE $jobs check-TESTS TESTS="$progs" LOG_COMPILER="$run" ||
    die "FAILED: see $build/test-suite.log and $build/tests/*.log"
echo "check-$variant: passed in $(($(date +%s) - start)) s (build dir $build)"
