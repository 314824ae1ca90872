#!/usr/bin/env bash
# Builds the libFuzzer targets (clang-16, preset `fuzz`, build/fuzz) when needed and runs one.
#   scripts/fuzz.sh TARGET SECONDS [libFuzzer options...]    e.g. scripts/fuzz.sh decimal 60
#   scripts/fuzz.sh --list                                     the target names
# Seeds: fuzz/corpus/TARGET (read only); what the run adds goes to build/fuzz/corpus/TARGET;
# crashes to build/fuzz/artifacts/TARGET/. Runs under `nice -n 19` (FUZZ_NICE to change).
# FUZZ_RUNS=N stops after N executions (whichever comes first with SECONDS).
set -euo pipefail
cd "$(dirname "$0")/.."

targets=$(sed -n 's/^  \([a-z0-9_]*\):coinfan_.*/\1/p' fuzz/CMakeLists.txt)
if [ "${1:-}" = "--list" ]; then
  echo "$targets"
  exit 0
fi
if [ $# -lt 2 ]; then
  echo "usage: scripts/fuzz.sh TARGET SECONDS [libFuzzer options...] | --list" >&2
  exit 2
fi
target="$1"
seconds="$2"
shift 2
if ! grep -qx "$target" <<<"$targets"; then
  echo "fuzz.sh: unknown target '$target'; one of:" $targets >&2
  exit 2
fi

if [ ! -f build/fuzz/CMakeCache.txt ]; then
  ./scripts/install-deps.sh
  cmake --preset fuzz >/dev/null
fi
cmake --build build/fuzz --target "fuzz_$target" -j 2 >/dev/null

work="build/fuzz/corpus/$target"
artifacts="build/fuzz/artifacts/$target"
mkdir -p "$work" "$artifacts"
options=(-max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$artifacts/"
         -dict="fuzz/dict/$target.dict" -max_len=8192 -timeout=10 -rss_limit_mb=2048)
[ -n "${FUZZ_RUNS:-}" ] && options+=(-runs="$FUZZ_RUNS")
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
exec nice -n "${FUZZ_NICE:-19}" "build/fuzz/fuzz/fuzz_$target" "${options[@]}" "$@" "$work" "fuzz/corpus/$target"
