"""Fixture for `report` tests: records epoch 1 and then sleeps 600 s
(to test timeouts and cancellation of a well-behaved process).
"""
import json, os, time

with open(os.environ["REPORT_METRICS"], "a") as f:
    f.write(json.dumps({"epoch": 1, "loss": 0.5}) + "\n")
time.sleep(600)
