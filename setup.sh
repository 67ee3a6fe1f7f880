#!/usr/bin/env bash
# setup.sh: installs the Debian packages weft needs when they are missing
# (as root, or through sudo), then configures and builds weft.
#   ./setup.sh               build with the default configuration
#   ./setup.sh ARGS...       extra arguments go to ./configure
# Set WEFT_EXTRA_PACKAGES to install more (e.g. "valgrind libuv1-dev").
set -euo pipefail
cd "$(dirname "$0")"

packages=(build-essential autoconf automake libtool pkg-config check valgrind
    libgraphviz-dev parallel python3)
# parallel: the shard test (tests/explore_ci.sh); python3: the checks that
# weft-trace's SVG and JSON parse (tests/trace-views.sh)
# shellcheck disable=SC2206
packages+=(${WEFT_EXTRA_PACKAGES:-})

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup.sh: installing ${missing[*]}"
    if [ "$(id -u)" -eq 0 ]; then
        sudo=()
    elif command -v sudo >/dev/null; then
        sudo=(sudo)
    else
        echo "setup.sh: need root (or sudo) to install: ${missing[*]}" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -x configure ] || [ configure.ac -nt configure ]; then
    autoreconf -fi
fi
if [ ! -f Makefile ] || [ $# -gt 0 ]; then
    ./configure -q "$@"
fi
make -j"$(nproc)"
