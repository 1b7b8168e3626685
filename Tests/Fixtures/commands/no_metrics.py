"""Fixture for `report` tests: prints "hello" and exits 0 without writing any
metrics line (a command that records nothing).
"""
print("hello")
