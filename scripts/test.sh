#!/usr/bin/env bash
# test.sh -- install what is missing, build, and run the whole suite through
# CTest: unit tests, integration tests against a real tilld over real TLS,
# and the fuzz-corpus replays.
#
#   bash scripts/test.sh              normal build in build/
#   bash scripts/test.sh --sanitize   AddressSanitizer + UBSan build in build-asan/
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh

build=build
flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo)
if [ "${1:-}" = "--sanitize" ]; then
  build=build-asan
  flags=(-DCMAKE_BUILD_TYPE=Debug -DTILL_SANITIZE=ON)
  export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
  export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
fi

cmake -S . -B "$build" "${flags[@]}" >/dev/null
cmake --build "$build" -j"$(nproc)"
cd "$build"
# one test per core: every test has its own directory, database and
# loopback port (port 0), so they run side by side; the suite grew past ten
# minutes run one at a time on the two-core CI machine
ctest --output-on-failure --timeout 900 -j"$(nproc)"
