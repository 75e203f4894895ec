#!/usr/bin/env bash
# End-to-end test of what `make install` gives an operator, under a real systemd: boots a
# private systemd (../shared/tools/systemd-ns), gives it private overlays of /etc, /usr/local,
# /var/lib, /var/log and /srv (private-root.sh: the host is never written), runs `make install`
# there exactly as an operator would (no DESTDIR: sysusers, tmpfiles), then drives the units
# with systemctl, journalctl and v6ctl. Prints PASS/FAIL per check and, last,
# "N passed, M failed"; exits non-zero when a check failed.
#
# Usage (as root): Tests/SystemdE2E/run.sh BIN_DIR     (make e2e-systemd builds and calls it)
#   BIN_DIR: the built v6-scheduler and v6ctl; man pages and completions come from
#   .build/v6-extras (make extras). SYSTEMD_NS=path overrides where the tool is looked for.
# Waits (up to 10 min) for another test's systemd-ns instance to finish: one per machine.
set -uo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
here=$repo/Tests/SystemdE2E
bin=$(cd "${1:?usage: run.sh BIN_DIR}" && pwd)
work=$repo/.build/systemd-e2e      # a shared path (systemd-ns hides the host's /tmp)
source "$here/lib.sh"

# What this test needs and cannot find: under CI (root, as CI runs it, or CI set) a failure, since
# CI has all of it; elsewhere one loud SKIP line on stderr.
unavailable() {
    if [ "$(id -u)" = 0 ] || [ -n "${CI:-}" ]; then echo "FAIL e2e-systemd: $*"; exit 1; fi
    echo "SKIP e2e-systemd: $* (the install under systemd was NOT tested)" >&2; exit 0
}
[ "$(id -u)" = 0 ] || unavailable "needs root (boots a private systemd); run: sudo make e2e-systemd"
ns=${SYSTEMD_NS:-}
for candidate in "$repo/../shared/tools/systemd-ns" /work/shared/tools/systemd-ns "$(command -v systemd-ns || true)"; do
    [ -z "$ns" ] && [ -n "$candidate" ] && [ -x "$candidate" ] && ns=$candidate
done
[ -n "$ns" ] || unavailable "no systemd-ns tool (../shared/tools/systemd-ns; set SYSTEMD_NS=/path/to/systemd-ns)"
[ -x /usr/lib/systemd/systemd ] || unavailable "no /usr/lib/systemd/systemd (make test-deps installs Debian's systemd)"
[ -x "$bin/v6-scheduler" ] && [ -d "$repo/.build/v6-extras" ] || { echo "FAIL e2e-systemd: no binaries in $bin or no .build/v6-extras (run make e2e-systemd)"; exit 1; }

