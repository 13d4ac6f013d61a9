#!/usr/bin/env bash
# Configures and builds genscope (Release) in build/. Extra arguments go to cmake's configure step,
# e.g. -DCMAKE_PREFIX_PATH=/path/to/cuda/libtorch.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build build -j"$(nproc)"
