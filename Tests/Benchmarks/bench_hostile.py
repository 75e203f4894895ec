"""Benchmark 8: the daemon under a hostile local client (issue 17, items 2 and 3).

    python3 bench_hostile.py BIN_DIR [SECONDS]

9a-9d: a reader that sends `{"v":1,"id":N,"cmd":"history","limit":10000,"output":true}` lines on
one connection and never reads, against a daemon whose history holds about 60 runs with 64 KiB
output tails: the daemon's peak RSS, operators' `v6ctl status` time meanwhile, the 1 s task's
lateness, and the daemon's CPU once the client has gone.
9e-9g: 64 slow connections (`{` then a space every 0.5 s, reconnecting when cut off) from four
other uids (root only: setpriv), 16 each: root's `v6ctl status` time and successes meanwhile, the
daemon's peak RSS. Without root, one uid tries 64 (the per-uid cap turns 48 away).
"""
import os
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time

from benchlib import Daemon, WORK, percentile, record, register, rss_kib

TALKER = "yes 0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz | head -c 70000"


def config(folder):
    os.makedirs(folder, exist_ok=True)
    os.chmod(folder, 0o755)
    lines = ["scheduler:", f'  working_directory: "{folder}"', f'  state_directory: "{folder}/state"',
             f'  control_socket: "{folder}/control.sock"', "  enable_logging: false", "  tasks:",
             "    ticker:", '      command: ["/bin/true"]', '      frequency: "1s"', "      market_phase: any",
             "      days: every_day"]
    for i in range(3):  # three talkers: about 60 runs with 64 KiB tails in 20 s
        lines += [f"    talker{i}:", f'      command: ["/bin/sh", "-c", "{TALKER}"]', '      frequency: "1s"',
                  "      market_phase: any", "      days: every_day"]
    path = os.path.join(folder, "config.yaml")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


def start(bin_dir, name):
    folder = os.path.join(WORK, name)
    daemon = Daemon(bin_dir, config(folder), os.path.join(folder, "control.sock"), os.path.join(folder, "daemon.log"))
    daemon.start()
    return daemon, folder