# systemd-ns gives its systemd a private /tmp, /var/tmp and /run: a checkout below them (CI may
# clone into /tmp) is invisible inside. Then run from a copy in a shared place, removed after.
case "$(readlink -f "$repo")/" in
    /tmp/*|/var/tmp/*|/run/*|/dev/shm/*)
        if [ -z "${V6E2E_MIRRORED:-}" ]; then
            mirror=$(mktemp -d /var/cache/v6e2e.XXXXXX) || { echo "FAIL e2e-systemd: cannot create a shared work folder in /var/cache"; exit 1; }
            trap 'rm -rf "$mirror"' EXIT
            if ! (cd "$repo" && git ls-files -z | xargs -0 cp -a --parents -t "$mirror") 2>/dev/null; then
                (cd "$repo" && tar --exclude=./.build --exclude=./.git -cf - .) | (cd "$mirror" && tar -xf -)
            fi
            mkdir -p "$mirror/.build" "$mirror/bin"
            cp -a "$repo/.build/v6-extras" "$mirror/.build/"
            cp -a "$bin/v6-scheduler" "$bin/v6ctl" "$mirror/bin/"
            echo "e2e-systemd: $repo is hidden from systemd-ns; running from a copy in $mirror"
            SYSTEMD_NS=$ns V6E2E_MIRRORED=1 bash "$mirror/Tests/SystemdE2E/run.sh" "$mirror/bin"
            exit $?
        fi;;
esac

rm -rf "$work"; mkdir -p "$work"
detail_file=$work/detail
ns_pid=""

# What the host has before the test: the test must leave exactly this.
host_snapshot() {
    getent passwd v6-scheduler; getent group v6
    ls -d /usr/local/bin/v6ctl /usr/local/bin/v6-scheduler /usr/local/lib/systemd/system/v6-scheduler.service \
        /etc/v6-scheduler /var/lib/v6-scheduler /var/log/v6-scheduler /run/v6-scheduler /srv/trading-bot 2>/dev/null
    true
}
host_snapshot >"$work/host-before"

exec 8>&1 9>&2   # the script's own output: an interruption may land inside a check's redirection
finish() {
    local status=$?
    trap - EXIT INT TERM
    exec 1>&8 2>&9
    if [ -n "$ns_pid" ]; then
        if [ "$failed" -gt 0 ]; then
            echo "--- journal of v6-scheduler.service and .socket (last 60 lines) ---"
            inns journalctl -u v6-scheduler.service -u v6-scheduler.socket -n 60 --no-pager 2>&1 | sed 's/^/    /'
        fi
        # Only our instance: the state file may name another test's after a failed start.
        if [ "$("$ns" pid 2>/dev/null)" = "$ns_pid" ]; then "$ns" stop >"$detail_file" 2>&1; else : >"$detail_file"; fi
        host_snapshot >"$work/host-after"
        if grep -q "no processes left" "$detail_file" && diff "$work/host-before" "$work/host-after" >>"$detail_file"; then
            pass "cleanup: systemd-ns stopped, no process left; the host's users, /usr/local, /etc, /var, /srv unchanged"
        else
            fail "cleanup: systemd-ns stop or the host changed (diff of host state before/after)"
        fi
    fi
    rm -rf "$work"
    echo "$passed passed, $failed failed"
    if [ "$failed" -gt 0 ] || [ "$status" -ne 0 ]; then exit 1; fi
    exit 0
}
trap finish EXIT
trap 'echo "FAIL interrupted (signal)" >&8; failed=$((failed + 1)); exit 1' INT TERM

# --- Boot -------------------------------------------------------------------------------------
if ns_boot "e2e-systemd"; then pass "boot: private systemd running (systemd-ns, host pid $ns_pid)"; else fail "boot: systemd-ns start"; exit 1; fi
root=$("$ns" root)
check "isolation: private overlays of /etc, /usr/local, /var/lib, /var/log, /srv" inns bash "$here/private-root.sh" "$work/overlay" || exit 1

# --- make install, as an operator runs it -----------------------------------------------------
installed() {
    inns env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS -u DESTDIR -u PREFIX \
        make -C "$repo" --no-print-directory install-files INSTALL_FROM="$bin" >"$work/install.log" 2>&1 || { cat "$work/install.log"; return 1; }
    cat "$work/install.log"
    grep -q "created user v6-scheduler" "$work/install.log" && grep -q "systemctl enable --now v6-scheduler" "$work/install.log" &&
    inns getent passwd v6-scheduler && inns getent group v6 | grep -q v6-scheduler &&
    [ "$(inns stat -c %U:%G /run/v6-scheduler)" = v6-scheduler:v6-scheduler ]
}
check "install: make install (no DESTDIR) creates user v6-scheduler, group v6, /run/v6-scheduler" installed
files_in_place() {
    local f
    for f in /usr/local/bin/v6-scheduler /usr/local/bin/v6ctl /usr/local/bin/v6-dashboard /usr/local/lib/systemd/system/v6-scheduler.service \
        /usr/local/lib/systemd/system/v6-dashboard.service /usr/local/share/man/man1/v6-dashboard.1 /usr/local/share/doc/v6-scheduler/dashboard.md \
        /usr/local/lib/systemd/system/v6-scheduler.socket /usr/local/lib/sysusers.d/v6-scheduler.conf \
        /usr/local/lib/tmpfiles.d/v6-scheduler.conf /usr/local/share/man/man1/v6ctl.1 /usr/local/share/man/man1/v6-scheduler.1 \
        /usr/local/share/bash-completion/completions/v6ctl /usr/local/share/zsh/site-functions/_v6ctl \
        /usr/local/share/fish/vendor_completions.d/v6ctl.fish /usr/local/share/doc/v6-scheduler/README.md \
        /etc/v6-scheduler/production.yaml /etc/v6-scheduler/scheduler.env; do
        inns test -s "$f" || { note "missing: $f"; return 1; }
    done
    # Documentation= links point at installed files (systemd-analyze verify checks only man:).
    for f in $(inns grep -ho 'file://[^ ]*' /usr/local/lib/systemd/system/v6-scheduler.service /usr/local/lib/systemd/system/v6-scheduler.socket /usr/local/lib/systemd/system/v6-dashboard.service); do
        inns test -s "${f#file://}" || { note "Documentation= names a missing file: $f"; return 1; }
    done
    inns grep -q "^ExecStart=/usr/local/bin/v6-scheduler run --config /etc/v6-scheduler/production.yaml" /usr/local/lib/systemd/system/v6-scheduler.service &&
    ! inns grep -q "@BINDIR@\|@DOCDIR@" /usr/local/lib/systemd/system/v6-scheduler.service /usr/local/lib/systemd/system/v6-scheduler.socket /usr/local/lib/systemd/system/v6-dashboard.service &&
    inns man -w v6ctl && inns /usr/local/bin/v6ctl calendar day
}
check "install: binaries, units, sysusers/tmpfiles, man pages, completions, docs, config in place" files_in_place
check "verify: systemd-analyze verify of the installed units (ExecStart=, man pages)" \
    inns systemd-analyze verify /usr/local/lib/systemd/system/v6-scheduler.service /usr/local/lib/systemd/system/v6-scheduler.socket /usr/local/lib/systemd/system/v6-dashboard.service
enabled() {
    inns systemctl enable v6-scheduler.service && [ "$(inns systemctl is-enabled v6-scheduler.socket)" = enabled ]
}
check "enable: systemctl enable v6-scheduler also enables v6-scheduler.socket (Also=)" enabled

# The operator's part: the project folder and the desk's configuration; a drop-in for quick restarts.
configure() {
    # The project checkout belongs to the service user, as install tells the operator; the
    # other folder too, but it is not in ReadWritePaths=.
    inns install -d -m 0755 -o v6-scheduler -g v6-scheduler /srv/trading-bot /srv/v6e2e-outside
    cp "$here/e2e.yaml" "$root/etc/v6-scheduler/production.yaml"
    echo "E2E_FROM_ENV_FILE=yes" >>"$root/etc/v6-scheduler/scheduler.env"
    mkdir -p "$root/etc/systemd/system/v6-scheduler.service.d"
    printf '[Service]\nRestartSec=1s\n' >"$root/etc/systemd/system/v6-scheduler.service.d/e2e.conf"
    inns systemctl daemon-reload
}
configure >"$detail_file" 2>&1 || { fail "setup: test configuration and drop-in"; exit 1; }

# --- Start, status, socket --------------------------------------------------------------------
mark=$(jmark)
started() {
    inns timeout 120 systemctl start v6-scheduler.service || return 1
    is_running || { note "state: $(prop ActiveState)/$(prop SubState)"; return 1; }
    # Type=notify: systemd reports the start only after the daemon's READY=1, which it sends
    # after logging "ready".
    local first; first=$(jsince "$mark" | grep -E "ready:|Started v6-scheduler.service" | head -1)
    note "first of the two: $first"
    [[ "$first" == *"ready:"* ]]
}
check "start: systemctl start returns once READY=1 arrived; active (running)" started
status_line() {
    inns systemctl status v6-scheduler.service --no-pager | shows 'Status: "[a-z_]+; [0-9]+ running; next '
}
check "status: systemctl status shows the daemon's STATUS= line" status_line
fd_passed() {
    [ "$(prop ActiveState v6-scheduler.socket)" = active ] && jhas "$mark" "control socket passed by systemd \(fd 3\)"
}
check "socket: v6-scheduler.socket listening; the daemon took its fd (sd_listen_fds)" fd_passed
socket_mode() {
    local got; got=$(inns stat -c '%U:%G %a' /run/v6-scheduler/control.sock); note "control.sock: $got"
    [ "$got" = "v6-scheduler:v6 660" ]
}
check "socket: control.sock is v6-scheduler:v6 0660 after the service started" socket_mode

# --- v6ctl ------------------------------------------------------------------------------------
v6gid=$(inns getent group v6 | cut -d: -f3)
root_status() { v6ctl status | shows "^tasks: [0-9]+ \(" && v6ctl list | shows "^tick "; }
check "v6ctl status (root) answers and counts the tasks; v6ctl list lists them" root_status
member_run() {
    v6ctl_as "$v6gid" run-now hello --wait 2>&1 | shows "^hello from hello run [0-9]+, systemd variables: 0, env file: yes$"
}
check "v6ctl run-now hello --wait as a member of v6 (uid nobody): output streamed; task env has scheduler.env, no NOTIFY_SOCKET/LISTEN_*/WATCHDOG_*" member_run
hook_environment() {
    local mark; mark=$(jmark)
    v6ctl run-now boom --wait; note "run-now boom exited $?"
    wait_for 30 jhas "$mark" "hook for boom" || return 1
    jsince "$mark" | shows "^hook for boom, systemd variables: 0$"
}
check "on_failure hook: runs after the failure, without NOTIFY_SOCKET/LISTEN_*/WATCHDOG_*" hook_environment
sandboxed() {
    v6ctl run-now sandbox --wait | shows "^sandbox: project yes, tmp yes, outside no, run no, inet: Connection refused$"
}
check "hardening: a task writes its project (ReadWritePaths=/srv/trading-bot) and /tmp, not its other folder or /run; opens IP sockets" sandboxed
directories() {
    inns stat -c '%U:%G %a %n' /var/lib/v6-scheduler /var/lib/v6-scheduler/state.db /var/log/v6-scheduler /var/log/v6-scheduler/v6-scheduler.log &&
    [ "$(inns stat -c %U /var/lib/v6-scheduler/state.db)" = v6-scheduler ] && inns grep -q "ready:" /var/log/v6-scheduler/v6-scheduler.log
}
check "StateDirectory=, LogsDirectory=: state.db and the plain-file log written by user v6-scheduler" directories
refused() { ! v6ctl_as "" status >"$work/out" 2>&1 && cat "$work/out" && grep -qi "permission denied" "$work/out"; }
check "v6ctl as a non-member of v6 is refused at connect (SocketMode=0660)" refused
journal_task() {
    wait_for 30 task_lines_at_least tick 3
    inns journalctl -u v6-scheduler V6_TASK=tick -o cat --no-pager -n 5 | shows "^tick from tick run"
}
check "journal: journalctl -u v6-scheduler V6_TASK=tick returns the task's output (2 s frequency)" journal_task

