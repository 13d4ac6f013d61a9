#!/usr/bin/env bash
# Installs the Debian 12 packages genscope needs, only those that are missing.
set -euo pipefail
packages=(g++ cmake make pkg-config libglfw3-dev python3-glad libimgui-dev libavcodec-dev
  libavformat-dev libswscale-dev libavutil-dev zlib1g-dev libstb-dev libtorch-dev libgtest-dev
  xvfb xauth dataset-fashion-mnist libopenblas0-openmp ffmpeg ccache libegl-dev libegl-mesa0
  fonts-dejavu-core universal-ctags nlohmann-json3-dev libx11-dev libbenchmark-dev
  libfreetype-dev libharfbuzz-dev fonts-noto-color-emoji unicode-data fortunes libprotobuf-dev
  protobuf-compiler libzmq3-dev cppzmq-dev libgloo-dev)
# `setup.sh tests`: also what only the tests use (Python's torch runs the README's export snippet).
[ "${1:-}" = tests ] && packages+=(python3-torch)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}"
fi
