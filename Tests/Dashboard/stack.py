"""A real v6-scheduler on a copy of the demo configuration and a real v6-dashboard beside it, for
the browser and API tests. Every process started here is stopped by pid in `stop()`."""
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class Stack:
    def __init__(self, bin_dir, label, dashboard_args=()):
        self.bin_dir = bin_dir
        self.work = tempfile.mkdtemp(prefix="v6-%s-" % label)
        # The demo configuration in a folder of its own: its ../.v6/ paths land in `work`.
        shutil.copytree(os.path.join(REPO, "config", "demo"), os.path.join(self.work, "config", "demo"))
        shutil.copy(os.path.join(REPO, "config", "demo.yaml"), os.path.join(self.work, "config", "demo.yaml"))
        self.env = dict(os.environ, V6_SOCKET=os.path.join(self.work, ".v6", "control.sock"))
        for key in ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "LISTEN_FDS", "LISTEN_PID", "JOURNAL_STREAM"):
            self.env.pop(key, None)
        self.dashboard_args = list(dashboard_args)
        self.processes = []
        self.line = ""
        self.base = None

    def v6ctl(self, *arguments):
        return subprocess.run([os.path.join(self.bin_dir, "v6ctl"), *arguments], env=self.env, capture_output=True, text=True)

    def start(self):
        """Starts the daemon, waits for its socket, starts the dashboard; returns the printed line."""
        self.processes.append(subprocess.Popen(
            [os.path.join(self.bin_dir, "v6-scheduler"), "run", "--config", os.path.join(self.work, "config", "demo.yaml"),
             "--log-target", "stderr"], stdout=open(os.path.join(self.work, "daemon.log"), "w"), stderr=subprocess.STDOUT, env=self.env))
        deadline = time.time() + 30
        while self.v6ctl("status").returncode != 0:
            if time.time() > deadline:
                raise RuntimeError("v6-scheduler did not answer; see %s/daemon.log" % self.work)
            time.sleep(0.1)
        dashboard = subprocess.Popen(
            [os.path.join(self.bin_dir, "v6-dashboard"), "--listen", "127.0.0.1:0", "--token-file", os.path.join(self.work, "token")]
            + self.dashboard_args, stdout=subprocess.PIPE, stderr=open(os.path.join(self.work, "dashboard.log"), "w"), env=self.env, text=True)
        self.processes.append(dashboard)
        self.line = dashboard.stdout.readline().strip()
        match = re.fullmatch(r"dashboard: (http://127\.0\.0\.1:\d+)/\?token=[A-Za-z0-9_-]+", self.line)
        self.base = match.group(1) if match else None
        return self.line

    def stop(self):
        for process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