# --- Run-time edits ----------------------------------------------------------------------------
dropin=/etc/v6-scheduler/production.yaml.d
runtime_edit() {
    local mark; mark=$(jmark)
    inns stat -c '%U:%G %a %n' "$dropin"
    [ "$(inns stat -c %U:%G "$dropin")" = v6-scheduler:v6-scheduler ] || { note "make install did not create $dropin for the service"; return 1; }
    v6ctl_as "$v6gid" task set hello retries=2 --on-behalf-of "E2E Person" || return 1
    inns stat -c '%U:%G %a %n' "$dropin/90-runtime.yaml"
    inns grep -q "      retries: 2" "$dropin/90-runtime.yaml" && [ "$(inns stat -c %U "$dropin/90-runtime.yaml")" = v6-scheduler ] &&
    v6ctl config show --sources | shows "retries: 2 +# $dropin/90-runtime.yaml:[0-9]+" &&
    inns journalctl -u v6-scheduler V6_AUDIT=1 -o cat --no-pager | shows "configuration changed by nobody \\(uid 65534\\) for E2E Person: task set hello retries=2"
}
check "run-time edit: v6ctl task set (a member of v6) writes $dropin/90-runtime.yaml as user v6-scheduler, reloads; journal V6_AUDIT=1" runtime_edit
only_dropin_writable() {
    # A task shares the service's sandbox and user: the drop-in directory is writable, the rest of /etc not.
    v6ctl run-now etc_probe --wait | shows "^etc_probe: dropin yes, etc no$"
}
check "hardening: the service may write $dropin and nothing else under /etc" only_dropin_writable

