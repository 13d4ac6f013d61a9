#!/usr/bin/env bash
# The shape of src/: the longest functions (universal-ctags gives each function's first and last
# line) and the longest files. Fails when a function is over 80 lines or a file over 600.
#   scripts/code_shape.sh [N]   prints the N longest of each (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
top=${1:-10}
max_function=80
max_file=600
functions=$(ctags -R --languages=C++ --kinds-C++=f --fields=+ne -x \
  --_xformat='%{end} %n %F %N' src 2>/dev/null | awk '$1 != "" {print $1 - $2 + 1, $3 ":" $2, $4}' |
  sort -rn)
files=$(find src -name '*.cpp' -o -name '*.h' | xargs wc -l | grep -v ' total$' | sort -rn)
echo "longest functions (lines, where, name):"
head -n "$top" <<<"$functions"
echo "longest files (lines, path):"
head -n "$top" <<<"$files"
status=0
if awk -v m=$max_function '$1 > m {found = 1} END {exit !found}' <<<"$functions"; then
  echo "functions over $max_function lines:"
  awk -v m=$max_function '$1 > m' <<<"$functions"
  status=1
fi
if awk -v m=$max_file '$1 > m {found = 1} END {exit !found}' <<<"$files"; then
  echo "files over $max_file lines:"
  awk -v m=$max_file '$1 > m' <<<"$files"
  status=1
fi
exit $status
