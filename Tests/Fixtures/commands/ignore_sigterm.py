"""Fixture for `report` tests: ignores SIGTERM, records epoch 1 and sleeps
600 s, so that cancelling it must escalate to SIGKILL.
"""
import json, os, signal, time

signal.signal(signal.SIGTERM, signal.SIG_IGN)
with open(os.environ["REPORT_METRICS"], "a") as f:
    f.write(json.dumps({"epoch": 1, "loss": 0.5}) + "\n")
time.sleep(600)
