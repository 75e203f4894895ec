#!/usr/bin/env bash
# The exported systemd timers under a real systemd (../shared/tools/systemd-ns), as root:
# a configuration of frequent test tasks goes through `v6-scheduler export --format systemd`,
# the units are installed into the private systemd, and the checks watch them run:
#   - tick (every 5 s): its timer fires on the 5-second grid and the service succeeds;
#   - skip (cron * * * * *, days: the kind of day today is not): the timer fires, the gate's
#     ExecCondition= says no, systemd records a skipped condition, and the command never runs;
#   - slow (sleep 30, timeout_seconds 2): RuntimeMaxSec= stops it (Type=exec): result timeout;
#   - flaky (exit 1, retries 2) runs 3 times; fatal (exit 2, retries 2) runs once.
# Prints PASS/FAIL per check and "N passed, M failed". One systemd-ns per machine: it waits
# for another instance (as Tests/SystemdE2E/run.sh does).
#
# Usage (as root): Tests/ExportE2E/timers.sh BIN_DIR
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
source "$repo/Tests/SystemdE2E/lib.sh"
bin=$(cd "${1:?usage: timers.sh BIN_DIR}" && pwd)

if [ "$(id -u)" != 0 ]; then
    echo "SKIP export timers: needs root (boots a private systemd); run: sudo make e2e-export"; exit 0
fi
ns=${SYSTEMD_NS:-}
for candidate in "$repo/../shared/tools/systemd-ns" /work/shared/tools/systemd-ns "$(command -v systemd-ns || true)"; do
    [ -z "$ns" ] && [ -n "$candidate" ] && [ -x "$candidate" ] && ns=$candidate
done
if [ -z "$ns" ] || [ ! -x /usr/lib/systemd/systemd ]; then
    echo "SKIP export timers: needs systemd and the systemd-ns tool (set SYSTEMD_NS=/path/to/systemd-ns)"; exit 0
fi

# systemd-ns hides the host's /tmp, /var/tmp and /run: work (and run v6ctl) from /var/cache.
work=$(mktemp -d /var/cache/v6-export-timers.XXXXXX) || { echo "FAIL export timers: cannot create a work folder in /var/cache"; exit 1; }
detail_file=$work/detail
ns_pid=""
cp "$bin/v6ctl" "$bin/v6-scheduler" "$work/"
finish() {
    local status=$?
    trap - EXIT INT TERM
    if [ -n "$ns_pid" ] && [ "$("$ns" pid 2>/dev/null)" = "$ns_pid" ]; then
        if [ "$failed" -gt 0 ]; then inns journalctl -u 'v6e-*' -n 40 --no-pager 2>&1 | sed 's/^/    | /'; fi
        "$ns" stop >"$work/stop.log" 2>&1 || { echo "FAIL export timers: systemd-ns stop"; cat "$work/stop.log"; failed=$((failed + 1)); }
    fi
    rm -rf "$work"
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
    exit $?
}
trap finish EXIT
trap 'echo "FAIL interrupted (signal)"; failed=$((failed + 1)); exit 1' INT TERM

# The skip task runs on the kind of day today is not (ET): its timer fires, its gate refuses.
# Not across midnight ET, where the kind of day could change during the test.
while [ "$(TZ=America/New_York date +%H%M)" -ge 2356 ]; do sleep 10; done
if [ "$(TZ=America/New_York date +%u)" -le 5 ]; then other=weekends; else other=weekdays; fi
cat >"$work/timers.yaml" <<YAML
scheduler:
  working_directory: "$work"
  state_directory: "$work/state"
  tasks:
    tick:  {command: ["sh", "-c", "date +%s >> $work/tick.log"], frequency: "5s", days: every_day, timeout_seconds: 4}
    skip:  {command: ["sh", "-c", "date +%s >> $work/skip.log"], cron: "* * * * *", days: $other}
    slow:  {command: ["sleep", "30"], frequency: "10s", days: every_day, timeout_seconds: 2}
    flaky: {command: ["sh", "-c", "date +%s >> $work/flaky.log; exit 1"], frequency: "1h", days: every_day, retries: 2, retry_backoff_seconds: 1}
    fatal: {command: ["sh", "-c", "date +%s >> $work/fatal.log; exit 2"], frequency: "1h", days: every_day, retries: 2, retry_backoff_seconds: 1}