# --- Reload -----------------------------------------------------------------------------------
reloaded() {
    local pid mark; pid=$(prop MainPID); mark=$(jmark)
    { cat "$here/e2e.yaml"; printf '    added_on_reload:\n      command: ["/bin/true"]\n      at: "03:00"\n      days: [sunday]\n'; } \
        >"$root/etc/v6-scheduler/production.yaml"
    inns timeout 60 systemctl reload v6-scheduler.service || return 1
    wait_for 30 jhas "$mark" "reloaded \(SIGHUP\): [0-9]+ tasks" || { jsince "$mark" | tail -5; return 1; }
    [ "$(prop MainPID)" = "$pid" ] && v6ctl list | shows "^added_on_reload "
}
check "reload: systemctl reload (SIGHUP) applies the new config in the same process; journal says reloaded" reloaded
rejected() {
    local pid mark; pid=$(prop MainPID); mark=$(jmark)
    sed 's|frequency: "2s"|frequency: "2 seconds please"|' "$here/e2e.yaml" >"$root/etc/v6-scheduler/production.yaml"
    inns timeout 60 systemctl reload v6-scheduler.service || return 1
    wait_for 30 jhas "$mark" "reload \(SIGHUP\) rejected" || { jsince "$mark" | tail -5; return 1; }
    jsince "$mark" | grep "rejected" | head -2
    [ "$(prop MainPID)" = "$pid" ] && is_running && v6ctl list | grep -q "^added_on_reload "
}
check "reload: an invalid config is rejected; the running one stays (same pid, same tasks)" rejected
no_restart_loop() {
    local mark restarts; mark=$(jmark); restarts=$(prop NRestarts)
    inns timeout 60 systemctl restart v6-scheduler.service && { note "restart succeeded with a bad config"; return 1; }
    # The job ends when the service fails: in SubState=auto-restart if Restart= applies, in
    # failed if RestartPreventExitStatus=2 stopped it.
    note "state: $(prop ActiveState)/$(prop SubState), result $(prop Result), status $(prop ExecMainStatus), NRestarts $(prop NRestarts)"
    jsince "$mark" | grep "production.yaml:" | head -2
    [ "$(prop SubState)" = failed ] && [ "$(prop ExecMainStatus)" = 2 ] && [ "$(prop NRestarts)" = "$restarts" ] &&
        jhas "$mark" "production.yaml:[0-9]+: .*frequency"
}
check "config error at start: exit 2, the journal names FILE:LINE, no restart loop (RestartPreventExitStatus=2)" no_restart_loop
cp "$here/e2e.yaml" "$root/etc/v6-scheduler/production.yaml"
inns systemctl reset-failed v6-scheduler.service v6-scheduler.socket
start_again() { inns timeout 120 systemctl start v6-scheduler.service && is_running; }
check "start again after fixing the config" start_again

