#!/usr/bin/env bash
# Installs what is missing, builds a release binary, and runs `coinfan --demo`.
#   scripts/demo.sh [--port N]
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake --preset release
cmake --build --preset release -j "$(nproc)" --target coinfan
exec ./build/release/coinfan --demo "$@"
