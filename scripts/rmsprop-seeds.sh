#!/usr/bin/env bash
# How often RMSprop at PyTorch's defaults (lr 0.01, alpha 0.99, momentum 0) collapses to chance in the
# first epoch of the assignment's network on Fashion-MNIST, in this engine and in PyTorch, seed by seed.
# A run "collapses" when its validation accuracy after one epoch is at most 15% (chance is 10%).
#
#   scripts/rmsprop-seeds.sh FIRST LAST [PYTHON]
#
# PYTHON is an interpreter with torch and numpy (default: python3); data from ../shared/data or
# REPORT_DATA_DIR. Question 4 of the bundled report quotes the counts this printed for seeds 1-40.
set -euo pipefail
first=${1:?first seed}; last=${2:?last seed}; python=${3:-python3}
data=${REPORT_DATA_DIR:-../shared/data}
report=${REPORT_BIN:-.build/release/report}
tool=$(dirname "$0")/../../shared/tools/torch_reference.py
[ -f "$tool" ] || tool=../shared/tools/torch_reference.py
ours_down=0; torch_down=0; n=0
for seed in $(seq "$first" "$last"); do
  ours=$("$report" train --data-dir "$data" --dataset fashion_mnist --optimizer rmsprop --momentum 0 \
    --epochs 1 --seed "$seed" --threads 1 --json 2>/dev/null | tail -1 |
    "$python" -c 'import json,sys; print(json.loads(sys.stdin.read())["val_acc"])')
  theirs=$("$python" "$tool" --data "$data" --dataset fashion_mnist --optimizer rmsprop --epochs 1 \
    --seed "$seed" --threads 1 2>/dev/null | tail -1 |
    "$python" -c 'import json,sys; print(json.loads(sys.stdin.read())["val_acc"])')
  line=$("$python" -c 'import sys
s, a, b = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
print(f"seed {s:3d}  report {a * 100:6.2f}%  pytorch {b * 100:6.2f}%  {int(a <= 0.15)} {int(b <= 0.15)}")' "$seed" "$ours" "$theirs")
  echo "${line%  * *}"
  n=$((n + 1))
  flags=${line##*%  }
  ours_down=$((ours_down + ${flags% *})); torch_down=$((torch_down + ${flags#* }))
done
echo "collapsed after one epoch: report $ours_down of $n seeds, pytorch $torch_down of $n seeds"
