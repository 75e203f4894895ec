"""Prints the benchmark table and writes docs/benchmarks.md (the table, the machine, the commands,
how each figure is measured).

    python3 render.py RESULTS_JSONL OUTPUT_MD
Environment: BENCH_STARTED (epoch seconds), BENCH_LOAD_BEFORE (/proc/loadavg at the start),
BENCH_BIN (the release folder), BENCH_REPO.
"""
import datetime
import json
import os
import platform
import re
import subprocess
import sys
import time


def natural(row):
    m = re.match(r"(\d+)([a-z]*)", row["id"])
    return (int(m.group(1)), m.group(2)) if m else (99, row["id"])


def number(v):
    if isinstance(v, bool) or v is None:
        return "" if v is None else str(v)
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, float):
        if abs(v) >= 100:
            return f"{v:,.0f}"
        return f"{v:.3g}" if abs(v) < 10 else f"{v:.1f}"
    return str(v)


def ratio(row):
    v, p = row["value"], row["peer_value"]
    if not isinstance(v, (int, float)) or not isinstance(p, (int, float)) or not v or not p:
        return ""
    r = v / p
    return f"{r:.2g} ({1 / r:.0f}× lower)" if r < 1 else f"{r:.2g}× higher"


def target(row):
    if not row["target"]:
        return ""
    mark = {True: "met", False: "**missed**", None: ""}[row["met"]]
    return f"{row['target']} {mark}".strip()


def table(rows):
    head = ["#", "figure", "value", "unit", "target", "peer", "peer value", "value / peer", "notes"]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(["---"] * len(head)) + "|"]
    for r in rows:
        cells = [r["id"], r["figure"], number(r["value"]), r["unit"], target(r), r["peer"] or "",
                 number(r["peer_value"]), ratio(r), r["notes"] or ""]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)


