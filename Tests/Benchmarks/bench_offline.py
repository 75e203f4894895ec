"""Benchmarks 1 and 2: the offline commands, timed as whole processes.

    python3 bench_offline.py BIN_DIR REPO_DIR
"""
import os
import re
import subprocess
import sys
from importlib.metadata import version

from benchlib import WORK, record, time_command, timing_note

HERE = os.path.dirname(os.path.abspath(__file__))


def calendar(bin_dir):
    """1. Every NYSE session 1990-2099 as csv, v6ctl against exchange_calendars in Python."""
    v6ctl = [os.path.join(bin_dir, "v6ctl"), "calendar", "sessions", "--from", "1990-01-01", "--to", "2099-12-31",
             "--format", "csv"]
    xcals = [sys.executable, os.path.join(HERE, "xcals_sessions.py"), "1990-01-01", "2099-12-31"]
    ours = subprocess.run(v6ctl, check=True, capture_output=True, text=True).stdout
    theirs = subprocess.run(xcals, check=True, capture_output=True, text=True).stdout
    ours_rows, theirs_rows = ours.splitlines()[1:], theirs.splitlines()[1:]
    differing = len(set(ours_rows) ^ set(theirs_rows))
    t_ours = time_command(v6ctl, runs=20, warmup=3, name="calendar-v6ctl")
    t_theirs = time_command(xcals, runs=5, warmup=1, name="calendar-xcals")
    record("1", "calendar: sessions 1990-2099 as csv, whole `v6ctl calendar sessions` process",
           round(t_ours["median"], 1), "ms", "< 100 ms", t_ours["median"] < 100,
           f"exchange_calendars {version('exchange_calendars')} (whole python3 process)", round(t_theirs["median"], 1),
           f"{len(ours_rows)} sessions; csv rows differing from the peer's: {differing}. v6ctl {timing_note(t_ours)}; "
           f"peer {timing_note(t_theirs)}")


def plan(bin_dir, repo):
    """2. `v6-scheduler plan` over ten years of config/production.yaml."""
    argv = [os.path.join(bin_dir, "v6-scheduler"), "plan", "--config", os.path.join(repo, "config/production.yaml"),
            "--from", "2020-01-01", "--to", "2029-12-31"]
    out = subprocess.run(argv, check=True, capture_output=True).stdout
    rows = out.count(b"\n") - 1
    t = time_command(argv, runs=5, warmup=1, name="plan")
    record("2a", "plan: config/production.yaml 2020-2029 as csv, whole `v6-scheduler plan` process",
           round(t["median"], 0), "ms", "< 2000 ms", t["median"] < 2000, notes=f"{timing_note(t)}; {len(out) / 1e6:.1f} MB of csv")
    record("2b", "plan: rows", rows, "rows", notes=f"{rows / (t['median'] / 1000) / 1e3:.0f} thousand rows/s")


def plan_dependencies(bin_dir, repo):
    """2c-2d. What the dependencies (`after:`) cost in a plan: the same ten years of
    config/production.yaml with and without its after:/after_wait lines, timed back to back."""
    production = os.path.join(repo, "config/production.yaml")
    with open(production) as f:
        text = f.read()
    stripped = re.sub(r"(?m)^[ \t]+after(_wait)?:.*\n", "", text)
    edges = len(re.findall(r"(?m)^[ \t]+after:", text))
    without = os.path.join(WORK, "production-without-after.yaml")
    with open(without, "w") as f:
        f.write(stripped)
    argv = lambda config: [os.path.join(bin_dir, "v6-scheduler"), "plan", "--config", config,
                           "--from", "2020-01-01", "--to", "2029-12-31"]
    ours = subprocess.run(argv(production), check=True, capture_output=True).stdout
    theirs = subprocess.run(argv(without), check=True, capture_output=True).stdout
    same = "identical csv" if ours == theirs else "the csv DIFFERS"
    t_with = time_command(argv(production), runs=7, warmup=1, name="plan-after")
    t_without = time_command(argv(without), runs=7, warmup=1, name="plan-no-after")
    cost = t_with["median"] - t_without["median"]
    rows_with, rows_without = ours.count(b"\n") - 1, theirs.count(b"\n") - 1
    record("2c", f"plan: the same without its {edges} after: dependencies (the lines removed)",
           round(t_without["median"], 0), "ms", notes=f"{timing_note(t_without)}; {rows_without:,} rows")
    record("2d", "plan: what the dependencies cost (with them minus without, medians of runs back to back)",
           round(cost, 0), "ms", notes=f"{100 * cost / t_without['median']:+.1f} %; with them: {timing_note(t_with)}; "
           f"{rows_with:,} rows, {same}")


if __name__ == "__main__":
    bin_dir, repo = sys.argv[1], sys.argv[2]
    calendar(bin_dir)
    plan(bin_dir, repo)
    plan_dependencies(bin_dir, repo)
