"""Benchmark 10: v6-dashboard. Server time of the Today page with the production config; time to
first byte of the Today page with 10,000 tasks (the table is paged); a task's output line until
it reaches an event-stream client (the browser's side of the run page), p99; the dashboard's
idle memory.

    python3 bench_dashboard.py BIN_DIR REPO_DIR
"""
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import time

import configs
from benchlib import WORK, Daemon, clean_env, percentile, record, register, rss_kib


class Dashboard:
    """`v6-dashboard` on a free loopback port, signed in with its token."""

    def __init__(self, bin_dir, socket_path, folder):
        self.bin = os.path.join(bin_dir, "v6-dashboard")
        self.process = subprocess.Popen([self.bin, "--socket", socket_path, "--listen", "127.0.0.1:0",
                                         "--token-file", os.path.join(folder, "token")],
                                        stdout=subprocess.PIPE, stderr=open(os.path.join(folder, "dashboard.log"), "w"),
                                        env=clean_env(), text=True)
        register(self.process.pid, self.bin)
        line = self.process.stdout.readline()
        match = re.match(r"dashboard: http://127\.0\.0\.1:(\d+)/\?token=(\S+)", line)
        if not match:
            raise RuntimeError(f"v6-dashboard printed {line!r}")
        self.port, token = int(match.group(1)), match.group(2)
        response = self.request("GET", "/?token=" + token)
        self.cookie = response.getheader("Set-Cookie").split(";")[0]
        self.csrf = re.search(r'name="csrf" value="([^"]+)"', self.request("GET", "/calendar").read().decode()).group(1)

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        all_headers = dict(headers or {})
        if getattr(self, "cookie", None):
            all_headers["Cookie"] = self.cookie
        connection.request(method, path, body=body, headers=all_headers)
        return connection.getresponse()

    def first_byte_ms(self, path):
        """ms from sending the request until the first byte of the answer, and the whole answer's ms."""
        with socket.create_connection(("127.0.0.1", self.port)) as s:
            request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {self.cookie}\r\nConnection: close\r\n\r\n".encode()
            t0 = time.perf_counter()
            s.sendall(request)
            s.recv(1)
            first = time.perf_counter()
            while s.recv(1 << 16):
                pass
            return (first - t0) * 1000, (time.perf_counter() - t0) * 1000

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()


def page_times(dashboard, path, runs):
    for _ in range(3):
        dashboard.first_byte_ms(path)
    return [dashboard.first_byte_ms(path) for _ in range(runs)]


def with_stack(bin_dir, folder, config, measure):
    """Runs `measure(daemon, dashboard)` against a daemon on `config` and a signed-in dashboard; stops both."""
    daemon = Daemon(bin_dir, config, os.path.join(folder, "control.sock"), os.path.join(folder, "daemon.log"))
    dashboard = None
    try:
        daemon.start()
        dashboard = Dashboard(bin_dir, daemon.socket_path, folder)
        measure(daemon, dashboard)
    finally:
        if dashboard:
            dashboard.stop()
        daemon.stop()


def main(bin_dir, repo):
    def today(daemon, dashboard):
        whole = [t[1] for t in page_times(dashboard, "/", 50)]
        record("10a", "Today page, production config: request until the whole page", round(statistics.median(whole), 1), "ms",
               notes=f"median of 50 on loopback (p99 {percentile(whole, 99):.1f} ms); includes the daemon's `status` and `tasks` answers")
        for path in ["/timeline", "/history", "/metrics", "/tasks/collect_option_snapshots", "/settings"]:
            t = [x[1] for x in page_times(dashboard, path, 10)]
            print(f"  (info) {path}: median {statistics.median(t):.1f} ms", flush=True)
        time.sleep(2)
        record("10d", "v6-dashboard resident memory after those pages (VmRSS)", round(rss_kib(dashboard.process.pid) / 1024, 1), "MiB",
               notes="2 s after the last request; peak VmHWM %.1f MiB" % (rss_kib(dashboard.process.pid, "VmHWM") / 1024))

    folder = os.path.join(WORK, "dash-production")
    with_stack(bin_dir, folder, configs.production(folder, os.path.join(repo, "config/production.yaml")), today)

    def many(daemon, dashboard):
        first = [t[0] for t in page_times(dashboard, "/", 20)]
        body = dashboard.request("GET", "/").read()
        record("10b", "Today page, 10,000 tasks: time to first byte (100 tasks a page)", round(statistics.median(first), 1), "ms",
               notes=f"median of 20 (p99 {percentile(first, 99):.1f} ms); page {len(body) // 1024} KiB; the daemon's "
                     f"`status` (counts, the tasks that need attention) and one page of `tasks` (limit 100)")
        for path in ["/?page=100", "/?q=task_09%3F%3F%3F", "/?q=enabled&page=50", "/metrics"]:
            t = [x[0] for x in page_times(dashboard, path, 5)]
            print(f"  (info) 10,000 tasks, {path}: first byte median {statistics.median(t):.1f} ms", flush=True)

    folder = os.path.join(WORK, "dash-many")
    with_stack(bin_dir, folder, configs.many(folder, 10_000), many)

    # Output lines: a task prints its own clock 500 times, 20 ms apart; the client notes when each arrives.
    def lines(daemon, dashboard):
        started = dashboard.request("POST", "/tasks/printer/run", body=f"csrf={dashboard.csrf}",
                                    headers={"Content-Type": "application/x-www-form-urlencoded"})
        stream = dashboard.request("GET", started.getheader("Location") + "/events")
        connected = time.time()
        delays = []
        while True:
            line = stream.fp.readline()
            if not line:
                break
            arrived = time.time()
            match = re.search(rb'"text":"(\d+\.\d+)"', line)
            if match and float(match.group(1)) > connected:
                delays.append((arrived - float(match.group(1))) * 1000)
            if line.startswith(b"event: final"):
                break
        record("10c", "output line written by a task until an event-stream client reads it (p99)",
               round(percentile(delays, 99), 1), "ms", target="< 100 ms", met=percentile(delays, 99) < 100,
               notes=f"{len(delays)} lines, 20 ms apart; p50 {percentile(delays, 50):.1f} ms, max {max(delays):.1f} ms; "
                     "task pipe -> daemon -> control socket -> dashboard -> SSE on loopback")

    folder = os.path.join(WORK, "dash-stream")
    os.makedirs(folder, exist_ok=True)
    text = configs.header(folder) + """    printer:
      command: ["/bin/sh", "-c", "sleep 1; i=0; while [ $i -lt 500 ]; do date +%s.%N; i=$((i+1)); sleep 0.02; done"]
      at: "03:00"
      days: every_day
      timeout_seconds: 120
"""
    with_stack(bin_dir, folder, configs.write(folder, text), lines)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
