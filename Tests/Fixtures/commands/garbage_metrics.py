"""Fixture for `report` tests: writes one valid metrics line (epoch 1) and then
a line that is not JSON (`loss=0.3 acc=0.9`), and exits 0, to test how a
malformed metrics file is reported.
"""
import os

with open(os.environ["REPORT_METRICS"], "a") as f:
    f.write('{"epoch": 1, "loss": 0.5, "acc": 0.8}\n')
    f.write("loss=0.3 acc=0.9\n")
