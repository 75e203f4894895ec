"""Benchmark 3: how late the daemon starts a task after its scheduled instant.

    python3 bench_lateness.py BIN_DIR SECONDS_ONE SECONDS_BURST

Two views of one start: the daemon's (`lateness_ms=` on its `started` log line: posix_spawn has
returned, measured against the scheduled whole second) and the task's own (`date +%s.%N` run by
/bin/sh inside the task, against V6_SCHEDULED_AT: adds the exec of sh and of date).
"""
import datetime
import os
import re
import sys
import time

import configs
from benchlib import WORK, record, run_daemon_for, summary, task_lateness

STARTED = re.compile(r" started .*")
LATENESS = re.compile(r"lateness_ms=(-?[0-9.]+)")
SCHEDULED = re.compile(r"scheduled_at=(\S+)")


def daemon_lateness(log, not_before, field=LATENESS):
    """lateness_ms (or another `field=` of the `started` line) of every scheduled start in `log` whose
    scheduled time is at or after `not_before`."""
    values = []
    for line in open(log, errors="replace"):
        if " started " not in line or "trigger=schedule" not in line:
            continue
        late, at = field.search(line), SCHEDULED.search(line)
        if late and at and datetime.datetime.fromisoformat(at.group(1)).timestamp() >= not_before:
            values.append(float(late.group(1)))
    return values


def fmt(s):
    return f"p50 {s['p50']:.2f}, p99 {s['p99']:.2f}, max {s['max']:.2f} ms over {s['n']} starts"


def one_task(bin_dir, seconds):
    folder = os.path.join(WORK, "lateness-1")
    stamps = os.path.join(folder, "stamps.txt")
    log, not_before = run_daemon_for(bin_dir, configs.every_second(folder, stamps), seconds)
    d = summary(daemon_lateness(log, not_before))
    t = summary(task_lateness(stamps, not_before))
    record("3a", "fire lateness, 1 task every 1 s, daemon's view (lateness_ms), p50", round(d["p50"], 2), "ms")
    record("3b", "fire lateness, 1 task every 1 s, daemon's view, p99", round(d["p99"], 2), "ms", "< 10 ms",
           d["p99"] < 10, notes=f"{d['n']} starts in {seconds} s (p99 of so few is close to the max)")
    record("3c", "fire lateness, 1 task every 1 s, daemon's view, max", round(d["max"], 2), "ms")
    record("3d", "fire lateness, 1 task every 1 s, task's own view (date in the task vs V6_SCHEDULED_AT)",
           round(t["p50"], 2), "ms (p50)", notes=fmt(t) + "; includes exec of /bin/sh and /bin/date")


def burst(bin_dir, seconds):
    folder = os.path.join(WORK, "lateness-200")
    log, not_before = run_daemon_for(bin_dir, configs.burst(folder, 200, "5s"), seconds)
    d = summary(daemon_lateness(log, not_before))
    bursts = d["n"] / 200
    record("3e", "fire lateness, 200 tasks due at the same instant every 5 s, p50", round(d["p50"], 1), "ms",
           notes=f"{d['n']} starts ({bursts:.0f} bursts) of /bin/true, max_concurrent_tasks 256")
    record("3f", "fire lateness, 200 tasks due at the same instant, p99", round(d["p99"], 1), "ms")
    record("3g", "fire lateness, 200 tasks due at the same instant, max (the 200th start)", round(d["max"], 1), "ms",
           notes=f"about {d['max'] / 200:.2f} ms per start, serially in the daemon")


if __name__ == "__main__":
    one_task(sys.argv[1], int(sys.argv[2]))
    burst(sys.argv[1], int(sys.argv[3]))
