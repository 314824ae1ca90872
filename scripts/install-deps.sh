#!/usr/bin/env bash
# Installs the Debian 12 packages coinfan builds and tests with (clang-16 and libFuzzer for the
# `fuzz` preset, scripts/fuzz.sh; nginx for the tests that run it in front of coinfan; podman,
# runc and debootstrap for docker/image-test.sh, which builds and runs the image without a
# Docker daemon or a registry; prometheus for the promtool that checks /metrics in a test;
# chromium and a font for the dashboard's browser tests, which playwright-core drives;
# hiredis for the Redis client and redis-server for the tests that run it).
# Idempotent: installs only what is missing, and refreshes the package index first whenever
# something is.
set -euo pipefail

packages=(
  build-essential g++ cmake ccache pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libssl-dev openssl libspdlog-dev libfmt-dev zlib1g-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libhiredis-dev redis-server
  clang-16 libfuzzer-16-dev libclang-rt-16-dev
  curl ca-certificates
  nginx
  podman runc debootstrap uidmap slirp4netns fuse-overlayfs
  prometheus
  chromium fonts-dejavu-core
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

# Node.js runs the pinned tools in tools/ (the OpenAPI linter). Any Node.js 18 or later will do
# (Debian's nodejs, or one already installed from elsewhere, which then brings its own npm).
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)

sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
else
  echo "install-deps: installing ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
fi

# The npm tools, exactly as tools/package-lock.json pins them; reinstalled when the lock changes.
tools_dir="$(dirname "$0")/../tools"
stamp="$tools_dir/node_modules/.coinfan-lock.sha256"
lock_sum="$(sha256sum "$tools_dir/package-lock.json" | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$lock_sum" ]; then
  echo "install-deps: npm ci in tools/"
  (cd "$tools_dir" && npm ci --no-audit --no-fund)
  echo "$lock_sum" > "$stamp"
fi
