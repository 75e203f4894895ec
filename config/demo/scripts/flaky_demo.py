#!/usr/bin/env python3
"""Demo task that fails about half the time with exit code 1 (retried by the scheduler)."""
import random
import sys
import time

time.sleep(1)
if random.random() < 0.5:
    print("flaky_demo: upstream timed out, exiting 1 (the scheduler retries)", file=sys.stderr)
    sys.exit(1)
print("flaky_demo: fetched 42 rows")
