"""Benchmarks 1 and 2: the offline commands, timed as whole processes.

    python3 bench_offline.py BIN_DIR REPO_DIR
"""
import os
import re
import resource
import subprocess
import sys
import time
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


def cpu_and_wall(argv):
    """One run of argv, output to /dev/null: (CPU ms user+system, wall ms)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    wall = (time.perf_counter() - start) * 1000
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)) * 1000, wall


def plan_dependencies(bin_dir, repo, runs=9):
    """2c-2d. What the dependencies (`after:`) cost in a plan: the same ten years of
    config/production.yaml with and without its after:/after_wait lines, run alternately, in CPU
    time (what the process itself spent, less sensitive to a busy machine than the wall time)."""
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
    rows_with, rows_without = ours.count(b"\n") - 1, theirs.count(b"\n") - 1
    with_runs, without_runs = [], []
    for _ in range(runs):
        with_runs.append(cpu_and_wall(argv(production)))
        without_runs.append(cpu_and_wall(argv(without)))
    median = lambda values: sorted(values)[len(values) // 2]
    cpu_with, cpu_without = median([c for c, _ in with_runs]), median([c for c, _ in without_runs])
    wall_with, wall_without = median([w for _, w in with_runs]), median([w for _, w in without_runs])
    record("2c", f"plan: config/production.yaml without its {edges} after: dependencies, CPU time (user+system)",
           round(cpu_without, 0), "ms", notes=f"median of {runs}, run alternately with 2d's; wall {wall_without:.0f} ms; "
           f"{rows_without:,} rows")
    record("2d", "plan: what the dependencies cost, CPU time with them minus without",
           round(cpu_with - cpu_without, 0), "ms", notes=f"{100 * (cpu_with - cpu_without) / cpu_without:+.1f} %; with them "
           f"{cpu_with:.0f} ms CPU, wall {wall_with:.0f} ms (median of {runs}); {rows_with:,} rows, {same}")


if __name__ == "__main__":
    bin_dir, repo = sys.argv[1], sys.argv[2]
    calendar(bin_dir)
    plan(bin_dir, repo)
    plan_dependencies(bin_dir, repo)
