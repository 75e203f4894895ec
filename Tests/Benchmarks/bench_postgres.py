"""Benchmark 16: the shared store (`scheduler.store: postgres`) beside the SQLite store.

    python3 bench_postgres.py BIN_DIR SECONDS

A private PostgreSQL (initdb in the bench folder, as the `postgres` user when run as root: it
refuses root; a Unix socket in that folder only, fsync on) and one daemon with one task every
second, for SECONDS on the SQLite store and then SECONDS on PostgreSQL. Figures: fire lateness
(the daemon's `lateness_ms`, p50/p99) on each store, and the claim's round trip as the daemon
sees it (`claim_ms` on each `started` line: from the claim handed to the store lane to its answer,
one transaction INSERT slot + INSERT run in PostgreSQL).
"""
import glob
import os
import pwd
import re
import shutil
import subprocess
import sys
import time

import configs
from bench_lateness import daemon_lateness, run
from benchlib import WORK, record, register, summary

CLAIM = re.compile(r"claim_ms=([0-9.]+)")


def server_bin():
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"), key=lambda p: int(p.split("/")[4]))
    if not versions:
        raise RuntimeError("PostgreSQL server binaries not found under /usr/lib/postgresql (make test-deps installs postgresql)")
    return os.path.dirname(versions[-1])


def as_owner(argv):
    return ["runuser", "-u", "postgres", "--"] + argv if os.getuid() == 0 else argv


def start_postgres(folder):
    """initdb and start a server listening on a socket in `folder` only; returns (url, stop)."""
    bin_dir = server_bin()
    os.makedirs(folder, exist_ok=True)
    if os.getuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    data = os.path.join(folder, "data")
    subprocess.run(as_owner([f"{bin_dir}/initdb", "-D", data, "-U", "v6", "-A", "trust", "-E", "UTF8"]),
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run(as_owner([f"{bin_dir}/pg_ctl", "-D", data, "-l", os.path.join(folder, "server.log"), "-w", "-o",
                             f"-k {folder} -h '' -p 5432 -c fsync=on", "start"]),
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    pid = int(open(os.path.join(data, "postmaster.pid")).readline())
    register(pid, f"{bin_dir}/postgres")
    subprocess.run(as_owner([f"{bin_dir}/createdb", "-h", folder, "-p", "5432", "-U", "v6", "v6"]), check=True)

    def stop():
        subprocess.run(as_owner([f"{bin_dir}/pg_ctl", "-D", data, "-m", "fast", "stop"]),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    socket_dir = folder.replace("/", "%2F")
    return f"postgres://v6@{socket_dir}:5432/v6?sslmode=disable", stop


def with_postgres(config, url):
    text = open(config).read().replace("  tasks:\n", f'  store: postgres\n  postgres_url: "{url}"\n  host_id: bench\n  tasks:\n', 1)
    with open(config, "w") as f:
        f.write(text)
    return config


def main(bin_dir, seconds):
    folder = os.path.join(WORK, "postgres")
    url, stop = start_postgres(os.path.join(folder, "pg"))
    try:
        lite_log, lite_from = run(bin_dir, "sqlite", configs.every_second(os.path.join(folder, "sqlite"),
                                                                          os.path.join(folder, "sqlite.txt")), seconds)
        pg_config = with_postgres(configs.every_second(os.path.join(folder, "shared"), os.path.join(folder, "shared.txt")), url)
        pg_log, pg_from = run(bin_dir, "postgres", pg_config, seconds)
    finally:
        stop()
    lite, pg = summary(daemon_lateness(lite_log, lite_from)), summary(daemon_lateness(pg_log, pg_from))
    claim = summary(daemon_lateness(pg_log, pg_from, CLAIM))
    note = f"{pg['n']} starts in {seconds} s each, the same machine, one after the other; PostgreSQL on a Unix socket, fsync on"
    record("16a", "fire lateness, 1 task every 1 s, PostgreSQL store, p50", round(pg["p50"], 2), "ms",
           peer="SQLite store", peer_value=round(lite["p50"], 2), notes=note)
    record("16b", "fire lateness, 1 task every 1 s, PostgreSQL store, p99", round(pg["p99"], 2), "ms",
           peer="SQLite store", peer_value=round(lite["p99"], 2),
           notes="with PostgreSQL the claim is made at the instant (SQLite's is reserved up to 5 s ahead): it is in the lateness")
    record("16c", "claim round trip (slot + run record, one transaction in PostgreSQL), p50", round(claim["p50"], 2), "ms",
           notes=f"claim_ms of {claim['n']} starts: lane hand-over to answer, as the daemon sees it")
    record("16d", "claim round trip, p99", round(claim["p99"], 2), "ms", notes=f"max {claim['max']:.2f} ms")


if __name__ == "__main__":
    if shutil.which("runuser") is None and os.getuid() == 0:
        sys.exit("runuser is needed to run PostgreSQL as the postgres user")
    main(sys.argv[1], int(sys.argv[2]))
