#!/usr/bin/env bash
# scripts/setup-fuzz.sh: installs what `make fuzz` needs and nothing else
# needs (clang with libFuzzer: Debian clang and libclang-rt-dev), then
# runs it. make check does not need these.
set -euo pipefail
cd "$(dirname "$0")/.."
WEFT_EXTRA_PACKAGES="clang libclang-rt-dev ${WEFT_EXTRA_PACKAGES:-}" ./setup.sh
make fuzz
