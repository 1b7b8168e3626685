"""Fixture for `report` tests: records {"epoch": 1, "loss": 0.5} and writes what
the command received (REPORT_* and OMP_NUM_THREADS variables, working
directory, arguments) to REPORT_RUN_DIR/env.json.
"""
import json, os, sys

env = {k: v for k, v in os.environ.items() if k.startswith("REPORT_") or k == "OMP_NUM_THREADS"}
with open(os.environ["REPORT_METRICS"], "a") as f:
    f.write(json.dumps({"epoch": 1, "loss": 0.5}) + "\n")
with open(os.path.join(os.environ["REPORT_RUN_DIR"], "env.json"), "w") as f:
    json.dump({"env": env, "cwd": os.getcwd(), "argv": sys.argv[1:]}, f, indent=2, sort_keys=True)
    f.write("\n")
