#!/usr/bin/env bash
# bench/micro.sh: the Google Benchmark micro-benchmarks of the pure code (bench/micro/):
# Decimal, the providers' response parsers, the merge and its rendering, the records cursor.
# Builds only the bench_micro target of the `bench` preset (Release), then runs it pinned to
# CPU 1 when taskset exists, 5 repetitions of at least 0.2 s each, and prints the console
# table with the mean, median, standard deviation and coefficient of variation of each.
#
# Usage: bench/micro.sh [extra Google Benchmark flags]
#   e.g. bench/micro.sh --benchmark_filter='Decimal'
# Knobs (environment):
#   MICRO_CPU=1     the CPU to pin to (taskset -c); empty: no pinning
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CPU="${MICRO_CPU-1}"
cd "$ROOT"

# Build at a lower priority: the machine is shared, and only this one target.
nice -n 10 cmake --preset bench >/dev/null
nice -n 10 cmake --build --preset bench --target bench_micro -j2

pin=()
if [ -n "$CPU" ] && command -v taskset >/dev/null; then
  pin=(taskset -c "$CPU")
fi

# Google Benchmark 1.7 (Debian 12) takes --benchmark_min_time in plain seconds (no "s").
exec "${pin[@]}" build/bench/bench/bench_micro \
  --benchmark_repetitions=5 --benchmark_report_aggregates_only=true --benchmark_min_time=0.2 \
  "$@"
