#!/usr/bin/env bash
# Installs what is missing, builds, and opens genscope training a DCGAN on Fashion-MNIST.
# Arguments go to genscope (see build/genscope --help).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "run: no display; opening the window under Xvfb (use --headless --steps N for no window)"
  exec xvfb-run -a -s "-screen 0 1280x720x24" build/genscope "$@"
fi
exec build/genscope "$@"