class Sampler(threading.Thread):
    """The daemon's VmRSS every 0.1 s, until stopped."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0, True

    def run(self):
        while self.running:
            try:
                self.peak = max(self.peak, rss_kib(self.pid))
            except (FileNotFoundError, ProcessLookupError):
                return
            time.sleep(0.1)


def operator_status(bin_dir, socket_path, until, pause=0.5):
    """`v6ctl status` again and again until `until`: (wall times in ms, exit codes)."""
    times, codes = [], []
    while time.time() < until:
        t0 = time.perf_counter()
        done = subprocess.run([os.path.join(bin_dir, "v6ctl"), "--socket", socket_path, "status"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append((time.perf_counter() - t0) * 1000)
        codes.append(done.returncode)
        time.sleep(pause)
    return times, codes


def ticker_lateness(log, after):
    """lateness_ms of the ticker's starts logged after byte offset `after` of the daemon's log."""
    values = []
    with open(log, "rb") as f:
        f.seek(after)
        for line in f:
            if b"[ticker run=" in line and b"] started " in line and b"lateness_ms=" in line:
                values.append(float(line.split(b"lateness_ms=")[1].split()[0]))
    return values


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def never_reading(bin_dir, seconds):
    daemon, folder = start(bin_dir, "hostile-reader")
    try:
        time.sleep(20)  # about 60 runs with 64 KiB tails
        base = rss_kib(daemon.pid)
        log_offset = os.path.getsize(daemon.log)
        sampler = Sampler(daemon.pid)
        sampler.start()
        attacker = socket.socket(socket.AF_UNIX)
        attacker.connect(daemon.socket_path)
        attacker.setblocking(False)
        requests = b"".join(b'{"v":1,"id":%d,"cmd":"history","limit":10000,"output":true}\n' % i for i in range(1, 3001))
        sent = 0
        stop_at = time.time() + seconds

        def flood():
            nonlocal sent
            while time.time() < stop_at and sent < len(requests):
                try:
                    sent += attacker.send(requests[sent:sent + 65536])
                except BlockingIOError:
                    time.sleep(0.05)

        flooder = threading.Thread(target=flood, daemon=True)
        flooder.start()
        times, codes = operator_status(bin_dir, daemon.socket_path, stop_at)
        flooder.join()
        attacker.close()
        time.sleep(1)
        cpu0 = cpu_seconds(daemon.pid)
        time.sleep(10)
        cpu_after = cpu_seconds(daemon.pid) - cpu0
        sampler.running = False
        lateness = ticker_lateness(daemon.log, log_offset)
        note = (f"{seconds} s; the client got {sent:,} of {len(requests):,} bytes (3,000 requests) into the socket; "
                f"the daemon read one request at a time, the rest waited in the kernel's buffers")
        record("9a", "never-reading client: daemon peak RSS", round(sampler.peak / 1024, 1), "MiB",
               notes=f"{note}; {base / 1024:.1f} MiB before the attack; issue 17 measured 1.39 GiB before the fix")
        record("9b", "never-reading client: operator's `v6ctl status`", round(statistics.median(times), 1), "ms",
               notes=f"median of {len(times)}, max {max(times):.0f} ms, {codes.count(0)}/{len(codes)} exit 0")
        record("9c", "never-reading client: 1 s task lateness, max", round(max(lateness), 1) if lateness else float("nan"),
               "ms", notes=f"p50 {percentile(lateness, 50):.1f} ms over {len(lateness)} runs" if lateness else "")
        record("9d", "never-reading client: daemon CPU in the 10 s after it left", round(cpu_after, 2), "s",
               notes="issue 17 measured 100 % of a core for minutes before the fix")
    finally:
        daemon.stop()


def slow_connections(bin_dir, seconds):
    daemon, folder = start(bin_dir, "hostile-slow")
    attackers = []
    try:
        os.chmod(daemon.socket_path, 0o666)
        # Where the other uids can read it.
        script = os.path.join(folder, "slow_client.py")
        shutil.copy(os.path.join(os.path.dirname(os.path.abspath(__file__)), "slow_client.py"), script)
        root = os.getuid() == 0
        plan = [(60001 + i, 16) for i in range(4)] if root else [(None, 64)]
        for uid, count in plan:
            prefix = ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups"] if uid else []
            p = subprocess.Popen(prefix + ["/usr/bin/python3", script, daemon.socket_path, str(count), str(seconds + 5)],
                                 stdout=subprocess.DEVNULL)
            register(p.pid, "/usr/bin/python3")  # what setpriv execs
            attackers.append(p)
        time.sleep(3)
        log_offset = os.path.getsize(daemon.log)
        sampler = Sampler(daemon.pid)
        sampler.start()
        times, codes = operator_status(bin_dir, daemon.socket_path, time.time() + seconds)
        sampler.running = False
        lateness = ticker_lateness(daemon.log, log_offset)
        who = "4 other uids × 16" if root else "one uid (not root: its 16 connections, 48 turned away)"
        record("9e", "64 slow connections: root's `v6ctl status`", round(statistics.median(times), 1), "ms",
               notes=f"{who}, reconnecting when cut off, for {seconds} s; median of {len(times)}, max {max(times):.0f} ms; "
                     f"issue 17: `too many connections (64)` for as long as the sender liked")
        record("9f", "64 slow connections: root's `v6ctl status` answered", codes.count(0), f"of {len(codes)}")
        record("9g", "64 slow connections: daemon peak RSS", round(sampler.peak / 1024, 1), "MiB",
               notes=f"1 s task lateness max {max(lateness):.0f} ms" if lateness else "")
    finally:
        for p in attackers:
            p.kill()
            p.wait()
        daemon.stop()


if __name__ == "__main__":
    bin_dir = sys.argv[1]
    seconds = int(sys.argv[2]) if len(sys.argv) > 2 else 60
    never_reading(bin_dir, seconds)
    slow_connections(bin_dir, seconds)
