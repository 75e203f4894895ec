"""Benchmarks 8 and 9: the figures the fault-injection tests used to assert as thresholds
(Tests/CLITests/FaultOutputTests.swift, FaultWatchdogTests.swift). The tests now check only the
behaviour (every line arrives, the other task keeps starting, pings stop and resume); how much
memory and how late is measured here, on a quiet machine.

    python3 bench_faults.py BIN_DIR

8. A task writes 300 MB (3,030,304 lines of 99 bytes) while a 1 s task runs beside it: the
   daemon's peak VmRSS (sampled every 50 ms), the flood's throughput, and the 1 s task's lateness
   (lateness_ms of its starts during the flood).
9. The systemd watchdog: the daemon started with NOTIFY_SOCKET (a datagram socket of ours) and
   WATCHDOG_USEC=1000000 pings WATCHDOG=1 at half the interval: the spacing of 40 pings.
"""
import os
import socket
import subprocess
import sys
import threading
import time

import configs
from bench_lateness import daemon_lateness
from benchlib import WORK, Daemon, record, register, rss_kib, summary, clean_env

# BENCH_FLOOD_BYTES shortens the flood for a quick look (the figures are then not comparable).
FLOOD_BYTES, LINE = int(os.environ.get("BENCH_FLOOD_BYTES", 300_000_000)), 99
TARGET_RSS_MIB, TARGET_LATE_MS = 150, 2000


def flood(bin_dir):
    folder = os.path.join(WORK, "flood")
    config = configs.write(folder, configs.header(folder) + f"""    tick:
      command: ["/bin/true"]
      frequency: "1s"
      market_phase: any
      days: every_day
      timeout_seconds: 10
      overlap: skip
    flood:
      command: ["/bin/sh", "-c", "head -c {FLOOD_BYTES} /dev/zero | tr '\\\\0' x | fold -w {LINE}"]
      at: "03:00"
      days: [{configs.quiet_weekday()}]
      timeout_seconds: 900
""")
    daemon = Daemon(bin_dir, config, os.path.join(folder, "control.sock"), os.path.join(folder, "daemon.log"))
    v6ctl = os.path.join(bin_dir, "v6ctl")
    try:
        daemon.start()
        time.sleep(2)
        before = rss_kib(daemon.pid)
        peak, sampling = [before], [True]

        def sample():
            while sampling[0]:
                try:
                    peak[0] = max(peak[0], rss_kib(daemon.pid))
                except (FileNotFoundError, ProcessLookupError):
                    return
                time.sleep(0.05)

        sampler = threading.Thread(target=sample)
        sampler.start()
        started = time.time()
        subprocess.run([v6ctl, "--socket", daemon.socket_path, "run-now", "flood", "--force", "--wait"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=clean_env(), timeout=900)
        seconds = time.time() - started
        sampling[0] = False
        sampler.join()
    finally:
        daemon.stop()
    late = summary(daemon_lateness(daemon.log, int(started) + 1))
    peak_mib = peak[0] / 1024
    size = f"{FLOOD_BYTES / 1e6:.0f} MB"
    record("11a", f"{size} output flood: daemon peak RSS", round(peak_mib, 1), "MiB", f"< {TARGET_RSS_MIB} MiB",
           peak_mib < TARGET_RSS_MIB, notes=f"{before / 1024:.1f} MiB before the flood; VmRSS sampled every 50 ms")
    record("11b", f"{size} output flood: throughput through the daemon", round(FLOOD_BYTES / seconds / 1e6, 1), "MB/s",
           notes=f"{FLOOD_BYTES // LINE + 1:,} lines in {seconds:.1f} s, each to the log")
    record("11c", f"{size} output flood: a 1 s task's lateness meanwhile, max", round(late["max"], 1), "ms",
           f"< {TARGET_LATE_MS} ms", late["max"] < TARGET_LATE_MS,
           notes=f"p50 {late['p50']:.1f}, p99 {late['p99']:.1f} ms over {late['n']} starts")


def watchdog(bin_dir, pings=40):
    folder = os.path.join(WORK, "watchdog")
    config = configs.write(folder, configs.header(folder) + f"""    idle:
      command: ["/bin/true"]
      at: "03:00"
      days: [{configs.quiet_weekday()}]
""")
    path = os.path.join(folder, "notify.sock")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    listener.bind(path)
    listener.settimeout(10)
    env = clean_env()
    env.update(NOTIFY_SOCKET=path, WATCHDOG_USEC="1000000")
    log = open(os.path.join(folder, "daemon.log"), "ab")
    process = subprocess.Popen([os.path.join(bin_dir, "v6-scheduler"), "run", "--config", config, "--log-target", "stderr"],
                               stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=env)
    register(process.pid, os.path.join(bin_dir, "v6-scheduler"))
    arrivals = []
    try:
        while len(arrivals) < pings:
            if b"WATCHDOG=1" in listener.recv(4096).split(b"\n"):
                arrivals.append(time.monotonic())
    finally:
        process.terminate()
        process.wait(30)
        listener.close()
    gaps = [(b - a) * 1000 for a, b in zip(arrivals, arrivals[1:])]
    s = summary(gaps)
    record("12a", "watchdog pings with WATCHDOG_USEC=1 s: interval, p50", round(s["p50"], 1), "ms", "about 500 ms",
           400 <= s["p50"] <= 600, notes=f"min {s['min']:.1f}, max {s['max']:.1f} ms over {s['n']} intervals")
    record("12b", "watchdog pings: longest interval", round(s["max"], 1), "ms", "< 1000 ms", s["max"] < 1000,
           notes="systemd acts when a whole WatchdogSec= passes without a ping")


if __name__ == "__main__":
    flood(sys.argv[1])
    watchdog(sys.argv[1])
