"""Benchmarks 13 and 14: starts under a burst and under disk load, as each task sees them.

    python3 bench_burst.py BIN_DIR burst SECONDS        (13: 200 tasks due at one instant, beside a C loop)
    python3 bench_burst.py BIN_DIR diskload SECONDS     (14: 1 task a second while 2 GB are written with fsyncs)

Every task is `c/stamp.c` (compiled here with cc -O2): its first act is to read CLOCK_REALTIME,
so lateness is counted at exec, without a shell's start-up. The floor is `c/burst_floor.c`: it
sleeps to the same kind of instant (a whole second, a multiple of 5, CLOCK_REALTIME, absolute) and
posix_spawns the same 200 programs in a loop. Both run in the same step, one after the other.
"""
import os
import subprocess
import sys
import time

import configs
from benchlib import WORK, Daemon, record, register, run_daemon_for, summary, task_lateness

HERE = os.path.dirname(os.path.abspath(__file__))
COUNT = 200
PERIOD = 5


def compile_c(name):
    out = os.path.join(WORK, name)
    if not os.path.exists(out):
        subprocess.run(["cc", "-O2", "-o", out, os.path.join(HERE, "c", f"{name}.c")], check=True)
    return out


def fmt(s):
    return f"p50 {s['p50']:.1f}, p99 {s['p99']:.1f}, max {s['max']:.1f} ms over {s['n']} starts"


def burst(bin_dir, seconds):
    stamp, floor = compile_c("stamp"), compile_c("burst_floor")
    folder = os.path.join(WORK, "burst-c")
    daemon_file, floor_file = os.path.join(folder, "daemon-stamps.txt"), os.path.join(folder, "floor-stamps.txt")
    config = configs.burst(folder, COUNT, f"{PERIOD}s", command=[stamp, daemon_file])
    _, not_before = run_daemon_for(bin_dir, config, seconds)
    d = summary(task_lateness(daemon_file, not_before))
    bursts = max(1, d["n"] // COUNT)
    floor_started = time.time()
    loop = subprocess.Popen([floor, stamp, floor_file, str(COUNT), str(PERIOD), str(bursts)])
    register(loop.pid, floor)
    loop.wait()
    f = summary(task_lateness(floor_file, floor_started))
    ratio = d["p99"] / f["p99"] if f["p99"] else float("nan")
    record("13a", f"{COUNT} tasks due at one instant, lateness as each task sees it (exec of a C program), p50",
           round(d["p50"], 1), "ms", peer="C loop, posix_spawn × 200", peer_value=round(f["p50"], 1),
           notes=f"daemon: {fmt(d)}; loop: {fmt(f)}")
    record("13b", f"{COUNT} tasks due at one instant, lateness as each task sees it, p99", round(d["p99"], 1), "ms",
           "≤ 1.5 × the C loop's p99", ratio <= 1.5, peer="C loop, posix_spawn × 200", peer_value=round(f["p99"], 1),
           notes=f"ratio {ratio:.2f}; was 394-446 ms beside 115-127 ms (issue 16)")
    record("13c", f"{COUNT} tasks due at one instant, the last start (max)", round(d["max"], 1), "ms",
           peer="C loop, posix_spawn × 200", peer_value=round(f["max"], 1), notes=f"{bursts} bursts each")


def write_load(path, total_bytes, chunk=1 << 20, fsync_every=16):
    """Another process: writes `total_bytes` to `path` in 1 MiB writes, fsync every 16 MiB."""
    code = f"""
import os
fd = os.open({path!r}, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
block = os.urandom({chunk})
for i in range({total_bytes // chunk}):
    os.write(fd, block)
    if i % {fsync_every} == {fsync_every - 1}:
        os.fsync(fd)
os.fsync(fd)
os.close(fd)
"""
    process = subprocess.Popen([sys.executable, "-c", code])
    register(process.pid, sys.executable)
    return process


def diskload(bin_dir, seconds):
    stamp = compile_c("stamp")
    folder = os.path.join(WORK, "diskload")
    stamp_file = os.path.join(folder, "stamps.txt")
    config = configs.every_second(folder, stamp_file, command=[stamp, stamp_file])
    daemon = Daemon(bin_dir, config, os.path.join(folder, "control.sock"), os.path.join(folder, "daemon.log"))
    blob = os.path.join(folder, "load.bin")
    writer = None
    try:
        daemon.start()
        not_before = int(time.time()) + 2
        started = time.time()
        writer = write_load(blob, 2 << 30)
        # The whole 2 GB, and at least `seconds`.
        while writer.poll() is None or time.time() - started < seconds:
            time.sleep(0.5)
        took = time.time() - started
    finally:
        if writer and writer.poll() is None:
            writer.kill()
            writer.wait()
        daemon.stop()
        if os.path.exists(blob):
            os.remove(blob)
    t = summary(task_lateness(stamp_file, not_before))
    record("14a", "1 task a second while another process writes 2 GB with fsyncs, lateness as the task sees it, p50",
           round(t["p50"], 2), "ms", notes=f"{fmt(t)}; the writer took {took:.0f} s (1 MiB writes, fsync every 16 MiB)")
    record("14b", "1 task a second under that disk load, lateness as the task sees it, p99", round(t["p99"], 2), "ms",
           "< 10 ms", t["p99"] < 10, notes="was 19.7 ms after a build's write-back (issue 16)")
    record("14c", "1 task a second under that disk load, max", round(t["max"], 2), "ms")


if __name__ == "__main__":
    {"burst": burst, "diskload": diskload}[sys.argv[2]](sys.argv[1], int(sys.argv[3]))
