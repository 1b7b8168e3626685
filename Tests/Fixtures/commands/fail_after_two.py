"""Fixture for `report` tests: records epochs 1 and 2, then fails like a crashed
training (error lines on stderr, exit status 1), to test failure reporting.
"""
import json, os, sys

with open(os.environ["REPORT_METRICS"], "a") as f:
    for epoch, loss in ((1, 0.9), (2, 0.7)):
        f.write(json.dumps({"epoch": epoch, "loss": loss}) + "\n")
        f.flush()
print("epoch 3: allocating batch", file=sys.stderr)
print("Traceback (most recent call last): (simulated)", file=sys.stderr)
print("something went wrong: CUDA out of memory (simulated)", file=sys.stderr)
print("training aborted", file=sys.stderr)
sys.exit(1)
