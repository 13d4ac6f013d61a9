#!/usr/bin/env bash
# genscope's headless DCGAN steps/s at 32x32x3 beside the same network as a plain PyTorch loop
# (bench/pytorch_dcgan.py), with the same torch build (Debian's libtorch and python3-torch are one
# build), thread count, allocator settings (genscope's mallopt values, as glibc tunables) and
# OpenMP spin count. Alternates the two PAIRS times and prints every pair's ratio.
#   [STEPS=300 WARMUP=50] bench/dcgan_vs_pytorch.sh [build-dir] [pairs] [threads]
# Needs python3-torch (/usr/bin/python3 with torch); skipped without it.
set -euo pipefail
build=${1:-build}
pairs=${2:-3}
threads=${3:-2}
steps=${STEPS:-300}
warmup=${WARMUP:-50}
py=/usr/bin/python3
if ! "$py" -c 'import torch' 2>/dev/null; then
  echo "dcgan_vs_pytorch: skipped: $py has no torch (apt-get install python3-torch)"
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=1073741824
export GOMP_SPINCOUNT=10000
# genscope: steps/s from metrics.csv's wall_s between the same steps the Python loop times.
genscope_rate() {
  rm -rf "$work/run"
  "$build/genscope" --headless --dataset emoji --resolution 32 --channels 3 --model dcgan \
    --width 64 --latent-dim 100 --batch-size 64 --threads "$threads" --eval-every 0 \
    --steps "$steps" --out "$work/run" > "$work/log" 2>&1
  awk -F, -v a="$warmup" -v b="$steps" 'NR > 1 && $1 == a { t0 = $3 } NR > 1 && $1 == b { t1 = $3 }
    END { printf "%.3f\n", (b - a) / (t1 - t0) }' "$work/run/metrics.csv"
}
ratios=()
for ((i = 1; i <= pairs; i++)); do
  g=$(genscope_rate)
  p=$("$py" "$(dirname "$0")/pytorch_dcgan.py" --steps "$steps" --warmup "$warmup" \
      --threads "$threads" | awk '{print $2}')
  r=$(awk -v g="$g" -v p="$p" 'BEGIN { printf "%.3f", g / p }')
  ratios+=("$r")
  echo "pair $i: genscope $g steps/s, pytorch $p steps/s, ratio $r"
done
echo "ratios (genscope / pytorch, batch 64, $threads threads): ${ratios[*]}"