# --- Stop with a running task, socket activation ------------------------------------------------
stopped() {
    v6ctl run-now sleeper || return 1
    wait_for 30 has_process "sleep 3001" && wait_for 30 has_process "sleep 3002" && wait_for 30 has_process "sleep 3003" ||
        { note "sleeper did not start"; return 1; }
    local mark; mark=$(jmark)
    inns timeout 120 systemctl stop v6-scheduler.service || return 1
    note "after stop: $(prop ActiveState)/$(prop SubState) result $(prop Result)"
    [ "$(prop ActiveState)" = inactive ] && [ "$(prop Result)" = success ] || return 1
    jsince "$mark" | grep -E "stopping|abandoned|stopped" >>"$detail_file"
    jsince "$mark" | grep "Killing process" >>"$detail_file"
    no_process "sleep 3001" && no_process "sleep 3002" && no_process "sleep 3003" && jhas "$mark" "v6-scheduler stopped"
}
check "stop: a task ignoring SIGTERM, its escaped grandchildren (one unknown to the daemon: KillMode=mixed) are killed; clean exit" stopped
kept_socket() {
    inns test -S /run/v6-scheduler/control.sock && [ "$(prop ActiveState v6-scheduler.socket)" = active ]
}
check "stop: /run/v6-scheduler/control.sock survives (RuntimeDirectoryPreserve=yes); the socket unit keeps listening" kept_socket
activated() {
    v6ctl history sleeper >"$work/history" 2>&1; local rc=$?
    cat "$work/history"
    [ "$rc" = 0 ] && is_running
}
check "socket activation: a v6ctl connection to the stopped service starts it and gets its answer" activated
check "stop: the interrupted run is recorded as abandoned" grep -E "^[0-9]+ +sleeper +manual .*abandoned" "$work/history"

