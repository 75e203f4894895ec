#!/usr/bin/env bash
# Every benchmark of v6-scheduler, one table on stdout and in docs/benchmarks.md.
#
#   bash Tests/Benchmarks/run.sh BIN_DIR        (make bench: BIN_DIR is the release folder)
#
# Installs what it lacks (root, or sudo): hyperfine and gcc (apt), busybox-static (downloaded and unpacked
# into .build-bench/busybox, not installed), exchange_calendars (pip). Quick steps first, then the
# 5-minute side-by-side with busybox crond alone (lateness needs a quiet machine). About 15 minutes.
# BENCH_CRON_SECONDS / BENCH_LATENESS_SECONDS / BENCH_HOSTILE_SECONDS / BENCH_FLOOD_BYTES /
# BENCH_BURST_SECONDS / BENCH_DISKLOAD_SECONDS / BENCH_POSTGRES_SECONDS / BENCH_FUZZ_SECONDS shorten
# the long steps (cc, installed as gcc when missing, compiles the C tasks of steps 13-14);
# BENCH_KEEP=1 keeps the temp folder.
set -euo pipefail

if [ $# -ne 1 ] || [ ! -x "$1/v6-scheduler" ] || [ ! -x "$1/v6ctl" ]; then
  echo "usage: $0 BIN_DIR   (a folder with release builds of v6-scheduler and v6ctl; make bench passes it)" >&2
  exit 2
fi
BIN=$(cd "$1" && pwd -P)
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
REPO=$(cd "$HERE/../.." && pwd -P)
CRON_SECONDS=${BENCH_CRON_SECONDS:-302}
LATENESS_SECONDS=${BENCH_LATENESS_SECONDS:-40}
HOSTILE_SECONDS=${BENCH_HOSTILE_SECONDS:-60}
BURST_SECONDS=${BENCH_BURST_SECONDS:-32}
DISKLOAD_SECONDS=${BENCH_DISKLOAD_SECONDS:-30}
POSTGRES_SECONDS=${BENCH_POSTGRES_SECONDS:-60}
FUZZ_SECONDS=${BENCH_FUZZ_SECONDS:-60}
SWITCH_SECONDS=$(( CRON_SECONDS > 70 ? 60 : CRON_SECONDS - 10 ))
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
BUSYBOX_DIR="$REPO/.build-bench/busybox"
BUSYBOX="$BUSYBOX_DIR/bin/busybox"

say() { printf '\n== %s (%s)\n' "$*" "$(date +%H:%M:%S)"; }

# --- tools -----------------------------------------------------------------------------------
apt_updated=""
apt_update() { [ -n "$apt_updated" ] || { $SUDO apt-get update -qq; apt_updated=1; }; }

if ! command -v hyperfine >/dev/null; then
  say "installing hyperfine"
  { apt_update && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >/dev/null; } ||
    echo "hyperfine is not installable here: timing processes with a Python loop instead"
fi
if ! command -v cc >/dev/null; then
  # Steps 13-14 time tiny C tasks (and the C posix_spawn loop they are compared with).
  say "installing gcc (cc) for the burst steps' C tasks"
  apt_update && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc libc6-dev >/dev/null
fi
if [ ! -x "$BUSYBOX" ]; then
  say "fetching busybox-static into $BUSYBOX_DIR (not installed system-wide)"
  download=$(mktemp -d)
  apt_update
  # apt-get download writes to the current folder; _apt must be able to write there.
  chmod 0777 "$download"
  (cd "$download" && apt-get download -qq busybox-static)
  rm -rf "$BUSYBOX_DIR" && mkdir -p "$BUSYBOX_DIR"
  dpkg -x "$download"/busybox-static_*.deb "$BUSYBOX_DIR.unpacked"
  mkdir -p "$BUSYBOX_DIR/bin" && mv "$BUSYBOX_DIR.unpacked/bin/busybox" "$BUSYBOX"
  rm -rf "$BUSYBOX_DIR.unpacked" "$download"
fi
"$BUSYBOX" crond --help >/dev/null 2>&1 || { echo "$BUSYBOX has no crond applet" >&2; exit 1; }
if ! command -v python3 >/dev/null; then
  say "installing python3"
  apt_update && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-pip >/dev/null
fi
# The interpreter itself, not a shim (pyenv's adds tens of ms to every timed python3 run).
PY=$(python3 -c 'import sys; print(sys.executable)')
if ! "$PY" -c 'import exchange_calendars' 2>/dev/null; then
  say "installing exchange_calendars==4.13.2 (pip)"
  if ! "$PY" -m pip --version >/dev/null 2>&1; then
    apt_update && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-pip >/dev/null
  fi
  # Debian's own python3 is "externally managed" (PEP 668): pip needs the override there.
  $SUDO "$PY" -m pip install -q exchange_calendars==4.13.2 ||
    $SUDO "$PY" -m pip install -q --break-system-packages exchange_calendars==4.13.2
fi

# --- a private folder, and every process we start stopped at the end --------------------------
BENCH_WORK=$(mktemp -d /tmp/v6bench.XXXXXX)
export BENCH_WORK BENCH_STARTED=$(date +%s) BENCH_LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)" BENCH_REPO="$REPO"
: > "$BENCH_WORK/pids"
background="" current=""

