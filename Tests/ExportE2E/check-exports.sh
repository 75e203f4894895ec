#!/usr/bin/env bash
# Part of `make test` (no root needed): what `v6-scheduler export` writes for the production
# configuration and for the awkward-cases fixture is valid for its target:
#   - every CronJob passes `kubernetes-validate --strict` (offline schemas of Kubernetes 1.37;
#     make test-deps installs the pinned package into .build/venv), and a broken copy fails it;
#   - every .timer and .service passes `systemd-analyze verify` (no output), and a broken unit fails it;
#   - the crontab's lines have five fields and a gated command each.
#
# Usage: check-exports.sh BIN_DIR VENV_DIR     Prints PASS/FAIL lines and "N passed, M failed".
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
bin=$(cd "${1:?usage: check-exports.sh BIN_DIR VENV_DIR}" && pwd)
venv=${2:?usage: check-exports.sh BIN_DIR VENV_DIR}
validate="$venv/bin/kubernetes-validate"
passed=0; failed=0
pass() { passed=$((passed + 1)); echo "PASS $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }

work=$(mktemp -d "${TMPDIR:-/tmp}/v6-check-exports.XXXXXX")
trap 'rm -rf "$work"' EXIT
[ -x "$validate" ] || { fail "kubernetes-validate is not installed in $venv (run make test-deps)"; echo "$passed passed, $failed failed"; exit 1; }

for config in config/production.yaml Tests/Fixtures/export-awkward.yaml; do
    name=$(basename "$config" .yaml)
    out="$work/$name"
    if "$bin/v6-scheduler" export --config "$repo/$config" --format k8s --image registry.example/trading-bot:1.0 \
            --namespace trading --label team=desk --out "$out/k8s" 2>"$out.k8s.notes" &&
       result=$("$validate" --strict --kubernetes-version 1.37.0 "$out/k8s/v6-cronjobs.yaml" 2>&1) &&
       ! grep -qvE "^INFO .* passed for resource cronjob/" <<<"$result"; then
        pass "k8s $config: $(grep -c passed <<<"$result") CronJobs pass kubernetes-validate --strict (1.37.0)"
    else
        fail "k8s $config: kubernetes-validate:"; sed 's/^/    /' <<<"${result:-$(cat "$out.k8s.notes")}" | head -20
    fi
    if "$bin/v6-scheduler" export --config "$repo/$config" --format systemd --v6ctl "$bin/v6ctl" --out "$out/systemd" 2>"$out.sd.notes" &&
       units=("$out"/systemd/*) && verify=$(cd "$out/systemd" && systemd-analyze verify --man=no "${units[@]##*/}" 2>&1) && [ -z "$verify" ]; then
        pass "systemd $config: ${#units[@]} units pass systemd-analyze verify"
    else
        fail "systemd $config: systemd-analyze verify:"; sed 's/^/    /' <<<"${verify:-$(cat "$out.sd.notes")}" | head -20
    fi
    if "$bin/v6-scheduler" export --config "$repo/$config" --format crontab --out "$out/cron" 2>/dev/null &&
       ! grep -vE '^(#|$|CRON_TZ=America/New_York$)' "$out/cron/v6-scheduler.crontab" |
         grep -vE '^[^ ]+ [^ ]+ [^ ]+ [^ ]+ [^ ]+  cd [^ ]+ && [^ ]*v6ctl gate .* -- ' >"$work/badcron"; then
        pass "crontab $config: $(grep -cvE '^(#|$|CRON_TZ)' "$out/cron/v6-scheduler.crontab") lines, each five fields and a gated command"
    else
        fail "crontab $config: malformed lines:"; sed 's/^/    /' "$work/badcron" | head
    fi
done

# The checkers must be able to fail: a broken copy of each is rejected.
sed -e "s/podFailurePolicy:/podFailurPolicy:/" -e "s/activeDeadlineSeconds: \([0-9]*\)/activeDeadlineSeconds: \"\1s\"/" "$work/production/k8s/v6-cronjobs.yaml" >"$work/broken.yaml"
if ! "$validate" --strict --kubernetes-version 1.37.0 "$work/broken.yaml" >/dev/null 2>&1; then
    pass "k8s: kubernetes-validate rejects a misspelt key (podFailurPolicy) and a string activeDeadlineSeconds"
else
    fail "k8s: kubernetes-validate accepted a misspelt key and a string activeDeadlineSeconds"
fi
mkdir -p "$work/broken-units"
sed 's/^RuntimeMaxSec=.*/RuntimeMaxSec=forever/' "$work/production/systemd/v6-health_check.service" >"$work/broken-units/v6-health_check.service"
if [ -n "$(cd "$work/broken-units" && systemd-analyze verify --man=no v6-health_check.service 2>&1)" ]; then
    pass "systemd: systemd-analyze verify reports a unit with RuntimeMaxSec=forever"
else
    fail "systemd: systemd-analyze verify accepted RuntimeMaxSec=forever"
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