# --- Watchdog -----------------------------------------------------------------------------------
watchdog() {
    printf '[Service]\nWatchdogSec=3s\n' >"$root/etc/systemd/system/v6-scheduler.service.d/watchdog.conf"
    inns systemctl daemon-reload && inns timeout 120 systemctl restart v6-scheduler.service || return 1
    local pid restarts mark; pid=$(prop MainPID); restarts=$(prop NRestarts); mark=$(jmark)
    note "stopping pid $pid (NRestarts $restarts, WatchdogUSec $(prop WatchdogUSec))"
    inns kill -STOP "$pid"
    wait_for 60 main_pid_differs "$pid" || return 1
    wait_for 60 is_running || return 1
    note "new pid $(prop MainPID), NRestarts $(prop NRestarts)"
    jsince "$mark" | grep -Ei "watchdog|restart" >>"$detail_file"
    [ "$(prop NRestarts)" -gt "$restarts" ] && jhas "$mark" "Watchdog timeout"
}
check "watchdog: a stalled daemon (SIGSTOP, WatchdogSec=3s) is aborted and restarted (new MainPID, NRestarts+1)" watchdog
rm -f "$root/etc/systemd/system/v6-scheduler.service.d/watchdog.conf"
inns systemctl daemon-reload

# --- The socket's group in the corner cases -------------------------------------------------------
missing_run_dir() {
    inns systemctl stop v6-scheduler.socket v6-scheduler.service && inns rm -rf /run/v6-scheduler || return 1
    inns timeout 120 systemctl start v6-scheduler.service || return 1
    local got; got=$(inns stat -c '%U:%G %a' /run/v6-scheduler/control.sock); note "control.sock: $got"
    [ "$got" = "v6-scheduler:v6 660" ] && v6ctl_as "$v6gid" status >/dev/null
}
check "socket: still group v6 when /run/v6-scheduler was missing (socket ExecStartPre=, no chown by RuntimeDirectory=)" missing_run_dir
self_bound() {
    inns systemctl stop v6-scheduler.socket v6-scheduler.service && inns systemctl mask --runtime v6-scheduler.socket || return 1
    local mark; mark=$(jmark)
    inns timeout 120 systemctl start v6-scheduler.service || return 1
    local got; got=$(inns stat -c '%U:%G %a' /run/v6-scheduler/control.sock); note "control.sock: $got"
    [ "$got" = "v6-scheduler:v6 660" ] && v6ctl_as "$v6gid" run-now hello --wait >/dev/null && ! jhas "$mark" "passed by systemd" || return 1
    inns systemctl stop v6-scheduler.service && ! inns test -e /run/v6-scheduler/control.sock
}
check "no socket unit (masked): the daemon binds the socket itself (v6, 0660) and removes it at stop" self_bound
inns systemctl unmask --runtime v6-scheduler.socket >/dev/null 2>&1

# --- Uninstall ----------------------------------------------------------------------------------
uninstalled() {
    inns timeout 120 systemctl start v6-scheduler.service || return 1
    inns env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS -u DESTDIR -u PREFIX make -C "$repo" --no-print-directory uninstall || return 1
    local f
    for f in /usr/local/bin/v6-scheduler /usr/local/bin/v6ctl /usr/local/bin/v6-dashboard /usr/local/lib/systemd/system/v6-scheduler.service \
        /usr/local/lib/systemd/system/v6-dashboard.service /usr/local/share/man/man1/v6-dashboard.1 /usr/local/share/doc/v6-scheduler/dashboard.md \
        /usr/local/lib/systemd/system/v6-scheduler.socket /usr/local/share/man/man1/v6ctl.1 /usr/local/share/doc/v6-scheduler; do
        ! inns test -e "$f" || { note "still there: $f"; return 1; }
    done
    note "after uninstall: $(prop LoadState)/$(prop ActiveState)"
    [ "$(prop LoadState)" = not-found ] && [ "$(prop ActiveState)" = inactive ] &&
    inns test -s /etc/v6-scheduler/production.yaml && inns test -s /var/lib/v6-scheduler/state.db && inns getent passwd v6-scheduler
}
check "uninstall: make uninstall stops the units, removes the files; keeps config, state and the user" uninstalled
