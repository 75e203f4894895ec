#!/usr/bin/env python3
"""Demo task: pretends to collect a snapshot of KIND (options or futures)."""
import os
import sys
import time

kind = sys.argv[1] if len(sys.argv) > 1 else "options"
size = int(os.environ.get("DEMO_SNAPSHOT_SIZE", "10"))
print(f"collect_snapshots: fetching {size} {kind} quotes")
time.sleep(2)
print(f"collect_snapshots: stored {size} {kind} quotes")
