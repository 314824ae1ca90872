#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test.
#   scripts/test.sh          debug build, all tests
#   scripts/test.sh asan     the same under AddressSanitizer + UndefinedBehaviorSanitizer
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-debug}"
case "$preset" in debug|asan) ;; *) echo "usage: scripts/test.sh [debug|asan]" >&2; exit 2 ;; esac

./scripts/install-deps.sh
cmake --preset "$preset"
cmake --build --preset "$preset" -j "$(nproc)"
ctest --preset "$preset"
