#!/usr/bin/env bash
# Quick check of the systemd units, part of `make test` (no root, no running systemd needed):
# the units as `make install` writes them (@BINDIR@ pointing at BIN_DIR, where the binary
# exists, since `systemd-analyze verify` checks ExecStart=) must pass `systemd-analyze verify`,
# and `systemd-analyze security` must keep rating the service's hardening OK (exposure <= 2.5),
# so that a removed protection fails the build instead of going unnoticed.
# Man pages are not installed here (--man=no); the root end-to-end test (run.sh) verifies the
# installed copy with its man pages.
#
# Without systemd-analyze: under CI (root, as CI runs `make test`, or CI set), where `make
# test-deps` installed it, that is a failure; elsewhere one loud SKIP line on stderr.
#
# Usage: verify-units.sh BIN_DIR      Prints PASS/FAIL lines, or one SKIP line.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:?usage: verify-units.sh BIN_DIR}

if ! command -v systemd-analyze >/dev/null; then
    if [ "$(id -u)" = 0 ] || [ -n "${CI:-}" ]; then
        echo "FAIL verify-units: systemd-analyze is not installed (make test-deps installs Debian's systemd)"
        exit 1
    fi
    echo "SKIP verify-units: systemd-analyze is not installed: the units were NOT checked (apt-get install systemd)" >&2
    exit 0
fi
[ -x "$bin/v6-scheduler" ] || { echo "FAIL verify-units: no $bin/v6-scheduler (build first)"; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/v6-verify-units.XXXXXX")
trap 'rm -rf "$work"' EXIT
for unit in service socket; do
    sed -e "s|@BINDIR@|$bin|g" -e "s|@DOCDIR@|$repo/docs|g" "$repo/systemd/v6-scheduler.$unit.in" > "$work/v6-scheduler.$unit"
done
sed -e "s|@BINDIR@|$bin|g" -e "s|@DOCDIR@|$repo/docs|g" "$repo/systemd/v6-dashboard.service.in" > "$work/v6-dashboard.service"

failed=0
if out=$(systemd-analyze verify --man=no "$work/v6-scheduler.service" "$work/v6-scheduler.socket" "$work/v6-dashboard.service" 2>&1) && [ -z "$out" ]; then
    echo "PASS verify-units: systemd-analyze verify v6-scheduler.service v6-scheduler.socket v6-dashboard.service"
else
    echo "FAIL verify-units: systemd-analyze verify reports:"; echo "$out" | sed 's/^/    /'
    failed=1
fi
if out=$(systemd-analyze security --offline=yes --threshold=25 --no-pager "$work/v6-scheduler.service" 2>&1); then
    echo "PASS verify-units: systemd-analyze security: $(echo "$out" | grep -o 'exposure level.*' | tail -1)"
else
    echo "FAIL verify-units: systemd-analyze security rates the service above 2.5:"; echo "$out" | grep '✗' | sed 's/^/    /'
    failed=1
fi
if out=$(systemd-analyze security --offline=yes --threshold=25 --no-pager "$work/v6-dashboard.service" 2>&1); then
    echo "PASS verify-units: systemd-analyze security v6-dashboard.service: $(echo "$out" | grep -o 'exposure level.*' | tail -1)"
else
    echo "FAIL verify-units: systemd-analyze security rates v6-dashboard.service above 2.5:"; echo "$out" | grep '✗' | sed 's/^/    /'
    failed=1
fi
exit $failed
