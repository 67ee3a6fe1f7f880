#!/bin/sh
# scripts/ldconfig-hook.sh LIBDIR [DESTDIR]: run by `make install` after
# the library is installed. A program linked with -lweft finds
# libweft.so.0 at run time only if the dynamic linker looks in LIBDIR:
# its cache (/etc/ld.so.cache) must be refreshed by ldconfig, which
# libtool does not do. When installing as root to a directory ldconfig
# scans, this runs ldconfig; otherwise it says what to do
# (docs/INSTALL.md). A staged install (DESTDIR set) is left alone: the
# package's own scripts run ldconfig on the target system.
set -eu
libdir=$1
destdir=${2:-}
[ -n "$destdir" ] && exit 0

ldconfig=$(command -v ldconfig || true)
[ -z "$ldconfig" ] && [ -x /sbin/ldconfig ] && ldconfig=/sbin/ldconfig
real=$(cd "$libdir" 2>/dev/null && pwd -P || echo "$libdir")
known=no
if [ -n "$ldconfig" ]; then
    for d in $("$ldconfig" -v -N -X 2>/dev/null |
               sed -n 's/^\(\/[^:]*\):.*/\1/p') /lib /usr/lib; do
        [ "$(cd "$d" 2>/dev/null && pwd -P || echo "$d")" = "$real" ] &&
            known=yes
    done
fi

if [ "$known" = yes ] && [ "$(id -u)" -eq 0 ]; then
    echo "weft: running ldconfig so that programs find libweft.so.0 in $libdir"
    "$ldconfig"
    exit 0
fi
echo "weft: installed libweft.so.0 in $libdir."
if [ "$known" = yes ]; then
    echo "weft: run 'sudo ldconfig' once, or programs fail with"
    echo "weft: 'libweft.so.0: cannot open shared object file'."
else
    echo "weft: the dynamic linker does not look there. Before running a"
    echo "weft: program, either: export LD_LIBRARY_PATH=$libdir"
    echo "weft: or link it with -Wl,-rpath,$libdir"
    echo "weft: or (as root) add $libdir to /etc/ld.so.conf.d/weft.conf"
    echo "weft: and run ldconfig. docs/INSTALL.md says more."
fi
