# Helpers for run.sh (sourced): PASS/FAIL bookkeeping, commands inside the private systemd,
# polling with deadlines instead of fixed sleeps, journal positions.

passed=0
failed=0
detail_file=/dev/null   # run.sh points it at a file; a failing check prints its contents

pass() { passed=$((passed + 1)); echo "PASS $*"; }

fail() {
    failed=$((failed + 1))
    echo "FAIL $*"
    if [ -s "$detail_file" ]; then head -n 40 "$detail_file" | sed 's/^/    | /'; fi
}

# check NAME CMD...: PASS when CMD succeeds; otherwise FAIL with CMD's output. Returns CMD's verdict.
check() {
    local name=$1; shift
    : >"$detail_file"
    if "$@" >>"$detail_file" 2>&1; then pass "$name"; return 0; fi
    fail "$name"; return 1
}

# shows PATTERN: copy stdin to stdout (the failure details) and succeed if a line matches PATTERN.
shows() {
    local out; out=$(cat)
    printf '%s\n' "$out"
    grep -Eq -- "$1" <<<"$out"
}

# note TEXT: a line for the failure details of the current check.
note() { echo "$*" >>"$detail_file"; }

# inns CMD...: CMD inside the private systemd's namespaces (no stdin).
inns() { "$ns" exec "$@" </dev/null; }

# wait_for SECONDS CMD...: run CMD every 0.2 s until it succeeds; false after SECONDS.
wait_for() {
    local deadline=$((SECONDS + $1)); shift
    until "$@" >/dev/null 2>&1; do
        [ "$SECONDS" -lt "$deadline" ] || return 1
        sleep 0.2
    done
}

# prop PROPERTY [UNIT]: one property of a unit (systemctl show -P).
prop() { inns systemctl show -P "$1" "${2:-v6-scheduler.service}"; }

# jmark: the current length of the units' journal; jsince MARK: the lines written after it.
journal() { inns journalctl -u v6-scheduler.service -u v6-scheduler.socket -o cat --no-pager "$@"; }
jmark() { journal | wc -l; }
jsince() { journal | tail -n "+$(($1 + 1))"; }
# jhas MARK PATTERN: the journal has a line matching PATTERN (grep -E) since MARK.
jhas() { jsince "$1" | grep -Eq -- "$2"; }

# v6ctl ARGS...: the installed client, as root, inside the private systemd.
v6ctl() { inns timeout 30 /usr/local/bin/v6ctl "$@"; }
# v6ctl_as GROUPS ARGS...: the client as uid nobody with the given supplementary groups
# ("" for none), to check the socket's group and the daemon's authorization.
v6ctl_as() {
    local groups=$1; shift
    if [ -n "$groups" ]; then
        inns setpriv --reuid=65534 --regid=65534 --groups="$groups" timeout 30 /usr/local/bin/v6ctl "$@"
    else
        inns setpriv --reuid=65534 --regid=65534 --clear-groups timeout 30 /usr/local/bin/v6ctl "$@"
    fi
}

# is_running: the service is active (running).
is_running() { [ "$(prop ActiveState)/$(prop SubState)" = active/running ]; }
# no_process PATTERN: no process inside the namespace has exactly this command line.
no_process() { ! inns pgrep -x -f "$1" >/dev/null; }
has_process() { inns pgrep -x -f "$1" >/dev/null; }
# main_pid_differs PID: the service has a main process, and it is not PID.
main_pid_differs() { local p; p=$(prop MainPID); [ "$p" != 0 ] && [ "$p" != "$1" ]; }
# task_lines_at_least TASK N: the journal holds at least N output lines of TASK.
task_lines_at_least() {
    [ "$(inns journalctl -u v6-scheduler V6_TASK="$1" -o cat --no-pager | grep -c "from $1 run")" -ge "$2" ]
}

# ns_boot LABEL: start the private systemd (sets ns_pid; its log in $work/ns-start.log). Another
# instance (one per machine) is waited for, up to 10 minutes; other failures go to the details.
ns_boot() {
    local deadline=$((SECONDS + 600)) waited=0
    while :; do
        if ns_pid=$("$ns" start 2>"$work/ns-start.log"); then return 0; fi
        ns_pid=""
        if grep -Eq "already running|still has processes|another start/stop" "$work/ns-start.log" && [ "$SECONDS" -lt "$deadline" ]; then
            [ "$waited" = 1 ] || echo "$1: another systemd-ns instance is running; waiting for it (up to 10 min)"
            waited=1; sleep 5; continue
        fi
        cat "$work/ns-start.log" >"$detail_file"; return 1
    done
}
