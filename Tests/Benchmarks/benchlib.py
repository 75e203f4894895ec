"""Shared pieces of the benchmarks: results, statistics, timing a command, a daemon started
from a config, a control-socket client and /proc readers.

Every process started here is written to $BENCH_WORK/pids ("PID PATH" lines) so that run.sh's
trap can stop what a crashed step left behind; each step also stops its own in `finally`.
"""
import datetime
import json
import math
import os
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import time

WORK = os.environ.get("BENCH_WORK", "/tmp")
RESULTS = os.path.join(WORK, "results.jsonl")


def record(id, figure, value, unit, target=None, met=None, peer=None, peer_value=None, notes=""):
    """Appends one row of the final table (render.py reads them in order)."""
    row = dict(id=id, figure=figure, value=value, unit=unit, target=target, met=met,
               peer=peer, peer_value=peer_value, notes=notes)
    with open(RESULTS, "a") as f:
        f.write(json.dumps(row) + "\n")
    shown = f"{value:.3g}" if isinstance(value, float) else str(value)
    print(f"  {id:5} {figure}: {shown} {unit}" + (f"  [{peer}: {peer_value}]" if peer else ""), flush=True)


def percentile(values, p):
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def task_lateness(stamp_file, not_before):
    """(task start - scheduled instant) in ms, from the task's own `EPOCH.NANOS SCHEDULED` lines
    (SCHEDULED: V6_SCHEDULED_AT, an ISO time, or epoch seconds), for instants from `not_before`."""
    values = []
    if not os.path.exists(stamp_file):
        return values
    for line in open(stamp_file):
        started, _, scheduled = line.strip().partition(" ")
        try:
            at = float(scheduled)
        except ValueError:
            at = datetime.datetime.fromisoformat(scheduled).timestamp()
        if at >= not_before:
            values.append((float(started) - at) * 1000)
    return values


def summary(values):
    """n, p50, p99, max, min, mean; NaN figures (shown as nan) when there is no sample at all."""
    if not values:
        nan = float("nan")
        return dict(n=0, p50=nan, p99=nan, max=nan, min=nan, mean=nan)
    return dict(n=len(values), p50=percentile(values, 50), p99=percentile(values, 99), max=max(values),
                min=min(values), mean=statistics.fmean(values))


# --- timing whole processes ------------------------------------------------------------------

def time_command(argv, runs, warmup=1, name="cmd"):
    """Wall time of the whole process in ms: median, mean, min, max, sd over `runs`.
    hyperfine (no shell, output to /dev/null) when installed, else the same loop in Python."""
    if shutil.which("hyperfine"):
        out = os.path.join(WORK, f"hyperfine-{name}.json")
        # Its outlier warnings go with the notes' min/max/sd; its stderr is shown only on failure.
        done = subprocess.run(["hyperfine", "--style", "none", "-N", "--warmup", str(warmup), "--runs", str(runs),
                               "--export-json", out, shlex.join(argv)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"hyperfine failed on {shlex.join(argv)}:\n{done.stderr}")
        with open(out) as f:
            r = json.load(f)["results"][0]
        times = [t * 1000 for t in r["times"]]
        tool = "hyperfine"
    else:
        for _ in range(warmup):
            subprocess.run(argv, stdout=subprocess.DEVNULL, check=True)
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            subprocess.run(argv, stdout=subprocess.DEVNULL, check=True)
            times.append((time.perf_counter() - t0) * 1000)
        tool = "python loop"
    return dict(median=statistics.median(times), mean=statistics.fmean(times), min=min(times), max=max(times),
                sd=statistics.stdev(times) if len(times) > 1 else 0.0, runs=len(times), tool=tool)


def timing_note(t):
    return f"median of {t['runs']} ({t['tool']}); min {t['min']:.1f}, max {t['max']:.1f}, sd {t['sd']:.1f}"


# --- processes -------------------------------------------------------------------------------

def register(pid, path):
    with open(os.path.join(WORK, "pids"), "a") as f:
        f.write(f"{pid} {path}\n")


def clean_env():
    """The environment without systemd's variables: no watchdog, no notify socket, no socket activation."""
    env = dict(os.environ)
    for key in ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES",
                "JOURNAL_STREAM"]:
        env.pop(key, None)
    return env


def proc_status(pid):
    """/proc/PID/status as a dict of strings."""
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    return fields


def rss_kib(pid, field="VmRSS"):
    return int(proc_status(pid)[field].split()[0])


def thread_switches(pid):
    """{tid: (name, voluntary, nonvoluntary)} for every thread of `pid`."""
    threads = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            s = proc_status(f"{pid}/task/{tid}")
            threads[tid] = (s["Name"], int(s["voluntary_ctxt_switches"]), int(s["nonvoluntary_ctxt_switches"]))
        except FileNotFoundError:
            pass  # the thread ended between listdir and open
    return threads


class ControlClient:
    """One persistent connection to the control socket; `status()` is one request/response."""

    def __init__(self, path, timeout=10):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.buffer = b""
        self.next_id = 0

    def request(self, cmd="status"):
        self.next_id += 1
        return self.send(b'{"v":1,"id":%d,"cmd":"%s"}' % (self.next_id, cmd.encode()))

    def send(self, line):
        """One request line (without its newline) and its answer."""
        self.sock.sendall(line + b"\n")
        while b"\n" not in self.buffer:
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                raise ConnectionError("the daemon closed the control connection")
            self.buffer += chunk
        answer, _, self.buffer = self.buffer.partition(b"\n")
        return answer

    def close(self):
        self.sock.close()


class Daemon:
    """`v6-scheduler run --config CONFIG --log-target stderr`, stderr to `log`."""

    def __init__(self, bin_dir, config, socket_path, log):
        self.bin = os.path.join(bin_dir, "v6-scheduler")
        self.config, self.socket_path, self.log = config, socket_path, log
        self.process = None

    def start(self, timeout=120):
        """Starts the daemon; returns seconds from exec until `status` answers ok on the socket."""
        logf = open(self.log, "ab")
        t0 = time.perf_counter()
        self.process = subprocess.Popen([self.bin, "run", "--config", self.config, "--log-target", "stderr"],
                                        stdin=subprocess.DEVNULL, stdout=logf, stderr=logf, env=clean_env())
        logf.close()
        register(self.process.pid, self.bin)
        deadline = t0 + timeout
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"v6-scheduler exited with {self.process.returncode}; see {self.log}")
            try:
                client = ControlClient(self.socket_path, timeout=timeout)
                try:
                    if b'"ok":true' in client.request("status"):
                        return time.perf_counter() - t0
                finally:
                    client.close()
            except (FileNotFoundError, ConnectionRefusedError):
                pass
            time.sleep(0.002)
        raise RuntimeError(f"v6-scheduler did not answer on {self.socket_path} within {timeout}s; see {self.log}")

    @property
    def pid(self):
        return self.process.pid

    def stop(self, timeout=30):
        """SIGTERM, then SIGKILL after `timeout`; waits for the exit."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def run_daemon_for(bin_dir, config, seconds):
    """Starts a daemon on `config` (its socket and log beside it), lets it run `seconds`, stops it.
    Returns (log, first counted instant): start-up is skipped by counting from the second whole
    second after the socket answered."""
    folder = os.path.dirname(config)
    daemon = Daemon(bin_dir, config, os.path.join(folder, "control.sock"), os.path.join(folder, "daemon.log"))
    try:
        daemon.start()
        not_before = int(time.time()) + 2
        time.sleep(seconds)
    finally:
        daemon.stop()
    return daemon.log, not_before
