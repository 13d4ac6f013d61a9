#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz) with clang, AddressSanitizer and UBSan in build-fuzz/
# and runs each for SECONDS (default 20) from its committed seeds (tests/fuzz/corpus/NAME); new
# inputs go to build-fuzz/corpus/NAME. A crash, a sanitizer report, a timeout or an input that
# needs over 1 GB fails the run (exit 1); the input is kept in build-fuzz/findings/NAME/.
#   scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] ||
  targets=(fuzz_idx fuzz_mnist_folder fuzz_config fuzz_cli fuzz_checkpoint fuzz_wire)
if ! command -v clang++ >/dev/null; then
  echo "fuzz: clang++ is not installed; skipped"
  exit 0
fi
CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DGENSCOPE_FUZZ=ON -DGENSCOPE_BUILD_TESTS=OFF >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target fuzz_targets
export TMPDIR="$PWD/build-fuzz/tmp"  # the targets' scratch files
mkdir -p "$TMPDIR"
status=0
for t in "${targets[@]}"; do
  mkdir -p "build-fuzz/corpus/$t" "build-fuzz/findings/$t"
  log="build-fuzz/$t.log"
  if build-fuzz/tests/fuzz/"$t" -max_total_time="$seconds" -malloc_limit_mb=1024 \
      -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
      -artifact_prefix="build-fuzz/findings/$t/" "build-fuzz/corpus/$t" "tests/fuzz/corpus/$t" \
      >"$log" 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)
    echo "fuzz: $t: ${runs:-?} runs in ${seconds} s, no crash"
  else
    echo "fuzz: $t FAILED (see $log; the input is in build-fuzz/findings/$t/):"
    grep -E 'ERROR|SUMMARY|==[0-9]+==' "$log" | head -5
    status=1
  fi
done
rm -rf "$TMPDIR"
exit $status
