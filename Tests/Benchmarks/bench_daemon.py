"""Benchmarks 5, 6 and 7: the daemon at rest, its start-up, and its control socket.

    python3 bench_daemon.py BIN_DIR REPO_DIR            # 5 and 7
    python3 bench_daemon.py BIN_DIR REPO_DIR switches N # 6 (N seconds; run.sh runs it beside the cron comparison)
"""
import asyncio
import os
import statistics
import sys
import time

import configs
from benchlib import WORK, ControlClient, Daemon, record, rss_kib, summary, thread_switches, time_command, timing_note

SETTLE = 2.0  # seconds after `status` first answers, before memory is read

# Targets (issue 16), each with the figure measured before the work on it, shown side by side.
EARLIER = "before issue 16 (2026-11-27 run)"
TARGETS = {"5e": ("< 300 ms", 300, 444), "5f": ("< 50 ms", 50, 233)}


def target_fields(key, value):
    if key not in TARGETS:
        return {}
    text, bound, earlier = TARGETS[key]
    return dict(target=text, met=value < bound, peer=EARLIER, peer_value=earlier)


def daemon_for(bin_dir, name, make):
    folder = os.path.join(WORK, name)
    config = make(folder)
    return Daemon(bin_dir, config, os.path.join(folder, "control.sock"), os.path.join(folder, "daemon.log"))


def startups(bin_dir, name, make, runs):
    """Seconds from exec to `status` answering, over `runs` fresh starts (a new state folder each)."""
    times = []
    for i in range(runs):
        daemon = daemon_for(bin_dir, f"{name}-start{i}", make)
        try:
            times.append(daemon.start())
        finally:
            daemon.stop()
    return times


def at_rest(bin_dir, repo):
    """5. Memory and start-up with the production config and with 10,000 tasks; `v6ctl status` time."""
    production = lambda folder: configs.production(folder, os.path.join(repo, "config/production.yaml"))
    many = lambda folder: configs.many(folder, 10_000)
    tasks = sum(1 for line in open(os.path.join(repo, "config/production.yaml")) if line.strip().startswith("command:"))
    for ids, name, make, runs in [("5a 5b 5c", f"production config ({tasks} tasks)", production, 5),
                                  ("5d 5e 5f", "10,000 tasks", many, 3)]:
        key, start_id, status_id = ids.split()
        starts = startups(bin_dir, key, make, runs)
        daemon = daemon_for(bin_dir, key, make)
        try:
            daemon.start()
            time.sleep(SETTLE)
            rss, hwm = rss_kib(daemon.pid), rss_kib(daemon.pid, "VmHWM")
            v6ctl = [os.path.join(bin_dir, "v6ctl"), "--socket", daemon.socket_path, "status"]
            status = time_command(v6ctl, runs=20, warmup=2, name=f"status-{key}")
            record(key, f"resident memory idle, {name} (VmRSS)", round(rss / 1024, 1), "MiB",
                   notes=f"{SETTLE:.0f} s after start; peak VmHWM {hwm / 1024:.1f} MiB")
            start_ms = round(statistics.median(starts) * 1000, 0)
            record(start_id, f"start-up, {name}: exec until `status` answers", start_ms, "ms",
                   notes=f"median of {runs} fresh starts (new state.db each): "
                         + ", ".join(f"{s * 1000:.0f}" for s in starts) + " ms", **target_fields(start_id, start_ms))
            answer_ms, answer_bytes = raw_status(daemon.socket_path)
            status_ms = round(status["median"], 1)
            record(status_id, f"`v6ctl status`, {name}: whole v6ctl process", status_ms, "ms",
                   notes=f"{timing_note(status)}; the daemon's answer alone (raw socket round trip, median of 10): "
                         f"{answer_ms:.1f} ms, {answer_bytes:,} bytes (the counts and the tasks that need attention)",
                   **target_fields(status_id, status_ms))
            if key == "5a":
                socket_round_trips(daemon.socket_path)
            else:
                listing(bin_dir, daemon.socket_path)
        finally:
            daemon.stop()


