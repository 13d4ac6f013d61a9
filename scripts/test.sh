#!/usr/bin/env bash
# Installs what is missing, builds genscope and its tests, and runs every test (GL and e2e tests
# under Xvfb with Mesa's software renderer).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh tests
scripts/build.sh -DGENSCOPE_BUILD_TESTS=ON
cd build
xvfb-run -a -s "-screen 0 1280x720x24" ctest --output-on-failure -j2
# The parsers' fuzz targets, 20 s each, when clang is installed (scripts/fuzz.sh).
cd ..
scripts/fuzz.sh 20
