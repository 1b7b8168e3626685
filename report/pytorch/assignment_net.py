#!/usr/bin/env python3
"""The assignment's network (conv10-conv20-fc50-fc10, dropout 0.5, log-softmax + NLL) in PyTorch,
run by `report` as a command experiment, e.g. for question 4:

    run: python3 report/pytorch/assignment_net.py --optimizer {optimizer} --epochs {epochs} --seed {seed}

Protocol (environment variables set by `report`; run by hand without them, it prints to stdout only):
  REPORT_METRICS       one JSON object per line is appended per finished epoch, flushed at once:
                       {"epoch": 0, "loss": null, "acc": null, "val_loss": .., "val_acc": .., "train_s": 0,
                       "eval_s": ..}
                       is the evaluation before training; epochs 1.. carry the training loss and accuracy
                       (mean over the epoch, dropout on), the validation loss and accuracy (the 10,000 test
                       images) and the seconds spent training and evaluating. A diverging epoch's line
                       has NaN (Python's json writes it; report reads it as divergence), then it stops.
  REPORT_RUN_DIR       checkpoint.pt (model, optimizer, RNG state, epoch, that epoch's line) after each epoch.
  REPORT_RESUME_EPOCH  > 0: continue from checkpoint.pt at that epoch + 1, writing only the new epochs.
  REPORT_INIT_DIR      start from the weights in its checkpoint.pt (not its optimizer state).
  REPORT_THREADS       torch.set_num_threads.   REPORT_SEED: default of --seed.
  REPORT_DATA_DIR      default of --data (else ../shared/data from the project root).

Matches the engine's defaults (Sources/Engine/Training/TrainingConfig.swift, Trainer.swift): batch size
256 with a last partial batch of 96, 10 epochs, (x/255 - 0.1307)/0.3081 for both datasets, weights and
biases uniform in ±1/sqrt(fan_in) (PyTorch's default init is that distribution), SGD lr 0.01 momentum 0.5,
Adam lr 0.001, RMSprop lr 0.01 alpha 0.99 momentum 0, eps 1e-8, training loss and accuracy averaged over
images. What differs: the random numbers. The engine draws weights, shuffles and dropout masks from its
own generator (a fresh uniform shuffle of the previous epoch's order each epoch); here torch's generator,
seeded once, draws a fresh torch.randperm each epoch. Same distributions, so a seed here is not the
engine's seed with the same number: compare means over seeds, not single runs.
"""
import argparse, gzip, json, math, os, sys, time
try:
    import numpy as np, torch, torch.nn as nn, torch.nn.functional as F
except ImportError:
    print('assignment_net.py needs PyTorch and numpy: python3 -m venv .venv && .venv/bin/pip install torch numpy',
          file=sys.stderr)
    sys.exit(2)

env = os.environ.get
root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # the project root
p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
p.add_argument('--data', default=env('REPORT_DATA_DIR') or os.path.join(root, '..', 'shared', 'data'))
p.add_argument('--dataset', default='fashion_mnist', choices=['mnist', 'fashion_mnist', 'fashion-mnist'])
p.add_argument('--optimizer', default='sgd', choices=['sgd', 'adam', 'rmsprop'])
p.add_argument('--lr', type=float, help='default: 0.01 for sgd and rmsprop, 0.001 for adam (PyTorch)')
p.add_argument('--momentum', type=float, help='sgd: default 0.5 (the assignment); rmsprop: default 0 (PyTorch)')
p.add_argument('--epochs', type=int, default=10)
p.add_argument('--batch-size', type=int, default=256)
p.add_argument('--seed', type=int, default=int(env('REPORT_SEED') or 1))
p.add_argument('--threads', type=int, default=int(env('REPORT_THREADS') or 0),
               help='torch threads (default REPORT_THREADS); results depend on it, so a report fixes it')
a = p.parse_args()
if a.optimizer == 'adam' and a.momentum is not None: p.error('--momentum applies to sgd and rmsprop')
if a.threads: torch.set_num_threads(a.threads)
torch.manual_seed(a.seed)

def idx(path):
    raw = gzip.open(path).read()
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], 'big') for i in range(raw[3])]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * raw[3]).reshape(dims)

d = os.path.join(a.data, a.dataset.replace('_', '-'))
if not os.path.isdir(d): sys.exit(f'assignment_net.py: no dataset directory {d} (give --data or REPORT_DATA_DIR)')
def load(split):
    x = (idx(os.path.join(d, f'{split}-images-idx3-ubyte.gz')).astype(np.float32) / 255.0 - 0.1307) / 0.3081
    y = idx(os.path.join(d, f'{split}-labels-idx1-ubyte.gz')).astype(np.int64)
    return torch.from_numpy(x).unsqueeze(1), torch.from_numpy(y)
