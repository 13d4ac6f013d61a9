#!/usr/bin/env bash
# Builds the train tests with AddressSanitizer and UBSan in build-asan/ and runs the checkpoint
# tests (the edited-checkpoint test loads each mutated file and trains the sessions that load) and
# the run tests under them. Extra arguments go to the test binary (e.g. --gtest_filter=...).
#   scripts/asan.sh [GTEST ARGS...]
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGENSCOPE_SANITIZE=ON \
  -DGENSCOPE_BUILD_TESTS=ON >/dev/null
cmake --build build-asan -j"$(nproc)" --target train_tests
# LibTorch's own allocations are not instrumented; leaks of its static state are not ours.
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(--gtest_filter='Checkpoint.*:RunOwner.*')
build-asan/tests/train_tests "${args[@]}"