# Each step runs in the background and is waited for: a signal then reaches the trap at once
# instead of after the step (bash runs traps only between foreground commands).
step() {
  "$@" &
  current=$!
  wait "$current"
  current=""
}

cleanup() {
  local status=$?
  for step_pid in $current $background; do kill "$step_pid" 2>/dev/null || true; done
  # Only the pids our steps registered, and only while they still run the program they were.
  while read -r pid path; do
    [ -n "$pid" ] && [ "$(readlink -f "/proc/$pid/exe" 2>/dev/null)" = "$(readlink -f "$path")" ] || continue
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do [ -e "/proc/$pid" ] || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done < "$BENCH_WORK/pids"
  if [ "${BENCH_KEEP:-0}" = 1 ] || [ $status -ne 0 ]; then
    echo "benchmark files kept in $BENCH_WORK" >&2
  else
    rm -rf "$BENCH_WORK"
  fi
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cd "$HERE"
echo "v6-scheduler benchmarks: binaries in $BIN, work in $BENCH_WORK, load average $BENCH_LOAD_BEFORE"

say "1-2: calendar and plan (whole processes)"
step "$PY" bench_offline.py "$BIN" "$REPO"

say "3: fire lateness, 1 task then 200 tasks (${LATENESS_SECONDS} s each)"
step "$PY" bench_lateness.py "$BIN" "$LATENESS_SECONDS" "$LATENESS_SECONDS"

say "5 and 7: memory, start-up, v6ctl status, control socket"
step "$PY" bench_daemon.py "$BIN" "$REPO"

say "8: run-time configuration edits, request to applied"
step "$PY" bench_edit.py "$BIN" "$REPO"

say "9: hostile clients (a reader that never reads; 64 slow connections), ${HOSTILE_SECONDS} s each"
step "$PY" bench_hostile.py "$BIN" "$HOSTILE_SECONDS"

say "10: v6-dashboard (Today page, 10,000 tasks, output lines to the browser, memory)"
step "$PY" bench_dashboard.py "$BIN" "$REPO"

say "11 and 12: a 300 MB output flood beside a 1 s task; watchdog ping spacing"
step "$PY" bench_faults.py "$BIN"

say "13: 200 tasks due at one instant, as each task sees it, beside a C loop (${BURST_SECONDS} s)"
step "$PY" bench_burst.py "$BIN" burst "$BURST_SECONDS"

say "14: 1 task a second while another process writes 2 GB with fsyncs (at least ${DISKLOAD_SECONDS} s)"
step "$PY" bench_burst.py "$BIN" diskload "$DISKLOAD_SECONDS"

say "16: the PostgreSQL store beside SQLite: fire lateness of a 1 s task, the claim round trip (${POSTGRES_SECONDS} s each)"
step "$PY" bench_postgres.py "$BIN" "$POSTGRES_SECONDS"

say "15: coverage-guided fuzzing, ${FUZZ_SECONDS} s per target"
step "$PY" bench_fuzz.py "$REPO" "$FUZZ_SECONDS"

say "4 and 6: beside busybox crond for ${CRON_SECONDS} s; an idle daemon's context switches for ${SWITCH_SECONDS} s meanwhile"
"$PY" bench_daemon.py "$BIN" "$REPO" switches "$SWITCH_SECONDS" &
background=$!
step "$PY" bench_cron.py "$BIN" "$BUSYBOX" "$CRON_SECONDS"
wait "$background"
background=""

say "results"
step "$PY" render.py "$BENCH_WORK/results.jsonl" "$REPO/docs/benchmarks.md"
echo "total: $(( $(date +%s) - BENCH_STARTED )) s"
