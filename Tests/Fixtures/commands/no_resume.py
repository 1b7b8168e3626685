"""Fixture for `report` tests: a fake 3-epoch training that ignores
REPORT_RESUME_EPOCH and always starts again at epoch 1 (a non-resuming script).
Arguments: --epochs N (default 3), --sleep S (seconds after each epoch).
"""
import argparse, json, os, time

p = argparse.ArgumentParser()
p.add_argument("--epochs", type=int, default=3)
p.add_argument("--sleep", type=float, default=0.0)
args = p.parse_args()

for epoch in range(1, args.epochs + 1):
    with open(os.environ["REPORT_METRICS"], "a") as f:
        f.write(json.dumps({"epoch": epoch, "loss": round(1.0 / (epoch + 1), 6),
                            "val_acc": round(0.5 + 0.1 * epoch, 6)}) + "\n")
    if args.sleep:
        time.sleep(args.sleep)
