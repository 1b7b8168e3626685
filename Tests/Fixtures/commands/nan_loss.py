"""Fixture for `report` tests: records epoch 1 with normal numbers, then epoch 2
with loss NaN as json.dumps writes it (the bare token NaN), and exits 0.
"""
import json, os

with open(os.environ["REPORT_METRICS"], "a") as f:
    f.write(json.dumps({"epoch": 1, "loss": 0.5, "val_acc": 0.8}) + "\n")
    f.write(json.dumps({"epoch": 2, "loss": float("nan"), "val_acc": 0.8}) + "\n")
