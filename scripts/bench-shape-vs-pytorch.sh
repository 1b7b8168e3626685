#!/usr/bin/env bash
# Training speed against PyTorch on images of any shape (synthetic data, so no dataset is needed): the
# built-in default or strong network adapted to CxHxW as `report` adapts it (input channels from the
# data, the first linear layer sized by what the last pooling leaves), same batch size, thread count and
# optimizer (SGD, lr 0.01, momentum 0.5), ours then PyTorch's, back to back, PAIRS times. Each side
# reports training images per second after a warm-up; prints each pair and the median ratio.
#
#   scripts/bench-shape-vs-pytorch.sh MODEL SHAPE [BATCH] [THREADS] [PAIRS]
#     e.g. scripts/bench-shape-vs-pytorch.sh default 3x32x32        (defaults: batch 256, 2 threads, 3 pairs)
#
# PYTHON names a Python with torch (default python3); REPORT the binary.
set -euo pipefail
model=${1:?model: default or strong}
shape=${2:?shape CxHxW, e.g. 3x32x32}
batch=${3:-256}
threads=${4:-2}
pairs=${5:-3}
repo=$(cd "$(dirname "$0")/.." && pwd)
report=${REPORT:-$repo/.build/release/report}
python=${PYTHON:-python3}

torch_bench() {
    "$python" - "$model" "$shape" "$batch" "$threads" <<'PY'
import sys, time, torch, torch.nn as nn, torch.nn.functional as F
model, shape, batch, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
c, h, w = (int(v) for v in shape.lower().split("x"))
torch.set_num_threads(threads)
torch.manual_seed(1)
def default():
    def after(n): return ((n - 4) // 2 - 4) // 2
    return nn.Sequential(nn.Conv2d(c, 10, 5), nn.MaxPool2d(2), nn.ReLU(), nn.Conv2d(10, 20, 5), nn.MaxPool2d(2),
        nn.ReLU(), nn.Flatten(), nn.Linear(20 * after(h) * after(w), 50), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(50, 10), nn.LogSoftmax(dim=1))
def strong():
    def block(i, o): return [nn.Conv2d(i, o, 3, padding=1, bias=False), nn.BatchNorm2d(o), nn.ReLU(), nn.MaxPool2d(2)]
    return nn.Sequential(*block(c, 32), *block(32, 64), *block(64, 128), nn.Flatten(), nn.Dropout(0.5),
        nn.Linear(128 * (h // 8) * (w // 8), 256, bias=False), nn.BatchNorm1d(256), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(256, 10), nn.LogSoftmax(dim=1))
net = default() if model == "default" else strong()
opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.5)
count = batch * 32
x = torch.rand(count, c, h, w)
y = torch.randint(0, 10, (count,))
def epoch():
    net.train()
    for i in range(0, count, batch):
        opt.zero_grad()
        F.nll_loss(net(x[i:i + batch]), y[i:i + batch]).backward()
        opt.step()
epoch()  # warm-up
rates = []
for _ in range(3):
    start = time.perf_counter(); epoch(); rates.append(count / (time.perf_counter() - start))
print(sorted(rates)[1])
PY
}

echo "model $model, images $shape, batch $batch, $threads threads, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '| pair | ours (images/s) | PyTorch (images/s) | ours / PyTorch |\n| --- | --- | --- | --- |\n'
ratios=()
for pair in $(seq 1 "$pairs"); do
    ours=$("$report" bench --model "$model" --shape "$shape" --batch-size "$batch" --threads "$threads" --json \
        | sed -n 's/.*"train_images_per_s":\([0-9.e+-]*\).*/\1/p')
    torch=$(torch_bench)
    ratio=$(awk -v a="$ours" -v b="$torch" 'BEGIN { printf "%.2f", a / b }')
    ratios+=("$ratio")
    printf '| %d | %.0f | %.0f | %s× |\n' "$pair" "$ours" "$torch" "$ratio"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
echo "median ours / PyTorch: ${median}× (load now $(cut -d' ' -f1-3 /proc/loadavg))"