def machine():
    model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    mem_kib = next(int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal"))
    swift = subprocess.run(["bash", "-c", "swift --version 2>/dev/null | head -1"], capture_output=True, text=True).stdout.strip()
    return dict(cores=os.cpu_count(), memory=f"{mem_kib / 1024 / 1024:.1f} GiB", cpu=model,
                kernel=platform.release(), swift=swift or "?",
                os=next((l.split("=", 1)[1].strip().strip('"') for l in open("/etc/os-release") if l.startswith("PRETTY_NAME")), "?"))


def git_commit(repo):
    out = subprocess.run(["git", "-C", repo, "log", "-1", "--format=%h %s"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", repo, "status", "--porcelain", "--", "Sources", "Package.swift"],
                           capture_output=True, text=True).stdout.strip()
    return out + (" (with uncommitted changes under Sources/)" if dirty else "")


METHODS = """\
## How each figure is measured

All of it is in `Tests/Benchmarks/` (bash + python3 orchestration; the work is done by the release
binaries). Every daemon runs in its own temporary folder (state, socket, logs), started as
`v6-scheduler run --config … --log-target stderr` without `NOTIFY_SOCKET` (no watchdog), and is
stopped by pid (SIGTERM) at the end of its step; `run.sh` kills whatever a failed step left.

1. **Calendar**: `v6ctl calendar sessions --from 1990-01-01 --to 2099-12-31 --format csv`, the
   whole process, timed by hyperfine (`-N`, output to /dev/null; a Python loop when hyperfine is
   missing). Peer: `xcals_sessions.py`, the same csv from exchange_calendars
   (`get_calendar("XNYS", start, end)`, its schedule converted to Eastern time), also the whole
   `python3` process. Both csv files are compared row by row once (the notes give the number of
   differing rows).
2. **Plan**: `v6-scheduler plan --config config/production.yaml --from 2020-01-01 --to 2029-12-31`
   as a whole process, csv to /dev/null. It reads the configuration only: `working_directory`,
   `state_directory` and the socket path are neither created nor opened (checked with strace).
   2c-2d run the same plan of a copy of the file without its `after:`/`after_wait:` lines and of
   the file itself, alternately (9 runs each), and compare their csv: the dependencies move no
   time, so the two must be identical. They compare CPU time (user + system of each process,
   from `getrusage`), which a busy machine disturbs far less than the wall time; 2d is the
   difference of the medians.
3. **Fire lateness**: the daemon logs `lateness_ms=` on each `started` line: the wall clock right
   after `posix_spawn` returned, minus the scheduled whole second (the slot's claim is not in it:
   it was committed, `synchronous=FULL`, up to 5 s before the instant; see 13). One task with
   `frequency: 1s` (its own view: it runs `date "+%s.%N $V6_SCHEDULED_AT"` through /bin/sh, so it
   adds the exec of sh and date), then 200 tasks of `/bin/true` with `frequency: 5s`, all due at
   the same instants (`max_concurrent_tasks: 256`). The first two seconds after start-up are not
   counted.
4. **Beside busybox crond**: `busybox crond -f -c DIR -L LOG` (busybox-static from Debian,
   unpacked into `.build-bench/busybox`, not installed) and the daemon run concurrently, each with
   an every-minute job `/bin/sh -c 'date +%s.%N >> FILE'` (crontab `* * * * *` with `SHELL=/bin/sh`;
   daemon `cron: "* * * * *"`, `days: every_day`, `force_run: true`). Lateness = the job's recorded start minus its
   minute boundary, for the boundaries after both were up. busybox crond sleeps with `sleep()`
   to the next whole minute counted in whole seconds from its own start, so its lateness is
   essentially the fraction of a second at which it was started: anywhere in 0-1000 ms, the same
   for every minute of one crond's life. Memory: VmRSS of each main process at the end. The old
   setup's figures are quoted from its guide, not measured. The context-switch count (6) runs
   during this step, in a third, idle daemon: it does nothing the other two could notice.
5. **At rest**: VmRSS 2 s after the socket first answers, with `config/production.yaml` (paths
   moved into the temporary folder) and with 10,000 generated tasks (80 % `at` times spread over
   the day, 10 % `cron`, 10 % `frequency: 15min` in market hours, all on a weekday that is neither
   today nor tomorrow so that nothing fires). Start-up: from the exec to the first `status` that
   answers `ok` on the control socket (polled every 2 ms), each start with a new state folder.
   `v6ctl status`: the whole client process against the running daemon (its answer holds the
   counts and the tasks that need attention: none here). `v6ctl list`: one page of 50 tasks
   (`--limit 50 --offset 5000`), and every task (1.5 MB of JSON). Targets and the figures before
   the work on them (issue 16) are side by side in the peer columns.
6. **Context switches**: `voluntary_ctxt_switches` of every thread in `/proc/PID/task/*/status`,
   read 2 s after start-up and again 60 s later, with a single task due at 03:00 on a weekday that
   is neither today nor tomorrow; no watchdog.
7. **Control socket**: a Python client on one persistent AF_UNIX connection sends
   `{"v":1,"id":N,"cmd":"status"}` lines (50 warm-up, then 2,000 timed round trips) to the daemon
   running the production configuration; then closed loops of 3 s with 1 and with 16 connections
   (one asyncio process).
8. **Run-time edits**: `task_set` requests on one persistent connection (3 warm-up, then 200 with
   the production configuration, 100 with 1,000 and 20 with 10,000 generated tasks as in 5), each
   changing `timeout_seconds` and based on the revision the previous answer gave; timed from the
   send to the answer, which comes after the whole edit: read the files, apply, check the whole
   configuration, record the audit entry (SQLite, `synchronous=FULL`), write the managed drop-in
   (fsync, rename, fsync of the directory), read the files again and swap the checked configuration
   in (the SIGHUP path's swap: schedules rebuilt), log. Then 20 whole
   `v6ctl task set` processes (which read the revision first).

9. **Hostile clients** (`bench_hostile.py`, issue 17): a daemon with a 1 s `/bin/true` task and
   three 1 s tasks that each print 70,000 bytes (64 KiB output tails), 20 s after start (about 60
   such runs). *Never-reading client*: one connection sends up to 3,000
   `{"v":1,"id":N,"cmd":"history","limit":10000,"output":true}` lines (non-blocking, as fast as the
   socket takes them) and reads nothing, for 60 s; meanwhile `v6ctl status` runs every 0.5 s and
   the daemon's VmRSS is sampled every 0.1 s; then the client closes and the daemon's CPU time
   (utime + stime) is read over the next 10 s. *Slow connections*: as root, four processes under
   uids 60001-60004 (setpriv) each keep 16 connections that send `{` and then a space every 0.5 s,
   reconnecting whenever the daemon cuts one off, for 60 s; meanwhile root runs `v6ctl status`
   every 0.5 s. Not as root: one process tries 64 connections as the same uid.

10. **Dashboard**: `v6-dashboard --listen 127.0.0.1:0` beside the daemon, signed in with its token
    (a session cookie). The Today page: a raw HTTP/1.1 request on loopback, timed until the whole
    page (10a, production config) and until its first byte (10b, the 10,000 tasks of 5d; the page
    asks the daemon for `status`, which counts the tasks and lists those that need attention, and
    for one page of `tasks`, 100 of them). Output lines (10c): a
    task prints its own clock (`date +%s.%N`) 500 times, 20 ms apart; it is started with the run
    page's form and an HTTP client reads the run's event stream (what the page's script reads);
    delay = arrival minus the printed clock, for the lines written after the client connected.
    Memory (10d): VmRSS of the dashboard 2 s after it served the pages.
11. **Output flood**: a task writes 300 MB (`head -c 300000000 /dev/zero | tr '\\0' x | fold -w 99`:
   3,030,304 lines) started with `v6ctl run-now --force --wait`, while a `frequency: 1s` task runs
   beside it. The daemon's VmRSS is sampled every 50 ms from 2 s after start-up until the flood's
   answer; throughput is the bytes over the `--wait` time (every line goes through the daemon's
   log); the 1 s task's lateness is its `lateness_ms=` during the flood. `FaultTests.Output` checks
   the same run's behaviour (every line logged, the other task keeps starting), without thresholds.
12. **Watchdog**: the daemon started with `NOTIFY_SOCKET` (a datagram socket of the benchmark) and
   `WATCHDOG_USEC=1000000` pings `WATCHDOG=1` at half the interval from an actor-side timer; the
   spacing of 40 pings as they arrive. `FaultTests.Watchdog` checks that pings stop while the
   daemon is stopped (SIGSTOP) and resume after.
13. **Burst, as each task sees it** (`bench_burst.py burst`): 200 tasks with `frequency: 5s`, all
   due at the same instants, each `c/stamp.c` (compiled with `cc -O2`), whose first act is to read
   `CLOCK_REALTIME` and append it with its `V6_SCHEDULED_AT` to a file: lateness at exec, without
   a shell's start-up. The daemon runs 32 s (the first 2 s not counted); then, in the same step,
   the floor: `c/burst_floor.c` sleeps (`clock_nanosleep`, `CLOCK_REALTIME`, absolute) to the next
   whole second that is a multiple of 5 and `posix_spawn`s the same program 200 times in a loop,
   as many bursts as the daemon had. 13b's target compares the two p99s of this one run.
14. **Disk load** (`bench_burst.py diskload`): a `frequency: 1s` task (the same C program) while
   another process writes 2 GB into the benchmark's folder (1 MiB writes, an fsync every 16 MiB),
   for the whole write and at least 30 s; lateness as the task sees it.
15. **Coverage-guided fuzzing**: `Tests/Fuzz/run.sh` builds two libFuzzer targets with
   `swiftc -sanitize=fuzzer,address` from the sources themselves (the control protocol's JSON
   parser, request and response decoders; the cron, duration and `at:` parsers, with
   MarketCalendar) and runs each for `BENCH_FUZZ_SECONDS` (60) from the seeds in `Tests/Fuzz/seeds`
   plus the corpus earlier runs grew in `.build-fuzz/`. Beyond not trapping, each target checks
   that what a parser accepts survives being written out and read again. `make fuzz
   FUZZ_SECONDS=600` runs it alone, longer.
16. **PostgreSQL store** (`bench_postgres.py`): a private PostgreSQL (initdb in the bench folder,
   a Unix socket there only, `fsync=on`), and one daemon with a `frequency: 1s` task for
   `BENCH_POSTGRES_SECONDS` (60) on the SQLite store, then as long with `scheduler.store:
   postgres` (the same machine, one after the other). Lateness is the daemon's `lateness_ms`
   (as in 3); with PostgreSQL the claim is made at the instant, not reserved ahead, so it is in
   it. The claim round trip is `claim_ms` on each `started` line: from the claim handed to the
   store lane to its answer (one transaction: INSERT the slot, INSERT the run).

The p99 of a small sample (tens of starts) is close to its maximum: the notes give n.
Timing and memory targets live here only, never in the tests.

## Why the figures are what they are

From profiling done when these benchmarks were written (perf, strace, 2026-11-26); re-check
after the code changes.

- **Plan** needs about 2.0-2.3 s of CPU for ten years (795,000 rows), so it misses 2 s even on a
  quiet machine. In a perf profile, about 64 % is `Planner.plan` driving `SchedulerCore` once per
  fire (`advance`, `offer`, `begin`, `runFinished`: String-keyed dictionary lookups and copies of
  `TaskState` values dominate), about 22 % `ZoneRules.iso8601` formatting each row, the rest the
  csv string. It is linear in the range (about 230 ms a year).
- **200 tasks at one instant** (3e-3g, `/bin/true`; 13, a C program): until issue 16 the daemon
  started them one after the other in one actor turn, each start committing its slot claim to
  SQLite with `synchronous=FULL` (an fdatasync) and then spawning (359 ms p99 with `sh` tasks,
  394-446 ms with C tasks beside a C loop's 115-127 ms). Now the claims of every occurrence due
  within the next 5 s are committed together, ahead of the instant (a reservation: one
  transaction, one fsync), the run records follow in batches on the store lane, and the spawns
  run on two threads off the actor (`SpawnPool`): at the instant only `posix_spawn` remains. What
  is left (perf, 2026-12-01): each run that ends starts a leftover sweep that reads `/proc/*/stat`
  of every process and `/proc/*/environ` of the daemon's descendants (`ProcessTable.members`); in
  a burst the tasks end while others are still being spawned, and 200 such scans of 200-400
  processes took about 45 % of the daemon's CPU, on a 2-core machine where they compete with the
  spawns (the 200th start came 250-310 ms late). Sweeps now wait for the spawn pool to be idle
  (at most 0.5 s) and skip the environments of other runs' process groups, and STATUS= is
  computed once per actor pass instead of at every start and end: the 200th start comes after
  130-280 ms, about the C loop's time (80-190 ms in the same runs, which varies with the load
  of the shared machine as much as the daemon does). The sweeps' O(runs × processes) cost is
  still there, after the burst; one scan shared by the sweeps that start together would remove it.
- **Idle wake-ups**: about one a second on one libdispatch thread: on Linux libdispatch monitors
  its worker pool with a 1 s timer (`HAVE_DISPATCH_WORKQ_MONITORING`), whatever the daemon does;
  the orphan reaper's 10 s safety timer adds the rest.
- **`v6ctl status` with 10,000 tasks**: before issue 16 the answer listed every task, 1.5 MB of
  JSON, which the daemon encoded and `v6ctl` decoded and rendered; now it carries counts and the
  tasks that need attention (at most 100), a few hundred bytes when all is well. What is left is
  the client's own start-up (dynamic linking in a dynamic build, swift-argument-parser's
  conformance lookups: 37 M of its 37 M instructions under callgrind) and, in the daemon, one pass
  over the tasks' states plus one indexed query for failed last runs. Every task still costs the
  full answer: `v6ctl list` with no `--limit` (5h).
- **Start-up with 10,000 tasks** is the configuration load (callgrind, `check-config` on the same
  file: 1.7 G of 2.0 G instructions; it was 3.5 G of 3.8 G). Yams' composer took 2.8 G of it,
  most of it matching each scalar against its regular expressions for ints, floats, booleans and
  timestamps: the loader reads every scalar as text and checks it itself, so it now uses Yams'
  basic resolver (1.1 G; the rest is Yams building and copying its node tree and checking
  duplicate keys). Reading the tasks out of the tree is 0.6 G, building the scheduler's state
  0.2 G: the schedule maths used to build a skip message for every task and day it looked at,
  and a `Session` for every day it asked "is this a trading day?". The daemon's status line
  scanned every task after each wake-up; it now looks at the top of the heap.
- **crond**: its lateness is the sub-second phase of its start, not a cost of running the job;
  the daemon arms a CLOCK_REALTIME timerfd at the exact second and is late by its wake-up and the
  spawn (the slot claim was committed seconds before).
- **Disk load** (14): an fsync behind someone else's gigabytes of write-back can take tens or
  hundreds of ms; before issue 16 the claim's fsync sat between the instant and the spawn (19.7 ms
  p99). The claim is now made up to 5 s ahead and the record written after the spawn, so a slow
  fsync delays the history, not the start; a reservation that is still being written at its
  instant (an fsync stalled for more than the lead) holds its start back until it is durable.
- **Holidays**: a `cron:` task skips NYSE closures even with `days: every_day` (an explicit
  `days:` only narrows cron's days); the side-by-side task sets `force_run: true` so that it runs
  every minute like the crontab line, holidays included.
"""


def markdown(rows, meta):
    started = float(os.environ.get("BENCH_STARTED", time.time()))
    when = datetime.datetime.fromtimestamp(started).astimezone()
    m = machine()
    missed = [r for r in rows if r["met"] is False]
    load_after = open("/proc/loadavg").read().split()[:3]
    repo = os.environ.get("BENCH_REPO", ".")
    lines = [
        "# Benchmarks",
        "",
        "Produced by `make bench` (release build, then `Tests/Benchmarks/run.sh`), which rewrites this file.",
        "Figures from one run on the machine below; rerun them on yours before relying on them.",
        "",
        "## Latest run",
        "",
        f"- Date: {when.strftime('%Y-%m-%d %H:%M %Z')}; the benchmarks took {(time.time() - started) / 60:.1f} min",
        f"- Machine: {m['cores']} cores ({m['cpu']}), {m['memory']} memory; {m['os']}, Linux {m['kernel']}",
        f"- Load average (1/5/15 min) at the start: {os.environ.get('BENCH_LOAD_BEFORE', '?')}; at the end: {' '.join(load_after)}",
        f"- Toolchain: {m['swift']}; code: {git_commit(repo)}",
        f"- Targets missed: {', '.join(r['id'] for r in missed) if missed else 'none'}",
        "",
        table(rows),
        "",
        "## Re-running",
        "",
        "```sh",
        "make bench                                   # swift build -c release, then the script below",
        "bash Tests/Benchmarks/run.sh \"$(swift build -c release --show-bin-path)\"   # the benchmarks alone",
        "```",
        "",
        "As root on a fresh Debian 12 machine, `run.sh` installs what it lacks: `hyperfine` (apt-get),",
        "`busybox-static` (downloaded with `apt-get download` and unpacked into `.build-bench/busybox`,",
        "not installed) and `exchange_calendars==4.13.2` (pip). It takes about 10 minutes, most of it the",
        "5-minute side-by-side with crond; the release build before it takes 3-15 minutes on 2 cores",
        "when nothing is built yet. For a quicker look, `BENCH_CRON_SECONDS=60 BENCH_LATENESS_SECONDS=10`",
        "shorten the long steps (the figures get noisier). Run it on an otherwise idle machine: the",
        "lateness figures measure the machine as much as the daemon.",
        "",
        METHODS,
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    rows = sorted((json.loads(l) for l in open(sys.argv[1]) if l.strip()), key=natural)
    print()
    print(table(rows))
    missed = [r for r in rows if r["met"] is False]
    print(f"\ntargets missed: {', '.join(r['id'] + ' (' + r['figure'] + ')' for r in missed) if missed else 'none'}")
    with open(sys.argv[2], "w") as f:
        f.write(markdown(rows, {}))
    print(f"written: {sys.argv[2]}")
