"""Benchmark 4: the daemon beside a real cron (busybox crond), both running the same every-minute
job at the same time; each job records its own start with `date +%s.%N`.

    python3 bench_cron.py BIN_DIR BUSYBOX SECONDS

Lateness is the job's own start time minus the minute boundary it belongs to (the daemon's task
is `cron: "* * * * *"`, so its scheduled minute is that boundary too). Only boundaries after both
schedulers were up and before the end count. Both run the job as `/bin/sh -c 'date ... >> FILE'`
(the crontab sets SHELL=/bin/sh; busybox crond would otherwise use root's login shell).
"""
import os
import subprocess
import sys
import time

import configs
from benchlib import WORK, Daemon, record, register, rss_kib, summary
from bench_lateness import daemon_lateness

OLD_BEFORE_MIB, OLD_AFTER_MIB = 500, 100  # the old setup's guide: 2-3 Python processes, before and after its tuning


def job_lateness(stamp_file, first, last):
    """(start - minute boundary) in ms for every start whose boundary lies in [first, last]."""
    values = []
    if os.path.exists(stamp_file):
        for line in open(stamp_file):
            t = float(line.strip())
            boundary = int(t // 60) * 60
            if first <= boundary <= last:
                values.append((t - boundary) * 1000)
    return values


def start_crond(busybox, folder, stamp_file):
    tabs = os.path.join(folder, "crontabs")
    os.makedirs(tabs, exist_ok=True)
    with open(os.path.join(tabs, "root"), "w") as f:
        f.write(f"SHELL=/bin/sh\n* * * * * date +%s.%N >> {stamp_file}\n")
    started = time.time()
    crond = subprocess.Popen([busybox, "crond", "-f", "-c", tabs, "-L", os.path.join(folder, "crond.log")],
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    register(crond.pid, busybox)
    return crond, started


def side_by_side(bin_dir, busybox, seconds):
    folder = os.path.join(WORK, "cron")
    cron_stamps, daemon_stamps = os.path.join(folder, "cron.times"), os.path.join(folder, "daemon.times")
    config = configs.every_minute(os.path.join(folder, "daemon"), daemon_stamps)
    daemon = Daemon(bin_dir, config, os.path.join(folder, "daemon", "control.sock"), os.path.join(folder, "daemon.log"))
    crond = None
    try:
        crond, crond_started = start_crond(busybox, folder, cron_stamps)
        daemon.start()
        ready = time.time()
        end = ready + seconds
        print(f"  side by side for {seconds} s, until {time.strftime('%H:%M:%S', time.localtime(end))}", flush=True)
        time.sleep(max(0.0, end - time.time()))
        daemon_rss, daemon_hwm = rss_kib(daemon.pid), rss_kib(daemon.pid, "VmHWM")
        crond_rss, crond_hwm = rss_kib(crond.pid), rss_kib(crond.pid, "VmHWM")
    finally:
        daemon.stop()
        if crond is not None:
            crond.terminate()
            crond.wait(10)
    first, last = int(ready // 60 + 1) * 60, int(end // 60) * 60
    minutes = (last - first) // 60 + 1
    ours, theirs = summary(job_lateness(daemon_stamps, first, last)), summary(job_lateness(cron_stamps, first, last))
    logged = summary(daemon_lateness(daemon.log, first))
    peer = "busybox crond 1.35 (Debian busybox-static)"
    window = f"{minutes} minute boundaries in {seconds / 60:.1f} min; both ran concurrently"
    record("4a", "every-minute job, lateness seen by the job (date in the job - minute boundary), p50",
           round(ours["p50"], 1), "ms", peer=peer, peer_value=round(theirs["p50"], 1),
           notes=f"{window}; crond was started {(crond_started % 1) * 1000:.0f} ms into a second")
    record("4b", "every-minute job, lateness seen by the job, p99", round(ours["p99"], 1), "ms",
           peer=peer, peer_value=round(theirs["p99"], 1), notes=f"daemon {ours['n']} runs, crond {theirs['n']} runs")
    record("4c", "every-minute job, lateness seen by the job, max", round(ours["max"], 1), "ms",
           peer=peer, peer_value=round(theirs["max"], 1),
           notes="busybox crond sleeps whole seconds from its own start: its lateness is the sub-second phase it "
                 "started at (0-1000 ms)")
    record("4d", "every-minute job, the daemon's own lateness_ms (after posix_spawn), p50",
           round(logged["p50"], 2), "ms", notes=f"max {logged['max']:.2f} ms over {logged['n']} runs")
    record("4e", "resident memory during the comparison (VmRSS)", round(daemon_rss / 1024, 1), "MiB",
           peer=peer, peer_value=round(crond_rss / 1024, 2),
           notes=f"peak VmHWM: daemon {daemon_hwm / 1024:.1f} MiB, crond {crond_hwm / 1024:.2f} MiB")
    record("4f", "resident memory vs the old setup before (2-3 Python processes, from its guide)",
           round(daemon_rss / 1024, 1), "MiB", peer="old Python setup, before", peer_value=OLD_BEFORE_MIB,
           notes="figure quoted from the old setup's guide, not measured here")
    record("4g", "resident memory vs the old setup after its tuning (average, from its guide)",
           round(daemon_rss / 1024, 1), "MiB", peer="old Python setup, after", peer_value=OLD_AFTER_MIB,
           notes="figure quoted from the old setup's guide, not measured here")


if __name__ == "__main__":
    side_by_side(sys.argv[1], sys.argv[2], int(sys.argv[3]))