YAML
check "export: v6-scheduler export --format systemd writes 10 units" \
    bash -c "'$work/v6-scheduler' export --config '$work/timers.yaml' --format systemd --v6ctl '$work/v6ctl' --prefix v6e- --out '$work/units' && [ \$(ls '$work/units' | wc -l) = 10 ]" || exit 1

if ns_boot "export timers"; then pass "boot: private systemd running (host pid $ns_pid)"; else fail "boot: systemd-ns start"; exit 1; fi
check "install: the exported units load" "$ns" install-unit "$work"/units/* || exit 1
# The hourly ones are started by hand: their timers would wait for the next hour.
# The services without waiting for their jobs: they fail at once (exit 1, exit 2), and whether
# `systemctl start` sees that as its job failing depends on which systemd learns first, the exec
# or the exit (seen once: "Job for v6e-flaky.service failed"). Their runs are checked below.
check "start: timers of tick, skip and slow; services flaky and fatal" \
    inns sh -c 'systemctl start v6e-tick.timer v6e-skip.timer v6e-slow.timer && systemctl start --no-block v6e-flaky.service v6e-fatal.service'

lines() { [ -f "$1" ] && wc -l <"$1" || echo 0; }
ticks_at_least() { [ "$(lines "$work/tick.log")" -ge "$1" ]; }
on_grid() {   # every run started within AccuracySec=1s after a multiple of 5 s
    cat "$work/tick.log"; awk '{ if ($1 % 5 > 1) bad = 1 } END { exit bad }' "$work/tick.log"
}
if wait_for 40 ticks_at_least 4; then
    check "tick: the 5 s timer fired 4 times, each on the 5-second grid" on_grid
else
    fail "tick: fewer than 4 runs in 40 s ($(lines "$work/tick.log"))"
fi
check "tick: the service ran the command and succeeded" bash -c "[ \"\$('$ns' exec systemctl show -P Result v6e-tick.service)\" = success ]"

skipped() { [ "$(prop Result v6e-skip.service)" = exec-condition ]; }
if wait_for 75 skipped; then
    gate_said() { inns journalctl -u v6e-skip.service -o cat --no-pager | shows "skipped: .* is a "; }
    check "skip: the timer fired and the gate's ExecCondition= skipped it ($other only): systemd logs its reason" gate_said
    check "skip: the command never ran (systemd recorded the condition as failed first)" bash -c "[ ! -e '$work/skip.log' ]"
else
    fail "skip: no skipped condition within 75 s (Result=$(prop Result v6e-skip.service))"
fi

timed_out() { [ "$(prop Result v6e-slow.service)" = timeout ]; }
check "slow: RuntimeMaxSec=2 stops sleep 30 (Type=exec): Result=timeout" wait_for 20 timed_out

flaky_done() { [ "$(lines "$work/flaky.log")" -ge 3 ] && [ "$(prop ActiveState v6e-flaky.service)" = failed ]; }
if wait_for 30 flaky_done; then
    check "flaky: exit 1 with retries: 2 ran 3 times, then failed (Restart=on-failure, StartLimitBurst=3)" \
        bash -c "[ \$(wc -l <'$work/flaky.log') = 3 ]"
else
    fail "flaky: $(lines "$work/flaky.log") runs, state $(prop ActiveState v6e-flaky.service)/$(prop Result v6e-flaky.service)"
fi
fatal_done() { [ "$(prop ActiveState v6e-fatal.service)" = failed ]; }
if wait_for 20 fatal_done; then
    check "fatal: exit 2 is not retried (RestartPreventExitStatus=2): one run" \
        bash -c "[ \$(wc -l <'$work/fatal.log') = 1 ] && [ \"\$('$ns' exec systemctl show -P NRestarts v6e-fatal.service)\" = 0 ]"
else
    fail "fatal: state $(prop ActiveState v6e-fatal.service)"
fi
