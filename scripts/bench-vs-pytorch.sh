#!/usr/bin/env bash
# Side-by-side training speed against PyTorch: one epoch over the first N MNIST training images with
# the same network, batch size and thread count, ours then PyTorch's, back to back, PAIRS times. Prints
# each pair's training seconds (the epoch's training loop only, no evaluation, data already in memory)
# and their ratio, then the median ratio. Run it when the machine is otherwise idle: each pair shares
# the load of the moment.
#
#   scripts/bench-vs-pytorch.sh MODEL BATCH [THREADS] [N] [PAIRS]
#     e.g. scripts/bench-vs-pytorch.sh strong 128       (defaults: 2 threads, 20,000 images, 3 pairs)
#          scripts/bench-vs-pytorch.sh default 256 2 60000
#
# PYTHON names a Python with torch (default /work/venv/bin/python); TORCH_REFERENCE the reference script
# (default ../shared/tools/torch_reference.py); REPORT the binary (default .build/release/report).
set -euo pipefail
model=${1:?model: default or strong}
batch=${2:?batch size}
threads=${3:-2}
n=${4:-20000}
pairs=${5:-3}
repo=$(cd "$(dirname "$0")/.." && pwd)
report=${REPORT:-$repo/.build/release/report}
python=${PYTHON:-/work/venv/bin/python}
reference=${TORCH_REFERENCE:-$repo/../shared/tools/torch_reference.py}
data=${REPORT_DATA_DIR:-$repo/../shared/data}

# The train_s field of the last JSON line (ours also prints epoch 0, the evaluation before training).
train_s() { sed -n 's/.*"train_s": \([0-9.e+-]*\).*/\1/p' | tail -n 1; }

echo "model $model, batch $batch, $threads threads, $n images, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '| pair | ours (s) | PyTorch (s) | PyTorch / ours |\n| --- | --- | --- | --- |\n'
ratios=()
for pair in $(seq 1 "$pairs"); do
    ours=$("$report" train --model "$model" --batch-size "$batch" --threads "$threads" --train-samples "$n" \
        --epochs 1 --json --data-dir "$data" 2>/dev/null | train_s)
    torch=$("$python" "$reference" --model "$model" --batch-size "$batch" --threads "$threads" \
        --train-limit "$n" --epochs 1 --data "$data" | train_s)
    ratio=$(awk -v a="$ours" -v b="$torch" 'BEGIN { printf "%.2f", b / a }')
    ratios+=("$ratio")
    printf '| %d | %.2f | %.2f | %s× |\n' "$pair" "$ours" "$torch" "$ratio"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
echo "median PyTorch / ours: ${median}× (load now $(cut -d' ' -f1-3 /proc/loadavg))"
