#!/usr/bin/env bash
# fuzz.sh -- build the libFuzzer targets with clang (ASan + UBSan) and fuzz
# each for a bounded time, starting from the committed corpus. New inputs go
# to build-fuzz/corpus-<target>/ (not committed); a crash leaves its input in
# build-fuzz/ and fails the script -- add it to tests/fuzz/corpus/<target>/
# once fixed, so every CTest run replays it.
#
#   bash scripts/fuzz.sh [SECONDS_PER_TARGET]      (default 60)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
bash scripts/install-deps.sh
CC=clang cmake -S . -B build-fuzz -DTILL_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target fuzz_frame fuzz_conf fuzz_dispatch fuzz_export
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
for target in frame conf dispatch export; do
  work=build-fuzz/corpus-$target
  mkdir -p "$work"
  echo "== fuzz_$target for $seconds s"
  (cd build-fuzz && ./tests/fuzz_$target -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -max_len=65536 "../$work" "../tests/fuzz/corpus/$target")
done
