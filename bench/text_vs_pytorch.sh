#!/usr/bin/env bash
# genscope's headless char-transformer and char-lstm on fortunes beside the same models as a plain
# PyTorch loop (bench/text_lm.py), with the same torch build (Debian's libtorch and python3-torch
# 1.13.1 are one build), thread count, allocator settings (genscope's mallopt values, as glibc
# tunables), OpenMP spin count, seed and step count. For each pair and model it runs genscope, then
# the Python loop, and prints both steps/s, their ratio and the validation bpc at the last step;
# then per model the median ratio and the bpc difference.
#   [STEPS=2000 WARMUP=20 VAL_EVERY=100 SEED=1 MODELS="char-transformer char-lstm" KEEP=DIR] \
#     bench/text_vs_pytorch.sh [build-dir] [pairs] [threads]
# steps/s on both sides: the intervals between consecutive steps' ends (genscope: metrics.csv's
# wall_s; Python: perf_counter) over steps WARMUP+1..STEPS, leaving out the steps that validated
# (genscope's also hold its 2 x 300-character samples and the weight histograms, Python's only the
# validation). "wall" is the same range with them. STEPS should be a multiple of VAL_EVERY so that
# both sides validate at the last step. KEEP=DIR keeps the run directories and logs there.
# The machine may be shared: every run line says how many cores other processes kept busy while it
# ran ("others"); QUIET=1 waits before each run until the CPUs are 90 % idle over 3 s, for at
# most QUIET_TRIES tries (default 200, 10 minutes).
# Needs python3-torch (/usr/bin/python3 with torch); skipped without it.
set -euo pipefail
build=${1:-build}
pairs=${2:-1}
threads=${3:-2}
steps=${STEPS:-2000}
warmup=${WARMUP:-20}
val_every=${VAL_EVERY:-100}
seed=${SEED:-1}
models=${MODELS:-"char-transformer char-lstm"}
py=/usr/bin/python3
here=$(cd "$(dirname "$0")" && pwd)
if ! "$py" -c 'import torch' 2>/dev/null; then
  echo "text_vs_pytorch: skipped: $py has no torch (apt-get install python3-torch)"
  exit 0
fi
if [[ -n ${KEEP:-} ]]; then
  work=$KEEP
  mkdir -p "$work"
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
export GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=1073741824
export GOMP_SPINCOUNT=10000
unset OMP_NUM_THREADS MKL_NUM_THREADS

load() { cut -d' ' -f1 /proc/loadavg; }
busy_idle() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, $5 + $6 }' /proc/stat; }
# QUIET=1: wait until the CPUs were at least 90 % idle over 3 s (at most 10 minutes).
wait_quiet() {
  [[ ${QUIET:-0} == 1 ]] || return 0
  local tries=0 b0 i0 b1 i1
  while ((tries++ < ${QUIET_TRIES:-200})); do
    read -r b0 i0 < <(busy_idle); sleep 3; read -r b1 i1 < <(busy_idle)
    awk -v b=$((b1 - b0)) -v i=$((i1 - i0)) 'BEGIN { exit !(i >= 9 * b) }' && return 0
  done
  echo "text_vs_pytorch: the machine stayed busy; measuring anyway" >&2
}
# Runs "$@" and notes the cores other processes kept busy meanwhile (the CPUs' busy time less
# this command's own CPU time, over its wall time) into $work/others.
measured() {
  local b0 i0 b1 i1 t0 t1
  read -r b0 i0 < <(busy_idle)
  t0=$(date +%s.%N)
  /usr/bin/time -f '%U %S' -o "$work/cpu" "$@"
  t1=$(date +%s.%N)
  read -r b1 i1 < <(busy_idle)
  awk -v b=$((b1 - b0)) -v t0="$t0" -v t1="$t1" -v hz="$(getconf CLK_TCK)" -v f="$work/cpu" '
    BEGIN { getline l < f; split(l, c, " "); printf "%.2f\n", (b / hz - c[1] - c[2]) / (t1 - t0) }' \
    > "$work/others"
}

# genscope: "steps_per_s wall_steps_per_s val_bpc" from metrics.csv (step,epoch,wall_s,train_bpc,
# val_bpc,...).
genscope_run() {  # model tag
  local dir="$work/genscope-$1-$2"
  rm -rf "$dir"
  measured "$build/genscope" --headless --model "$1" --dataset fortunes --steps "$steps" \
    --threads "$threads" --seed "$seed" --val-every "$val_every" --out "$dir" \
    > "$work/genscope-$1-$2.log" 2>&1
  awk -F, -v a="$warmup" -v b="$steps" -v k="$val_every" '
    NR == 1 { next }
    { t[$1] = $3; if ($1 == b) v = $5 }
    END {
      n = 0; s = 0
      for (i = a + 1; i <= b; ++i) if (k <= 0 || i % k != 0) { n++; s += t[i] - t[i - 1] }
      printf "%.4f %.4f %s\n", n / s, (b - a) / (t[b] - t[a]), (v == "" ? "nan" : v)
    }' "$dir/metrics.csv"
}

python_run() {  # model tag
  measured "$py" "$here/text_lm.py" --model "$1" --steps "$steps" --threads "$threads" --seed "$seed" \
    --val-every "$val_every" --warmup "$warmup" > "$work/pytorch-$1-$2.log" 2>&1
  awk '/^RESULT/ { for (i = 2; i <= NF; ++i) { split($i, kv, "="); r[kv[1]] = kv[2] }
                   print r["steps_per_s"], r["wall_steps_per_s"], r["val_bpc"] }' \
    "$work/pytorch-$1-$2.log"
}

echo "text_vs_pytorch: $steps steps, $threads threads, seed $seed, validation every $val_every," \
     "timed steps $((warmup + 1))..$steps; $(nproc) CPUs, load $(load) at the start"
declare -A ratios bpc_g bpc_p
for ((i = 1; i <= pairs; i++)); do
  for m in $models; do
    wait_quiet
    read -r g gw gv < <(genscope_run "$m" "$i")
    og=$(cat "$work/others")
    wait_quiet
    read -r p pw pv < <(python_run "$m" "$i")
    op=$(cat "$work/others")
    r=$(awk -v g="$g" -v p="$p" 'BEGIN { printf "%.3f", g / p }')
    rw=$(awk -v g="$gw" -v p="$pw" 'BEGIN { printf "%.3f", g / p }')
    ratios[$m]+="$r "
    bpc_g[$m]+="$gv "
    bpc_p[$m]+="$pv "
    printf '%s pair %d: genscope %.3f steps/s (wall %.3f), pytorch %.3f (wall %.3f), ratio %s (wall %s);' \
      "$m" "$i" "$g" "$gw" "$p" "$pw" "$r" "$rw"
    printf ' val bpc at %d: genscope %.4f, pytorch %.4f; others %s / %s cores busy\n' \
      "$steps" "$gv" "$pv" "$og" "$op"
  done
done
for m in $models; do
  med=$(tr ' ' '\n' <<< "${ratios[$m]}" | grep . | sort -g |
        awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }')
  diff=$(paste -d' ' <(tr ' ' '\n' <<< "${bpc_g[$m]}" | grep .) <(tr ' ' '\n' <<< "${bpc_p[$m]}" | grep .) |
         awk '{ printf "%s%+.4f", (NR > 1 ? " " : ""), $1 - $2 }')
  echo "$m: ratios (genscope / pytorch, $threads threads): ${ratios[$m]}median $med;" \
       "val bpc at $steps genscope - pytorch: $diff"
done
echo "load $(load) at the end"