def listing(bin_dir, path):
    """5g, 5h. `v6ctl list` with 10,000 tasks: one page of 50, and every task."""
    v6ctl = [os.path.join(bin_dir, "v6ctl"), "--socket", path, "list"]
    page = time_command(v6ctl + ["--limit", "50", "--offset", "5000"], runs=20, warmup=2, name="list-page")
    everything = time_command(v6ctl, runs=5, warmup=1, name="list-all")
    _, page_bytes = raw_status(path, runs=1, line=b'{"v":1,"cmd":"tasks","limit":50,"offset":5000}')
    _, all_bytes = raw_status(path, runs=1, line=b'{"v":1,"cmd":"tasks"}')
    record("5g", "`v6ctl list --limit 50 --offset 5000`, 10,000 tasks: whole v6ctl process", round(page["median"], 1), "ms",
           notes=f"{timing_note(page)}; {page_bytes:,} bytes of JSON")
    record("5h", "`v6ctl list` (every task), 10,000 tasks: whole v6ctl process", round(everything["median"], 0), "ms",
           notes=f"{timing_note(everything)}; {all_bytes:,} bytes of JSON")


def raw_status(path, runs=10, line=None):
    """(median ms, bytes) of a `status` request on an open connection, without v6ctl."""
    client = ControlClient(path)
    try:
        times, size = [], 0
        for _ in range(runs):
            t0 = time.perf_counter()
            size = len(client.send(line) if line else client.request())
            times.append((time.perf_counter() - t0) * 1000)
    finally:
        client.close()
    return statistics.median(times), size


async def closed_loop(path, clients, seconds):
    """`clients` connections, each sending `status` as soon as its previous answer arrived."""
    done = 0
    deadline = time.perf_counter() + seconds

    async def client(n):
        nonlocal done
        reader, writer = await asyncio.open_unix_connection(path, limit=1 << 24)
        i = 0
        while time.perf_counter() < deadline:
            i += 1
            writer.write(b'{"v":1,"id":%d,"cmd":"status"}\n' % i)
            await reader.readline()
            done += 1
        writer.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(client(n) for n in range(clients)))
    return done / (time.perf_counter() - t0)


def socket_round_trips(path, requests=2000):
    """7. `status` round trips on one persistent connection; then throughput with 1 and 16 clients."""
    client = ControlClient(path)
    try:
        for _ in range(50):
            client.request()
        rtts = []
        for _ in range(requests):
            t0 = time.perf_counter()
            client.request()
            rtts.append((time.perf_counter() - t0) * 1e6)
    finally:
        client.close()
    s = summary(rtts)
    record("7a", "control socket: `status` round trip on one connection, p50", round(s["p50"]), "us",
           notes=f"{requests} requests, production config, Python client over AF_UNIX")
    record("7b", "control socket: `status` round trip on one connection, p99", round(s["p99"]), "us",
           notes=f"max {s['max']:.0f} us")
    one = asyncio.run(closed_loop(path, 1, 3.0))
    sixteen = asyncio.run(closed_loop(path, 16, 3.0))
    record("7c", "control socket: `status` requests per second, 1 client", round(one), "req/s", notes="3 s closed loop")
    record("7d", "control socket: `status` requests per second, 16 clients", round(sixteen), "req/s",
           notes="3 s closed loop, one asyncio client process (it shares the 2 cores with the daemon)")


def switches(bin_dir, seconds):
    """6. Context switches of an idle daemon (nothing due, no watchdog), every thread summed."""
    daemon = daemon_for(bin_dir, "6-idle", configs.idle)
    try:
        daemon.start()
        time.sleep(SETTLE)
        before = thread_switches(daemon.pid)
        time.sleep(seconds)
        after = thread_switches(daemon.pid)
        rss = rss_kib(daemon.pid)
    finally:
        daemon.stop()
    per_thread = []
    total_v = total_nv = 0
    for tid, (name, v, nv) in after.items():
        _, v0, nv0 = before.get(tid, (name, 0, 0))
        total_v += v - v0
        total_nv += nv - nv0
        if v - v0 or nv - nv0:
            # libdispatch names its worker threads with the tail of their root queue's label.
            label = "libdispatch " + name if name.endswith("qos.overcommit") or name.endswith(".default-qos") else name
            per_thread.append(f"{label}[{tid}] {v - v0}")
    record("6a", f"voluntary context switches of the idle daemon over {seconds} s, all threads", total_v, "switches",
           notes=f"{len(after)} threads; those that woke: {', '.join(per_thread) or 'none'}; "
                 f"involuntary {total_nv}; VmRSS {rss / 1024:.1f} MiB")


if __name__ == "__main__":
    if len(sys.argv) > 3 and sys.argv[3] == "switches":
        switches(sys.argv[1], int(sys.argv[4]))
    else:
        at_rest(sys.argv[1], sys.argv[2])
