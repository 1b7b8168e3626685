"""Fixture for `report` tests: creates a 1 GB (10**9 bytes) sparse file
REPORT_RUN_DIR/big.bin (truncate only, no data written), records epoch 1,
sleeps 5 s and exits 0, to test run-directory size limits.
"""
import json, os, time

with open(os.path.join(os.environ["REPORT_RUN_DIR"], "big.bin"), "wb") as f:
    f.truncate(10**9)
with open(os.environ["REPORT_METRICS"], "a") as f:
    f.write(json.dumps({"epoch": 1, "loss": 0.5}) + "\n")
time.sleep(5)