xtr, ytr = load('train'); xte, yte = load('t10k')

class Net(nn.Module):
    def __init__(s):
        super().__init__()
        s.c1 = nn.Conv2d(1, 10, 5); s.c2 = nn.Conv2d(10, 20, 5); s.f1 = nn.Linear(320, 50); s.f2 = nn.Linear(50, 10)
    def forward(s, x):
        x = F.relu(F.max_pool2d(s.c1(x), 2)); x = F.relu(F.max_pool2d(s.c2(x), 2))
        x = F.dropout(F.relu(s.f1(x.flatten(1))), p=0.5, training=s.training)
        return F.log_softmax(s.f2(x), 1)

m = Net()
if a.optimizer == 'sgd':
    opt = torch.optim.SGD(m.parameters(), lr=0.01 if a.lr is None else a.lr,
                          momentum=0.5 if a.momentum is None else a.momentum)
elif a.optimizer == 'adam':
    opt = torch.optim.Adam(m.parameters(), **({} if a.lr is None else {'lr': a.lr}))
else:
    opt = torch.optim.RMSprop(m.parameters(), momentum=a.momentum or 0.0,
                              **({} if a.lr is None else {'lr': a.lr}))

run_dir, out = env('REPORT_RUN_DIR'), env('REPORT_METRICS')
def record(r):
    line = json.dumps(r)
    print(line, flush=True)
    if out:
        with open(out, 'a') as f: f.write(line + '\n'); f.flush()

def save(epoch, r):
    if not run_dir: return
    os.makedirs(run_dir, exist_ok=True)
    path = os.path.join(run_dir, 'checkpoint.pt')
    torch.save({'epoch': epoch, 'record': r, 'model': m.state_dict(), 'optimizer': opt.state_dict(),
                'rng': torch.get_rng_state()}, path + '.tmp')
    os.replace(path + '.tmp', path)

def evaluate():
    m.eval(); loss = 0.0; correct = 0
    with torch.no_grad():
        for i in range(0, len(xte), a.batch_size):
            o = m(xte[i:i + a.batch_size]); y = yte[i:i + a.batch_size]
            loss += F.nll_loss(o, y, reduction='sum').item(); correct += (o.argmax(1) == y).sum().item()
    return loss / len(xte), correct / len(xte)

first = 1
resume = int(env('REPORT_RESUME_EPOCH') or 0)
ckpt_path = os.path.join(run_dir or '', 'checkpoint.pt')
ckpt = torch.load(ckpt_path) if resume > 0 and run_dir and os.path.exists(ckpt_path) else None
if ckpt and ckpt['epoch'] in (resume, resume + 1):
    m.load_state_dict(ckpt['model']); opt.load_state_dict(ckpt['optimizer']); torch.set_rng_state(ckpt['rng'])
    if ckpt['epoch'] == resume + 1: record(ckpt['record'])  # stopped after the checkpoint, before its line
    first = ckpt['epoch'] + 1
else:
    if resume > 0:
        print(f'assignment_net.py: no checkpoint of epoch {resume} in {run_dir}; starting again', file=sys.stderr)
    if env('REPORT_INIT_DIR'):
        m.load_state_dict(torch.load(os.path.join(env('REPORT_INIT_DIR'), 'checkpoint.pt'))['model'])
    t0 = time.time(); vl, va = evaluate()
    record({'epoch': 0, 'loss': None, 'acc': None, 'val_loss': vl, 'val_acc': va, 'train_s': 0,
            'eval_s': time.time() - t0})

n = len(xtr)
for epoch in range(first, a.epochs + 1):
    m.train(); t0 = time.time(); perm = torch.randperm(n); tl = 0.0; correct = 0
    for i in range(0, n, a.batch_size):
        b = perm[i:i + a.batch_size]
        opt.zero_grad(); o = m(xtr[b]); loss = F.nll_loss(o, ytr[b]); loss.backward(); opt.step()
        tl += loss.item() * len(b); correct += (o.argmax(1) == ytr[b]).sum().item()
    train_s = time.time() - t0; t0 = time.time(); vl, va = evaluate()
    r = {'epoch': epoch, 'loss': tl / n, 'acc': correct / n, 'val_loss': vl, 'val_acc': va,
         'train_s': train_s, 'eval_s': time.time() - t0}
    save(epoch, r); record(r)
    if not math.isfinite(tl) or not math.isfinite(vl): sys.exit(f'assignment_net.py: diverged in epoch {epoch}')
