"""Benchmark 8: the cost of a run-time configuration edit, request to applied.

    python3 bench_edit.py BIN_DIR REPO_DIR

One `task_set` request on the control socket takes the daemon through the whole edit: read the
files, apply the edit to the managed drop-in's text, check the whole configuration, record the
change (SQLite, synchronous=FULL), write the file (fsync, rename, fsync of the directory), reload
(read the files again; the checked configuration is swapped in when they are the ones checked), answer. Timed from the request's send to the answer's last byte, on one
persistent connection, each edit based on the revision the previous answer gave.
"""
import json
import os
import socket
import subprocess
import sys
import time

import configs
from benchlib import WORK, Daemon, record, summary

EDITS = {"production": 200, "1,000 tasks": 100, "10,000 tasks": 20}


class Editor:
    """One connection; `set(task, key, value)` sends a task_set based on the last revision."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(120)
        self.sock.connect(path)
        self.buffer = b""
        self.revision = self.call({"cmd": "config_show"})["revision"]

    def call(self, request):
        self.sock.sendall(json.dumps(dict(v=1, id=1, **request)).encode() + b"\n")
        while b"\n" not in self.buffer:
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise ConnectionError("the daemon closed the control connection")
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        answer = json.loads(line)
        if not answer.get("ok"):
            raise RuntimeError(f"{request['cmd']} refused: {answer['error']}")
        return answer["result"]

    def set(self, task, key, value):
        t0 = time.perf_counter()
        result = self.call({"cmd": "task_set", "task": task, "settings": {key: value}, "revision": self.revision})
        elapsed = (time.perf_counter() - t0) * 1000
        if not result["changes"]:
            raise RuntimeError("an edit that changed nothing is not a measurement")
        self.revision = result["revision"]
        return elapsed

    def close(self):
        self.sock.close()


def measure(bin_dir, key, name, make, task, edits):
    folder = os.path.join(WORK, f"edit-{key}")
    daemon = Daemon(bin_dir, make(folder), os.path.join(folder, "control.sock"), os.path.join(folder, "daemon.log"))
    try:
        daemon.start()
        editor = Editor(daemon.socket_path)
        try:
            for i in range(3):  # warm-up: the managed file and the audit table exist afterwards
                editor.set(task, "timeout_seconds", str(100 + i))
            times = [editor.set(task, "timeout_seconds", str(200 + i)) for i in range(edits)]
        finally:
            editor.close()
        s = summary(times)
        record(key, f"run-time edit, {name}: `task_set` request to applied (p50)", round(s["p50"], 1), "ms",
               notes=f"n={s['n']}; p99 {s['p99']:.1f} ms, max {s['max']:.1f} ms, min {s['min']:.1f} ms")
        if key == "8a":
            v6ctl = [os.path.join(bin_dir, "v6ctl"), "--socket", daemon.socket_path, "task", "set", task]
            # Alternating values: every run changes something (an edit that changes nothing writes nothing).
            flips = []
            for i in range(20):
                t0 = time.perf_counter()
                subprocess.run(v6ctl + [f"retries={i % 2 + 1}"], stdout=subprocess.DEVNULL, check=True)
                flips.append((time.perf_counter() - t0) * 1000)
            c = summary(flips)
            record("8b", f"`v6ctl task set`, {name}: whole v6ctl process (reads the revision, then edits)",
                   round(c["p50"], 1), "ms", notes=f"n={c['n']}; p99 {c['p99']:.1f} ms, max {c['max']:.1f} ms")
    finally:
        daemon.stop()


def main():
    bin_dir, repo = sys.argv[1], sys.argv[2]
    production = lambda folder: configs.production(folder, os.path.join(repo, "config/production.yaml"))
    tasks = [line.split(":")[0].strip() for line in open(os.path.join(repo, "config/production.yaml"))
             if line.startswith("    ") and not line.startswith("     ") and line.strip().endswith(":")]
    measure(bin_dir, "8a", f"production config ({len(tasks)} tasks)", production, tasks[0], EDITS["production"])
    measure(bin_dir, "8c", "1,000 tasks", lambda folder: configs.many(folder, 1_000), "task_00000", EDITS["1,000 tasks"])
    measure(bin_dir, "8d", "10,000 tasks", lambda folder: configs.many(folder, 10_000), "task_00000", EDITS["10,000 tasks"])


if __name__ == "__main__":
    main()
