"""Tiny but real training for `report` command-experiment tests: logistic
regression trained by mini-batch SGD on a fixed synthetic two-blob dataset.
Follows the REPORT_* protocol (metrics lines, checkpoints in REPORT_RUN_DIR,
REPORT_INIT_DIR warm start, REPORT_RESUME_EPOCH resume). Standard library only.
"""
import argparse, json, math, os, random, sys, time

p = argparse.ArgumentParser()
p.add_argument("--lr", type=float, default=0.1)
p.add_argument("--epochs", type=int, default=10)
p.add_argument("--seed", type=int, default=int(os.environ.get("REPORT_SEED") or 1))
p.add_argument("--sleep", type=float, default=0.0, help="seconds to sleep after each epoch")
p.add_argument("--extra-metric", action="store_true", help="also record val_f1")
p.add_argument("--batch-size", type=int, default=10)
p.add_argument("--stop-after", type=int, default=0,
               help="debug: exit with status 3 right after recording this epoch (simulated interruption)")
args = p.parse_args()

# Fixed dataset, independent of --seed: 300 points from two Gaussian blobs.
data_rng = random.Random(12345)
points = []
for i in range(300):
    y = i % 2
    c = 0.8 if y else -0.8
    points.append((data_rng.gauss(c, 1.0), data_rng.gauss(c, 1.0), y))
train, val = points[:200], points[200:]

def predict(w, x1, x2):
    z = w[0] + w[1] * x1 + w[2] * x2
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))

def bce(p, y):
    p = min(max(p, 1e-12), 1.0 - 1e-12)
    return -math.log(p) if y else -math.log(1.0 - p)

def evaluate(w):
    loss = correct = tp = fp = fn = 0
    for x1, x2, y in val:
        q = predict(w, x1, x2)
        loss += bce(q, y)
        guess = 1 if q >= 0.5 else 0
        correct += guess == y
        tp += guess and y
        fp += guess and not y
        fn += (not guess) and y
    out = {"val_loss": round(loss / len(val), 6), "val_acc": round(correct / len(val), 6)}
    if args.extra_metric:
        out["val_f1"] = round(2 * tp / (2 * tp + fp + fn), 6) if tp else 0.0
    return out

metrics_path = os.environ.get("REPORT_METRICS")
run_dir = os.environ.get("REPORT_RUN_DIR")

def emit(record):
    line = json.dumps(record) + "\n"
    if metrics_path:
        with open(metrics_path, "a") as f:
            f.write(line)
            f.flush()
    else:
        sys.stdout.write(line)
        sys.stdout.flush()

def save(epoch, w, rng, record):
    if not run_dir:
        return
    path = os.path.join(run_dir, "weights.json")
    state = rng.getstate()
    with open(path + ".tmp", "w") as f:
        json.dump({"epoch": epoch, "weights": w, "metrics": record,
                   "random_state": [state[0], list(state[1]), state[2]]}, f)
    os.replace(path + ".tmp", path)

def load(directory):
    with open(os.path.join(directory, "weights.json")) as f:
        return json.load(f)

rng = random.Random(args.seed)
w = [rng.gauss(0.0, 0.5) for _ in range(3)]
start = 1
resume = int(os.environ.get("REPORT_RESUME_EPOCH") or 0)
if resume > 0:
    if not run_dir:
        sys.exit("tiny_train: REPORT_RESUME_EPOCH set but REPORT_RUN_DIR is not")
    ck = load(run_dir)
    if ck["epoch"] == resume + 1:
        # Checkpoint written but the metrics line was lost: record it now.
        emit(ck["metrics"])
    elif ck["epoch"] != resume:
        sys.exit(f"tiny_train: checkpoint is at epoch {ck['epoch']}, cannot resume after {resume}")
    w = ck["weights"]
    s = ck["random_state"]
    rng.setstate((s[0], tuple(s[1]), s[2]))
    start = ck["epoch"] + 1
else:
    if os.environ.get("REPORT_INIT_DIR"):
        w = load(os.environ["REPORT_INIT_DIR"])["weights"]
    emit({"epoch": 0, **evaluate(w)})

for epoch in range(start, args.epochs + 1):
    order = list(range(len(train)))  # fresh each epoch: state = weights + rng only
    rng.shuffle(order)
    loss = correct = 0
    for b in range(0, len(order), args.batch_size):
        batch = [train[i] for i in order[b:b + args.batch_size]]
        g = [0.0, 0.0, 0.0]
        for x1, x2, y in batch:
            q = predict(w, x1, x2)
            loss += bce(q, y)
            correct += (q >= 0.5) == (y == 1)
            d = q - y
            g[0] += d
            g[1] += d * x1
            g[2] += d * x2
        w = [wi - args.lr * gi / len(batch) for wi, gi in zip(w, g)]
    record = {"epoch": epoch, "loss": round(loss / len(train), 6),
              "acc": round(correct / len(train), 6), **evaluate(w)}
    save(epoch, w, rng, record)  # checkpoint first, so it is never behind the metrics
    emit(record)
    if args.stop_after and epoch == args.stop_after:
        sys.exit(3)
    if args.sleep:
        time.sleep(args.sleep)
