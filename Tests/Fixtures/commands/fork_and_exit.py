"""Fixture for `report` tests: forks a child that outlives the parent (sleeps
3 s, then writes REPORT_RUN_DIR/late.txt; it keeps the inherited stdout/stderr
open); the parent records epoch 1 and exits 0 at once.
"""
import json, os, sys, time

sys.stdout.flush()
sys.stderr.flush()
if os.fork() == 0:
    time.sleep(3)
    with open(os.path.join(os.environ["REPORT_RUN_DIR"], "late.txt"), "w") as f:
        f.write("written by the child after the parent exited\n")
    os._exit(0)
with open(os.environ["REPORT_METRICS"], "a") as f:
    f.write(json.dumps({"epoch": 1, "loss": 0.5}) + "\n")
